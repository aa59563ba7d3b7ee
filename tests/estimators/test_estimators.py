"""GroupLassoRegression and LogisticRegression options against independent references.

References: cvxpy for the Group Lasso objective, scikit-learn's Lasso (``groups=1`` is the
lasso) and LogisticRegression (``C`` scaling, string labels).  Also: pandas feature names,
float32 kept end to end, constant / duplicated / all-zero columns.
"""

import cvxpy as cp
import numpy as np
import pandas as pd
import pytest
from sklearn import linear_model as sk

from lpreg.estimators import GroupLassoRegression, Lasso, LogisticRegression


def _regression(n_samples=40, n_features=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    w = np.array([1.5, -2.0, 0.0, 0.0, 0.5, 0.0][:n_features])
    return X, X @ w + 0.3 + 0.1 * rng.standard_normal(n_samples)


def _group_objective(X, y, w, b, alpha, groups, weights):
    r = y - X @ w - b
    return r @ r / (2 * len(y)) + alpha * sum(
        c * np.linalg.norm(w[np.asarray(g)]) for g, c in zip(groups, weights, strict=True)
    )


@pytest.mark.parametrize("alpha", [0.05, 0.3])
def test_group_lasso_regression_matches_cvxpy(alpha):
    X, y = _regression()
    groups = [[0, 1], [2, 3], [4, 5]]
    model = GroupLassoRegression(alpha=alpha, groups=groups, tol=1e-10).fit(X, y)
    w, b = cp.Variable(6), cp.Variable()
    weights = np.sqrt([2.0, 2.0, 2.0])
    objective = cp.sum_squares(y - X @ w - b) / (2 * len(y)) + alpha * sum(
        c * cp.norm(w[g], 2) for g, c in zip(groups, weights, strict=True)
    )
    cp.Problem(cp.Minimize(objective)).solve(solver=cp.CLARABEL, tol_gap_abs=1e-12)
    ours = _group_objective(X, y, model.coef_, model.intercept_, alpha, groups, weights)
    ref = _group_objective(X, y, w.value, b.value, alpha, groups, weights)
    assert ours <= ref * (1 + 1e-7)
    assert model.dual_gap_ <= 1e-10
    # the noise group [2, 3] is dropped as a whole at the larger alpha
    if alpha == 0.3:
        np.testing.assert_array_equal(model.coef_[2:4], 0.0)
        assert np.all(model.coef_[:2] != 0)


def test_group_lasso_regression_with_singleton_groups_is_sklearn_lasso():
    X, y = _regression()
    ours = GroupLassoRegression(alpha=0.1, groups=1, tol=1e-12).fit(X, y)
    ref = sk.Lasso(alpha=0.1, tol=1e-14, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-7)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-7)


def test_group_penalty_factor_zero_leaves_a_group_unpenalised():
    X, y = _regression()
    heavy = GroupLassoRegression(alpha=5.0, groups=[0, 0, 1, 1, 2, 2], tol=1e-10)
    assert np.all(heavy.fit(X, y).coef_ == 0)  # alpha above alpha_max: all groups out
    heavy.set_params(penalty_factor=[0, 0, 1, 1, 1, 1]).fit(X, y)
    np.testing.assert_array_equal(heavy.coef_[2:], 0.0)
    # group 0 unpenalised: its coefficients are the least-squares fit on columns 0, 1
    design = np.column_stack([X[:, :2], np.ones(len(y))])
    np.testing.assert_allclose(heavy.coef_[:2], np.linalg.lstsq(design, y)[0][:2], atol=1e-5)


@pytest.mark.parametrize("C", [0.05, 1.0])
def test_logistic_C_is_sklearn_scaling_with_any_labels(C):
    X, y = _regression(n_samples=60)
    labels = np.where(y > np.median(y), "spam", "ham")
    ours = LogisticRegression(C=C, tol=1e-10).fit(X, labels)
    ref = sk.LogisticRegression(C=C, tol=1e-12, max_iter=10_000).fit(X, labels)
    np.testing.assert_array_equal(ours.classes_, ["ham", "spam"])
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-5)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-5)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


def test_logistic_positive_and_penalty_factor():
    X, y = _regression(n_samples=60)
    labels = (y > np.median(y)).astype(int)
    free = LogisticRegression("l1", alpha=0.02, tol=1e-8).fit(X, labels)
    assert free.coef_[0, 1] < 0  # column 1 has a negative effect
    positive = LogisticRegression("l1", alpha=0.02, positive=True, tol=1e-8).fit(X, labels)
    assert positive.coef_[0, 1] == 0 and np.all(positive.coef_ >= 0)
    assert positive.converged_.all()
    # a huge alpha zeroes every penalised coefficient, but not an unpenalised one
    factor = LogisticRegression("l1", alpha=10.0, penalty_factor=[0, 1, 1, 1, 1, 1])
    factor.fit(X, labels)
    assert factor.coef_[0, 0] > 0 and np.all(factor.coef_[0, 1:] == 0)


def test_logistic_group_penalty():
    X, y = _regression(n_samples=60)
    labels = (y > np.median(y)).astype(int)
    model = LogisticRegression("group", groups=[0, 0, 1, 1, 2, 2], alpha=0.05, tol=1e-8)
    model.fit(X, labels)
    assert model.dual_gap_[0] <= 1e-8
    np.testing.assert_array_equal(model.coef_[0, 2:4], 0.0)


def test_pandas_feature_names_and_float32_are_kept():
    X, y = _regression()
    frame = pd.DataFrame(X.astype(np.float32), columns=[f"x{j}" for j in range(6)])
    model = Lasso(alpha=0.05).fit(frame, y)
    np.testing.assert_array_equal(model.feature_names_in_, frame.columns)
    assert model.coef_.dtype == np.float32
    assert model.predict(frame).dtype == np.float32
    reference = Lasso(alpha=0.05, tol=1e-8).fit(X, y)
    np.testing.assert_allclose(model.coef_, reference.coef_, atol=1e-3)


def test_constant_duplicated_and_zero_columns():
    X, y = _regression()
    wide = np.column_stack([X, np.full(len(y), 4.0), X[:, 0], np.zeros(len(y))])
    model = Lasso(alpha=0.05, tol=1e-10).fit(wide, y)
    ref = sk.Lasso(alpha=0.05, tol=1e-14, max_iter=100_000).fit(wide, y)
    assert model.coef_[6] == 0 and model.coef_[8] == 0  # constant (centred away) and zero

    # duplicated columns: the solution is not unique, the objective is
    def objective(w, b):
        r = y - wide @ w - b
        return r @ r / (2 * len(y)) + 0.05 * np.abs(w).sum()

    assert objective(model.coef_, model.intercept_) <= objective(ref.coef_, ref.intercept_) * (
        1 + 1e-8
    )
    np.testing.assert_allclose(
        model.coef_[0] + model.coef_[7], ref.coef_[0] + ref.coef_[7], atol=1e-6
    )
