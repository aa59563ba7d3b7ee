"""The quadratic datafit's passes on the residual (``_cd_kernels.residual_derivative`` /
``residual_loss`` with ``Xw + b - y`` in the slot of ``Xw``) against the passes through the
datafit's own kernels.

The residual form is an implementation detail of :class:`CoordinateDescent` (two memory
streams per coordinate gradient instead of four); both forms solve the same problem, so the
coefficients must agree to the solvers' accuracy (both fits converged, i.e. certified).
"""

import numpy as np
import pytest
import scipy.sparse as sp

import lpreg
from lpreg.solvers import coordinate_descent as cd
from lpreg.solvers import solve


def _data(sparse, dtype, seed=0):
    rng = np.random.default_rng(seed)
    n, p = 120, 60
    X = rng.standard_normal((n, p))
    if sparse:
        X[rng.random((n, p)) > 0.2] = 0.0
        X = sp.csc_matrix(X)
    w = np.zeros(p)
    w[:6] = rng.uniform(1, 2, 6) * rng.choice([-1, 1], 6)
    y = X @ w + 0.3 * rng.standard_normal(n) + 1.5
    X = X.astype(dtype) if sparse else np.asfortranarray(X, dtype=dtype)
    return X, y


def _fit(X, y, penalty, fit_intercept, sample_weight):
    return solve(
        X,
        y,
        lpreg.Quadratic(),
        penalty,
        solver="coordinate_descent",
        fit_intercept=fit_intercept,
        sample_weight=sample_weight,
        tol=1e-12,
        max_iter=100_000,
    )


def _generic(monkeypatch):
    """Make the engine run the generic passes (the datafit's derivative kernel)."""
    init = cd._DirectEngine.__init__

    def generic_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.residual = False

    monkeypatch.setattr(cd._DirectEngine, "__init__", generic_init)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("penalty", ["l1", "enet", "mcp"])
def test_residual_passes_match_generic(
    monkeypatch, sparse, dtype, fit_intercept, weighted, penalty
):
    X, y = _data(sparse, dtype)
    sample_weight = None
    if weighted:
        sample_weight = np.random.default_rng(1).uniform(0.2, 3.0, X.shape[0])
    grad = np.abs(X.T @ (y - y.mean())) / X.shape[0]
    alpha = 0.05 * float(np.max(grad))
    term = {
        "l1": lpreg.L1(alpha),
        "enet": lpreg.penalties.ElasticNet(alpha, 0.5),
        "mcp": lpreg.penalties.MCP(alpha, 3.0),
    }[penalty]
    fast = _fit(X, y, term, fit_intercept, sample_weight)
    assert fast.converged
    _generic(monkeypatch)
    slow = _fit(X, y, term, fit_intercept, sample_weight)
    assert slow.converged
    scale = 1.0 + np.max(np.abs(slow.coef))
    atol = 1e-4 if dtype == np.float32 else 1e-7
    np.testing.assert_allclose(fast.coef, slow.coef, rtol=0, atol=atol * scale)
    np.testing.assert_allclose(fast.intercept, slow.intercept, rtol=0, atol=atol * scale)


def test_residual_form_is_used_for_the_quadratic_datafit_only():
    X, y = _data(False, np.float64)
    problems = []
    init = cd._DirectEngine.__init__

    def spy(self, *args, **kwargs):
        init(self, *args, **kwargs)
        problems.append((type(self.problem.datafit).__name__, self.residual))

    mp = pytest.MonkeyPatch()
    mp.setattr(cd._DirectEngine, "__init__", spy)
    try:
        solve(X, y, lpreg.Quadratic(), lpreg.L1(0.1), solver="coordinate_descent")
        solve(X, y, lpreg.datafits.Huber(1.0), lpreg.L1(0.1), solver="coordinate_descent")
    finally:
        mp.undo()
    assert ("Quadratic", True) in problems
    assert ("Huber", False) in problems


def test_equal_weights_are_one_number():
    X, y = _data(True, np.float64)
    problem_weights = []
    init = cd._DirectEngine.__init__

    def spy(self, *args, **kwargs):
        init(self, *args, **kwargs)
        problem_weights.append(self.pass_weights.shape)

    mp = pytest.MonkeyPatch()
    mp.setattr(cd._DirectEngine, "__init__", spy)
    try:
        for datafit in (lpreg.Quadratic(), lpreg.datafits.Huber(1.0)):
            solve(X, y, datafit, lpreg.L1(0.1), solver="coordinate_descent")
            solve(
                X,
                y,
                datafit,
                lpreg.L1(0.1),
                solver="coordinate_descent",
                sample_weight=np.arange(1.0, X.shape[0] + 1.0),
            )
    finally:
        mp.undo()
    assert problem_weights == [(1,), (X.shape[0],)] * 2
