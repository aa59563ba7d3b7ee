"""Norm-ball constrained fits (lpreg.solvers.projected, NormBallRegression/Classifier): cvxpy on
real data, feasibility, the Frank-Wolfe certificate recomputed from coef, the oracle against
points of the ball, sparse Frank-Wolfe iterates, the scikit-learn contract and the messages."""

from __future__ import annotations

import cvxpy as cp
import numpy as np
import pytest
import scipy.sparse as sp
from conftest import load_dataset
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import parametrize_with_checks

from lpreg import Quadratic
from lpreg.balls import project_lp_ball
from lpreg.estimators import NormBallClassifier, NormBallRegression
from lpreg.solvers.projected import (
    FrankWolfe,
    ProjectedGradient,
    dual_norm,
    linear_minimization_oracle,
    solve_constrained,
)

P_VALUES = [1.0, 1.5, 2.0, np.inf]


def _standardize(X):
    X = np.asarray(X, dtype=np.float64)
    X = X - X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    return X / scale


def _regression(name):
    data = load_dataset(name)
    y = data["y"] - data["y"].mean()
    return np.asfortranarray(_standardize(data["X"])), y / y.std()


def _np_norm(w, p):
    return np.linalg.norm(w, ord=p)


def _ols_coef(X, y):
    design = np.column_stack([X, np.ones(X.shape[0])])
    return np.linalg.lstsq(design, y, rcond=None)[0][:-1]


def _cvxpy_constrained(X, y, radius, p, loss="squares"):
    """Reference optimum of min F(w, b) s.t. ||w||_p <= radius (intercept fitted)."""
    n, d = X.shape
    w, b = cp.Variable(d), cp.Variable()
    z = X @ w + b
    if loss == "squares":
        objective = cp.sum_squares(y - z) / (2 * n)
    else:
        objective = cp.sum(cp.logistic(-cp.multiply(y, z))) / n
    norm = cp.pnorm(w, 1.5) if p == 1.5 else cp.norm(w, "inf" if np.isinf(p) else int(p))
    problem = cp.Problem(cp.Minimize(objective), [norm <= radius])
    problem.solve(solver="CLARABEL")
    return problem.value, w.value


def _fw_gap_numpy(X, y, coef, intercept, radius, p):
    """Frank-Wolfe gap of the quadratic datafit, from numpy alone."""
    n = X.shape[0]
    grad = X.T @ (X @ coef + intercept - y) / n
    q = {1.0: np.inf, np.inf: 1.0}.get(p, p / (p - 1.0) if p != 1.0 else np.inf)
    return grad @ coef + radius * np.linalg.norm(grad, ord=q)


# --------------------------------------------------------------------------------------------
# agreement with cvxpy on two real datasets, every p
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["prostate", "hitters"])
@pytest.mark.parametrize("p", P_VALUES, ids=lambda p: f"p={p}")
def test_matches_cvxpy_and_is_feasible(name, p):
    X, y = _regression(name)
    radius = 0.5 * _np_norm(_ols_coef(X, y), p)  # the constraint is active
    reference, _ = _cvxpy_constrained(X, y, radius, p)
    model = NormBallRegression(radius=radius, p=p, tol=1e-10).fit(X, y)
    residual = y - X @ model.coef_ - model.intercept_
    objective = 0.5 * np.mean(residual**2)
    assert objective <= reference * (1 + 1e-6)
    assert _np_norm(model.coef_, p) <= radius * (1 + 1e-12)
    # the certificate, recomputed from coef with numpy, is what the estimator reported
    objective_zero = 0.5 * np.mean((y - y.mean()) ** 2)
    gap = _fw_gap_numpy(X, y, model.coef_, model.intercept_, radius, p) / objective_zero
    assert gap <= 1e-10
    assert model.converged_ and model.gap_ <= 1e-10
    assert model.lambda_ > 0


@pytest.mark.parametrize("p", [1.0, 2.0], ids=lambda p: f"p={p}")
def test_frank_wolfe_matches_cvxpy(p):
    X, y = _regression("prostate")
    radius = 0.4 * _np_norm(_ols_coef(X, y), p)
    reference, _ = _cvxpy_constrained(X, y, radius, p)
    result = FrankWolfe().solve(X, y, Quadratic(), radius, p, fit_intercept=True, tol=1e-10)
    objective = 0.5 * np.mean((y - X @ result.coef - result.intercept) ** 2)
    assert result.converged and result.certificate == "fw_gap"
    assert objective <= reference * (1 + 1e-6)
    assert _np_norm(result.coef, p) <= radius * (1 + 1e-12)


def test_classifier_matches_cvxpy_logistic():
    data = load_dataset("colon_alon")
    X = np.asfortranarray(_standardize(data["X"])[:, :40])
    y = np.where(data["y"] == data["y"].max(), 1.0, -1.0)
    radius = 2.0
    reference, _ = _cvxpy_constrained(X, y, radius, 2.0, loss="logistic")
    model = NormBallClassifier(radius=radius, p=2, tol=1e-10).fit(X, data["y"])
    scores = X @ model.coef_[0] + model.intercept_[0]
    objective = np.mean(np.logaddexp(0.0, -y * scores))
    assert objective <= reference * (1 + 1e-6)
    assert np.linalg.norm(model.coef_[0]) <= radius * (1 + 1e-12)
    assert model.lambda_.shape == (1,) and model.lambda_[0] > 0


