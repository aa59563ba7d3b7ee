"""Multinomial logistic regression (#6): the softmax datafit's conjugate and gradient, the
duality gap at a cvxpy optimum, agreement with scikit-learn's multinomial LogisticRegression on
real data (khan dense, we8there sparse), the row-sparse group variant against cvxpy, labels,
probabilities, warnings and bad input."""

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import load_dataset
from scipy.special import logsumexp, softmax
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.utils.estimator_checks import parametrize_with_checks
from threadpoolctl import threadpool_limits

from lpreg import LogisticRegression
from lpreg.datafits import Multinomial
from lpreg.penalties import L1, MCP, Bounded, ElasticNet, PenaltyFactor
from lpreg.solvers.multinomial import (
    RowGroupLasso,
    _MatrixPenalty,
    multinomial_duality_gap,
    solve_multinomial,
)

RNG = np.random.default_rng(0)


def objective(X, y, coef, intercept, alpha, l1_ratio=0.0, sample_weight=None, row=False):
    """Independent numpy objective: weighted mean softmax loss + alpha * (EN or row norms)."""
    weights = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight)
    Z = np.asarray(X @ coef.T) + intercept
    losses = logsumexp(Z, axis=1) - Z[np.arange(X.shape[0]), y]
    if row:
        penalty = np.sum(np.linalg.norm(coef, axis=0))
    else:
        penalty = l1_ratio * np.abs(coef).sum() + 0.5 * (1 - l1_ratio) * np.sum(coef**2)
    return float(weights @ losses / weights.sum() + alpha * penalty)


@pytest.fixture(scope="module")
def khan():
    data = load_dataset("khan")
    return np.asarray(data["X"]), data["y"].astype(np.int64)


@pytest.fixture(scope="module")
def we8there():
    data = load_dataset("we8there")
    overall = data["ratings"][:, list(data["rating_names"]).index("Overall")]
    rows = np.flatnonzero(overall >= 1)[::4]  # rows are sorted by rating: every 4th
    X = sp.csc_matrix(data["X"][rows])
    keep = np.flatnonzero(np.asarray((X != 0).sum(axis=0)).ravel() >= 20)[:300]
    return X[:, keep], overall[rows].astype(np.int64)


# ---- the datafit ------------------------------------------------------------------------------


def test_conjugate_satisfies_fenchel_young_with_equality_at_the_gradient():
    datafit = Multinomial()
    n_samples, n_classes = 7, 4
    codes = RNG.integers(0, n_classes, n_samples)
    c = RNG.uniform(0.2, 2.0, n_samples)
    weights = c / c.sum()
    for _ in range(20):
        Z = RNG.normal(scale=3.0, size=(n_samples, n_classes))
        Q = RNG.dirichlet(np.ones(n_classes), n_samples)  # any point of the shifted simplex
        Theta = weights[:, None] * (Q - np.eye(n_classes)[codes])
        lhs = datafit.value(codes, Z, c) + datafit.conjugate(codes, Theta, c)
        assert lhs >= np.sum(Theta * Z) - 1e-12
        R = datafit.raw_gradient(codes, Z, c)
        equality = datafit.value(codes, Z, c) + datafit.conjugate(codes, R, c)
        assert equality == pytest.approx(np.sum(R * Z), abs=1e-12)
    outside = Theta.copy()
    outside[0] += 0.1 * weights[0]  # row no longer sums to 0: q leaves the simplex
    assert datafit.conjugate(codes, outside, c) == np.inf


def test_value_is_log_loss_and_gradient_matches_finite_differences():
    from sklearn.metrics import log_loss

    datafit = Multinomial()
    codes = RNG.integers(0, 3, 10)
    Z = RNG.normal(size=(10, 3))
    assert datafit.value(codes, Z) == pytest.approx(log_loss(codes, softmax(Z, axis=1)), rel=1e-12)
    R = datafit.raw_gradient(codes, Z)
    step = 1e-6
    for i, k in [(0, 0), (3, 2), (9, 1)]:
        E = np.zeros_like(Z)
        E[i, k] = step
        numeric = (datafit.value(codes, Z + E) - datafit.value(codes, Z - E)) / (2 * step)
        assert numeric == pytest.approx(R[i, k], abs=1e-9)


