"""A single nn.Linear trained by proximal gradient in torch = the linear-model solutions."""

from __future__ import annotations

import numpy as np
import pytest

lt = pytest.importorskip("lpreg.torch", reason="PyTorch is not installed")
import torch  # noqa: E402
from conftest import load_dataset  # noqa: E402
from sklearn.linear_model import Lasso  # noqa: E402

import lpreg  # noqa: E402


def _standardized(name):
    data = load_dataset(name)
    X = np.asarray(data["X"], dtype=np.float64)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = data["y"] - data["y"].mean()
    return X, y


def _step_size(X):
    """1 / L for F(w) = ||y - Xw||^2 / (2n): L = largest eigenvalue of X'X / n."""
    return 1.0 / np.linalg.eigvalsh(X.T @ X / X.shape[0]).max()


def _torch_proximal_gradient(X, y, penalty, n_iter, stop_change=None):
    """Full-batch ProximalSGD on 0.5 * mean((y - Xw)^2) with w = 0 at the start."""
    torch.set_num_threads(1)
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
    model = torch.nn.Linear(X.shape[1], 1, bias=False).double()
    torch.nn.init.zeros_(model.weight)
    optimizer = lt.ProximalSGD(model.parameters(), lr=_step_size(X), penalty=penalty)
    previous = model.weight.detach().clone()
    for iteration in range(1, n_iter + 1):
        optimizer.zero_grad()
        (0.5 * (y_t - model(X_t).squeeze(1)).pow(2).mean()).backward()
        optimizer.step()
        if stop_change is not None and iteration % 100 == 0:
            if (model.weight.detach() - previous).abs().max() <= stop_change:
                break  # 100 iterations moved no coefficient by more than stop_change
            previous = model.weight.detach().clone()
    return model.weight.detach().numpy().ravel()


@pytest.mark.parametrize("name", ["prostate", "hitters"])
def test_torch_lasso_matches_scikit_learn_lasso(name):
    X, y = _standardized(name)
    alpha_max = np.abs(X.T @ y).max() / X.shape[0]
    alpha = 0.15 * alpha_max
    coef = _torch_proximal_gradient(X, y, lt.L1(alpha), n_iter=6000, stop_change=1e-12)
    if hasattr(lpreg, "Lasso"):
        reference = lpreg.Lasso(alpha=alpha, fit_intercept=False, tol=1e-12).fit(X, y).coef_
    else:
        reference = Lasso(alpha=alpha, fit_intercept=False, tol=1e-14, max_iter=100_000)
        reference = reference.fit(X, y).coef_
    print(name, "zeros", int((coef == 0).sum()), "of", coef.size)
    np.testing.assert_allclose(coef, reference, atol=1e-6, rtol=0)
    np.testing.assert_array_equal(coef == 0, reference == 0)
    assert 0 < int((coef == 0).sum()) < coef.size


@pytest.mark.parametrize("p", [0.5, 1.5])
def test_torch_lp_regression_is_stationary_and_matches_numpy_proximal_gradient(p):
    X, y = _standardized("prostate")
    n, alpha, n_iter = X.shape[0], 0.05, 2000
    coef = _torch_proximal_gradient(X, y, lt.Lp(alpha, p), n_iter=n_iter)
    gradient = X.T @ (X @ coef - y) / n
    # KKT by hand: on the support grad_j + alpha p |w_j|^(p-1) sign(w_j) = 0; off it, for
    # p > 1 (slope 0 at 0) grad_j = 0, for p < 1 any grad_j (infinite slope at 0)
    support = coef != 0
    slope = alpha * p * np.abs(coef[support]) ** (p - 1) * np.sign(coef[support])
    np.testing.assert_allclose(gradient[support] + slope, 0.0, atol=1e-8)
    if p > 1:
        np.testing.assert_allclose(gradient[~support], 0.0, atol=1e-8)
    else:
        assert int((~support).sum()) > 0
    if not hasattr(lpreg, "Lp"):
        pytest.skip("lpreg.Lp (the linear-model family) is not available yet")
    penalty = lpreg.Lp(alpha=alpha, p=p)
    step = _step_size(X)
    w = np.zeros(X.shape[1])
    for _ in range(n_iter):  # the same iteration with the numpy/numba prox
        w = penalty.prox(w - step * X.T @ (X @ w - y) / n, step)
    np.testing.assert_allclose(coef, w, atol=1e-6, rtol=0)
    np.testing.assert_array_equal(coef == 0, w == 0)
    assert penalty.subdiff_distance(coef, gradient).max() <= 1e-6
