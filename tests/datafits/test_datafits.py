"""Datafits against independent references: finite differences, scikit-learn, scipy.

Shared tests loop over ``DATAFITS``; each datafit gets targets of its kind from ``make_target``.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from scipy.special import huber as scipy_huber
from sklearn.metrics import log_loss, mean_squared_error

from lpreg import Huber, Logistic, Quadratic
from lpreg.datafits.base import NormalizedWeights, column_sq_norms, normalized_sample_weight

DATAFITS = [Quadratic(), Logistic(), Huber(delta=1.0), Huber(delta=0.3)]
N_SAMPLES, N_FEATURES = 40, 7


def make_target(datafit, rng, n_samples=N_SAMPLES):
    """Targets in the datafit's encoding; Huber's straddle both zones of the loss."""
    if isinstance(datafit, Logistic):
        return np.where(rng.random(n_samples) < 0.4, 1.0, -1.0)
    return 1.5 * rng.standard_normal(n_samples)


def make_problem(datafit, seed=0, density=0.4):
    rng = np.random.default_rng(seed)
    dense = rng.standard_normal((N_SAMPLES, N_FEATURES))
    dense[rng.random(dense.shape) > density] = 0.0
    y = make_target(datafit, rng)
    w = 0.5 * rng.standard_normal(N_FEATURES)
    sample_weight = rng.uniform(0.2, 3.0, N_SAMPLES)
    return dense, y, w, sample_weight


class NoDensifyCSC(sp.csc_matrix):
    """A CSC matrix that fails the test if anything turns it into a dense array."""

    def toarray(self, *args, **kwargs):
        raise AssertionError("sparse X was densified (toarray)")

    def todense(self, *args, **kwargs):
        raise AssertionError("sparse X was densified (todense)")


def objective(datafit, X, y, w, intercept, sample_weight):
    Xw = np.asarray(X @ w).ravel() + intercept
    return datafit.value(y, Xw, sample_weight)


# --------------------------------------------------------------------------------------------
# gradient and kernels
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("datafit", DATAFITS, ids=repr)
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csc"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_gradient_matches_central_differences(datafit, sparse, weighted):
    dense, y, w, sample_weight = make_problem(datafit)
    sample_weight = sample_weight if weighted else None
    X = NoDensifyCSC(dense) if sparse else dense
    intercept = 0.3
    Xw = np.asarray(X @ w).ravel() + intercept
    gradient = datafit.gradient(X, y, Xw, sample_weight)
    intercept_gradient = datafit.raw_gradient(y, Xw, sample_weight).sum()

    eps = 1e-6
    numerical = np.empty(N_FEATURES)
    for j in range(N_FEATURES):
        step = np.zeros(N_FEATURES)
        step[j] = eps
        numerical[j] = (
            objective(datafit, X, y, w + step, intercept, sample_weight)
            - objective(datafit, X, y, w - step, intercept, sample_weight)
        ) / (2 * eps)
    numerical_intercept = (
        objective(datafit, X, y, w, intercept + eps, sample_weight)
        - objective(datafit, X, y, w, intercept - eps, sample_weight)
    ) / (2 * eps)
    np.testing.assert_allclose(gradient, numerical, rtol=1e-6, atol=1e-8)
    assert abs(intercept_gradient - numerical_intercept) <= 1e-8
    # the gradient is not trivially zero here, so the comparison has teeth
    assert np.max(np.abs(gradient)) > 1e-2


@pytest.mark.parametrize("datafit", DATAFITS, ids=repr)
def test_scalar_kernels_equal_vectorised_loss_and_derivative(datafit):
    rng = np.random.default_rng(1)
    z = np.concatenate([[-800.0, -40.0, -1.0, 0.0, 1e-9, 1.0, 40.0, 800.0], rng.normal(0, 3, 30)])
    y = make_target(datafit, rng, n_samples=z.shape[0])
    kernels, params = datafit.scalar_kernels, datafit.params
    loss = np.array([kernels.loss(y[i], z[i], params) for i in range(z.shape[0])])
    derivative = np.array([kernels.derivative(y[i], z[i], params) for i in range(z.shape[0])])
    np.testing.assert_allclose(loss, datafit._loss(y, z), rtol=1e-14, atol=0)
    np.testing.assert_allclose(derivative, datafit._derivative(y, z), rtol=1e-14, atol=1e-300)
    assert np.all(np.isfinite(loss)) and np.all(np.isfinite(derivative))


def test_logistic_loss_is_accurate_at_large_margins():
    # log(1 + e^{-m}) = e^{-m} (1 + O(e^{-m})): the naive formula returns 0 here
    datafit = Logistic()
    y = np.array([1.0, -1.0, 1.0, -1.0])
    z = np.array([40.0, -40.0, -800.0, 800.0])
    expected_loss = np.array([np.exp(-40.0), np.exp(-40.0), 800.0, 800.0])
    expected_derivative = np.array([-np.exp(-40.0), np.exp(-40.0), -1.0, 1.0])
    for loss, derivative in [
        (datafit._loss(y, z), datafit._derivative(y, z)),
        (
            [datafit.scalar_kernels.loss(a, b, datafit.params) for a, b in zip(y, z, strict=True)],
            [
                datafit.scalar_kernels.derivative(a, b, datafit.params)
                for a, b in zip(y, z, strict=True)
            ],
        ),
    ]:
        np.testing.assert_allclose(loss, expected_loss, rtol=1e-12)
        np.testing.assert_allclose(derivative, expected_derivative, rtol=1e-12)


# --------------------------------------------------------------------------------------------
# curvature bounds
# --------------------------------------------------------------------------------------------


def exact_hessian(datafit, X, y, Xw, c):
    """:math:`X^\\top \\mathrm{diag}(c f'') X` with :math:`f''` from the loss's formula."""
    if isinstance(datafit, Quadratic):
        second = np.ones_like(Xw)
    elif isinstance(datafit, Logistic):
        sigma = 1.0 / (1.0 + np.exp(-Xw))
        second = sigma * (1.0 - sigma)
    else:
        second = (np.abs(y - Xw) <= datafit.delta).astype(float)
    return X.T @ ((c * second)[:, None] * X)


