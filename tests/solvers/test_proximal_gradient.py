"""FISTA (solver="proximal_gradient") against cvxpy on real data, its certificate, its options.

References: cvxpy with CLARABEL at tight tolerances solves the same objective written out
independently (datafit, penalty, sample weights, intercept); we compare objective values
(relative 1e-6), since L1-type solutions need not be unique, and recompute the certificate
from the returned coefficients with :mod:`lpreg.certificates`.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import (
    classification_data,
    load_dataset,
    recomputed_certificate,
    regression_data,
    standardize,
)
from sklearn.exceptions import ConvergenceWarning

import lpreg
from lpreg import L1, Logistic, Quadratic
from lpreg.penalties import ElasticNet
from lpreg.solvers import solve

cp = pytest.importorskip("cvxpy")

SOLVER = "proximal_gradient"


# --------------------------------------------------------------------------------------------
# independent reference: cvxpy
# --------------------------------------------------------------------------------------------


def _cvxpy_penalty(penalty, w):
    if isinstance(penalty, L1):
        return penalty.alpha * cp.norm1(w)
    if isinstance(penalty, ElasticNet):
        r = penalty.l1_ratio
        return penalty.alpha * (r * cp.norm1(w) + 0.5 * (1 - r) * cp.sum_squares(w))
    if type(penalty).__name__ == "GroupLasso":
        groups = np.asarray(penalty.groups)
        terms = []
        for g in np.unique(groups):
            columns = np.flatnonzero(groups == g)
            terms.append(np.sqrt(len(columns)) * cp.norm(w[columns], 2))
        return penalty.alpha * cp.sum(cp.hstack(terms))
    raise NotImplementedError(type(penalty).__name__)


def cvxpy_objective(X, y, datafit, penalty, sample_weight=None, fit_intercept=False):
    """Optimal value of F + G by cvxpy/CLARABEL, written from the docstrings' formulas."""
    n_samples, n_features = X.shape
    c = np.full(n_samples, 1.0 / n_samples) if sample_weight is None else sample_weight
    c = c / c.sum()
    w = cp.Variable(n_features)
    b = cp.Variable() if fit_intercept else 0.0
    z = X @ w + b
    if isinstance(datafit, Quadratic):
        loss = 0.5 * cp.sum(cp.multiply(c, cp.square(y - z)))
    else:
        labels = np.where(y == y.max(), 1.0, -1.0)
        loss = cp.sum(cp.multiply(c, cp.logistic(-cp.multiply(labels, z))))
    problem = cp.Problem(cp.Minimize(loss + _cvxpy_penalty(penalty, w)))
    problem.solve(
        solver=cp.CLARABEL, tol_gap_abs=1e-11, tol_gap_rel=1e-11, tol_feas=1e-11, max_iter=500
    )
    assert problem.status == cp.OPTIMAL
    return problem.value


def _check_against_cvxpy(X, y, datafit, penalty, sample_weight=None, fit_intercept=True):
    tol = 1e-9
    result = solve(
        X,
        y,
        datafit,
        penalty,
        solver=SOLVER,
        sample_weight=sample_weight,
        fit_intercept=fit_intercept,
        tol=tol,
    )
    reference = cvxpy_objective(X, y, datafit, penalty, sample_weight, fit_intercept)
    assert result.converged
    assert abs(result.objective - reference) <= 1e-6 * abs(reference)
    certificate = recomputed_certificate(
        X, y, datafit, penalty, result.coef, result.intercept, sample_weight, fit_intercept
    )
    assert certificate <= tol
    return result, reference


def we8there_subset(n_samples=400, n_features=120):
    """A seeded random set of we8there rows, its most frequent bigrams there, sparse CSC."""
    data = load_dataset("we8there")
    rows = np.sort(np.random.default_rng(0).choice(data["y"].shape[0], n_samples, replace=False))
    X = sp.csc_matrix(data["X"][rows])
    frequent = np.sort(np.argsort(-X.getnnz(axis=0), kind="stable")[:n_features])
    return sp.csc_matrix(X[:, frequent]), data["y"][rows].astype(np.float64)


# --------------------------------------------------------------------------------------------
# agreement with cvxpy on real data
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "penalty_factory",
    [lambda a: L1(alpha=a), lambda a: ElasticNet(alpha=a, l1_ratio=0.5)],
    ids=["L1", "ElasticNet"],
)
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_quadratic_prostate_matches_cvxpy(penalty_factory, weighted):
    X, y = regression_data("prostate")
    weights = np.random.default_rng(0).uniform(0.2, 3.0, X.shape[0]) if weighted else None
    alpha_max = L1().alpha_max(X, y, Quadratic(), sample_weight=weights, fit_intercept=True)
    penalty = penalty_factory(alpha_max / 10)
    result, _ = _check_against_cvxpy(X, y, Quadratic(), penalty, weights)
    assert 0 < np.sum(result.coef == 0) < X.shape[1] or isinstance(penalty, ElasticNet)


