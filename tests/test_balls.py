"""Projections onto norm balls: cvxpy references, KKT certificates, brute force for p < 1,
and hypothesis properties (idempotent, feasible, variational inequality)."""

from __future__ import annotations

import math
import warnings

import cvxpy as cp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.optimize import brentq

from lpreg.balls import (
    norm,
    project_ball,
    project_elastic_net_ball,
    project_l1_ball,
    project_l2_ball,
    project_linf_ball,
    project_lp_ball,
    project_simplex,
    project_weighted_l1_ball,
)

# --------------------------------------------------------------------------------------------
# the balls under test: (projection, constraint value g(z), cvxpy constraint), radius t
# --------------------------------------------------------------------------------------------

WEIGHTS_SEED = 7


def _weights(n):
    weights = np.random.default_rng(WEIGHTS_SEED).uniform(0.2, 2.0, size=n)
    weights[::4] = 0.0  # unconstrained entries
    return weights


BALLS = {
    "l1": (
        lambda w, t: project_l1_ball(w, t),
        lambda z: np.abs(z).sum(),
        lambda v, t, s: [cp.norm1(v) <= t / s],
    ),
    "weighted_l1": (
        lambda w, t: project_weighted_l1_ball(w, t, _weights(w.size)),
        lambda z: _weights(z.size) @ np.abs(z),
        lambda v, t, s: [_weights(v.size) @ cp.abs(v) <= t / s],
    ),
    "l2": (
        lambda w, t: project_l2_ball(w, t),
        lambda z: math.sqrt(z @ z),
        lambda v, t, s: [cp.norm2(v) <= t / s],
    ),
    "linf": (
        lambda w, t: project_linf_ball(w, t),
        lambda z: np.abs(z).max(),
        lambda v, t, s: [cp.norm_inf(v) <= t / s],
    ),
    "elastic_net_0.3": (
        lambda w, t: project_elastic_net_ball(w, t, 0.3),
        lambda z: 0.3 * np.abs(z).sum() + 0.35 * (z @ z),
        lambda v, t, s: [0.3 / s * cp.norm1(v) + 0.35 * cp.sum_squares(v) <= t / s**2],
    ),
    "lp_1.5": (
        lambda w, t: project_lp_ball(w, t, 1.5),
        lambda z: np.sum(np.abs(z) ** 1.5) ** (1 / 1.5),
        lambda v, t, s: [cp.pnorm(v, 1.5, approx=False) <= t / s],
    ),
    "lp_3": (
        lambda w, t: project_lp_ball(w, t, 3.0),
        lambda z: np.sum(np.abs(z) ** 3) ** (1 / 3),
        lambda v, t, s: [cp.pnorm(v, 3, approx=False) <= t / s],
    ),
}


def _points():
    """(name, w, t) adversarial and random test points."""
    rng = np.random.default_rng(0)
    random = rng.normal(size=15)
    ties = np.array([2.0, -2.0, 2.0, 1.0, -2.0, 0.5])
    return [
        ("random", random, 1.3),
        ("random_far", 50.0 * random, 0.7),
        ("inside", np.array([0.1, -0.05, 0.02]), 1.0),
        ("ties", ties, 1.5),
        ("zeros", np.array([0.0, 3.0, 0.0, -1.0, 0.0]), 1.0),
        ("all_zero", np.zeros(4), 1.0),
        ("n1", np.array([-4.0]), 1.5),
        ("radius_0", random[:5], 0.0),
        ("huge", 1e6 * random, 2e5),
        ("tiny", 1e-6 * random, 3e-7),
    ]


POINTS = _points()


