"""Time a 100-alpha Lasso path: lpreg's ``lasso_path`` beside scikit-learn's, skglm and celer.

Run ``python benchmarks/bench_path.py --quick`` (dense 200 x 1000, leukemia, a few minutes) or
without ``--quick`` (leukemia and the dense 1000 x 5000 benchmark design of ``problems.py``).
Writes ``results/path[_quick].csv`` and ``results/path[_quick].md``, rewritten after every
library (an interrupted run keeps what it timed).

Protocol: every library solves the same problems -- no intercept, the objective
``F_k(w) = (1 / 2n) ||y - X w||^2 + alpha_k ||w||_1`` on the same grid (``n_alphas`` geometric
points from ``alpha_max = ||X'y||_inf / n`` down to ``eps * alpha_max``), warm-started along the
path.  Each library is given ``tol`` in its own convention (lpreg: duality gap relative to
``F(0)``; scikit-learn: gap <= tol ||y||^2 / n; celer: the same scaling; skglm: KKT violation),
so the accuracy is checked on the objective, computed in numpy: the worst relative
suboptimality over the grid, ``max_k (F_k(w_k) - F*_k) / F*_k``.

Reference ``F*_k``: paths run before, and apart from, the timed ones -- lpreg at ``tol=1e-12``,
then, while the certified gap below exceeds ``--reference-gap`` (1e-9), celer at ``tol=1e-14`` and
scikit-learn at ``tol=1e-14`` with ``max_iter=10**6`` -- the lowest objective kept at each
``alpha_k``.  It is certified in numpy, apart from every library: the dual point
``theta = r / max(n alpha_k, ||X'r||_inf)`` (``r`` the residual of a reference run) gives
``D_k(theta) = (||y||^2 - ||y - n alpha_k theta||^2) / 2n <= min_w F_k(w)``, and the script
reports ``max_k (F*_k - max_runs D_k) / F*_k``, which bounds the error of every suboptimality it
prints.  A timed run that lands below the reference shows as a negative ``min_rel_subopt`` in the
CSV.

Two tables:

* equal accuracy (the default, the first table): each library runs its path at
  ``tol = 1e-6, 1e-7, ..., 1e-12`` (``--tols``) until the worst relative suboptimality is
  ``<= --target`` (1e-6); the time reported is the run of the first ``tol`` that meets it.  A
  library whose runs together spend more than ``--cap`` CPU seconds without meeting it is
  reported ``> cap`` (the cap is checked between runs, a run is never interrupted); one that
  misses it at the last ``tol`` is ``not reached``.
* native tol: the first step of that schedule, every library at ``tol=1e-6`` in its own
  convention, with the suboptimality it reaches.

JIT compilation is warmed up first, on a 100-alpha path over a slice of each problem and on the
first 5 points of the problem itself (so that every kernel the timed run needs, dense and Gram
mode alike, is compiled), and reported apart.  One thread everywhere.  Times are CPU time
(``time.process_time``; the machine is shared, so it is the steadier measure, and the ratios use
it); wall-clock is recorded beside it.  The best of ``--repeat`` runs is kept.  glmnet's Python
wrapper has no row: the package index here holds only its source (glmnet 2.2.1, 2020), whose
build fails (`pip download glmnet` on 2026-11-23: its setup.py stops with "install requires:
'numpy'" while pip builds it in isolation).
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


def _sklearn_reference(X, y, alphas, tol):
    from sklearn.linear_model import lasso_path

    return lasso_path(X, y, alphas=alphas, tol=tol, max_iter=1_000_000)[1]


REFERENCE_RUNS = (
    ("lpreg", lpreg_path, 1e-12),
    ("celer", celer_path, 1e-14),
    ("scikit-learn", _sklearn_reference, 1e-14),
)


def objectives(X, y, coefs, alphas):
    """``F_k(w_k) = mean((y - X w_k)^2) / 2 + alpha_k ||w_k||_1`` for every column ``k``."""
    residual = y[:, None] - X @ coefs
    return 0.5 * np.mean(residual**2, axis=0) + alphas * np.abs(coefs).sum(axis=0)


def dual_objectives(X, y, coefs, alphas):
    """``D_k(theta_k) = (||y||^2 - ||y - n alpha_k theta_k||^2) / 2n`` at the feasible dual point
    ``theta_k = r_k / max(n alpha_k, ||X'r_k||_inf)``, ``r_k = y - X w_k``: a lower bound on
    ``min_w F_k(w)`` (weak duality)."""
    n = X.shape[0]
    residual = y[:, None] - X @ coefs
    scale = np.maximum(n * alphas, np.max(np.abs(X.T @ residual), axis=0))
    theta = residual / scale
    return (y @ y - np.sum((y[:, None] - n * alphas * theta) ** 2, axis=0)) / (2 * n)


def problems(quick):
    out = []
    if (DATA_DIR / "leukemia_golub.npz").exists():
        golub = _load("leukemia_golub")
        X = np.asarray(golub["X"], dtype=np.float64)
        X = np.asfortranarray((X - X.mean(axis=0)) / X.std(axis=0))
        y = golub["y"].astype(np.float64)
        out.append(("leukemia 72x7129 standardised", X, y - y.mean()))
    rng = np.random.default_rng(0)
    shape = (200, 1000) if quick else (1000, 5000)
    X = _correlated_dense(*shape, 0.6, rng)
    out.append((f"dense {shape[0]}x{shape[1]} rho=0.6", X, _target(X, 50, rng)))
    return out


def _timed(function, *args):
    """``(wall s, cpu s, coefs)``; the number of ConvergenceWarnings the run raised is kept
    in ``_timed.warned`` (a hit max_iter shows in the tables, not only as suboptimality)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wall, cpu = time.perf_counter(), time.process_time()
        coefs = function(*args)
        elapsed = time.perf_counter() - wall, time.process_time() - cpu
    _timed.warned = sum(w.category.__name__ == "ConvergenceWarning" for w in caught)
    return *elapsed, np.asarray(coefs)


_timed.warned = 0


def _versions():
    """``name version`` of the libraries timed and of numpy / numba."""
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name in ("lpreg", "scikit-learn", "skglm", "celer", "numpy", "numba"):
        try:
            out.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            out.append(f"{name} not installed")
    return ", ".join(out)


def _warm_up(name, X, y, alphas, args):
    """Run ``name``'s path on a slice of ``(X, y)`` (first 60 rows, 300 columns), then on the
    first 5 points of the problem's own grid (whose strong sets of one column give lpreg's
    loops a C-contiguous ``X``, another compiled signature); returns the seconds spent."""
    X_small = np.asfortranarray(X[:60, :300])
    y_small = y[:60] - y[:60].mean()
    top = np.max(np.abs(X_small.T @ y_small)) / X_small.shape[0]
    small_alphas = np.geomspace(top, top * args.eps, args.n_alphas)
    tol = args.tols[0]
    elapsed = _timed(LIBRARIES[name], X_small, y_small, small_alphas, tol)[0]
    return elapsed + _timed(LIBRARIES[name], X, y, alphas[:5], tol)[0]


def _reference(X, y, alphas, args):
    """Reference objectives ``F*_k``: paths run apart from the timed ones, loosest first (lpreg
    at ``tol=1e-12``, celer at 1e-14, scikit-learn at 1e-14 with ``max_iter=10**6``), stopping
    once the certified relative gap ``(min_runs F_k - max_runs D_k) / min_runs F_k`` is at most
    ``args.reference_gap`` at every alpha; returns ``(F*, that gap, the runs, cpu seconds)``."""
    cpu = 0.0
    primal = np.full(len(alphas), np.inf)
    dual = np.full(len(alphas), -np.inf)
    used = []
    for name, function, tol in REFERENCE_RUNS:
        _, seconds, coefs = _timed(function, X, y, alphas, tol)
        cpu += seconds
        primal = np.minimum(primal, objectives(X, y, coefs, alphas))
        dual = np.maximum(dual, dual_objectives(X, y, coefs, alphas))
        gap = float(np.max((primal - dual) / primal))
        used.append(f"{name} {tol:.0e}")
        print(f"    reference {name} tol={tol:.0e}: certified rel gap {gap:.1e}", flush=True)
        if gap <= args.reference_gap:
            break
    return primal, gap, " + ".join(used), cpu


def _schedule(name, X, y, alphas, reference, args):
    """Run ``name`` at each ``tol`` of ``args.tols`` until the target is met or the CPU cap is
    spent; returns one dict per run."""
    runs, spent = [], 0.0
    for tol in args.tols:
        timings, warned = [], 0
        for _ in range(args.repeat):
            timings.append(_timed(LIBRARIES[name], X, y, alphas, tol))
            warned = max(warned, _timed.warned)
        wall, cpu, coefs = min(timings, key=lambda run: run[1])
        spent += sum(run[1] for run in timings)
        relative = (objectives(X, y, coefs, alphas) - reference) / reference
        runs.append(
            {
                "tol": tol,
                "time_s": wall,
                "cpu_s": cpu,
                "max_rel_subopt": float(np.max(relative)),
                "min_rel_subopt": float(np.min(relative)),
                "schedule_cpu_s": spent,
                "convergence_warnings": warned,
            }
        )
        print(
            f"    {name:13s} tol={tol:.0e} {cpu:8.2f} s cpu {wall:8.2f} s wall "
            f"subopt {runs[-1]['max_rel_subopt']:.1e} ({warned} ConvergenceWarnings)",
            flush=True,
        )
        if runs[-1]["max_rel_subopt"] <= args.target or spent > args.cap:
            break
    return runs


def _rows(label, schedules, compile_time, reference_info, args):
    rows = []
    for mode in ("equal_accuracy", "native_tol"):
        picked = {}
        for name, runs in schedules.items():
            if mode == "native_tol":
                picked[name] = (runs[0], "ok")
            elif runs[-1]["max_rel_subopt"] <= args.target:
                picked[name] = (runs[-1], "ok")
            elif len(runs) < len(args.tols):
                picked[name] = (runs[-1], "> cap")
            else:
                picked[name] = (runs[-1], "not reached")
        met = [run for run, status in picked.values() if status == "ok"]
        fastest_cpu = min((run["cpu_s"] for run in met), default=np.nan)
        fastest_wall = min((run["time_s"] for run in met), default=np.nan)
        for name, (run, status) in picked.items():
            rows.append(
                {
                    "mode": mode,
                    "problem": label,
                    "library": name,
                    "status": status,
                    "n_alphas": args.n_alphas,
                    "eps": args.eps,
                    "target": args.target if mode == "equal_accuracy" else "",
                    "tol": run["tol"],
                    "time_s": round(run["time_s"], 3),
                    "cpu_s": round(run["cpu_s"], 3),
                    "ratio_to_fastest": round(run["cpu_s"] / fastest_cpu, 2),
                    "wall_ratio": round(run["time_s"] / fastest_wall, 2),
                    "max_rel_subopt": run["max_rel_subopt"],
                    "min_rel_subopt": run["min_rel_subopt"],
                    "runs": sum(r["tol"] >= run["tol"] for r in schedules[name]),
                    "schedule_cpu_s": round(run["schedule_cpu_s"], 3),
                    "convergence_warnings": run["convergence_warnings"],
                    "compile_s": round(compile_time[name], 2),
                    "reference_rel_gap": reference_info[0],
                    "reference_cpu_s": round(reference_info[1], 3),
                    "reference_runs": reference_info[2],
                    "machine": platform.processor() or platform.machine(),
                }
            )
    return rows


def _cell(row, mode):
    if row["status"] != "ok":
        return f"{row['status']} ({row['schedule_cpu_s']} s cpu, best {row['max_rel_subopt']:.1e})"
    text = f"{row['cpu_s']} s ({row['ratio_to_fastest']:.2f}x)"
    if mode == "equal_accuracy":
        text += f", tol {row['tol']:.0e}"
    text += f", {row['max_rel_subopt']:.1e}"
    if row["convergence_warnings"]:
        text += f", {row['convergence_warnings']} ConvergenceWarnings"
    return f"**{text}**" if row["ratio_to_fastest"] == 1.0 else text


def _markdown(rows, header, args):
    libraries = list(dict.fromkeys(r["library"] for r in rows))
    titles = {
        "equal_accuracy": (
            f"## Equal accuracy: worst relative suboptimality <= {args.target:.0e} at every alpha",
            "Cell: CPU time of the first tol that meets the target (ratio to the fastest), that "
            "tol, the worst relative suboptimality it reached.",
        ),
        "native_tol": (
            f"## Native tol: every library at tol={args.tols[0]:.0e} in its own convention",
            "Cell: CPU time (ratio to the fastest), the worst relative suboptimality reached.",
        ),
    }
    lines = [header, ""]
    for mode, (title, legend) in titles.items():
        lines += [title, "", legend, ""]
        lines.append("| problem | " + " | ".join(libraries) + " |")
        lines.append("| --- |" + " ---: |" * len(libraries))
        for problem in dict.fromkeys(r["problem"] for r in rows):
            cells = []
            for lib in libraries:
                found = [
                    r
                    for r in rows
                    if r["mode"] == mode and r["problem"] == problem and r["library"] == lib
                ]
                cells.append(_cell(found[0], mode) if found else "not run")
            lines.append(f"| {problem} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["## Reference, wall-clock and compile time", ""]
    lines.append(
        "| problem | library | eq. acc. wall_s | native wall_s | schedule cpu_s | compile_s "
        "| reference rel gap | reference runs | reference cpu_s |"
    )
    lines.append("| --- | --- |" + " ---: |" * 5 + " --- | ---: |")
    equal = [r for r in rows if r["mode"] == "equal_accuracy"]
    for r in equal:
        native = next(
            s
            for s in rows
            if s["mode"] == "native_tol"
            and s["problem"] == r["problem"]
            and s["library"] == r["library"]
        )
        lines.append(
            f"| {r['problem']} | {r['library']} | {r['time_s']} | {native['time_s']} "
            f"| {r['schedule_cpu_s']} | {r['compile_s']} | {r['reference_rel_gap']:.1e} "
            f"| {r['reference_runs']} | {r['reference_cpu_s']} |"
        )
    return "\n".join(lines) + "\n"


def _write(rows, stem, args):
    with open(RESULTS / f"{stem}.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    header = (
        f"# 100-alpha Lasso path ({'--quick' if args.quick else 'full'} sizes)\n\n"
        f"{platform.platform()}, {os.cpu_count()} logical cores (shared), one thread per "
        f"library; eps={args.eps}, {args.n_alphas} alphas; best of {args.repeat}; CPU cap "
        f"{args.cap} s per library and problem.  {_versions()}.  Times are CPU seconds "
        "(`time.process_time`), ConvergenceWarnings counted per path (most of one run), "
        "ratios on CPU time, **bold** = fastest.  Relative suboptimality "
        "`max_k (F_k - F*_k) / F*_k` against a reference run apart from the timed runs "
        "(lpreg at tol=1e-12, then celer and scikit-learn at 1e-14 while needed), the lowest "
        "objective per alpha, certified by a duality gap computed in numpy: `reference rel gap` "
        "below bounds the error of every suboptimality shown."
    )
    (RESULTS / f"{stem}.md").write_text(_markdown(rows, header, args))
    print(f"wrote {RESULTS / stem}.csv and .md", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--n-alphas", type=int, default=100)
    parser.add_argument("--eps", type=float, default=1e-3)
    parser.add_argument(
        "--tols",
        type=float,
        nargs="+",
        default=[10.0**-k for k in range(6, 13)],
        help="tol schedule, loosest first; the first is the native-tol table's",
    )
    parser.add_argument("--target", type=float, default=1e-6, help="worst relative subopt")
    parser.add_argument("--cap", type=float, default=600.0, help="CPU s per library/problem")
    parser.add_argument(
        "--reference-gap", type=float, default=1e-9, help="certified rel gap of the reference"
    )
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
        reference, gap, used, reference_cpu = _reference(X, y, alphas, args)
        print(f"{label}: reference {used}, certified rel gap {gap:.1e}", flush=True)
        schedules = {}
        for name in args.libraries:
            schedules[name] = _schedule(name, X, y, alphas, reference, args)
            done = _rows(label, schedules, compile_time, (gap, reference_cpu, used), args)
            _write(rows + done, stem, args)
        rows += done


if __name__ == "__main__":
    main()