@pytest.mark.parametrize(
    "penalty_factory",
    [lambda a: L1(alpha=a), lambda a: ElasticNet(alpha=a, l1_ratio=0.7)],
    ids=["L1", "ElasticNet"],
)
def test_logistic_sparse_we8there_matches_cvxpy(penalty_factory):
    X, y = we8there_subset()
    assert sp.isspmatrix_csc(X)
    alpha_max = L1().alpha_max(X, Logistic().prepare_target(y), Logistic(), fit_intercept=True)
    penalty = penalty_factory(alpha_max / 8)
    result, _ = _check_against_cvxpy(X, y, Logistic(), penalty)
    assert 0 < np.sum(result.coef != 0) < X.shape[1]


def test_group_lasso_logistic_colon_grouped_matches_cvxpy():
    GroupLasso = getattr(lpreg, "GroupLasso", None)
    if GroupLasso is None:
        pytest.skip("lpreg.GroupLasso is not registered yet")
    data = load_dataset("colon_grouped")
    X = np.asfortranarray(standardize(data["X"]))
    y = data["y"].astype(np.float64)
    groups = data["groups"]
    alpha_max = GroupLasso(alpha=1.0, groups=groups).alpha_max(
        X, Logistic().prepare_target(y), Logistic(), fit_intercept=True
    )
    penalty = GroupLasso(alpha=alpha_max / 5, groups=groups)
    result, _ = _check_against_cvxpy(X, y, Logistic(), penalty)
    norms = np.array([np.linalg.norm(result.coef[groups == g]) for g in np.unique(groups)])
    # whole groups are exactly zero, and not all of them
    assert 0 < np.sum(norms == 0) < len(norms)


# --------------------------------------------------------------------------------------------
# backtracking and restart are used
# --------------------------------------------------------------------------------------------


def test_too_large_initial_step_backtracks_and_converges():
    X, y = regression_data("hitters")
    alpha_max = L1().alpha_max(X, y, Quadratic(), fit_intercept=True)
    penalty = L1(alpha=alpha_max / 20)
    lipschitz = Quadratic().global_lipschitz(X) + 1.0
    reference = solve(X, y, Quadratic(), penalty, solver=SOLVER, fit_intercept=True, tol=1e-10)
    result = solve(
        X,
        y,
        Quadratic(),
        penalty,
        solver=SOLVER,
        fit_intercept=True,
        tol=1e-10,
        initial_step=1e4 / lipschitz,
        history=True,
    )
    assert result.converged
    # the accepted steps are far below the first trial step: backtracking happened
    assert max(result.history["step"][1:]) < 10.0 / lipschitz
    assert abs(result.objective - reference.objective) <= 1e-9 * reference.objective


def test_small_initial_step_grows_back():
    X, y = regression_data("prostate")
    lipschitz = Quadratic().global_lipschitz(X) + 1.0
    result = solve(
        X,
        y,
        Quadratic(),
        L1(alpha=0.01),
        solver=SOLVER,
        fit_intercept=True,
        initial_step=1e-3 / lipschitz,
        history=True,
    )
    assert result.converged
    assert result.history["step"][-1] > 0.5 / lipschitz


def test_adaptive_restart_fires_and_helps():
    # ill-conditioned leukemia subset (p > n), small alpha: plain FISTA oscillates
    X, y = classification_data("leukemia_golub", n_features=300)
    y = y - y.mean()
    alpha_max = L1().alpha_max(X, y, Quadratic())
    penalty = L1(alpha=alpha_max / 50)
    runs = {}
    for restart in ("gradient", "function", "none"):
        runs[restart] = solve(
            X, y, Quadratic(), penalty, solver=SOLVER, tol=1e-8, restart=restart, history=True
        )
        assert runs[restart].converged
    assert runs["gradient"].history["n_restart"][-1] > 0
    assert runs["function"].history["n_restart"][-1] > 0
    assert runs["none"].history["n_restart"][-1] == 0
    assert runs["gradient"].n_iter < runs["none"].n_iter
    assert runs["function"].n_iter < runs["none"].n_iter


# --------------------------------------------------------------------------------------------
# other penalties, dtypes, edge cases
# --------------------------------------------------------------------------------------------