@pytest.mark.parametrize("datafit", DATAFITS, ids=repr)
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_lipschitz_constants_bound_the_curvature(datafit, weighted):
    dense, y, w, sample_weight = make_problem(datafit, seed=2)
    sample_weight = sample_weight if weighted else None
    c = sample_weight / sample_weight.sum() if weighted else np.full(N_SAMPLES, 1 / N_SAMPLES)
    lipschitz = datafit.lipschitz_constants(dense, sample_weight)
    global_lipschitz = datafit.global_lipschitz(dense, sample_weight)
    rng = np.random.default_rng(3)

    for scale in [0.0, 0.5, 2.0]:
        Xw = dense @ (scale * w)
        hessian = exact_hessian(datafit, dense, y, Xw, c)
        assert np.all(np.diag(hessian) <= lipschitz * (1 + 1e-12))
        assert np.linalg.eigvalsh(hessian).max() <= global_lipschitz * (1 + 1e-12)
        for _ in range(5):
            direction = rng.standard_normal(N_FEATURES)
            h = 1e-4  # second difference of F along the direction: d' H d
            second = (
                objective(datafit, dense, y, scale * w + h * direction, 0.0, sample_weight)
                - 2 * objective(datafit, dense, y, scale * w, 0.0, sample_weight)
                + objective(datafit, dense, y, scale * w - h * direction, 0.0, sample_weight)
            ) / h**2
            assert second <= global_lipschitz * direction @ direction * (1 + 1e-5) + 1e-7

    # the bounds are attained where f'' equals its bound: at z = 0 for the logistic loss, in
    # the quadratic zone (all residuals below delta) for Huber, everywhere for least squares
    y_tight = np.where(y > 0, 1.0, -1.0) if isinstance(datafit, Logistic) else 0.0 * y
    hessian = exact_hessian(datafit, dense, y_tight, np.zeros(N_SAMPLES), c)
    np.testing.assert_allclose(np.diag(hessian), lipschitz, rtol=1e-12)
    np.testing.assert_allclose(np.linalg.eigvalsh(hessian).max(), global_lipschitz, rtol=1e-10)


