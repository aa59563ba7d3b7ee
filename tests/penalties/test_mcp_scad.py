"""MCP and SCAD: closed forms from the papers, the non-convex prox regime, validation."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import brute_force_min, coordinate_objective

from lpreg import MCP, SCAD


def test_mcp_value_matches_its_integral_definition():
    # MCP(x) = int_0^|x| max(alpha - s / gamma, 0) ds (Zhang 2010)
    from scipy.integrate import quad

    penalty = MCP(alpha=0.8, gamma=2.5)
    for x in (-3.0, -0.4, 0.0, 1.1, 1.999, 2.0, 2.5, 7.0):
        integral, _ = quad(lambda s: max(0.8 - s / 2.5, 0.0), 0, abs(x), points=[2.0])
        assert penalty.value(np.array([x])) == pytest.approx(integral, rel=1e-12, abs=1e-15)


def test_scad_value_matches_its_integral_definition():
    # SCAD'(s) = alpha for s <= alpha, (gamma alpha - s)_+ / (gamma - 1) beyond (Fan & Li 2001)
    from scipy.integrate import quad

    alpha, gamma = 0.7, 3.7

    def derivative(s):
        return alpha if s <= alpha else max(gamma * alpha - s, 0.0) / (gamma - 1.0)

    penalty = SCAD(alpha=alpha, gamma=gamma)
    for x in (-4.0, -0.5, 0.0, 0.7, 1.3, 2.589, 2.59, 9.0):
        integral, _ = quad(derivative, 0, abs(x), points=[alpha, gamma * alpha])
        assert penalty.value(np.array([x])) == pytest.approx(integral, rel=1e-10, abs=1e-15)


def test_mcp_prox_is_firm_thresholding_for_small_steps():
    penalty = MCP(alpha=1.0, gamma=3.0)
    x = np.array([0.5, -1.0, 2.0, -2.9, 3.5])
    # t = 1 < gamma: 0, sign(x)(|x| - 1) / (1 - 1/3), x
    np.testing.assert_allclose(penalty.prox(x, 1.0), [0.0, 0.0, 1.5, -2.85, 3.5], rtol=1e-15)


def test_mcp_prox_is_hard_thresholding_for_large_steps():
    alpha, gamma, step = 1.0, 2.0, 8.0  # threshold alpha sqrt(gamma t) = 4
    penalty = MCP(alpha=alpha, gamma=gamma)
    x = np.array([3.999, 4.001, -4.001, 1.0])
    np.testing.assert_array_equal(penalty.prox(x, step), [0.0, 4.001, -4.001, 0.0])


def test_scad_prox_matches_fan_li_rule_at_unit_step():
    alpha, gamma = 1.0, 3.7
    x = np.array([0.5, 1.5, 2.0, 3.0, -3.0, 5.0])
    expected = [0.0, 0.5, 1.0, (2.7 * 3.0 - 3.7) / 1.7, -(2.7 * 3.0 - 3.7) / 1.7, 5.0]
    np.testing.assert_allclose(SCAD(alpha=alpha, gamma=gamma).prox(x, 1.0), expected)


@pytest.mark.parametrize("penalty", [MCP(alpha=1.0, gamma=1.5), SCAD(alpha=1.0, gamma=2.5)])
@pytest.mark.parametrize("step", [1.4, 1.5, 1.6, 3.0, 25.0])
def test_prox_is_global_on_both_sides_of_the_convexity_limit(penalty, step):
    # MCP: convex iff step < gamma; SCAD: iff step < gamma - 1; the jump is at the crossing
    for x in np.linspace(-12.0, 12.0, 97):
        z = penalty.prox(np.array([x]), step)[0]
        objective = coordinate_objective(penalty, 0, np.array([z]), x, step)[0]
        assert objective <= brute_force_min(penalty, 0, x, step) + 1e-10 * (1 + x * x)


def test_scad_prox_jumps_in_the_non_convex_regime():
    # step 3 >= gamma - 1 = 2.7: between the first and last pieces the prox jumps
    penalty = SCAD(alpha=1.0, gamma=3.7)
    z = penalty.prox(np.linspace(0.0, 6.0, 6001), 3.0)
    assert np.max(np.diff(z)) > 1.0


@pytest.mark.parametrize(
    ("cls", "kwargs", "match"),
    [
        (MCP, {"gamma": 1.0}, r"MCP: gamma must be in \(1.0, inf\), got gamma=1.0"),
        (MCP, {"gamma": 0.5}, "MCP: gamma must be in"),
        (MCP, {"gamma": np.nan}, "MCP: gamma must be a real number"),
        (MCP, {"alpha": -0.1}, "MCP: alpha must be in"),
        (SCAD, {"gamma": 2.0}, r"SCAD: gamma must be in \(2.0, inf\), got gamma=2.0.*3.7"),
        (SCAD, {"alpha": np.inf}, "SCAD: alpha must be in"),
        (SCAD, {"alpha": np.nan}, "SCAD: alpha must be a real number"),
    ],
)
def test_rejects_bad_parameters(cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cls(**kwargs)


def test_alpha_max_is_l1s():
    from conftest import load_dataset

    from lpreg import L1
    from lpreg.datafits.quadratic import Quadratic

    data = load_dataset("hitters")
    X, y = data["X"], data["y"]
    reference = L1(alpha=1.0).alpha_max(X, y, Quadratic(), fit_intercept=True)
    for penalty in (MCP(alpha=0.1, gamma=3.0), SCAD(alpha=5.0)):
        assert penalty.alpha_max(X, y, Quadratic(), fit_intercept=True) == reference
