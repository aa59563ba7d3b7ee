r"""Geometry: unit balls in 2-D and 3-D, and the constrained least-squares picture.

The constrained fit of two features

.. math:: \min_w \tfrac{1}{2n}\|y - Xw\|_2^2 \quad \text{s.t.} \quad \|w\|_p \le t

(no intercept) is where the smallest loss contour meets the ball: on a corner of the L1 ball
(one coefficient exactly 0), at a point with both coefficients non-zero for the round L2 ball,
and, for the non-convex ball of ``p < 1``, possibly at several local minima on its boundary.
"""

from __future__ import annotations

import math

import numpy as np

from lpreg._validation import check_real_scalar

__all__ = [
    "boundary_local_minima",
    "plot_constrained_solution",
    "plot_unit_balls",
    "plot_unit_balls_3d",
    "unit_ball_boundary",
]


def _new_axes(ax, **subplot_kw):
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax
    _, ax = plt.subplots(subplot_kw=subplot_kw)
    return ax


def _check_p(p, owner):
    return check_real_scalar(
        p, "p", owner, low=0.0, high=math.inf, low_inclusive=False, high_inclusive=True
    )


def _p_label(p):
    return r"$\infty$" if math.isinf(p) else f"{p:g}"


def unit_ball_boundary(p, radius=1.0, n_points=2001):
    r"""Points of the sphere :math:`\{w \in \mathbb R^2 : \|w\|_p = t\}`, counter-clockwise.

    The directions :math:`u_k = (\cos\theta_k, \sin\theta_k)` at ``n_points`` angles from 0 to
    :math:`2\pi` are rescaled to :math:`t\,u_k / \|u_k\|_p`.  ``n_points`` is rounded up to
    ``4m + 1`` so that the angles :math:`k\pi/2` (the corners of the balls with ``p <= 1``) are
    among them.

    Parameters
    ----------
    p : float
        ``p > 0`` or ``inf``.
    radius : float, default=1.0
        :math:`t > 0`.
    n_points : int, default=2001

    Returns
    -------
    ndarray of shape (n_points, 2)
    """
    p = _check_p(p, "unit_ball_boundary")
    radius = check_real_scalar(
        radius, "radius", "unit_ball_boundary", low=0.0, low_inclusive=False
    )
    n_quarter = max(1, math.ceil((int(n_points) - 1) / 4))
    angles = np.linspace(0.0, 2.0 * np.pi, 4 * n_quarter + 1)
    directions = np.column_stack([np.cos(angles), np.sin(angles)])
    # exact axis points, so the corners of the p <= 1 balls are drawn sharp
    directions[np.abs(directions) < 1e-15] = 0.0
    directions[::n_quarter] = np.round(directions[::n_quarter])
    norms = np.linalg.norm(directions, ord=p, axis=1)
    return radius * directions / norms[:, None]


def plot_unit_balls(ps=(0.5, 1, 2, 4, math.inf), *, ax=None, n_points=2001):
    r"""Draw the unit spheres :math:`\|w\|_p = 1` in the plane, one curve per ``p``.

    Each curve is :func:`unit_ball_boundary`; the balls are nested, growing with ``p``
    (:math:`\|w\|_q \le \|w\|_p` for :math:`q \ge p`), from the star of ``p < 1`` through the
    L1 diamond and the circle to the square of ``p = inf``.

    Parameters
    ----------
    ps : sequence of float, default=(0.5, 1, 2, 4, inf)
    ax : matplotlib Axes, default=None
        Drawn on a new figure when None.
    n_points : int, default=2001

    Returns
    -------
    matplotlib Axes
        ``ax.lines[k]`` is the curve of ``ps[k]`` (``gid`` ``"unit_ball_p=<p>"``).
    """
    ax = _new_axes(ax)
    for p in ps:
        points = unit_ball_boundary(p, n_points=n_points)
        ax.plot(
            points[:, 0], points[:, 1], label=f"p = {_p_label(float(p))}", gid=f"unit_ball_p={p}"
        )
    ax.axhline(0.0, color="0.85", linewidth=0.6, zorder=0)
    ax.axvline(0.0, color="0.85", linewidth=0.6, zorder=0)
    ax.set_aspect("equal")
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.set_title(r"Unit spheres $\|w\|_p = 1$")
    ax.legend(loc="upper right", fontsize=8)
    return ax