@pytest.mark.parametrize("datafit", DATAFITS, ids=repr)
def test_sparse_input_gives_the_dense_result_without_densifying(datafit):
    dense, y, w, sample_weight = make_problem(datafit, seed=4, density=0.3)
    X = NoDensifyCSC(dense)
    Xw_dense = dense @ w
    Xw_sparse = np.asarray(X @ w).ravel()
    np.testing.assert_allclose(Xw_sparse, Xw_dense, rtol=1e-14)
    for weights in [None, sample_weight]:
        np.testing.assert_allclose(
            datafit.gradient(X, y, Xw_sparse, weights),
            datafit.gradient(dense, y, Xw_dense, weights),
            rtol=1e-13,
            atol=1e-15,
        )
        np.testing.assert_allclose(
            datafit.lipschitz_constants(X, weights),
            datafit.lipschitz_constants(dense, weights),
            rtol=1e-13,
        )
        np.testing.assert_allclose(
            datafit.global_lipschitz(X, weights),
            datafit.global_lipschitz(dense, weights),
            rtol=1e-8,
        )
        for fit_intercept in [False, True]:
            np.testing.assert_allclose(
                datafit.gradient_at_zero(X, y, sample_weight=weights, fit_intercept=fit_intercept),
                datafit.gradient_at_zero(
                    dense, y, sample_weight=weights, fit_intercept=fit_intercept
                ),
                rtol=1e-13,
                atol=1e-15,
            )


# --------------------------------------------------------------------------------------------
# values against scikit-learn and scipy
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_logistic_value_equals_sklearn_log_loss(weighted):
    rng = np.random.default_rng(5)
    labels = rng.integers(0, 2, 50)
    z = rng.normal(0, 2, 50)
    sample_weight = rng.uniform(0.1, 4.0, 50) if weighted else None
    datafit = Logistic()
    y = datafit.prepare_target(labels)
    probability = 1.0 / (1.0 + np.exp(-z))
    reference = log_loss(labels, probability, sample_weight=sample_weight)
    np.testing.assert_allclose(datafit.value(y, z, sample_weight), reference, rtol=1e-12)


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_quadratic_value_is_half_sklearn_mean_squared_error(weighted):
    rng = np.random.default_rng(6)
    y, z = rng.normal(size=50), rng.normal(size=50)
    sample_weight = rng.uniform(0.1, 4.0, 50) if weighted else None
    reference = 0.5 * mean_squared_error(y, z, sample_weight=sample_weight)
    np.testing.assert_allclose(Quadratic().value(y, z, sample_weight), reference, rtol=1e-13)


@pytest.mark.parametrize("delta", [0.3, 1.0, 2.5])
def test_huber_value_equals_scipy_huber(delta):
    rng = np.random.default_rng(7)
    y, z = rng.normal(0, 2, 60), rng.normal(0, 2, 60)
    sample_weight = rng.uniform(0.1, 4.0, 60)
    residual = y - z
    assert np.any(np.abs(residual) > delta) and np.any(np.abs(residual) <= delta)
    reference = np.average(scipy_huber(delta, residual), weights=sample_weight)
    np.testing.assert_allclose(Huber(delta).value(y, z, sample_weight), reference, rtol=1e-13)


# --------------------------------------------------------------------------------------------
# intercept at w = 0
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("datafit", DATAFITS, ids=repr)
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_intercept_at_zero_is_the_1d_minimiser(datafit, weighted):
    rng = np.random.default_rng(8)
    y = make_target(datafit, rng, n_samples=35)
    y[:3] += 6.0 * (not isinstance(datafit, Logistic))  # outliers for Huber
    sample_weight = rng.uniform(0.1, 3.0, 35) if weighted else None

    def f(b):
        return datafit.value(y, np.full(35, b), sample_weight)

    reference = minimize_scalar(f, bracket=(-5.0, 5.0), method="brent", tol=1e-12).x
    intercept = datafit.intercept_at_zero(y, sample_weight)
    assert f(intercept) <= f(reference) + 1e-15
    assert abs(intercept - reference) <= 1e-6
    # stationarity: sum_i c_i f'(y_i, b) = 0
    assert abs(datafit.raw_gradient(y, np.full(35, intercept), sample_weight).sum()) <= 1e-14


