"""What finalize reports: the certificate recomputed from the coefficients (independently of
the solver's running products, checked here against numpy products and lpreg.certificates on
densified X), once per point, and what it says when the certificate cannot be computed."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from lpreg.certificates import duality_gap, kkt_violation, objective_at_zero
from lpreg.datafits import Huber, Logistic, Quadratic
from lpreg.penalties import L1
from lpreg.solvers import solve
from lpreg.solvers.base import (
    Problem,
    build_problem,
    design_product,
    design_transpose_product,
    finalize,
)


def test_overflowing_objective_is_reported_as_such_not_as_max_iter():
    # 0.5 * y_i^2 overflows float64 for |y_i| ~ 1e200: no duality gap can be formed, and the
    # warning must say so instead of blaming max_iter
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 3))
    y = rng.standard_normal(20) * 1e200
    with (
        np.errstate(all="ignore"),
        pytest.warns(ConvergenceWarning) as records,
    ):
        result = solve(X, y, Quadratic(), L1(0.1), solver="proximal_gradient", max_iter=5)
    messages = [str(r.message) for r in records if r.category is ConvergenceWarning]
    assert not result.converged
    assert not np.isfinite(result.gap)
    assert any(
        "proximal_gradient stopped with duality gap nan" in m
        and "overflows" in m
        and "max_iter" not in m
        for m in messages
    ), messages


# --------------------------------------------------------------------------------------------
# the products and the evaluation every certificate goes through
# --------------------------------------------------------------------------------------------


def _designs(rng, n_samples=30, n_features=12):
    """The same matrix as dense F / C order, float32, CSC, CSR and COO, with empty columns."""
    dense = rng.standard_normal((n_samples, n_features))
    dense[rng.random(dense.shape) < 0.6] = 0.0
    dense[:, 3] = 0.0
    return {
        "fortran": np.asfortranarray(dense),
        "c_order": np.ascontiguousarray(dense),
        "float32": np.asfortranarray(dense, dtype=np.float32),
        "csc": sp.csc_matrix(dense),
        "csc_float32": sp.csc_matrix(dense, dtype=np.float32),
        "csr": sp.csr_matrix(dense),
        "coo": sp.coo_matrix(dense),
    }


@pytest.mark.parametrize(
    "layout", ["fortran", "c_order", "float32", "csc", "csc_float32", "csr", "coo"]
)
def test_design_products_equal_numpy_products_in_float64(layout):
    rng = np.random.default_rng(3)
    X = _designs(rng)[layout]
    reference = np.asarray(X.toarray() if sp.issparse(X) else X, dtype=np.float64)
    w = rng.standard_normal(X.shape[1])
    w[[0, 4, 5, 9]] = 0.0  # the product skips these columns
    g = rng.standard_normal(X.shape[0])
    product = design_product(X, w, 0.75)
    transpose = design_transpose_product(X, g)
    assert product.dtype == transpose.dtype == np.float64
    np.testing.assert_allclose(product, reference @ w + 0.75, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(transpose, reference.T @ g, rtol=1e-13, atol=1e-13)
    # all-zero coefficients: the intercept alone
    np.testing.assert_array_equal(design_product(X, np.zeros(X.shape[1]), -2.0), -2.0)


def _problem(datafit, penalty, fit_intercept=False, layout="fortran", weighted=True):
    rng = np.random.default_rng(5)
    X = _designs(rng)[layout]
    y = rng.standard_normal(X.shape[0])
    if isinstance(datafit, Logistic):
        y = np.where(y > 0, 1.0, -1.0)
    weights = rng.uniform(0.5, 2.0, X.shape[0]) if weighted else None
    problem = build_problem(
        X, y, datafit, penalty, sample_weight=weights, fit_intercept=fit_intercept
    )
    return problem, X, y, weights


def _certificates_by_hand(X, y, w, b, datafit, penalty, weights, fit_intercept, problem):
    """The relative gap and KKT violation from lpreg.certificates on plain float64 numpy
    arrays (X densified, products by numpy), scaled as Problem scales them."""
    dense = np.asarray(X.toarray() if sp.issparse(X) else X, dtype=np.float64)
    y_encoded = datafit.prepare_target(y)
    gap, primal, _ = duality_gap(dense, y_encoded, w, b, datafit, penalty, weights)
    kkt = kkt_violation(dense, y_encoded, w, b, datafit, penalty, weights, fit_intercept)
    zero = objective_at_zero(dense, y_encoded, datafit, penalty, weights, fit_intercept)
    b0 = datafit.intercept_at_zero(y_encoded, weights) if fit_intercept else 0.0
    grad0 = datafit.gradient(dense, y_encoded, np.full(dense.shape[0], b0), weights)
    scale_kkt = max(np.max(np.abs(grad0)), 1e-12)
    relative_gap = gap / zero
    if fit_intercept:
        relative_gap = max(relative_gap, kkt / scale_kkt)
    return (
        primal,
        relative_gap,
        kkt / scale_kkt,
        dense.T @ datafit.raw_gradient(y_encoded, dense @ w + b, weights),
    )


@pytest.mark.parametrize("layout", ["fortran", "float32", "csc"])
@pytest.mark.parametrize(
    "datafit, fit_intercept",
    [(Quadratic(), False), (Quadratic(), True), (Logistic(), True), (Huber(0.5), False)],
    ids=["quadratic", "quadratic_intercept", "logistic_intercept", "huber"],
)
def test_evaluate_equals_certificates_recomputed_with_numpy(datafit, fit_intercept, layout):
    penalty = L1(0.02)
    problem, X, y, weights = _problem(datafit, penalty, fit_intercept, layout)
    rng = np.random.default_rng(8)
    w = rng.standard_normal(problem.n_features) * (rng.random(problem.n_features) < 0.5)
    b = 0.3 if fit_intercept else 0.0
    objective, gap, kkt, grad = problem.evaluate_with_gradient(w, b)
    expected = _certificates_by_hand(X, y, w, b, datafit, penalty, weights, fit_intercept, problem)
    np.testing.assert_allclose([objective, gap, kkt], expected[:3], rtol=1e-10)
    np.testing.assert_allclose(grad, expected[3], rtol=1e-10, atol=1e-14)
    assert type(gap) is float and type(kkt) is float and type(objective) is float


def test_a_second_evaluation_at_the_same_point_reuses_the_first(monkeypatch):
    problem, X, y, weights = _problem(Quadratic(), L1(0.02))
    calls = []
    from_scratch = Problem._evaluate_from_scratch

    def counting(self, w, intercept):
        calls.append(w.copy())
        return from_scratch(self, w, intercept)

    monkeypatch.setattr(Problem, "_evaluate_from_scratch", counting)
    w = np.linspace(-1.0, 1.0, problem.n_features)
    first = problem.evaluate_with_gradient(w, 0.0)
    first[3][:] = 123.0  # the caller may scribble on its gradient: the cache keeps its own
    second = problem.evaluate_with_gradient(w.copy(), 0.0)
    assert len(calls) == 1
    assert second[:3] == first[:3]
    expected = _certificates_by_hand(X, y, w, 0.0, Quadratic(), L1(0.02), weights, False, problem)
    np.testing.assert_allclose(second[3], expected[3], rtol=1e-12)
    # the cache holds a copy: moving w in place (as solvers do) is a new point
    w[2] += 0.5
    moved = problem.evaluate_with_gradient(w, 0.0)
    assert len(calls) == 2
    expected = _certificates_by_hand(X, y, w, 0.0, Quadratic(), L1(0.02), weights, False, problem)
    np.testing.assert_allclose(moved[:3], expected[:3], rtol=1e-10)
    # another intercept, another X (solve_problem centres X this way), another penalty
    problem.evaluate_with_gradient(w, 0.1)
    problem.X = np.asfortranarray(problem.X * 2.0)
    problem.evaluate_with_gradient(w, 0.1)
    problem.with_terms(penalty=L1(0.5)).evaluate_with_gradient(w, 0.1)
    assert len(calls) == 5


def test_finalize_after_a_confirmed_stop_does_not_recompute(monkeypatch):
    # prox-Newton confirms a stop near tol with problem.certificate_at; finalize then
    # evaluates the same coefficients: one computation from scratch serves both
    problem, X, y, weights = _problem(Quadratic(), L1(0.02))
    result = solve(X, y, Quadratic(), L1(0.02), sample_weight=weights, tol=1e-10)
    calls = []
    from_scratch = Problem._evaluate_from_scratch

    def counting(self, w, intercept):
        calls.append(1)
        return from_scratch(self, w, intercept)

    monkeypatch.setattr(Problem, "_evaluate_from_scratch", counting)
    problem.certificate_at(result.coef, result.intercept)
    final = finalize(problem, result.coef, result.intercept, 1, None, "test")
    assert len(calls) == 1
    expected = _certificates_by_hand(
        X, y, result.coef, 0.0, Quadratic(), L1(0.02), weights, False, problem
    )
    assert final.gap == pytest.approx(expected[1], rel=1e-8, abs=1e-15)
    assert final.converged


@pytest.mark.parametrize("datafit", [Quadratic(), Logistic(), Huber(0.5)], ids=repr)
@pytest.mark.parametrize("solver", ["coordinate_descent", "prox_newton", "proximal_gradient"])
def test_reported_certificates_are_python_floats(datafit, solver):
    # raw_gradient used to return the weights' ndarray subclass, which leaked into the gap
    problem, X, y, weights = _problem(datafit, L1(0.02), fit_intercept=True)
    result = solve(X, y, datafit, L1(0.02), solver=solver, fit_intercept=True, max_iter=2000)
    assert type(result.gap) is float
    assert type(result.kkt_violation) is float
    assert type(result.objective) is float


# --------------------------------------------------------------------------------------------
# check_input=False: the estimators' lighter path
# --------------------------------------------------------------------------------------------


def test_check_input_false_skips_only_the_finiteness_scan():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((40, 6))
    y = rng.standard_normal(40)
    checked = solve(X, y, Quadratic(), L1(0.05), tol=1e-10)
    unchecked = solve(X, y, Quadratic(), L1(0.05), tol=1e-10, check_input=False)
    np.testing.assert_array_equal(unchecked.coef, checked.coef)
    assert unchecked.gap == checked.gap
    bad = X.copy()
    bad[3, 2] = np.nan
    with pytest.raises(ValueError, match="CoordinateDescent: X contains NaN or infinite"):
        solve(bad, y, Quadratic(), L1(0.05))
    # the conversions still run: C-ordered int X becomes Fortran float64
    as_int = np.ascontiguousarray(np.round(3 * X)).astype(np.int64)
    converted = solve(as_int, y, Quadratic(), L1(0.05), tol=1e-10, check_input=False)
    reference = solve(as_int.astype(np.float64), y, Quadratic(), L1(0.05), tol=1e-10)
    np.testing.assert_allclose(converted.coef, reference.coef, rtol=1e-12, atol=1e-14)
    with pytest.raises(TypeError, match="check_input must be True or False, got 'no'"):
        solve(X, y, Quadratic(), L1(0.05), check_input="no")