def _cvxpy_projection(w, t, constraint):
    """Solve min ||z - w||^2 s.t. constraint with CLARABEL on the problem scaled to max|w|=1."""
    scale = float(np.abs(w).max()) or 1.0
    v = cp.Variable(w.size)  # z = scale * v
    problem = cp.Problem(cp.Minimize(cp.sum_squares(v - w / scale)), constraint(v, t, scale))
    with warnings.catch_warnings():  # "Solution may be inaccurate": judged by the asserts
        warnings.simplefilter("ignore", UserWarning)
        problem.solve(solver="CLARABEL", tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10)
    assert problem.status in ("optimal", "optimal_inaccurate"), problem.status
    return v.value * scale


# --------------------------------------------------------------------------------------------
# polished cvxpy references: cvxpy's structure, then the optimality conditions solved exactly
# --------------------------------------------------------------------------------------------


def _lp_magnitude(a, mu, p):
    """The u in [0, a] with u + mu p u^(p-1) = a (the 1-D prox of mu |.|^p, p > 1), by brentq."""
    if a == 0.0 or mu == 0.0:
        return a
    return brentq(lambda u: u + mu * p * u ** (p - 1) - a, 0.0, a, xtol=1e-300, rtol=1e-15)


def _soft(w, threshold):
    return np.sign(w) * np.maximum(np.abs(w) - threshold, 0.0)


# ball -> (z(w, mu): the minimiser of ||z - w||^2 / 2 + mu g(z) in closed form or by brentq,
#          mu read off cvxpy's z at its largest entry j from the stationarity condition)
POLISH = {
    "l1": (
        lambda w, mu: _soft(w, mu),
        lambda w, z, j: abs(w[j]) - abs(z[j]),
    ),
    "weighted_l1": (
        lambda w, mu: _soft(w, mu * _weights(w.size)),
        lambda w, z, j: (abs(w[j]) - abs(z[j])) / max(_weights(w.size)[j], 1e-300),
    ),
    "l2": (
        lambda w, mu: w / (1.0 + mu),
        lambda w, z, j: abs(w[j]) / max(abs(z[j]), 1e-300) - 1.0,
    ),
    "elastic_net_0.3": (
        lambda w, mu: _soft(w, 0.3 * mu) / (1.0 + 0.7 * mu),
        lambda w, z, j: (abs(w[j]) - abs(z[j])) / (0.3 + 0.7 * abs(z[j])),
    ),
    "lp_1.5": (
        lambda w, mu: np.sign(w) * np.array([_lp_magnitude(abs(a), mu, 1.5) for a in w]),
        lambda w, z, j: (abs(w[j]) - abs(z[j])) / (1.5 * max(abs(z[j]), 1e-300) ** 0.5),
    ),
    "lp_3": (
        lambda w, mu: np.sign(w) * np.array([_lp_magnitude(abs(a), mu, 3.0) for a in w]),
        lambda w, z, j: (abs(w[j]) - abs(z[j])) / (3.0 * max(abs(z[j]), 1e-300) ** 2),
    ),
}


def _polished_reference(ball, w, t, reference):
    """cvxpy's point made exact without lpreg: inactive (cvxpy's z is w) -> w; radius 0 -> 0;
    max-norm ball -> clip at t on the entries cvxpy clips; otherwise the multiplier mu of the
    active constraint, bracketed around the mu read off cvxpy's z, solved by brentq on
    g(z(mu)) = t with z(mu) from POLISH (closed form per coordinate, or a 1-D brentq for Lp).
    The homogeneous balls are polished at scale 1 (w / max|w|) and scaled back."""
    _, constraint_value, _ = BALLS[ball]
    scale = float(np.abs(w).max()) or 1.0
    if np.allclose(reference, w, rtol=0, atol=1e-7 * scale):
        assert constraint_value(w) <= t * (1 + 1e-9)  # cvxpy says inactive: so must w
        return w.copy()
    if t == 0.0:  # only the weight-0 (unconstrained) entries of the weighted ball stay
        return np.where(_weights(w.size) == 0, w, 0.0) if ball == "weighted_l1" else 0.0 * w
    if ball == "linf":
        clipped = np.abs(reference) >= t * (1 - 1e-7)  # cvxpy's active entries
        return np.where(clipped, np.sign(w) * t, w)
    if ball == "elastic_net_0.3":
        scale = 1.0  # not homogeneous: polished in the original units
    closed_form, multiplier = POLISH[ball]
    u, r, v = w / scale, t / scale, reference / scale
    excess = lambda mu: constraint_value(closed_form(u, mu)) - r  # noqa: E731, decreasing
    guess = max(multiplier(u, v, int(np.argmax(np.abs(v)))), 1e-12)
    low, high = 0.5 * guess, 2.0 * guess
    while excess(low) < 0:
        low *= 0.5
    while excess(high) > 0:
        high *= 2.0
    mu = brentq(excess, low, high, xtol=1e-300, rtol=1e-15, maxiter=500)
    return closed_form(u, mu) * scale


