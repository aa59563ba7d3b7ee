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

# The sample-weight equivalence checks compare the predictions of two fits (weights vs
# repeated rows) to rtol 1e-7.  At the default tol=1e-4 both fits are certified (relative gap
# or KKT violation <= 1e-4) yet may differ by ~1e-4: which point inside that tolerance a
# solve stops at depends on rounding (Lasso on sparse data: 8.2e-5 apart after a change of
# the column norms' summation order).  The iterative estimators run the contract at tol=1e-8,
# where the check measures the weights' semantics, not the tolerance.
ESTIMATORS = [
    Lasso(alpha=0.1, tol=1e-8),
    ElasticNet(alpha=0.1, l1_ratio=0.5, tol=1e-8),
    Ridge(alpha=1.0),
    LpRegression(alpha=0.1, p=0.5, tol=1e-8),
    MCPRegression(alpha=0.1, tol=1e-8),
    SCADRegression(alpha=0.1, tol=1e-8),
    HuberRegression(alpha=0.1, tol=1e-8),
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
