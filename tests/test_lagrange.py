"""The constrained <-> penalised correspondence (lpreg.lagrange): round trips to 1e-8, the
penalised fit at the multiplier reproduces the constrained one, scikit-learn's Lasso at the
mapped alpha has the requested L1 norm, and the messages."""

from __future__ import annotations

import cvxpy as cp
import numpy as np
import pytest
from conftest import load_dataset
from sklearn.linear_model import Lasso as SklearnLasso

import lpreg
from lpreg import L2, Lp, Quadratic
from lpreg.estimators import NormBallRegression
from lpreg.lagrange import alpha_to_radius, multiplier_to_alpha, radius_to_alpha


def _regression(name):
    data = load_dataset(name)
    X = np.asarray(data["X"], dtype=np.float64)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = data["y"] - data["y"].mean()
    return np.asfortranarray(X), y / y.std()


def _ols_norm(X, y, p):
    design = np.column_stack([X, np.ones(X.shape[0])])
    return np.linalg.norm(np.linalg.lstsq(design, y, rcond=None)[0][:-1], ord=p)


@pytest.mark.parametrize(
    ("name", "p"),
    [
        ("prostate", 1.0),
        ("hitters", 1.0),
        ("prostate", 2.0),
        ("hitters", 1.5),
        ("prostate", np.inf),
        ("hitters", np.inf),
    ],
    ids=lambda v: str(v),
)
@pytest.mark.parametrize("fraction", [0.2, 0.7])
def test_round_trip_is_exact(name, p, fraction):
    X, y = _regression(name)
    radius = fraction * _ols_norm(X, y, p)
    alpha = radius_to_alpha(X, y, radius, p)
    assert alpha > 0
    assert alpha_to_radius(X, y, alpha, p) == pytest.approx(radius, rel=1e-8, abs=0)


@pytest.mark.parametrize("name", ["prostate", "hitters"])
def test_sklearn_lasso_at_mapped_alpha_has_the_radius(name):
    """An independent solver (scikit-learn's coordinate descent) at the mapped alpha."""
    X, y = _regression(name)
    radius = 0.5 * _ols_norm(X, y, 1)
    alpha = radius_to_alpha(X, y, radius, 1)
    reference = SklearnLasso(alpha=alpha, tol=1e-14, max_iter=100_000).fit(X, y)
    assert np.abs(reference.coef_).sum() == pytest.approx(radius, rel=1e-7)


@pytest.mark.parametrize("name", ["prostate", "hitters"])
def test_lasso_at_lambda_reproduces_the_constrained_solution(name):
    X, y = _regression(name)
    radius = 0.4 * _ols_norm(X, y, 1)
    constrained = NormBallRegression(radius=radius, p=1, tol=1e-12).fit(X, y)
    penalized = lpreg.Lasso(alpha=constrained.lambda_, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(penalized.coef_, constrained.coef_, rtol=0, atol=1e-6)
    assert penalized.intercept_ == pytest.approx(constrained.intercept_, abs=1e-6)
    # the multiplier is the alpha the exact mapping finds
    assert radius_to_alpha(X, y, radius, 1) == pytest.approx(constrained.lambda_, rel=1e-6)


@pytest.mark.parametrize(
    ("p", "penalty_factory"),
    [(2.0, lambda a: L2(a)), (1.5, lambda a: Lp(a, p=1.5))],
    ids=["L2", "Lp1.5"],
)
def test_penalized_fit_at_converted_multiplier_reproduces_constrained(p, penalty_factory):
    X, y = _regression("prostate")
    radius = 0.5 * _ols_norm(X, y, p)
    constrained = NormBallRegression(radius=radius, p=p, tol=1e-12).fit(X, y)
    alpha = multiplier_to_alpha(constrained.lambda_, radius, p)
    penalized = lpreg.solve(
        X, y, Quadratic(), penalty_factory(alpha), fit_intercept=True, tol=1e-12
    )
    np.testing.assert_allclose(penalized.coef, constrained.coef_, rtol=0, atol=1e-5)
    assert np.linalg.norm(penalized.coef, ord=p) == pytest.approx(radius, rel=1e-5)


@pytest.mark.parametrize("name", ["prostate", "hitters"])
def test_linf_alpha_is_the_max_norm_multiplier_and_cvxpy_has_the_radius(name):
    """p = inf: alpha of Linf is lambda_ of the max-norm ball, and an independent solver (cvxpy)
    at that alpha lands on the radius."""
    X, y = _regression(name)
    radius = 0.5 * _ols_norm(X, y, np.inf)
    alpha = radius_to_alpha(X, y, radius, np.inf)
    constrained = NormBallRegression(radius=radius, p=np.inf, tol=1e-12).fit(X, y)
    assert alpha == pytest.approx(constrained.lambda_, rel=1e-6)
    n_samples, n_features = X.shape
    w, b = cp.Variable(n_features), cp.Variable()
    objective = cp.sum_squares(y - X @ w - b) / (2 * n_samples) + alpha * cp.norm(w, "inf")
    cp.Problem(cp.Minimize(objective)).solve(solver=cp.CLARABEL)
    assert np.max(np.abs(w.value)) == pytest.approx(radius, rel=1e-5)
    np.testing.assert_allclose(w.value, constrained.coef_, rtol=0, atol=1e-5)


def test_radius_is_nonincreasing_in_alpha():
    X, y = _regression("prostate")
    alphas = np.geomspace(1e-3, 1.0, 12)
    radii = [alpha_to_radius(X, y, a, 1.5) for a in alphas]
    assert np.all(np.diff(radii) <= 1e-9)
    assert radii[0] > 2 * radii[-1]


def test_inactive_constraint_maps_to_alpha_zero():
    X, y = _regression("prostate")
    assert radius_to_alpha(X, y, 2.0 * _ols_norm(X, y, 2), 2) == 0.0


def test_multiplier_conversions():
    assert multiplier_to_alpha(0.3, 2.0, 1) == 0.3
    assert multiplier_to_alpha(0.3, 2.0, 2) == 0.15
    assert multiplier_to_alpha(0.3, 2.0, 3) == pytest.approx(0.3 / (3 * 4.0))
    assert multiplier_to_alpha(0.3, 2.0, np.inf) == 0.3


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda X, y: radius_to_alpha(X, y, 1.0, 0.9),
            ValueError,
            r"radius_to_alpha: p must be in \[1.0, inf\], got p=0.9",
        ),
        (lambda X, y: radius_to_alpha(X, y, 1.0, 0.5), ValueError, r"not unique"),
        (lambda X, y: radius_to_alpha(X, y, 0.0, 1), ValueError, r"alpha = inf \(w = 0\)"),
        (lambda X, y: alpha_to_radius(X, y, -1.0, 1), ValueError, r"alpha_to_radius: alpha"),
        (
            lambda X, y: alpha_to_radius(X, y, 1.0, 0.0),
            ValueError,
            r"alpha_to_radius: p must be in \(0.0, inf\], got p=0.0. .*Linf \(p=inf\)",
        ),
    ],
)
def test_bad_input_raises_helpful_errors(call, error, match):
    X, y = _regression("prostate")
    with pytest.raises(error, match=match):
        call(X, y)
