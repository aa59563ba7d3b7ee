"""Time lpreg against scikit-learn, skglm and celer to a relative objective suboptimality.

Run ``python benchmarks/run_solvers.py --quick`` (reduced sizes, a few minutes) or without
``--quick`` (full sizes; see ``benchmarks/README.md``).  Writes ``results/solvers[_quick].csv`` and
``results/solvers[_quick].md`` after every problem, so an interrupted run keeps what it timed.

Protocol, per problem:

1. the reference optimum ``F*`` is lpreg's objective at ``tol=1e-12`` (a relative duality gap,
   so it certifies ``F*``), lowered afterwards by any smaller objective any library reaches;
2. each library runs its ``SCHEDULE`` of ``(tol, max_iter)`` pairs, loosest first, until the
   objective (computed in numpy by ``problems.py``, not by the library) satisfies
   ``(F - F*) / |F*| <= --target``; the time of that run is reported (median of ``--repeat``
   runs for small problems, one run for big ones);
3. a library whose schedule has spent more than ``--cap`` seconds on a problem stops and is
   reported as ``> cap`` (the cap is checked between runs: one run is never interrupted);
4. every library is warmed up first on a small slice of the same kind of problem (dense/sparse,
   datafit, penalty), which compiles the JIT code; that time is reported apart as compile time.

All libraries run on one thread (the BLAS / OpenMP / numba variables are set before numpy is
imported, and checked with threadpoolctl).  Times are the process CPU time of each fit
(``time.process_time``: on one thread, the wall time the fit would take on an idle core, and
robust to other processes sharing the machine); ``--clock wall`` times wall-clock instead.
"""

from __future__ import annotations

import os

for _variable in (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMBA_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
):
    os.environ[_variable] = "1"

import argparse  # noqa: E402
import csv  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from threadpoolctl import threadpool_info  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peers import ADAPTERS  # noqa: E402
from problems import Problem, alpha_max, make_problems  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
FIELDS = [
    "problem",
    "library",
    "version",
    "solver",
    "status",
    "time_s",
    "ratio_to_fastest",
    "rel_subopt",
    "tol",
    "max_iter",
    "schedule_s",
    "compile_s",
    "reference_objective",
]


def check_threads():
    """Every native thread pool must run one thread; returns a one-line summary."""
    pools = threadpool_info()
    offenders = [p for p in pools if p.get("num_threads", 1) != 1]
    if offenders:
        raise RuntimeError(f"thread pools not at 1 thread: {offenders}")
    return ", ".join(f"{p['internal_api']}={p['num_threads']}" for p in pools) or "none"


def _kind(problem):
    n, p = problem.X.shape
    layout = "sparse" if sp.issparse(problem.X) else ("dense tall" if n > 2 * p else "dense")
    return (problem.datafit, problem.l1_ratio == 1.0, layout)


def _warm_up_problem(problem):
    n, p = problem.X.shape
    # keep the shape class (n > 2p selects lpreg's Gram mode on dense X) so it compiles too
    n_small = min(n, 3 * min(p, 120)) if n > 2 * p else min(n, 60)
    X = problem.X[:n_small, : min(p, 120)]
    X = X.tocsc() if sp.issparse(X) else np.asfortranarray(X)
    y = problem.y[: X.shape[0]]
    if problem.datafit == "logistic" and np.unique(y).size < 2:
        y = np.where(np.arange(y.size) % 2 == 0, 1.0, -1.0)
    alpha = alpha_max(X, y, problem.datafit, problem.l1_ratio) / 10
    return Problem("warm-up", X, y, problem.datafit, alpha, problem.l1_ratio, "small")


# the clock of every timing: CPU time of this (single-threaded) process, or wall time
CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}
_clock = CLOCKS["cpu"]


def _timed_fit(adapter, problem, tol, max_iter):
    start = _clock()
    label, coef = adapter.fit(problem, tol, max_iter)
    elapsed = _clock() - start
    return elapsed, label, problem.objective(coef)


def _subopt(objective, reference):
    return (objective - reference) / max(abs(reference), 1e-300)


