"""CoordinateDescent against scikit-learn, cvxpy, brute force and skglm, on real data.

References are independent: scikit-learn's ``Lasso``/``ElasticNet``, cvxpy (CLARABEL) with the
objective written from the formulas, an exhaustive search over sign patterns with scipy for
the non-convex penalties, and skglm's MCP solver.  Objectives are recomputed in numpy here.

Compile time dominates: numba compiles each epoch loop once per process for every (datafit,
penalty kernels, dtype, layout, engine) it meets, 1-2 s of CPU each.  The tests below reuse a
few: the Gram loop with L1, ElasticNet, MCP, SCAD and Lp (the registry test compiles them too),
the dense loop with Quadratic + L1 and Logistic + L1/MCP, the CSC loop with Quadratic + L1,
float32 once, and the block loops with Quadratic and Logistic (dense) and Quadratic (CSC).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import ClassVar

import cvxpy as cp
import numpy as np
import pytest
import scipy.sparse as sp
from conftest import (
    classification_data,
    load_dataset,
    recomputed_certificate,
    regression_data,
    standardize,
    synthetic_data,
)
from scipy.optimize import minimize
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet as SkElasticNet
from sklearn.linear_model import Lasso as SkLasso

from lpreg import L1, MCP, SCAD, GroupLasso, Huber, Logistic, Lp, Quadratic, SparseGroupLasso
from lpreg.datafits import Datafit
from lpreg.penalties import ElasticNet, Penalty, penalty_examples
from lpreg.solvers import choose_solver, solve

CD = "coordinate_descent"
CLARABEL_TIGHT = {"tol_gap_abs": 1e-12, "tol_gap_rel": 1e-12, "tol_feas": 1e-12, "max_iter": 400}
# second-order cones (group norms): CLARABEL reports "inaccurate" below 1e-9
CLARABEL_CONES = {"tol_gap_abs": 1e-9, "tol_gap_rel": 1e-9, "tol_feas": 1e-9, "max_iter": 400}


def lasso_relative_gap(X, y, coef, alpha):
    """The Lasso duality gap of ``coef`` relative to ``F(0) = mean(y^2) / 2``, computed here in
    numpy at the dual point ``r / max(n alpha, ||X^T r||_inf)`` (no intercept)."""
    n = X.shape[0]
    residual = y - X @ coef
    primal = 0.5 * np.mean(residual**2) + alpha * np.abs(coef).sum()
    n_alpha = n * alpha
    theta = residual / max(n_alpha, np.max(np.abs(X.T @ residual)))
    dual = 0.5 * np.mean(y**2) - 0.5 * n * alpha**2 * np.sum((theta - y / n_alpha) ** 2)
    return (primal - dual) / (0.5 * np.mean(y**2))


def count_gradients(monkeypatch):
    """A list whose last entry counts the full gradients (outer iterations) of coordinate
    descent from now on; append 0 to start a new count."""
    from lpreg.solvers import coordinate_descent

    counts = [0]
    original = coordinate_descent._DirectEngine.gradient

    def counting_gradient(self):
        counts[-1] += 1
        return original(self)

    monkeypatch.setattr(coordinate_descent._DirectEngine, "gradient", counting_gradient)
    return counts


# ---- objectives written from the formulas ---------------------------------------------------
def weights_of(sample_weight, n_samples):
    if sample_weight is None:
        return np.full(n_samples, 1.0 / n_samples)
    return sample_weight / sample_weight.sum()


def least_squares(X, y, w, b=0.0, sample_weight=None):
    c = weights_of(sample_weight, X.shape[0])
    return 0.5 * float(c @ (y - X @ w - b) ** 2)


def log_loss(X, y, w, b=0.0):
    return float(np.mean(np.logaddexp(0.0, -y * (X @ w + b))))


def elastic_net_value(w, alpha, l1_ratio):
    return alpha * (l1_ratio * np.abs(w).sum() + 0.5 * (1 - l1_ratio) * w @ w)


def mcp_value(w, alpha, gamma):
    a = np.abs(w)
    inner = alpha * a - a * a / (2 * gamma)
    return float(np.sum(np.where(a <= gamma * alpha, inner, 0.5 * gamma * alpha**2)))


def lp_value(w, alpha, p):
    return float(alpha * np.sum(np.abs(w) ** p))


# ---- alpha_max ------------------------------------------------------------------------------
@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize(
    "make_penalty",
    [L1, lambda alpha: MCP(alpha, gamma=3.0)],
    ids=["L1", "MCP"],
)
@pytest.mark.parametrize("datafit", [Quadratic(), Logistic()], ids=["Quadratic", "Logistic"])
def test_alpha_max_gives_zeros_and_just_below_does_not(datafit, make_penalty, fit_intercept):
    if isinstance(datafit, Logistic):
        X, y = classification_data("colon_alon", n_features=60)
    else:
        X, y = regression_data("hitters")
        y = y + 3.0  # a non-centred target makes the intercept matter
    alpha_max = make_penalty(1.0).alpha_max(X, y, datafit, fit_intercept=fit_intercept)
    at_max = solve(X, y, datafit, make_penalty(alpha_max), solver=CD, fit_intercept=fit_intercept)
    assert np.all(at_max.coef == 0.0)
    below = solve(
        X, y, datafit, make_penalty(0.99 * alpha_max), solver=CD, fit_intercept=fit_intercept
    )
    assert np.count_nonzero(below.coef) >= 1


# ---- scikit-learn ---------------------------------------------------------------------------
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize(("dataset", "l1_ratio"), [("hitters", 1.0), ("credit", 0.5)])
def test_matches_sklearn_lasso_and_elastic_net(dataset, l1_ratio, fit_intercept, weighted):
    data = load_dataset(dataset)
    X = standardize(data["X"])
    y = data["y"] / data["y"].std() + 1.0
    rng = np.random.default_rng(3)
    sample_weight = rng.uniform(0.2, 3.0, X.shape[0]) if weighted else None
    alpha = 0.02
    reference = SkLasso(alpha=alpha) if l1_ratio == 1.0 else SkElasticNet(alpha, l1_ratio=0.5)
    reference.set_params(fit_intercept=fit_intercept, tol=1e-12, max_iter=1_000_000)
    reference.fit(X, y, sample_weight=sample_weight)
    penalty = L1(alpha) if l1_ratio == 1.0 else ElasticNet(alpha, l1_ratio=0.5)
    result = solve(
        X,
        y,
        Quadratic(),
        penalty,
        solver=CD,
        fit_intercept=fit_intercept,
        sample_weight=sample_weight,
        tol=1e-10,
    )

    def objective(w, b):
        return least_squares(X, y, w, b, sample_weight) + elastic_net_value(w, alpha, l1_ratio)

    ours = objective(result.coef, result.intercept)
    theirs = objective(reference.coef_, reference.intercept_ if fit_intercept else 0.0)
    assert abs(ours - theirs) <= 1e-6 * theirs
    np.testing.assert_allclose(result.coef, reference.coef_, atol=1e-4)


# ---- cvxpy ----------------------------------------------------------------------------------
def _cvxpy_objective(X, y, kind, alpha):
    w = cp.Variable(X.shape[1])
    if kind == "logistic":
        loss = cp.sum(cp.logistic(-cp.multiply(y, X @ w))) / X.shape[0]
        regulariser = alpha * cp.norm1(w)
    else:
        loss = cp.sum_squares(y - X @ w) / (2 * X.shape[0])
        ratio = 1.0 if kind == "lasso" else 0.5
        regulariser = alpha * (ratio * cp.norm1(w) + 0.5 * (1 - ratio) * cp.sum_squares(w))
    problem = cp.Problem(cp.Minimize(loss + regulariser))
    problem.solve(solver=cp.CLARABEL, **CLARABEL_TIGHT)
    assert problem.status == cp.OPTIMAL
    return problem.value


def _we8there(n_samples=600, n_features=150):
    data = load_dataset("we8there")
    rows = np.sort(np.random.default_rng(0).choice(data["X"].shape[0], n_samples, replace=False))
    X = data["X"].tocsr()[rows].tocsc()
    keep = np.argsort(-np.asarray((X != 0).sum(axis=0)).ravel())[:n_features]
    X = sp.csc_matrix(X[:, np.sort(keep)], dtype=np.float64)
    X = X.multiply(1.0 / np.sqrt(np.asarray(X.multiply(X).mean(axis=0)).ravel())).tocsc()
    y = np.where(data["y"][rows] == data["y"].max(), 1.0, -1.0)
    return X, y


def _cvxpy_case(dataset, kind):
    if dataset == "we8there":
        return _we8there()
    if kind == "logistic":
        return classification_data(dataset, n_features=80)
    return regression_data(dataset)


@pytest.mark.parametrize(
    ("kind", "dataset"),
    [
        ("lasso", "hitters"),
        ("lasso", "we8there"),
        ("elastic_net", "prostate"),
        ("logistic", "colon_alon"),
        ("logistic", "leukemia_golub"),
    ],
)
def test_matches_cvxpy(kind, dataset):
    X, y = _cvxpy_case(dataset, kind)
    datafit = Logistic() if kind == "logistic" else Quadratic()
    alpha = 0.05 * L1().alpha_max(X, y, datafit)
    penalty = ElasticNet(alpha, l1_ratio=0.5) if kind == "elastic_net" else L1(alpha)
    assert sp.issparse(X) == (dataset == "we8there")
    # the direct loop for the lasso on dense data (auto would pick the Gram loop)
    result = solve(X, y, datafit, penalty, solver=CD, tol=1e-10, gram=False)
    w = result.coef
    if kind == "logistic":
        ours = log_loss(X, y, w) + alpha * np.abs(w).sum()
    else:
        ratio = 1.0 if kind == "lasso" else 0.5
        ours = least_squares(X, y, w) + elastic_net_value(w, alpha, ratio)
    reference = _cvxpy_objective(X, y, kind, alpha)
    assert ours <= reference * (1 + 1e-6)
    assert reference <= ours * (1 + 1e-6)


def test_dense_and_csc_give_the_same_solution():
    X, y = _we8there(n_samples=400, n_features=100)
    alpha = 0.05 * L1().alpha_max(X, y, Quadratic())
    options = {"tol": 1e-10, "fit_intercept": True}
    sparse = solve(X, y, Quadratic(), L1(alpha), solver=CD, **options)
    dense = solve(X.toarray(), y, Quadratic(), L1(alpha), solver=CD, gram=False, **options)
    np.testing.assert_allclose(sparse.coef, dense.coef, rtol=1e-6, atol=1e-8)
    assert sparse.intercept == pytest.approx(dense.intercept, rel=1e-6, abs=1e-9)


def test_float32_gives_float32_coef_close_to_float64():
    # float32 X runs the dense loop compiled for float32 (the Gram loop is float64 anyway)
    datafit = Logistic()
    X, y = classification_data("colon_alon", n_features=100)
    alpha = 0.1 * L1().alpha_max(X, y, datafit)
    double = solve(X, y, datafit, L1(alpha), solver=CD, tol=1e-8)
    single = solve(X.astype(np.float32), y, datafit, L1(alpha), solver=CD, tol=1e-5)
    assert single.coef.dtype == np.float32
    assert double.coef.dtype == np.float64
    np.testing.assert_allclose(single.coef, double.coef, atol=1e-3 * np.abs(double.coef).max())


def test_gram_mode_matches_direct_mode_with_intercept_and_weights():
    X, y = regression_data("credit")
    y = y + 2.0
    weights = np.random.default_rng(0).uniform(0.5, 2.0, X.shape[0])
    penalty = L1(0.01)
    options = {"fit_intercept": True, "sample_weight": weights, "tol": 1e-10}
    gram = solve(X, y, Quadratic(), penalty, solver=CD, gram=True, **options)
    direct = solve(X, y, Quadratic(), penalty, solver=CD, gram=False, **options)
    # credit's limit and rating columns are nearly collinear: compare the objectives
    assert gram.objective == pytest.approx(direct.objective, rel=1e-9)
    assert gram.objective == pytest.approx(
        least_squares(X, y, gram.coef, gram.intercept, weights)
        + elastic_net_value(gram.coef, 0.01, 1.0),
        rel=1e-12,
    )
    np.testing.assert_allclose(gram.coef, direct.coef, atol=1e-3)


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_screening_and_working_sets_do_not_change_the_solution(fit_intercept):
    X, y = regression_data("leukemia_golub")  # 72 x 7129: screening discards most columns
    alpha = 0.2 * L1().alpha_max(X, y, Quadratic(), fit_intercept=fit_intercept)
    options = {"fit_intercept": fit_intercept, "tol": 1e-9}
    fast = solve(X, y, Quadratic(), L1(alpha), solver=CD, history=True, **options)
    plain = solve(
        X,
        y,
        Quadratic(),
        L1(alpha),
        solver=CD,
        screening=False,
        working_set=False,
        anderson=False,
        **options,
    )
    np.testing.assert_allclose(fast.coef, plain.coef, atol=1e-5 * np.abs(plain.coef).max())
    assert fast.history["certificate"][-1] <= 1e-9
    certificate = recomputed_certificate(
        X, y, Quadratic(), L1(alpha), fast.coef, fast.intercept, fit_intercept=fit_intercept
    )
    assert certificate <= 1e-9


# ---- non-convex -----------------------------------------------------------------------------
NONCONVEX = [MCP(1.0, gamma=3.0), SCAD(1.0, gamma=3.7), Lp(1.0, p=0.5)]


@pytest.mark.parametrize("penalty", NONCONVEX, ids=repr)
def test_nonconvex_solution_is_a_coordinatewise_prox_fixed_point(penalty):
    X, y = regression_data("hitters")
    alpha = 0.1 * L1().alpha_max(X, y, Quadratic())
    penalty = penalty.with_alpha(alpha)
    result = solve(X, y, Quadratic(), penalty, solver=CD, tol=1e-9)
    w = result.coef
    gradient = X.T @ (X @ w - y) / X.shape[0]
    lipschitz = np.sum(X * X, axis=0) / X.shape[0]
    for j in range(X.shape[1]):
        step = 1.0 / lipschitz[j]
        moved = penalty.prox(np.array([w[j] - step * gradient[j]]), step)[0]
        assert abs(moved - w[j]) <= 1e-6 * max(1.0, np.abs(w).max())
    assert np.count_nonzero(w) >= 1


def _global_minimum(X, y, penalty_value, penalty_gradient):
    """Exhaustive search over sign patterns in {-1, 0, +1}^p, L-BFGS-B in each orthant.

    In the orthant of ``signs`` the objective of ``u = |w_S| > 0`` is the quadratic
    ``0.5 ||y||^2 / n - q_S^T u + 0.5 u^T Q_S u`` (``Q = X^T X / n``, ``q = X^T y / n``, signs
    folded in) plus the penalty; its exact gradient is handed to L-BFGS-B.
    """
    n_samples, n_features = X.shape
    gram = X.T @ X / n_samples
    xty = X.T @ y / n_samples
    base = 0.5 * float(y @ y) / n_samples
    best = base
    for signs in itertools.product((-1.0, 0.0, 1.0), repeat=n_features):
        signs = np.array(signs)
        support = np.flatnonzero(signs)
        if support.size == 0:
            continue
        Q = gram[np.ix_(support, support)] * np.outer(signs[support], signs[support])
        q = xty[support] * signs[support]

        def objective(u, Q=Q, q=q):
            Qu = Q @ u
            value = base - q @ u + 0.5 * u @ Qu + penalty_value(u)
            return value, Qu - q + penalty_gradient(u)

        least = np.linalg.lstsq(Q, q, rcond=None)[0]
        for start in (np.maximum(least, 1e-3), np.full(support.size, 0.5)):
            found = minimize(
                objective,
                start,
                jac=True,
                method="L-BFGS-B",
                bounds=[(1e-12, None)] * len(start),
            )
            best = min(best, found.fun)
    return best


@pytest.mark.parametrize(
    "penalty", [MCP(1.0, gamma=2.0), Lp(1.0, p=0.5)], ids=["MCP", "Lp(p=0.5)"]
)
def test_nonconvex_reaches_the_global_minimum_on_five_features(penalty):
    # 3^5 orthants, two L-BFGS-B starts each (six features cost three times as much)
    X, y = regression_data("prostate", n_features=5)
    alpha = 0.15 * L1().alpha_max(X, y, Quadratic())
    penalty = penalty.with_alpha(alpha)
    if isinstance(penalty, MCP):

        def value(w):
            return mcp_value(w, alpha, 2.0)

        def gradient(u):  # u > 0
            return np.where(u <= 2.0 * alpha, alpha - u / 2.0, 0.0)
    else:

        def value(w):
            return lp_value(w, alpha, 0.5)

        def gradient(u):  # u > 0
            return alpha * 0.5 * u**-0.5

    result = solve(X, y, Quadratic(), penalty, solver=CD, tol=1e-10)
    ours = least_squares(X, y, result.coef) + value(result.coef)
    best = _global_minimum(X, y, value, gradient)
    assert ours <= best * (1 + 1e-6)


def test_mcp_objective_no_worse_than_skglm():
    skglm = pytest.importorskip("skglm")
    from skglm.datafits import Quadratic as SkglmQuadratic
    from skglm.penalties import MCPenalty
    from skglm.solvers import AndersonCD

    X, y = regression_data("leukemia_golub", n_features=1000)  # p >> n, as in the full set
    alpha = 0.1 * L1().alpha_max(X, y, Quadratic())
    gamma = 3.0
    estimator = skglm.GeneralizedLinearEstimator(
        datafit=SkglmQuadratic(),
        penalty=MCPenalty(alpha, gamma),
        solver=AndersonCD(tol=1e-10, fit_intercept=False, max_iter=200),
    ).fit(X, y)
    result = solve(X, y, Quadratic(), MCP(alpha, gamma=gamma), solver=CD, tol=1e-9)

    def objective(w):
        return least_squares(X, y, w) + mcp_value(w, alpha, gamma)

    assert objective(result.coef) <= objective(estimator.coef_) * (1 + 1e-9)


def test_nonconvex_improves_on_its_l1_start():
    X, y = regression_data("hitters")
    alpha = 0.05 * L1().alpha_max(X, y, Quadratic())
    lasso = solve(X, y, Quadratic(), L1(alpha), solver=CD, tol=1e-10)
    mcp = solve(X, y, Quadratic(), MCP(alpha, gamma=3.0), solver=CD, tol=1e-10)
    start = least_squares(X, y, lasso.coef) + mcp_value(lasso.coef, alpha, 3.0)
    assert least_squares(X, y, mcp.coef) + mcp_value(mcp.coef, alpha, 3.0) < start


# ---- errors and warnings ---------------------------------------------------------------------
def test_max_iter_one_warns_with_the_duality_gap():
    X, y = regression_data("hitters")
    alpha = 0.01 * L1().alpha_max(X, y, Quadratic())
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        result = solve(X, y, Quadratic(), L1(alpha), solver=CD, max_iter=1, gram=False)
    assert result.n_iter == 1
    assert not result.converged


@dataclass(frozen=True)
class WholeVector(Penalty):
    """A non-separable penalty without group structure (alpha * ||w||_2): CD must refuse it."""

    alpha: float = 0.1
    is_separable: ClassVar[bool] = False

    def _params(self):
        return (self.alpha,)

    def value(self, w):
        return self.alpha * float(np.linalg.norm(w))


def test_refuses_a_non_separable_non_group_penalty_and_points_to_proximal_gradient():
    X, y = synthetic_data("regression", n_features=6)
    with pytest.raises(
        ValueError,
        match="CoordinateDescent cannot solve Quadratic \\+ WholeVector: it needs a separable "
        'penalty.*or a group penalty.*"proximal_gradient"',
    ):
        solve(X, y, Quadratic(), WholeVector(0.1), solver=CD)


def test_refuses_a_datafit_without_scalar_kernels():
    class Opaque(Datafit):
        scalar_kernels = None

    X, y = synthetic_data("regression", n_features=6)
    with pytest.raises(ValueError, match="needs datafit.scalar_kernels"):
        solve(X, y, Opaque(), L1(0.1), solver=CD)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"warm": True}, "unknown option 'warm'"),
        ({"gram": "yes"}, "gram must be one of"),
        ({"init": "ridge"}, "init must be one of"),
    ],
)
def test_rejects_bad_options(options, message):
    X, y = synthetic_data("regression", n_features=6)
    with pytest.raises(ValueError, match=message):
        solve(X, y, Quadratic(), L1(0.1), solver=CD, **options)


def test_gram_needs_the_quadratic_datafit():
    X, y = synthetic_data("classification", n_features=6)
    with pytest.raises(ValueError, match="gram=True needs the Quadratic datafit, got Logistic"):
        solve(X, y, Logistic(), L1(0.01), solver=CD, gram=True)


def test_overflowing_column_raises_floating_point_error_not_nan():
    X, y = synthetic_data("regression", n_features=6)
    X = X.copy()
    X[:, 2] *= 1e200  # sum_i c_i x_ij^2 overflows
    with pytest.raises(FloatingPointError, match="standardise X"):
        solve(X, y, Quadratic(), L1(0.1), solver=CD)


def test_gram_is_for_separable_penalties():
    X, y = synthetic_data("regression", n_features=6)
    with pytest.raises(ValueError, match="gram=True is for separable penalties, got GroupLasso"):
        solve(X, y, Quadratic(), GroupLasso(0.1, groups=3), solver=CD, gram=True)


# ---- group penalties: block coordinate descent -----------------------------------------------
def _colon_grouped():
    data = load_dataset("colon_grouped")
    X = np.asfortranarray(standardize(data["X"]))
    y = np.where(data["y"] == data["y"].max(), 1.0, -1.0)
    return X, y, data["groups"]


def _group_lists(labels):
    return [np.flatnonzero(labels == g) for g in np.unique(labels)]


def _group_objective(X, y, kind, w, b, alpha, l1_ratio, labels, sample_weight=None):
    """Datafit + alpha (r ||w||_1 + (1 - r) sum_g sqrt(|g|) ||w_g||_2), in numpy."""
    c = weights_of(sample_weight, X.shape[0])
    z = X @ w + b
    if kind == "logistic":
        loss = float(c @ np.logaddexp(0.0, -y * z))
    else:
        loss = 0.5 * float(c @ (y - z) ** 2)
    groups = sum(np.sqrt(cols.size) * np.linalg.norm(w[cols]) for cols in _group_lists(labels))
    return loss + alpha * (l1_ratio * np.abs(w).sum() + (1 - l1_ratio) * groups)


def _cvxpy_group_objective(X, y, kind, alpha, l1_ratio, labels, sample_weight, fit_intercept):
    c = weights_of(sample_weight, X.shape[0])
    w = cp.Variable(X.shape[1])
    b = cp.Variable() if fit_intercept else 0.0
    z = X @ w + b
    if kind == "logistic":
        loss = c @ cp.logistic(-cp.multiply(y, z))
    else:
        loss = 0.5 * (c @ cp.square(y - z))
    groups = sum(np.sqrt(cols.size) * cp.norm(w[cols], 2) for cols in _group_lists(labels))
    regulariser = alpha * (l1_ratio * cp.norm1(w) + (1 - l1_ratio) * groups)
    problem = cp.Problem(cp.Minimize(loss + regulariser))
    problem.solve(solver=cp.CLARABEL, **CLARABEL_CONES)
    assert problem.status == cp.OPTIMAL
    return problem.value


def _group_penalty(labels, l1_ratio, alpha=1.0):
    if l1_ratio == 0.0:
        return GroupLasso(alpha, groups=labels)
    return SparseGroupLasso(alpha, groups=labels, l1_ratio=l1_ratio)


@pytest.mark.parametrize(
    ("kind", "l1_ratio", "fit_intercept", "weighted"),
    [
        ("quadratic", 0.0, False, False),
        ("quadratic", 0.5, True, True),
        ("logistic", 0.0, True, True),
        ("logistic", 0.5, False, False),
    ],
)
def test_group_penalties_match_cvxpy_on_colon_grouped(kind, l1_ratio, fit_intercept, weighted):
    X, y, labels = _colon_grouped()
    datafit = Logistic() if kind == "logistic" else Quadratic()
    sample_weight = np.random.default_rng(1).uniform(0.2, 3.0, X.shape[0]) if weighted else None
    options = {"sample_weight": sample_weight, "fit_intercept": fit_intercept}
    alpha = 0.1 * _group_penalty(labels, l1_ratio).alpha_max(X, y, datafit, **options)
    penalty = _group_penalty(labels, l1_ratio, alpha)
    result = solve(X, y, datafit, penalty, solver=CD, tol=1e-10, history=True, **options)
    assert result.history["certificate"][-1] <= 1e-10
    certificate = recomputed_certificate(
        X, y, datafit, penalty, result.coef, result.intercept, **options
    )
    assert certificate <= 1e-10
    ours = _group_objective(
        X, y, kind, result.coef, result.intercept, alpha, l1_ratio, labels, sample_weight
    )
    reference = _cvxpy_group_objective(X, y, kind, alpha, l1_ratio, labels, **options)
    assert ours <= reference * (1 + 1e-6)
    assert reference <= ours * (1 + 1e-6)
    # some groups are zero and some are not: the blocks are really thresholded
    norms = np.array([np.linalg.norm(result.coef[cols]) for cols in _group_lists(labels)])
    assert 0 < np.count_nonzero(norms) < norms.size


def _synthetic_grouped_csc():
    """120 x 40 CSC design, 8 groups of unequal sizes on shuffled columns, one all-zero group."""
    rng = np.random.default_rng(4)
    X = sp.random(120, 40, density=0.25, random_state=rng, format="csc")
    X.data = rng.standard_normal(X.data.size)
    labels = rng.permutation(np.repeat(np.arange(8), [3, 7, 5, 5, 4, 6, 2, 8]))
    X = X.tolil()
    X[:, np.flatnonzero(labels == 6)] = 0.0  # L_g = 0 for group 6
    X = sp.csc_matrix(X)
    X.eliminate_zeros()
    w_true = np.where(labels < 3, rng.standard_normal(40), 0.0)
    y = X @ w_true + 0.3 * rng.standard_normal(120) + 1.0
    return X, y, labels


def test_group_csc_matches_dense_and_cvxpy_with_intercept_and_weights():
    X, y, labels = _synthetic_grouped_csc()
    sample_weight = np.random.default_rng(5).uniform(0.5, 2.0, X.shape[0])
    options = {"sample_weight": sample_weight, "fit_intercept": True, "tol": 1e-10}
    alpha = 0.1 * _group_penalty(labels, 0.3).alpha_max(
        X, y, Quadratic(), sample_weight=sample_weight, fit_intercept=True
    )
    penalty = _group_penalty(labels, 0.3, alpha)
    sparse = solve(X, y, Quadratic(), penalty, solver=CD, **options)
    dense = solve(X.toarray(), y, Quadratic(), penalty, solver=CD, **options)
    np.testing.assert_allclose(sparse.coef, dense.coef, rtol=1e-6, atol=1e-8)
    assert sparse.intercept == pytest.approx(dense.intercept, rel=1e-6)
    assert np.all(sparse.coef[labels == 6] == 0.0)
    certificate = recomputed_certificate(
        X, y, Quadratic(), penalty, sparse.coef, sparse.intercept, sample_weight, True
    )
    assert certificate <= 1e-10
    ours = _group_objective(
        X.toarray(),
        y,
        "quadratic",
        sparse.coef,
        sparse.intercept,
        alpha,
        0.3,
        labels,
        sample_weight,
    )
    reference = _cvxpy_group_objective(
        X.toarray(), y, "quadratic", alpha, 0.3, labels, sample_weight, True
    )
    assert ours <= reference * (1 + 1e-6)
    assert reference <= ours * (1 + 1e-6)


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("l1_ratio", [0.0, 0.5], ids=["GroupLasso", "SparseGroupLasso"])
@pytest.mark.parametrize("datafit", [Quadratic(), Logistic()], ids=["Quadratic", "Logistic"])
def test_group_alpha_max_gives_zero_groups_and_just_below_does_not(
    datafit, l1_ratio, fit_intercept
):
    X, y, labels = _colon_grouped()
    alpha_max = _group_penalty(labels, l1_ratio).alpha_max(
        X, y, datafit, fit_intercept=fit_intercept
    )
    options = {"solver": CD, "fit_intercept": fit_intercept}
    at_max = solve(X, y, datafit, _group_penalty(labels, l1_ratio, alpha_max), **options)
    assert np.all(at_max.coef == 0.0)
    below = solve(X, y, datafit, _group_penalty(labels, l1_ratio, 0.99 * alpha_max), **options)
    assert np.count_nonzero(below.coef) >= 1


@pytest.mark.parametrize("datafit", [Quadratic(), Logistic()], ids=["Quadratic", "Logistic"])
def test_auto_picks_coordinate_descent_for_group_penalties(datafit):
    X, y, labels = _colon_grouped()
    penalty = GroupLasso(0.05, groups=labels)
    assert choose_solver(X, datafit, penalty) == CD
    assert solve(X, y, datafit, penalty).solver == CD


def test_group_max_iter_one_warns_with_the_duality_gap():
    X, y, labels = _colon_grouped()
    with pytest.warns(
        ConvergenceWarning, match="coordinate_descent stopped at max_iter=1 with duality gap"
    ):
        result = solve(X, y, Quadratic(), GroupLasso(0.01, groups=labels), solver=CD, max_iter=1)
    assert result.n_iter == 1


# ---- the outer loop's certificate and the automatic Gram switch -------------------------------
@pytest.mark.parametrize("penalty", penalty_examples(separable=True, convex=True), ids=repr)
def test_outer_loop_certificate_equals_the_problem_certificate(penalty):
    """The working-set loop computes its gap from the maintained ``Xw`` and the gradient it
    shares with screening; away from the optimum it must be ``problem.certificate_at``'s,
    recomputed from scratch (sample weights, intercept, bounds, unpenalized coordinates)."""
    for datafit in (Quadratic(), Logistic(), Huber(1.0)):
        for fit_intercept in (False, True):
            _check_outer_loop_certificate(penalty, datafit, fit_intercept)


def _check_outer_loop_certificate(penalty, datafit, fit_intercept):
    from lpreg.solvers.base import build_problem
    from lpreg.solvers.coordinate_descent import _DirectEngine, _GapCertificate, _Kernels

    n_features = penalty.n_features_required or 12
    X, y = synthetic_data("regression", n_samples=40, n_features=n_features, seed=3)
    if isinstance(datafit, Logistic):
        y = np.where(y > 0, 1.0, -1.0)
    rng = np.random.default_rng(7)
    sample_weight = rng.uniform(0.2, 2.0, X.shape[0])
    problem = build_problem(
        X, y, datafit, penalty, sample_weight=sample_weight, fit_intercept=fit_intercept, tol=0.0
    )
    kernels = _Kernels.of(penalty, n_features)
    for trial in range(3):
        w = rng.standard_normal(n_features) * (rng.random(n_features) < 0.6) * 0.3
        w = np.clip(w, kernels.lower, kernels.upper)
        intercept = 0.2 * trial if fit_intercept else 0.0
        engine = _DirectEngine(problem, w, intercept)
        grad, intercept_grad = engine.gradient()
        distances = kernels.subdiff_distance(engine.w, grad)
        certificate = _GapCertificate(problem, engine, kernels)
        value = certificate(grad, intercept_grad, distances)
        assert value > 0.0
        assert value == pytest.approx(problem.certificate_at(w, intercept), rel=1e-10, abs=1e-14)


def test_auto_gram_switch_keeps_the_solution(monkeypatch):
    """gram="auto" starts on X and switches to the Gram matrix after n_features**2 / 3 column
    passes; a hard tall problem (correlated columns, tiny alpha) switches, and the result is
    scikit-learn's and certified."""
    from lpreg.solvers import coordinate_descent

    built = []
    original = coordinate_descent._GramEngine.__init__

    def counting_init(self, *args):
        built.append(args[1].copy())
        original(self, *args)

    monkeypatch.setattr(coordinate_descent._GramEngine, "__init__", counting_init)
    X, y = synthetic_data("regression", n_samples=400, n_features=30, seed=1)
    alpha = 1e-4 * float(np.max(np.abs(X.T @ y))) / X.shape[0]
    result = solve(X, y, Quadratic(), L1(alpha), solver=CD, tol=1e-10, fit_intercept=True)
    assert len(built) == 1 and np.any(built[0])  # switched once, mid-run
    reference = SkLasso(alpha=alpha, tol=1e-14, max_iter=100_000).fit(X, y)
    objective = (
        least_squares(X, y, result.coef, result.intercept) + alpha * np.abs(result.coef).sum()
    )
    expected = (
        least_squares(X, y, reference.coef_, reference.intercept_)
        + alpha * np.abs(reference.coef_).sum()
    )
    assert objective <= expected * (1 + 1e-9)
    assert (
        recomputed_certificate(
            X, y, Quadratic(), L1(alpha), result.coef, result.intercept, fit_intercept=True
        )
        <= 1e-10
    )


