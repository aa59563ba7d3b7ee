"""lpreg: norm-regularized learning (L1, L2, Elastic Net, Lp, MCP, SCAD, group) with exact
proximal operators and certified solvers.

A model is a datafit plus a penalty handed to a solver::

    import lpreg
    penalty = lpreg.Lp(alpha=0.1, p=0.5)
    datafit = lpreg.Quadratic()

Importing lpreg compiles nothing and imports no matplotlib, torch or dask; numba kernels
compile on first use (and are cached on disk).
"""

from lpreg import penalties as _penalties
from lpreg.datafits import *  # noqa: F403
from lpreg.datafits import __all__ as _datafit_names
from lpreg.penalties import *  # noqa: F403

__version__ = "0.1.0.dev0"

__all__ = [*_penalties.__all__, *_datafit_names]