def test_sparse_input_gives_the_dense_solution():
    X, y = _regression("prostate")
    radius = 1.0
    dense = solve_constrained(X, y, Quadratic(), radius, 1, fit_intercept=True, tol=1e-12)
    sparse = solve_constrained(
        sp.csc_matrix(X), y, Quadratic(), radius, 1, fit_intercept=True, tol=1e-12
    )
    np.testing.assert_allclose(sparse.coef, dense.coef, atol=1e-7)
    assert sparse.intercept == pytest.approx(dense.intercept, abs=1e-7)


def test_inactive_constraint_gives_least_squares_and_zero_multiplier():
    X, y = _regression("prostate")
    ols = _ols_coef(X, y)
    model = NormBallRegression(radius=2.0 * np.abs(ols).sum(), p=1, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(model.coef_, ols, atol=1e-6)
    assert model.lambda_ == 0.0


# --------------------------------------------------------------------------------------------
# the geometry: oracle, dual norm
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("p", [1.0, 1.5, 2.0, 3.0, np.inf], ids=lambda p: f"p={p}")
def test_oracle_beats_every_point_of_the_ball(p):
    rng = np.random.default_rng(3)
    grad = rng.standard_normal(7)
    radius = 1.7
    s = linear_minimization_oracle(grad, radius, p)
    q = np.inf if p == 1.0 else (1.0 if np.isinf(p) else p / (p - 1.0))
    assert grad @ s == pytest.approx(-radius * np.linalg.norm(grad, ord=q), rel=1e-12)
    assert _np_norm(s, p) <= radius * (1 + 1e-12)
    assert dual_norm(grad, p) == pytest.approx(np.linalg.norm(grad, ord=q), rel=1e-12)
    points = np.array([project_lp_ball(v, radius, p) for v in 3 * rng.standard_normal((500, 7))])
    assert np.all(points @ grad >= grad @ s - 1e-12)


def test_frank_wolfe_l1_iterates_are_sparse():
    X, y = _regression("hitters")
    with pytest.warns(ConvergenceWarning, match="Frank-Wolfe gap .* > tol"):
        result = FrankWolfe().solve(
            X, y, Quadratic(), 5.0, 1, fit_intercept=True, max_iter=4, check_every=1
        )
    # one new vertex per pairwise step from w = 0: at most 4 nonzeros after 4 iterations
    assert 0 < np.count_nonzero(result.coef) <= 4
    assert np.abs(result.coef).sum() <= 5.0 * (1 + 1e-12)


def test_history_records_a_decreasing_certificate_to_tol():
    X, y = _regression("prostate")
    result = ProjectedGradient().solve(
        X, y, Quadratic(), 1.0, 2, fit_intercept=True, tol=1e-9, history=True
    )
    certificates = result.history["certificate"]
    assert certificates[-1] <= 1e-9 < certificates[0]
    assert len(result.history["objective"]) == len(result.history["time"]) == len(certificates)


# --------------------------------------------------------------------------------------------
# the scikit-learn contract and the messages
# --------------------------------------------------------------------------------------------


@parametrize_with_checks([NormBallRegression(radius=1.0), NormBallClassifier(radius=1.0)])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"radius": -1.0},
            ValueError,
            r"NormBallRegression: radius must be in \[0.0, inf\), got radius=-1.0",
        ),
        ({"radius": np.inf}, ValueError, r"radius must be in \[0.0, inf\), got radius=inf"),
        (
            {"p": 0.5},
            ValueError,
            r"NormBallRegression: p must be in \[1.0, inf\], got p=0.5. The ball must be convex",
        ),
        ({"solver": "cd"}, ValueError, r"solver must be one of .*got 'cd'"),
        ({"fit_intercept": "yes"}, TypeError, r"fit_intercept must be True or False"),
        ({"radius": "1"}, TypeError, r"radius must be a real number"),
    ],
)
def test_bad_parameters_raise_helpful_errors(kwargs, error, match):
    X, y = _regression("prostate")
    with pytest.raises(error, match=match):
        NormBallRegression(**kwargs).fit(X, y)


def test_solver_level_messages():
    X, y = _regression("prostate")
    with pytest.raises(ValueError, match=r"ProjectedGradient: unknown option\(s\) \['step'\]"):
        ProjectedGradient().solve(X, y, Quadratic(), 1.0, step=0.1)
    with pytest.raises(ValueError, match=r"check_every must be an int >= 1, got 0"):
        FrankWolfe().solve(X, y, Quadratic(), 1.0, check_every=0)
    with pytest.raises(ValueError, match=r"solve_constrained: solver must be .*got 'newton'"):
        solve_constrained(X, y, Quadratic(), 1.0, solver="newton")
    with pytest.raises(ValueError, match=r"FrankWolfe: w0 must have shape \(8,\)"):
        FrankWolfe().solve(X, y, Quadratic(), 1.0, w0=np.zeros(3))
