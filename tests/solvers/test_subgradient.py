"""The subgradient baseline: its update formula, and why proximal solvers exist (issue 5, #4).

The solver is not expected to converge: every run that stops at ``max_iter`` warns, and the
tests either assert the warning or filter it explicitly (with a comment saying why).
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pytest
from conftest import recomputed_certificate, regression_data
from sklearn.exceptions import ConvergenceWarning

import lpreg
from lpreg import L1, Quadratic
from lpreg.penalties import ElasticNet
from lpreg.solvers import solve, solver_classes

SOLVER = "subgradient"


def _lasso_problem():
    """Prostate, standardised, alpha = alpha_max / 10 (with intercept)."""
    X, y = regression_data("prostate")
    alpha_max = L1().alpha_max(X, y, Quadratic(), fit_intercept=True)
    return X, y, L1(alpha=alpha_max / 10)


def _subgradient(X, y, penalty, **kwargs):
    # the baseline never reaches tol: the ConvergenceWarning is expected here
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return solve(X, y, Quadratic(), penalty, solver=SOLVER, fit_intercept=True, **kwargs)


def test_one_step_is_the_textbook_update():
    X, y = regression_data("hitters")
    penalty = ElasticNet(alpha=0.2, l1_ratio=0.6)
    step = 0.05
    w0 = np.zeros(X.shape[1])
    w0[:4] = [0.3, -0.2, 0.0, 0.1]
    b0 = 0.1
    with pytest.warns(ConvergenceWarning, match="subgradient stopped at max_iter=1"):
        result = solve(
            X,
            y,
            Quadratic(),
            penalty,
            solver=SOLVER,
            fit_intercept=True,
            w0=w0,
            intercept0=b0,
            initial_step=step,
            max_iter=1,
        )
    # independent numpy formula: eta_0 = step, s(w) = alpha (r sign(w) + (1 - r) w), 0 at 0
    residual = X @ w0 + b0 - y
    grad = X.T @ residual / len(y)
    subgradient = 0.2 * (0.6 * np.sign(w0) + 0.4 * w0)
    expected = w0 - step * (grad + subgradient)
    expected_b = b0 - step * residual.mean()
    np.testing.assert_allclose(result.coef, expected, rtol=1e-12, atol=1e-15)
    assert result.intercept == pytest.approx(expected_b, rel=1e-12)


def test_keeps_the_best_iterate():
    X, y, penalty = _lasso_problem()
    # a huge first step makes the first update worse than w = 0: the start is kept
    result = _subgradient(X, y, penalty, initial_step=1e3, max_iter=1)
    assert np.all(result.coef == 0)
    assert result.intercept == 0.0


def test_objective_improves_slowly_and_gap_is_reported():
    X, y, penalty = _lasso_problem()
    reference = solve(
        X, y, Quadratic(), penalty, solver="proximal_gradient", fit_intercept=True, tol=1e-12
    )
    short = _subgradient(X, y, penalty, max_iter=100)
    long = _subgradient(X, y, penalty, max_iter=2000)
    assert reference.objective < long.objective < short.objective
    # it does approach the optimum (the method is correct), just slowly
    assert long.objective - reference.objective < 1e-3 * reference.objective
    assert long.gap == pytest.approx(
        recomputed_certificate(
            X, y, Quadratic(), penalty, long.coef, long.intercept, fit_intercept=True
        ),
        rel=1e-9,
    )
    assert long.gap > 1e-6


def test_acceptance_no_exact_zeros_and_worse_than_coordinate_descent():
    """Issue 5, acceptance 4: same lasso, CD is sparse and better at equal time/gradients."""
    if "coordinate_descent" not in solver_classes():
        pytest.skip("solver='coordinate_descent' is not registered yet")
    X, y, penalty = _lasso_problem()
    solve(X, y, Quadratic(), penalty, solver="coordinate_descent", fit_intercept=True)  # JIT
    _subgradient(X, y, penalty, max_iter=2)  # JIT
    start = time.perf_counter()
    cd = solve(X, y, Quadratic(), penalty, solver="coordinate_descent", fit_intercept=True)
    cd_time = time.perf_counter() - start
    assert cd.converged
    n_zeros_cd = int(np.sum(cd.coef == 0))
    assert n_zeros_cd >= 2

    # equal wall time: give the subgradient at least CD's time
    start = time.perf_counter()
    probe = _subgradient(X, y, penalty, max_iter=50)
    per_iteration = (time.perf_counter() - start) / 50
    max_iter = int(np.ceil(2 * cd_time / per_iteration)) + 50
    start = time.perf_counter()
    timed = _subgradient(X, y, penalty, max_iter=max_iter)
    assert time.perf_counter() - start >= cd_time
    assert probe.n_iter == 50

    # equal gradient evaluations: one per CD epoch (p coordinate updates) or per subgradient
    # iteration; also against 10x more subgradient iterations than CD epochs
    counted = _subgradient(X, y, penalty, max_iter=10 * max(cd.n_iter, 1))

    for result in (timed, counted):
        assert np.sum(result.coef == 0) == 0
        assert result.objective > cd.objective
        assert not result.converged
    print(
        f"CD: {cd.n_iter} epochs, {cd_time * 1e3:.2f} ms, {n_zeros_cd} zeros, objective "
        f"{cd.objective:.10f}; subgradient: {timed.n_iter} iterations in equal time, "
        f"objective {timed.objective:.10f}, min |w_j| {np.min(np.abs(timed.coef)):.2e}"
    )


def test_warns_at_max_iter_with_the_gap():
    X, y, penalty = _lasso_problem()
    with pytest.warns(
        ConvergenceWarning, match=r"subgradient stopped at max_iter=20 with duality gap"
    ):
        result = solve(X, y, Quadratic(), penalty, solver=SOLVER, max_iter=20)
    assert not result.converged


@pytest.mark.parametrize(
    "penalty_name",
    ["MCP", "Lp", "GroupLasso"],
)
def test_refuses_nonconvex_and_group_penalties(penalty_name):
    cls = getattr(lpreg, penalty_name, None)
    if cls is None:
        pytest.skip(f"lpreg.{penalty_name} is not registered yet")
    kwargs = {"MCP": {"alpha": 0.1}, "Lp": {"alpha": 0.1, "p": 0.5}}.get(
        penalty_name, {"alpha": 0.1, "groups": 2}
    )
    X, y = regression_data("prostate")
    with pytest.raises(ValueError, match=r"Subgradient cannot solve Quadratic \+ .*proximal"):
        solve(X, y, Quadratic(), cls(**kwargs), solver=SOLVER)


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"step": 1.0}, ValueError, r"Subgradient: unknown option\(s\) \['step'\]"),
        ({"check_every": -3}, ValueError, r"check_every must be an int >= 1, got -3"),
        ({"initial_step": 0.0}, ValueError, r"initial_step must be in \(0.0, inf\)"),
    ],
)
def test_bad_options_are_named(options, error, match):
    X, y, penalty = _lasso_problem()
    with pytest.raises(error, match=match):
        solve(X, y, Quadratic(), penalty, solver=SOLVER, **options)