def test_huber_intercept_tends_to_the_weighted_median_as_delta_vanishes():
    # as delta -> 0 the Huber location tends to the (weighted) median
    y = np.array([-3.0, 0.0, 0.2, 0.5, 10.0, 12.0, 40.0])
    intercept = Huber(delta=1e-6).intercept_at_zero(y)
    assert abs(intercept - 0.5) <= 1e-6
    # with weights that make 10.0 the weighted median
    weights = np.array([1.0, 1.0, 1.0, 1.0, 5.0, 1.0, 1.0])
    assert abs(Huber(delta=1e-6).intercept_at_zero(y, weights) - 10.0) <= 1e-6


def test_logistic_intercept_is_the_log_odds():
    y = np.array([1.0, 1.0, 1.0, -1.0])
    assert Logistic().intercept_at_zero(y) == pytest.approx(np.log(3.0), rel=1e-14)
    weights = np.array([1.0, 0.0, 0.0, 3.0])  # p = 1/4
    assert Logistic().intercept_at_zero(y, weights) == pytest.approx(-np.log(3.0), rel=1e-14)


# --------------------------------------------------------------------------------------------
# conjugates
# --------------------------------------------------------------------------------------------


def conjugate_domain(datafit, y, rng, size):
    """Random dual values inside the conjugate's domain (away from its edges)."""
    if isinstance(datafit, Logistic):
        return -y * rng.uniform(0.02, 0.98, size)
    if isinstance(datafit, Huber):
        return datafit.delta * rng.uniform(-0.98, 0.98, size)
    return rng.normal(0, 3, size)


@pytest.mark.parametrize("datafit", DATAFITS, ids=repr)
def test_fenchel_young_inequality_and_equality_at_the_derivative(datafit):
    rng = np.random.default_rng(9)
    n = 200
    y = make_target(datafit, rng, n_samples=n)
    z = rng.normal(0, 2, n)
    u = conjugate_domain(datafit, y, rng, n)
    loss, conjugate = datafit._loss(y, z), datafit._conjugate(y, u)
    assert np.all(loss + conjugate >= u * z - 1e-12)
    # strict somewhere: the inequality is not an identity
    assert np.max(loss + conjugate - u * z) > 1e-2
    derivative = datafit._derivative(y, z)
    np.testing.assert_allclose(
        loss + datafit._conjugate(y, derivative), derivative * z, rtol=1e-12, atol=1e-12
    )
    # the weighted version the duality gap uses: sum phi_i(z_i) + phi_i^*(g_i) = g.z
    sample_weight = rng.uniform(0.1, 3.0, n)
    g = datafit.raw_gradient(y, z, sample_weight)
    total = datafit.value(y, z, sample_weight) + datafit.conjugate(y, g, sample_weight)
    assert total == pytest.approx(g @ z, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("datafit", DATAFITS, ids=repr)
def test_conjugate_is_the_numerical_supremum(datafit):
    rng = np.random.default_rng(10)
    y = make_target(datafit, rng, n_samples=12)
    u = conjugate_domain(datafit, y, rng, 12)
    for y_i, u_i in zip(y, u, strict=True):
        result = minimize_scalar(
            lambda z, y_i=y_i, u_i=u_i: datafit._loss(np.array([y_i]), np.array([z]))[0] - u_i * z,
            bounds=(-60.0, 60.0),
            method="bounded",
            options={"xatol": 1e-10},
        )
        supremum = -result.fun
        value = datafit._conjugate(np.array([y_i]), np.array([u_i]))[0]
        assert value == pytest.approx(supremum, abs=1e-8)


def test_conjugates_are_infinite_off_domain_and_tolerate_rounding():
    logistic = Logistic()
    y = np.array([1.0, 1.0, -1.0, 1.0, -1.0])
    # t = -y u: 1.5 and -0.5 are outside [0, 1]; 1 + 1e-14 and -1e-14 are rounding
    u = np.array([-1.5, 0.5, -0.5, -(1.0 + 1e-14), -1e-14])
    values = logistic._conjugate(y, u)
    assert np.isinf(values[0]) and np.isinf(values[1]) and np.isinf(values[2])
    np.testing.assert_allclose(values[3:], [0.0, 0.0], atol=1e-12)
    # t = 0.5: log(1/2)
    assert logistic._conjugate(np.array([1.0]), np.array([-0.5]))[0] == pytest.approx(
        np.log(0.5), rel=1e-14
    )
    huber = Huber(delta=2.0)
    values = huber._conjugate(np.array([1.0, 1.0, 1.0]), np.array([2.5, -2.0 * (1 + 1e-14), 1.0]))
    assert np.isinf(values[0])
    assert values[1] == pytest.approx(-2.0 + 2.0, abs=1e-12)
    assert values[2] == pytest.approx(1.0 + 0.5, rel=1e-14)
    # off the domain the supremum really is unbounded: u z - f(z) grows without limit
    z = np.array([1e3, 1e6])
    assert np.all(np.diff(2.5 * z - huber._loss(np.ones(2), z)) > 1e5)


# --------------------------------------------------------------------------------------------
# targets and validation
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("labels", "expected_classes"),
    [
        (np.array([-1.0, 1.0, 1.0, -1.0]), [-1.0, 1.0]),
        (np.array([0, 1, 1, 0]), [0, 1]),
        (np.array([3, 7, 7, 3]), [3, 7]),
        (np.array(["ham", "spam", "spam", "ham"]), ["ham", "spam"]),
        ([False, True, True, False], [False, True]),
    ],
)
def test_logistic_encodes_two_classes_to_plus_minus_one(labels, expected_classes):
    y, classes = Logistic.encode_labels(labels)
    np.testing.assert_array_equal(y, [-1.0, 1.0, 1.0, -1.0])
    assert y.dtype == np.float64
    assert list(classes) == expected_classes
    np.testing.assert_array_equal(Logistic().prepare_target(labels), y)