# ---- certificates against cvxpy ---------------------------------------------------------------


def _cvxpy_multinomial(X, y, alpha, n_classes, row=False, fit_intercept=True):
    cp = pytest.importorskip("cvxpy")
    n_samples, n_features = X.shape
    W = cp.Variable((n_features, n_classes))
    b = cp.Variable(n_classes)
    Z = X @ W + np.ones((n_samples, 1)) @ cp.reshape(b, (1, n_classes), order="C")
    E = np.eye(n_classes)[y]
    loss = cp.sum(cp.log_sum_exp(Z, axis=1) - cp.sum(cp.multiply(E, Z), axis=1)) / n_samples
    penalty = cp.sum(cp.norm(W, 2, axis=1)) if row else cp.sum(cp.abs(W))
    constraints = [] if fit_intercept else [b == 0]
    cp.Problem(cp.Minimize(loss + alpha * penalty), constraints).solve(
        solver="CLARABEL", tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10
    )
    return W.value, b.value


def test_duality_gap_vanishes_at_the_cvxpy_optimum_and_not_elsewhere():
    X = RNG.normal(size=(30, 6))
    y = RNG.integers(0, 3, 30)
    W, b = _cvxpy_multinomial(X, y, 0.05, 3)
    gap, primal, dual = multinomial_duality_gap(X, y, W, b, L1(0.05))
    assert gap <= 2e-6 * primal  # cvxpy (Clarabel) solves this to about 1e-7
    worse, _, _ = multinomial_duality_gap(X, y, W + 0.05, b, L1(0.05))
    assert worse > 1e-3
    # our solver closes the gap much further; its dual bounds cvxpy's primal from below
    model = LogisticRegression("l1", alpha=0.05, tol=1e-9, max_iter=20_000).fit(X, y)
    ours, our_primal, our_dual = multinomial_duality_gap(
        X, y, model.coef_.T, model.intercept_, L1(0.05)
    )
    assert ours <= 1e-8 * our_primal and our_dual <= primal
    assert our_primal <= primal * (1 + 1e-9)


def test_row_sparse_group_equals_cvxpy():
    X = RNG.normal(size=(40, 8))
    X[:, 4:] *= 0.2  # weak features: some rows of W vanish
    y = RNG.integers(0, 3, 40)
    y[X[:, 0] > 0.8] = 2
    alpha = 0.08
    model = LogisticRegression(penalty="group", alpha=alpha, tol=1e-9, max_iter=20_000).fit(X, y)
    W, b = _cvxpy_multinomial(X, y, alpha, 3, row=True)
    ours = objective(X, y, model.coef_, model.intercept_, alpha, row=True)
    reference = objective(X, y, W.T, b, alpha, row=True)
    assert ours <= reference * (1 + 1e-8)
    assert ours >= reference * (1 - 1e-6)  # cvxpy's own accuracy
    zero_rows = np.linalg.norm(model.coef_, axis=0) == 0
    assert 0 < zero_rows.sum() < X.shape[1]  # whole features dropped for every class
    np.testing.assert_array_equal(zero_rows, np.linalg.norm(W, axis=1) < 1e-6)
    assert model.dual_gap_[0] <= 1e-9