def run_problem(problem, adapters, args, compile_times):
    """Time every library on ``problem``; returns the CSV rows."""
    # zeros floor: the cost of evaluating the objective once, at w = 0
    floor = statistics.median(_time_zeros(problem) for _ in range(max(args.repeat, 3)))
    # reference optimum: lpreg at tol=1e-12 (else the first library at its tightest tol)
    names = [a.NAME for a in adapters]
    ref_adapter = adapters[names.index("lpreg")] if "lpreg" in names else adapters[0]
    ref_tol, ref_max_iter = (1e-12, 1_000_000) if "lpreg" in names else ref_adapter.SCHEDULE[-1]
    elapsed, _, reference = _timed_fit(ref_adapter, problem, ref_tol, ref_max_iter)
    print(f"    reference {ref_adapter.NAME}: F* = {reference:.15g} ({elapsed:.2f} s)", flush=True)
    runs = {}
    for adapter in adapters:
        if not adapter.supports(problem):
            continue
        history = []
        spent = 0.0
        for tol, max_iter in adapter.SCHEDULE:
            if spent > args.cap:
                break
            elapsed, label, objective = _timed_fit(adapter, problem, tol, max_iter)
            spent += elapsed
            reference = min(reference, objective)
            history.append([tol, max_iter, elapsed, label, objective])
            if _subopt(objective, reference) <= args.target:
                # one run of a big problem is noisy when it is short: runs under a second
                # are repeated as on small problems (median)
                if args.repeat > 1 and (problem.size == "small" or elapsed < 1.0):
                    times = [elapsed] + [
                        _timed_fit(adapter, problem, tol, max_iter)[0]
                        for _ in range(args.repeat - 1)
                    ]
                    history[-1][2] = statistics.median(times)
                break
        runs[adapter.NAME] = (adapter, history, spent)
    # decide against the final reference
    rows = []
    for name, (adapter, history, spent) in runs.items():
        reached = [h for h in history if _subopt(h[4], reference) <= args.target]
        best = min(reached, key=lambda h: h[2]) if reached else history[-1]
        status = "ok" if reached else ("> cap" if spent > args.cap else "not reached")
        rows.append(
            {
                "problem": problem.name,
                "library": name,
                "version": adapter.version(),
                "solver": best[3],
                "status": status,
                "time_s": best[2] if reached else spent,
                "rel_subopt": _subopt(best[4], reference),
                "tol": best[0],
                "max_iter": best[1],
                "schedule_s": spent,
                "compile_s": compile_times.get((name, _kind(problem)), ""),
                "reference_objective": reference,
            }
        )
        print(
            f"    {name:13s} {status:11s} {rows[-1]['time_s']:9.4f} s  tol={best[0]:g} "
            f"subopt={rows[-1]['rel_subopt']:.2e} ({best[3]})",
            flush=True,
        )
    fastest = min((r["time_s"] for r in rows if r["status"] == "ok"), default=math.nan)
    for r in rows:
        r["ratio_to_fastest"] = r["time_s"] / fastest if r["status"] == "ok" else math.nan
    rows.append(
        {
            "problem": problem.name,
            "library": "zeros",
            "version": np.__version__,
            "solver": "objective at w=0",
            "status": "floor",
            "time_s": floor,
            "ratio_to_fastest": floor / fastest,
            "rel_subopt": _subopt(problem.objective(np.zeros(problem.X.shape[1])), reference),
            "tol": "",
            "max_iter": "",
            "schedule_s": floor,
            "compile_s": "",
            "reference_objective": reference,
        }
    )
    return rows


def _time_zeros(problem):
    """Seconds to evaluate the objective once at w = 0: the floor any solver pays."""
    start = _clock()
    problem.objective(np.zeros(problem.X.shape[1]))
    return _clock() - start


