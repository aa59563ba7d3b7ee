"""Figures of the geometry, the proximal operators, paths, cross-validation and convergence.

Every function draws on a given ``ax=`` (``fig=`` for the 3-D surfaces) or on a new figure,
and returns what it drew on.  Needs matplotlib (``pip install 'lpreg[plot]'``); ``import
lpreg`` itself never imports it.
"""

from __future__ import annotations

try:
    import matplotlib  # noqa: F401
except ImportError as error:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError("lpreg.plotting needs matplotlib: pip install 'lpreg[plot]'") from error

from lpreg.plotting.diagnostics import plot_coefficients, plot_convergence, plot_thresholding
from lpreg.plotting.geometry import (
    boundary_local_minima,
    plot_constrained_solution,
    plot_unit_balls,
    plot_unit_balls_3d,
    unit_ball_boundary,
)
from lpreg.plotting.paths import plot_cv, plot_path, plot_stability

__all__ = [
    "boundary_local_minima",
    "plot_coefficients",
    "plot_constrained_solution",
    "plot_convergence",
    "plot_cv",
    "plot_path",
    "plot_stability",
    "plot_thresholding",
    "plot_unit_balls",
    "plot_unit_balls_3d",
    "unit_ball_boundary",
]