# --------------------------------------------------------------------------------------------
# cvxpy references
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("point", POINTS, ids=[name for name, _, _ in POINTS])
@pytest.mark.parametrize("ball", list(BALLS))
def test_projection_matches_cvxpy(ball, point):
    """Feasible, no farther than cvxpy's point, and equal to it.

    The distance to w is 2-strongly convex, so ||z - z*||^2 <= ||z - w||^2 - ||z* - w||^2 for
    any feasible z: an interior-point z accurate to 1e-11 in the objective is accurate only to
    ~3e-6 in z.  So the 1e-8 check is on the objective (scaled by max|w|^2), z agrees with
    cvxpy's raw point to 2e-5, and with cvxpy's point *polished* (:func:`_polished_reference`:
    the optimality conditions solved to rounding by brentq on cvxpy's structure, no lpreg
    code) to 1e-8 ||w||; the KKT tests and the sort-based formula below confirm it.
    """
    project, constraint_value, constraint = BALLS[ball]
    name, w, t = point
    scale = float(np.abs(w).max()) or 1.0
    z = project(w, t)
    reference = _cvxpy_projection(w, t, constraint)
    assert z.dtype == np.float64
    assert constraint_value(z) <= t * (1 + 1e-12) + 1e-300
    distance = np.sum(((z - w) / scale) ** 2)
    reference_distance = np.sum(((reference - w) / scale) ** 2)
    assert distance <= reference_distance + 1e-8 * (1 + reference_distance)
    assert abs(distance - reference_distance) <= 1e-8 * (1 + reference_distance)
    np.testing.assert_allclose(z / scale, reference / scale, rtol=0, atol=2e-5)
    # equal, to 1e-8 relative to ||w||, to cvxpy's point polished on its own structure
    polished = _polished_reference(ball, w, t, reference)
    assert constraint_value(polished) == pytest.approx(min(t, constraint_value(w)), rel=1e-12)
    np.testing.assert_allclose(z, polished, rtol=0, atol=1e-8 * (np.linalg.norm(w) or 1.0))
    if name == "inside" or name == "all_zero":
        np.testing.assert_array_equal(z, w)


@pytest.mark.parametrize("radius", [1.0, 2.5, 0.0])
def test_simplex_matches_cvxpy(radius):
    rng = np.random.default_rng(3)
    for w in [rng.normal(size=12), np.array([0.4, 0.4, 0.4, -1.0]), np.array([7.0])]:
        z = project_simplex(w, radius)
        variable = cp.Variable(w.size)
        problem = cp.Problem(
            cp.Minimize(cp.sum_squares(variable - w)), [variable >= 0, cp.sum(variable) == radius]
        )
        problem.solve(solver="CLARABEL", tol_gap_abs=1e-11, tol_gap_rel=1e-11, tol_feas=1e-11)
        np.testing.assert_allclose(z, variable.value, rtol=0, atol=1e-8)
        assert np.all(z >= 0)
        assert abs(z.sum() - radius) <= 1e-12 * max(radius, 1.0)


