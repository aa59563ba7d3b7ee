"""Proximal optimizers: torch.optim conventions, equivalences with SGD / Adam / AdamW."""

from __future__ import annotations

import io

import numpy as np
import pytest

lt = pytest.importorskip("lpreg.torch", reason="PyTorch is not installed")
import torch  # noqa: E402

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


def _problem(device="cpu", seed=0):
    generator = torch.Generator().manual_seed(seed)
    X = torch.randn(40, 6, generator=generator, dtype=torch.float64).to(device)
    y = torch.randn(40, 1, generator=generator, dtype=torch.float64).to(device)
    return X, y


def _model(device="cpu"):
    torch.manual_seed(0)
    return torch.nn.Linear(6, 1).double().to(device)


def _run(model, optimizer, X, y, n_steps=15, scheduler=None):
    for _ in range(n_steps):
        optimizer.zero_grad()
        torch.nn.functional.mse_loss(model(X), y).backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
    return next(model.parameters()).detach().clone()


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"momentum": 0.9},
        {"momentum": 0.9, "dampening": 0.3},
        {"momentum": 0.5, "nesterov": True},
    ],
)
def test_proximal_sgd_without_penalty_is_torch_sgd(kwargs, device):
    X, y = _problem(device)
    ours, theirs = _model(device), _model(device)
    w_ours = _run(ours, lt.ProximalSGD(ours.parameters(), lr=0.05, **kwargs), X, y)
    w_theirs = _run(theirs, torch.optim.SGD(theirs.parameters(), lr=0.05, **kwargs), X, y)
    torch.testing.assert_close(w_ours, w_theirs, rtol=0, atol=1e-14)
    assert not torch.equal(w_ours, _model(device).weight)


@pytest.mark.parametrize("device", DEVICES)
def test_proximal_adam_without_penalty_is_torch_adam(device):
    X, y = _problem(device)
    ours, theirs = _model(device), _model(device)
    w_ours = _run(ours, lt.ProximalAdam(ours.parameters(), lr=0.01), X, y)
    w_theirs = _run(theirs, torch.optim.Adam(theirs.parameters(), lr=0.01), X, y)
    torch.testing.assert_close(w_ours, w_theirs, rtol=0, atol=1e-13)


def test_proximal_sgd_with_l2_is_sgd_weight_decay_at_rescaled_lr():
    # (w - lr g) / (1 + lr a) = w - lr' (g + a w) with lr' = lr / (1 + lr a), exactly
    X, y = _problem()
    lr, alpha = 0.1, 0.7
    ours, theirs = _model(), _model()
    w_ours = _run(ours, lt.ProximalSGD(ours.parameters(), lr=lr, penalty=lt.L2(alpha)), X, y)
    rescaled = torch.optim.SGD(theirs.parameters(), lr=lr / (1 + lr * alpha), weight_decay=alpha)
    torch.testing.assert_close(w_ours, _run(theirs, rescaled, X, y), rtol=0, atol=1e-14)


def test_prox_after_adam_with_l2_is_adamw_at_rescaled_lr():
    X, y = _problem()
    lr, alpha = 0.05, 2.0
    ours, theirs = _model(), _model()
    wrapped = lt.ProximalWrapper(torch.optim.Adam(ours.parameters(), lr=lr), penalty=lt.L2(alpha))
    adamw = torch.optim.AdamW(theirs.parameters(), lr=lr / (1 + lr * alpha), weight_decay=alpha)
    torch.testing.assert_close(
        _run(ours, wrapped, X, y), _run(theirs, adamw, X, y), atol=1e-14, rtol=0
    )