def test_nonconvex_mcp_is_monotone_and_kkt_certified():
    MCP = getattr(lpreg, "MCP", None)
    if MCP is None:
        pytest.skip("lpreg.MCP is not registered yet")
    X, y = regression_data("hitters")
    alpha_max = L1().alpha_max(X, y, Quadratic(), fit_intercept=True)
    penalty = MCP(alpha=alpha_max / 10, gamma=3.0)
    result = solve(
        X,
        y,
        Quadratic(),
        penalty,
        solver=SOLVER,
        fit_intercept=True,
        tol=1e-8,
        history=True,
        check_every=1,
    )
    assert result.certificate == "kkt_violation"
    assert result.converged
    certificate = recomputed_certificate(
        X, y, Quadratic(), penalty, result.coef, result.intercept, fit_intercept=True
    )
    assert certificate <= 1e-8
    objectives = np.array(result.history["objective"])
    # the monotone scheme for non-convex penalties: the objective never increases
    assert np.all(np.diff(objectives) <= 1e-12 * abs(objectives[0]))


def test_bounded_nonnegative_lasso_matches_projected_cvxpy():
    Bounded = getattr(lpreg, "Bounded", None)
    if Bounded is None:
        pytest.skip("lpreg.Bounded is not registered yet")
    X, y = regression_data("prostate")
    penalty = Bounded(L1(alpha=0.02), lower=0.0)
    result = solve(X, y, Quadratic(), penalty, solver=SOLVER, fit_intercept=True, tol=1e-10)
    w, b = cp.Variable(X.shape[1]), cp.Variable()
    reference = cp.Problem(
        cp.Minimize(
            0.5 * cp.sum_squares(y - X @ w - b) / len(y) + 0.02 * cp.norm1(w),
        ),
        [w >= 0],
    )
    reference.solve(solver=cp.CLARABEL, tol_gap_abs=1e-11, tol_gap_rel=1e-11, tol_feas=1e-11)
    assert result.converged
    assert np.all(result.coef >= 0)
    assert abs(result.objective - reference.value) <= 1e-6 * reference.value


def test_float32_stays_float32_and_agrees():
    X, y = regression_data("hitters")
    penalty = L1(alpha=0.05)
    result64 = solve(X, y, Quadratic(), penalty, solver=SOLVER, fit_intercept=True, tol=1e-10)
    result32 = solve(
        X.astype(np.float32), y, Quadratic(), penalty, solver=SOLVER, fit_intercept=True, tol=1e-5
    )
    assert result32.coef.dtype == np.float32
    assert result32.converged
    assert abs(result32.objective - result64.objective) <= 1e-5 * result64.objective


def test_alpha_max_gives_zero_without_iterating():
    X, y = we8there_subset()
    target = Logistic().prepare_target(y)
    alpha_max = L1().alpha_max(X, target, Logistic(), fit_intercept=True)
    intercept0 = Logistic().intercept_at_zero(target)
    result = solve(
        X,
        y,
        Logistic(),
        L1(alpha=alpha_max),
        solver=SOLVER,
        fit_intercept=True,
        intercept0=intercept0,
    )
    assert result.n_iter == 0 and np.all(result.coef == 0)
    below = solve(X, y, Logistic(), L1(alpha=0.99 * alpha_max), solver=SOLVER, fit_intercept=True)
    assert np.sum(below.coef != 0) >= 1


def test_max_iter_one_warns_with_the_gap():
    X, y = regression_data("prostate")
    with pytest.warns(
        ConvergenceWarning,
        match=r"proximal_gradient stopped at max_iter=1 with "
        r"duality gap",
    ):
        result = solve(X, y, Quadratic(), L1(alpha=0.01), solver=SOLVER, max_iter=1)
    assert not result.converged and result.n_iter == 1


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"stepsize": 1.0}, ValueError, r"ProximalGradient: unknown option\(s\) \['stepsize'\]"),
        ({"restart": "always"}, ValueError, r"restart must be one of .*got 'always'"),
        ({"check_every": 0}, ValueError, r"check_every must be an int >= 1, got 0"),
        ({"check_every": 2.5}, TypeError, r"check_every must be an int >= 1, got float 2.5"),
        ({"initial_step": -1.0}, ValueError, r"initial_step must be in \(0.0, inf\)"),
    ],
)
def test_bad_options_are_named(options, error, match):
    X, y = regression_data("prostate")
    with pytest.raises(error, match=match):
        solve(X, y, Quadratic(), L1(alpha=0.1), solver=SOLVER, **options)