def test_simplex_moves_points_inside_the_hull_onto_the_face():
    # sum(w) = 0.5 < 1: the simplex constraint is an equality, so w moves (by +0.25 each)
    np.testing.assert_allclose(project_simplex([0.25, 0.25]), [0.5, 0.5], rtol=0, atol=1e-15)


# --------------------------------------------------------------------------------------------
# exactness: KKT certificates for the balls whose cvxpy reference is only ~1e-6 accurate
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_elastic_net_projection_satisfies_kkt_exactly(seed):
    rng = np.random.default_rng(seed)
    w = rng.normal(size=30) * 10.0 ** rng.uniform(-2, 2)
    l1_ratio = [0.0, 0.2, 0.5, 0.9, 1.0, 0.7][seed]
    value = lambda z: l1_ratio * np.abs(z).sum() + 0.5 * (1 - l1_ratio) * (z @ z)  # noqa: E731
    t = 0.2 * value(w)
    z = project_elastic_net_ball(w, t, l1_ratio)
    assert abs(value(z) - t) <= 1e-13 * t  # active constraint
    # w - z = mu (l1_ratio * s + (1 - l1_ratio) z), s in sign(z), one mu >= 0 for every entry
    support = z != 0
    j = int(np.argmax(np.abs(z)))
    mu = (w[j] - z[j]) / (l1_ratio * np.sign(z[j]) + (1 - l1_ratio) * z[j])
    assert mu > 0
    predicted = mu * (l1_ratio * np.sign(z[support]) + (1 - l1_ratio) * z[support])
    np.testing.assert_allclose(w[support] - z[support], predicted, rtol=1e-11, atol=0)
    assert np.all(np.abs(w[~support]) <= mu * l1_ratio * (1 + 1e-12))


@pytest.mark.parametrize("p", [1.01, 1.3, 1.5, 2.5, 3.0, 7.0])
def test_lp_projection_satisfies_kkt_exactly(p):
    rng = np.random.default_rng(int(p * 100))
    w = rng.normal(size=25)
    w[3] = 0.0
    w[5] = w[6]  # a tie
    t = 0.3 * norm(w, p)
    z = project_lp_ball(w, t, p)
    assert abs(norm(z, p) - t) <= 1e-13 * t
    # w - z = mu p |z|^(p-1) sign(z) with one mu > 0 (read off the largest entry)
    j = int(np.argmax(np.abs(w)))
    mu = (w[j] - z[j]) / (p * abs(z[j]) ** (p - 1) * np.sign(z[j]))
    assert mu > 0
    residual = w - z - mu * p * np.abs(z) ** (p - 1) * np.sign(z)
    assert np.max(np.abs(residual)) <= 1e-13 * np.max(np.abs(w))
    np.testing.assert_array_equal(np.sign(z), np.sign(w))


def test_l1_projection_equals_sort_based_formula_on_a_large_vector_with_ties():
    rng = np.random.default_rng(11)
    w = rng.normal(size=100_000)
    w[:1000] = 3.0  # many equal magnitudes at the top
    w[1000:2000] = -3.0
    t = 0.05 * np.abs(w).sum()
    z = project_l1_ball(w, t)
    # Duchi et al. (2008): sort, cumulative sums, rho = last k with u_k > (cumsum_k - t) / k
    u = np.sort(np.abs(w))[::-1]
    cumulative = np.cumsum(u)
    k = np.arange(1, u.size + 1)
    rho = np.nonzero(u * k > cumulative - t)[0][-1]
    tau = (cumulative[rho] - t) / (rho + 1)
    expected = np.sign(w) * np.maximum(np.abs(w) - tau, 0)
    np.testing.assert_allclose(z, expected, rtol=0, atol=1e-12)
    assert abs(np.abs(z).sum() - t) <= 1e-10 * t


