r"""The Lasso path on scikit-learn's diabetes data: which features enter first, and when.

:func:`lpreg.path.lasso_path` solves
:math:`\frac{1}{2n}\|y - Xw - b\|^2 + \alpha\|w\|_1` on 50 alphas from the exact
``alpha_max`` (all coefficients 0) down to ``1e-3 * alpha_max``, warm-started, each point
certified by its duality gap; :func:`lpreg.plotting.plot_path` draws the coefficients.

Run ``python examples/plot_lasso_path.py [output.png]`` (default
``docs/images/lasso_path.png``; needs ``pip install "lpreg[plot]"``).
"""

import sys
from pathlib import Path

import matplotlib
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.preprocessing import StandardScaler

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from lpreg.path import lasso_path
from lpreg.plotting import plot_path

DEFAULT = Path(__file__).resolve().parents[1] / "docs" / "images" / "lasso_path.png"


def main(output=DEFAULT):
    data = load_diabetes()
    X = StandardScaler().fit_transform(data.data)
    path = lasso_path(X, data.target, n_alphas=50, fit_intercept=True, tol=1e-8)
    first = [int(np.flatnonzero(row)[0]) for row in path.coefs]
    order = np.argsort(first, kind="stable")
    print(f"alpha_max = {path.alphas[0]:.4g}; largest duality gap {path.certificates.max():.1e}")
    print("entering order:", ", ".join(data.feature_names[j] for j in order))
    figure, ax = plt.subplots(figsize=(7.0, 4.5))
    plot_path(path, feature_names=data.feature_names, n_labels=6, ax=ax)
    ax.set_title("Lasso path, diabetes (standardised features)")
    figure.tight_layout()
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(output, dpi=100)
    plt.close(figure)
    print(f"wrote {output}")
    return output


if __name__ == "__main__":
    main(*sys.argv[1:2])
