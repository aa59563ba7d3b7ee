"""Regularization paths: agreement with scikit-learn's lasso_path/enet_path on real data, the
exact alpha_max, and the strong rule never discarding a feature the KKT conditions need."""

import numpy as np
import pytest
from conftest import load_dataset
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import enet_path as sk_enet_path
from sklearn.linear_model import lasso_path as sk_lasso_path

from lpreg import L1, MCP, Lp, Quadratic
from lpreg.path import alpha_grid, alpha_max, enet_path, lasso_path, regularization_path
from lpreg.penalties import ElasticNet, PenaltyFactor


def _standardized(name, n_features=None):
    data = load_dataset(name)
    X = np.asarray(data["X"], dtype=np.float64)[:, :n_features]
    X = X[:, X.std(axis=0) > 0]
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = np.asarray(data["y"], dtype=np.float64)
    return X, (y - y.mean()) / y.std()


def _enet_objective(X, y, w, alpha, l1_ratio):
    residual = y - X @ w
    return (
        0.5 * np.mean(residual**2)
        + alpha * l1_ratio * np.abs(w).sum()
        + 0.5 * alpha * (1 - l1_ratio) * w @ w
    )


def _assert_strong_rule_kept_kkt(X, y, path, penalty):
    """At every point the full KKT conditions hold for each feature left at 0: a feature the
    strong rule wrongly discarded would violate them by a fraction of alpha; one the solver
    left at 0 within its certificate (tol <= 1e-9 here) only by rounding."""
    for k, alpha in enumerate(path.alphas):
        w = path.coefs[:, k]
        grad = X.T @ (X @ w + path.intercepts[k] - y) / X.shape[0]
        distances = penalty.with_alpha(alpha).subdiff_distance(w, grad)
        assert np.all(distances[w == 0] <= 1e-9 * alpha), (k, distances[w == 0].max())


@pytest.mark.parametrize(
    ("name", "n_features", "eps"), [("hitters", None, 1e-3), ("colon_alon", 300, 1e-2)]
)
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_path_matches_scikit_learn_on_real_data(name, n_features, eps, l1_ratio):
    X, y = _standardized(name, n_features)
    if l1_ratio == 1.0:
        path = lasso_path(X, y, eps=eps, n_alphas=25, tol=1e-9)
        sk_alphas, sk_coefs, _ = sk_lasso_path(
            X, y, eps=eps, alphas=25, tol=1e-10, max_iter=100_000
        )
    else:
        path = enet_path(X, y, l1_ratio=l1_ratio, eps=eps, n_alphas=25, tol=1e-9)
        sk_alphas, sk_coefs, _ = sk_enet_path(
            X, y, l1_ratio=l1_ratio, eps=eps, alphas=25, tol=1e-10, max_iter=100_000
        )
    np.testing.assert_allclose(path.alphas, sk_alphas, rtol=1e-12)
    for k, alpha in enumerate(path.alphas):
        ours = _enet_objective(X, y, path.coefs[:, k], alpha, l1_ratio)
        theirs = _enet_objective(X, y, sk_coefs[:, k], alpha, l1_ratio)
        assert abs(ours - theirs) <= 1e-6 * theirs, (k, ours, theirs)
    assert np.all(path.certificates <= 1e-9)
    # no full-path shortcut: the restricted solves really used fewer columns than X has
    assert path.n_strong[1] < X.shape[1]
    _assert_strong_rule_kept_kkt(X, y, path, ElasticNet(1.0, l1_ratio))


def test_first_point_is_zero_and_just_below_alpha_max_is_not():
    X, y = _standardized("hitters")
    top = alpha_max(X, y, Quadratic(), L1(1.0))
    assert top == pytest.approx(np.max(np.abs(X.T @ y)) / X.shape[0], rel=1e-14)
    path = regularization_path(X, y, alphas=[top, 0.99 * top], tol=1e-10)
    assert np.all(path.coefs[:, 0] == 0)
    assert np.count_nonzero(path.coefs[:, 1]) == 1


