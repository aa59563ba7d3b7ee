"""Linf: prox against cvxpy and a 2-D grid, the subdifferential distance against a cvxpy
projection onto the subdifferential, Fenchel-Young, and a full solve against cvxpy on prostate."""

from __future__ import annotations

import math

import cvxpy as cp
import numpy as np
import pytest
from conftest import load_dataset

import lpreg
from lpreg.datafits import Quadratic
from lpreg.penalties import Linf


def _prox_objective(z, x, step, alpha):
    return 0.5 * np.sum((z - x) ** 2) + step * alpha * np.max(np.abs(z))


@pytest.mark.parametrize("alpha", [0.3, 2.0])
@pytest.mark.parametrize("step", [0.5, 4.0])
def test_prox_objective_is_at_most_cvxpy(alpha, step):
    rng = np.random.default_rng(0)
    penalty = Linf(alpha)
    for scale in (0.1, 1.0, 10.0):
        x = scale * rng.standard_normal(12)
        z = penalty.prox(x, step)
        variable = cp.Variable(12)
        problem = cp.Problem(
            cp.Minimize(
                0.5 * cp.sum_squares(variable - x) + step * alpha * cp.norm(variable, "inf")
            )
        )
        problem.solve(solver=cp.CLARABEL)
        reference = _prox_objective(variable.value, x, step, alpha)
        assert _prox_objective(z, x, step, alpha) <= reference + 1e-12 * (1 + reference)
        np.testing.assert_allclose(z, variable.value, atol=1e-4 * (1 + scale))  # CLARABEL ~1e-5


def test_prox_matches_2d_grid():
    # the 2-D objective on a 801 x 801 grid around x, refined twice around its best point
    penalty = Linf(1.0)
    for x in ([3.0, -2.5], [0.4, 0.3], [2.0, 1.9], [-1.0, 0.2]):
        x = np.array(x)
        z = penalty.prox(x, 1.0)
        centre, half = x.copy(), 1.0 + np.abs(x).max()
        for _ in range(3):
            grid = np.linspace(-half, half, 801)
            a, b = np.meshgrid(centre[0] + grid, centre[1] + grid, indexing="ij")
            values = 0.5 * ((a - x[0]) ** 2 + (b - x[1]) ** 2) + np.maximum(np.abs(a), np.abs(b))
            k = np.unravel_index(np.argmin(values), values.shape)
            best = float(values[k])
            centre, half = np.array([a[k], b[k]]), 4 * half / 800
        assert _prox_objective(z, x, 1.0, 1.0) <= best + 1e-12
        np.testing.assert_allclose(z, centre, atol=1e-6)


def test_prox_edges_and_dtype():
    penalty = Linf(2.0)
    np.testing.assert_array_equal(penalty.prox([0.5, -1.0, 0.5], 1.0), 0.0)  # ||x||_1 = 2
    np.testing.assert_array_equal(Linf(0.0).prox([1.0, -3.0], 5.0), [1.0, -3.0])
    np.testing.assert_array_equal(penalty.prox([1.0, -3.0], 0.0), [1.0, -3.0])
    out = penalty.prox(np.array([3.0, -2.0, 0.5], dtype=np.float32), 0.5)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [2.0, -2.0, 0.5])  # clip at tau with (3 - tau) = 1


def _distance_by_cvxpy(w, grad, alpha):
    """Distance of -grad to dG(w), with dG(w) written from its definition as the set of s with
    ||s||_1 <= alpha and s'w = alpha max|w| (the subgradients of a norm)."""
    s = cp.Variable(w.shape[0])
    constraints = [cp.norm1(s) <= alpha, s @ w >= alpha * np.max(np.abs(w))]
    problem = cp.Problem(cp.Minimize(cp.sum_squares(s + grad)), constraints)
    problem.solve(solver=cp.CLARABEL)
    return math.sqrt(max(problem.value, 0.0))


