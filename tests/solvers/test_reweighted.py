"""ReweightedL1 on non-convex penalties: KKT of the original problem, prox fixed point, no
worse than the L1 start, and exhaustive search over supports on the 8-feature prostate data.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conftest import classification_data, recomputed_certificate, regression_data
from scipy.optimize import minimize
from sklearn.exceptions import ConvergenceWarning

from lpreg import L1, MCP, SCAD, Bounded, Huber, Logistic, Lp, Quadratic
from lpreg.solvers import solve

TOL = 1e-8


def _penalties(alpha):
    return [Lp(alpha, 0.5), MCP(alpha, 3.0)]


def _fixed_point_residual(X, y, datafit, penalty, coef, intercept):
    """max_j |w_j - prox_{g / L_j}(w_j - grad_j / L_j)| with L_j the coordinate constants."""
    y = datafit.prepare_target(y)
    Xw = X @ coef + intercept
    grad = X.T @ datafit.raw_gradient(y, Xw)
    lipschitz = datafit.lipschitz_constants(X)
    residual = 0.0
    for j in range(X.shape[1]):
        step = 1.0 / lipschitz[j]
        moved = penalty.prox(np.array([coef[j] - step * grad[j]]), step)[0]
        residual = max(residual, abs(moved - coef[j]))
    return residual


def _l1_start_objective(X, y, datafit, penalty, fit_intercept=False):
    l1 = solve(
        X, y, datafit, L1(penalty.alpha), solver="prox_newton", tol=1e-12,
        fit_intercept=fit_intercept,
    )  # fmt: skip
    Xw = X @ l1.coef + l1.intercept
    return datafit.value(datafit.prepare_target(y), Xw) + penalty.value(l1.coef)


@pytest.fixture(scope="module")
def prostate():
    return regression_data("prostate")


@pytest.mark.parametrize("index", [0, 1], ids=["Lp(p=0.5)", "MCP"])
def test_prostate_kkt_fixed_point_and_better_than_l1(prostate, index):
    X, y = prostate
    alpha = 0.1 * L1().alpha_max(X, y, Quadratic())
    penalty = _penalties(alpha)[index]
    result = solve(X, y, Quadratic(), penalty, solver="reweighted", tol=TOL)
    assert result.converged and result.certificate == "kkt_violation"
    assert recomputed_certificate(X, y, Quadratic(), penalty, result.coef, 0.0) <= TOL
    assert _fixed_point_residual(X, y, Quadratic(), penalty, result.coef, 0.0) <= 1e-7
    assert result.objective <= _l1_start_objective(X, y, Quadratic(), penalty) + 1e-12


def _penalty_value_and_slope(index, alpha, v):
    """Lp(p=0.5) or MCP(gamma=3) written out in numpy, with its derivative for v != 0."""
    size = np.abs(v)
    if index == 0:
        return alpha * np.sum(np.sqrt(size)), alpha * 0.5 / np.sqrt(size) * np.sign(v)
    gamma = 3.0
    inside = size <= gamma * alpha
    value = np.where(inside, alpha * size - v * v / (2 * gamma), 0.5 * gamma * alpha**2)
    slope = np.where(inside, (alpha - size / gamma) * np.sign(v), 0.0)
    return np.sum(value), slope


def _support_minimum(X, y, index, alpha, support):
    """Smallest objective found with exactly this support: L-BFGS from the restricted least
    squares solution and two shrunk copies (the penalty is smooth away from 0)."""
    if not support:
        return 0.5 * np.mean(y**2)
    Xs = X[:, list(support)]
    n_samples = X.shape[0]

    def objective(v):
        residual = y - Xs @ v
        value, slope = _penalty_value_and_slope(index, alpha, v)
        return 0.5 * residual @ residual / n_samples + value, -Xs.T @ residual / n_samples + slope

    start = np.linalg.lstsq(Xs, y, rcond=None)[0]
    best = np.inf
    for scale in (1.0, 0.5, 0.1):
        found = minimize(objective, scale * start, jac=True, method="L-BFGS-B")
        if np.all(found.x != 0):
            best = min(best, found.fun)
    return best


@pytest.mark.slow  # 256 supports x 3 L-BFGS runs: ~1-3 min on the shared 2-core machine
@pytest.mark.parametrize("index", [0, 1], ids=["Lp(p=0.5)", "MCP"])
def test_prostate_against_exhaustive_search_over_supports(prostate, index):
    X, y = prostate
    alpha = 0.1 * L1().alpha_max(X, y, Quadratic())
    penalty = _penalties(alpha)[index]
    result = solve(X, y, Quadratic(), penalty, solver="reweighted", tol=TOL)
    best = min(
        _support_minimum(X, y, index, alpha, support)
        for size in range(X.shape[1] + 1)
        for support in itertools.combinations(range(X.shape[1]), size)
    )
    # reweighting + polish reaches the best support's minimum (the global one, up to the
    # per-support local search) on both penalties
    assert result.objective <= best * (1 + 1e-6)
    assert result.objective >= best * (1 - 1e-6)


def test_logistic_lp_with_intercept():
    X, y = classification_data("colon_alon", n_features=200)
    alpha = 0.1 * L1().alpha_max(X, y, Logistic())
    penalty = Lp(alpha, 0.5)
    result = solve(X, y, Logistic(), penalty, solver="reweighted", tol=TOL, fit_intercept=True)
    certificate = recomputed_certificate(
        X, y, Logistic(), penalty, result.coef, result.intercept, fit_intercept=True
    )
    assert certificate <= TOL
    l1_objective = _l1_start_objective(X, y, Logistic(), penalty, fit_intercept=True)
    assert result.objective <= l1_objective + 1e-12
    assert 0 < np.count_nonzero(result.coef) < 62


def test_refuses_bounds_and_warns_at_max_iter(prostate):
    X, y = prostate
    with pytest.raises(ValueError, match="ReweightedL1 cannot solve Quadratic \\+ Bounded"):
        solve(X, y, Quadratic(), Bounded(L1(0.1), 0.0, 1.0), solver="reweighted")
    alpha = 0.01 * L1().alpha_max(X, y, Quadratic())
    with pytest.warns(ConvergenceWarning, match="reweighted stopped at max_iter=1 with KKT"):
        solve(
            X, y, Quadratic(), MCP(alpha, 1.5), solver="reweighted", max_iter=1,
            max_reweightings=0, tol=1e-300,
        )  # fmt: skip
    with pytest.raises(ValueError, match="ReweightedL1: unknown option"):
        solve(X, y, Quadratic(), MCP(alpha, 3.0), solver="reweighted", epsilon=1.0)


def _problem(datafit):
    # real, non-separable data: on separable data (e.g. 50 x 20 synthetic classification)
    # Logistic + MCP/SCAD has no finite minimiser (the penalty is flat beyond gamma*alpha, the
    # loss keeps falling as |w| grows), so no solver can certify it
    if isinstance(datafit, Logistic):
        return classification_data("colon_alon", n_features=20)
    return regression_data("prostate")


@pytest.mark.parametrize("datafit", [Quadratic(), Logistic(), Huber()], ids=repr)
@pytest.mark.parametrize(
    "make_penalty",
    [lambda a: Lp(a, 0.5), lambda a: MCP(a, 3.0), lambda a: SCAD(a, 3.7)],
    ids=["Lp(p=0.5)", "MCP", "SCAD"],
)
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_every_datafit_and_nonconvex_penalty_is_kkt_certified(
    datafit, make_penalty, fit_intercept
):
    X, y = _problem(datafit)
    penalty = make_penalty(0.1 * L1().alpha_max(X, y, datafit))
    result = solve(
        X, y, datafit, penalty, solver="reweighted", tol=TOL, fit_intercept=fit_intercept
    )
    assert result.converged and result.certificate == "kkt_violation"
    certificate = recomputed_certificate(
        X, y, datafit, penalty, result.coef, result.intercept, fit_intercept=fit_intercept
    )
    assert certificate <= TOL
    assert 0 < np.count_nonzero(result.coef) < X.shape[1]
