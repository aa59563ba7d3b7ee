"""Duality gap and KKT violation at optima computed by cvxpy, on real and synthetic data.

The cvxpy objectives are written from the formulas (``cp.sum_squares``, ``cp.logistic``,
``cp.huber``), never from lpreg's datafit code; the certificates must vanish at cvxpy's optimum
and be clearly positive (and at least the true suboptimality) at a perturbed point.
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np
import pytest
import scipy.sparse as sp
from conftest import load_dataset

from lpreg import L1, Huber, Logistic, Quadratic
from lpreg.certificates import duality_gap, kkt_violation, objective, objective_at_zero
from lpreg.penalties import ElasticNet

CLARABEL_TIGHT = {"tol_gap_abs": 1e-12, "tol_gap_rel": 1e-12, "tol_feas": 1e-12, "max_iter": 400}


def cvxpy_solve(
    X, y, datafit, penalty, sample_weight=None, fit_intercept=False, fixed_intercept=0.0
):
    """Minimise the datafit plus penalty with cvxpy (CLARABEL); return ``(w, b)``.

    ``y`` is in the datafit's encoding (``{-1, +1}`` for the logistic loss).  Without
    ``fit_intercept`` the intercept is held at ``fixed_intercept``.
    """
    n_samples, n_features = X.shape
    if sample_weight is None:
        c = np.full(n_samples, 1.0 / n_samples)
    else:
        c = sample_weight / sample_weight.sum()
    w = cp.Variable(n_features)
    b = cp.Variable() if fit_intercept else fixed_intercept
    z = X @ w + b
    if isinstance(datafit, Quadratic):
        loss = 0.5 * cp.sum_squares(cp.multiply(np.sqrt(c), y - z))
    elif isinstance(datafit, Logistic):
        loss = c @ cp.logistic(-cp.multiply(y, z))
    elif isinstance(datafit, Huber):
        # cp.huber(r, M) is r^2 inside [-M, M] and 2M|r| - M^2 outside: twice h_delta
        loss = 0.5 * (c @ cp.huber(y - z, datafit.delta))
    else:
        raise AssertionError(f"no cvxpy formula for {datafit!r}")
    if isinstance(penalty, ElasticNet):
        ratio = penalty.l1_ratio
        regulariser = penalty.alpha * (ratio * cp.norm1(w) + 0.5 * (1 - ratio) * cp.sum_squares(w))
    else:
        regulariser = penalty.alpha * cp.norm1(w)
    problem = cp.Problem(cp.Minimize(loss + regulariser))
    problem.solve(solver=cp.CLARABEL, **CLARABEL_TIGHT)
    assert problem.status == cp.OPTIMAL, problem.status
    intercept = float(b.value) if fit_intercept else fixed_intercept
    return np.asarray(w.value, dtype=np.float64), intercept


def polish(w):
    """Zero cvxpy's interior-point dust (``|w_j| < 1e-7 max|w|``), which L1 KKT would reject."""
    w = w.copy()
    w[np.abs(w) < 1e-7 * max(np.max(np.abs(w)), 1e-300)] = 0.0
    return w


def check_certificates(X, y, datafit, penalty, sample_weight=None, fit_intercept=False):
    """Assert both certificates vanish at cvxpy's optimum and not at a perturbed point.

    Returns the numbers for the report: relative gap and KKT at the optimum and perturbed.
    """
    w, b = cvxpy_solve(X, y, datafit, penalty, sample_weight, fit_intercept)
    w = polish(w)
    scale = objective_at_zero(X, y, datafit, penalty, sample_weight, fit_intercept)
    assert np.count_nonzero(w) > 0, "alpha too large: the optimum is w = 0"

    gap, primal, dual = duality_gap(X, y, w, b, datafit, penalty, sample_weight)
    # an independent primal value: the objective from the formula, not datafit.value
    assert primal == pytest.approx(objective(X, y, w, b, datafit, penalty, sample_weight))
    assert gap <= 1e-6 * scale, (gap, scale)
    assert dual <= primal + 1e-12
    violation = kkt_violation(X, y, w, b, datafit, penalty, sample_weight, fit_intercept)
    assert violation <= 1e-5 * penalty.alpha, (violation, penalty.alpha)

    # perturbed: move every coefficient and the intercept
    rng = np.random.default_rng(0)
    w_bad = w + 0.1 * np.max(np.abs(w)) * rng.standard_normal(w.shape[0])
    b_bad = b + 0.1 if fit_intercept else 0.0
    gap_bad, primal_bad, _ = duality_gap(X, y, w_bad, b_bad, datafit, penalty, sample_weight)
    suboptimality = primal_bad - primal
    assert suboptimality > 0
    assert gap_bad >= suboptimality * (1 - 1e-9), "a gap must bound the suboptimality"
    assert gap_bad >= 1e-3 * scale
    violation_bad = kkt_violation(
        X, y, w_bad, b_bad, datafit, penalty, sample_weight, fit_intercept
    )
    assert violation_bad >= 1e-2 * penalty.alpha
    return gap / scale, violation, gap_bad / scale, violation_bad


