"""Unit spheres ||w||_p = 1 in the plane: the p < 1 star, the L1 diamond, the circle, the square.

Run ``python examples/plot_unit_balls.py [output.png]`` (default ``docs/images/unit_balls.png``;
needs ``pip install "lpreg[plot]"``).
"""

import math
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from lpreg.plotting import plot_unit_balls

DEFAULT = Path(__file__).resolve().parents[1] / "docs" / "images" / "unit_balls.png"


def main(output=DEFAULT):
    figure, ax = plt.subplots(figsize=(6.2, 5.0))
    plot_unit_balls((0.5, 1, 2, 4, math.inf), ax=ax)
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=9)  # off the square
    figure.tight_layout()
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(output, dpi=100)
    plt.close(figure)
    print(f"wrote {output}")
    return output


if __name__ == "__main__":
    main(*sys.argv[1:2])
