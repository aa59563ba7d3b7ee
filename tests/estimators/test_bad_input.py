"""Bad input gets an early, clear ValueError/TypeError: never a numba traceback or a NaN model.

Every case runs with the solver entry point replaced by a tripwire, so each test also proves
the error comes *before* any compiling or numerical work.  Each message is matched on the
owner (the estimator's name), the parameter and, where there is one, the value received.
"""

import re

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import lpreg.solvers
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

REGRESSORS = [
    Lasso(alpha=0.1),
    ElasticNet(alpha=0.1),
    Ridge(alpha=1.0),
    LpRegression(alpha=0.1, p=0.5),
    MCPRegression(alpha=0.1),
    SCADRegression(alpha=0.1),
    HuberRegression(alpha=0.1),
    GroupLassoRegression(alpha=0.1, groups=1),
    GeneralizedLinearEstimator(),
]
CLASSIFIERS = [LogisticRegression(), LogisticRegression(penalty="l1", alpha=0.1)]
ALL = REGRESSORS + CLASSIFIERS


@pytest.fixture(autouse=True)
def solver_tripwire(monkeypatch):
    """Fail the test if a solver is reached: every error below must come earlier."""

    def tripwire(*args, **kwargs):
        raise AssertionError("the solver was called; the error should have come before it")

    monkeypatch.setattr(lpreg.solvers, "solve", tripwire)


