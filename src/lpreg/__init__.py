"""lpreg: norm-regularized learning (L1, L2, Elastic Net, Lp, MCP, SCAD, group) with exact
proximal operators and certified solvers.

A model is a datafit plus a penalty handed to a solver::

    import lpreg
    result = lpreg.solve(X, y, lpreg.Quadratic(), lpreg.Lp(alpha=0.1, p=0.5))

Importing lpreg compiles nothing and imports no scikit-learn, matplotlib, torch or dask; numba
kernels compile on first use (and are cached on disk).
"""

import importlib as _importlib

from lpreg import datafits as _datafits
from lpreg import penalties as _penalties

__version__ = "0.1.0.dev0"

# Every penalty and datafit family exports its public classes through its package.
for _package in (_penalties, _datafits):
    globals().update({_name: getattr(_package, _name) for _name in _package.__all__})
del _package

# Heavier layers load on first use, so `import lpreg` stays light.
_LAZY = {
    "solve": ("lpreg.solvers", "solve"),
    "SolveResult": ("lpreg.solvers", "SolveResult"),
}

__all__ = [*_penalties.__all__, *_datafits.__all__, *_LAZY]


def __getattr__(name):
    if name in _LAZY:
        module_name, attribute = _LAZY[name]
        return getattr(_importlib.import_module(module_name), attribute)
    raise AttributeError(f"module 'lpreg' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_LAZY])
