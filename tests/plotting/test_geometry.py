"""The geometry figures carry the right data: exact spheres and certified solutions."""

import math

import numpy as np
import pytest

from lpreg.estimators import NormBallRegression
from lpreg.plotting import (
    boundary_local_minima,
    plot_constrained_solution,
    plot_unit_balls,
    plot_unit_balls_3d,
)


def correlated_problem(n_samples=100, correlation=0.6, seed=0):
    """Two correlated features, y = 3 x1 + x2 + noise (as examples/constrained_2d.py)."""
    rng = np.random.default_rng(seed)
    covariance = np.array([[1.0, correlation], [correlation, 1.0]])
    X = rng.multivariate_normal(np.zeros(2), covariance, size=n_samples)
    y = X @ np.array([3.0, 1.0]) + 0.5 * rng.standard_normal(n_samples)
    return X, y


def loss(X, y, w):
    return 0.5 * np.mean((y - X @ w) ** 2)


def line_by_gid(ax, gid):
    (line,) = [line for line in ax.lines if line.get_gid() == gid]
    return line


def test_unit_ball_curves_have_norm_one():
    ps = (0.5, 1, 2, 4, math.inf)
    ax = plot_unit_balls(ps)
    for p in ps:
        line = line_by_gid(ax, f"unit_ball_p={p}")
        points = np.column_stack([line.get_xdata(), line.get_ydata()])
        norms = np.linalg.norm(points, ord=p, axis=1)
        np.testing.assert_allclose(norms, 1.0, rtol=0, atol=1e-9)
        # the corners of the L1 diamond are drawn exactly
        if p == 1:
            assert {(1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0)} <= set(map(tuple, points))


def test_unit_balls_3d_one_axes_per_p():
    import matplotlib.pyplot as plt

    fig = plt.figure()
    assert plot_unit_balls_3d((1, 2), fig=fig, n_points=11) is fig
    assert [ax.get_title() for ax in fig.axes] == ["p = 1", "p = 2"]
    assert all(ax.name == "3d" and len(ax.collections) == 6 for ax in fig.axes)


@pytest.mark.parametrize("p", [1, 2])
def test_constrained_solution_is_the_norm_ball_fit(p):
    X, y = correlated_problem()
    radius = 1.5
    ax = plot_constrained_solution(X, y, p=p, radius=radius)
    marked = np.array(
        [line_by_gid(ax, "solution").get_xdata()[0], line_by_gid(ax, "solution").get_ydata()[0]]
    )
    model = NormBallRegression(radius=radius, p=p, fit_intercept=False, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(marked, model.coef_, rtol=0, atol=1e-12)
    # independent reference: cvxpy
    cp = pytest.importorskip("cvxpy")
    w = cp.Variable(2)
    objective = cp.Minimize(0.5 * cp.sum_squares(y - X @ w) / X.shape[0])
    cp.Problem(objective, [cp.norm(w, p) <= radius]).solve()
    np.testing.assert_allclose(marked, w.value, atol=1e-5)
    if p == 1:  # the contour touches the diamond at a corner: w2 is exactly 0
        assert marked[1] == 0.0 and marked[0] == pytest.approx(radius, abs=1e-12)
    else:  # the circle is touched where both coefficients are non-zero
        assert np.all(np.abs(marked) > 0.1)


def test_constrained_solution_inside_the_ball_is_least_squares():
    X, y = correlated_problem()
    ax = plot_constrained_solution(X, y, p=2, radius=10.0)
    marked = line_by_gid(ax, "solution").get_xydata()[0]
    np.testing.assert_allclose(marked, np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-12)


def test_nonconvex_ball_marks_every_boundary_local_minimum():
    X, y = correlated_problem()
    radius, p = 1.5, 0.5
    ax = plot_constrained_solution(X, y, p=p, radius=radius)
    minima = line_by_gid(ax, "local_minima").get_xydata()
    assert minima.shape == (2, 2)  # the two corners, (1.5, 0) the lower
    np.testing.assert_allclose(minima, [[radius, 0.0], [0.0, radius]], atol=1e-12)
    np.testing.assert_allclose(line_by_gid(ax, "solution").get_xydata()[0], minima[0])
    # each is a local minimum: no feasible point in a small disk around it is lower
    # feasible points near w: s * b(theta), b on the sphere, theta near w's angle, s <= 1
    rng = np.random.default_rng(1)
    for w in minima:
        angles = np.arctan2(w[1], w[0]) + rng.uniform(-0.05, 0.05, 5000)
        directions = np.column_stack([np.cos(angles), np.sin(angles)])
        sphere = radius * directions / np.linalg.norm(directions, ord=p, axis=1)[:, None]
        nearby = rng.uniform(0.98, 1.0, (5000, 1)) * sphere
        nearby_losses = 0.5 * np.mean((y[:, None] - X @ nearby.T) ** 2, axis=0)
        assert nearby_losses.min() >= loss(X, y, w) - 1e-12
    # the lowest is the global minimum over a fine grid of the feasible set
    grid = np.linspace(-radius, radius, 601)
    w1, w2 = np.meshgrid(grid, grid)
    points = np.column_stack([w1.ravel(), w2.ravel()])
    points = points[np.sum(np.abs(points) ** p, axis=1) ** (1 / p) <= radius]
    grid_losses = 0.5 * np.mean((y[:, None] - X @ points.T) ** 2, axis=0)
    assert loss(X, y, minima[0]) <= grid_losses.min() + 1e-12


def test_boundary_local_minimum_of_the_circle_is_the_tangency():
    # On the circle the one minimum is where the gradient is anti-parallel to w (KKT);
    # NormBallRegression agrees to ~1e-6 (a Frank-Wolfe gap 5e-13 is quadratic in the error).
    X, y = correlated_problem()
    minima = boundary_local_minima(X, y, 1.5, 2)
    assert minima.shape == (1, 2)
    w = minima[0]
    gradient = -X.T @ (y - X @ w) / X.shape[0]
    assert np.linalg.norm(w) == pytest.approx(1.5, abs=1e-12)
    assert abs(gradient[0] * w[1] - gradient[1] * w[0]) < 1e-12
    assert gradient @ w < 0
    model = NormBallRegression(radius=1.5, p=2, fit_intercept=False, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(w, model.coef_, atol=1e-5)


def test_constrained_solution_rejects_bad_input():
    X, y = correlated_problem()
    with pytest.raises(ValueError, match=r"plot_constrained_solution: X must have exactly 2"):
        plot_constrained_solution(np.c_[X, X], y)
    with pytest.raises(ValueError, match=r"radius"):
        plot_constrained_solution(X, y, radius=-1.0)
    with pytest.raises(ValueError, match=r"\bp\b"):
        plot_constrained_solution(X, y, p=0.0)
