"""``lpreg demo``: L1, Elastic Net, L2 and Lp (p = 0.5) least squares on the diabetes data.

Fitted with :func:`lpreg.solve` on scikit-learn's built-in diabetes data (standardised); prints,
per penalty, the non-zeros, the training R^2, the objective and the certificate the solver
stopped on.
"""

from __future__ import annotations

import time


def run(args):
    import numpy as np
    from sklearn.datasets import load_diabetes

    import lpreg
    from lpreg.solvers import solve

    data = load_diabetes()
    X = data.data
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = data.target
    names = data.feature_names
    datafit = lpreg.Quadratic()
    alpha_max = lpreg.L1(1.0).alpha_max(X, y, datafit, fit_intercept=True)
    alpha = args.alpha_ratio * alpha_max
    penalties = [
        ("L1", lpreg.L1(alpha)),
        ("ElasticNet(l1_ratio=0.5)", lpreg.penalties.ElasticNet(alpha, l1_ratio=0.5)),
        ("L2", lpreg.L2(alpha)),
    ]
    if hasattr(lpreg, "Lp"):
        penalties.append(("Lp(p=0.5)", lpreg.Lp(alpha, p=0.5)))
    print(
        f"diabetes: {X.shape[0]} samples x {X.shape[1]} standardised features; "
        f"objective (1/2n)||y - Xw - b||^2 + G(w), alpha = {args.alpha_ratio:g} x "
        f"alpha_max(L1) = {alpha:.4g}\n"
    )
    header = f"{'penalty':<26}{'non-zeros':>10}{'train R2':>10}{'objective':>12}"
    header += f"{'certificate':>28}{'solver':>20}{'time [s]':>10}"
    print(header)
    print("-" * len(header))
    for label, penalty in penalties:
        start = time.perf_counter()
        result = solve(X, y, datafit, penalty, fit_intercept=True, tol=1e-8)
        elapsed = time.perf_counter() - start
        prediction = X @ result.coef + result.intercept
        r2 = 1.0 - np.sum((y - prediction) ** 2) / np.sum((y - y.mean()) ** 2)
        certificate = f"{result.certificate.replace('_', ' ')} {result.value:.1e}"
        print(
            f"{label:<26}{np.count_nonzero(result.coef):>10d}{r2:>10.4f}"
            f"{result.objective:>12.3f}{certificate:>28}{result.solver:>20}{elapsed:>10.3f}"
        )
    lasso = solve(X, y, datafit, lpreg.L1(alpha), fit_intercept=True, tol=1e-8)
    kept = [name for name, coef in zip(names, lasso.coef, strict=True) if coef != 0]
    print("\nL1 keeps these features:", ", ".join(kept))
    print("(times include numba compilation on the first run of each solver loop)")
    return 0
