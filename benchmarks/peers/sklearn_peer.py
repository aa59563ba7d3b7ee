"""scikit-learn: ``Lasso`` / ``ElasticNet`` (cyclic coordinate descent; ``tol`` on the duality
gap relative to ``||y||^2 / n``) and ``LogisticRegression(l1_ratio=1, solver="liblinear",
C=1 / (n alpha))`` (liblinear's ``tol`` is on its own stopping criterion)."""

import warnings

import sklearn
from sklearn.linear_model import ElasticNet, Lasso, LogisticRegression

NAME = "scikit-learn"
SCHEDULE = [(1e-4, 1000), (1e-6, 10_000), (1e-8, 100_000), (1e-10, 100_000), (1e-12, 1_000_000)]


def version():
    return sklearn.__version__


def supports(problem):
    return True


def fit(problem, tol, max_iter):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if problem.datafit == "logistic":
            n = problem.X.shape[0]
            model = LogisticRegression(
                C=1.0 / (n * problem.alpha),
                l1_ratio=1.0,
                solver="liblinear",
                fit_intercept=False,
                tol=tol,
                max_iter=max_iter,
            )
            model.fit(problem.X, problem.y)
            return "LogisticRegression(liblinear)", model.coef_.ravel()
        if problem.l1_ratio == 1.0:
            model = Lasso(problem.alpha, fit_intercept=False, tol=tol, max_iter=max_iter)
            label = "Lasso(cd)"
        else:
            model = ElasticNet(
                problem.alpha,
                l1_ratio=problem.l1_ratio,
                fit_intercept=False,
                tol=tol,
                max_iter=max_iter,
            )
            label = "ElasticNet(cd)"
        model.fit(problem.X, problem.y)
        return label, model.coef_.ravel()


def warm_up(problem):
    return fit(problem, 1e-4, 100)