# ---- scikit-learn on real data ----------------------------------------------------------------


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_l2_equals_scikit_learn_lbfgs_on_khan(khan, fit_intercept, weighted):
    X, y = khan
    weights = RNG.uniform(0.5, 2.0, X.shape[0]) if weighted else None
    C = 0.5
    alpha = 1.0 / (C * (X.shape[0] if weights is None else weights.sum()))
    ours = LogisticRegression(C=C, fit_intercept=fit_intercept, tol=1e-8, max_iter=5000)
    ours.fit(X, y, sample_weight=weights)
    with threadpool_limits(1):
        theirs = SkLogisticRegression(C=C, fit_intercept=fit_intercept, tol=1e-10, max_iter=5000)
        theirs.fit(X, y, sample_weight=weights)
    assert ours.coef_.shape == theirs.coef_.shape == (4, X.shape[1])
    mine = objective(X, y, ours.coef_, ours.intercept_, alpha, sample_weight=weights)
    reference = objective(X, y, theirs.coef_, theirs.intercept_, alpha, sample_weight=weights)
    assert mine <= reference * (1 + 1e-6)
    assert mine >= reference * (1 - 1e-6)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-4)
    assert ours.dual_gap_[0] <= 1e-8 and ours.solver_ == "multinomial_fista"


@pytest.mark.parametrize(
    ("l1_ratio", "fit_intercept"),
    [(1.0, True), pytest.param(0.5, True, marks=pytest.mark.slow), (1.0, False)],
)
def test_l1_and_elastic_net_equal_scikit_learn_saga_on_khan(khan, l1_ratio, fit_intercept):
    X, y = khan
    X = X[:, :150]
    C = 0.1
    alpha = 1.0 / (C * X.shape[0])
    penalty = "l1" if l1_ratio == 1.0 else "elasticnet"
    ours = LogisticRegression(
        penalty, C=C, l1_ratio=l1_ratio, fit_intercept=fit_intercept, tol=1e-8, max_iter=20_000
    ).fit(X, y)
    with threadpool_limits(1):
        theirs = SkLogisticRegression(
            C=C, l1_ratio=l1_ratio, solver="saga", fit_intercept=fit_intercept, tol=1e-10,
            max_iter=100_000,
        ).fit(X, y)  # fmt: skip
    mine = objective(X, y, ours.coef_, ours.intercept_, alpha, l1_ratio)
    reference = objective(X, y, theirs.coef_, theirs.intercept_, alpha, l1_ratio)
    assert mine <= reference * (1 + 1e-6)
    assert mine >= reference * (1 - 1e-6)
    assert 0 < np.count_nonzero(ours.coef_) < ours.coef_.size


@pytest.mark.parametrize("penalty", ["l2", pytest.param("l1", marks=pytest.mark.slow)])
def test_sparse_we8there_star_ratings_equal_scikit_learn(we8there, penalty):
    X, y = we8there
    C = 1.0 if penalty == "l2" else 0.5
    l1_ratio = 0.0 if penalty == "l2" else 1.0
    alpha = 1.0 / (C * X.shape[0])
    ours = LogisticRegression(penalty, C=C, tol=1e-8, max_iter=20_000).fit(X, y)
    with threadpool_limits(1):
        theirs = SkLogisticRegression(
            C=C, l1_ratio=l1_ratio, solver="lbfgs" if penalty == "l2" else "saga",
            tol=1e-10, max_iter=100_000,
        ).fit(X.tocsr(), y)  # fmt: skip
    assert list(ours.classes_) == [1, 2, 3, 4, 5]
    mine = objective(X, y - 1, ours.coef_, ours.intercept_, alpha, l1_ratio)
    reference = objective(X, y - 1, theirs.coef_, theirs.intercept_, alpha, l1_ratio)
    assert mine <= reference * (1 + 1e-6)
    assert mine >= reference * (1 - 1e-6)


def _weighted_and_bounded(n_features):
    factors = np.linspace(0.0, 2.0, n_features)  # feature 0 unpenalised
    lower = np.where(np.arange(n_features) % 2 == 0, 0.0, -np.inf)
    return Bounded(PenaltyFactor(L1(0.3), factors), lower=lower, upper=np.full(n_features, 0.4))


