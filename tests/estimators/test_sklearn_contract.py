"""scikit-learn's estimator contract, one test id per check, for every lpreg estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from lpreg.estimators import (
    ElasticNet,
    GeneralizedLinearEstimator,
    GroupLassoRegression,
    HuberRegression,
    Lasso,
    LogisticRegression,
    LpRegression,
    MCPRegression,
    Ridge,
    SCADRegression,
)

ESTIMATORS = [
    Lasso(alpha=0.1),
    ElasticNet(alpha=0.1, l1_ratio=0.5),
    Ridge(alpha=1.0),
    LpRegression(alpha=0.1, p=0.5, tol=1e-8),
    MCPRegression(alpha=0.1),
    SCADRegression(alpha=0.1),
    HuberRegression(alpha=0.1, tol=1e-8),
    # the sample-weight equivalence check compares predictions to rtol 1e-7: at the default
    # tol=1e-4 two certified block-CD fits may differ by 2.5e-4 (both gaps <= 1e-4)
    GroupLassoRegression(alpha=0.1, groups=1, tol=1e-8),
    GroupLassoRegression(alpha=0.1, groups=1, l1_ratio=0.5, tol=1e-8),
    GeneralizedLinearEstimator(),
    LogisticRegression(penalty="l1", C=1.0),
    LogisticRegression(penalty="l2", C=1.0),
    LogisticRegression(penalty="elasticnet", alpha=0.01),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
