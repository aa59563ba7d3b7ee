r"""Convergence on one Lasso problem: coordinate descent, FISTA and the subgradient method.

The problem is :math:`\frac{1}{2n}\|y - Xw - b\|^2 + \alpha\|w\|_1` on scikit-learn's diabetes
data (standardised) with ``alpha = 0.05 alpha_max``.  Each solver records its certificate
(relative duality gap) as it goes (``history=True``); the subgradient method checks every
iteration and never lands on zeros, so its gap stalls and oscillates.  Each solver runs once
first (``max_iter=2``) so that the timed run does not include numba's compilation.

Run ``python examples/plot_convergence.py [output.png]`` (default
``docs/images/convergence.png``; needs ``pip install "lpreg[plot]"``).
"""

import sys
import warnings
from pathlib import Path

import matplotlib
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import lpreg
import lpreg.plotting

DEFAULT = Path(__file__).resolve().parents[1] / "docs" / "images" / "convergence.png"


def main(output=DEFAULT):
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    datafit = lpreg.Quadratic()
    alpha = 0.05 * lpreg.L1(1.0).alpha_max(X, y, datafit, fit_intercept=True)
    runs = {}
    settings = {
        "coordinate descent": ("coordinate_descent", {}),
        "FISTA (proximal gradient)": ("proximal_gradient", {}),
        "subgradient": ("subgradient", {"check_every": 1}),
    }
    for label, (solver, options) in settings.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            # compile the solver's numba loops first: the timed run measures the solver
            lpreg.solve(X, y, datafit, lpreg.L1(alpha), solver=solver, max_iter=2, **options)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # the subgradient stalls
            result = lpreg.solve(
                X,
                y,
                datafit,
                lpreg.L1(alpha),
                solver=solver,
                fit_intercept=True,
                history=True,
                tol=1e-10,
                max_iter=500,
                **options,
            )
        runs[label] = result
        print(
            f"{label:<26} {result.n_iter:>4} iterations, {result.certificate} "
            f"{result.value:.1e}, converged: {result.converged}"
        )
    figure, axes = plt.subplots(1, 2, figsize=(11.0, 4.2))
    lpreg.plotting.plot_convergence(runs, ax=axes)
    axes[0].set_xscale("log")
    axes[1].set_xscale("log")
    figure.suptitle("Lasso on diabetes, alpha = 0.05 alpha_max: relative duality gap")
    figure.tight_layout()
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(output, dpi=100)
    plt.close(figure)
    print(f"wrote {output}")
    return output


if __name__ == "__main__":
    main(*sys.argv[1:2])
