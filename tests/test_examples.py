"""Every example script runs headless and writes a valid PNG; make_figures regenerates them all.

The scripts are run in this process (``runpy``) so that numba compiles each solver once for
the whole file; the ones that compile solvers of their own are marked slow.
"""

import runpy
import subprocess
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
FAST = ["plot_unit_balls.py", "plot_unit_balls_3d.py", "plot_thresholding.py"]
SLOW = [
    "plot_constrained.py",
    "plot_lasso_path.py",
    "plot_cv_curve.py",
    "plot_coefficients.py",
    "plot_stability.py",
    "plot_convergence.py",
]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def assert_valid_png(path):
    """A PNG file that decodes to a non-blank RGB(A) image of a plausible size."""
    assert path.read_bytes().startswith(PNG_SIGNATURE)
    image = matplotlib.image.imread(path)
    assert image.ndim == 3 and image.shape[2] in (3, 4)
    assert min(image.shape[:2]) >= 300
    rgb = image[..., :3]
    assert np.ptp(rgb) > 0.5  # ink on the canvas
    assert np.mean(rgb < 0.9) > 0.005  # and more than a stray line


def test_make_figures_lists_every_example():
    from_make_figures = runpy.run_path(str(EXAMPLES / "make_figures.py"))["FIGURES"]
    assert sorted(from_make_figures) == sorted(FAST + SLOW)
    names = list(from_make_figures.values())
    assert len(set(names)) == len(names)


@pytest.mark.parametrize(
    "script", FAST + [pytest.param(name, marks=pytest.mark.slow) for name in SLOW]
)
def test_example_writes_its_png(script, tmp_path, capsys):
    import matplotlib.pyplot as plt

    namespace = runpy.run_path(str(EXAMPLES / script))
    output = tmp_path / "sub" / "figure.png"
    assert namespace["main"](str(output)) == str(output)
    assert f"wrote {output}" in capsys.readouterr().out
    assert_valid_png(output)
    assert plt.get_fignums() == []  # the script closed its figures


def test_example_default_output_is_under_docs_images():
    for script, name in runpy.run_path(str(EXAMPLES / "make_figures.py"))["FIGURES"].items():
        default = runpy.run_path(str(EXAMPLES / script))["DEFAULT"]
        assert default == EXAMPLES.parent / "docs" / "images" / name


@pytest.mark.slow
def test_make_figures_regenerates_every_figure(tmp_path):
    subprocess.run(
        [sys.executable, str(EXAMPLES / "make_figures.py"), str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=900,
    )
    figures = runpy.run_path(str(EXAMPLES / "make_figures.py"))["FIGURES"]
    for name in figures.values():
        assert_valid_png(tmp_path / name)
