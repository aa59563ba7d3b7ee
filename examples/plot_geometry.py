"""The geometry of norm penalties in four panels, drawn with :mod:`lpreg.plotting`.

Unit spheres for several p; the constrained least-squares fit for the L1 ball (a corner, one
coefficient exactly 0), the L2 ball (both non-zero) and the non-convex L1/2 ball (its local
minima on the boundary marked); the thresholding functions of L1, L2, Lp(1/2), MCP and SCAD.

Run ``python examples/plot_geometry.py [output.png]`` (needs ``pip install 'lpreg[plot]'``).
"""

from __future__ import annotations

import sys

import numpy as np


def example_problem(n_samples=100, correlation=0.6, seed=0):
    """Two correlated standard-normal features; y = 3 x1 + 1 x2 + noise (no intercept)."""
    rng = np.random.default_rng(seed)
    covariance = np.array([[1.0, correlation], [correlation, 1.0]])
    X = rng.multivariate_normal(np.zeros(2), covariance, size=n_samples)
    y = X @ np.array([3.0, 1.0]) + 0.5 * rng.standard_normal(n_samples)
    return X, y


def main(output="plot_geometry.png"):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lpreg.penalties import L1, L2, MCP, SCAD, Lp
    from lpreg.plotting import (
        plot_constrained_solution,
        plot_thresholding,
        plot_unit_balls,
        plot_unit_balls_3d,
    )

    X, y = example_problem()
    figure, axes = plt.subplots(2, 3, figsize=(15, 10))
    plot_unit_balls(ax=axes[0, 0])
    for ax, p in zip((axes[0, 1], axes[0, 2], axes[1, 0]), (1, 2, 0.5), strict=True):
        plot_constrained_solution(X, y, p=p, radius=1.5, ax=ax)
    plot_thresholding(
        {
            "L1(1)": L1(1.0),
            "L2(1)": L2(1.0),
            "Lp(1, p=0.5)": Lp(1.0, 0.5),
            "MCP(1, gamma=3)": MCP(1.0, 3.0),
            "SCAD(1, gamma=3.7)": SCAD(1.0, 3.7),
        },
        ax=axes[1, 1],
    )
    axes[1, 2].axis("off")
    figure.tight_layout()
    figure.savefig(output, dpi=90)
    surfaces = plot_unit_balls_3d()
    surfaces_output = output.replace(".png", "_3d.png")
    surfaces.savefig(surfaces_output, dpi=90)
    print(f"wrote {output} and {surfaces_output}")
    return output


if __name__ == "__main__":
    main(*sys.argv[1:2])
