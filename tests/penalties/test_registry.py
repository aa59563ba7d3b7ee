"""Registry-wide penalty tests: every registered example, the moment it registers.

References are independent of the code under test: brute-force 1-D minimisation (grid, zoom,
scipy) for the prox, finite differences of ``value`` for the subdifferential, Fenchel-Young for
``value`` + ``conjugate``, and the prox fixed point at ``alpha_max``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import (
    brute_force_min,
    coordinate_objective,
    coordinate_setup,
    coordinate_value,
    distinct_coordinates,
    is_symmetric,
    load_dataset,
    n_features_of,
    penalized_mask,
    prox_threshold,
    with_alpha,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from lpreg.datafits.quadratic import Quadratic
from lpreg.penalties import penalty_examples
from lpreg.penalties.base import prox_coordinate

SEPARABLE = penalty_examples(separable=True)
ALL = penalty_examples()
CONVEX_SEPARABLE = penalty_examples(separable=True, convex=True)
WITH_CONJUGATE = [p for p in penalty_examples(convex=True) if p.has_conjugate]
STEPS = [0.3, 1.0, 4.0, 60.0]
BASE_POINTS = [0.0, 1e-9, -1e-9, 0.3, -0.7, 1.0, 2.5, -4.0, 17.0, 1e3, -1e6]
HYPOTHESIS = settings(max_examples=20, deadline=None, derandomize=True, database=None)


def _known_thresholds(penalty, step):
    """Where the penalties' closed-form proxes change branch (probed on both sides)."""
    inner = getattr(penalty, "penalty", penalty)
    alpha = getattr(inner, "alpha", 1.0)
    points = [alpha * step, alpha * (1.0 + step)]
    gamma = getattr(inner, "gamma", None)
    if gamma is not None:
        points += [gamma * alpha, alpha * math.sqrt(gamma * step)]
    return points


def _probe_points(penalty, j, step):
    points = list(BASE_POINTS)
    threshold = prox_threshold(penalty, j, step)
    centres = _known_thresholds(penalty, step) + ([threshold] if threshold else [])
    for centre in centres:
        for factor in (1 - 1e-6, 1 - 1e-12, 1 + 1e-12, 1 + 1e-6):
            points += [centre * factor, -centre * factor]
    return points


# --------------------------------------------------------------------------------------------
# prox: exact global minimiser, vectorised = scalar, dtypes
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("penalty", SEPARABLE, ids=repr)
def test_prox_is_global_minimizer_in_1d(penalty, step):
    n_features = n_features_of(penalty)
    for j in distinct_coordinates(penalty):
        for x in _probe_points(penalty, j, step):
            w = np.zeros(n_features)
            w[j] = x
            z = penalty.prox(w, step)[j]
            z_objective = coordinate_objective(penalty, j, np.array([z]), x, step)[0]
            reference = brute_force_min(penalty, j, x, step)
            assert z_objective <= reference + 1e-10 * max(1.0, abs(reference)), (j, x, z)


@pytest.mark.parametrize("penalty", SEPARABLE, ids=repr)
def test_vectorised_prox_equals_scalar_kernel(penalty):
    rng = np.random.default_rng(0)
    n_features = n_features_of(penalty)
    weights, lower, upper = coordinate_setup(penalty)
    kernels = penalty.scalar_kernels
    for step in (0.5, 5.0):
        for scale in (0.1, 1.0, 10.0):
            w = scale * rng.standard_normal(n_features)
            vectorised = penalty.prox(w, step)
            scalar = [
                prox_coordinate(
                    kernels.prox,
                    kernels.value,
                    w[j],
                    step,
                    penalty.params,
                    weights[j],
                    lower[j],
                    upper[j],
                    penalty.is_convex,
                )
                for j in range(n_features)
            ]
            np.testing.assert_array_equal(vectorised, scalar)


@pytest.mark.parametrize("penalty", ALL, ids=repr)
def test_float32_agrees_with_float64(penalty):
    rng = np.random.default_rng(1)
    n_features = n_features_of(penalty)
    for step in (0.5, 3.0):
        w = 3.0 * rng.standard_normal(n_features)
        w32 = w.astype(np.float32)
        p64 = penalty.prox(w32.astype(np.float64), step)
        p32 = penalty.prox(w32, step)
        assert p32.dtype == np.float32
        np.testing.assert_allclose(p32, p64, rtol=1e-6, atol=1e-6)
        assert penalty.value(w32) == pytest.approx(penalty.value(w32.astype(np.float64)))