@pytest.mark.parametrize("lr", [1e-2, 1e-3])
def test_l2_prox_is_decoupled_weight_decay_to_first_order(lr):
    # one step from the same point: the gap to AdamW(lr, weight_decay=alpha) is O((lr alpha)^2)
    X, y = _problem()
    alpha = 3.0
    ours, theirs = _model(), _model()
    wrapped = lt.ProximalWrapper(torch.optim.Adam(ours.parameters(), lr=lr), penalty=lt.L2(alpha))
    adamw = torch.optim.AdamW(theirs.parameters(), lr=lr, weight_decay=alpha)
    gap = (_run(ours, wrapped, X, y, 1) - _run(theirs, adamw, X, y, 1)).abs().max()
    w_norm = _model().weight.abs().max()
    assert gap <= 2 * (lr * alpha) ** 2 * (w_norm + lr)
    assert gap >= 0.1 * (lr * alpha) ** 2 * w_norm  # and it is not exact


def test_proximal_adam_applies_prox_with_adaptive_step():
    X, y = _problem()
    lr, alpha = 0.1, 0.05
    ours, theirs = _model(), _model()
    opt = lt.ProximalAdam([ours.weight], lr=lr, penalty=lt.L1(alpha))
    adam = torch.optim.Adam([theirs.weight], lr=lr)
    for _ in range(3):  # reference: torch Adam's step, then soft thresholding at alpha * s_i
        opt.zero_grad()
        adam.zero_grad()
        torch.nn.functional.mse_loss(ours(X), y).backward()
        torch.nn.functional.mse_loss(theirs(X), y).backward()
        opt.step()
        adam.step()
        state = adam.state[theirs.weight]
        k = int(state["step"])
        v_hat = state["exp_avg_sq"] / (1 - 0.999**k)
        step = lr / (v_hat.sqrt() + 1e-8)
        with torch.no_grad():
            w = theirs.weight
            w.copy_(torch.sign(w) * torch.clamp(w.abs() - alpha * step, min=0))
        torch.testing.assert_close(ours.weight, theirs.weight, rtol=0, atol=1e-12)
    assert int((ours.weight == 0).sum()) > 0


def test_param_groups_with_and_without_penalty():
    X, y = _problem()
    model = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    model.double()
    opt = lt.ProximalSGD(
        [
            {"params": model[0].parameters(), "penalty": lt.L1(0.05)},
            {"params": model[2].parameters()},
        ],
        lr=0.2,
        momentum=0.9,
    )
    _run(model, opt, X, y, n_steps=30)
    assert int((model[0].weight == 0).sum()) >= 5
    assert int((model[2].weight == 0).sum()) == 0
    assert opt.param_groups[1]["penalty"] is None


@pytest.mark.parametrize(
    "make",
    [
        lambda params: lt.ProximalSGD(params, lr=0.1, momentum=0.9, penalty=lt.L1(0.01)),
        lambda params: lt.ProximalAdam(params, lr=0.05, penalty=lt.GroupLasso(0.01)),
        lambda params: lt.ProximalWrapper(
            torch.optim.SGD(params, lr=0.1, momentum=0.9), penalty=lt.ElasticNet(0.01, 0.5)
        ),
    ],
    ids=["sgd", "adam", "wrapper"],
)
def test_state_dict_resume_equals_uninterrupted_run(make):
    X, y = _problem()
    straight = _model()
    optimizer = make(straight.parameters())
    w_straight = _run(straight, optimizer, X, y, n_steps=20)

    first = _model()
    optimizer = make(first.parameters())
    _run(first, optimizer, X, y, n_steps=10)
    buffer = io.BytesIO()
    torch.save({"model": first.state_dict(), "optimizer": optimizer.state_dict()}, buffer)
    buffer.seek(0)
    saved = torch.load(buffer, weights_only=True)  # penalties are stored as plain data
    resumed = _model()
    resumed.load_state_dict(saved["model"])
    optimizer = make(resumed.parameters())
    optimizer.load_state_dict(saved["optimizer"])
    assert isinstance(optimizer.param_groups[0]["penalty"], lt.TorchPenalty)
    w_resumed = _run(resumed, optimizer, X, y, n_steps=10)
    torch.testing.assert_close(w_resumed, w_straight, rtol=0, atol=0)


