"""The import swap: lpreg's estimators minimise scikit-learn's objectives (checked on real data).

Each reference (scikit-learn at tight tolerance) runs in the test; we compare objectives written
in scikit-learn's scaling, so a scaling slip on either side (n, sample weights, C) fails.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import load_dataset
from sklearn import linear_model as sk

import lpreg.estimators as lp


def _standardised(name):
    data = load_dataset(name)
    X = np.asarray(data["X"], dtype=np.float64)
    X = (X - X.mean(axis=0)) / np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0)
    return X, np.asarray(data["y"], dtype=np.float64)


def _sklearn_lasso_objective(X, y, w, b, alpha, l1_ratio, sample_weight):
    n = X.shape[0]
    s = np.ones(n) if sample_weight is None else sample_weight * n / sample_weight.sum()
    r = y - X @ w - b
    return (s @ r**2) / (2 * n) + alpha * (
        l1_ratio * np.abs(w).sum() + 0.5 * (1 - l1_ratio) * w @ w
    )


@pytest.mark.parametrize("name", ["prostate", "hitters", "credit"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_lasso_and_elastic_net_match_sklearn(name, fit_intercept, weighted, l1_ratio):
    X, y = _standardised(name)
    rng = np.random.default_rng(0)
    sample_weight = rng.uniform(0.2, 3.0, size=X.shape[0]) if weighted else None
    alpha_max = np.abs(X.T @ (y - y.mean() * fit_intercept)).max() / X.shape[0] / l1_ratio
    alpha = 0.05 * alpha_max
    ours_cls, ref_cls = (lp.Lasso, sk.Lasso) if l1_ratio == 1.0 else (lp.ElasticNet, sk.ElasticNet)
    kwargs = {} if l1_ratio == 1.0 else {"l1_ratio": l1_ratio}
    ours = ours_cls(alpha, fit_intercept=fit_intercept, tol=1e-10, **kwargs).fit(
        X, y, sample_weight=sample_weight
    )
    ref = ref_cls(
        alpha=alpha, fit_intercept=fit_intercept, tol=1e-12, max_iter=100_000, **kwargs
    ).fit(X, y, sample_weight=sample_weight)
    ours_obj = _sklearn_lasso_objective(
        X, y, ours.coef_, ours.intercept_, alpha, l1_ratio, sample_weight
    )
    ref_obj = _sklearn_lasso_objective(
        X, y, ref.coef_, ref.intercept_, alpha, l1_ratio, sample_weight
    )
    assert ours_obj <= ref_obj * (1 + 1e-6)
    assert ours.dual_gap_ <= 1e-10
    # unique solution (strongly convex or lasso with unique support): predictions agree too
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=0, atol=1e-4 * y.std())


@pytest.mark.parametrize("name", ["prostate", "hitters"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_ridge_matches_sklearn(name, fit_intercept, weighted):
    X, y = _standardised(name)
    rng = np.random.default_rng(1)
    sample_weight = rng.uniform(0.2, 3.0, size=X.shape[0]) if weighted else None
    ours = lp.Ridge(3.0, fit_intercept=fit_intercept, tol=1e-12).fit(X, y, sample_weight)
    ref = sk.Ridge(alpha=3.0, fit_intercept=fit_intercept, solver="cholesky").fit(
        X, y, sample_weight
    )
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-6, atol=1e-8)


def _log_loss_objective(X, y01, w, b, C, l1, sample_weight):
    s = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    margin = (2 * y01 - 1) * (X @ w + b)
    penalty = np.abs(w).sum() if l1 else 0.5 * w @ w
    return C * (s @ np.logaddexp(0.0, -margin)) + penalty


@pytest.mark.parametrize("penalty", ["l1", "l2"])
@pytest.mark.parametrize("weighted", [False, True])
def test_logistic_regression_with_C_matches_sklearn(penalty, weighted):
    data = load_dataset("colon_alon")
    X = np.log(np.asarray(data["X"], dtype=np.float64))[:, :80]
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = data["y"]
    rng = np.random.default_rng(2)
    sample_weight = rng.uniform(0.5, 2.0, size=X.shape[0]) if weighted else None
    C = 0.5
    ours = lp.LogisticRegression(penalty=penalty, C=C, tol=1e-10, max_iter=5000).fit(
        X, y, sample_weight
    )
    ref = sk.LogisticRegression(
        C=C,
        l1_ratio=1.0 if penalty == "l1" else 0.0,
        solver="saga",
        tol=1e-10,
        max_iter=200_000,
    ).fit(X, y, sample_weight)
    ours_obj = _log_loss_objective(
        X, y, ours.coef_[0], ours.intercept_[0], C, penalty == "l1", sample_weight
    )
    ref_obj = _log_loss_objective(
        X, y, ref.coef_[0], ref.intercept_[0], C, penalty == "l1", sample_weight
    )
    assert ours_obj <= ref_obj * (1 + 1e-6)
    np.testing.assert_array_equal(ours.classes_, ref.classes_)


def test_sparse_input_gives_the_dense_model():
    X, y = _standardised("hitters")
    dense = lp.Lasso(0.5, tol=1e-10).fit(X, y)
    sparse = lp.Lasso(0.5, tol=1e-10).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(sparse.intercept_, dense.intercept_, rtol=1e-8)


def test_penalty_factor_zero_leaves_feature_unpenalised_and_positive_holds():
    X, y = _standardised("prostate")
    factors = np.ones(X.shape[1])
    factors[0] = 0.0
    alpha = 10.0  # far above alpha_max: only the unpenalised feature survives
    model = lp.Lasso(alpha, penalty_factor=factors, tol=1e-10).fit(X, y)
    assert model.coef_[0] != 0 and np.all(model.coef_[1:] == 0)
    expected = np.polyfit(X[:, 0], y, 1)[0]
    np.testing.assert_allclose(model.coef_[0], expected, rtol=1e-8)
    positive = lp.Lasso(0.01, positive=True, tol=1e-10).fit(X, -y)
    assert np.all(positive.coef_ >= 0)
    with pytest.raises(ValueError, match="penalty_factor must have one entry per feature"):
        lp.Lasso(0.1, penalty_factor=[1.0, 2.0]).fit(X, y)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_lasso_matches_sklearn_on_sparse_real_data(fit_intercept, weighted):
    data = load_dataset("we8there")
    rng = np.random.default_rng(3)
    rows = rng.choice(data["X"].shape[0], size=800, replace=False)
    X = sp.csc_matrix(data["X"][rows])
    counts = np.asarray((X != 0).sum(axis=0)).ravel()
    X = X[:, np.argsort(counts)[-300:]]  # the 300 most frequent bigrams, kept sparse
    y = np.asarray(data["ratings"][rows, -1], dtype=np.float64)  # overall stars, 1-5
    sample_weight = rng.uniform(0.2, 3.0, size=X.shape[0]) if weighted else None
    alpha = 0.05 * np.abs(X.T @ (y - y.mean() * fit_intercept)).max() / X.shape[0]
    ours = lp.Lasso(alpha, fit_intercept=fit_intercept, tol=1e-10).fit(X, y, sample_weight)
    ref = sk.Lasso(alpha=alpha, fit_intercept=fit_intercept, tol=1e-12, max_iter=100_000).fit(
        X, y, sample_weight=sample_weight
    )
    dense = X.toarray()
    ours_obj = _sklearn_lasso_objective(
        dense, y, ours.coef_, ours.intercept_, alpha, 1.0, sample_weight
    )
    ref_obj = _sklearn_lasso_objective(
        dense, y, ref.coef_, ref.intercept_, alpha, 1.0, sample_weight
    )
    assert ours_obj <= ref_obj * (1 + 1e-6)
    assert ours.dual_gap_ <= 1e-10


@pytest.mark.parametrize("weighted", [False, True])
def test_sparse_logistic_regression_matches_liblinear_on_we8there(weighted):
    data = load_dataset("we8there")
    rng = np.random.default_rng(4)
    rows = rng.choice(data["X"].shape[0], size=1000, replace=False)
    X = sp.csc_matrix(data["X"][rows])
    counts = np.asarray((X != 0).sum(axis=0)).ravel()
    X = X[:, np.argsort(counts)[-300:]]
    y = data["y"][rows]
    sample_weight = rng.uniform(0.5, 2.0, size=X.shape[0]) if weighted else None
    C = 0.5
    # liblinear penalises an intercept, so compare without one
    ours = lp.LogisticRegression(penalty="l1", C=C, fit_intercept=False, tol=1e-10).fit(
        X, y, sample_weight
    )
    ref = sk.LogisticRegression(
        C=C, l1_ratio=1.0, solver="liblinear", fit_intercept=False, tol=1e-8, max_iter=10_000
    ).fit(X, y, sample_weight)
    dense = X.toarray()
    ours_obj = _log_loss_objective(dense, y, ours.coef_[0], 0.0, C, True, sample_weight)
    ref_obj = _log_loss_objective(dense, y, ref.coef_[0], 0.0, C, True, sample_weight)
    assert ours_obj <= ref_obj * (1 + 1e-6)
    assert ours.dual_gap_[0] <= 1e-10
