"""Time a 100-alpha Lasso path: lpreg's ``lasso_path`` beside scikit-learn's, skglm and celer.

Run ``python benchmarks/bench_path.py --quick`` (dense 200 x 1000, leukemia, a few minutes) or
without ``--quick`` (the dense 1000 x 5000 benchmark design of ``problems.py`` and leukemia).
Writes ``results/path[_quick].csv``.

Protocol: every library solves the same problems -- no intercept, the objective
``(1 / 2n) ||y - X w||^2 + alpha ||w||_1`` on the same grid (``n_alphas`` geometric points from
``alpha_max = ||X'y||_inf / n`` down to ``eps * alpha_max``), warm-started along the path, at
its own ``tol`` (lpreg: relative duality gap; scikit-learn: gap <= tol ||y||^2 / n; celer: the
same scaling; skglm: KKT violation).  Since the ``tol`` mean different things, the CSV also gives
each library's worst relative suboptimality over the grid, ``max_k (F_k - F*_k) / F*_k``, with
``F*_k`` the smallest objective any library reached at ``alpha_k`` (computed in numpy).  JIT
compilation is warmed up on a small slice first and reported apart.  One thread everywhere.
glmnet's Python wrapper is not installed here (no network), so it has no row.
"""

from __future__ import annotations

import os

for _variable in (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMBA_NUM_THREADS",
):
    os.environ[_variable] = "1"

import argparse  # noqa: E402
import csv  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from problems import DATA_DIR, _correlated_dense, _load, _target  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def lpreg_path(X, y, alphas, tol):
    from lpreg.path import lasso_path

    path = lasso_path(X, y, alphas=alphas, tol=tol)
    return path.coefs


def sklearn_path(X, y, alphas, tol):
    from sklearn.linear_model import lasso_path

    return lasso_path(X, y, alphas=alphas, tol=tol, max_iter=10_000)[1]


def skglm_path(X, y, alphas, tol):
    from skglm.datafits import Quadratic
    from skglm.penalties import L1
    from skglm.solvers import AndersonCD

    solver = AndersonCD(tol=tol, fit_intercept=False, max_iter=100)
    return solver.path(X, y, Quadratic(), L1(1.0), alphas=alphas)[1]


def celer_path(X, y, alphas, tol):
    from celer import celer_path

    return celer_path(X, y, "lasso", alphas=alphas, tol=tol)[1]


LIBRARIES = {
    "lpreg": lpreg_path,
    "scikit-learn": sklearn_path,
    "skglm": skglm_path,
    "celer": celer_path,
}


def objectives(X, y, coefs, alphas):
    residual = y[:, None] - X @ coefs
    return 0.5 * np.mean(residual**2, axis=0) + alphas * np.abs(coefs).sum(axis=0)


def problems(quick):
    rng = np.random.default_rng(0)
    shape = (200, 1000) if quick else (1000, 5000)
    X = _correlated_dense(*shape, 0.6, rng)
    out = [(f"dense {shape[0]}x{shape[1]} rho=0.6", X, _target(X, 50, rng))]
    if (DATA_DIR / "leukemia_golub.npz").exists():
        golub = _load("leukemia_golub")
        X = np.asarray(golub["X"], dtype=np.float64)
        X = np.asfortranarray((X - X.mean(axis=0)) / X.std(axis=0))
        y = golub["y"].astype(np.float64)
        out.append(("leukemia 72x7129 standardised", X, y - y.mean()))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--n-alphas", type=int, default=100)
    parser.add_argument("--eps", type=float, default=1e-3)
    parser.add_argument("--tol", type=float, default=1e-6)
    parser.add_argument("--libraries", nargs="*", default=list(LIBRARIES))
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    output = RESULTS / ("path_quick.csv" if args.quick else "path.csv")
    rows = []
    warm = np.asfortranarray(np.random.default_rng(1).standard_normal((30, 40)))
    warm_y = warm[:, 0] + 0.1
    compile_time = {}
    for name in args.libraries:
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            LIBRARIES[name](warm, warm_y, np.geomspace(1.0, 0.01, 5), 1e-4)
        compile_time[name] = time.perf_counter() - start
    for label, X, y in problems(args.quick):
        n = X.shape[0]
        top = np.max(np.abs(X.T @ y)) / n
        alphas = np.geomspace(top, top * args.eps, args.n_alphas)
        results = {}
        for name in args.libraries:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                start = time.perf_counter()
                coefs = LIBRARIES[name](X, y, alphas, args.tol)
                elapsed = time.perf_counter() - start
            results[name] = (elapsed, objectives(X, y, np.asarray(coefs), alphas))
        best = np.min([value for _, value in results.values()], axis=0)
        fastest = min(elapsed for elapsed, _ in results.values())
        for name, (elapsed, values) in results.items():
            row = {
                "problem": label,
                "library": name,
                "n_alphas": args.n_alphas,
                "eps": args.eps,
                "tol": args.tol,
                "time_s": round(elapsed, 3),
                "ratio_to_fastest": round(elapsed / fastest, 2),
                "max_rel_subopt": float(np.max((values - best) / best)),
                "compile_s": round(compile_time[name], 2),
                "machine": platform.processor() or platform.machine(),
            }
            rows.append(row)
            print(
                f"{label:32s} {name:13s} {elapsed:8.2f} s  x{row['ratio_to_fastest']:<6} "
                f"subopt {row['max_rel_subopt']:.1e}  (compile {row['compile_s']} s)",
                flush=True,
            )
        with open(output, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
