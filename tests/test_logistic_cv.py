"""Multiclass LogisticRegressionCV against scikit-learn's LogisticRegressionCV (same folds, same
Cs) on khan and a synthetic 3-class problem, L1 against saga, the one-standard-error rule by
hand, string labels, n_jobs invariance, one-vs-rest against OneVsRestClassifier, and the
messages of bad input."""

import warnings

import numpy as np
import pytest
from conftest import load_dataset
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.linear_model import LogisticRegressionCV as SkLogisticRegressionCV
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils.estimator_checks import parametrize_with_checks

from lpreg import LogisticRegressionCV

FOLDS = StratifiedKFold(4, shuffle=True, random_state=0)


@pytest.fixture(autouse=True)
def _one_blas_thread():
    """Small products: BLAS threads only contend (the references' lbfgs runs 2-3x slower)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _three_classes():
    return make_classification(120, 8, n_informative=5, n_classes=3, random_state=0)


def _scikit_learn_cv(X, y, Cs, l1_ratio, cv, scoring="neg_log_loss", **options):
    return SkLogisticRegressionCV(
        Cs=Cs,
        l1_ratios=(l1_ratio,),
        cv=cv,
        scoring=scoring,
        use_legacy_attributes=False,
        **options,
    ).fit(X, y)


def test_multinomial_l2_matches_scikit_learn_on_synthetic_data():
    X, y = _three_classes()
    Cs = np.logspace(-3, 1, 6)[:5]
    ours = LogisticRegressionCV(Cs=Cs, l1_ratio=0.0, cv=FOLDS, tol=1e-10, max_iter=100_000)
    ours.fit(X, y)
    theirs = _scikit_learn_cv(X, y, Cs, 0.0, FOLDS, tol=1e-12, max_iter=100_000)
    # scikit-learn's scores_ are (n_folds, n_l1_ratios, n_cs) of neg_log_loss
    np.testing.assert_allclose(ours.scores_, -theirs.scores_[:, 0, :].T, rtol=1e-6)
    assert ours.C_ == theirs.C_
    assert 0 < np.argmin(ours.scores_.mean(axis=1)) < len(Cs) - 1  # an interior minimum
    np.testing.assert_array_equal(ours.Cs_, Cs)
    np.testing.assert_allclose(ours.alpha_, 1.0 / (ours.C_ * X.shape[0]), rtol=1e-15)
    # every fold's coefficients (scikit-learn appends the intercept column)
    assert ours.coefs_paths_.shape == (4, 1, 5, 3, X.shape[1])
    np.testing.assert_allclose(ours.coefs_paths_, theirs.coefs_paths_[..., :-1], atol=1e-6)
    # the refit is scikit-learn's multinomial model at C_ (intercepts up to a common shift)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-6)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-7)
    assert ours.multi_class_ == "multinomial" and ours.coef_.shape == (3, X.shape[1])


def test_multinomial_l2_matches_scikit_learn_on_khan():
    data = load_dataset("khan")
    X, y = data["X"][:, :200], data["y"]
    assert np.unique(y).shape[0] == 4
    Cs = [0.001, 0.003, 0.01, 0.03]
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    ours = LogisticRegressionCV(Cs=Cs, l1_ratio=0.0, cv=folds, tol=1e-9, max_iter=100_000)
    ours.fit(X, y)
    theirs = _scikit_learn_cv(X, y, Cs, 0.0, folds, tol=1e-10, max_iter=10_000)
    # measured: largest relative difference 4.4e-7 (at C = 0.01)
    np.testing.assert_allclose(ours.scores_, -theirs.scores_[:, 0, :].T, rtol=1e-6)
    assert ours.C_ == theirs.C_
    mean_test = ours.cv_results_["mean_test_log_loss"]
    np.testing.assert_allclose(mean_test, -theirs.scores_[:, 0, :].mean(axis=0), rtol=1e-6)


def test_accuracy_scoring_matches_scikit_learn():
    X, y = _three_classes()
    Cs = np.logspace(-3, 1, 6)[:5]
    ours = LogisticRegressionCV(
        Cs=Cs, l1_ratio=0.0, cv=FOLDS, scoring="accuracy", tol=1e-8, max_iter=100_000
    ).fit(X, y)
    theirs = _scikit_learn_cv(X, y, Cs, 0.0, FOLDS, "accuracy", tol=1e-12, max_iter=100_000)
    np.testing.assert_array_equal(ours.scores_, theirs.scores_[:, 0, :].T)
    assert ours.C_ == theirs.C_
    assert ours.cv_results_["rank_test_accuracy"][np.argmax(ours.scores_.mean(axis=1))] == 1


def test_multinomial_l1_matches_saga_on_a_small_problem():
    X, y = make_classification(60, 6, n_informative=3, n_redundant=0, n_classes=3, random_state=0)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    Cs = [0.03, 0.3, 3.0]
    folds = list(StratifiedKFold(3, shuffle=True, random_state=1).split(X, y))
    ours = LogisticRegressionCV(Cs=Cs, l1_ratio=1.0, cv=folds, tol=1e-10, max_iter=100_000)
    ours.fit(X, y)
    theirs = _scikit_learn_cv(
        X, y, Cs, 1.0, folds, solver="saga", tol=1e-12, max_iter=100_000, random_state=0
    )
    np.testing.assert_allclose(ours.scores_[1:], -theirs.scores_[:, 0, 1:].T, rtol=1e-6)
    assert ours.C_ == theirs.C_
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-6)
    # At C = 0.03 every coefficient is 0, where saga stops after one epoch with unconverged
    # intercepts (its fold-0 log-loss is 1.1656); the exact model predicts the training
    # fold's class proportions, which gives the test log-loss by hand.
    assert ours.cv_results_["mean_n_nonzero"][0] == 0
    for fold, (train, test) in enumerate(folds):
        proportions = np.bincount(y[train]) / len(train)
        expected = -np.mean(np.log(proportions[y[test]]))
        assert ours.scores_[0, fold] == pytest.approx(expected, rel=1e-9)


def test_one_standard_error_from_the_reported_curve():
    import pandas as pd

    X, y = _three_classes()
    Cs = np.logspace(-2, 1, 13)
    model = LogisticRegressionCV(Cs=Cs, cv=FOLDS, selection="1se")  # L2 by default
    model.fit(X, y)
    scores = model.scores_  # (n_cs, n_folds), log-loss: lower is better
    mean = scores.mean(axis=1)
    se = scores.std(axis=1, ddof=1) / np.sqrt(scores.shape[1])
    best = np.argmin(mean)
    by_hand = min(C for C, m in zip(Cs, mean, strict=True) if m <= mean[best] + se[best])
    assert model.C_ == by_hand and by_hand < Cs[best]
    assert model.alpha_ == model.alpha_1se_ == pytest.approx(1.0 / (by_hand * X.shape[0]))
    assert model.alpha_min_ == pytest.approx(1.0 / (Cs[best] * X.shape[0]), rel=1e-15)
    frame = pd.DataFrame(model.cv_results_)
    np.testing.assert_array_equal(frame["split3_test_log_loss"], scores[:, 3])
    assert frame.loc[frame["rank_test_log_loss"] == 1, "C"].item() == Cs[best]


def test_joint_l1_ratio_grid_picks_the_best_pair():
    X, y = _three_classes()
    model = LogisticRegressionCV(Cs=[0.1, 1.0], l1_ratio=[0.0, 0.5, 1.0], cv=3, tol=1e-8)
    model.fit(X, y)
    assert model.scores_.shape == (3, 2, 3)
    mean = model.scores_.mean(axis=-1)
    ratio, point = np.unravel_index(np.argmin(mean), mean.shape)
    assert model.l1_ratio_ == [0.0, 0.5, 1.0][ratio] and model.C_ == [0.1, 1.0][point]


def test_string_labels_give_the_integer_label_fit():
    X, y = _three_classes()
    names = np.array(["setosa", "versicolor", "virginica"])
    options = {"Cs": [0.1, 1.0], "l1_ratio": 0.0, "cv": FOLDS, "tol": 1e-8}
    coded = LogisticRegressionCV(**options).fit(X, y)
    named = LogisticRegressionCV(**options).fit(X, names[y])
    np.testing.assert_array_equal(named.classes_, names)
    np.testing.assert_array_equal(named.scores_, coded.scores_)
    np.testing.assert_array_equal(named.predict(X), names[coded.predict(X)])


def test_sparse_input_gives_the_dense_result():
    import scipy.sparse as sp

    X, y = _three_classes()
    X, y = X[:60], y[:60]
    X[np.abs(X) < 0.8] = 0.0  # about half the entries
    options = {"Cs": [0.1, 1.0], "l1_ratio": [0.0, 1.0], "cv": 3, "tol": 1e-9, "max_iter": 10_000}
    dense = LogisticRegressionCV(**options).fit(X, y)
    sparse = LogisticRegressionCV(**options).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(sparse.scores_, dense.scores_, rtol=1e-7)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, atol=1e-7)
    assert (sparse.C_, sparse.l1_ratio_) == (dense.C_, dense.l1_ratio_)


def test_n_jobs_two_gives_the_n_jobs_one_result():
    X, y = _three_classes()
    runs = [
        LogisticRegressionCV(Cs=[0.1, 1.0], l1_ratio=[0.0, 1.0], cv=FOLDS, n_jobs=n_jobs).fit(X, y)
        for n_jobs in (1, 2)
    ]
    np.testing.assert_array_equal(runs[0].scores_, runs[1].scores_)
    np.testing.assert_array_equal(runs[0].coef_, runs[1].coef_)


def _one_vs_rest(C, X, y):
    binary = SkLogisticRegression(C=C, l1_ratio=0.0, tol=1e-12, max_iter=10_000)
    return OneVsRestClassifier(binary).fit(X, y)


def test_one_vs_rest_is_scikit_learns_one_vs_rest_fold_by_fold():
    X, y = _three_classes()
    Cs = [0.1, 1.0]
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    model = LogisticRegressionCV(Cs=Cs, l1_ratio=0.0, multi_class="ovr", cv=folds, tol=1e-10)
    model.fit(X, y)
    for fold, (train, test) in enumerate(folds):
        for k, C in enumerate(Cs):
            # each binary problem on the training fold at C: alpha = 1 / (C * n_train)
            probability = _one_vs_rest(C, X[train], y[train]).predict_proba(X[test])
            expected = -np.mean(np.log(probability[np.arange(len(test)), y[test]]))
            assert model.scores_[k, fold] == pytest.approx(expected, rel=1e-6)
    reference = _one_vs_rest(model.C_, X, y)
    coef = np.vstack([estimator.coef_ for estimator in reference.estimators_])
    np.testing.assert_allclose(model.coef_, coef, atol=1e-6)
    np.testing.assert_allclose(model.predict_proba(X), reference.predict_proba(X), atol=1e-7)


def test_a_scikit_learn_scorer_name_gives_scikit_learns_scores():
    X, y = _three_classes()
    Cs = np.logspace(-3, 1, 6)[:5]
    ours = LogisticRegressionCV(
        Cs=Cs, cv=FOLDS, scoring="neg_brier_score", tol=1e-10, max_iter=100_000
    ).fit(X, y)
    theirs = _scikit_learn_cv(X, y, Cs, 0.0, FOLDS, "neg_brier_score", tol=1e-12)
    np.testing.assert_allclose(ours.scores_, theirs.scores_[:, 0, :].T, rtol=1e-6)
    assert ours.C_ == theirs.C_  # the largest score: a scorer is always higher-is-better
    assert "mean_test_neg_brier_score" in ours.cv_results_


def test_default_grid_starts_at_the_multinomial_alpha_max():
    from lpreg import LogisticRegression

    X, y = _three_classes()
    model = LogisticRegressionCV(n_alphas=4, eps=0.1, cv=FOLDS).fit(X, y)  # L1 by default
    alpha_max = model.alphas_[0]
    np.testing.assert_allclose(model.alphas_, alpha_max * np.logspace(0, -1, 4), rtol=1e-12)
    at_max = LogisticRegression("l1", alpha=alpha_max, tol=1e-10).fit(X, y)
    below = LogisticRegression("l1", alpha=0.99 * alpha_max, tol=1e-10).fit(X, y)
    assert np.all(at_max.coef_ == 0) and np.count_nonzero(below.coef_) > 0


def test_sample_weight_scales_the_folds_c_as_scikit_learn():
    X, y = _three_classes()
    weights = np.random.default_rng(0).uniform(0.5, 2.0, X.shape[0])
    Cs = [0.03, 0.3]
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    ours = LogisticRegressionCV(Cs=Cs, l1_ratio=0.0, cv=folds, tol=1e-10, max_iter=100_000)
    ours.fit(X, y, sample_weight=weights)
    # by hand: scikit-learn's LogisticRegression on each training fold, weighted test log-loss
    for fold, (train, test) in enumerate(folds):
        for k, C in enumerate(Cs):
            reference = SkLogisticRegression(C=C, l1_ratio=0.0, tol=1e-12, max_iter=10_000)
            reference.fit(X[train], y[train], sample_weight=weights[train])
            probability = reference.predict_proba(X[test])[np.arange(len(test)), y[test]]
            expected = np.average(-np.log(probability), weights=weights[test])
            assert ours.scores_[k, fold] == pytest.approx(expected, rel=1e-6)


def test_binary_problem_with_cs_is_scikit_learns_binary_model():
    X, y = _three_classes()
    X, y = X[y < 2], y[y < 2]
    Cs = [0.01, 0.1, 1.0]
    ours = LogisticRegressionCV(Cs=Cs, l1_ratio=0.0, cv=FOLDS, tol=1e-10).fit(X, y)
    theirs = _scikit_learn_cv(X, y, Cs, 0.0, FOLDS, tol=1e-12, max_iter=10_000)
    np.testing.assert_allclose(ours.scores_, -theirs.scores_[:, 0, :].T, rtol=1e-6)
    assert ours.C_ == theirs.C_ and ours.coef_.shape == (X.shape[1],)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-7)


def test_verbose_logs_progress(caplog):
    X, y = _three_classes()
    with caplog.at_level("INFO", logger="lpreg"):
        LogisticRegressionCV(Cs=2, l1_ratio=0.0, cv=2, verbose=True).fit(X, y)
    messages = [record.getMessage() for record in caplog.records]
    assert messages[0] == "cross-validation: 2 folds x 1 l1_ratios x 2 grid points = 4 fits"
    assert messages[-1] == "cross-validation [####################] 4/4 fits (fold 2/2)"


def test_bad_input_messages():
    X, y = _three_classes()
    with pytest.raises(ValueError, match=r"LogisticRegressionCV: y has 1 class \(0\)"):
        LogisticRegressionCV(Cs=2).fit(X, np.zeros(X.shape[0], dtype=int))
    with pytest.raises(ValueError, match="LogisticRegressionCV: Cs must be a positive int.*Cs=0"):
        LogisticRegressionCV(Cs=0).fit(X, y)
    with pytest.raises(ValueError, match=r"LogisticRegressionCV: Cs must be in \(0.0, inf\)"):
        LogisticRegressionCV(Cs=[1.0, -2.0]).fit(X, y)
    with pytest.raises(ValueError, match=r"LogisticRegressionCV: Cs must be a positive int.*\[\]"):
        LogisticRegressionCV(Cs=[]).fit(X, y)
    with pytest.raises(ValueError, match="LogisticRegressionCV: scoring must be 'log_loss'.*'r3'"):
        LogisticRegressionCV(Cs=2, scoring="r3").fit(X, y)
    with pytest.raises(ValueError, match="LogisticRegressionCV: give either Cs or alphas"):
        LogisticRegressionCV(Cs=2, alphas=[0.1]).fit(X, y)
    with pytest.raises(ValueError, match="LogisticRegressionCV: multi_class must be"):
        LogisticRegressionCV(Cs=2, multi_class="softmax").fit(X, y)
    with pytest.raises(
        ValueError, match=r"LogisticRegressionCV: l1_ratio must be in \(0.0, 1.0\]"
    ):
        LogisticRegressionCV(l1_ratio=0.0).fit(X, y)
    order = np.argsort(y, kind="stable")
    with pytest.raises(ValueError, match="training rows of fold 0 miss class"):
        LogisticRegressionCV(Cs=2, cv=KFold(3)).fit(X[order], y[order])


@parametrize_with_checks([LogisticRegressionCV(Cs=3, cv=3)])
def test_sklearn_contract(estimator, check):
    with warnings.catch_warnings():
        check(estimator)