def test_alpha_max_with_intercept_and_unpenalized_feature():
    # c_0 = 0: feature 0 and the intercept are fitted first; alpha_max comes from the rest
    X, y = _standardized("prostate")
    X = X + 3.0  # non-centred columns: the intercept matters
    factors = np.ones(X.shape[1])
    factors[0] = 0.0
    penalty = PenaltyFactor(L1(1.0), factors)
    top = alpha_max(X, y, Quadratic(), penalty, fit_intercept=True)
    # independent reference: least squares on [1, x_0], then the largest correlation
    design = np.column_stack([np.ones(X.shape[0]), X[:, 0]])
    beta = np.linalg.lstsq(design, y, rcond=None)[0]
    residual = y - design @ beta
    assert top == pytest.approx(np.max(np.abs(X[:, 1:].T @ residual)) / X.shape[0], rel=1e-8)
    path = regularization_path(
        X,
        y,
        penalty=penalty,
        alphas=[top * 1.0000001, 0.98 * top],
        fit_intercept=True,
        tol=1e-10,
    )
    assert np.all(path.coefs[1:, 0] == 0) and path.coefs[0, 0] == pytest.approx(beta[1])
    assert np.count_nonzero(path.coefs[1:, 1]) == 1


def test_strong_rule_violations_are_added_back():
    # x0, x1 strongly correlated and fitted with opposite signs; x2 follows x0 - x1, so its
    # correlation with the residual grows with slope sqrt(2 / (1 - rho)) > 1 as alpha drops,
    # which the strong rule assumes cannot happen: it discards x2 too early (seed found by
    # search).  The KKT check must add it back and give the path computed without the rule.
    rng = np.random.default_rng(7)
    n, p = 50, 20
    X = rng.standard_normal((n, p))
    X[:, 1] = 0.95 * X[:, 0] + np.sqrt(1 - 0.95**2) * X[:, 1]
    X[:, 2] = (X[:, 0] - X[:, 1]) / np.std(X[:, 0] - X[:, 1]) * 0.7 + 0.7 * X[:, 2]
    y = 3 * X[:, 0] - 2.5 * X[:, 1] + 0.5 * rng.standard_normal(n)
    with_rule = lasso_path(X, y, n_alphas=20, eps=0.05, tol=1e-10)
    without = lasso_path(X, y, n_alphas=20, eps=0.05, tol=1e-10, strong_rule=False)
    assert with_rule.n_added.sum() >= 1
    assert np.all(without.n_strong == p)
    np.testing.assert_allclose(with_rule.objectives, without.objectives, rtol=1e-9)
    _assert_strong_rule_kept_kkt(X, y, with_rule, L1(1.0))


def test_nonconvex_paths_are_stationary_and_warm_started():
    X, y = _standardized("prostate")
    for penalty in (MCP(1.0, gamma=3.0), Lp(1.0, p=0.5)):
        path = regularization_path(X, y, penalty=penalty, n_alphas=10, eps=1e-2, tol=1e-8)
        assert path.certificate == "kkt_violation"
        assert np.all(path.kkt_violations <= 1e-8)
        assert path.n_nonzero[0] == 0 and path.n_nonzero[-1] > 0


def test_grid_is_geometric_from_alpha_max():
    grid = alpha_grid(2.0, eps=1e-3, n_alphas=4)
    np.testing.assert_allclose(grid, [2.0, 2e-1, 2e-2, 2e-3], rtol=1e-12)


def test_unpacks_like_scikit_learn_and_reports_certificates():
    X, y = _standardized("prostate")
    alphas, coefs, gaps = lasso_path(X, y, n_alphas=5)
    assert coefs.shape == (X.shape[1], 5) and np.all(gaps <= 1e-6) and alphas[0] > alphas[-1]


def test_bad_input_messages():
    X, y = _standardized("prostate")
    with pytest.raises(
        ValueError, match=r"regularization_path: eps must be in \(0.0, 1.0\], got eps=0.0"
    ):
        lasso_path(X, y, eps=0.0)
    with pytest.raises(ValueError, match="regularization_path: n_alphas must be an integer >= 1"):
        lasso_path(X, y, n_alphas=0)
    with pytest.raises(ValueError, match="regularization_path: alphas must be finite and >= 0"):
        lasso_path(X, y, alphas=[1.0, -1.0])
    with pytest.raises(ValueError, match="alpha_max: every feature is unpenalized"):
        alpha_max(X, y, Quadratic(), PenaltyFactor(L1(1.0), np.zeros(X.shape[1])))