# ---- the working-set subproblem and the inner tolerance -------------------------------------
@pytest.mark.parametrize("anderson", [True, False], ids=["anderson", "plain"])
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_subproblem_stops_on_its_own_kkt_check(anderson, fit_intercept):
    """One numba call solves the working set until its KKT violation is <= inner_tol; the
    check after a block of passes runs only when the extrapolated point was kept, so
    without Anderson only the checks after small passes can stop it.  The violation is
    recomputed here in numpy (least squares + L1 on colon_alon, sample weights)."""
    from lpreg.solvers.base import build_problem
    from lpreg.solvers.coordinate_descent import _DirectEngine, _Kernels

    data = load_dataset("colon_alon")
    X = standardize(np.asarray(data["X"], dtype=np.float64)[:, :200])
    y = np.asarray(data["y"], dtype=np.float64)
    sample_weight = np.random.default_rng(0).uniform(0.5, 2.0, X.shape[0])
    c = sample_weight / sample_weight.sum()
    alpha = 0.05 * float(np.max(np.abs(X.T @ (c * (y - c @ y)))))
    penalty = L1(alpha)
    problem = build_problem(
        X, y, Quadratic(), penalty, sample_weight=sample_weight, fit_intercept=fit_intercept
    )
    kernels = _Kernels.of(penalty, X.shape[1])
    intercept = float(c @ y) if fit_intercept else 0.0
    engine = _DirectEngine(problem, np.zeros(X.shape[1]), intercept)
    ws = np.arange(0, 200, 2, dtype=np.int64)
    inner_tol = 1e-7
    n_epochs, violation = engine.subproblem(kernels, ws, 100_000, inner_tol, anderson)
    residual = X @ engine.w + engine.intercept - y
    grad = X[:, ws].T @ (c * residual)
    w = engine.w[ws]
    distances = np.where(
        w != 0, np.abs(grad + alpha * np.sign(w)), np.maximum(np.abs(grad) - alpha, 0.0)
    )
    expected = max(distances.max(), abs(c @ residual) if fit_intercept else 0.0)
    assert 0.0 <= violation <= inner_tol
    assert expected <= inner_tol * (1 + 1e-6)
    assert violation == pytest.approx(expected, rel=1e-6, abs=1e-12)
    assert n_epochs < 100_000
    assert np.all(engine.w[np.setdiff1d(np.arange(200), ws)] == 0.0)  # only ws moved
    assert np.count_nonzero(w) > 2


