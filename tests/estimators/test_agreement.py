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


def _objective(X, y, w, b, *, loss="squared", penalty=0.0, sample_weight=None, delta=1.0):
    r"""The one numpy objective every comparison uses: weighted mean loss plus a penalty value.

    .. math:: \sum_i s_i f(y_i, x_i^\top w + b) / \sum_i s_i + \mathrm{penalty}

    ``f`` is ``(y - z)^2 / 2`` ("squared"), ``log(1 + exp(-(2y - 1) z))`` for ``y`` in {0, 1}
    ("logistic") or the Huber function of ``y - z`` ("huber").  scikit-learn's objectives are
    positive multiples of this (``Lasso``/``ElasticNet`` exactly; ``Ridge``: ``2 sum(s)``
    times it with penalty ``alpha ||w||^2 / (2 sum(s))``; ``LogisticRegression(C)``:
    ``C sum(s)`` times it with penalty ``G(w) / (C sum(s))``), so relative gaps carry over.
    """
    X = X.toarray() if sp.issparse(X) else np.asarray(X)
    s = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, float)
    z = X @ w + b
    if loss == "squared":
        f = 0.5 * (y - z) ** 2
    elif loss == "logistic":
        f = np.logaddexp(0.0, -(2.0 * y - 1.0) * z)
    else:
        r = np.abs(y - z)
        f = np.where(r <= delta, 0.5 * r**2, delta * r - 0.5 * delta**2)
    return float(s @ f / s.sum() + penalty)


