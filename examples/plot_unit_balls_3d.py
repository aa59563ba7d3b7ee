"""Unit spheres ||w||_p = 1 in 3-D: corners and edges on the axes for p <= 1, none for p = 2.

Run ``python examples/plot_unit_balls_3d.py [output.png]`` (default
``docs/images/unit_balls_3d.png``; needs ``pip install "lpreg[plot]"``).
"""

import math
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from lpreg.plotting import plot_unit_balls_3d

DEFAULT = Path(__file__).resolve().parents[1] / "docs" / "images" / "unit_balls_3d.png"


def main(output=DEFAULT):
    figure = plot_unit_balls_3d((0.5, 1, 2, math.inf))
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(output, dpi=90)
    plt.close(figure)
    print(f"wrote {output}")
    return output


if __name__ == "__main__":
    main(*sys.argv[1:2])
