"""Torch penalties against the numpy/numba penalties they wrap, brute force and cvxpy."""

from __future__ import annotations

import numpy as np
import pytest

lt = pytest.importorskip("lpreg.torch", reason="PyTorch is not installed")
import torch  # noqa: E402

import lpreg  # noqa: E402
from lpreg.torch.penalties import lp_prox  # noqa: E402

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
DTYPES = [torch.float32, torch.float64]


def _tol(dtype):
    return {"rtol": 1e-5, "atol": 1e-5} if dtype == torch.float32 else {"rtol": 0, "atol": 1e-12}


def _random(shape, dtype, device, seed=0, scale=2.0):
    generator = torch.Generator().manual_seed(seed)
    values = scale * torch.randn(shape, generator=generator, dtype=torch.float64)
    values.view(-1)[::7] = 0.0  # exact zeros are an edge of every prox and gradient
    return values.to(device=device, dtype=dtype)


SEPARABLE = [
    lambda: lt.L1(0.7),
    lambda: lt.L1(0.0),
    lambda: lt.L2(0.7),
    lambda: lt.ElasticNet(0.7, 0.3),
    lambda: lt.ElasticNet(0.7, 1.0),
    lambda: lt.ElasticNet(0.7, 0.0),
]
LP_EXPONENTS = [0.3, 0.5, 2 / 3, 0.9, 1.0, 1.3, 1.5, 2.0, 3.0]