def test_inner_fraction_aims_at_the_tolerance_only_when_asked():
    """0.3 of the violation (skglm's rule) unless aiming (warm starts after the first outer
    iteration): then half of what certifies tol, clipped to [1e-3, 0.3]; an infinite or
    zero certificate keeps 0.3."""
    from lpreg.solvers.coordinate_descent import _inner_fraction

    assert _inner_fraction(1e-4, 1e-6, False) == 0.3
    assert _inner_fraction(1e-4, 1e-6, True) == pytest.approx(5e-3)
    assert _inner_fraction(1.0, 1e-6, True) == 1e-3
    assert _inner_fraction(1.2e-6, 1e-6, True) == 0.3
    assert _inner_fraction(math.inf, 1e-6, True) == 0.3
    assert _inner_fraction(0.0, 1e-6, True) == 0.3


def test_cold_start_keeps_the_fixed_inner_fraction(monkeypatch):
    """A solve from w = 0 never aims its subproblems at tol outright (its working set is
    still growing): every inner tolerance is 0.3 times the global KKT violation, recomputed
    here from the iterate the subproblem starts at (dense correlated design, alpha_max / 1000,
    where aiming cost more than 10,000 passes instead of about 6,000).  Only when the working
    set holds every violating feature may it aim further, for at most as many passes as one
    full gradient costs (``_pass_budget``: n_features / |ws| on dense X)."""
    from lpreg.solvers import coordinate_descent

    seen = []
    original = coordinate_descent._Run._inner

    def recording_inner(self, kernels, ws, inner_tol, aim_tol=None, min_epochs=0, coords=None):
        grad, intercept_grad = self.engine.gradient()
        distances = kernels.subdiff_distance(self.engine.w, grad)
        kkt = float(np.max(distances))
        holds_all = bool(np.all(np.isin(np.flatnonzero(distances > 0), ws)))
        seen.append((inner_tol, aim_tol, min_epochs, kkt, ws.size, holds_all))
        return original(self, kernels, ws, inner_tol, aim_tol, min_epochs, coords)

    monkeypatch.setattr(coordinate_descent._Run, "_inner", recording_inner)
    X, y = synthetic_data("regression", n_samples=60, n_features=150, seed=2)
    alpha = 1e-3 * float(np.max(np.abs(X.T @ y))) / X.shape[0]
    result = solve(X, y, Quadratic(), L1(alpha), solver=CD, tol=1e-6)
    assert result.converged and len(seen) > 2
    aimed = 0
    for inner_tol, aim_tol, min_epochs, kkt, ws_size, holds_all in seen:
        assert inner_tol == pytest.approx(0.3 * kkt, rel=1e-9)
        if aim_tol is None:
            assert min_epochs == 0
        else:
            aimed += 1
            assert holds_all
            assert 1e-3 * kkt * (1 - 1e-9) <= aim_tol <= inner_tol
            assert min_epochs == min(1000, 150 // ws_size)
    assert 0 < aimed < len(seen)


def test_adaptive_inner_tolerance_saves_outer_iterations_on_a_certified_path(monkeypatch):
    """Along a warm-started Lasso path on leukemia (first 1000 genes), aiming the subproblems
    at the tolerance takes fewer outer iterations (full gradients) than the fixed fraction
    0.3, and every point is still certified: the full gaps, recomputed here in numpy from
    the coefficients with the dual point of the residual, are <= tol."""
    from lpreg.path import lasso_path
    from lpreg.solvers import coordinate_descent

    data = load_dataset("leukemia_golub")
    X = standardize(np.asarray(data["X"], dtype=np.float64)[:, :1000])
    y = np.asarray(data["y"], dtype=np.float64)
    y = y - y.mean()
    counts = count_gradients(monkeypatch)
    paths = {}
    for floor in (coordinate_descent._INNER_FRACTION, coordinate_descent._INNER_FLOOR):
        monkeypatch.setattr(coordinate_descent, "_INNER_FLOOR", floor)
        counts.append(0)
        paths[floor] = lasso_path(X, y, n_alphas=30, eps=1e-2, tol=1e-6)
    fixed, adaptive = counts[1:]
    assert adaptive < 0.8 * fixed
    path = paths[coordinate_descent._INNER_FLOOR]
    for k, alpha in enumerate(path.alphas):
        assert lasso_relative_gap(X, y, path.coefs[:, k], alpha) <= 1e-6, k


def test_vectorised_epoch_loops_generate_the_same_cached_source_in_every_process():
    """The epoch loops are compiled with the fastmath flags "reassoc" and "contract" only (so
    that the gradient sums vectorise while isfinite tests stay), and the kernel cache writes
    the option's repr into each generated copy: it must be a dict in a fixed order, since a
    set's order, hence the text and the cached file's name, changes with the process's
    string hashing (PYTHONHASHSEED)."""
    from lpreg._kernel_cache import _Generator
    from lpreg.datafits.quadratic import quadratic_derivative_scalar
    from lpreg.penalties.l1 import l1_prox_scalar, l1_subdiff_interval, l1_value_scalar
    from lpreg.solvers._cd_kernels import _dense_epochs, _sparse_epochs

    for loop in (_dense_epochs, _sparse_epochs):
        option = loop.targetoptions["fastmath"]
        assert option == {"reassoc": True, "contract": True}
        generator = _Generator()
        bindings = {
            "derivative": quadratic_derivative_scalar,
            "prox": l1_prox_scalar,
            "value": l1_value_scalar,
            "subdiff_interval": l1_subdiff_interval,
        }
        text = generator.text(generator.specialize(loop, bindings, cache=True))
        assert "@njit(cache=True, fastmath={'reassoc': True, 'contract': True})" in text


# ---- Python-level costs of the outer loop ---------------------------------------------------
@pytest.mark.parametrize(
    ("layout", "fit_intercept"),
    [("dense32", False), ("csc", False), ("dense", True)],
)
def test_first_gradient_reuses_gradient_at_zero_and_later_ones_are_recomputed(
    layout, fit_intercept, monkeypatch
):
    """At a cold start the engine's first ``X^T g`` is ``problem.gradient_at_zero`` (no product
    with X); after a subproblem it is a new product.  Both equal ``X^T (c * (Xw + b - y))``
    written here in float64 numpy, for float32 dense, CSC and (with the mean-of-y intercept
    start) dense X."""
    from lpreg.solvers import coordinate_descent
    from lpreg.solvers.base import build_problem
    from lpreg.solvers.coordinate_descent import _check_options, _Kernels, _make_engine

    X, y = synthetic_data("regression", n_samples=50, n_features=30, seed=4)
    if layout == "dense32":
        X = np.asfortranarray(X, dtype=np.float32)
    elif layout == "csc":
        X = sp.csc_matrix(X * (np.random.default_rng(0).random(X.shape) < 0.3))
    alpha = 0.1 * float(np.max(np.abs(X.T @ y))) / X.shape[0]
    products = []
    original = coordinate_descent.design_transpose_product

    def counting_product(X, g):
        products.append(1)
        return original(X, g)

    monkeypatch.setattr(coordinate_descent, "design_transpose_product", counting_product)
    problem = build_problem(X, y, Quadratic(), L1(alpha), fit_intercept=fit_intercept)
    intercept0 = float(np.mean(y)) if fit_intercept else 0.0
    engine = _make_engine(problem, _check_options(problem), np.zeros(30), intercept0, True)
    X64 = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)

    def expected(w, b):
        return X64.T @ ((X64 @ w + b - y) / X.shape[0])

    grad, _ = engine.gradient()
    assert not products
    np.testing.assert_allclose(grad, expected(np.zeros(30), intercept0), rtol=1e-12, atol=1e-14)
    ws = np.arange(30, dtype=np.int64)
    engine.subproblem(_Kernels.of(L1(alpha), 30), ws, 3, 0.0, False)
    assert np.any(engine.w)
    grad, _ = engine.gradient()
    assert len(products) == 1
    np.testing.assert_allclose(grad, expected(engine.w, engine.intercept), rtol=1e-9, atol=1e-12)


