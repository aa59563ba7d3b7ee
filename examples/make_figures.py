"""Regenerate every figure the README shows: ``python examples/make_figures.py [folder]``.

Runs each example script below in its own Python process (headless, matplotlib's Agg
backend), writing ``<folder>/<name>.png`` (default folder: ``docs/images``), and stops with a
non-zero exit code if one fails.  Needs ``pip install "lpreg[plot]"``; about 70 s of CPU time
in all, most of it numba compiling the solvers once per script.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent
# script -> the PNG it writes (the README links docs/images/<name>.png)
FIGURES = {
    "plot_unit_balls.py": "unit_balls.png",
    "plot_unit_balls_3d.py": "unit_balls_3d.png",
    "plot_constrained.py": "constrained.png",
    "plot_thresholding.py": "thresholding.png",
    "plot_lasso_path.py": "lasso_path.png",
    "plot_cv_curve.py": "cv_curve.png",
    "plot_coefficients.py": "coefficients.png",
    "plot_stability.py": "stability.png",
    "plot_convergence.py": "convergence.png",
}


def main(folder=EXAMPLES.parent / "docs" / "images"):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    environment = {**os.environ, "MPLBACKEND": "Agg"}
    for script, name in FIGURES.items():
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, str(EXAMPLES / script), str(folder / name)],
            check=True,
            env=environment,
            stdout=subprocess.DEVNULL,
        )
        print(f"{folder / name}  ({script}, {time.perf_counter() - start:.1f} s)")
    return [folder / name for name in FIGURES.values()]


if __name__ == "__main__":
    try:
        main(*sys.argv[1:2])
    except subprocess.CalledProcessError as error:
        sys.exit(f"make_figures: {error.cmd[1]} failed with exit code {error.returncode}")