def _numpy_reference(torch_penalty):
    """The linear-model penalty: ``lpreg.<Name>`` built from the same parameters."""
    return torch_penalty.penalty


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("make", SEPARABLE, ids=lambda make: repr(make()))
def test_separable_prox_and_value_match_numpy_penalty(make, dtype, device):
    penalty = make()
    reference = _numpy_reference(penalty)
    w = _random((7, 11), dtype, device)
    flat = w.double().cpu().numpy().ravel()
    for step in (0.05, 0.9, 3.0):
        expected = reference.prox(flat, step).reshape(7, 11)
        got = penalty.prox(w, step)
        assert got.dtype == dtype and got.device.type == device
        np.testing.assert_allclose(got.double().cpu().numpy(), expected, **_tol(dtype))
    np.testing.assert_allclose(float(penalty(w)), reference.value(flat), rtol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("p", LP_EXPONENTS)
def test_lp_prox_matches_numpy_lp(p, dtype):
    if not hasattr(lpreg, "Lp"):
        pytest.skip("lpreg.Lp (the linear-model family) is not available yet")
    penalty = lt.Lp(0.8, p)
    assert isinstance(penalty.penalty, lpreg.Lp)
    w = _random((40, 25), dtype, "cpu", seed=1, scale=3.0)
    flat = w.double().numpy().ravel()
    for step in (0.1, 0.9, 4.0):
        expected = penalty.penalty.prox(flat, step).reshape(40, 25)
        got = penalty.prox(w, step).double().numpy()
        np.testing.assert_allclose(got, expected, **_tol(dtype))
        np.testing.assert_array_equal(got == 0, expected == 0)
    np.testing.assert_allclose(float(penalty(w)), penalty.penalty.value(flat), rtol=1e-6)


@pytest.mark.parametrize("p", LP_EXPONENTS)
def test_lp_prox_is_global_minimizer_on_a_grid(p):
    # independent of lpreg.Lp: brute force over 200,001 points of [-10, 10]
    alpha, step = 0.8, 0.9
    x = torch.tensor([-7.5, -2.3, -1.1, -0.4, 0.0, 1e-9, 0.3, 0.95, 1.2, 1.6, 3.3, 8.0])
    x = x.double()
    z = lt.Lp(alpha, p).prox(x, step).numpy()
    grid = np.linspace(-10.0, 10.0, 200_001)
    for xi, zi in zip(x.numpy(), z, strict=True):
        objective = 0.5 * (grid - xi) ** 2 + step * alpha * np.abs(grid) ** p
        z_objective = 0.5 * (zi - xi) ** 2 + step * alpha * abs(zi) ** p
        assert z_objective <= objective.min() + 1e-12, (xi, zi)


@pytest.mark.parametrize("p", [0.3, 0.5, 0.8])
def test_lp_prox_jumps_at_the_threshold_for_p_below_one(p):
    lam = 0.6
    tau = (2 - p) / (2 * (1 - p)) * (2 * lam * (1 - p)) ** (1 / (2 - p))
    jump = (2 * lam * (1 - p)) ** (1 / (2 - p))
    x = torch.tensor([tau * (1 - 1e-6), tau * (1 + 1e-6)], dtype=torch.float64)
    z = lp_prox(x, lam, p)
    assert z[0] == 0.0
    assert z[1] >= jump * (1 - 1e-6)
    assert lp_prox(-x, lam, p)[1] == -z[1]


@pytest.mark.parametrize("make", [*SEPARABLE, *(lambda p=p: lt.Lp(0.5, p) for p in (0.5, 1.5))])
def test_per_coordinate_step_is_the_coordinatewise_prox(make):
    penalty = make()
    w = _random((5, 6), torch.float64, "cpu", seed=2)
    steps = torch.rand((5, 6), generator=torch.Generator().manual_seed(3), dtype=torch.float64)
    steps = 0.05 + 2.0 * steps
    got = penalty.prox(w, steps)
    expected = torch.empty_like(w)
    for index in np.ndindex(5, 6):
        expected[index] = penalty.prox(w[index].reshape(1), float(steps[index]))[0]
    torch.testing.assert_close(got, expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "make",
    [*SEPARABLE, lambda: lt.Lp(0.5, 0.5), lambda: lt.Lp(0.5, 1.5), lambda: lt.GroupLasso(0.5)],
)
def test_loss_term_gradient_is_finite_at_zero(make):
    w = torch.zeros(4, 3, dtype=torch.float64, requires_grad=True)
    make()(w).backward()
    assert torch.all(torch.isfinite(w.grad))
    assert torch.all(w.grad == 0)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("dim", [0, 1, 2])
def test_group_lasso_prox_matches_numpy_group_lasso(dim, dtype, device):
    shape = (4, 5, 3)  # a small conv-like weight; dim=0 groups the filters
    w = _random(shape, dtype, device, seed=4, scale=1.0)
    penalty = lt.GroupLasso(0.4, dim=dim)
    flat = w.double().cpu().movedim(dim, 0).reshape(-1).numpy()
    group_size = w.numel() // shape[dim]
    reference = lpreg.GroupLasso(alpha=0.4, groups=group_size)
    # a step whose threshold is the median group norm: groups on both sides of it
    middle_step = float(penalty.group_norms(w).median()) / (0.4 * group_size**0.5)
    for step in (0.05, 0.3, middle_step):
        got = penalty.prox(w, step).double().cpu().movedim(dim, 0).reshape(-1).numpy()
        np.testing.assert_allclose(got, reference.prox(flat, step), **_tol(dtype))
    np.testing.assert_allclose(float(penalty(w)), reference.value(flat), rtol=1e-6)
    norms = penalty.group_norms(penalty.prox(w, middle_step))
    assert 0 < int((norms == 0).sum()) < shape[dim]


def test_group_lasso_weighted_prox_matches_cvxpy():
    cp = pytest.importorskip("cvxpy")
    w = _random((6, 4), torch.float64, "cpu", seed=5, scale=1.0)
    steps = 0.1 + torch.rand((6, 4), generator=torch.Generator().manual_seed(6)).double()
    penalty = lt.GroupLasso(1.5, dim=0)
    got = penalty.prox(w, steps).numpy()
    beta = 1.5 * 2.0  # sqrt of the group size 4
    x, t = w.numpy(), steps.numpy()
    for row in range(6):
        z = cp.Variable(4)
        objective = cp.sum(cp.multiply(1 / (2 * t[row]), cp.square(z - x[row])))
        problem = cp.Problem(cp.Minimize(objective + beta * cp.norm(z, 2)))
        problem.solve()
        ours = np.sum((got[row] - x[row]) ** 2 / (2 * t[row])) + beta * np.linalg.norm(got[row])
        assert ours <= problem.value + 1e-9
        np.testing.assert_allclose(got[row], z.value, atol=1e-4)
        norm = np.linalg.norm(got[row])
        if norm > 0:  # stationarity: (z - x) / t + beta z / ||z|| = 0
            residual = (got[row] - x[row]) / t[row] + beta * got[row] / norm
            assert np.abs(residual).max() <= 1e-10
        else:  # 0 is optimal iff ||x / t|| <= beta
            assert np.linalg.norm(x[row] / t[row]) <= beta
    assert 0 < int((np.abs(got).sum(axis=1) == 0).sum()) < 6


def test_config_round_trip_and_repr():
    for penalty in (lt.L1(0.1), lt.ElasticNet(0.2, 0.4), lt.Lp(0.3, 0.5), lt.GroupLasso(1.0, 1)):
        assert lt.penalty_from_config(penalty.config()) == penalty
    assert repr(lt.ElasticNet(0.2, 0.4)) == "ElasticNet(alpha=0.2, l1_ratio=0.4)"
    assert lt.L1(0.5).penalty == lpreg.L1(0.5)


def test_invalid_parameters_name_owner_and_value():
    with pytest.raises(ValueError, match=r"L1: alpha must be in \[0.0, inf\), got alpha=-1.0"):
        lt.L1(-1.0)
    with pytest.raises(ValueError, match="ElasticNet: l1_ratio must be in"):
        lt.ElasticNet(1.0, l1_ratio=1.5)
    with pytest.raises(ValueError, match="Lp: p must be"):
        lt.Lp(1.0, p=0.0)
    with pytest.raises(TypeError, match="GroupLasso: dim must be a non-negative int"):
        lt.GroupLasso(1.0, dim=-1)
    with pytest.raises(ValueError, match=r"dim=1 is out of range for a parameter of shape \(3,\)"):
        lt.GroupLasso(1.0, dim=1)(torch.zeros(3))
    with pytest.raises(ValueError, match="penalty_from_config: unknown penalty name 'L0'"):
        lt.penalty_from_config({"name": "L0", "alpha": 1.0})
    with pytest.raises(ValueError, match="got no parameters"):
        lt.L1(1.0)([])
