"""lpreg: ``lpreg.solvers.solve`` with ``solver="auto"`` (coordinate descent for Lasso / Elastic
Net, prox-Newton for the logistic datafit); ``tol`` bounds the relative duality gap."""

import warnings

import lpreg
from lpreg.solvers import solve

NAME = "lpreg"
SCHEDULE = [(1e-4, 10_000), (1e-6, 10_000), (1e-8, 100_000), (1e-10, 100_000), (1e-12, 1_000_000)]


def version():
    return lpreg.__version__ if hasattr(lpreg, "__version__") else "dev"


def supports(problem):
    return True


def _terms(problem):
    if problem.datafit == "logistic":
        return lpreg.Logistic(), lpreg.L1(problem.alpha)
    if problem.l1_ratio == 1.0:
        return lpreg.Quadratic(), lpreg.L1(problem.alpha)
    return lpreg.Quadratic(), lpreg.penalties.ElasticNet(problem.alpha, problem.l1_ratio)


def fit(problem, tol, max_iter):
    datafit, penalty = _terms(problem)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = solve(
            problem.X, problem.y, datafit, penalty, fit_intercept=False, tol=tol, max_iter=max_iter
        )
    return result.solver, result.coef


def warm_up(problem):
    return fit(problem, 1e-6, 100)