def plot_unit_balls_3d(ps=(0.5, 1, 2, math.inf), *, fig=None, n_points=41):
    r"""Draw the unit spheres :math:`\|w\|_p = 1` in :math:`\mathbb R^3` as surfaces.

    Each of the six faces of the cube :math:`[-1, 1]^3` is sampled on an ``n_points`` x
    ``n_points`` grid and every point :math:`u` is rescaled to :math:`u / \|u\|_p`: the cube
    itself for ``p = inf``, and for every ``p`` the axis points and the coordinate planes (the
    corners and edges of the balls with ``p <= 1``) are on the grid (``n_points`` odd).

    Parameters
    ----------
    ps : sequence of float, default=(0.5, 1, 2, inf)
        One 3-D subplot per ``p``, side by side.
    fig : matplotlib Figure, default=None
        Subplots are added to it; a new figure when None.
    n_points : int, default=41
        Grid size along each edge of a face (made odd).

    Returns
    -------
    matplotlib Figure
        ``fig.axes[k]`` is the 3-D axes of ``ps[k]``, holding six surfaces.
    """
    import matplotlib.pyplot as plt

    if fig is None:
        fig = plt.figure(figsize=(3.2 * len(ps), 3.4))
    n_points = int(n_points) | 1
    u, v = np.meshgrid(np.linspace(-1.0, 1.0, n_points), np.linspace(-1.0, 1.0, n_points))
    faces = []
    for axis in range(3):
        for sign in (-1.0, 1.0):
            coordinates = [u, v]
            coordinates.insert(axis, np.full_like(u, sign))
            faces.append(np.stack(coordinates, axis=-1))
    for k, p in enumerate(ps):
        p = _check_p(p, "plot_unit_balls_3d")
        ax = fig.add_subplot(1, len(ps), k + 1, projection="3d")
        for face in faces:
            points = face / np.linalg.norm(face, ord=p, axis=-1)[..., None]
            ax.plot_surface(
                points[..., 0],
                points[..., 1],
                points[..., 2],
                color="tab:blue",
                linewidth=0.0,
                alpha=0.85,
                shade=True,
                gid=f"unit_ball_p={p}",
            )
        ax.set_box_aspect((1, 1, 1))
        ax.set_title(f"p = {_p_label(p)}")
        for set_ticks in (ax.set_xticks, ax.set_yticks, ax.set_zticks):
            set_ticks([-1, 0, 1])
    return fig


def _least_squares_loss(X, y, coefs):
    """``0.5 * mean((y - X w)**2)`` for each column ``w`` of ``coefs`` (2, m)."""
    return 0.5 * np.mean((y[:, None] - X @ coefs) ** 2, axis=0)


def _check_two_features(X, y, owner):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).ravel()
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(
            f"{owner}: X must have exactly 2 features (the plane of w), got shape {X.shape}."
        )
    if y.shape[0] != X.shape[0]:
        raise ValueError(
            f"{owner}: y must have one entry per row of X ({X.shape[0]}), got {y.shape[0]}."
        )
    return X, y


