"""Time the L1-ball projection of a 10^6-vector: lpreg (Condat, numba) vs a numpy sort baseline.

Run: ``python benchmarks/bench_projection.py [--n 1000000] [--repeat 7]``.  The JIT is warmed
up first (compile time reported apart); each timing is the median of ``--repeat`` runs on one
thread.  Prints a markdown table and writes ``benchmarks/results/projection.csv``.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import statistics
import time
from pathlib import Path

import numba
import numpy as np

from lpreg.balls import project_l1_ball


def project_l1_ball_numpy_sort(w, radius):
    """Baseline: Duchi et al. (2008), O(n log n): sort |w|, cumulative sums, threshold."""
    magnitudes = np.abs(w)
    if magnitudes.sum() <= radius:
        return w.copy()
    u = np.sort(magnitudes)[::-1]
    cumulative = np.cumsum(u)
    k = np.arange(1, u.size + 1)
    rho = np.nonzero(u * k > cumulative - radius)[0][-1]
    tau = (cumulative[rho] - radius) / (rho + 1)
    return np.sign(w) * np.maximum(magnitudes - tau, 0.0)


def _median_time(function, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--output", default=str(Path(__file__).parent / "results/projection.csv"))
    args = parser.parse_args()
    numba.set_num_threads(1)

    rng = np.random.default_rng(0)
    start = time.perf_counter()
    project_l1_ball(rng.normal(size=10), 1.0)  # compiles (or loads the cache)
    compile_seconds = time.perf_counter() - start

    rows = []
    for problem, radius_fraction in [("gaussian, t = 1% of ||w||_1", 0.01), ("t = 50%", 0.5)]:
        w = rng.normal(size=args.n)
        radius = radius_fraction * np.abs(w).sum()
        ours = project_l1_ball(w, radius)
        baseline = project_l1_ball_numpy_sort(w, radius)
        max_difference = float(np.max(np.abs(ours - baseline)))
        ours_seconds = _median_time(lambda w=w, r=radius: project_l1_ball(w, r), args.repeat)
        baseline_seconds = _median_time(
            lambda w=w, r=radius: project_l1_ball_numpy_sort(w, r), args.repeat
        )
        for name, seconds in [
            ("lpreg project_l1_ball (Condat, numba)", ours_seconds),
            ("numpy sort baseline (Duchi et al.)", baseline_seconds),
        ]:
            rows.append(
                {
                    "problem": problem,
                    "n": args.n,
                    "implementation": name,
                    "median_seconds": seconds,
                    "ratio_to_fastest": seconds / min(ours_seconds, baseline_seconds),
                    "max_abs_difference": max_difference,
                    "compile_seconds": compile_seconds,
                    "numpy": np.__version__,
                    "numba": numba.__version__,
                    "machine": f"{platform.machine()} {platform.processor() or ''} "
                    f"{os.cpu_count()} cpus".strip(),
                }
            )

    print(f"L1-ball projection, n = {args.n}, median of {args.repeat} runs, one thread")
    print(f"JIT warm-up (compile or cache load): {compile_seconds:.3f} s\n")
    print("| problem | implementation | median time (ms) | ratio to fastest | max abs diff |")
    print("|---|---|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['problem']} | {row['implementation']} | {1e3 * row['median_seconds']:.2f}"
            f" | {row['ratio_to_fastest']:.2f} | {row['max_abs_difference']:.1e} |"
        )
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"\nwrote {output}")


if __name__ == "__main__":
    main()
