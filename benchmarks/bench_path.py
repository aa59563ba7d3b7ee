"""Time a 100-alpha Lasso path: lpreg's ``lasso_path`` beside scikit-learn's, skglm and celer.

Run ``python benchmarks/bench_path.py --quick`` (dense 200 x 1000, leukemia, a few minutes) or
without ``--quick`` (the dense 1000 x 5000 benchmark design of ``problems.py`` and leukemia).
Writes ``results/path[_quick].csv`` and a markdown table ``results/path[_quick].md``.

Protocol: every library solves the same problems -- no intercept, the objective
``(1 / 2n) ||y - X w||^2 + alpha ||w||_1`` on the same grid (``n_alphas`` geometric points from
``alpha_max = ||X'y||_inf / n`` down to ``eps * alpha_max``), warm-started along the path, at
its own ``tol`` (lpreg: relative duality gap; scikit-learn: gap <= tol ||y||^2 / n; celer: the
same scaling; skglm: KKT violation).  Since the ``tol`` mean different things, the CSV also gives
each library's worst relative suboptimality over the grid, ``max_k (F_k - F*_k) / F*_k``, with
``F*_k`` the smallest objective any library reached at ``alpha_k`` (computed in numpy).  JIT
compilation is warmed up first, on a 100-alpha path over a slice of each problem and on the first
5 points of the problem itself (so that every kernel the timed run needs, dense and Gram mode
alike, is compiled), and reported apart.  One
thread everywhere.  Both wall-clock and CPU time (``time.process_time``) are recorded: on a
shared machine the CPU time is the steadier of the two, and ``ratio_to_fastest`` uses it;
``wall_ratio`` gives the wall-clock ratio.  The best of ``--repeat`` runs is kept.
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


def _timed(function, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wall, cpu = time.perf_counter(), time.process_time()
        coefs = function(*args)
        return time.perf_counter() - wall, time.process_time() - cpu, coefs


def _warm_up(name, X, y, alphas, args):
    """Run ``name``'s path on a slice of ``(X, y)`` (first 60 rows, 300 columns), then on the
    first 5 points of the problem's own grid (whose strong sets of one column give lpreg's
    loops a C-contiguous ``X``, another compiled signature); returns the seconds spent."""
    X_small = np.asfortranarray(X[:60, :300])
    y_small = y[:60] - y[:60].mean()
    top = np.max(np.abs(X_small.T @ y_small)) / X_small.shape[0]
    small_alphas = np.geomspace(top, top * args.eps, args.n_alphas)
    elapsed = _timed(LIBRARIES[name], X_small, y_small, small_alphas, args.tol)[0]
    return elapsed + _timed(LIBRARIES[name], X, y, alphas[:5], args.tol)[0]


def _markdown(rows, header):
    libraries = list(dict.fromkeys(r["library"] for r in rows))
    lines = [header, "", "| problem | " + " | ".join(libraries) + " |"]
    lines.append("| --- |" + " ---: |" * len(libraries))
    for problem in dict.fromkeys(r["problem"] for r in rows):
        cells = []
        for library in libraries:
            r = next(r for r in rows if r["problem"] == problem and r["library"] == library)
            text = f"{r['cpu_s']} s cpu, {r['time_s']} s wall ({r['ratio_to_fastest']:.2f}x)"
            cells.append(f"**{text}**" if r["ratio_to_fastest"] == 1.0 else text)
        lines.append(f"| {problem} | " + " | ".join(cells) + " |")
    lines += ["", "Worst relative suboptimality over the grid and compile time:", ""]
    lines.append("| problem | library | max_rel_subopt | compile_s |")
    lines.append("| --- | --- | ---: | ---: |")
    for r in rows:
        lines.append(
            f"| {r['problem']} | {r['library']} | {r['max_rel_subopt']:.1e} | {r['compile_s']} |"
        )
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--n-alphas", type=int, default=100)
    parser.add_argument("--eps", type=float, default=1e-3)
    parser.add_argument("--tol", type=float, default=1e-6)
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell, best kept")
    parser.add_argument("--libraries", nargs="*", default=list(LIBRARIES))
    parser.add_argument("--only", default="", help="run problems whose label contains this")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    stem = "path_quick" if args.quick else "path"
    rows = []
    for label, X, y in problems(args.quick):
        if args.only not in label:
            continue
        n = X.shape[0]
        top = np.max(np.abs(X.T @ y)) / n
        alphas = np.geomspace(top, top * args.eps, args.n_alphas)
        compile_time = {name: _warm_up(name, X, y, alphas, args) for name in args.libraries}
        results = {}
        for name in args.libraries:
            runs = [_timed(LIBRARIES[name], X, y, alphas, args.tol) for _ in range(args.repeat)]
            elapsed, cpu, coefs = min(runs, key=lambda run: run[1])
            results[name] = (elapsed, cpu, objectives(X, y, np.asarray(coefs), alphas))
        best = np.min([value for _, _, value in results.values()], axis=0)
        fastest_cpu = min(cpu for _, cpu, _ in results.values())
        fastest_wall = min(elapsed for elapsed, _, _ in results.values())
        for name, (elapsed, cpu, values) in results.items():
            row = {
                "problem": label,
                "library": name,
                "n_alphas": args.n_alphas,
                "eps": args.eps,
                "tol": args.tol,
                "time_s": round(elapsed, 3),
                "cpu_s": round(cpu, 3),
                "ratio_to_fastest": round(cpu / fastest_cpu, 2),
                "wall_ratio": round(elapsed / fastest_wall, 2),
                "max_rel_subopt": float(np.max((values - best) / best)),
                "compile_s": round(compile_time[name], 2),
                "machine": platform.processor() or platform.machine(),
            }
            rows.append(row)
            print(
                f"{label:32s} {name:13s} {cpu:8.2f} s cpu {elapsed:8.2f} s wall "
                f"x{row['ratio_to_fastest']:<6} subopt {row['max_rel_subopt']:.1e}  "
                f"(compile {row['compile_s']} s)",
                flush=True,
            )
    with open(RESULTS / f"{stem}.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    header = (
        f"# 100-alpha Lasso path ({'--quick' if args.quick else 'full'} sizes)\n\n"
        f"{platform.platform()}, {os.cpu_count()} logical cores, one thread per library; "
        f"tol={args.tol}, eps={args.eps}, {args.n_alphas} alphas; best of {args.repeat}.  "
        "Ratios are on CPU time (the machine is shared), **bold** = fastest."
    )
    (RESULTS / f"{stem}.md").write_text(_markdown(rows, header))
    print(f"wrote {RESULTS / stem}.csv and .md")


if __name__ == "__main__":
    main()