def test_working_set_keeps_the_support_and_the_largest_violations():
    """``_working_set`` against a brute-force selection: every nonzero feature, then the
    usable violating features by decreasing distance, ``ws_size`` in all at most (unusable
    and non-violating ones never); ``full`` says more features violated than there was room
    for."""
    from lpreg.solvers.coordinate_descent import _working_set

    rng = np.random.default_rng(5)
    n_full = 0
    for trial in range(300):
        n_features = int(rng.integers(2, 40))
        distances = np.where(rng.random(n_features) < 0.5, rng.random(n_features), 0.0)
        candidates = None if trial % 2 else rng.random(n_features) < 0.8
        usable = np.ones(n_features, dtype=bool) if candidates is None else candidates
        if usable.sum() < 2:
            continue
        # as in the solver: nonzero features are usable, and ws_size < the usable count
        nonzero = usable & (rng.random(n_features) < 0.2)
        distances[nonzero] *= rng.random(int(nonzero.sum())) < 0.5
        if nonzero.sum() >= usable.sum() - 1:
            continue
        size = int(rng.integers(max(int(nonzero.sum()), 1), int(usable.sum())))
        ws, full = _working_set(distances, nonzero, candidates, size)
        violators = [j for j in range(n_features) if distances[j] > 0 and usable[j]]
        violators = [j for j in violators if not nonzero[j]]
        room = size - int(nonzero.sum())
        assert full == (len(violators) > room)
        n_full += full
        assert ws.dtype == np.int64
        assert list(ws) == sorted(set(ws.tolist()))
        assert set(np.flatnonzero(nonzero)) <= set(ws.tolist())
        assert all(usable[j] for j in ws)
        added = [j for j in ws if not nonzero[j]]
        if not nonzero.any() and not violators:  # nothing to rank: the fallback fill
            assert ws.size == size
            continue
        ranked = sorted(violators, key=lambda j: -distances[j])
        # ties at the cut may pick either feature: compare the distances kept, not indices
        np.testing.assert_array_equal(sorted(distances[added]), sorted(distances[ranked[:room]]))
        assert all(distances[j] > 0 for j in added)
        if full:
            assert ws.size == size
        else:
            assert set(ws.tolist()) == set(np.flatnonzero(nonzero)) | set(violators)
    assert 20 < n_full < 280