def test_weighted_l1_with_unit_weights_equals_l1_and_zero_weights_leave_entries():
    rng = np.random.default_rng(5)
    w = rng.normal(size=40)
    np.testing.assert_allclose(
        project_weighted_l1_ball(w, 2.0, np.ones(40)), project_l1_ball(w, 2.0), atol=1e-13
    )
    weights = np.ones(40)
    weights[:10] = 0.0
    z = project_weighted_l1_ball(w, 2.0, weights)
    np.testing.assert_array_equal(z[:10], w[:10])
    np.testing.assert_allclose(z[10:], project_l1_ball(w[10:], 2.0), atol=1e-13)


def test_elastic_net_ball_limits_are_l1_and_l2_balls():
    w = np.random.default_rng(2).normal(size=20)
    np.testing.assert_allclose(
        project_elastic_net_ball(w, 1.5, 1.0), project_l1_ball(w, 1.5), atol=1e-14
    )
    np.testing.assert_allclose(
        project_elastic_net_ball(w, 0.5, 0.0), project_l2_ball(w, 1.0), atol=1e-14
    )


# --------------------------------------------------------------------------------------------
# scale, dtype, dispatch
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("exponent", [600, -600])
@pytest.mark.parametrize("ball", ["l1", "weighted_l1", "l2", "lp_1.5", "lp_3"])
def test_extreme_scales_are_exact_rescalings(ball, exponent):
    project = BALLS[ball][0]
    w = np.random.default_rng(4).normal(size=12)
    scale = 2.0**exponent  # powers of two rescale exactly
    z = project(w, 0.8)
    z_scaled = project(w * scale, 0.8 * scale)
    assert np.all(np.isfinite(z_scaled))
    np.testing.assert_allclose(z_scaled / scale, z, rtol=1e-14, atol=1e-15)


def test_simplex_and_lp_below_one_at_extreme_scales():
    w = np.array([3.0, -1.0, 2.0, 0.5])
    for scale in [2.0**700, 2.0**-700]:
        np.testing.assert_allclose(
            project_simplex(w * scale, 2.0 * scale) / scale, project_simplex(w, 2.0), atol=1e-15
        )
        np.testing.assert_allclose(
            project_lp_ball(w * scale, 1.0 * scale, 0.5) / scale,
            project_lp_ball(w, 1.0, 0.5),
            atol=1e-15,
        )


@pytest.mark.parametrize("ball", list(BALLS))
def test_float32_in_float32_out_and_agrees_with_float64(ball):
    project, constraint_value, _ = BALLS[ball]
    w = np.random.default_rng(8).normal(size=16)
    z32 = project(w.astype(np.float32), 1.1)
    assert z32.dtype == np.float32
    np.testing.assert_allclose(z32, project(w.astype(np.float32).astype(np.float64), 1.1), 1e-6)


def test_float32_dtype_for_simplex_and_nonconvex_lp():
    w = np.array([0.3, -2.0, 1.0], dtype=np.float32)
    assert project_simplex(w).dtype == np.float32
    assert project_lp_ball(w, 0.5, 0.5).dtype == np.float32


def test_project_ball_dispatches():
    w = np.random.default_rng(9).normal(size=10)
    weights = np.linspace(0.0, 2.0, 10)
    np.testing.assert_array_equal(project_ball(w, 1.0), project_l1_ball(w, 1.0))
    np.testing.assert_array_equal(project_ball(w, 1.0, p=2), project_l2_ball(w, 1.0))
    np.testing.assert_array_equal(project_ball(w, 1.0, p=np.inf), project_linf_ball(w, 1.0))
    np.testing.assert_array_equal(project_ball(w, 1.0, p=3), project_lp_ball(w, 1.0, 3))
    np.testing.assert_array_equal(project_ball(w, 1.0, p=0.5), project_lp_ball(w, 1.0, 0.5))
    np.testing.assert_array_equal(
        project_ball(w, 1.0, weights=weights), project_weighted_l1_ball(w, 1.0, weights)
    )
    np.testing.assert_array_equal(
        project_ball(w, 1.0, l1_ratio=0.4), project_elastic_net_ball(w, 1.0, 0.4)
    )


