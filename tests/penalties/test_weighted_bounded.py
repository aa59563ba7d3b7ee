"""WeightedL1 and Bounded: references, value semantics and validation messages."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import load_dataset

from lpreg import L1, MCP, SCAD, Bounded, GroupLasso, WeightedL1
from lpreg.datafits.quadratic import Quadratic
from lpreg.penalties import ElasticNet


def test_weighted_l1_prox_is_soft_thresholding_at_weighted_levels():
    penalty = WeightedL1(alpha=0.5, weights=[0.0, 1.0, 4.0])
    x = np.array([3.0, -3.0, 1.5])
    # thresholds alpha * c_j * step = 0, 1, 4 with step 2
    np.testing.assert_array_equal(penalty.prox(x, 2.0), [3.0, -2.0, 0.0])
    assert penalty.value(x) == pytest.approx(0.5 * (0.0 * 3 + 1.0 * 3 + 4.0 * 1.5))


def test_weighted_l1_with_unit_weights_is_l1():
    rng = np.random.default_rng(0)
    w = rng.standard_normal(7)
    weighted, plain = WeightedL1(alpha=0.3, weights=np.ones(7)), L1(alpha=0.3)
    np.testing.assert_array_equal(weighted.prox(w, 1.7), plain.prox(w, 1.7))
    assert weighted.value(w) == plain.value(w)


def test_weighted_l1_alpha_max_on_real_data():
    data = load_dataset("prostate")
    X, y = data["X"], data["y"]
    weights = np.linspace(0.5, 2.0, X.shape[1])
    alpha_max = WeightedL1(alpha=1.0, weights=weights).alpha_max(X, y, Quadratic())
    reference = np.max(np.abs(X.T @ y) / len(y) / weights)  # |grad_j F(0)| / c_j
    assert alpha_max == pytest.approx(reference, rel=1e-12)


def test_weighted_l1_weights_are_read_only_and_compare_by_value():
    penalty = WeightedL1(alpha=1.0, weights=[1.0, 2.0])
    with pytest.raises(ValueError, match="read-only"):
        penalty.weights[0] = 5.0
    assert penalty == WeightedL1(alpha=1.0, weights=np.array([1.0, 2.0]))
    assert penalty != WeightedL1(alpha=1.0, weights=[1.0, 3.0])
    assert hash(penalty) == hash(WeightedL1(alpha=1.0, weights=(1, 2)))
    assert repr(penalty) == "WeightedL1(alpha=1.0, weights=[1.0, 2.0])"
    assert "(20 entries)" in repr(WeightedL1(weights=np.ones(20)))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"weights": [1.0, -0.5]}, ValueError, r"weights must be >= 0.*weights\[1\]=-0.5"),
        ({"weights": [1.0, np.nan]}, ValueError, "weights must be finite"),
        ({}, TypeError, "weights is required"),
        ({"weights": []}, ValueError, "weights must have one entry per feature"),
        ({"weights": [1.0], "alpha": -1.0}, ValueError, r"alpha must be in \[0.0, inf\)"),
        ({"weights": [1.0], "alpha": np.nan}, ValueError, "alpha must be a real number"),
    ],
)
def test_weighted_l1_rejects_bad_parameters(kwargs, error, match):
    with pytest.raises(error, match=f"WeightedL1: {match}"):
        WeightedL1(**kwargs)


def test_weighted_l1_rejects_a_w_of_the_wrong_length():
    with pytest.raises(ValueError, match="weights has 3 entries but w has 2 coefficients"):
        WeightedL1(weights=[1.0, 1.0, 1.0]).prox(np.ones(2), 1.0)


def test_bounded_prox_matches_projected_reference():
    # non-negative lasso: prox = max(soft_threshold(x), 0); box [-1, 2] for elastic net
    x = np.array([3.0, -3.0, 0.4, -0.2])
    np.testing.assert_array_equal(Bounded(L1(alpha=0.5)).prox(x, 1.0), [2.5, 0.0, 0.0, 0.0])
    net = ElasticNet(alpha=1.0, l1_ratio=0.5)
    box = Bounded(net, lower=-1.0, upper=2.0)
    np.testing.assert_allclose(
        box.prox(np.array([9.0, -9.0, 1.0]), 1.0), np.clip(net.prox([9.0, -9.0, 1.0], 1.0), -1, 2)
    )
    assert box.value(np.array([2.5, 0.0, 0.0])) == math.inf


def test_bounded_non_negative_lasso_matches_scikit_learn():
    from sklearn.linear_model import Lasso

    data = load_dataset("prostate")
    X = (data["X"] - data["X"].mean(0)) / data["X"].std(0)
    y = data["y"] - data["y"].mean()
    penalty = Bounded(L1(alpha=0.05))
    datafit = Quadratic()
    # proximal gradient (FISTA-free, plain) to high accuracy: reference is sklearn positive=True
    step = 1.0 / datafit.global_lipschitz(X)
    w = np.zeros(X.shape[1])
    for _ in range(20_000):
        w = penalty.prox(w - step * datafit.gradient(X, y, X @ w), step)
    reference = Lasso(alpha=0.05, positive=True, fit_intercept=False, tol=1e-12, max_iter=100_000)
    reference.fit(X, y)
    np.testing.assert_allclose(w, reference.coef_, atol=1e-8)
    grad = datafit.gradient(X, y, X @ w)
    assert np.max(penalty.subdiff_distance(w, grad)) < 1e-8


def test_bounded_conjugate_only_for_half_lines():
    assert Bounded(L1(alpha=1.0)).has_conjugate
    # sup_{z >= 0} v z - |z| = 0 iff v <= 1, whatever the negative side
    assert Bounded(L1(alpha=1.0)).conjugate(np.array([1.0, -50.0])) == 0.0
    assert Bounded(L1(alpha=1.0)).conjugate(np.array([1.01, 0.0])) == math.inf
    box = Bounded(L1(alpha=1.0), lower=-1.0, upper=1.0)
    assert not box.has_conjugate
    with pytest.raises(NotImplementedError, match="finite bounds"):
        box.conjugate(np.zeros(2))
    assert not Bounded(MCP()).has_conjugate


def test_bounded_exposes_the_wrapped_penalty():
    inner = WeightedL1(alpha=0.5, weights=[0.0, 2.0])
    penalty = Bounded(inner, lower=[-1.0, 0.0], upper=np.inf)
    assert penalty.scalar_kernels is inner.scalar_kernels
    np.testing.assert_array_equal(penalty.params, inner.params)
    np.testing.assert_array_equal(penalty.coordinate_weights(2), [0.0, 2.0])
    lower, upper = penalty.coordinate_bounds(2)
    np.testing.assert_array_equal(lower, [-1.0, 0.0])
    np.testing.assert_array_equal(upper, [np.inf, np.inf])
    assert penalty.n_features_required == 2
    assert penalty == Bounded(inner, lower=np.array([-1.0, 0.0]))
    assert Bounded(MCP()).is_convex is False


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((L1(),), {"lower": 0.5}, ValueError, r"lower must be <= 0 entrywise.*lower=0.5"),
        ((L1(),), {"upper": -1.0}, ValueError, r"upper must be >= 0 entrywise.*upper=-1.0"),
        ((L1(),), {"lower": np.nan}, ValueError, "lower must not contain NaN"),
        ((L1(),), {"lower": [0.0, -1.0], "upper": [1.0]}, ValueError, "have 2 and 1 entries"),
        (("L1",), {}, TypeError, "penalty must be a Penalty"),
        ((GroupLasso(groups=2),), {}, ValueError, "penalty must be separable"),
        ((Bounded(L1()),), {}, ValueError, "already Bounded"),
        ((SCAD(),), {"upper": 2.0}, ValueError, "only takes half-line bounds"),
        ((WeightedL1(weights=[1.0]),), {"lower": [0.0, 0.0]}, ValueError, "needs 1 features"),
    ],
)
def test_bounded_rejects_bad_parameters(args, kwargs, error, match):
    with pytest.raises(error, match=f"Bounded: .*{match}"):
        Bounded(*args, **kwargs)