@pytest.mark.parametrize(
    ("labels", "error", "message"),
    [
        (np.array([0, 1, 2, 1]), ValueError, r"Logistic: y must have exactly 2 classes, got 3"),
        (np.array(["a", "a"]), ValueError, r"exactly 2 classes, got 1 \('a'\)"),
        (np.array([0.0, np.nan, 1.0]), ValueError, r"Logistic: y must hold finite labels"),
        (np.array([0.0, np.inf, 1.0]), ValueError, r"1 NaN or infinite entries"),
        (np.ones((2, 2)), ValueError, r"Logistic: y must be a 1-D array"),
        (np.array([1, "a", None], dtype=object), TypeError, r"comparable labels"),
    ],
)
def test_logistic_rejects_bad_labels(labels, error, message):
    with pytest.raises(error, match=message):
        Logistic().prepare_target(labels)


def test_logistic_multiclass_message_suggests_one_vs_rest():
    with pytest.raises(ValueError, match="for multiclass use one-vs-rest"):
        Logistic.encode_labels(np.arange(7))


def test_logistic_intercept_rejects_a_single_weighted_class():
    y = np.array([1.0, -1.0, 1.0])
    with pytest.raises(ValueError, match=r"Logistic: the samples with positive weight all"):
        Logistic().intercept_at_zero(y, np.array([1.0, 0.0, 2.0]))


@pytest.mark.parametrize(
    ("delta", "error", "message"),
    [
        (0.0, ValueError, r"Huber: delta must be in \(0.0, inf\), got delta=0.0"),
        (-1.0, ValueError, r"Huber: delta must be in \(0.0, inf\), got delta=-1.0"),
        (np.inf, ValueError, r"Huber: delta must be in \(0.0, inf\), got delta=inf"),
        (np.nan, ValueError, r"Huber: delta must be a real number in \(0.0, inf\), got nan"),
        ("1", TypeError, r"Huber: delta must be a real number in \(0.0, inf\), got str"),
    ],
)
def test_huber_rejects_bad_delta(delta, error, message):
    with pytest.raises(error, match=message):
        Huber(delta=delta)


def test_huber_rejects_non_finite_targets():
    with pytest.raises(ValueError, match=r"Huber: y must be finite"):
        Huber().prepare_target(np.array([0.0, np.nan]))


