r"""The 2-D picture of the constrained Lasso and ridge: least-squares contours touching a ball.

For two correlated features, the constrained fit

.. math:: \min_w \tfrac{1}{2n}\|y - Xw\|_2^2 \quad \text{s.t.} \quad \|w\|_p \le t

is the point where the smallest contour of the loss meets the ball.  The L1 ball has corners
on the axes, so the contour usually touches a corner (one coefficient exactly 0); the round L2
ball gives a point with both coefficients nonzero.  Both points are computed by
``lpreg.NormBallRegression`` (projected gradient, Frank-Wolfe gap <= 1e-12), not drawn by
hand, and printed with their Lagrange multipliers.

Run ``python examples/constrained_2d.py [output.png]`` (needs matplotlib: ``pip install
matplotlib`` or ``pip install lpreg[plot]``).  :func:`constrained_solutions` and
:func:`draw_constrained_2d` are what the plotting module reuses.
"""

from __future__ import annotations

import sys

import numpy as np

from lpreg.estimators import NormBallRegression


def example_problem(n_samples=100, correlation=0.6, seed=0):
    """Two correlated standard-normal features; y = 3 x1 + 1 x2 + noise (no intercept)."""
    rng = np.random.default_rng(seed)
    covariance = np.array([[1.0, correlation], [correlation, 1.0]])
    X = rng.multivariate_normal(np.zeros(2), covariance, size=n_samples)
    y = X @ np.array([3.0, 1.0]) + 0.5 * rng.standard_normal(n_samples)
    return X, y


def constrained_solutions(X, y, radius, ps=(1, 2)):
    """Return ``{p: fitted NormBallRegression}`` for each ``p`` (no intercept, tol 1e-12)."""
    return {
        p: NormBallRegression(radius=radius, p=p, fit_intercept=False, tol=1e-12).fit(X, y)
        for p in ps
    }


def _ball_boundary(radius, p, n_points=400):
    angles = np.linspace(0.0, 2.0 * np.pi, n_points)
    points = np.column_stack([np.cos(angles), np.sin(angles)])
    norms = np.linalg.norm(points, ord=p, axis=1)
    return radius * points / norms[:, None]


def draw_constrained_2d(axes, X, y, model, radius, p, title=None):
    """Draw loss contours, the ball of radius ``radius`` and the constrained solution."""
    ols = np.linalg.lstsq(X, y, rcond=None)[0]
    limit = 1.3 * max(np.abs(ols).max(), radius)
    grid = np.linspace(-limit, limit, 301)
    w1, w2 = np.meshgrid(grid, grid)
    coefs = np.stack([w1.ravel(), w2.ravel()])
    loss = (0.5 * np.mean((y[:, None] - X @ coefs) ** 2, axis=0)).reshape(w1.shape)
    solution = model.coef_
    touching = 0.5 * np.mean((y - X @ solution) ** 2)
    levels = np.sort(np.unique(np.r_[touching, np.quantile(loss, [0.01, 0.03, 0.08, 0.2])]))
    axes.contour(w1, w2, loss, levels=levels, colors="0.55", linewidths=0.8)
    axes.contour(w1, w2, loss, levels=[touching], colors="tab:red", linewidths=1.5)
    boundary = _ball_boundary(radius, p)
    axes.fill(boundary[:, 0], boundary[:, 1], color="tab:blue", alpha=0.25)
    axes.plot(*ols, "k+", markersize=10, label="least squares")
    axes.plot(*solution, "o", color="tab:red", label=f"w = ({solution[0]:.3f}, {solution[1]:.3f})")
    axes.axhline(0.0, color="0.8", linewidth=0.6)
    axes.axvline(0.0, color="0.8", linewidth=0.6)
    axes.set_aspect("equal")
    axes.set_xlabel("$w_1$")
    axes.set_ylabel("$w_2$")
    axes.set_title(
        title or f"$\\|w\\|_{{{p:g}}} \\leq {radius:g}$,  $\\lambda$ = {model.lambda_:.3f}"
    )
    axes.legend(loc="lower left", fontsize=8)


def main(output="constrained_2d.png"):
    X, y = example_problem()
    radius = 1.5
    models = constrained_solutions(X, y, radius)
    for p, model in models.items():
        print(
            f"p={p}: coef={np.array2string(model.coef_, precision=6)}, "
            f"||coef||_p={np.linalg.norm(model.coef_, ord=p):.12f}, lambda_={model.lambda_:.6f}, "
            f"FW gap={model.gap_:.1e}"
        )
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: pip install matplotlib (or lpreg[plot]) to draw.")
        return None
    figure, axes = plt.subplots(1, 2, figsize=(10, 5))
    draw_constrained_2d(axes[0], X, y, models[1], radius, 1)
    draw_constrained_2d(axes[1], X, y, models[2], radius, 2)
    figure.suptitle("Constrained least squares: the L1 corner is sparse, the L2 point is not")
    figure.tight_layout()
    figure.savefig(output, dpi=120)
    print(f"wrote {output}")
    return output


if __name__ == "__main__":
    main(*sys.argv[1:2])
