"""What every solver shares: the result object, declared requirements, warnings.

A solver states what it needs from the datafit and the penalty as data (``requires``); one
check runs before anything is compiled and says what is missing and which solver would work.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning

__all__ = ["Requirements", "SolveResult", "Solver", "warn_not_converged"]


@dataclass
class SolveResult:
    """What a solver returns.

    Attributes
    ----------
    coef : ndarray of shape (n_features,)
        The coefficients ``w`` (dtype of ``X``).
    intercept : float
        The intercept ``b`` (0.0 when not fitted).
    n_iter : int
        Outer iterations (epochs) used.
    certificate : str
        ``"duality_gap"`` (convex problems) or ``"kkt_violation"`` (non-convex).
    gap : float or None
        Duality gap at ``coef``, relative to the objective at ``w = 0``, when
        ``certificate == "duality_gap"``.
    kkt_violation : float
        Largest subdifferential distance at ``coef`` (absolute), always reported.
    converged : bool
        Whether the certificate reached ``tol``.
    objective : float
        Primal objective at the solution.
    solver : str
        Name of the solver that produced the result.
    history : dict of lists or None
        ``objective``, ``certificate`` and ``time`` per iteration when requested.
    """

    coef: np.ndarray
    intercept: float
    n_iter: int
    certificate: str
    gap: float | None
    kkt_violation: float
    converged: bool
    objective: float
    solver: str
    history: dict | None = None


@dataclass(frozen=True)
class Requirements:
    """Attributes a solver needs on the datafit and on the penalty."""

    datafit: tuple = ()
    penalty: tuple = ()
    convex: bool = False
    separable: bool = False


class Solver:
    """Base class: subclasses set ``name`` and ``requires`` and implement ``_solve``."""

    name = "solver"
    requires = Requirements()
    alternatives = ""

    def check(self, datafit, penalty):
        """Raise ``ValueError`` before any work if the pair is not supported."""
        missing = []
        for attribute in self.requires.datafit:
            if getattr(datafit, attribute, None) is None:
                missing.append(f"datafit.{attribute}")
        for attribute in self.requires.penalty:
            if getattr(penalty, attribute, None) is None:
                missing.append(f"penalty.{attribute}")
        problems = []
        if missing:
            problems.append("it needs " + ", ".join(missing))
        if self.requires.separable and not penalty.is_separable:
            problems.append("it needs a separable penalty")
        if self.requires.convex and not penalty.is_convex:
            problems.append("it needs a convex penalty")
        if problems:
            hint = f" {self.alternatives}" if self.alternatives else ""
            raise ValueError(
                f"{type(self).__name__} cannot solve {type(datafit).__name__} + "
                f"{type(penalty).__name__}: {'; '.join(problems)}.{hint}"
            )


def warn_not_converged(result, tol, max_iter, hint="", stacklevel=3):
    """Emit the ConvergenceWarning every solver uses: solver, certificate reached, tol, remedy."""
    if result.certificate == "duality_gap":
        reached = (
            f"duality gap {result.gap:.1e} > tol {tol:.1e} (relative to the objective at w=0)"
        )
    else:
        reached = f"KKT violation {result.kkt_violation:.1e} > tol {tol:.1e}"
    remedy = hint or "Increase max_iter or standardise X."
    warnings.warn(
        f"{result.solver} stopped at max_iter={max_iter} with {reached}. {remedy}",
        ConvergenceWarning,
        stacklevel=stacklevel,
    )
