"""skglm: ``Lasso`` / ``ElasticNet`` (working sets + Anderson-accelerated coordinate descent;
``tol`` on the KKT violation) and ``SparseLogisticRegression`` (prox-Newton), same scaling."""

import warnings

import skglm
from skglm import ElasticNet, Lasso, SparseLogisticRegression

NAME = "skglm"
SCHEDULE = [(1e-4, 50), (1e-6, 50), (1e-8, 200), (1e-10, 500), (1e-12, 1000)]


def version():
    return skglm.__version__


def supports(problem):
    return True


def fit(problem, tol, max_iter):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if problem.datafit == "logistic":
            model = SparseLogisticRegression(
                problem.alpha, fit_intercept=False, tol=tol, max_iter=max_iter
            )
            label = "SparseLogisticRegression"
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
