"""Choosing alpha by 5-fold cross-validation: the mean error, one standard error, two choices.

``lpreg.LassoCV`` fits one warm-started path per fold on scikit-learn's diabetes data;
:func:`lpreg.plotting.plot_cv` draws the mean squared error +- one standard error with
``alpha_min`` (smallest mean error) and ``alpha_1se`` (the largest alpha within one standard
error of it: a sparser model that is statistically as good).

Run ``python examples/plot_cv_curve.py [output.png]`` (default ``docs/images/cv_curve.png``;
needs ``pip install "lpreg[plot]"``).
"""

import sys
from pathlib import Path

import matplotlib
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.model_selection import KFold
from sklearn.preprocessing import StandardScaler

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from lpreg import Lasso, LassoCV
from lpreg.plotting import plot_cv

DEFAULT = Path(__file__).resolve().parents[1] / "docs" / "images" / "cv_curve.png"


def main(output=DEFAULT):
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    folds = KFold(5, shuffle=True, random_state=0)
    model = LassoCV(n_alphas=40, cv=folds, tol=1e-8).fit(X, y)
    for name, alpha in (("alpha_min", model.alpha_min_), ("alpha_1se", model.alpha_1se_)):
        n_nonzero = np.count_nonzero(Lasso(alpha=alpha, tol=1e-8).fit(X, y).coef_)
        print(f"{name} = {alpha:.4g}: {n_nonzero} non-zero coefficients")
    figure, ax = plt.subplots(figsize=(6.5, 4.5))
    plot_cv(model, ax=ax)
    ax.set_title("LassoCV on diabetes: 5-fold CV")
    figure.tight_layout()
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(output, dpi=100)
    plt.close(figure)
    print(f"wrote {output}")
    return output


if __name__ == "__main__":
    main(*sys.argv[1:2])