def test_norm_matches_numpy_and_does_not_overflow():
    w = np.array([3.0, -4.0, 0.0, 1.5])
    for p in [0.5, 1.0, 1.5, 2.0, 3.0, np.inf]:
        expected = np.abs(w).max() if np.isinf(p) else np.sum(np.abs(w) ** p) ** (1 / p)
        assert norm(w, p) == pytest.approx(expected, rel=1e-14)
    assert norm(w * 1e300, 2) == pytest.approx(np.linalg.norm(w) * 1e300, rel=1e-14)
    assert norm(w * 1e-300, 2) == pytest.approx(np.linalg.norm(w) * 1e-300, rel=1e-14)
    assert norm(np.zeros(3), 0.5) == 0.0


def test_infinite_radius_is_no_constraint():
    w = np.array([1e5, -3.0])
    for project in [project_l1_ball, project_l2_ball, project_linf_ball]:
        np.testing.assert_array_equal(project(w, np.inf), w)
    np.testing.assert_array_equal(project_lp_ball(w, np.inf, 0.5), w)


# --------------------------------------------------------------------------------------------
# 0 < p < 1: the non-convex ball
# --------------------------------------------------------------------------------------------


def _boundary_grid_distance(w, t, p, n_grid=200_001):
    """Smallest squared distance from |w| (2-D) to the boundary curve of the p-ball, both
    orientations of the grid, or 0 when w is inside."""
    x = np.abs(w)
    if np.sum(x**p) <= t**p:
        return 0.0
    first = np.linspace(0.0, t, n_grid)
    second = np.maximum(t**p - first**p, 0.0) ** (1.0 / p)
    return min(
        np.min((first - x[0]) ** 2 + (second - x[1]) ** 2),
        np.min((second - x[0]) ** 2 + (first - x[1]) ** 2),
    )


@pytest.mark.parametrize("seed", range(12))
def test_nonconvex_projection_beats_a_fine_grid_in_2d(seed):
    rng = np.random.default_rng(100 + seed)
    p = [0.2, 0.5, 0.7, 0.9][seed % 4]
    w = rng.normal(size=2) * 10.0 ** rng.uniform(-1, 1)
    t = rng.uniform(0.05, 1.2) * norm(w, p)
    z = project_lp_ball(w, t, p)
    assert norm(z, p) <= t * (1 + 1e-12)
    assert np.sum((z - w) ** 2) <= _boundary_grid_distance(w, t, p) + 1e-12


def test_nonconvex_projection_with_the_smallest_entry_at_its_smaller_root():
    # Here the closest point has z_2 at the *smaller* root of z + lam z^(p-1) = |w_2|: the
    # all-larger-roots (local) method misses it and lands at (0.0754, 0), distance 3.16e-3.
    w, t, p = np.array([0.07544806, 0.05625825]), 0.7905522657977359, 0.2
    z = project_lp_ball(w, t, p)
    best_grid = _boundary_grid_distance(w, t, p, n_grid=2_000_001)
    assert np.sum((z - w) ** 2) <= best_grid + 1e-13
    assert best_grid < 2.5e-3
    with pytest.warns(UserWarning, match="local method"):
        local = project_lp_ball(w, t, p, max_enumeration=1)
    assert np.sum((local - w) ** 2) > 3e-3


