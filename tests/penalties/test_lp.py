"""Tests of the Lp penalty: its exact prox against brute force and high precision, thresholds,
subdifferential, conjugate and validation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import load_dataset
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar

from lpreg import L1, Lp
from lpreg.datafits.quadratic import Quadratic
from lpreg.penalties import penalty_examples
from lpreg.penalties.lp import _lp_prox_newton_scalar, lp_prox_scalar

P_VALUES = [0.1, 0.25, 1 / 3, 0.5, 2 / 3, 0.9, 0.999, 1.0, 1.001, 1.2, 4 / 3, 1.5, 2.0, 3.0, 4.0]
STEPS = [1e-3, 0.8, 5.0]
ALPHA = 0.7


def objective(z, x, lam, p):
    return 0.5 * (z - x) ** 2 + lam * np.abs(z) ** p


def brute_force_minimum(x, lam, p):
    """min_z 0.5 (z - x)^2 + lam |z|^p: a 200k-point grid, refined by bounded Brent searches."""
    half = abs(x) + 1.0
    grid = np.linspace(-half, half, 200_001)
    values = objective(grid, x, lam, p)
    best = min(values.min(), objective(0.0, x, lam, p))
    i = int(np.argmin(values))
    brackets = [(-half, 0.0), (0.0, half), (grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)])]
    for low, high in brackets:
        result = minimize_scalar(
            objective,
            bounds=(low, high),
            args=(x, lam, p),
            method="bounded",
            options={"xatol": 1e-15 * half},
        )
        best = min(best, result.fun)
    return best


def jump_and_threshold(lam, p):
    """(beta, tau) of the p < 1 thresholding rule (Marjanovic & Solo 2012), restated here."""
    beta = (2.0 * lam * (1.0 - p)) ** (1.0 / (2.0 - p))
    return beta, (2.0 - p) / (2.0 * (1.0 - p)) * beta


def test_lp_is_registered_with_the_required_examples():
    ps = {round(pen.p, 12) for pen in penalty_examples() if isinstance(pen, Lp)}
    assert {round(p, 12) for p in P_VALUES} <= ps
    assert any(isinstance(pen, Lp) and pen.alpha == 0.0 for pen in penalty_examples())


def test_is_convex_is_per_instance_and_filters_the_registry():
    assert Lp(p=1.0).is_convex and Lp(p=3.0).is_convex
    assert not Lp(p=0.999).is_convex
    convex = [pen for pen in penalty_examples(convex=True) if isinstance(pen, Lp)]
    nonconvex = [pen for pen in penalty_examples(convex=False) if isinstance(pen, Lp)]
    assert convex and all(pen.p >= 1.0 for pen in convex)
    assert nonconvex and all(pen.p < 1.0 for pen in nonconvex)


# ---- the prox ----------------------------------------------------------------------------


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("p", P_VALUES, ids=lambda p: f"p={p:.4g}")
def test_prox_is_global_minimizer_in_1d(p, step):
    penalty = Lp(alpha=ALPHA, p=p)
    lam = ALPHA * step
    xs = [0.0, 1e-12, -1e-12, 0.3, -1.7, 4.0, 1e3, -1e6]
    if p < 1.0:
        _, tau = jump_and_threshold(lam, p)
        xs += [tau * (1 - 1e-6), tau, tau * (1 + 1e-6), -tau * (1 + 1e-6)]
    elif p == 1.0:
        xs += [lam * (1 - 1e-6), lam, -lam * (1 + 1e-6)]
    z_all = penalty.prox(np.array(xs), step)
    for x, z in zip(xs, z_all, strict=True):
        reference = brute_force_minimum(x, lam, p)
        assert objective(z, x, lam, p) <= reference + 1e-10 * abs(reference) + 1e-300, (x, z)
        if z != 0.0:  # first-order condition of the 1-D problem, to rounding
            residual = z - x + lam * p * abs(z) ** (p - 1.0) * np.sign(z)
            assert abs(residual) <= 1e-12 * abs(x), (x, z, residual)
            assert np.sign(z) == np.sign(x) and abs(z) <= abs(x)


@pytest.mark.parametrize("p", [p for p in P_VALUES if p < 1.0], ids=lambda p: f"p={p:.4g}")
def test_nonconvex_prox_jumps_at_the_threshold(p):
    penalty = Lp(alpha=ALPHA, p=p)
    for step in STEPS:
        beta, tau = jump_and_threshold(ALPHA * step, p)
        assert penalty.threshold(step) == pytest.approx(tau, rel=1e-14)
        assert penalty.jump_size(step) == pytest.approx(beta, rel=1e-14)
        x = tau * np.concatenate([np.linspace(0.0, 3.0, 3001), [1 - 1e-9, 1 + 1e-9]])
        z = penalty.prox(x, step)
        assert np.all((z == 0.0) | (np.abs(z) >= beta * (1 - 1e-12)))
        assert np.all(z[x < tau * (1 - 1e-12)] == 0.0)
        assert np.all(z[x > tau * (1 + 1e-12)] > 0.0)


def test_convex_prox_has_no_jump_and_p1_is_soft_thresholding():
    x = np.linspace(-3.0, 3.0, 601)
    assert np.array_equal(Lp(alpha=ALPHA, p=1.0).prox(x, 0.8), L1(alpha=ALPHA).prox(x, 0.8))
    np.testing.assert_allclose(Lp(alpha=ALPHA, p=2.0).prox(x, 0.8), x / (1 + 2 * ALPHA * 0.8))
    for p in (1.2, 1.5, 4.0):  # (for p near 1, |z| ~ (|x| / (lam p))^(1/(p-1)) underflows)
        z = Lp(alpha=ALPHA, p=p).prox(x, 0.8)
        assert np.all((z == 0.0) == (x == 0.0))
        assert Lp(alpha=ALPHA, p=p).threshold(0.8) == 0.0


@pytest.mark.parametrize("p", [0.5, 1.5, 3.0])
def test_alpha_zero_or_step_zero_returns_the_input(p):
    x = np.array([-1e300, -2.5, -1e-300, 0.0, 1e-12, 7.0, 1e300])
    assert np.array_equal(Lp(alpha=0.0, p=p).prox(x, 5.0), x)
    assert np.array_equal(Lp(alpha=3.0, p=p).prox(x, 0.0), x)


@pytest.mark.parametrize("p", [0.5, 1.0, 1.5, 2.0, 3.0])
def test_overflowing_step_times_alpha_gives_zero(p):
    x = np.array([-1e300, -2.5, 1e-300, 7.0])
    assert np.all(Lp(alpha=1e10, p=p).prox(x, 1e300) == 0.0)


def _mp_prox(x, lam, p, mp):
    """High-precision global minimiser by bisection on log(z) (mpmath, 300 bits)."""
    x, lam, p = mp.mpf(x), mp.mpf(lam), mp.mpf(p)
    a = abs(x)

    def excess(log_z):  # z + lam p z^(p-1) - a, increasing in log z on the bracket
        z = mp.exp(log_z)
        return z + lam * p * z ** (p - 1) - a

    if p > 1:  # z <= min(a, (a/(lam p))^(1/(p-1))) and z >= min(a/2, (a/(2 lam p))^(1/(p-1)))
        high = min(mp.log(a), (mp.log(a) - mp.log(lam * p)) / (p - 1))
        low = min(mp.log(a / 2), (mp.log(a / 2) - mp.log(lam * p)) / (p - 1))
    else:
        beta = (2 * lam * (1 - p)) ** (1 / (2 - p))
        if beta >= a or excess(mp.log(beta)) > 0:
            return mp.mpf(0)
        low, high = mp.log(beta), mp.log(a)
    for _ in range(400):
        middle = (low + high) / 2
        if excess(middle) > 0:
            high = middle
        else:
            low = middle
    z = mp.exp(low)
    if p < 1 and z * z / 2 - a * z + lam * z**p >= 0:  # objective(z) >= objective(0)
        return mp.mpf(0)
    return z if x > 0 else -z


@pytest.mark.parametrize("p", [0.25, 0.5, 0.999, 1.001, 4 / 3, 2.5, 4.0])
def test_prox_at_extreme_scales_matches_high_precision(p):
    mp = pytest.importorskip("mpmath")
    mp.mp.prec = 300
    params = np.array([1.0, p])
    for x in (1e-300, -1e-300, 1e-12, 1e12, -1e300, 1e300):
        for step in (1e-300, 1e-6, 0.8, 1e6, 1e300):
            z = lp_prox_scalar(x, step, params)
            reference = _mp_prox(x, step, p, mp)
            if reference == 0 or abs(reference) < mp.mpf("2.3e-308"):  # 0 or below float64
                assert abs(z) < 2.3e-308, (x, step, z, reference)
            else:
                assert float(abs(z - reference) / abs(reference)) <= 1e-12, (x, step, z)


@pytest.mark.parametrize("p", [0.5, 2 / 3, 4 / 3, 1.5, 3.0, 4.0], ids=lambda p: f"p={p:.4g}")
def test_closed_forms_agree_with_newton(p):
    params = np.array([1.0, p])
    n_nonzero = 0
    for x in (1e-3, 1.0, 7.5, 1e4):
        for step in np.logspace(-6, 6, 241):
            closed = lp_prox_scalar(x, step, params)
            newton = _lp_prox_newton_scalar(x, step, params)
            if newton == 0.0:
                assert closed == 0.0, (x, step)
                continue
            n_nonzero += 1
            assert abs(closed - newton) <= 1e-12 * abs(newton), (x, step, closed, newton)
    assert n_nonzero > 300


def _lp_examples():
    return [pen for pen in penalty_examples() if isinstance(pen, Lp)]


@pytest.mark.parametrize("penalty", _lp_examples(), ids=repr)
def test_vectorised_prox_equals_scalar_kernel_and_float32_agrees(penalty):
    rng = np.random.default_rng(0)
    step = 0.8
    w = np.concatenate([rng.standard_normal(200) * 3.0, [0.0, -1e-12, 1e-12, 1e6, -1e6]])
    z = penalty.prox(w, step)
    scalar = np.array([lp_prox_scalar(x, step, penalty.params) for x in w])
    assert z.dtype == np.float64 and np.array_equal(z, scalar)

    w32 = w.astype(np.float32)
    z32 = penalty.prox(w32, step)
    assert z32.dtype == np.float32
    np.testing.assert_allclose(
        z32,
        penalty.prox(w32.astype(np.float64), step),
        rtol=1e-6,
        atol=np.finfo(np.float32).tiny,  # |prox(1e-12)| ~ 1e-60 for p = 1.2 is 0 in float32
    )


@settings(max_examples=300, deadline=None)
@given(
    p=st.sampled_from(P_VALUES),
    step=st.floats(1e-3, 1e2),
    x=st.floats(-1e3, 1e3),
    y=st.floats(-1e3, 1e3),
)
def test_prox_is_odd_and_monotone(p, step, x, y):
    penalty = Lp(alpha=ALPHA, p=p)
    px, py, pmx = penalty.prox(np.array([x, y, -x]), step)
    assert pmx == -px
    if x <= y:  # non-decreasing, up to ~10 ulps of root-finding noise
        assert px <= py + 1e-14 * max(abs(px), abs(py))
    if y <= x:
        assert py <= px + 1e-14 * max(abs(px), abs(py))


# ---- value, subdifferential, conjugate ---------------------------------------------------


@pytest.mark.parametrize("penalty", _lp_examples(), ids=repr)
def test_value_matches_numpy(penalty):
    w = np.array([-2.0, -0.3, 0.0, 1e-8, 0.7, 5.0])
    expected = penalty.alpha * np.sum(np.abs(w) ** penalty.p)
    assert penalty.value(w) == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("p", P_VALUES, ids=lambda p: f"p={p:.4g}")
def test_subdiff_interval_matches_finite_differences_and_kink_at_zero(p):
    low_high = Lp(alpha=ALPHA, p=p).scalar_kernels.subdiff_interval
    params = Lp(alpha=ALPHA, p=p).params
    for x in (-2.3, -0.4, 0.05, 1.0, 3.7):
        h = 1e-6 * abs(x)
        derivative = ALPHA * (abs(x + h) ** p - abs(x - h) ** p) / (2 * h)
        low, high = low_high(x, params)
        assert low == high
        assert low == pytest.approx(derivative, rel=1e-7)
    expected_at_zero = {True: (-np.inf, np.inf), False: (0.0, 0.0)}[p < 1.0]
    if p == 1.0:
        expected_at_zero = (-ALPHA, ALPHA)
    assert low_high(0.0, params) == expected_at_zero


@pytest.mark.parametrize("penalty", _lp_examples(), ids=repr)
def test_subdiff_distance_is_zero_at_prox_fixed_points(penalty):
    # z = prox(v, t) with grad = (z - v)/t makes z a fixed point of w -> prox(w - t grad, t)
    rng = np.random.default_rng(1)
    step = 0.8
    v = np.concatenate([rng.standard_normal(300) * 3.0, [0.0]])
    z = penalty.prox(v, step)
    grad = (z - v) / step
    np.testing.assert_allclose(penalty.prox(z - step * grad, step), z, rtol=1e-13)
    distance = penalty.subdiff_distance(z, grad)
    # for p near 1 the exact prox of |v| < lam p, about (|v| / (lam p))^(1/(p-1)), underflows
    underflow = (z == 0.0) & (v != 0.0) & (penalty.p > 1.0)
    lam_p = penalty.alpha * step * penalty.p
    if np.any(underflow):
        assert np.all((np.abs(v[underflow]) / lam_p) ** (1 / (penalty.p - 1)) < 1e-290)
    assert np.all(distance[~underflow] <= 1e-10 * (1.0 + np.abs(grad[~underflow])))
    # a wrong gradient is seen where the subdifferential is a single point
    moved = penalty.subdiff_distance(z, grad + 0.1)
    single = (z != 0.0) if penalty.p <= 1.0 else ~underflow
    if penalty.alpha > 0.0:
        np.testing.assert_allclose(moved[single], 0.1, rtol=1e-8)


@pytest.mark.parametrize("p", [1.001, 1.2, 4 / 3, 1.5, 2.0, 3.0, 4.0])
def test_conjugate_matches_numerical_supremum(p):
    penalty = Lp(alpha=ALPHA, p=p)
    assert penalty.has_conjugate
    for v in (-2.0, -0.3, 0.0, 0.5, 1.7):
        if p < 1.1 and abs(v) > ALPHA * p:  # the supremum is astronomically large there
            continue
        bound = 10.0 * (abs(v) / (ALPHA * p)) ** (1 / (p - 1)) + 1.0
        result = minimize_scalar(
            lambda z, v=v: -(v * z - ALPHA * abs(z) ** p),
            bounds=(-bound, bound),
            method="bounded",
            options={"xatol": 1e-12},
        )
        assert penalty.conjugate(np.array([v])) == pytest.approx(-result.fun, rel=1e-8, abs=1e-12)


def test_conjugate_for_p1_alpha0_and_nonconvex():
    assert Lp(alpha=ALPHA, p=1.0).conjugate(np.array([0.5, -ALPHA])) == 0.0
    assert Lp(alpha=ALPHA, p=1.0).conjugate(np.array([0.5, -1.01 * ALPHA])) == math.inf
    assert Lp(alpha=0.0, p=1.5).conjugate(np.zeros(3)) == 0.0
    assert Lp(alpha=0.0, p=1.5).conjugate(np.array([0.0, 1e-3])) == math.inf
    assert not Lp(alpha=ALPHA, p=0.5).has_conjugate
    with pytest.raises(NotImplementedError, match="Lp is not convex: no conjugate"):
        Lp(alpha=ALPHA, p=0.5).conjugate(np.array([0.1]))


def test_alpha_max_exists_only_for_p1():
    data = load_dataset("prostate")
    X, y = data["X"], data["y"]
    expected = np.max(np.abs(X.T @ y)) / X.shape[0]  # ||grad F(0)||_inf, F = ||y - Xw||^2/(2n)
    assert Lp(alpha=ALPHA, p=1.0).alpha_max(X, y, Quadratic()) == pytest.approx(expected)
    with pytest.raises(ValueError, match=r"Lp: alpha_max does not exist .*infinite slope at 0"):
        Lp(alpha=ALPHA, p=0.5).alpha_max(X, y, Quadratic())
    with pytest.raises(ValueError, match=r"Lp: alpha_max does not exist .*differentiable at 0"):
        Lp(alpha=ALPHA, p=1.5).alpha_max(X, y, Quadratic())


# ---- validation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"p": 0},
            ValueError,
            r"^Lp: p must be in \(0\.0, inf\), got p=0\.0\. p = 0 \(best subset\) is not "
            r"supported; for sparser fits than L1 use Lp\(p=0\.5\) or MCP\.$",
        ),
        ({"p": -1.5}, ValueError, r"Lp: p must be in \(0\.0, inf\), got p=-1\.5\."),
        ({"p": math.inf}, ValueError, r"Lp: p must be in \(0\.0, inf\), got p=inf\."),
        ({"p": math.nan}, ValueError, r"Lp: p must be a real number in \(0\.0, inf\), got nan"),
        ({"p": "2"}, TypeError, r"Lp: p must be a real number in \(0\.0, inf\), got str '2'"),
        ({"alpha": -0.5}, ValueError, r"Lp: alpha must be in \[0\.0, inf\), got alpha=-0\.5"),
        ({"alpha": math.inf}, ValueError, r"Lp: alpha must be in \[0\.0, inf\), got alpha=inf"),
    ],
)
def test_invalid_parameters_are_rejected(kwargs, error, match):
    with pytest.raises(error, match=match):
        Lp(**kwargs)


def test_invalid_step_is_rejected():
    with pytest.raises(
        ValueError, match=r"Lp\.prox: step must be in \[0\.0, inf\), got step=-1\.0\. The step"
    ):
        Lp(p=0.5).prox(np.array([1.0]), -1.0)
    with pytest.raises(
        ValueError, match=r"Lp: step must be in \[0\.0, inf\), got step=-1\.0\. The step"
    ):
        Lp(p=0.5).threshold(-1.0)
