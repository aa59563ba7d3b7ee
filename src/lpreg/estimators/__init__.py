"""scikit-learn estimators over (datafit, penalty, solver)."""

from lpreg.estimators.base import GeneralizedLinearEstimator
from lpreg.estimators.cv import (
    ElasticNetCV,
    LassoCV,
    LassoIC,
    LogisticRegressionCV,
    LpRegressionCV,
)
from lpreg.estimators.group import GroupLassoRegression
from lpreg.estimators.linear import (
    ElasticNet,
    HuberRegression,
    Lasso,
    LpRegression,
    MCPRegression,
    Ridge,
    SCADRegression,
)
from lpreg.estimators.logistic import LogisticRegression
from lpreg.estimators.norm_ball import NormBallClassifier, NormBallRegression

__all__ = [
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
]