def _data(estimator, n_samples=12, n_features=3):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n_samples, n_features))
    if isinstance(estimator, LogisticRegression):
        y = np.array([0, 1] * (n_samples // 2))
    else:
        y = rng.standard_normal(n_samples)
    return X, y


def _owner(estimator):
    return re.escape(type(estimator).__name__)


# ---- data ---------------------------------------------------------------------------------


@pytest.mark.parametrize("estimator", ALL, ids=repr)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_X(estimator, bad):
    X, y = _data(estimator)
    X[3, 1] = bad
    with pytest.raises(ValueError, match=rf"^{_owner(estimator)}: Input X contains (NaN|inf)"):
        estimator.fit(X, y)


@pytest.mark.parametrize("estimator", REGRESSORS, ids=repr)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_y(estimator, bad):
    X, y = _data(estimator)
    y[2] = bad
    with pytest.raises(ValueError, match=rf"^{_owner(estimator)}: Input y contains (NaN|inf)"):
        estimator.fit(X, y)


@pytest.mark.parametrize("estimator", ALL, ids=repr)
def test_sparse_non_finite_X(estimator):
    X, y = _data(estimator)
    X = sp.csr_matrix(X)
    X.data[4] = np.nan
    with pytest.raises(ValueError, match=rf"^{_owner(estimator)}: Input X contains NaN"):
        estimator.fit(X, y)


@pytest.mark.parametrize("estimator", ALL, ids=repr)
def test_shape_mismatch(estimator):
    X, y = _data(estimator)
    with pytest.raises(ValueError, match=r"inconsistent numbers of samples: \[12, 11\]"):
        estimator.fit(X, y[:-1])


@pytest.mark.parametrize("estimator", ALL, ids=repr)
@pytest.mark.parametrize(
    ("shape", "what"), [((0, 3), r"0 sample\(s\)"), ((12, 0), r"0 feature\(s\)")]
)
def test_empty_X(estimator, shape, what):
    X = np.empty(shape)
    y = np.zeros(shape[0])
    with pytest.raises(ValueError, match=rf"^{_owner(estimator)}: Found array with {what}"):
        estimator.fit(X, y)


@pytest.mark.parametrize("estimator", ALL, ids=repr)
def test_one_sample(estimator):
    X, y = _data(estimator)
    with pytest.raises(
        ValueError, match=rf"^{_owner(estimator)}: got 1 sample; fitting needs at least 2"
    ):
        estimator.fit(X[:1], y[:1])


@pytest.mark.parametrize("estimator", REGRESSORS, ids=repr)
def test_string_target_for_regression(estimator):
    X, _ = _data(estimator)
    y = np.array(["low", "high"] * 6)
    with pytest.raises(
        TypeError,
        match=rf"^{_owner(estimator)}: y must be real numbers for regression, got dtype <U4 "
        r"\(first value 'low'\)\. For class labels use lpreg\.LogisticRegression",
    ):
        estimator.fit(X, y)


@pytest.mark.parametrize("estimator", CLASSIFIERS, ids=repr)
def test_one_class(estimator):
    X, _ = _data(estimator)
    with pytest.raises(
        ValueError, match=r"LogisticRegression: y has 1 class \('spam'\); a classifier needs"
    ):
        estimator.fit(X, np.array(["spam"] * 12))


@pytest.mark.parametrize("estimator", CLASSIFIERS, ids=repr)
def test_class_without_weight(estimator):
    X, _ = _data(estimator)
    y = np.array(["a", "b", "c"] * 4)
    with pytest.raises(
        ValueError, match=r"LogisticRegression: class\(es\) \['c'\] have zero total sample_weight"
    ):
        estimator.fit(X, y, sample_weight=(y != "c").astype(float))


@pytest.mark.parametrize("estimator", CLASSIFIERS, ids=repr)
def test_continuous_target_for_classifier(estimator):
    X, _ = _data(estimator)
    with pytest.raises(ValueError, match="^LogisticRegression: Unknown label type: continuous"):
        estimator.fit(X, np.linspace(0.0, 1.0, 12))


@pytest.mark.parametrize("estimator", ALL, ids=repr)
def test_non_numeric_pandas_columns(estimator):
    X, y = _data(estimator)
    frame = pd.DataFrame(X, columns=["age", "income", "height"])
    frame["city"] = ["Paris", "Lyon"] * 6
    with pytest.raises(
        TypeError,
        match=rf"^{_owner(estimator)}: X must have numeric columns only, got non-numeric "
        r"column\(s\) 'city' \((object|str)\)\. Encode categorical",
    ):
        estimator.fit(frame, y)


@pytest.mark.parametrize("estimator", ALL, ids=repr)
def test_strings_in_object_array(estimator):
    X, y = _data(estimator)
    X = X.astype(object)
    X[0, 0] = "seven"
    with pytest.raises(
        TypeError, match=rf"^{_owner(estimator)}: X must hold real numbers.*'seven'"
    ):
        estimator.fit(X, y)


@pytest.mark.parametrize("estimator", ALL, ids=repr)
@pytest.mark.parametrize(
    ("sample_weight", "error", "message"),
    [
        (np.ones(5), ValueError, r"sample_weight has 5 entries but X has 12 rows"),
        (
            np.r_[-1.0, np.ones(11)],
            ValueError,
            r"sample_weight must be >= 0 entrywise.*"
            r"got sample_weight\[0\]=-1\.0",
        ),
        (np.zeros(12), ValueError, r"sample_weight must not be all zeros"),
        (np.r_[np.nan, np.ones(11)], ValueError, r"sample_weight must be finite, got 1 NaN"),
        (np.ones((12, 2)), ValueError, r"sample_weight must be a 1-D array, got .* \(12, 2\)"),
        (-2.0, ValueError, r"sample_weight must be in \(0\.0, inf\), got sample_weight=-2\.0"),
        (["a"] * 12, TypeError, r"sample_weight must be an array of real numbers"),
    ],
)
def test_bad_sample_weight(estimator, sample_weight, error, message):
    X, y = _data(estimator)
    with pytest.raises(error, match=rf"^{_owner(estimator)}: {message}"):
        estimator.fit(X, y, sample_weight=sample_weight)


@pytest.mark.parametrize("estimator", REGRESSORS + CLASSIFIERS[:1], ids=repr)
@pytest.mark.parametrize(("scale", "name"), [(1e300, "X"), (1e200, "X")])
def test_overflowing_magnitudes(estimator, scale, name):
    X, y = _data(estimator)
    with pytest.raises(
        ValueError,
        match=rf"^{_owner(estimator)}: {name} has entries as large as .*e\+(300|200) in "
        r"magnitude; their squares overflow float64.*Rescale X",
    ):
        estimator.fit(X * scale, y)


@pytest.mark.parametrize("estimator", REGRESSORS, ids=repr)
def test_overflowing_target(estimator):
    X, y = _data(estimator)
    with pytest.raises(
        ValueError, match=rf"^{_owner(estimator)}: y has entries as large as .*Rescale y"
    ):
        estimator.fit(X, y * 1e250)


def test_float32_overflow_limit_is_float32s():
    X, y = _data(Lasso())
    with pytest.raises(ValueError, match=r"Lasso: X .* squares overflow float32"):
        Lasso().fit((X * 1e25).astype(np.float32), y)


# ---- parameters ---------------------------------------------------------------------------


def _param_cases():
    alpha_owners = [
        Lasso,
        ElasticNet,
        Ridge,
        LpRegression,
        MCPRegression,
        SCADRegression,
        HuberRegression,
    ]
    cases = []
    for cls in alpha_owners:
        cases += [
            (cls(alpha=-1.0), ValueError, r"alpha must be in \[0\.0, inf\), got alpha=-1\.0"),
            (cls(alpha=np.inf), ValueError, r"alpha must be in \[0\.0, inf\), got alpha=inf"),
            (cls(alpha=np.nan), ValueError, r"alpha must be a real number in \[0\.0, inf\)"),
            (cls(alpha="big"), TypeError, r"alpha must be a real number .* got str 'big'"),
            (cls(positive="yes"), TypeError, r"positive must be True or False, got 'yes'"),
            (
                cls(penalty_factor=[1.0, -1.0, 1.0]),
                ValueError,
                r"penalty_factor must be >= 0 entrywise.*got penalty_factor\[1\]=-1\.0",
            ),
            (
                cls(penalty_factor=[1.0, 1.0]),
                ValueError,
                r"penalty_factor must have one entry per feature \(3\), got shape \(2,\)",
            ),
            (cls(penalty_factor=[1.0, np.nan, 1.0]), ValueError, r"penalty_factor must be finite"),
        ]
    common = [
        Lasso(),
        GeneralizedLinearEstimator(),
        LogisticRegression(),
        GroupLassoRegression(groups=1),
    ]
    for est in common:
        cls = type(est)
        params = est.get_params()
        cases += [
            (
                cls(**{**params, "max_iter": 0}),
                ValueError,
                r"max_iter must be in \[1, inf\), got max_iter=0",
            ),
            (
                cls(**{**params, "max_iter": 2.5}),
                TypeError,
                r"max_iter must be an integer >= 1, got float 2\.5",
            ),
            (
                cls(**{**params, "tol": -1e-3}),
                ValueError,
                r"tol must be in \[0\.0, inf\), got tol=-0\.001",
            ),
            (
                cls(**{**params, "fit_intercept": "no"}),
                TypeError,
                r"fit_intercept must be True or False, got 'no'",
            ),
            (
                cls(**{**params, "warm_start": 1}),
                TypeError,
                r"warm_start must be True or False, got 1",
            ),
            (
                cls(**{**params, "solver": "newton"}),
                ValueError,
                r"solver must be 'auto' or one of \[.*'coordinate_descent'.*\], got 'newton'",
            ),
        ]
    cases += [
        (
            LpRegression(p=0),
            ValueError,
            r"p must be in \(0\.0, inf\), got p=0\.0\. p = 0 "
            r"\(best subset\) is not supported",
        ),
        (LpRegression(p=-0.5), ValueError, r"p must be in \(0\.0, inf\), got p=-0\.5"),
        (LpRegression(p=np.inf), ValueError, r"p must be in \(0\.0, inf\), got p=inf"),
        (
            ElasticNet(l1_ratio=1.5),
            ValueError,
            r"l1_ratio must be in \[0\.0, 1\.0\], got l1_ratio=1\.5\. To weight L1 by a",
        ),
        (ElasticNet(l1_ratio=-0.1), ValueError, r"l1_ratio must be in \[0\.0, 1\.0\]"),
        (HuberRegression(l1_ratio=2.0), ValueError, r"l1_ratio must be in \[0\.0, 1\.0\]"),
        (HuberRegression(delta=0.0), ValueError, r"delta must be in \(0\.0, inf\), got delta=0"),
        (MCPRegression(gamma=1.0), ValueError, r"gamma must be in \(1\.0, inf\), got gamma=1\.0"),
        (
            SCADRegression(gamma=2.0),
            ValueError,
            r"gamma must be in \(2\.0, inf\), got gamma=2\.0\. Fan & Li",
        ),
        (GroupLassoRegression(groups=None), ValueError, r"groups is required"),
        (
            GroupLassoRegression(groups=[0, 0]),
            ValueError,
            r"groups has 2 group indices \(one per column\) but X has 3 columns",
        ),
        (GroupLassoRegression(groups=2), ValueError, r"groups=2 .* does not divide the 3"),
        (
            GroupLassoRegression(groups=[[0, 1], [1, 2]]),
            ValueError,
            r"groups must not overlap; column 1 is in more than one group",
        ),
        (
            GroupLassoRegression(groups=[[0], [2]]),
            ValueError,
            r"groups cover 2 of the 3 columns of X; column 1 is in no group",
        ),
        (
            GroupLassoRegression(groups=1, alpha=-2.0),
            ValueError,
            r"alpha must be in \[0\.0, inf\), got alpha=-2\.0",
        ),
        (
            GroupLassoRegression(groups=1, l1_ratio=3.0),
            ValueError,
            r"l1_ratio must be in \[0\.0, 1\.0\], got l1_ratio=3\.0",
        ),
        (
            GroupLassoRegression(groups=1, positive=True),
            ValueError,
            r"positive=True is not supported with group penalties",
        ),
        (
            GroupLassoRegression(groups=[0, 0, 1], penalty_factor=[1.0, 0.0, 1.0]),
            ValueError,
            r"penalty_factor must be equal within each group .* group 0 \(columns \[0, 1\]\)",
        ),
        (
            GroupLassoRegression(groups=1, group_weights=[1.0, -1.0, 1.0]),
            ValueError,
            r"group_weights must be >= 0 entrywise",
        ),
        (
            GeneralizedLinearEstimator(penalty="l1"),
            TypeError,
            r"penalty must be a Penalty \(e\.g\. lpreg\.L1\(0\.1\)\) or None, got str 'l1'",
        ),
        (
            GeneralizedLinearEstimator(datafit="squared"),
            TypeError,
            r"datafit must be a Datafit .* got str 'squared'",
        ),
        (
            LogisticRegression(alpha=-1.0),
            ValueError,
            r"alpha must be in \[0\.0, inf\), got alpha=-1\.0",
        ),
        (LogisticRegression(C=0.0), ValueError, r"C must be in \(0\.0, inf\], got C=0\.0"),
        (LogisticRegression(C=1.0, alpha=0.1), ValueError, r"give either alpha or C, not both"),
        (
            LogisticRegression(penalty="l3"),
            ValueError,
            r"penalty must be one of \['l1', 'l2', 'elasticnet', 'lp', 'mcp', 'scad', 'group'\] "
            r"or a Penalty object .* got 'l3'",
        ),
        (LogisticRegression(penalty="lp", p=0), ValueError, r"p must be in \(0\.0, inf\), got"),
        (
            LogisticRegression(penalty="elasticnet", l1_ratio=1.5),
            ValueError,
            r"l1_ratio must be in \[0\.0, 1\.0\], got l1_ratio=1\.5",
        ),
        (
            LogisticRegression(penalty="scad", gamma=1.5),
            ValueError,
            r"gamma must be in \(2\.0, inf\), got gamma=1\.5",
        ),
        (
            # groups=None groups each feature's class coefficients (multinomial; for two
            # classes one coefficient per feature): one-vs-rest needs explicit column groups
            LogisticRegression(penalty="group", multi_class="ovr"),
            ValueError,
            r"penalty='group' needs groups .* got groups=None; groups=None .* needs "
            r"multi_class='multinomial'",
        ),
        (
            LogisticRegression(penalty="group", groups=[0, 1], alpha=0.1),
            ValueError,
            r"groups has 2 group indices",
        ),
        (
            LogisticRegression(penalty="group", groups=1, positive=True),
            ValueError,
            r"positive=True and penalty_factor apply to separable penalties only",
        ),
        (
            LogisticRegression(penalty_factor=[1.0]),
            ValueError,
            r"penalty_factor must have one entry per feature \(3\), got shape \(1,\)",
        ),
    ]
    return cases


@pytest.mark.parametrize(("estimator", "error", "message"), _param_cases(), ids=repr)
def test_bad_parameter(estimator, error, message):
    X, y = _data(estimator)
    with pytest.raises(error, match=rf"^{_owner(estimator)}: {message}"):
        estimator.fit(X, y)


def test_failed_refit_keeps_the_fitted_model(monkeypatch):
    """A refit that fails on a parameter leaves the previous fit untouched (nothing lost)."""
    model = Lasso(alpha=0.1)
    model.coef_ = np.array([1.0, 2.0, 3.0])  # as a fit would leave it
    model.intercept_ = 0.5
    model.set_params(alpha=-1.0)
    X, y = _data(model)
    with pytest.raises(ValueError, match="Lasso: alpha must be in"):
        model.fit(X, y)
    np.testing.assert_array_equal(model.coef_, [1.0, 2.0, 3.0])
    assert model.intercept_ == 0.5


@pytest.mark.parametrize("estimator", REGRESSORS[:3], ids=repr)
def test_overflowing_gradient(estimator):
    """Each of X and y is representable, but X'y's squares (dual norms) would overflow."""
    X, y = _data(estimator)
    with pytest.raises(
        ValueError,
        match=rf"^{_owner(estimator)}: max\|X\| \* max\|y\| = .*e\+20\d is so large that the "
        r"gradient's squares overflow float64",
    ):
        estimator.fit(X * 1e100, y * 1e100)
