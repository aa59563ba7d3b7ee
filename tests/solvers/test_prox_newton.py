"""ProxNewton against scikit-learn and cvxpy on real data, with recomputed duality gaps.

References: scikit-learn's ``LogisticRegression(penalty="l1", solver="liblinear",
fit_intercept=False)`` (liblinear penalises its intercept, so it is only used without one) and
cvxpy (CLARABEL, ``cp.logistic``) for the intercept, sample weights and Elastic Net.  The
objectives agree to 1e-6 relative; the certificate is recomputed from ``coef`` with
:func:`lpreg.certificates.duality_gap` (``recomputed_certificate`` in conftest).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import classification_data, load_dataset, recomputed_certificate
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso, LogisticRegression

from lpreg import L1, MCP, Logistic, Quadratic
from lpreg.certificates import objective
from lpreg.datafits.base import Datafit
from lpreg.penalties import ElasticNet
from lpreg.solvers import solve
from lpreg.solvers.prox_newton import second_derivative_kernel

TOL = 1e-10
REL = 1e-6


def _objective(X, y, coef, intercept, penalty, sample_weight=None):
    y = Logistic().prepare_target(y)
    return objective(X, y, coef, intercept, Logistic(), penalty, sample_weight)


def _alpha(X, y, fraction, sample_weight=None, fit_intercept=False):
    return fraction * L1().alpha_max(
        X, y, Logistic(), sample_weight=sample_weight, fit_intercept=fit_intercept
    )


def _cvxpy_logistic(X, y, alpha, l1_ratio=1.0, sample_weight=None, fit_intercept=False):
    """Minimise sum_i c_i log(1 + exp(-y_i (x_i'w + b))) + G(w) with CLARABEL."""
    cp = pytest.importorskip("cvxpy")
    n_samples, n_features = X.shape
    c = np.full(n_samples, 1.0 / n_samples) if sample_weight is None else sample_weight
    c = c / c.sum()
    w = cp.Variable(n_features)
    b = cp.Variable() if fit_intercept else 0.0
    margins = cp.multiply(y, X @ w + b)
    loss = cp.sum(cp.multiply(c, cp.logistic(-margins)))
    penalty = alpha * (l1_ratio * cp.norm1(w) + 0.5 * (1 - l1_ratio) * cp.sum_squares(w))
    problem = cp.Problem(cp.Minimize(loss + penalty))
    problem.solve(solver=cp.CLARABEL, tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12)
    intercept = float(b.value) if fit_intercept else 0.0
    return np.asarray(w.value), intercept


@pytest.fixture(scope="module")
def leukemia():
    return classification_data("leukemia_golub")


@pytest.fixture(scope="module")
def colon():
    return classification_data("colon_alon")


@pytest.mark.parametrize("fraction", [0.1, 0.01])
def test_leukemia_l1_matches_liblinear(leukemia, fraction):
    X, y = leukemia
    alpha = _alpha(X, y, fraction)
    result = solve(X, y, Logistic(), L1(alpha), solver="prox_newton", tol=TOL)
    reference = LogisticRegression(
        l1_ratio=1.0,
        C=1.0 / (X.shape[0] * alpha),
        solver="liblinear",
        fit_intercept=False,
        tol=1e-8,
        max_iter=100_000,
    ).fit(X, y)
    ours = _objective(X, y, result.coef, 0.0, L1(alpha))
    theirs = _objective(X, y, reference.coef_.ravel(), 0.0, L1(alpha))
    assert ours <= theirs * (1 + REL)
    assert abs(ours - theirs) <= REL * theirs
    assert recomputed_certificate(X, y, Logistic(), L1(alpha), result.coef, 0.0) <= TOL
    assert result.converged and result.solver == "prox_newton"
    assert 0 < np.count_nonzero(result.coef) < X.shape[0]


@pytest.mark.parametrize(
    ("l1_ratio", "weighted", "fit_intercept"),
    [(1.0, False, True), (1.0, True, True), (1.0, True, False), (0.5, True, True)],
)
def test_colon_matches_cvxpy(colon, l1_ratio, weighted, fit_intercept):
    X, y = colon
    X = np.asfortranarray(X[:, :300])
    rng = np.random.default_rng(0)
    sample_weight = rng.uniform(0.2, 3.0, X.shape[0]) if weighted else None
    alpha = _alpha(X, y, 0.05, sample_weight, fit_intercept) / l1_ratio
    penalty = L1(alpha) if l1_ratio == 1.0 else ElasticNet(alpha, l1_ratio)
    result = solve(
        X,
        y,
        Logistic(),
        penalty,
        solver="prox_newton",
        tol=TOL,
        sample_weight=sample_weight,
        fit_intercept=fit_intercept,
    )
    w_ref, b_ref = _cvxpy_logistic(X, y, alpha, l1_ratio, sample_weight, fit_intercept)
    ours = _objective(X, y, result.coef, result.intercept, penalty, sample_weight)
    theirs = _objective(X, y, w_ref, b_ref, penalty, sample_weight)
    assert ours <= theirs * (1 + REL)
    assert abs(ours - theirs) <= REL * theirs
    certificate = recomputed_certificate(
        X,
        y,
        Logistic(),
        penalty,
        result.coef,
        result.intercept,
        sample_weight=sample_weight,
        fit_intercept=fit_intercept,
    )
    assert certificate <= TOL
    if not fit_intercept:
        assert result.intercept == 0.0


@pytest.fixture(scope="module")
def we8there():
    data = load_dataset("we8there")
    X = sp.csc_matrix(data["X"])
    rows = np.arange(0, X.shape[0], 6)  # 1028 reviews
    columns = np.argsort(-X.getnnz(axis=0), kind="stable")[:400]  # the most frequent bigrams
    X = X[rows][:, np.sort(columns)].tocsc()
    y = np.where(data["y"][rows] == data["y"].max(), 1.0, -1.0)
    return X, y


def test_we8there_sparse_matches_liblinear_and_dense(we8there):
    X, y = we8there
    alpha = _alpha(X, y, 0.05)
    result = solve(X, y, Logistic(), L1(alpha), solver="prox_newton", tol=TOL)
    reference = LogisticRegression(
        l1_ratio=1.0,
        C=1.0 / (X.shape[0] * alpha),
        solver="liblinear",
        fit_intercept=False,
        tol=1e-8,
        max_iter=100_000,
    ).fit(X, y)
    ours = _objective(X, y, result.coef, 0.0, L1(alpha))
    theirs = _objective(X, y, reference.coef_.ravel(), 0.0, L1(alpha))
    assert ours <= theirs * (1 + REL)
    assert abs(ours - theirs) <= REL * theirs
    assert recomputed_certificate(X, y, Logistic(), L1(alpha), result.coef, 0.0) <= TOL
    dense = solve(X.toarray(), y, Logistic(), L1(alpha), solver="prox_newton", tol=TOL)
    np.testing.assert_allclose(dense.coef, result.coef, atol=1e-6)


def test_we8there_sparse_with_intercept_and_weights_certified(we8there):
    X, y = we8there
    sample_weight = np.random.default_rng(1).uniform(0.5, 2.0, X.shape[0])
    alpha = _alpha(X, y, 0.05, sample_weight, fit_intercept=True)
    result = solve(
        X,
        y,
        Logistic(),
        L1(alpha),
        solver="prox_newton",
        tol=TOL,
        sample_weight=sample_weight,
        fit_intercept=True,
    )
    certificate = recomputed_certificate(
        X,
        y,
        Logistic(),
        L1(alpha),
        result.coef,
        result.intercept,
        sample_weight=sample_weight,
        fit_intercept=True,
    )
    assert certificate <= TOL
    assert result.intercept != 0.0


def test_float32_is_kept_and_agrees_with_float64(leukemia):
    X, y = leukemia
    alpha = _alpha(X, y, 0.1)
    result64 = solve(X, y, Logistic(), L1(alpha), solver="prox_newton", tol=TOL)
    X32 = np.asfortranarray(X, dtype=np.float32)
    result32 = solve(X32, y, Logistic(), L1(alpha), solver="prox_newton", tol=1e-7)
    assert result32.coef.dtype == np.float32
    assert result32.converged
    ours = _objective(X, y, result32.coef.astype(np.float64), 0.0, L1(alpha))
    assert abs(ours - result64.objective) <= 1e-5 * result64.objective


def test_quadratic_l1_matches_lasso():
    data = load_dataset("prostate")
    X = data["X"] - data["X"].mean(axis=0)
    X = np.asfortranarray(X / X.std(axis=0))
    y = data["y"] - data["y"].mean()
    alpha = 0.02
    result = solve(X, y, Quadratic(), L1(alpha), solver="prox_newton", tol=TOL)
    reference = Lasso(alpha=alpha, fit_intercept=False, tol=1e-14, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(result.coef, reference.coef_, atol=1e-7)
    assert recomputed_certificate(X, y, Quadratic(), L1(alpha), result.coef, 0.0) <= TOL


def test_alpha_max_gives_zero_and_just_below_does_not(colon):
    X, y = colon
    alpha_max = _alpha(X, y, 1.0, fit_intercept=True)
    at_max = solve(X, y, Logistic(), L1(alpha_max), solver="prox_newton", fit_intercept=True)
    assert np.all(at_max.coef == 0.0)
    expected = Logistic().intercept_at_zero(Logistic().prepare_target(y))
    assert abs(at_max.intercept - expected) <= 1e-8
    below = solve(X, y, Logistic(), L1(0.99 * alpha_max), solver="prox_newton")
    assert np.count_nonzero(below.coef) > 0


def test_history_and_convergence_warning(colon):
    X, y = colon
    alpha = _alpha(X, y, 0.01)
    with pytest.warns(ConvergenceWarning, match="prox_newton stopped at max_iter=1 with duality"):
        result = solve(X, y, Logistic(), L1(alpha), solver="prox_newton", max_iter=1)
    assert not result.converged
    result = solve(X, y, Logistic(), L1(alpha), solver="prox_newton", tol=TOL, history=True)
    certificates = result.history["certificate"]
    assert certificates[0] > 1e-2 and certificates[-1] <= TOL
    assert len(result.history["objective"]) == len(certificates) == result.n_iter + 1


def test_refuses_nonconvex_penalty_and_datafit_without_second_derivative(colon):
    X, y = colon
    with pytest.raises(ValueError, match="ProxNewton cannot solve Logistic \\+ MCP: it needs a"):
        solve(X, y, Logistic(), MCP(0.1, 3.0), solver="prox_newton")

    class Unknown(Datafit):
        scalar_kernels = Quadratic.scalar_kernels

    assert second_derivative_kernel(Unknown()) is None
    with pytest.raises(ValueError, match="needs the second derivative of the datafit"):
        solve(X, y, Unknown(), L1(0.1), solver="prox_newton")


@pytest.mark.parametrize("name", ["Quadratic", "Logistic", "Huber"])
def test_second_derivative_matches_finite_differences(name):
    import lpreg.datafits as datafits

    datafit = getattr(datafits, name)()
    kernel = second_derivative_kernel(datafit)
    derivative = datafit.scalar_kernels.derivative
    params = datafit.params
    step = 1e-6
    for y_i in (-1.0, 1.0):
        for z in (-7.0, -1.3, -0.2, 0.4, 2.5, 30.0):
            if name == "Huber" and abs(abs(y_i - z) - params[0]) < 1e-3:
                continue  # kink of Huber's derivative
            numeric = (derivative(y_i, z + step, params) - derivative(y_i, z - step, params)) / (
                2 * step
            )
            assert abs(kernel(y_i, z, params) - numeric) <= 1e-6


def test_last_newton_steps_converge_superlinearly():
    # near the optimum the unit Newton step must pass the line search: a rule that rejects it
    # (halving the step) leaves the gap shrinking by about 1/2 per iteration instead (the
    # former derivative-only rule did, twice, on all of we8there at alpha_max / 100)
    data = load_dataset("we8there")
    X = sp.csc_matrix(data["X"])
    y = np.where(data["y"] == data["y"].max(), 1.0, -1.0)
    alpha = _alpha(X, y, 0.01)
    result = solve(X, y, Logistic(), L1(alpha), solver="prox_newton", tol=1e-11, history=True)
    certificates = np.asarray(result.history["certificate"])
    assert certificates[-1] <= 1e-11
    close = np.flatnonzero((certificates[:-1] < 1e-3) & (certificates[:-1] > 1e-11))
    assert close.size >= 1
    ratios = certificates[close + 1] / certificates[close]
    assert np.all(ratios <= 0.1), ratios


@pytest.mark.parametrize("step", [1.0, 0.25])
def test_line_search_terms_match_the_objective_change(we8there, step):
    # (change, slope) of the line search against the objective and a central difference in numpy
    from lpreg.datafits.logistic import Logistic as LogisticDatafit
    from lpreg.penalties.l1 import l1_value_scalar
    from lpreg.solvers.prox_newton import _line_search_slope, _line_search_terms

    X, y = we8there
    n_samples, n_features = X.shape
    alpha = _alpha(X, y, 0.05)
    rng = np.random.default_rng(3)
    w = np.where(rng.random(n_features) < 0.1, rng.standard_normal(n_features), 0.0)
    ws = np.sort(rng.choice(n_features, 60, replace=False)).astype(np.int64)
    d = rng.standard_normal(ws.size) * 0.1
    d_b = 0.05
    full_d = np.zeros(n_features)
    full_d[ws] = d
    z = X @ w
    Xd = X @ full_d + d_b
    c = np.full(n_samples, 1.0 / n_samples)
    weights = np.ones(n_features)
    params = np.array([alpha])
    penalty_old = alpha * np.abs(w[ws]).sum()
    kernels = LogisticDatafit.scalar_kernels
    change, slope = _line_search_terms(
        kernels.loss, kernels.derivative, l1_value_scalar, y, z, Xd, c, np.zeros(0), w, d, ws,
        weights, params, step, penalty_old,
    )  # fmt: skip

    def objective(t):
        margins = y * (z + t * Xd)
        return np.mean(np.logaddexp(0.0, -margins)) + alpha * np.abs(w + t * full_d).sum()

    assert change == pytest.approx(objective(step) - objective(0.0), rel=1e-9, abs=1e-15)
    h = 1e-6
    smooth = np.mean(np.logaddexp(0.0, -y * (z + (step + h) * Xd)))
    smooth -= np.mean(np.logaddexp(0.0, -y * (z + (step - h) * Xd)))
    penalty_change = alpha * (np.abs(w + step * full_d).sum() - np.abs(w).sum())
    assert slope == pytest.approx(smooth / (2 * h) + penalty_change / step, rel=1e-6)
    # the slope alone, which the line search tests first
    slope_only = _line_search_slope(
        kernels.derivative, l1_value_scalar, y, z, Xd, c, np.zeros(0), w, d, ws, weights,
        params, step, penalty_old,
    )  # fmt: skip
    assert slope_only == slope


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_stop_is_decided_on_the_certificate_finalize_reports(leukemia, dtype, monkeypatch):
    # the gap that stops prox-Newton is computed from scratch at the coefficients returned
    # (rounded to X's dtype); finalize reuses it instead of recomputing the same products
    from lpreg.solvers import base
    from lpreg.solvers.base import Problem

    X, y = leukemia
    X = np.asfortranarray(X, dtype=dtype)
    alpha = _alpha(X.astype(np.float64), y, 0.1)
    points = []
    from_scratch = Problem._evaluate_from_scratch

    def recording(self, w, intercept):
        points.append(w.copy())
        return from_scratch(self, w, intercept)

    evaluated_before_finalize = []
    finalize = base.finalize

    def recording_finalize(problem, coef, *args):
        evaluated_before_finalize.extend(points)
        return finalize(problem, coef, *args)

    monkeypatch.setattr(Problem, "_evaluate_from_scratch", recording)
    monkeypatch.setattr(base, "finalize", recording_finalize)
    tol = 1e-6
    result = solve(X, y, Logistic(), L1(alpha), solver="prox_newton", tol=tol)
    assert result.converged and result.coef.dtype == dtype
    # the solver evaluated the returned point itself, and finalize did not evaluate again
    np.testing.assert_array_equal(evaluated_before_finalize[-1], result.coef.astype(np.float64))
    assert len(points) == len(evaluated_before_finalize)
    # ... and its certificate, recomputed independently in float64, is the one reported
    recomputed = recomputed_certificate(
        X.astype(np.float64), y, Logistic(), L1(alpha), result.coef, result.intercept
    )
    assert recomputed <= tol
    assert result.gap == pytest.approx(recomputed, rel=1e-6, abs=1e-12)
