"""The ``lpreg`` command.

``lpreg demo``: fits L1, Elastic Net, L2 and Lp (p = 0.5) penalised least squares on
scikit-learn's built-in diabetes data with :func:`lpreg.solve` and prints, per penalty, the
non-zeros, the training R^2, the objective and the certificate the solver stopped on.
``lpreg compare`` (cross-validated comparison on the user's data) arrives with the
estimators issue.
"""

from __future__ import annotations

import argparse
import sys
import time


def _demo(args):
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


def _compare(args):
    print(
        "lpreg compare (cross-validated L1 / L2 / Elastic Net / Lp comparison) arrives with the "
        "estimators issue; run `lpreg demo` for what works today.",
        file=sys.stderr,
    )
    return 2


def main(argv=None):
    """Entry point of the ``lpreg`` console script."""
    parser = argparse.ArgumentParser(
        prog="lpreg", description="Norm-regularized learning: L1, L2, Elastic Net, Lp."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="fit L1/EN/L2/Lp on built-in data, print certificates")
    demo.add_argument(
        "--alpha-ratio",
        type=float,
        default=0.05,
        help="alpha as a fraction of the L1 alpha_max (default 0.05)",
    )
    demo.set_defaults(handler=_demo)
    compare = sub.add_parser("compare", help="(arrives with the estimators issue)")
    compare.set_defaults(handler=_compare)
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (ValueError, TypeError) as exc:
        print(f"lpreg: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
