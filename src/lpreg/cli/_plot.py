"""``lpreg plot``: the geometry figures of :mod:`lpreg.plotting` to a PNG, SVG or PDF file."""

from __future__ import annotations

import argparse
import math

from lpreg.cli._data import check_number, check_output, import_plotting

FIGURE_SUFFIXES = (".png", ".svg", ".pdf")
PLOT_KINDS = ("balls", "balls3d", "thresholding", "constrained")
DEFAULT_PS = {
    "balls": (0.5, 1.0, 2.0, 4.0, math.inf),
    "balls3d": (0.5, 1.0, 2.0, math.inf),
    "thresholding": (0.5,),
    "constrained": (1.0, 2.0),
}


def parse_p(text):
    """``float(text)``, ``inf`` accepted; the range is checked by the handler (one message)."""
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--p must be a number or inf, got {text!r}") from None


def constrained_problem(n_samples=100, correlation=0.6, seed=0):
    """Two correlated standard-normal features; ``y = 3 x_1 + x_2 + 0.5 noise`` (no intercept)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    covariance = np.array([[1.0, correlation], [correlation, 1.0]])
    X = rng.multivariate_normal(np.zeros(2), covariance, size=n_samples)
    y = X @ np.array([3.0, 1.0]) + 0.5 * rng.standard_normal(n_samples)
    return X, y


def draw(kind, ps, *, radius=1.5):
    """The matplotlib Figure of ``lpreg plot kind`` (drawn without pyplot)."""
    from lpreg.penalties import L1, L2, MCP, SCAD, Lp

    plotting, Figure = import_plotting("plot")
    if kind == "balls":
        figure = Figure(figsize=(6.2, 5.0))
        ax = plotting.plot_unit_balls(ps, ax=figure.add_subplot())
        ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=9)  # off the square
    elif kind == "balls3d":
        figure = Figure(figsize=(3.2 * len(ps), 3.4))
        plotting.plot_unit_balls_3d(ps, fig=figure)
    elif kind == "thresholding":
        figure = Figure(figsize=(6.0, 5.0))
        penalties = {"L1(1)": L1(1.0), "L2(1)": L2(1.0)}
        penalties.update({f"Lp(1, p={p:g})": Lp(1.0, p) for p in ps})
        penalties.update({"MCP(1, gamma=3)": MCP(1.0, 3.0), "SCAD(1, gamma=3.7)": SCAD(1.0, 3.7)})
        plotting.plot_thresholding(penalties, ax=figure.add_subplot())
    else:
        X, y = constrained_problem()
        figure = Figure(figsize=(4.6 * len(ps), 4.8))
        for k, p in enumerate(ps):
            ax = figure.add_subplot(1, len(ps), k + 1)
            plotting.plot_constrained_solution(X, y, p=p, radius=radius, ax=ax)
    figure.tight_layout()
    return figure


def run(args):
    ps = DEFAULT_PS[args.kind] if args.p is None else tuple(args.p)
    for p in ps:
        finite = args.kind == "thresholding"  # Lp(p=inf) is no penalty
        check_number(p, "--p", "plot", low=0.0, low_inclusive=False, finite=finite)
    check_number(args.radius, "--radius", "plot", low=0.0, low_inclusive=False)
    check_output(args.output, "--output", "plot", FIGURE_SUFFIXES)
    figure = draw(args.kind, ps, radius=args.radius)
    figure.savefig(args.output, dpi=args.dpi)
    print(f"lpreg plot: wrote {args.output} ({args.kind}, p = {', '.join(f'{p:g}' for p in ps)})")
    return 0
