"""Shared helpers of the solver tests: small standardised problems and certificates.

pytest imports this file as the module ``conftest`` too (shadowing ``tests/conftest.py`` for
``from conftest import ...`` in later modules), so it re-exports ``load_dataset``.

The certificates are recomputed from the returned coefficients with
:mod:`lpreg.certificates` and scaled as :class:`lpreg.solvers.base.Problem` scales them: the
duality gap by the objective at ``w = 0`` (intercept optimal if fitted), the KKT violation by
``max_j |grad_j F(0)|``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from lpreg.certificates import duality_gap, kkt_violation, objective_at_zero

_ROOT = Path(__file__).resolve().parents[1] / "conftest.py"
_spec = importlib.util.spec_from_file_location("_lpreg_tests_root_conftest_solvers", _ROOT)
_root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_root)
load_dataset = _root.load_dataset
SHARED_DATA = _root.SHARED_DATA


def standardize(X):
    """Centre and scale the columns of dense X (constant columns are left at 0)."""
    X = np.asarray(X, dtype=np.float64)
    X = X - X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    return X / scale


def regression_data(name, n_features=None):
    """A real regression set, standardised, ``y`` centred and scaled."""
    data = load_dataset(name)
    X = standardize(data["X"])
    if n_features is not None:
        X = X[:, :n_features]
    y = data["y"] - data["y"].mean()
    return np.asfortranarray(X), y / y.std()


def classification_data(name, n_features=None, n_samples=None):
    """A real binary set, standardised; the columns kept are the first ``n_features``."""
    data = load_dataset(name)
    X = np.asarray(data["X"], dtype=np.float64)
    y = data["y"]
    if n_samples is not None:
        X, y = X[:n_samples], y[:n_samples]
    X = standardize(X)
    if n_features is not None:
        X = X[:, :n_features]
    return np.asfortranarray(X), np.where(y == y.max(), 1.0, -1.0)


def synthetic_data(kind, n_samples=50, n_features=30, seed=0):
    """Correlated Gaussian design (rho = 0.5), 5 true nonzeros; regression or +-1 labels."""
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal((n_samples, n_features))
    X = np.sqrt(0.5) * noise + np.sqrt(0.5) * rng.standard_normal((n_samples, 1))
    w_true = np.zeros(n_features)
    w_true[: min(5, n_features)] = [2.0, -1.5, 1.0, -0.5, 0.8][: min(5, n_features)]
    z = X @ w_true
    if kind == "classification":
        y = np.where(z + 0.5 * rng.standard_normal(n_samples) > 0, 1.0, -1.0)
    else:
        y = z + 0.5 * rng.standard_normal(n_samples)
    return np.asfortranarray(X), y


def kkt_scale(X, y, datafit, sample_weight=None, fit_intercept=False):
    """``max_j |grad_j F(0)|`` with the intercept optimal if fitted (Problem.scale_kkt)."""
    grad = datafit.gradient_at_zero(X, y, sample_weight=sample_weight, fit_intercept=fit_intercept)
    return max(float(np.max(np.abs(grad))), 1e-12)


def recomputed_certificate(
    X, y, datafit, penalty, coef, intercept, sample_weight=None, fit_intercept=False
):
    """The relative certificate at ``coef`` from lpreg.certificates, scaled as base.py does.

    Convex penalties with a conjugate: duality gap / objective at 0, and (with an intercept or
    unpenalized coordinates) at least their relative KKT violation; otherwise the relative KKT
    violation on every coordinate.
    """
    y = datafit.prepare_target(y)
    coef = np.asarray(coef, dtype=np.float64)
    scale_kkt = kkt_scale(X, y, datafit, sample_weight, fit_intercept)
    if penalty.is_convex and getattr(penalty, "has_conjugate", False):
        gap, _, _ = duality_gap(X, y, coef, intercept, datafit, penalty, sample_weight)
        scale_gap = objective_at_zero(X, y, datafit, penalty, sample_weight, fit_intercept)
        value = gap / max(scale_gap, 1e-300)
        weights = penalty.coordinate_weights(X.shape[1])
        if fit_intercept or np.any(weights == 0):
            Xw = np.asarray(X @ coef).ravel() + intercept
            g = datafit.raw_gradient(y, Xw, sample_weight)
            grad = np.asarray(X.T @ g).ravel()
            distances = penalty.subdiff_distance(coef, grad)[weights == 0]
            extra = float(np.max(distances, initial=0.0))
            if fit_intercept:
                extra = max(extra, abs(float(g.sum())))
            value = max(value, extra / scale_kkt)
        return value
    violation = kkt_violation(
        X, y, coef, intercept, datafit, penalty, sample_weight, fit_intercept=fit_intercept
    )
    return violation / scale_kkt