def standardise(X):
    return (X - X.mean(axis=0)) / X.std(axis=0)


def fraction_of_alpha_max(X, y, datafit, fraction, sample_weight=None, fit_intercept=False):
    return fraction * L1(alpha=1.0).alpha_max(
        X, y, datafit, sample_weight=sample_weight, fit_intercept=fit_intercept
    )


# --------------------------------------------------------------------------------------------
# dense real data
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("penalty_kind", ["l1", "elastic_net"])
@pytest.mark.parametrize("fit_intercept", [False, True], ids=["no_intercept", "intercept"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_quadratic_certificates_on_prostate(penalty_kind, fit_intercept, weighted):
    data = load_dataset("prostate")
    X, y = standardise(data["X"]), data["y"]
    sample_weight = np.random.default_rng(1).uniform(0.2, 2.0, y.shape[0]) if weighted else None
    datafit = Quadratic()
    alpha = fraction_of_alpha_max(X, y, datafit, 0.05, sample_weight, fit_intercept)
    penalty = L1(alpha) if penalty_kind == "l1" else ElasticNet(alpha, l1_ratio=0.6)
    check_certificates(X, y, datafit, penalty, sample_weight, fit_intercept)


@pytest.mark.parametrize("fit_intercept", [False, True], ids=["no_intercept", "intercept"])
def test_quadratic_elastic_net_certificates_on_hitters(fit_intercept):
    data = load_dataset("hitters")
    X, y = standardise(data["X"]), data["y"] / data["y"].std()
    datafit = Quadratic()
    alpha = fraction_of_alpha_max(X, y, datafit, 0.02, fit_intercept=fit_intercept)
    check_certificates(X, y, datafit, ElasticNet(alpha, l1_ratio=0.3), None, fit_intercept)


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_logistic_l1_certificates_on_colon(weighted):
    data = load_dataset("colon_alon")
    X = standardise(data["X"][:, :500])
    datafit = Logistic()
    y = datafit.prepare_target(data["y"])
    sample_weight = np.random.default_rng(2).uniform(0.5, 2.0, y.shape[0]) if weighted else None
    alpha = fraction_of_alpha_max(X, y, datafit, 0.3, sample_weight, fit_intercept=True)
    check_certificates(X, y, datafit, L1(alpha), sample_weight, fit_intercept=True)


@pytest.mark.parametrize("datafit", [Quadratic(), Huber(delta=0.5)], ids=repr)
def test_gap_certifies_w_for_an_intercept_held_fixed(datafit):
    # The gap bounds P(w, b) - min_w' P(w', b) for the b it is given: at the w that is optimal
    # for a deliberately wrong intercept it vanishes, while the KKT condition on the intercept
    # (sum_i g_i = 0) does not.  This needs the + b sum_i g_i term of the dual.
    data = load_dataset("prostate")
    X, y = standardise(data["X"]), data["y"]
    alpha = fraction_of_alpha_max(X, y, datafit, 0.05, fit_intercept=True)
    penalty = L1(alpha)
    _, b_best = cvxpy_solve(X, y, datafit, penalty, fit_intercept=True)
    b_wrong = b_best + 1.0
    w, b = cvxpy_solve(X, y, datafit, penalty, fixed_intercept=b_wrong)
    w = polish(w)
    scale = objective_at_zero(X, y, datafit, penalty, fit_intercept=True)
    gap, _, _ = duality_gap(X, y, w, b, datafit, penalty)
    assert gap <= 1e-8 * scale
    assert kkt_violation(X, y, w, b, datafit, penalty, fit_intercept=False) <= 1e-5 * alpha
    assert kkt_violation(X, y, w, b, datafit, penalty, fit_intercept=True) >= 0.1


# --------------------------------------------------------------------------------------------
# sparse real data
# --------------------------------------------------------------------------------------------


def we8there_subset():
    """1000 random reviews x their 300 most frequent bigrams (CSC); labels, 'Overall' stars.

    The file is sorted by label, so the rows are a fixed random draw, not the first 1000.
    """
    data = load_dataset("we8there")
    rows = np.sort(np.random.default_rng(5).choice(data["y"].shape[0], 1000, replace=False))
    X = sp.csr_matrix(data["X"])[rows]
    counts = np.asarray((X > 0).sum(axis=0)).ravel()
    columns = np.sort(np.argsort(-counts, kind="stable")[:300])
    X = sp.csc_matrix(X[:, columns])
    overall = list(data["rating_names"]).index("Overall")
    return X, data["y"][rows], data["ratings"][rows, overall]


@pytest.mark.parametrize("fit_intercept", [False, True], ids=["no_intercept", "intercept"])
def test_logistic_l1_certificates_on_sparse_we8there(fit_intercept):
    X, labels, _ = we8there_subset()
    datafit = Logistic()
    y = datafit.prepare_target(labels)
    alpha = fraction_of_alpha_max(X, y, datafit, 0.1, fit_intercept=fit_intercept)
    check_certificates(X, y, datafit, L1(alpha), None, fit_intercept)


def test_quadratic_l1_certificates_on_sparse_we8there():
    X, _, overall = we8there_subset()
    datafit = Quadratic()
    sample_weight = np.random.default_rng(3).uniform(0.5, 2.0, X.shape[0])
    alpha = fraction_of_alpha_max(X, overall, datafit, 0.05, sample_weight, fit_intercept=True)
    check_certificates(X, overall, datafit, L1(alpha), sample_weight, fit_intercept=True)


# --------------------------------------------------------------------------------------------
# Huber on synthetic data with outliers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fit_intercept", [False, True], ids=["no_intercept", "intercept"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_huber_l1_certificates_with_outliers(fit_intercept, weighted):
    rng = np.random.default_rng(4)
    n_samples, n_features = 120, 15
    X = rng.standard_normal((n_samples, n_features))
    w_true = np.zeros(n_features)
    w_true[:4] = [2.0, -1.5, 1.0, 0.5]
    y = X @ w_true + 0.8 + 0.3 * rng.standard_normal(n_samples)
    y[:10] += rng.choice([-1.0, 1.0], 10) * rng.uniform(10.0, 30.0, 10)  # gross outliers
    sample_weight = rng.uniform(0.2, 2.0, n_samples) if weighted else None
    datafit = Huber(delta=0.7)
    alpha = fraction_of_alpha_max(X, y, datafit, 0.1, sample_weight, fit_intercept)
    check_certificates(X, y, datafit, L1(alpha), sample_weight, fit_intercept)


@pytest.mark.parametrize("datafit", [Quadratic(), Logistic(), Huber(delta=0.5)], ids=repr)
def test_duality_gap_returns_python_floats_with_validated_weights(datafit):
    # the weights solvers pass are an ndarray subclass; it must not leak into the numbers
    from lpreg.datafits.base import NormalizedWeights, normalized_sample_weight

    rng = np.random.default_rng(0)
    X = rng.standard_normal((25, 4))
    y = datafit.prepare_target(np.where(rng.standard_normal(25) > 0, 1.0, -1.0))
    c = normalized_sample_weight(rng.uniform(0.5, 2.0, 25), 25).view(NormalizedWeights)
    w = np.array([0.3, 0.0, -0.2, 0.0])
    gap, primal, dual = duality_gap(X, y, w, 0.4, datafit, L1(0.05), c)
    assert type(gap) is float and type(dual) is float
    assert gap == pytest.approx(primal - dual, rel=1e-12) and gap > 0.0