def _enet_value(w, alpha, l1_ratio):
    return alpha * (l1_ratio * np.abs(w).sum() + 0.5 * (1.0 - l1_ratio) * w @ w)


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
    ours_obj, ref_obj = (
        _objective(
            X,
            y,
            model.coef_,
            model.intercept_,
            penalty=_enet_value(model.coef_, alpha, l1_ratio),
            sample_weight=sample_weight,
        )
        for model in (ours, ref)
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


# ---- sparse real data: we8there (CSC, bigram counts) ------------------------------------------
def _we8there(n_rows, n_columns, seed, target):
    """A row subset of we8there with its most frequent bigrams, kept sparse (CSC)."""
    data = load_dataset("we8there")
    rng = np.random.default_rng(seed)
    rows = rng.choice(data["X"].shape[0], size=n_rows, replace=False)
    X = sp.csc_matrix(data["X"][rows])
    counts = np.asarray((X != 0).sum(axis=0)).ravel()
    X = X[:, np.sort(np.argsort(counts)[-n_columns:])]
    if target == "stars":  # overall rating, 1-5
        return X, np.asarray(data["ratings"][rows, -1], dtype=np.float64)
    return X, data["y"][rows]


@pytest.mark.parametrize("model", ["lasso", "elasticnet", "ridge"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_regression_matches_sklearn_on_sparse_real_data(model, fit_intercept, weighted):
    X, y = _we8there(800, 300, seed=3, target="stars")
    assert sp.issparse(X)
    rng = np.random.default_rng(3)
    sample_weight = rng.uniform(0.2, 3.0, size=X.shape[0]) if weighted else None
    s = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    y_bar = (s @ y / s.sum()) * fit_intercept
    alpha_max = np.abs(X.T @ (s * (y - y_bar))).max() / s.sum()
    if model == "ridge":
        alpha = 5.0
        ours = lp.Ridge(alpha, fit_intercept=fit_intercept, tol=1e-12)
        # scikit-learn's exact Cholesky solve, on the densified matrix
        ref = sk.Ridge(alpha=alpha, fit_intercept=fit_intercept, solver="cholesky")
        ref.fit(X.toarray(), y, sample_weight)
        penalty = lambda w: alpha * (w @ w) / (2.0 * s.sum())  # noqa: E731
    else:
        l1_ratio = 1.0 if model == "lasso" else 0.5
        alpha = 0.05 * alpha_max / l1_ratio
        kwargs = {} if model == "lasso" else {"l1_ratio": l1_ratio}
        ours = (lp.Lasso if model == "lasso" else lp.ElasticNet)(
            alpha, fit_intercept=fit_intercept, tol=1e-10, **kwargs
        )
        ref = (sk.Lasso if model == "lasso" else sk.ElasticNet)(
            alpha=alpha, fit_intercept=fit_intercept, tol=1e-12, max_iter=100_000, **kwargs
        ).fit(X, y, sample_weight=sample_weight)
        penalty = lambda w: _enet_value(w, alpha, l1_ratio)  # noqa: E731
    ours.fit(X, y, sample_weight)
    ours_obj, ref_obj = (
        _objective(X, y, m.coef_, m.intercept_, penalty=penalty(m.coef_), sample_weight=s)
        for m in (ours, ref)
    )
    assert abs(ours_obj - ref_obj) <= 1e-6 * ref_obj
    assert ours_obj <= ref_obj * (1 + 1e-9)  # and not worse beyond rounding
    if model != "ridge":
        assert ours.dual_gap_ <= 1e-10


# ---- logistic regression: l1, l2, elasticnet, C mapped to alpha -------------------------------
def _colon():
    data = load_dataset("colon_alon")
    X = np.log(np.asarray(data["X"], dtype=np.float64))[:, :80]
    return (X - X.mean(axis=0)) / X.std(axis=0), data["y"]


def _leukemia():
    """Golub's training split (38 samples), its 100 most variable genes, standardised."""
    data = load_dataset("leukemia_golub")
    train = data["split"] == "train"
    X = np.asarray(data["X"], dtype=np.float64)[train]
    X = X[:, np.sort(np.argsort(X.std(axis=0))[-100:])]
    return (X - X.mean(axis=0)) / X.std(axis=0), data["y"][train]


_SK_L1_RATIO = {"l1": 1.0, "l2": 0.0, "elasticnet": 0.5}


def _sk_logistic(penalty, C, fit_intercept):
    if penalty == "l2":
        solver = "lbfgs"
    elif penalty == "l1" and not fit_intercept:
        solver = "liblinear"  # penalises an intercept, so only without one
    else:
        solver = "saga"
    return sk.LogisticRegression(
        C=C,
        l1_ratio=_SK_L1_RATIO[penalty],
        solver=solver,
        fit_intercept=fit_intercept,
        tol=1e-12 if solver == "lbfgs" else 1e-10,
        max_iter=500_000,
    )


# Every (penalty, intercept, sample weights) cell on colon (dense) and on a 600 x 150 CSC row and
# column subset of we8there (sparse counts), where saga reaches its tol 1e-10 in about 3,500
# epochs (< 1 s); leukemia (dense, p > n) adds the two corners of each penalty.
_LOGISTIC_CASES = [
    (data, penalty, fit_intercept, weighted)
    for data in ("colon_alon", "we8there", "leukemia_golub")
    for penalty in ("l1", "l2", "elasticnet")
    for fit_intercept in (True, False)
    for weighted in (False, True)
    if data != "leukemia_golub" or fit_intercept == weighted
]


@pytest.mark.parametrize(("data", "penalty", "fit_intercept", "weighted"), _LOGISTIC_CASES)
def test_binary_logistic_regression_matches_sklearn(data, penalty, fit_intercept, weighted):
    if data == "we8there":
        X, y = _we8there(600, 150, seed=4, target="class")
        assert sp.issparse(X)
    else:
        X, y = _colon() if data == "colon_alon" else _leukemia()
    rng = np.random.default_rng(2)
    sample_weight = rng.uniform(0.5, 2.0, size=X.shape[0]) if weighted else None
    s = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    C = 0.5
    alpha = 1.0 / (C * s.sum())  # the documented mapping
    options = {"penalty": penalty, "fit_intercept": fit_intercept, "tol": 1e-10}
    options |= {"l1_ratio": 0.5} if penalty == "elasticnet" else {}
    with_C = lp.LogisticRegression(C=C, max_iter=5000, **options).fit(X, y, sample_weight)
    with_alpha = lp.LogisticRegression(alpha=alpha, max_iter=5000, **options).fit(
        X, y, sample_weight
    )
    ref = _sk_logistic(penalty, C, fit_intercept).fit(X, y, sample_weight)
    assert np.all(ref.n_iter_ < ref.max_iter)  # the reference reached its own tol
    r = _SK_L1_RATIO[penalty]
    ours_obj, alpha_obj, ref_obj = (
        _objective(
            X,
            y,
            m.coef_[0],
            m.intercept_[0] if fit_intercept else 0.0,
            loss="logistic",
            penalty=_enet_value(m.coef_[0], alpha, r),
            sample_weight=s,
        )
        for m in (with_C, with_alpha, ref)
    )
    assert abs(ours_obj - ref_obj) <= 1e-6 * ref_obj
    assert ours_obj <= ref_obj * (1 + 1e-9)
    assert with_C.dual_gap_[0] <= 1e-10
    np.testing.assert_allclose(with_C.coef_, with_alpha.coef_, rtol=0, atol=1e-12)
    assert alpha_obj == ours_obj
    np.testing.assert_array_equal(with_C.classes_, ref.classes_)
    if fit_intercept:  # the intercept matters here: the best model through 0 is worse
        through_zero = lp.LogisticRegression(
            C=C, max_iter=5000, **options | {"fit_intercept": False}
        )
        through_zero.fit(X, y, sample_weight)
        zero_obj = _objective(
            X,
            y,
            through_zero.coef_[0],
            0.0,
            loss="logistic",
            penalty=_enet_value(through_zero.coef_[0], alpha, r),
            sample_weight=s,
        )
        assert zero_obj > ours_obj * (1 + 1e-4)


# ---- the other convex penalties: cvxpy -------------------------------------------------------
def _cvxpy_fit(X, y, sample_weight, fit_intercept, loss_of_residual, penalty_of_w):
    cp = pytest.importorskip("cvxpy")
    w = cp.Variable(X.shape[1])
    b = cp.Variable() if fit_intercept else 0.0
    s = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    residual = y - X @ w - b
    problem = cp.Problem(cp.Minimize(s @ loss_of_residual(residual) / s.sum() + penalty_of_w(w)))
    problem.solve(solver="CLARABEL", tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10)
    return np.asarray(w.value), float(b.value) if fit_intercept else 0.0


@pytest.mark.parametrize("name", ["hitters", "credit"])
@pytest.mark.parametrize("p", [1.5, 3.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_lp_regression_p_at_least_one_matches_cvxpy(name, p, fit_intercept, weighted):
    cp = pytest.importorskip("cvxpy")
    X, y = _standardised(name)
    y = y / y.std()
    rng = np.random.default_rng(5)
    sample_weight = rng.uniform(0.2, 3.0, size=X.shape[0]) if weighted else None
    alpha = 0.05
    ours = lp.LpRegression(alpha, p=p, fit_intercept=fit_intercept, tol=1e-10, max_iter=10_000)
    ours.fit(X, y, sample_weight)
    w_ref, b_ref = _cvxpy_fit(
        X,
        y,
        sample_weight,
        fit_intercept,
        lambda r: 0.5 * cp.square(r),
        lambda w: alpha * cp.sum(cp.power(cp.abs(w), p)),
    )
    ours_obj, ref_obj = (
        _objective(X, y, w, b, penalty=alpha * np.sum(np.abs(w) ** p), sample_weight=sample_weight)
        for w, b in ((ours.coef_, ours.intercept_), (w_ref, b_ref))
    )
    assert abs(ours_obj - ref_obj) <= 1e-6 * ref_obj
    assert ours_obj <= ref_obj * (1 + 1e-9)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_huber_regression_matches_cvxpy(l1_ratio, fit_intercept, weighted):
    cp = pytest.importorskip("cvxpy")
    X, y = _standardised("hitters")  # salaries: heavy right tail, so Huber's linear part acts
    y = y / y.std()
    rng = np.random.default_rng(6)
    sample_weight = rng.uniform(0.2, 3.0, size=X.shape[0]) if weighted else None
    alpha, delta = 0.02, 0.5
    ours = lp.HuberRegression(
        alpha,
        delta=delta,
        l1_ratio=l1_ratio,
        fit_intercept=fit_intercept,
        tol=1e-10,
        max_iter=10_000,
    ).fit(X, y, sample_weight)
    w_ref, b_ref = _cvxpy_fit(
        X,
        y,
        sample_weight,
        fit_intercept,
        lambda r: 0.5 * cp.huber(r, delta),  # cvxpy's huber is twice h_delta
        lambda w: alpha * (l1_ratio * cp.norm1(w) + 0.5 * (1 - l1_ratio) * cp.sum_squares(w)),
    )
    residual = np.abs(y - X @ ours.coef_ - ours.intercept_)
    assert np.sum(residual > delta) >= 10  # both pieces of the loss are used
    ours_obj, ref_obj = (
        _objective(
            X,
            y,
            w,
            b,
            loss="huber",
            delta=delta,
            penalty=_enet_value(w, alpha, l1_ratio),
            sample_weight=sample_weight,
        )
        for w, b in ((ours.coef_, ours.intercept_), (w_ref, b_ref))
    )
    assert abs(ours_obj - ref_obj) <= 1e-6 * ref_obj
    assert ours_obj <= ref_obj * (1 + 1e-9)


@pytest.mark.parametrize("l1_ratio", [0.0, 0.3])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_group_lasso_regression_matches_cvxpy_on_colon_grouped(l1_ratio, fit_intercept, weighted):
    cp = pytest.importorskip("cvxpy")
    data = load_dataset("colon_grouped")
    X = np.asarray(data["X"], dtype=np.float64)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = np.asarray(data["y"], dtype=np.float64)  # 0/1 tissue labels, as a regression target
    groups = data["groups"]
    rng = np.random.default_rng(7)
    sample_weight = rng.uniform(0.2, 3.0, size=X.shape[0]) if weighted else None
    alpha = 0.02
    ours = lp.GroupLassoRegression(
        alpha, groups=groups, l1_ratio=l1_ratio, fit_intercept=fit_intercept, tol=1e-10
    ).fit(X, y, sample_weight)
    members = [np.flatnonzero(groups == g) for g in np.unique(groups)]

    def group_penalty(w, norm, l1):
        group_part = sum(np.sqrt(len(m)) * norm(w[m]) for m in members)
        return alpha * (l1_ratio * l1(w) + (1 - l1_ratio) * group_part)

    w_ref, b_ref = _cvxpy_fit(
        X,
        y,
        sample_weight,
        fit_intercept,
        lambda r: 0.5 * cp.square(r),
        lambda w: group_penalty(w, cp.norm2, cp.norm1),
    )
    active_groups = sum(np.any(ours.coef_[m] != 0) for m in members)
    assert 0 < active_groups < len(members)  # a genuinely group-sparse fit
    ours_obj, ref_obj = (
        _objective(
            X,
            y,
            w,
            b,
            penalty=group_penalty(w, np.linalg.norm, lambda v: np.abs(v).sum()),
            sample_weight=sample_weight,
        )
        for w, b in ((ours.coef_, ours.intercept_), (w_ref, b_ref))
    )
    assert abs(ours_obj - ref_obj) <= 1e-6 * ref_obj
    assert ours_obj <= ref_obj * (1 + 1e-9)


# ---- non-convex penalties: KKT from coef, and no worse than skglm -------------------------------
def _nonconvex_derivative(w, name, alpha, gamma, p):
    """Derivative of the penalty at w != 0 (numpy, written from the formulas)."""
    t = np.abs(w)
    if name == "mcp":
        return np.sign(w) * np.maximum(alpha - t / gamma, 0.0)
    if name == "scad":
        middle = np.maximum(gamma * alpha - t, 0.0) / (gamma - 1.0)
        return np.sign(w) * np.where(t <= alpha, alpha, middle)
    return np.sign(w) * alpha * p * t ** (p - 1.0)


def _nonconvex_value(w, name, alpha, gamma, p):
    t = np.abs(w)
    if name == "mcp":
        inner = alpha * t - t**2 / (2 * gamma)
        return float(np.sum(np.where(t <= gamma * alpha, inner, gamma * alpha**2 / 2)))
    if name == "scad":
        middle = (2 * gamma * alpha * t - t**2 - alpha**2) / (2 * (gamma - 1))
        outer = alpha**2 * (gamma + 1) / 2
        return float(
            np.sum(np.where(t <= alpha, alpha * t, np.where(t <= gamma * alpha, middle, outer)))
        )
    return float(alpha * np.sum(t**p))


@pytest.mark.parametrize(
    ("name", "fit_intercept", "weighted"),
    [
        (name, fit_intercept, weighted)
        for name in ("mcp", "scad", "lp")
        for fit_intercept in (True, False)
        for weighted in (False, True)
    ],
)
def test_nonconvex_satisfies_kkt_and_matches_or_beats_skglm(name, fit_intercept, weighted):
    skglm = pytest.importorskip("skglm")
    from skglm.datafits import Quadratic as SkglmQuadratic
    from skglm.datafits import WeightedQuadratic
    from skglm.penalties import L0_5, SCAD, MCPenalty
    from skglm.solvers import AndersonCD

    X, y = _standardised("hitters")
    y = y / y.std()
    rng = np.random.default_rng(8)
    sample_weight = rng.uniform(0.2, 3.0, size=X.shape[0]) if weighted else None
    s = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    alpha, p = 0.05, 0.5
    gamma = {"mcp": 3.0, "scad": 3.7, "lp": None}[name]
    if name == "lp":
        ours = lp.LpRegression(alpha, p=p, fit_intercept=fit_intercept, tol=1e-10)
        theirs = L0_5(alpha)
    else:
        make = lp.MCPRegression if name == "mcp" else lp.SCADRegression
        ours = make(alpha, gamma=gamma, fit_intercept=fit_intercept, tol=1e-10)
        theirs = MCPenalty(alpha, gamma) if name == "mcp" else SCAD(alpha, gamma)
    ours.fit(X, y, sample_weight)
    datafit = SkglmQuadratic() if sample_weight is None else WeightedQuadratic(sample_weight)
    ref = skglm.GeneralizedLinearEstimator(
        datafit=datafit,
        penalty=theirs,
        solver=AndersonCD(tol=1e-10, fit_intercept=fit_intercept, max_iter=1000),
    ).fit(X, y)
    # KKT, recomputed here: grad_j + G'(w_j) = 0 on the support, |grad_j| <= alpha off it
    # (for Lp, p < 1, every gradient is admissible at 0), and a zero intercept gradient
    w, b = ours.coef_, ours.intercept_
    residual_gradient = -s * (y - X @ w - b) / s.sum()
    grad = X.T @ residual_gradient
    grad_zero = np.abs(X.T @ (-s * (y - (s @ y / s.sum()) * fit_intercept) / s.sum())).max()
    support = w != 0
    violation = np.abs(grad[support] + _nonconvex_derivative(w[support], name, alpha, gamma, p))
    if name != "lp":
        violation = np.r_[violation, np.maximum(np.abs(grad[~support]) - alpha, 0.0)]
    assert 0 < support.sum() < X.shape[1]
    assert violation.max() <= 1e-8 * grad_zero
    if fit_intercept:
        assert abs(residual_gradient.sum()) <= 1e-8 * grad_zero
    ours_obj, ref_obj = (
        _objective(
            X,
            y,
            m.coef_,
            m.intercept_,
            penalty=_nonconvex_value(m.coef_, name, alpha, gamma, p),
            sample_weight=sample_weight,
        )
        for m in (ours, ref)
    )
    assert ours_obj <= ref_obj * (1 + 1e-6)