@pytest.mark.parametrize("weighted", [False, True], ids=["uniform", "weighted"])
def test_gram_parts_match_the_weighted_products(weighted):
    """``_gram_parts`` (a symmetric product, scaled by the uniform weight or formed from
    ``sqrt(c) X``) equals ``X^T diag(c) X``, ``X^T diag(c) y`` and ``X^T c`` written out in
    numpy, for float64 and float32 dense X, and the Gram matrix is exactly symmetric."""
    from lpreg.solvers.coordinate_descent import _gram_parts

    rng = np.random.default_rng(6)
    X = np.asfortranarray(rng.standard_normal((300, 12)))
    y = rng.standard_normal(300)
    c = rng.uniform(0.0, 2.0, 300) if weighted else np.ones(300)
    c /= c.sum()
    for design in (X, X.astype(np.float32)):
        X64 = np.asarray(design, dtype=np.float64)
        gram, xty, x_mean = _gram_parts(design, c, y)
        np.testing.assert_allclose(gram, X64.T @ np.diag(c) @ X64, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(xty, X64.T @ (c * y), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(x_mean, X64.T @ c, rtol=1e-12, atol=1e-15)
        np.testing.assert_array_equal(gram, gram.T)


def test_cold_start_growth_takes_fewer_outer_iterations_and_matches_sklearn(monkeypatch):
    """On a sparse 1000 x 3000 design at alpha_max / 100 (346 nonzero coefficients),
    growing the working set by 4 while subproblems fill it takes fewer outer iterations (full
    gradients) than doubling, and the solver as it runs (a first working set of the
    violators at w = 0, subproblems aimed further once ws holds every violator) fewer still;
    the fit matches scikit-learn's Lasso objective and its gap,
    recomputed in numpy from the coefficients, is <= tol."""
    from lpreg.solvers import coordinate_descent

    rng = np.random.default_rng(8)
    n_samples = 1000
    X = sp.random(n_samples, 3000, density=0.01, format="csc", random_state=rng)
    X.data = rng.standard_normal(X.nnz)
    w_true = np.zeros(3000)
    w_true[rng.choice(3000, 100, replace=False)] = rng.standard_normal(100)
    y = X @ w_true + 0.1 * rng.standard_normal(n_samples)
    alpha = 0.01 * float(np.max(np.abs(X.T @ y))) / n_samples
    counts = count_gradients(monkeypatch)
    results = []
    divisor = coordinate_descent._FIRST_WORKING_SET_DIVISOR
    budget = coordinate_descent._MAX_PASS_BUDGET
    # the growth phase alone: a first working set of 10 features (no room for the violators
    # at w = 0) and subproblems solved to 0.3 of the violation (no budget of extra passes)
    monkeypatch.setattr(coordinate_descent, "_FIRST_WORKING_SET_DIVISOR", 10**9)
    monkeypatch.setattr(coordinate_descent, "_MAX_PASS_BUDGET", 0)
    for filled in (math.inf, coordinate_descent._FILLED):  # inf: always doubling
        monkeypatch.setattr(coordinate_descent, "_FILLED", filled)
        counts.append(0)
        results.append(solve(X, y, Quadratic(), L1(alpha), solver=CD, tol=1e-8))
    # and the solver as it runs: up to n_features / 20 violators at w = 0 in the first set,
    # and passes up to one gradient's cost aimed at tol once ws holds every violator
    monkeypatch.setattr(coordinate_descent, "_FIRST_WORKING_SET_DIVISOR", divisor)
    monkeypatch.setattr(coordinate_descent, "_MAX_PASS_BUDGET", budget)
    counts.append(0)
    results.append(solve(X, y, Quadratic(), L1(alpha), solver=CD, tol=1e-8))
    doubling, growing, shipped = counts[1:]
    assert growing < doubling
    assert shipped < growing
    for result in results[1:]:
        assert result.converged
    coef = results[2].coef
    assert np.count_nonzero(coef) > 300
    reference = SkLasso(alpha=alpha, fit_intercept=False, tol=1e-12, max_iter=100_000).fit(X, y)

    def objective(w):
        return 0.5 * np.mean((y - X @ w) ** 2) + alpha * np.abs(w).sum()

    assert objective(coef) <= objective(reference.coef_) * (1 + 1e-7)
    assert lasso_relative_gap(X, y, coef, alpha) <= 1e-8


@pytest.mark.parametrize("divisor", [10, 100])
def test_first_working_set_of_violators_saves_outer_iterations(monkeypatch, divisor):
    """A cold start's first working set holds the features violating optimality at w = 0
    (up to n_features / 20): at alpha_max / 10 on a sparse 2000 x 5000 design (about 250
    violators at 0, fewer nonzero coefficients at the optimum) it takes fewer outer
    iterations (full gradients) than growing from 10 features, and both fits are certified
    (gap recomputed in numpy) and equal.  (``divisor`` 100: the cap, 50, below the number of
    violators, still fewer outer iterations than 10.)"""
    from lpreg.solvers import coordinate_descent

    rng = np.random.default_rng(3)
    X = sp.random(2000, 5000, density=0.005, format="csc", random_state=rng)
    X.data = rng.standard_normal(X.nnz)
    w_true = np.zeros(5000)
    w_true[rng.choice(5000, 100, replace=False)] = rng.standard_normal(100)
    y = X @ w_true + 0.3 * rng.standard_normal(2000)
    alpha_max = float(np.max(np.abs(X.T @ y))) / 2000
    alpha = alpha_max / 10
    counts = count_gradients(monkeypatch)
    results = []
    for value in (10**9, divisor):
        monkeypatch.setattr(coordinate_descent, "_FIRST_WORKING_SET_DIVISOR", value)
        counts.append(0)
        results.append(solve(X, y, Quadratic(), L1(alpha), solver=CD, tol=1e-8))
    from_ten, from_violators = counts[1:]
    n_violators = int(np.sum(np.abs(X.T @ y) / 2000 > alpha))
    assert n_violators > 5000 // divisor or divisor == 10
    assert from_violators < from_ten
    for result in results:
        assert lasso_relative_gap(X, y, result.coef, alpha) <= 1e-8
    np.testing.assert_allclose(results[0].coef, results[1].coef, atol=1e-5)


@pytest.mark.parametrize("start", [-1.0, 0.01], ids=["learnt", "too-optimistic"])
def test_subproblem_stop_without_its_check_stays_honest_on_correlated_genes(monkeypatch, start):
    """A subproblem may stop without its KKT check pass when the last pass's largest scaled
    step, times the factor the checks so far measured (``trust``), is below half its target.
    On leukemia (72 x 7129, alpha_max / 1000, tol 1e-4) the steps underestimate the
    violation about 5-fold (correlated genes): stopping on the steps alone took 381 outer
    iterations (full gradients) of 1-pass subproblems.  The learnt factor keeps it at a
    handful, and a factor that starts far too optimistic (0.01) is corrected by the outer
    iteration that sees the working set's real violation.  The gap is recomputed in numpy."""
    from lpreg.solvers import coordinate_descent

    data = load_dataset("leukemia_golub")
    X = np.asfortranarray(data["X"], dtype=np.float64)
    y = np.asarray(data["y"], dtype=np.float64)
    n_samples = X.shape[0]
    alpha = float(np.max(np.abs(X.T @ y))) / n_samples / 1000
    counts = count_gradients(monkeypatch)
    engines = []
    init = coordinate_descent._DirectEngine.__init__

    def starting_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.trust[0] = start
        engines.append(self)

    monkeypatch.setattr(coordinate_descent._DirectEngine, "__init__", starting_init)
    result = solve(X, y, Quadratic(), L1(alpha), solver=CD, fit_intercept=False, tol=1e-4)
    assert counts[-1] <= 20
    assert engines[0].trust[0] > 1.0  # the steps underestimate the violation here
    assert lasso_relative_gap(X, y, result.coef, alpha) <= 1e-4
