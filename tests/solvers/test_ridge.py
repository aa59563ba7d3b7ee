"""Closed-form ridge (solver="ridge") against scikit-learn's Ridge, and the one-SVD path.

Scaling: lpreg minimises (1/2) sum_i c_i (y_i - x_i'w - b)^2 + (alpha/2) ||w||^2 with
c = s / sum(s); times 2 sum(s) this is scikit-learn's sum_i s_i (...)^2 + alpha_sk ||w||^2,
so ``alpha_sk = alpha * sum(s)`` (``alpha * n`` without weights).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import load_dataset, recomputed_certificate
from sklearn.linear_model import Ridge as SklearnRidge

from lpreg import L1, L2, Logistic, Quadratic
from lpreg.solvers import solve
from lpreg.solvers.ridge import ridge_path_svd

SOLVER = "ridge"


def _regression(name):
    data = load_dataset(name)
    return np.asarray(data["X"], dtype=np.float64), np.asarray(data["y"], dtype=np.float64)


def _weights(n_samples):
    return np.random.default_rng(0).uniform(0.2, 3.0, n_samples)


def _assert_matches_sklearn(X, y, alpha, sample_weight, fit_intercept, rtol=1e-10):
    """scikit-learn's Ridge(alpha * sum(s)) on the densified X: SVD solver for dense input,
    Cholesky (kernel form when p > n) for the sparse case, where an SVD would be slow."""
    result = solve(
        X,
        y,
        Quadratic(),
        L2(alpha=alpha),
        solver=SOLVER,
        sample_weight=sample_weight,
        fit_intercept=fit_intercept,
    )
    total = X.shape[0] if sample_weight is None else sample_weight.sum()
    dense = X.toarray() if sp.issparse(X) else X
    reference = SklearnRidge(
        alpha=alpha * total,
        fit_intercept=fit_intercept,
        solver="cholesky" if sp.issparse(X) else "svd",
    )
    reference.fit(dense, y, sample_weight=sample_weight)
    scale = np.max(np.abs(reference.coef_))
    assert np.max(np.abs(result.coef - reference.coef_)) <= rtol * scale
    assert abs(result.intercept - reference.intercept_) <= rtol * max(
        abs(reference.intercept_), np.max(np.abs(dense @ reference.coef_)), 1.0
    )
    # the certificate, recomputed from the coefficients, is ~0
    certificate = recomputed_certificate(
        X,
        y,
        Quadratic(),
        L2(alpha=alpha),
        result.coef,
        result.intercept,
        sample_weight,
        fit_intercept,
    )
    assert result.converged and certificate <= 1e-12
    return result


@pytest.mark.parametrize("name", ["hitters", "prostate"])
@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_dense_n_greater_than_p_matches_sklearn(name, fit_intercept, weighted):
    X, y = _regression(name)
    weights = _weights(X.shape[0]) if weighted else None
    _assert_matches_sklearn(X, y, 0.3, weights, fit_intercept)


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_dense_p_greater_than_n_matches_sklearn(fit_intercept, weighted):
    data = load_dataset("leukemia_golub")
    X = np.asarray(data["X"][:, :3000], dtype=np.float64)
    X = X / X.std(axis=0).clip(1e-12)
    y = data["y"].astype(np.float64)
    weights = _weights(X.shape[0]) if weighted else None
    _assert_matches_sklearn(X, y, 5.0, weights, fit_intercept)


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_sparse_we8there_matches_sklearn_without_densifying(fit_intercept, weighted):
    data = load_dataset("we8there")
    rows = np.sort(np.random.default_rng(1).choice(data["X"].shape[0], 800, replace=False))
    X = sp.csc_matrix(data["X"][rows])
    X = sp.csc_matrix(X[:, np.flatnonzero(X.getnnz(axis=0) >= 3)])
    y = data["ratings"][rows, -1].astype(np.float64)  # the "Overall" rating
    weights = _weights(X.shape[0]) if weighted else None
    result = _assert_matches_sklearn(X, y, 1e-3, weights, fit_intercept)
    assert result.n_iter > 1  # LSQR iterations, not a dense factorisation


def test_float32_input_keeps_its_dtype():
    X, y = _regression("hitters")
    result64 = solve(X, y, Quadratic(), L2(alpha=0.1), solver=SOLVER, fit_intercept=True)
    result32 = solve(
        X.astype(np.float32), y, Quadratic(), L2(alpha=0.1), solver=SOLVER, fit_intercept=True
    )
    assert result32.coef.dtype == np.float32
    np.testing.assert_allclose(result32.coef, result64.coef, rtol=1e-4, atol=1e-6)


def test_alpha_zero_is_minimum_norm_least_squares():
    data = load_dataset("leukemia_golub")
    X = np.asarray(data["X"][:, :200], dtype=np.float64)
    y = data["y"].astype(np.float64)
    result = solve(X, y, Quadratic(), L2(alpha=0.0), solver=SOLVER)
    expected = np.linalg.pinv(X) @ y
    np.testing.assert_allclose(result.coef, expected, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("name", ["prostate", "leukemia_golub"])
def test_svd_path_equals_per_alpha_solves(name):
    X, y = _regression(name)
    if X.shape[1] > 1000:
        X = X[:, :1000]
    weights = _weights(X.shape[0])
    alphas = np.array([10.0, 1.0, 0.1, 0.01])
    for fit_intercept in (False, True):
        coefs, intercepts = ridge_path_svd(
            X, y, alphas, sample_weight=weights, fit_intercept=fit_intercept
        )
        assert coefs.shape == (len(alphas), X.shape[1])
        for alpha, coef, intercept in zip(alphas, coefs, intercepts, strict=True):
            single = solve(
                X,
                y,
                Quadratic(),
                L2(alpha=alpha),
                solver=SOLVER,
                sample_weight=weights,
                fit_intercept=fit_intercept,
            )
            scale = np.max(np.abs(single.coef))
            assert np.max(np.abs(coef - single.coef)) <= 1e-9 * scale
            assert abs(intercept - single.intercept) <= 1e-9 * max(abs(single.intercept), 1.0)


def test_refuses_other_pairs_helpfully():
    X, y = _regression("prostate")
    with pytest.raises(ValueError, match=r"Ridge cannot solve Quadratic \+ L1: .*Quadratic \+ L2"):
        solve(X, y, Quadratic(), L1(alpha=0.1), solver=SOLVER)
    with pytest.raises(ValueError, match=r"Ridge cannot solve Logistic \+ L2: .*only Quadratic"):
        solve(X, y > np.median(y), Logistic(), L2(alpha=0.1), solver=SOLVER)
    with pytest.raises(ValueError, match=r"Ridge: unknown option\(s\) \['restart'\]"):
        solve(X, y, Quadratic(), L2(alpha=0.1), solver=SOLVER, restart="gradient")


def test_path_rejects_bad_input():
    X, y = _regression("prostate")
    with pytest.raises(ValueError, match=r"ridge_path_svd: alphas must be >= 0, got alphas\[1\]"):
        ridge_path_svd(X, y, [1.0, -0.5])
    with pytest.raises(TypeError, match=r"ridge_path_svd: X must be a dense array"):
        ridge_path_svd(sp.csc_matrix(X), y, [1.0])