@pytest.mark.parametrize("penalty", ALL, ids=repr)
def test_value_is_sum_of_terms_and_zero_at_zero(penalty):
    rng = np.random.default_rng(2)
    n_features = n_features_of(penalty)
    assert penalty.value(np.zeros(n_features)) == 0.0
    if penalty.is_separable:
        _, lower, upper = coordinate_setup(penalty)
        w = np.clip(rng.standard_normal(n_features), lower, upper)
        terms = [coordinate_value(penalty, j, np.array([w[j]]))[0] for j in range(n_features)]
        assert penalty.value(w) == pytest.approx(sum(terms), rel=1e-12, abs=1e-300)


# --------------------------------------------------------------------------------------------
# properties (hypothesis)
# --------------------------------------------------------------------------------------------

finite = st.floats(-1e3, 1e3, allow_nan=False)
steps = st.floats(1e-3, 1e2)


@pytest.mark.parametrize("penalty", [p for p in ALL if is_symmetric(p)], ids=repr)
@HYPOTHESIS
@given(x=finite, step=steps)
def test_prox_is_odd(penalty, x, step):
    w = np.full(n_features_of(penalty), x)
    np.testing.assert_array_equal(penalty.prox(-w, step), -penalty.prox(w, step))


@pytest.mark.parametrize("penalty", SEPARABLE, ids=repr)
@HYPOTHESIS
@given(x=finite, y=finite, step=steps)
def test_prox_is_monotone(penalty, x, y, step):
    n_features = n_features_of(penalty)
    low, high = min(x, y), max(x, y)
    assert np.all(
        penalty.prox(np.full(n_features, low), step)
        <= penalty.prox(np.full(n_features, high), step)
    )


@pytest.mark.parametrize("penalty", CONVEX_SEPARABLE, ids=repr)
@HYPOTHESIS
@given(x=finite, y=finite, step=steps)
def test_convex_prox_is_nonexpansive(penalty, x, y, step):
    n_features = n_features_of(penalty)
    px = penalty.prox(np.full(n_features, x), step)
    py = penalty.prox(np.full(n_features, y), step)
    assert np.all(np.abs(px - py) <= abs(x - y) * (1 + 1e-12) + 1e-12)


# --------------------------------------------------------------------------------------------
# subdifferential distance
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("penalty", ALL, ids=repr)
def test_subdiff_distance_is_zero_at_prox_fixed_points(penalty):
    # z = prox(x, t)  <=>  z = prox(z - t * grad, t) with grad = (z - x) / t
    rng = np.random.default_rng(3)
    n_features = n_features_of(penalty)
    for step in (0.1, 1.0, 10.0):
        for scale in (0.3, 3.0, 30.0):
            x = scale * rng.standard_normal(n_features)
            z = penalty.prox(x, step)
            grad = (z - x) / step
            distance = penalty.subdiff_distance(z, grad)
            if penalty.is_separable:
                # a penalty differentiable at 0 has no exact zero in its prox: z == 0 there is
                # an underflow (|w|^1.001 gives |z| ~ 1e-387), not representable in float64
                kernels, params = penalty.scalar_kernels, penalty.params
                smooth_at_zero = kernels.subdiff_interval(0.0, params) == (0.0, 0.0)
                weights, _, _ = coordinate_setup(penalty)
                if smooth_at_zero:
                    distance = np.where((z == 0) & (x != 0) & (weights > 0), 0.0, distance)
            assert np.all(distance <= 1e-9 * (1.0 + np.abs(x)) * (1.0 + 1.0 / step))


@pytest.mark.parametrize("penalty", SEPARABLE, ids=repr)
def test_subdiff_distance_matches_finite_differences(penalty):
    # the slope of c_j g from value() by central differences, away from 0 and kinks
    n_features = n_features_of(penalty)
    weights, lower, upper = coordinate_setup(penalty)
    h = 1e-6
    for point in (0.77, -1.3):
        for j in distinct_coordinates(penalty):
            if not lower[j] < point < upper[j]:
                continue
            values = coordinate_value(penalty, j, np.array([point - h, point + h]))
            slope = (values[1] - values[0]) / (2 * h)
            w = np.zeros(n_features)
            w[j] = point
            for offset in (0.0, 0.5, -0.5):
                grad = np.zeros(n_features)
                grad[j] = -slope + offset
                distance = penalty.subdiff_distance(w, grad)[j]
                assert distance == pytest.approx(abs(offset), abs=1e-6 * (1 + abs(slope)))