@pytest.mark.parametrize("p", [0.3, 0.5, 0.8])
def test_nonconvex_projection_beats_random_feasible_points_in_5d(p):
    rng = np.random.default_rng(int(10 * p))
    w = rng.normal(size=5) * np.array([3.0, 1.0, 1.0, 0.2, 0.05])
    t = 0.3 * norm(w, p)
    z = project_lp_ball(w, t, p)
    assert norm(z, p) <= t * (1 + 1e-12)
    distance = np.sum((z - w) ** 2)
    # random points of the boundary, in w's orthant and anywhere, and sparse ones
    directions = rng.normal(size=(200_000, 5)) * (rng.uniform(size=(200_000, 5)) < 0.7)
    directions[::2] = np.abs(directions[::2]) * np.sign(w)
    directions = directions[np.any(directions != 0, axis=1)]
    sizes = np.sum(np.abs(directions) ** p, axis=1) ** (1 / p)
    candidates = (
        directions * (t * rng.uniform(0.9, 1.0, size=(len(sizes), 1)) ** 0) / sizes[:, None]
    )
    assert distance <= np.min(np.sum((candidates - w) ** 2, axis=1)) + 1e-12
    assert np.all(np.sign(z[z != 0]) == np.sign(w[z != 0]))


def test_nonconvex_inside_point_is_unchanged_and_large_n_warns():
    w = np.array([0.01, -0.02, 0.0])
    np.testing.assert_array_equal(project_lp_ball(w, 1.0, 0.5), w)
    big = np.random.default_rng(1).normal(size=30)
    with pytest.warns(UserWarning, match=r"n=30 > max_enumeration=12: ran the local method"):
        z = project_lp_ball(big, 1.0, 0.5)
    assert norm(z, 0.5) <= 1.0 + 1e-12
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        project_lp_ball(big, 1.0, 0.5, max_enumeration=30)


# --------------------------------------------------------------------------------------------
# properties (hypothesis)
# --------------------------------------------------------------------------------------------

CONVEX_BALLS = list(BALLS)


def _random_feasible(rng, ball, n, t):
    """Random points of the ball, made with the constraint function only (no projection)."""
    _, constraint_value, _ = BALLS[ball]
    points = []
    for _ in range(20):
        direction = rng.normal(size=n) * (rng.uniform(size=n) < 0.8)
        size = constraint_value(direction)
        if size == 0:
            continue
        target = t * rng.uniform() ** 0.5
        if ball.startswith("elastic_net"):  # solve 0.3 s ||d||_1 + 0.35 s^2 ||d||^2 = target
            a, b = 0.3 * np.abs(direction).sum(), 0.35 * (direction @ direction)
            s = 2 * target / (a + math.sqrt(a * a + 4 * b * target))
        else:
            s = target / size
        points.append(direction * s)
    return points


finite_vectors = hnp.arrays(
    np.float64,
    st.integers(1, 12),
    elements=st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False, allow_subnormal=False),
)


@settings(max_examples=60, deadline=None)
@given(w=finite_vectors, t=st.floats(0.0, 50.0), ball=st.sampled_from(CONVEX_BALLS))
def test_projection_properties(w, t, ball):
    project, constraint_value, _ = BALLS[ball]
    z = project(w, t)
    size = max(float(np.abs(w).max()), t, 1.0)
    assert constraint_value(z) <= t * (1 + 1e-12) + 1e-14 * size
    np.testing.assert_allclose(project(z, t), z, rtol=0, atol=1e-12 * size)  # idempotent
    rng = np.random.default_rng(w.size)
    for feasible in _random_feasible(rng, ball, w.size, t):
        # variational inequality <w - P(w), z' - P(w)> <= 0: P(w) is the *nearest* point
        assert (w - z) @ (feasible - z) <= 1e-10 * size**2


@settings(max_examples=40, deadline=None)
@given(w=finite_vectors, t=st.floats(0.0, 50.0))
def test_simplex_properties(w, t):
    z = project_simplex(w, t)
    size = max(float(np.abs(w).max()), t, 1.0)
    assert np.all(z >= 0)
    assert abs(z.sum() - t) <= 1e-12 * size * w.size
    np.testing.assert_allclose(project_simplex(z, t), z, rtol=0, atol=1e-12 * size)
    rng = np.random.default_rng(w.size)
    for feasible in t * rng.dirichlet(np.ones(w.size), size=10):
        assert (w - z) @ (feasible - z) <= 1e-10 * size**2


