"""Solvers: one module per algorithm, all returning a :class:`SolveResult`."""

from lpreg.solvers.base import Requirements, SolveResult, Solver

__all__ = ["Requirements", "SolveResult", "Solver"]