@pytest.mark.parametrize("penalty", SEPARABLE, ids=repr)
def test_subdiff_distance_is_positive_past_the_kink_at_zero(penalty):
    # past the kink of c_j g at 0 (checked against a forward difference of value), w = 0 is
    # not stationary and the distance is the excess
    n_features = n_features_of(penalty)
    weights, lower, upper = coordinate_setup(penalty)
    low, high = penalty.scalar_kernels.subdiff_interval(0.0, penalty.params)
    if math.isinf(high):
        return  # |w|^p, p < 1: every -grad is in the subdifferential at 0
    h = 1e-9
    for j in distinct_coordinates(penalty):
        kink = weights[j] * high
        if kink > 0 and upper[j] > 0:
            slope = coordinate_value(penalty, j, np.array([h]))[0] / h
            assert slope == pytest.approx(kink, rel=1e-6)
        grad = np.zeros(n_features)
        grad[j] = -(kink + 0.5)
        expected = 0.5 if upper[j] > 0 else 0.0
        assert penalty.subdiff_distance(np.zeros(n_features), grad)[j] == pytest.approx(
            expected, abs=1e-12 * (1 + kink)
        )


# --------------------------------------------------------------------------------------------
# duality: Fenchel-Young and the dual scaling
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("penalty", WITH_CONJUGATE, ids=repr)
def test_fenchel_young(penalty):
    rng = np.random.default_rng(4)
    n_features = n_features_of(penalty)
    penalized = penalized_mask(penalty, n_features)
    for scale in (0.1, 1.0, 5.0):
        # equality at v in dG(w): w = prox(x, 1) gives v = x - w in dG(w)
        x = scale * rng.standard_normal(n_features)
        w = penalty.prox(x, 1.0)
        v = x - w
        lhs = penalty.value(w) + penalty.conjugate(v)
        assert lhs == pytest.approx(w @ v, rel=1e-9, abs=1e-9 * (1 + np.abs(x).sum() ** 2))
        # inequality at a random feasible v (zero where unpenalized: those are left out)
        u = scale * rng.standard_normal(n_features) * penalized
        u = u * penalty.dual_scaling(u)
        w_random = penalty.prox(scale * rng.standard_normal(n_features), 0.5)
        assert math.isfinite(penalty.conjugate(u))
        assert penalty.value(w_random) + penalty.conjugate(u) >= w_random @ u - 1e-12


@pytest.mark.parametrize("penalty", WITH_CONJUGATE, ids=repr)
def test_dual_scaling_is_the_largest_feasible_scale(penalty):
    rng = np.random.default_rng(5)
    n_features = n_features_of(penalty)
    for scale in (0.01, 1.0, 100.0):
        v = scale * rng.standard_normal(n_features)
        s = penalty.dual_scaling(v)
        assert 0.0 <= s <= 1.0
        if s > 0:
            assert math.isfinite(penalty.conjugate(s * v))
        if s < 1.0:
            assert math.isinf(penalty.conjugate(min(max(s * (1 + 1e-6), 1e-9), 1.0) * v))


# --------------------------------------------------------------------------------------------
# alpha_max on real data
# --------------------------------------------------------------------------------------------


def _has_alpha(penalty):
    try:
        penalty.with_alpha(1.0)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("penalty", [p for p in ALL if _has_alpha(p)], ids=repr)
def test_alpha_max_is_where_zero_stops_being_a_fixed_point(penalty):
    data = load_dataset("prostate")
    n_features = n_features_of(penalty)
    X = data["X"][:, :n_features]
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = data["y"] - data["y"].mean()
    datafit = Quadratic()
    unit = with_alpha(penalty, 1.0)
    if unit.is_separable:
        low, high = unit.scalar_kernels.subdiff_interval(0.0, unit.params)
        if (low == 0.0 and high == 0.0) or math.isinf(low) or math.isinf(high):
            with pytest.raises(ValueError, match="alpha_max does not exist"):
                penalty.alpha_max(X, y, datafit)
            return
    grad = datafit.gradient_at_zero(X, y)
    if penalty.is_separable and np.any(penalty.coordinate_weights(n_features) == 0):
        with pytest.raises(ValueError, match="unpenalized"):
            penalty.alpha_max(X, y, datafit)
        return
    groups = getattr(penalty, "group_structure", None)  # Linf: non-separable, no groups
    if groups is not None and np.any(groups(n_features).weights == 0):
        if penalty.l1_part == 0.0:
            with pytest.raises(ValueError, match="unpenalized groups"):
                penalty.alpha_max(X, y, datafit)
            return
    alpha_max = penalty.alpha_max(X, y, datafit)
    assert alpha_max >= 0
    step = 1e-3  # small enough for the non-convex proxes to be local
    at_max = with_alpha(penalty, alpha_max).prox(-step * grad, step)
    np.testing.assert_array_equal(at_max, 0.0)
    if alpha_max > 0:  # 0: the box makes w = 0 optimal for every alpha
        below = with_alpha(penalty, 0.99 * alpha_max).prox(-step * grad, step)
        assert np.any(below != 0.0)
    at_zero = with_alpha(penalty, alpha_max).subdiff_distance(np.zeros(n_features), grad)
    assert np.max(at_zero) <= 1e-12 * alpha_max
