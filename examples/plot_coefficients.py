"""L1, L2, Elastic Net and Lp(1/2) coefficients side by side on correlated groups of features.

The design (:func:`lpreg.datasets.make_correlated`) has 12 features in 3 blocks of 4 with
within-block correlation 0.9, and 3 informative features, one per block.  The true
coefficients are drawn as black dots.  Expect: L2 spreads each block's weight over all its
features (no zeros), L1 picks few features (within a block, often not the true one), the
Elastic Net keeps more of each correlated block, and Lp(1/2) is the sparsest.  Each alpha is
chosen so that the fits are comparable (same training R^2 within about 0.01).

Run ``python examples/plot_coefficients.py [output.png]`` (default
``docs/images/coefficients.png``; needs ``pip install "lpreg[plot]"``).
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from lpreg import ElasticNet, Lasso, LpRegression, Ridge
from lpreg.datasets import make_correlated
from lpreg.plotting import plot_coefficients

DEFAULT = Path(__file__).resolve().parents[1] / "docs" / "images" / "coefficients.png"


def main(output=DEFAULT):
    X, y, coef = make_correlated(
        n_samples=100, n_features=12, n_groups=3, rho=0.9, n_informative=3, noise=1.0
    )
    models = {
        "L1 (Lasso, alpha=0.2)": Lasso(alpha=0.2, tol=1e-8),
        "L2 (Ridge, alpha=20)": Ridge(alpha=20.0, tol=1e-8),
        "Elastic Net (alpha=0.3, l1_ratio=0.5)": ElasticNet(alpha=0.3, l1_ratio=0.5, tol=1e-8),
        "Lp (alpha=0.2, p=0.5)": LpRegression(alpha=0.2, p=0.5, tol=1e-8),
    }
    for label, model in models.items():
        model.fit(X, y)
        print(
            f"{label:<40} non-zeros {np.count_nonzero(model.coef_):>2}/12, "
            f"training R^2 {model.score(X, y):.3f}"
        )
    figure, ax = plt.subplots(figsize=(9.0, 5.0))
    plot_coefficients(models, feature_names=[f"x{j}" for j in range(12)], ax=ax)
    ax.plot(np.arange(12), coef, "ko", markersize=4, label="true coefficients")
    for edge in (3.5, 7.5):
        ax.axvline(edge, color="0.75", linewidth=0.8, linestyle=":")
    ax.set_title("Coefficients on 3 correlated blocks (rho = 0.9) of 4 features")
    ax.tick_params(axis="x", labelrotation=0)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=3)
    figure.tight_layout()
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(output, dpi=100)
    plt.close(figure)
    print(f"wrote {output}")
    return output


if __name__ == "__main__":
    main(*sys.argv[1:2])
