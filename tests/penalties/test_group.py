"""GroupLasso and SparseGroupLasso: prox against a 2-D grid and cvxpy, roots, validation."""

from __future__ import annotations

import math

import cvxpy as cp
import numpy as np
import pytest
from conftest import load_dataset, n_features_of

from lpreg import GroupLasso, SparseGroupLasso
from lpreg.datafits.quadratic import Quadratic
from lpreg.penalties import penalty_examples
from lpreg.penalties.group import group_critical_alpha

GROUP_PENALTIES = [  # Linf is non-separable too, but has no groups
    p for p in penalty_examples(separable=False) if hasattr(p, "group_structure")
]


def _prox_objective(penalty, z, x, step):
    return 0.5 * np.sum((z - x) ** 2) + step * penalty.value(z)


@pytest.mark.parametrize("penalty", GROUP_PENALTIES, ids=repr)
def test_prox_beats_cvxpy(penalty):
    rng = np.random.default_rng(0)
    n_features = n_features_of(penalty)
    structure = penalty.group_structure(n_features)
    alpha, ratio = penalty.params
    for step in (0.4, 3.0):
        for scale in (0.3, 2.0):
            x = scale * rng.standard_normal(n_features)
            z = cp.Variable(n_features)
            group_terms = [
                structure.weights[g]
                * cp.norm(z[structure.indices[structure.ptr[g] : structure.ptr[g + 1]]], 2)
                for g in range(structure.n_groups)
            ]
            penalty_expr = alpha * (ratio * cp.norm(z, 1) + (1 - ratio) * sum(group_terms))
            problem = cp.Problem(cp.Minimize(0.5 * cp.sum_squares(z - x) + step * penalty_expr))
            problem.solve(solver=cp.CLARABEL)
            ours = _prox_objective(penalty, penalty.prox(x, step), x, step)
            reference = _prox_objective(penalty, z.value, x, step)
            assert ours <= reference + 1e-12 * (1 + abs(reference))
            # strongly convex (modulus 1): cvxpy's ~1e-6 error in z is ~1e-12 in objective
            np.testing.assert_allclose(penalty.prox(x, step), z.value, atol=2e-5)


@pytest.mark.parametrize("l1_ratio", [0.0, 0.3, 0.8])
@pytest.mark.parametrize("x", [(0.3, -0.2), (2.0, 1.5), (-0.9, 0.05), (0.0, 0.0), (1e-9, 4.0)])
def test_prox_beats_a_fine_2d_grid(l1_ratio, x):
    penalty = SparseGroupLasso(alpha=0.7, groups=[0, 0], l1_ratio=l1_ratio)
    x = np.array(x)
    step = 1.3
    axis = np.linspace(-5.0, 5.0, 1001)
    Z1, Z2 = np.meshgrid(axis, axis, indexing="ij")
    norms = np.sqrt(Z1**2 + Z2**2)
    values = 0.7 * (l1_ratio * (np.abs(Z1) + np.abs(Z2)) + (1 - l1_ratio) * math.sqrt(2) * norms)
    grid = 0.5 * ((Z1 - x[0]) ** 2 + (Z2 - x[1]) ** 2) + step * values
    z = penalty.prox(x, step)
    assert _prox_objective(penalty, z, x, step) <= grid.min() + 1e-12


@pytest.mark.parametrize("l1_ratio", [0.0, 0.2, 0.5, 0.95, 1.0])
@pytest.mark.parametrize("group_weight", [0.0, 0.7, 2.0])
def test_critical_alpha_matches_bisection(l1_ratio, group_weight):
    # lambda with ||S_{lambda r}(u)||_2 = lambda (1 - r) c, found by plain bisection
    rng = np.random.default_rng(1)
    for size in (1, 2, 5):
        u = rng.standard_normal(size)
        exact = group_critical_alpha(u, l1_ratio, group_weight)
        if l1_ratio == 0.0 and group_weight == 0.0:
            assert exact == math.inf
            continue

        def excess(lam, u=u):
            shrunk = np.maximum(np.abs(u) - lam * l1_ratio, 0.0)
            return np.linalg.norm(shrunk) - lam * (1 - l1_ratio) * group_weight

        low, high = 0.0, 1e3
        for _ in range(200):
            middle = 0.5 * (low + high)
            low, high = (middle, high) if excess(middle) > 0 else (low, middle)
        assert exact == pytest.approx(high, rel=1e-12)


@pytest.mark.parametrize("cls", [GroupLasso, SparseGroupLasso])
def test_alpha_max_on_colon_grouped(cls):
    data = load_dataset("colon_grouped")
    X, y, groups = data["X"], data["y"].astype(float), data["groups"]
    penalty = cls(alpha=1.0, groups=groups)
    datafit = Quadratic()
    alpha_max = penalty.alpha_max(X, y, datafit, fit_intercept=True)
    grad = datafit.gradient_at_zero(X, y, fit_intercept=True)
    if cls is GroupLasso:  # max_g ||grad_g|| / sqrt(|g|), computed here group by group
        expected = max(
            np.linalg.norm(grad[groups == g]) / math.sqrt(np.sum(groups == g))
            for g in np.unique(groups)
        )
        assert alpha_max == pytest.approx(expected, rel=1e-12)
    at_max = penalty.with_alpha(alpha_max)
    assert np.max(at_max.subdiff_distance(np.zeros(X.shape[1]), grad)) <= 1e-12
    assert np.all(at_max.prox(-0.1 * grad, 0.1) == 0)
    assert np.any(penalty.with_alpha(0.99 * alpha_max).prox(-0.1 * grad, 0.1) != 0)


