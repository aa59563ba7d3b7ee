"""Solvers: one module per algorithm, all returning a :class:`SolveResult`.

``lpreg.solve(X, y, datafit, penalty, solver="auto")`` is the one entry point; each module
registers its solver class with :func:`~lpreg.solvers.base.register_solver`.
"""

import importlib

import numpy as np

from lpreg.solvers.base import (
    Problem,
    Requirements,
    Solver,
    SolveResult,
    register_solver,
    solver_classes,
)

_MODULES = (
    "coordinate_descent",
    "prox_newton",
    "proximal_gradient",
    "subgradient",
    "ridge",
    "reweighted",
    "projected",
)

__all__ = [
    "Problem",
    "Requirements",
    "SolveResult",
    "Solver",
    "choose_solver",
    "register_solver",
    "solve",
    "solver_classes",
]

for _module_name in _MODULES:
    _module = importlib.import_module(f"lpreg.solvers.{_module_name}")
    for _name in _module.__all__:
        globals()[_name] = getattr(_module, _name)
        __all__.append(_name)
del _module_name, _module


def choose_solver(X, datafit, penalty):
    """The solver ``solver="auto"`` picks, by datafit, penalty and shape.

    * squared L2 with the quadratic datafit (no bounds): the closed-form ``ridge`` solver;
    * the logistic datafit with a separable convex penalty: ``prox_newton`` (working sets +
      inner coordinate descent on the quadratic model; robust when the data are nearly
      separable and the curvature varies a lot);
    * any other separable or group penalty: ``coordinate_descent``;
    * anything else with a prox: ``proximal_gradient``.

    A choice whose solver is not registered falls through to the next rule.
    """
    import numpy as np

    available = solver_classes()
    n_samples, n_features = X.shape
    candidates = []
    lower, upper = (None, None)
    if penalty.is_separable:
        lower, upper = penalty.coordinate_bounds(n_features)
    unbounded = lower is not None and np.all(np.isinf(lower)) and np.all(np.isinf(upper))
    if type(datafit).__name__ == "Quadratic" and type(penalty).__name__ == "L2" and unbounded:
        candidates.append("ridge")
    if type(datafit).__name__ == "Logistic" and penalty.is_separable and penalty.is_convex:
        candidates.append("prox_newton")
    candidates += ["coordinate_descent", "proximal_gradient"]
    for name in candidates:
        if name not in available:
            continue
        try:
            available[name]().check(datafit, penalty)
        except ValueError:
            continue
        return name
    raise ValueError(
        f"No registered solver handles {type(datafit).__name__} + {type(penalty).__name__}; "
        f"registered: {sorted(available)}."
    )


def solve(X, y, datafit, penalty, solver="auto", **kwargs):
    r"""Solve :math:`\min_{w, b} F(w, b) + G(w)` and return a certified :class:`SolveResult`.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Design; dense input is used Fortran-ordered, sparse input as CSC (never densified).
        float32 stays float32.
    y : array-like of shape (n_samples,)
        Target, encoded by ``datafit.prepare_target`` (two classes for ``Logistic``).
    datafit : Datafit
        The smooth part ``F`` (``Quadratic()``, ``Logistic()``, ``Huber()`` ...).
    penalty : Penalty
        The penalty ``G`` (``L1(alpha)``, ``Lp(alpha, p)`` ...).
    solver : str or Solver, default="auto"
        A registered solver name (see :func:`solver_classes`), a Solver instance, or
        ``"auto"`` (see :func:`choose_solver`); the choice is in ``result.solver``.
    **kwargs
        ``w0``, ``intercept0``, ``sample_weight``, ``fit_intercept``, ``tol`` (relative
        certificate, default 1e-6), ``max_iter``, ``history``, ``verbose``,
        ``check_input`` (default True; False skips the scan of ``X`` for NaN and inf, for
        callers that validated ``X`` already) and solver-specific options.

    Returns
    -------
    SolveResult
    """
    if isinstance(solver, Solver):
        instance = solver
    else:
        if solver == "auto":
            # the solver validates X itself; the choice needs only the shape and the format
            X_checked = X if hasattr(X, "shape") and len(X.shape) == 2 else np.atleast_2d(X)
            solver = choose_solver(X_checked, datafit, penalty)
        available = solver_classes()
        if solver not in available:
            raise ValueError(
                f"solve: solver must be 'auto' or one of {sorted(available)}, got {solver!r}."
            )
        instance = available[solver]()
    return instance.solve(X, y, datafit, penalty, **kwargs)