# --------------------------------------------------------------------------------------------
# column norms (Lipschitz constants), weights in the conjugate, the type of the derivatives
# --------------------------------------------------------------------------------------------


def _norm_designs():
    rng = np.random.default_rng(11)
    dense = rng.standard_normal((37, 9))  # 37 rows: the 4-way unrolled loop has a remainder
    dense[rng.random(dense.shape) < 0.5] = 0.0
    dense[:, 2] = 0.0
    return dense, {
        "fortran": np.asfortranarray(dense),
        "c_order": np.ascontiguousarray(dense),
        "float32": dense.astype(np.float32),
        "int": np.round(4 * dense).astype(np.int64),
        "csc": sp.csc_matrix(dense),
        "csr_float32": sp.csr_matrix(dense, dtype=np.float32),
    }


@pytest.mark.parametrize("layout", ["fortran", "c_order", "float32", "int", "csc", "csr_float32"])
def test_column_sq_norms_equal_the_weighted_sum_of_squares(layout):
    _, designs = _norm_designs()
    X = designs[layout]
    weights = np.random.default_rng(1).uniform(0.0, 1.0, X.shape[0])
    weights[[0, 5]] = 0.0
    dense = np.asarray(X.toarray() if sp.issparse(X) else X, dtype=np.float64)
    expected = np.array([sum(weights[i] * dense[i, j] ** 2 for i in range(37)) for j in range(9)])
    norms = column_sq_norms(X, weights)
    assert norms.dtype == np.float64
    np.testing.assert_allclose(norms, expected, rtol=1e-13, atol=0.0)
    assert norms[2] == 0.0
    np.testing.assert_allclose(
        Logistic().lipschitz_constants(X, weights / weights.sum()),
        0.25 * expected / weights.sum(),
        rtol=1e-13,
    )


def test_column_sq_norms_report_an_overflowing_column_as_infinite():
    X = np.array([[1e200, 1.0], [2.0, 3.0], [0.0, 1.0]])
    c = np.full(3, 1.0 / 3.0)
    for design in (X, sp.csc_matrix(X)):
        with np.errstate(over="ignore"):
            norms = column_sq_norms(design, c)
        assert norms[0] == np.inf
        assert norms[1] == pytest.approx(11.0 / 3.0, rel=1e-15)


@pytest.mark.parametrize("datafit", DATAFITS, ids=repr)
def test_conjugate_with_and_without_zero_weights_matches_the_formula(datafit):
    rng = np.random.default_rng(4)
    y = make_target(datafit, rng)
    z = rng.standard_normal(N_SAMPLES)
    for zeros in ([], [1, 7]):
        weights = rng.uniform(0.2, 3.0, N_SAMPLES)
        weights[zeros] = 0.0
        c = weights / weights.sum()
        g = datafit.raw_gradient(y, z, weights)  # a dual point: inside the domain
        keep = c > 0
        expected = float(np.sum(c[keep] * datafit._conjugate(y[keep], g[keep] / c[keep])))
        assert datafit.conjugate(y, g, weights) == pytest.approx(expected, rel=1e-12)
        # the validated weights take the fast path (all positive) or the masked one
        normalized = normalized_sample_weight(weights, N_SAMPLES).view(NormalizedWeights)
        assert datafit.conjugate(y, g, normalized) == pytest.approx(expected, rel=1e-12)
        if zeros:
            moved = g.copy()
            moved[zeros[0]] = 1e-3  # a zero-weight sample cannot carry dual mass
            assert datafit.conjugate(y, moved, normalized) == np.inf


@pytest.mark.parametrize("datafit", DATAFITS, ids=repr)
def test_raw_gradient_is_a_plain_array_not_weights(datafit):
    rng = np.random.default_rng(6)
    y = make_target(datafit, rng)
    weights = normalized_sample_weight(rng.uniform(0.5, 1.0, N_SAMPLES), N_SAMPLES)
    g = datafit.raw_gradient(y, rng.standard_normal(N_SAMPLES), weights.view(NormalizedWeights))
    assert type(g) is np.ndarray
    assert type(g.sum()) is np.float64
