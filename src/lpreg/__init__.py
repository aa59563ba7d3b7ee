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

# Heavier layers load on first use, so `import lpreg` stays light (no scikit-learn).
_ESTIMATORS = (
    "ElasticNet",
    "GeneralizedLinearEstimator",
    "GroupLassoRegression",
    "HuberRegression",
    "Lasso",
    "LogisticRegression",
    "LpRegression",
    "MCPRegression",
    "NormBallClassifier",
    "NormBallRegression",
    "Ridge",
    "SCADRegression",
    "ElasticNetCV",
    "LassoCV",
    "LassoIC",
    "LogisticRegressionCV",
    "LpRegressionCV",
)
_LAZY = {
    "solve": ("lpreg.solvers", "solve"),
    "SolveResult": ("lpreg.solvers", "SolveResult"),
    **{name: ("lpreg.estimators", name) for name in _ESTIMATORS},
}

# Every penalty and datafit family exports its public classes through its package.  Where a
# penalty and an estimator share scikit-learn's name (ElasticNet), the top level holds the
# estimator, so that `from lpreg import ElasticNet` swaps for scikit-learn's; the penalty is
# lpreg.penalties.ElasticNet.
_EAGER = [name for name in (*_penalties.__all__, *_datafits.__all__) if name not in _LAZY]
for _package in (_penalties, _datafits):
    globals().update({n: getattr(_package, n) for n in _package.__all__ if n not in _LAZY})
del _package

__all__ = [*_EAGER, *_LAZY]


def __getattr__(name):
    if name in _LAZY:
        module_name, attribute = _LAZY[name]
        return getattr(_importlib.import_module(module_name), attribute)
    raise AttributeError(f"module 'lpreg' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_LAZY])
