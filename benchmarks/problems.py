"""Benchmark problems for ``run_solvers.py``: data, penalty level and an independent objective.

Every problem is fitted without intercept.  The objectives, computed here in plain numpy (not
through lpreg), are

* ``quadratic``: ``(1 / 2n) ||y - X w||^2 + alpha (l1_ratio ||w||_1 + (1 - l1_ratio) / 2 ||w||^2)``
  (``l1_ratio = 1`` is the Lasso), the scaling of scikit-learn's ``Lasso`` / ``ElasticNet``;
* ``logistic``: ``(1 / n) sum_i log(1 + exp(-y_i x_i'w)) + alpha ||w||_1`` with ``y_i in {-1, 1}``.

``alpha`` is a fraction of ``alpha_max``, the smallest level at which ``w = 0`` is optimal:
``||X'y||_inf / (n l1_ratio)`` for the quadratic datafit and ``||X'y||_inf / (2n)`` for the
logistic one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

DATA_DIR = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


@dataclass
class Problem:
    """One benchmark cell: a design, a target and the penalised objective to minimise."""

    name: str
    X: object
    y: np.ndarray
    datafit: str  # "quadratic" or "logistic"
    alpha: float
    l1_ratio: float = 1.0
    size: str = "small"  # "small" -> median of 3 repeats, "big" -> 1 run

    def objective(self, w):
        """The objective at ``w`` in numpy (see the module docstring)."""
        w = np.asarray(w, dtype=np.float64).ravel()
        z = self.X @ w
        n = self.X.shape[0]
        l1 = np.abs(w).sum()
        if self.datafit == "logistic":
            return float(np.logaddexp(0.0, -self.y * z).mean() + self.alpha * l1)
        residual = self.y - z
        penalty = self.alpha * (self.l1_ratio * l1 + 0.5 * (1.0 - self.l1_ratio) * float(w @ w))
        return float(residual @ residual / (2 * n) + penalty)


def alpha_max(X, y, datafit, l1_ratio=1.0):
    """Smallest ``alpha`` with ``w = 0`` optimal (no intercept)."""
    n = X.shape[0]
    correlation = np.abs(X.T @ y).max()
    if datafit == "logistic":
        return float(correlation / (2 * n))
    return float(correlation / (n * l1_ratio))


def _correlated_dense(n, p, rho, rng):
    """Gaussian rows with Toeplitz covariance ``rho^|i-j|``, via an AR(1) recursion on columns."""
    X = np.empty((n, p), order="F")
    X[:, 0] = rng.standard_normal(n)
    scale = np.sqrt(1 - rho**2)
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + scale * rng.standard_normal(n)
    return X


def _target(X, n_informative, rng, snr=3.0):
    p = X.shape[1]
    w = np.zeros(p)
    support = rng.choice(p, size=min(n_informative, p), replace=False)
    w[support] = rng.choice([-1.0, 1.0], size=support.size) * rng.uniform(0.5, 2, support.size)
    signal = X @ w
    noise = rng.standard_normal(X.shape[0])
    return signal + noise * np.linalg.norm(signal) / (snr * np.linalg.norm(noise))


def _load(name):
    data = dict(np.load(DATA_DIR / f"{name}.npz"))
    sparse_file = DATA_DIR / f"{name}.X.npz"
    if os.path.exists(sparse_file):
        data["X"] = sp.load_npz(sparse_file)
    return data


def designs(quick):
    """Regression designs as ``(name, X, y, size)``; ``quick`` uses reduced synthetic sizes."""
    rng = np.random.default_rng(0)
    if quick:
        dense_shape, tall_shape, sparse_shape, nnz = (
            (200, 1000),
            (20_000, 100),
            (2000, 5000),
            50_000,
        )
    else:
        dense_shape, tall_shape, sparse_shape = (1000, 5000), (100_000, 200), (20_000, 50_000)
        nnz = 1_000_000
    out = []
    X = _correlated_dense(*dense_shape, 0.6, rng)
    out.append((f"dense {dense_shape[0]}x{dense_shape[1]} rho=0.6", X, _target(X, 50, rng), "big"))
    X = np.asfortranarray(rng.standard_normal(tall_shape))
    out.append((f"tall {tall_shape[0]}x{tall_shape[1]}", X, _target(X, 20, rng), "big"))
    density = nnz / (sparse_shape[0] * sparse_shape[1])
    X = sp.random(*sparse_shape, density=density, format="csc", random_state=rng)
    X.data = rng.standard_normal(X.nnz)
    out.append(
        (f"sparse {sparse_shape[0]}x{sparse_shape[1]} nnz={X.nnz}", X, _target(X, 100, rng), "big")
    )
    if (DATA_DIR / "leukemia_golub.npz").exists():
        golub = _load("leukemia_golub")
        X = np.asfortranarray(golub["X"], dtype=np.float64)
        y = golub["y"].astype(np.float64)
        out.append(("leukemia 72x7129", X, y, "small"))
    return out


def make_problems(quick=False):
    """All benchmark cells: Lasso at alpha_max/10, /100, /1000 and Elastic Net (l1_ratio 0.5,
    alpha_max/100) on each design, then sparse logistic regression on we8there."""
    problems = []
    for name, X, y, size in designs(quick):
        for divisor in (10, 100, 1000):
            alpha = alpha_max(X, y, "quadratic") / divisor
            problems.append(
                Problem(f"{name}: Lasso amax/{divisor}", X, y, "quadratic", alpha, 1.0, size)
            )
        alpha = alpha_max(X, y, "quadratic", 0.5) / 100
        problems.append(Problem(f"{name}: ENet 0.5 amax/100", X, y, "quadratic", alpha, 0.5, size))
    if (DATA_DIR / "we8there.npz").exists():
        data = _load("we8there")
        X = sp.csc_matrix(data["X"], dtype=np.float64)
        y = np.where(data["y"] > 0, 1.0, -1.0)
        for divisor in (10, 100):
            alpha = alpha_max(X, y, "logistic") / divisor
            problems.append(
                Problem(
                    f"we8there 6166x2640: L1 logistic amax/{divisor}",
                    X,
                    y,
                    "logistic",
                    alpha,
                    1.0,
                    "small",
                )
            )
    return problems