@pytest.mark.parametrize("wrap", [False, True])
def test_lr_scheduler_drives_the_prox_step(wrap):
    X, y = _problem()
    model = _model()
    if wrap:
        optimizer = lt.ProximalWrapper(torch.optim.SGD(model.parameters(), lr=0.1), lt.L1(1.0))
    else:
        optimizer = lt.ProximalSGD(model.parameters(), lr=0.1, penalty=lt.L1(1.0))
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    _run(model, optimizer, X, y, n_steps=2, scheduler=scheduler)
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.025)
    # the third step uses lr = 0.025: gradient step then soft thresholding at 0.025 * 1.0
    before = model.weight.detach().clone()
    optimizer.zero_grad()
    torch.nn.functional.mse_loss(model(X), y).backward()
    grad = model.weight.grad.clone()
    optimizer.step()
    moved = before - 0.025 * grad
    expected = torch.sign(moved) * torch.clamp(moved.abs() - 0.025, min=0)
    torch.testing.assert_close(model.weight.detach(), expected, rtol=0, atol=1e-15)


def test_zero_grad_and_wrapper_shares_groups():
    model = _model()
    inner = torch.optim.SGD(model.parameters(), lr=0.1)
    wrapper = lt.ProximalWrapper(inner, penalty=lt.L1(0.1))
    assert wrapper.param_groups is inner.param_groups
    extra = torch.nn.Parameter(torch.ones(3, dtype=torch.float64))
    wrapper.add_param_group({"params": [extra], "penalty": None})
    assert len(inner.param_groups) == 2
    model(torch.ones(2, 6, dtype=torch.float64)).sum().backward()
    wrapper.zero_grad()
    assert model.weight.grad is None


def test_invalid_arguments_are_explained():
    params = [torch.nn.Parameter(torch.zeros(2))]
    import lpreg

    with pytest.raises(TypeError, match=r"Use lpreg.torch.L1\(...\), not lpreg.L1"):
        lt.ProximalSGD(params, lr=0.1, penalty=lpreg.L1(0.1))
    with pytest.raises(TypeError, match="ProximalAdam: penalty must be an lpreg.torch penalty"):
        lt.ProximalAdam([{"params": params, "penalty": "l1"}])
    with pytest.raises(ValueError, match=r"ProximalSGD: lr must be in \[0.0, inf\), got lr=-1.0"):
        lt.ProximalSGD(params, lr=-1.0)
    with pytest.raises(ValueError, match="momentum must be in"):
        lt.ProximalSGD(params, lr=0.1, momentum=1.0)
    with pytest.raises(ValueError, match="nesterov=True needs momentum > 0"):
        lt.ProximalSGD(params, lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="eps must be in"):
        lt.ProximalAdam(params, eps=0.0)
    with pytest.raises(TypeError, match="ProximalWrapper: optimizer must be a torch.optim"):
        lt.ProximalWrapper(object())


def test_exact_zeros_versus_subgradient_on_a_lasso_problem():
    # the same L1 strength: the prox lands on 0, the subgradient in the loss never does
    X, y = _problem()
    prox_model, loss_model = _model(), _model()
    _run(
        prox_model, lt.ProximalSGD(prox_model.parameters(), lr=0.1, penalty=lt.L1(0.3)), X, y, 200
    )
    optimizer = torch.optim.SGD(loss_model.parameters(), lr=0.1)
    for _ in range(200):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(loss_model(X), y) + 0.3 * loss_model.weight.abs().sum()
        loss.backward()
        optimizer.step()
    n_zero_prox = int((prox_model.weight == 0).sum())
    assert n_zero_prox >= 3
    assert int((loss_model.weight == 0).sum()) == 0
    # where the prox put exact zeros, the subgradient iterate oscillates within 2 lr alpha of 0
    np.testing.assert_array_less(
        loss_model.weight.detach()[prox_model.weight == 0].abs().numpy(), 2 * 0.1 * 0.3
    )