@pytest.mark.parametrize(
    "penalty",
    [L1(0.3), ElasticNet(0.2, l1_ratio=0.4), MCP(0.5, gamma=3.0), _weighted_and_bounded(6)],
    ids=["l1", "elasticnet", "mcp", "factor+bounds"],
)
def test_matrix_prox_and_value_are_the_penalty_applied_to_each_class(penalty):
    # the solver applies G to the whole (n_features, n_classes) matrix in one compiled call;
    # the reference is the penalty's own vectorised prox/value on each column
    W = np.random.default_rng(10).normal(scale=0.6, size=(6, 4))
    matrix = _MatrixPenalty(penalty, 6, 4)
    assert matrix.is_generic
    step = 0.7
    expected = np.column_stack([penalty.prox(W[:, k], step) for k in range(4)])
    np.testing.assert_array_equal(matrix.prox(W, step), expected)
    inside = matrix.prox(W, step)
    assert matrix.value(inside) == pytest.approx(
        sum(penalty.value(inside[:, k]) for k in range(4)), rel=1e-14
    )
    columns = sum(penalty.value(W[:, k]) for k in range(4))  # inf off the bounds
    assert matrix.value(W) == (np.inf if np.isinf(columns) else pytest.approx(columns, rel=1e-14))


def test_row_group_matrix_prox_is_block_soft_thresholding():
    W = np.random.default_rng(11).normal(size=(5, 3))
    weights = np.array([0.0, 1.0, 2.0, 0.5, 40.0])  # row 4 is zeroed
    matrix = _MatrixPenalty(RowGroupLasso(0.3, weights), 5, 3)
    out = matrix.prox(W, 0.5)
    for j in range(5):
        threshold = 0.5 * 0.3 * weights[j]
        norm = np.linalg.norm(W[j])
        np.testing.assert_allclose(out[j], W[j] * max(0.0, 1.0 - threshold / norm), rtol=1e-14)
    assert np.all(out[4] == 0) and np.array_equal(out[0], W[0])
    assert matrix.value(W) == pytest.approx(RowGroupLasso(0.3, weights).value(W), rel=1e-14)


def test_penalty_factor_and_positive_fit_is_certified():
    rng = np.random.default_rng(12)  # own stream: the tests below keep their data
    X = rng.normal(size=(50, 6))
    y = np.argmax(X[:, :3] + 0.5 * rng.normal(size=(50, 3)), axis=1)
    factors = np.array([0.0, 1.0, 1.0, 2.0, 0.5, 1.0])
    model = LogisticRegression(
        "l1", alpha=0.05, penalty_factor=factors, positive=True, tol=1e-10, max_iter=20_000
    ).fit(X, y)
    penalty = Bounded(PenaltyFactor(L1(0.05), factors), lower=0.0)
    gap, primal, _ = multinomial_duality_gap(X, y, model.coef_.T, model.intercept_, penalty)
    assert gap <= 1e-9 * primal  # recomputed from coef_ with the penalty's own conjugate
    assert np.all(model.coef_ >= 0) and np.any(model.coef_[:, 0] > 0)  # feature 0: unpenalised
    assert np.any(model.coef_[:, 1:] == 0)


def test_sparse_fit_with_intercept_equals_the_dense_fit(we8there):
    # sparse X is centred inside each product, dense X once up front: the same problem
    X, y = we8there
    X, y = X[::3], y[::3] - 1  # rows are sorted by rating: every third
    penalty = L1(0.01)
    sparse = solve_multinomial(X, y, 5, penalty, tol=1e-8, max_iter=5000)
    dense = solve_multinomial(X.toarray(), y, 5, penalty, tol=1e-8, max_iter=5000)
    assert sparse.gap <= 1e-8 and dense.gap <= 1e-8
    assert 0 < np.count_nonzero(sparse.coef) < sparse.coef.size
    assert sparse.objective == pytest.approx(dense.objective, rel=1e-7)
    gap, primal, _ = multinomial_duality_gap(X, y, sparse.coef, sparse.intercept, penalty)
    assert gap <= 1e-8 * primal and primal == pytest.approx(sparse.objective, rel=1e-12)


# ---- labels, probabilities, options -----------------------------------------------------------