def test_subdiff_distance_is_per_group_on_each_coordinate():
    penalty = GroupLasso(alpha=1.0, groups=[0, 1, 0], group_weights=[1.0, 1.0])
    grad = np.array([3.0, 0.5, 4.0])
    # group {0, 2} at w = 0: ||grad_g|| - alpha c_g = 5 - 1; group {1}: inside the ball
    np.testing.assert_allclose(penalty.subdiff_distance(np.zeros(3), grad), [4.0, 0.0, 4.0])


def test_group_forms_agree():
    x = np.array([3.0, -1.0, 0.5, 2.0, 0.1, -0.4])
    by_label = GroupLasso(alpha=0.8, groups=[0, 0, 1, 1, 2, 2])
    by_size = GroupLasso(alpha=0.8, groups=2)
    by_lists = GroupLasso(alpha=0.8, groups=[[0, 1], [2, 3], [4, 5]])
    np.testing.assert_array_equal(by_label.prox(x, 1.0), by_size.prox(x, 1.0))
    np.testing.assert_array_equal(by_label.prox(x, 1.0), by_lists.prox(x, 1.0))
    np.testing.assert_array_equal(by_lists.group_indices, np.arange(6))
    np.testing.assert_array_equal(by_lists.group_ptr, [0, 2, 4, 6])
    assert by_label == GroupLasso(alpha=0.8, groups=np.array([0, 0, 1, 1, 2, 2]))
    assert hash(by_label) == hash(GroupLasso(alpha=0.8, groups=[0, 0, 1, 1, 2, 2]))


def test_sparse_group_lasso_edges_are_l1_and_group_lasso():
    rng = np.random.default_rng(2)
    x = 2.0 * rng.standard_normal(6)
    from lpreg import L1

    np.testing.assert_allclose(
        SparseGroupLasso(alpha=0.5, groups=3, l1_ratio=1.0).prox(x, 1.0), L1(0.5).prox(x, 1.0)
    )
    np.testing.assert_array_equal(
        SparseGroupLasso(alpha=0.5, groups=3, l1_ratio=0.0).prox(x, 1.0),
        GroupLasso(alpha=0.5, groups=3).prox(x, 1.0),
    )


@pytest.mark.parametrize(
    ("kwargs", "n_features", "error", "match"),
    [
        (
            {"groups": [[0, 1], [2], [4, 5]]},
            6,
            ValueError,
            "GroupLasso: groups cover 5 of the 6 columns of X; column 3 is in no group",
        ),
        (
            {"groups": [[0], [1, 2]]},
            100,
            ValueError,
            r"cover 3 of the 100 columns of X; columns 3, 4, 5, 6, 7 and 92 more are in no",
        ),
        ({"groups": [[0, 1], [1, 2]]}, 3, ValueError, "must not overlap; column 1 is in more"),
        ({"groups": [[0, 1], [5]]}, 3, ValueError, "groups refer to column 5 but X has 3"),
        ({"groups": 4}, 6, ValueError, "groups=4 .* does not divide the 6 columns"),
        ({"groups": [0, 0, 1]}, 4, ValueError, "groups has 3 group indices .* X has 4 columns"),
        ({"groups": [0, -1, 1]}, 3, ValueError, r"group indices must be >= 0, got groups\[1\]"),
        ({"groups": 0}, 3, ValueError, "groups as an int .* must be >= 1"),
        ({"groups": [0.5, 1.0]}, 2, TypeError, "groups must be an int array"),
        ({}, 3, TypeError, "groups is required"),
        ({"groups": 3, "alpha": -1.0}, 3, ValueError, "alpha must be in"),
        ({"groups": [0, 1], "group_weights": [1.0]}, 2, ValueError, "group_weights has 1"),
        ({"groups": [0, 1], "group_weights": [1.0, -2.0]}, 2, ValueError, "group_weights must"),
    ],
)
def test_group_lasso_rejects_bad_groups(kwargs, n_features, error, match):
    with pytest.raises(error, match=match):
        GroupLasso(**kwargs).prox(np.zeros(n_features), 1.0)


@pytest.mark.parametrize("l1_ratio", [-0.1, 1.5, np.nan])
def test_sparse_group_lasso_rejects_bad_l1_ratio(l1_ratio):
    with pytest.raises(ValueError, match=r"SparseGroupLasso: l1_ratio must be (in|a real)"):
        SparseGroupLasso(groups=2, l1_ratio=l1_ratio)