def write_results(rows, compile_rows, header, csv_path, md_path, libraries, args):
    with open(csv_path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in row.items()}
            )
    problems = list(dict.fromkeys(r["problem"] for r in rows))
    lines = [
        f"# Solver benchmark{' (--quick sizes)' if args.quick else ''}",
        "",
        *header,
        "",
        f"Cells: time to reach a relative objective suboptimality <= {args.target:g} "
        f"(compile excluded), and in brackets the ratio to the fastest library of the row "
        f"(**bold** = fastest). `> cap`: the tol schedule spent more than {args.cap:g} s without "
        "reaching it. `zeros` is the floor: one evaluation of the objective at w = 0.",
        "",
        "| problem | " + " | ".join(libraries) + " | zeros |",
        "| --- | " + " | ".join("---:" for _ in libraries) + " | ---: |",
    ]
    for problem in problems:
        cells = []
        for library in [*libraries, "zeros"]:
            match = [r for r in rows if r["problem"] == problem and r["library"] == library]
            if not match:
                cells.append("")
                continue
            r = match[0]
            if r["status"] in ("ok", "floor"):
                text = f"{r['time_s']:.3g} s ({r['ratio_to_fastest']:.2f}x)"
                if r["status"] == "ok" and abs(r["ratio_to_fastest"] - 1) < 1e-12:
                    text = f"**{text}**"
            else:
                text = f"{r['status']} ({r['time_s']:.3g} s)"
            cells.append(text)
        lines.append(f"| {problem} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Compile / warm-up time (first fit on a small slice of each kind of problem, seconds):",
        "",
        "| library | kind | compile_s |",
        "| --- | --- | ---: |",
    ]
    for library, kind, seconds in compile_rows:
        datafit, lasso, sparse = kind
        label = f"{datafit}, {'L1' if lasso else 'ElasticNet'}, {sparse}"
        lines.append(f"| {library} | {label} | {seconds:.2f} |")
    lines.append("")
    md_path.write_text("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="reduced synthetic sizes")
    parser.add_argument("--cap", type=float, default=120.0, help="seconds per library and problem")
    parser.add_argument("--repeat", type=int, default=3, help="repeats for small problems")
    parser.add_argument("--target", type=float, default=1e-6, help="relative suboptimality")
    parser.add_argument("--only", default="", help="run problems whose name contains this")
    parser.add_argument("--libraries", default="", help="comma-separated subset of libraries")
    parser.add_argument(
        "--clock", choices=sorted(CLOCKS), default="cpu", help="process CPU time or wall time"
    )
    parser.add_argument("--output", default="", help="suffix of the results files")
    args = parser.parse_args()
    global _clock
    _clock = CLOCKS[args.clock]

    import numba

    numba.set_num_threads(1)
    adapters = [a for a in ADAPTERS if not args.libraries or a.NAME in args.libraries.split(",")]
    libraries = [a.NAME for a in adapters]
    RESULTS.mkdir(exist_ok=True)
    suffix = ("_quick" if args.quick else "") + args.output
    csv_path, md_path = RESULTS / f"solvers{suffix}.csv", RESULTS / f"solvers{suffix}.md"

    print("building problems ...", flush=True)
    problems = [p for p in make_problems(args.quick) if args.only in p.name]
    threads = check_threads()
    header = [
        f"Machine: {platform.machine()}, {platform.processor() or platform.platform()}, "
        f"{os.cpu_count()} logical cores; Python {platform.python_version()}, "
        f"numpy {np.__version__}, numba {numba.__version__}.",
        "Versions: " + ", ".join(f"{a.NAME} {a.version()}" for a in adapters) + ".",
        f"Threads (threadpoolctl): {threads}; numba threads {numba.get_num_threads()}.",
        f"Date: {time.strftime('%Y-%m-%d %H:%M')}. Small problems, and runs under 1 s: median "
        f"of {args.repeat} runs; longer runs of big problems: one run. Clock: {args.clock} time.",
    ]
    print("\n".join(header), flush=True)

    compile_times = {}
    compile_rows = []
    for problem in problems:
        kind = _kind(problem)
        for adapter in adapters:
            if (adapter.NAME, kind) in compile_times:
                continue
            small = _warm_up_problem(problem)
            start = _clock()
            adapter.warm_up(small)
            compile_times[adapter.NAME, kind] = _clock() - start
            compile_rows.append((adapter.NAME, kind, compile_times[adapter.NAME, kind]))
            print(f"  warm-up {adapter.NAME} {kind}: {compile_times[adapter.NAME, kind]:.2f} s")

    rows = []
    for problem in problems:
        print(f"{problem.name}  (alpha={problem.alpha:.4g})", flush=True)
        rows += run_problem(problem, adapters, args, compile_times)
        write_results(rows, compile_rows, header, csv_path, md_path, libraries, args)
    print(md_path.read_text())


if __name__ == "__main__":
    main()