def test_string_labels_probabilities_and_argmax():
    X = RNG.normal(size=(60, 5))
    codes = np.argmax(X[:, :3] + 0.3 * RNG.normal(size=(60, 3)), axis=1)
    names = np.array(["cat", "dog", "emu"])[codes]
    model = LogisticRegression(C=1.0).fit(X, names)
    np.testing.assert_array_equal(model.classes_, ["cat", "dog", "emu"])
    probabilities = model.predict_proba(X)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(probabilities, softmax(model.decision_function(X), axis=1))
    np.testing.assert_array_equal(model.predict(X), model.classes_[probabilities.argmax(axis=1)])
    assert model.multi_class_ == "multinomial" and model.coef_.shape == (3, 5)
    assert np.mean(model.predict(X) == names) > 0.8


def test_ovr_stays_available_and_differs_from_multinomial():
    from sklearn.multiclass import OneVsRestClassifier

    X = RNG.normal(size=(60, 4))
    y = np.argmax(X[:, :3], axis=1)
    ovr = LogisticRegression(C=1.0, multi_class="ovr", tol=1e-10).fit(X, y)
    wrapped = OneVsRestClassifier(LogisticRegression(C=1.0, tol=1e-10)).fit(X, y)
    np.testing.assert_allclose(ovr.decision_function(X), wrapped.decision_function(X), atol=1e-6)
    multinomial = LogisticRegression(C=1.0, tol=1e-10).fit(X, y)
    assert np.max(np.abs(ovr.coef_ - multinomial.coef_)) > 0.1


def test_float32_is_kept_and_warm_start_needs_fewer_iterations(khan):
    X, y = khan
    X = X[:, :200]
    single = LogisticRegression(C=0.5, tol=1e-6).fit(X.astype(np.float32), y)
    double = LogisticRegression(C=0.5, tol=1e-6).fit(X, y)
    assert single.coef_.dtype == np.float32 and single.intercept_.dtype == np.float32
    np.testing.assert_allclose(single.predict_proba(X), double.predict_proba(X), atol=1e-3)
    model = LogisticRegression(C=0.5, tol=1e-8, warm_start=True).fit(X, y)
    cold = model.n_iter_[0]
    model.fit(X, y)
    assert model.n_iter_[0] < cold / 2


def test_not_converged_warns_with_the_gap():
    X = RNG.normal(size=(40, 5))
    y = RNG.integers(0, 3, 40)
    with pytest.warns(ConvergenceWarning, match=r"multinomial_fista stopped at max_iter=1 with "):
        model = LogisticRegression(C=10.0, max_iter=1, tol=1e-12).fit(X, y)
    assert not model.converged_[0] and model.dual_gap_[0] > 1e-12


def test_bad_input_is_refused_with_a_message():
    X = RNG.normal(size=(12, 3))
    y = np.repeat([0, 1, 2], 4)
    with pytest.raises(ValueError, match=r"LogisticRegression: y has 1 class \('a'\)"):
        LogisticRegression().fit(X, ["a"] * 12)
    with pytest.raises(ValueError, match="multi_class must be 'multinomial' or 'ovr', got 'ova'"):
        LogisticRegression(multi_class="ova").fit(X, y)
    with pytest.raises(ValueError, match="solver='prox_newton' fits binary problems only"):
        LogisticRegression(solver="prox_newton").fit(X, y)
    with pytest.raises(ValueError, match="multinomial model takes separable penalties"):
        LogisticRegression(penalty="group", groups=1).fit(X, y)
    with pytest.raises(ValueError, match="groups=None .* needs multi_class='multinomial'"):
        LogisticRegression(penalty="group", multi_class="ovr").fit(X, y)


@parametrize_with_checks(
    [
        LogisticRegression(penalty="group", alpha=0.01),
        LogisticRegression(penalty="l1", C=1.0, multi_class="ovr"),
    ]
)
def test_sklearn_contract_of_the_multiclass_variants(estimator, check):
    check(estimator)


def test_row_group_penalty_value():
    W = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, 0.0]])
    assert RowGroupLasso(0.5).value(W) == pytest.approx(0.5 * (5.0 + 1.0))
