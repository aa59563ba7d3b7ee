r"""Constrained least squares on two correlated features: the L1 corner, the L2 tangency, p = 1/2.

Each panel draws the loss contours of :math:`\frac{1}{2n}\|y - Xw\|^2`, the ball
:math:`\|w\|_p \le 1.5` and the constrained solution (``NormBallRegression`` for p >= 1;
every local minimum on the boundary for the non-convex p = 1/2 ball).

Run ``python examples/plot_constrained.py [output.png]`` (default
``docs/images/constrained.png``; needs ``pip install "lpreg[plot]"``).
"""

import sys
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from lpreg.plotting import plot_constrained_solution

DEFAULT = Path(__file__).resolve().parents[1] / "docs" / "images" / "constrained.png"


def example_problem(n_samples=100, correlation=0.6, seed=0):
    """Two correlated standard-normal features; y = 3 x1 + 1 x2 + noise (no intercept)."""
    rng = np.random.default_rng(seed)
    covariance = np.array([[1.0, correlation], [correlation, 1.0]])
    X = rng.multivariate_normal(np.zeros(2), covariance, size=n_samples)
    y = X @ np.array([3.0, 1.0]) + 0.5 * rng.standard_normal(n_samples)
    return X, y


def main(output=DEFAULT):
    X, y = example_problem()
    figure, axes = plt.subplots(1, 3, figsize=(13.5, 4.8))
    for ax, p in zip(axes, (1, 2, 0.5), strict=True):
        plot_constrained_solution(X, y, p=p, radius=1.5, ax=ax)
    figure.tight_layout()
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(output, dpi=90)
    plt.close(figure)
    print(f"wrote {output}")
    return output


if __name__ == "__main__":
    main(*sys.argv[1:2])
