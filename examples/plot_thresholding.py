"""The proximal operators: soft (L1), shrinkage (L2), the jump of Lp(1/2), firm (MCP, SCAD).

Run ``python examples/plot_thresholding.py [output.png]`` (default
``docs/images/thresholding.png``; needs ``pip install "lpreg[plot]"``).
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from lpreg.penalties import L1, L2, MCP, SCAD, Lp
from lpreg.plotting import plot_thresholding

DEFAULT = Path(__file__).resolve().parents[1] / "docs" / "images" / "thresholding.png"


def main(output=DEFAULT):
    figure, ax = plt.subplots(figsize=(6.0, 5.0))
    plot_thresholding(
        {
            "L1(1): soft": L1(1.0),
            "L2(1): shrink by 2": L2(1.0),
            "Lp(1, p=0.5): jump": Lp(1.0, 0.5),
            "MCP(1, gamma=3): firm": MCP(1.0, 3.0),
            "SCAD(1, gamma=3.7)": SCAD(1.0, 3.7),
        },
        ax=ax,
    )
    figure.tight_layout()
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(output, dpi=100)
    plt.close(figure)
    print(f"wrote {output}")
    return output


if __name__ == "__main__":
    main(*sys.argv[1:2])