def test_subdiff_distance_matches_cvxpy():
    rng = np.random.default_rng(1)
    alpha = 1.5
    penalty = Linf(alpha)
    cases = [
        (np.zeros(5), rng.standard_normal(5)),
        (np.zeros(5), 0.1 * rng.standard_normal(5)),  # inside the ball: 0
        (np.array([2.0, -2.0, 1.0, 0.0, 2.0]), rng.standard_normal(5)),
        (np.array([2.0, -2.0, 1.0, 0.0, 2.0]), np.array([-0.5, 0.5, 0.0, 0.0, -0.5])),  # 0
        (rng.standard_normal(5), rng.standard_normal(5)),
    ]
    for w, grad in cases:
        distance = penalty.subdiff_distance(w, grad)
        assert np.all(distance == distance[0])
        assert distance[0] == pytest.approx(_distance_by_cvxpy(w, grad, alpha), abs=1e-6)


def test_fenchel_young_and_dual_scaling():
    rng = np.random.default_rng(2)
    penalty = Linf(0.7)
    x = 3.0 * rng.standard_normal(8)
    w = penalty.prox(x, 1.0)
    v = x - w  # in dG(w)
    assert penalty.value(w) + penalty.conjugate(v) == pytest.approx(w @ v, rel=1e-12)
    assert np.abs(v).sum() == pytest.approx(0.7, rel=1e-12)
    u = rng.standard_normal(8)
    scale = penalty.dual_scaling(u)
    assert np.abs(scale * u).sum() == pytest.approx(0.7, rel=1e-12)
    assert math.isinf(penalty.conjugate(1.001 * scale * u))


def test_alpha_max_is_the_l1_norm_of_the_gradient():
    data = load_dataset("prostate")
    X, y = data["X"], data["y"]
    datafit = Quadratic()
    grad = datafit.gradient_at_zero(X, y, fit_intercept=True)
    alpha_max = Linf(1.0).alpha_max(X, y, datafit, fit_intercept=True)
    assert alpha_max == pytest.approx(np.abs(grad).sum(), rel=1e-14)
    result = lpreg.solve(
        X, y, datafit, Linf(alpha_max * 1.000001), solver="proximal_gradient", fit_intercept=True
    )
    np.testing.assert_array_equal(result.coef, 0.0)


def test_invalid_parameters():
    with pytest.raises(ValueError, match=r"Linf: alpha must be in \[0.0, inf\), got alpha=-1"):
        Linf(alpha=-1.0)
    with pytest.raises(ValueError, match=r"Linf.prox: step must be in \[0.0, inf\), got step=-1"):
        Linf(1.0).prox([1.0, 2.0], -1.0)
    with pytest.raises(ValueError, match=r"Linf: grad must have the shape of w \(2,\)"):
        Linf(1.0).subdiff_distance([1.0, 2.0], [1.0])


def test_quadratic_plus_linf_matches_cvxpy_on_prostate():
    data = load_dataset("prostate")
    X, y = data["X"], data["y"]
    n_samples, n_features = X.shape
    alpha = 0.2 * Linf(1.0).alpha_max(X, y, Quadratic(), fit_intercept=True)
    result = lpreg.solve(
        X,
        y,
        Quadratic(),
        Linf(alpha),
        solver="proximal_gradient",
        tol=1e-10,
        max_iter=100_000,
        fit_intercept=True,
    )
    w, b = cp.Variable(n_features), cp.Variable()
    objective = cp.sum_squares(y - X @ w - b) / (2 * n_samples) + alpha * cp.norm(w, "inf")
    problem = cp.Problem(cp.Minimize(objective))
    problem.solve(solver=cp.CLARABEL)

    def ours(coef, intercept):
        residual = y - X @ coef - intercept
        return residual @ residual / (2 * n_samples) + alpha * np.max(np.abs(coef))

    reference = ours(w.value, b.value)
    value = ours(result.coef, result.intercept)
    assert value <= reference * (1 + 1e-6)
    assert value == pytest.approx(reference, rel=1e-6)
    # the solution has several coordinates tied at the max (the structure Linf creates)
    tied = np.abs(result.coef) >= np.abs(result.coef).max() * (1 - 1e-9)
    assert tied.sum() >= 2
