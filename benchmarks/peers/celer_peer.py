"""celer: ``Lasso`` / ``ElasticNet`` (dual extrapolation + working sets; ``tol`` on the duality
gap) and ``LogisticRegression(C=1 / (n alpha))`` (celer-pn, prox-Newton), same scaling."""

import warnings

import celer
from celer import ElasticNet, Lasso, LogisticRegression

NAME = "celer"
SCHEDULE = [(1e-4, 100), (1e-6, 100), (1e-8, 200), (1e-10, 500), (1e-12, 1000)]


def version():
    return celer.__version__


def supports(problem):
    return True


def fit(problem, tol, max_iter):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if problem.datafit == "logistic":
            n = problem.X.shape[0]
            model = LogisticRegression(
                C=1.0 / (n * problem.alpha), fit_intercept=False, tol=tol, max_iter=max_iter
            )
            label = "LogisticRegression(celer-pn)"
        elif problem.l1_ratio == 1.0:
            model = Lasso(problem.alpha, fit_intercept=False, tol=tol, max_iter=max_iter)
            label = "Lasso"
        else:
            model = ElasticNet(
                problem.alpha,
                l1_ratio=problem.l1_ratio,
                fit_intercept=False,
                tol=tol,
                max_iter=max_iter,
            )
            label = "ElasticNet"
        model.fit(problem.X, problem.y)
        return label, model.coef_.ravel()


def warm_up(problem):
    return fit(problem, 1e-4, 5)