def test_variational_inequality_rejects_a_plain_rescaling():
    """The property above must catch the classic bug: rescaling w onto the sphere has the right
    norm but is not the projection for the L1 ball."""
    w = np.array([3.0, 1.0])
    rescaled = w / np.abs(w).sum()  # on the L1 sphere of radius 1
    feasible = np.array([1.0, 0.0])
    assert (w - rescaled) @ (feasible - rescaled) > 0
    z = project_l1_ball(w, 1.0)
    assert (w - z) @ (feasible - z) <= 0


# --------------------------------------------------------------------------------------------
# input validation
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: project_l1_ball([1.0], -1.0),
            ValueError,
            r"project_l1_ball: radius must be in \[0.0, inf\), got radius=-1.0",
        ),
        (
            lambda: project_l2_ball([1.0], float("nan")),
            ValueError,
            r"project_l2_ball: radius must be a real number in \[0.0, inf\), got nan",
        ),
        (
            lambda: project_lp_ball([1.0], 1.0, 0.0),
            ValueError,
            r"project_lp_ball: p must be in \(0.0, inf\], got p=0.0.*p = 0 .*is not supported",
        ),
        (
            lambda: project_ball([1.0], 1.0, p=-2),
            ValueError,
            r"project_ball: p must be in \(0.0, inf\], got p=-2.0",
        ),
        (
            lambda: project_linf_ball([1.0, float("nan")], 1.0),
            ValueError,
            r"project_linf_ball: w must be finite, got 1 NaN or infinite entries \(first at "
            r"index 1\)",
        ),
        (
            lambda: project_weighted_l1_ball([1.0, 2.0], 1.0, [1.0, -0.5]),
            ValueError,
            r"project_weighted_l1_ball: weights must be >= 0 entrywise \(0 leaves that entry "
            r"unconstrained\), got weights\[1\]=-0.5",
        ),
        (
            lambda: project_weighted_l1_ball([1.0, 2.0], 1.0, [1.0]),
            ValueError,
            r"project_weighted_l1_ball: weights must have one entry per entry of w, got 1 "
            r"weights for 2 entries",
        ),
        (
            lambda: project_elastic_net_ball([1.0], 1.0, 1.5),
            ValueError,
            r"project_elastic_net_ball: l1_ratio must be in \[0.0, 1.0\], got l1_ratio=1.5",
        ),
        (
            lambda: project_ball([1.0], 1.0, weights=[1.0], l1_ratio=0.5),
            ValueError,
            r"project_ball: pass weights .* or l1_ratio .*, not both",
        ),
        (
            lambda: project_ball([1.0], 1.0, p=2, l1_ratio=0.5),
            ValueError,
            r"project_ball: l1_ratio defines an L1-type ball and needs p=1, got p=2.0",
        ),
        (
            lambda: project_simplex([1.0], np.inf),
            ValueError,
            r"project_simplex: radius must be finite, got radius=inf",
        ),
        (
            lambda: project_simplex([], 1.0),
            ValueError,
            r"project_simplex: w must have at least one entry",
        ),
        (
            lambda: project_l1_ball(np.ones((2, 2)), 1.0),
            ValueError,
            r"project_l1_ball: w must be a 1-D array, got an array of shape \(2, 2\)",
        ),
        (
            lambda: project_l1_ball([1.0], "1"),
            TypeError,
            r"project_l1_ball: radius must be a real number in \[0.0, inf\), got str '1'",
        ),
        (
            lambda: norm([1.0], p=0),
            ValueError,
            r"norm: p must be in \(0.0, inf\], got p=0.0",
        ),
    ],
)
def test_bad_input_raises_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()