def boundary_local_minima(X, y, radius, p, n_points=20001):
    r"""Local minima on the sphere :math:`\|w\|_p = t` of :math:`\tfrac{1}{2n}\|y - Xw\|^2`.

    Used for the non-convex balls (``p < 1``), where the constrained problem can have several
    local minima.  The boundary (:func:`unit_ball_boundary`, ``n_points`` angles) is scanned
    for angles whose loss is no larger than both neighbours'; each is refined by bounded
    root finding of the loss's derivative along the sphere on its two neighbouring intervals
    (bounded Brent minimisation where that derivative does not change sign; the axis points,
    corners of the balls with ``p <= 1``, are kept exact), and kept if the gradient :math:`g`
    of the loss satisfies :math:`g^\top w < 0`: the ball is star-shaped, so where
    :math:`g^\top w > 0` moving towards the origin stays feasible and lowers the loss.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    y : array-like of shape (n_samples,)
    radius : float
        :math:`t > 0`.
    p : float
        ``p > 0`` or ``inf``.
    n_points : int, default=20001

    Returns
    -------
    ndarray of shape (n_minima, 2)
        Sorted by loss, the lowest first.
    """
    from scipy.optimize import brentq, minimize_scalar

    owner = "boundary_local_minima"
    X, y = _check_two_features(X, y, owner)
    p = _check_p(p, owner)
    radius = check_real_scalar(radius, "radius", owner, low=0.0, low_inclusive=False)
    points = unit_ball_boundary(p, radius, n_points)[:-1]  # the last repeats the first
    n = points.shape[0]
    loss = _least_squares_loss(X, y, points.T)
    step = 2.0 * np.pi / n
    is_corner = np.zeros(n, dtype=bool)
    is_corner[:: n // 4] = True

    def point_at(theta):
        direction = np.array([math.cos(theta), math.sin(theta)])
        return radius * direction / np.linalg.norm(direction, ord=p)

    def loss_at(theta):
        return float(_least_squares_loss(X, y, point_at(theta)[:, None])[0])

    def slope_at(theta):
        # d/dtheta of the loss along the sphere: g(w) . dw/dtheta, w = t u / ||u||_p
        direction = np.array([math.cos(theta), math.sin(theta)])
        tangent = np.array([-math.sin(theta), math.cos(theta)])
        norm = np.linalg.norm(direction, ord=p)
        if math.isinf(p):
            j = int(np.argmax(np.abs(direction)))
            norm_slope = math.copysign(1.0, direction[j]) * tangent[j]
        else:
            norm_slope = float(
                np.sum(np.sign(direction) * np.abs(direction) ** (p - 1.0) * tangent)
            ) / norm ** (p - 1.0)
        w_slope = radius * (tangent / norm - direction * norm_slope / norm**2)
        w = radius * direction / norm
        return float(-(X.T @ (y - X @ w)) @ w_slope) / X.shape[0]

    minima = []
    for k in np.flatnonzero((loss <= np.roll(loss, 1)) & (loss <= np.roll(loss, -1))):
        theta = k * step
        low, high = theta - step, theta + step
        if is_corner[k]:
            w = points[k]
        elif slope_at(low) < 0.0 < slope_at(high):
            # a smooth tangency: the root of the slope, to machine precision
            w = point_at(brentq(slope_at, low, high, xtol=1e-15, rtol=1e-15))
        else:
            refined = minimize_scalar(
                loss_at, bounds=(low, high), method="bounded", options={"xatol": 1e-12}
            )
            w = point_at(refined.x)
        gradient = -X.T @ (y - X @ w) / X.shape[0]
        if gradient @ w < 0.0:
            minima.append(w)
    minima = np.array(minima).reshape(-1, 2)
    if minima.shape[0] > 1:
        minima = minima[np.argsort(_least_squares_loss(X, y, minima.T))]
        # drop repeats found from neighbouring grid angles
        keep = [0]
        for i in range(1, minima.shape[0]):
            if np.min(np.linalg.norm(minima[keep] - minima[i], axis=1)) > 1e-6 * radius:
                keep.append(i)
        minima = minima[keep]
    return minima


def plot_constrained_solution(X, y, *, p=1, radius=1.0, ax=None, n_contours=5):
    r"""Loss contours of a 2-feature least-squares problem, the Lp ball and the solution.

    Draws the contours of :math:`\tfrac{1}{2n}\|y - Xw\|_2^2` (no intercept), the ball
    :math:`\|w\|_p \le t`, the least-squares point and the constrained solution with the
    contour through it.  For ``p >= 1`` the solution is
    ``NormBallRegression(radius, p=p, fit_intercept=False, tol=1e-12)``'s ``coef_``
    (certified by its Frank-Wolfe gap); for ``p < 1`` every local minimum on the boundary
    (:func:`boundary_local_minima`) is marked, the lowest filled, the others hollow.  When the
    least-squares point is inside the ball it is the solution.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    y : array-like of shape (n_samples,)
    p : float, default=1
        ``p > 0`` or ``inf``.
    radius : float, default=1.0
        :math:`t > 0`.
    ax : matplotlib Axes, default=None
    n_contours : int, default=5
        Background contour levels (loss quantiles over the drawn window).

    Returns
    -------
    matplotlib Axes
        Artists by ``gid``: ``"ball"`` (the ball's fill), ``"solution"`` (the marked solution,
        one point), ``"local_minima"`` (``p < 1``: all local minima), ``"least_squares"``.
    """
    owner = "plot_constrained_solution"
    X, y = _check_two_features(X, y, owner)
    p = _check_p(p, owner)
    radius = check_real_scalar(radius, "radius", owner, low=0.0, low_inclusive=False)
    ax = _new_axes(ax)
    ols = np.linalg.lstsq(X, y, rcond=None)[0]
    inside = np.linalg.norm(ols, ord=p) <= radius
    minima = np.empty((0, 2))
    if inside:
        solution = ols
    elif p >= 1.0:
        from lpreg.estimators import NormBallRegression

        model = NormBallRegression(radius=radius, p=p, fit_intercept=False, tol=1e-12)
        solution = model.fit(X, y).coef_
    else:
        minima = boundary_local_minima(X, y, radius, p)
        solution = minima[0]

    limit = 1.3 * max(np.abs(ols).max(), radius)
    grid = np.linspace(-limit, limit, 301)
    w1, w2 = np.meshgrid(grid, grid)
    loss = _least_squares_loss(X, y, np.stack([w1.ravel(), w2.ravel()])).reshape(w1.shape)
    touching = float(_least_squares_loss(X, y, solution[:, None])[0])
    quantiles = np.quantile(loss, np.geomspace(0.005, 0.3, int(n_contours)))
    levels = np.unique(np.r_[quantiles, touching])
    ax.contour(w1, w2, loss, levels=levels, colors="0.6", linewidths=0.7)
    ax.contour(w1, w2, loss, levels=[touching], colors="tab:red", linewidths=1.4)
    boundary = unit_ball_boundary(p, radius, 1601)
    ax.fill(boundary[:, 0], boundary[:, 1], color="tab:blue", alpha=0.25, gid="ball")
    ax.plot(boundary[:, 0], boundary[:, 1], color="tab:blue", linewidth=1.0)
    ax.plot(*ols, "k+", markersize=10, label="least squares", gid="least_squares")
    if minima.shape[0] > 1:
        ax.plot(
            minima[:, 0],
            minima[:, 1],
            "o",
            markerfacecolor="none",
            color="tab:red",
            markersize=8,
            label=f"{minima.shape[0]} local minima",
            gid="local_minima",
        )
    ax.plot(
        [solution[0]],
        [solution[1]],
        "o",
        color="tab:red",
        gid="solution",
        label=f"w = ({solution[0]:.3f}, {solution[1]:.3f})",
    )
    ax.axhline(0.0, color="0.85", linewidth=0.6, zorder=0)
    ax.axvline(0.0, color="0.85", linewidth=0.6, zorder=0)
    ax.set_aspect("equal")
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.set_title(rf"$\|w\|_{{{_p_label(p).strip('$')}}} \leq {radius:g}$")
    ax.legend(loc="lower left", fontsize=8)
    return ax
