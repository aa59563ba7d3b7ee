"""Stability selection on a correlated design: the features picked by most half-sample fits.

:func:`lpreg.model_selection.stability_selection` fits the Lasso path on 2 x 25 disjoint
half-samples (complementary pairs) of a :func:`lpreg.datasets.make_correlated` design with 30
features, 5 of them informative, and plots how often each feature is non-zero along the
path from ``alpha_max`` down to ``0.2 alpha_max``; features reaching the threshold 0.75 are
selected, with a bound on the expected number of false selections.

Run ``python examples/plot_stability.py [output.png]`` (default ``docs/images/stability.png``;
needs ``pip install "lpreg[plot]"``).
"""

import sys
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from lpreg.datasets import make_correlated
from lpreg.model_selection import stability_selection
from lpreg.plotting import plot_stability

DEFAULT = Path(__file__).resolve().parents[1] / "docs" / "images" / "stability.png"


def main(output=DEFAULT):
    X, y, coef = make_correlated(
        n_samples=150, n_features=30, n_groups=5, rho=0.5, n_informative=5, noise=2.0
    )
    result = stability_selection(
        X, y, n_alphas=20, eps=0.2, n_pairs=25, threshold=0.75, random_state=0
    )
    print(f"selected: {result.selected.tolist()}; true: {np.flatnonzero(coef).tolist()}")
    figure, ax = plt.subplots(figsize=(7.0, 4.5))
    plot_stability(result, ax=ax)
    figure.tight_layout()
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(output, dpi=100)
    plt.close(figure)
    print(f"wrote {output}")
    return output


if __name__ == "__main__":
    main(*sys.argv[1:2])