def test_warns_once_with_the_worst_point():
    X, y = _standardized("prostate")
    with pytest.warns(ConvergenceWarning, match="regularization_path: .* missed tol"):
        with pytest.warns(ConvergenceWarning, match="max_iter=1"):
            lasso_path(X, y, n_alphas=3, eps=1e-3, tol=1e-14, max_iter=1)


def _lasso_relative_gap(X, y, w, alpha):
    """The Lasso duality gap at ``w`` relative to the objective at 0, in numpy: the dual point
    is the residual rescaled into ``||X' theta||_inf <= alpha`` (no intercept)."""
    n = X.shape[0]
    residual = y - X @ w
    primal = residual @ residual / (2 * n) + alpha * np.abs(w).sum()
    theta = residual / max(n, np.max(np.abs(X.T @ residual)) / alpha)
    dual = y @ y / (2 * n) - 0.5 * n * np.sum((theta - y / n) ** 2)
    return (primal - dual) / (y @ y / (2 * n))


def test_reported_certificates_are_the_full_gaps_recomputed_in_numpy():
    # the path reports the certificate of the full problem although it solved restricted ones
    X, y = _standardized("colon_alon", 300)
    path = lasso_path(X, y, n_alphas=15, eps=1e-2, tol=1e-8)
    assert path.n_strong[5] < X.shape[1]
    expected = [
        _lasso_relative_gap(X, y, path.coefs[:, k], alpha) for k, alpha in enumerate(path.alphas)
    ]
    np.testing.assert_allclose(path.certificates, expected, rtol=1e-6, atol=1e-13)
    assert max(expected) <= 1e-8
    objectives = [
        _enet_objective(X, y, path.coefs[:, k], a, 1.0) for k, a in enumerate(path.alphas)
    ]
    np.testing.assert_allclose(path.objectives, objectives, rtol=1e-12)


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csc"])
@pytest.mark.parametrize("strong_rule", [True, False], ids=["strong", "full"])
def test_intercept_path_matches_scikit_learn_lasso_at_every_alpha(sparse, strong_rule):
    # one validated problem serves every point: the centring a solve does for the intercept
    # must not leak into the next point (objectives are recomputed here in numpy)
    import scipy.sparse as sp
    from sklearn.linear_model import Lasso

    data = load_dataset("prostate")
    X = np.asarray(data["X"], dtype=np.float64)
    y = np.asarray(data["y"], dtype=np.float64)
    X_fit = sp.csc_matrix(X) if sparse else X
    path = lasso_path(
        X_fit, y, n_alphas=8, eps=1e-2, fit_intercept=True, strong_rule=strong_rule, tol=1e-10
    )
    for k, alpha in enumerate(path.alphas):
        reference = Lasso(alpha=alpha, tol=1e-12, max_iter=100_000).fit(X, y)
        theirs = 0.5 * np.mean((y - X @ reference.coef_ - reference.intercept_) ** 2)
        theirs += alpha * np.abs(reference.coef_).sum()
        w, b = path.coefs[:, k], path.intercepts[k]
        ours = 0.5 * np.mean((y - X @ w - b) ** 2) + alpha * np.abs(w).sum()
        assert ours <= theirs * (1 + 1e-8), (k, ours, theirs)
        assert path.objectives[k] == pytest.approx(ours, rel=1e-10)


def test_solver_is_resolved_and_checked_before_any_work():
    from lpreg.solvers.prox_newton import ProxNewton

    X, y = _standardized("prostate")
    with pytest.raises(ValueError, match="regularization_path: solver must be 'auto' or one of"):
        lasso_path(X, y, n_alphas=3, solver="newton")
    with pytest.raises(ValueError, match=r"ProximalGradient: unknown option\(s\) \['gram'\]"):
        lasso_path(X, y, n_alphas=3, solver="proximal_gradient", gram=True)
    # a Solver instance is used as given, on every point
    path = lasso_path(X, y, n_alphas=4, eps=1e-2, solver=ProxNewton(), tol=1e-10)
    reference = lasso_path(X, y, n_alphas=4, eps=1e-2, tol=1e-10)
    np.testing.assert_allclose(path.objectives, reference.objectives, rtol=1e-9)
