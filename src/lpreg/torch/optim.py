r"""Proximal optimizers following ``torch.optim``: gradient step, then the penalty's prox.

Each param group may carry its own ``"penalty"`` (an :mod:`lpreg.torch` penalty, or ``None``
for no penalty); groups without the key get the optimizer's ``penalty`` argument.  The penalty
is *not* part of the loss: it acts only through its prox, which puts weights exactly at 0.
``state_dict`` stores penalties as plain data (``{"name": "L1", "alpha": 0.001}``), so it
saves and loads with ``torch.save`` / ``torch.load(weights_only=True)``.
"""

from __future__ import annotations

import torch

from lpreg._validation import check_real_scalar
from lpreg.torch.penalties import TorchPenalty, penalty_from_config

__all__ = ["ProximalAdam", "ProximalSGD", "ProximalWrapper"]


def _check_penalty(penalty, owner):
    if penalty is None or isinstance(penalty, TorchPenalty):
        return penalty
    hint = ""
    if type(penalty).__module__.startswith("lpreg.penalties"):
        hint = (
            f" Use lpreg.torch.{type(penalty).__name__}(...), not lpreg.{type(penalty).__name__}."
        )
    raise TypeError(
        f"{owner}: penalty must be an lpreg.torch penalty (L1, L2, ElasticNet, Lp, GroupLasso) "
        f"or None, got {type(penalty).__name__} {penalty!r}.{hint}"
    )


def _check_lr(lr, owner):
    return check_real_scalar(lr, "lr", owner, low=0.0, hint="lr is the step size of each update.")


def _state_dict_with_plain_penalties(state_dict):
    state_dict = dict(state_dict)
    groups = []
    for group in state_dict["param_groups"]:
        group = dict(group)
        penalty = group.get("penalty")
        group["penalty"] = penalty.config() if isinstance(penalty, TorchPenalty) else penalty
        groups.append(group)
    state_dict["param_groups"] = groups
    return state_dict


def _state_dict_with_penalty_objects(state_dict):
    state_dict = dict(state_dict)
    state_dict["param_groups"] = [
        {**group, "penalty": penalty_from_config(group.get("penalty"))}
        for group in state_dict["param_groups"]
    ]
    return state_dict


class _ProximalOptimizer(torch.optim.Optimizer):
    """Shared parts: penalty validation per group and plain-data penalties in state_dict."""

    def add_param_group(self, param_group):
        param_group.setdefault("penalty", self.defaults.get("penalty"))
        _check_penalty(param_group["penalty"], type(self).__name__)
        super().add_param_group(param_group)

    def state_dict(self):
        return _state_dict_with_plain_penalties(super().state_dict())

    def load_state_dict(self, state_dict):
        super().load_state_dict(_state_dict_with_penalty_objects(state_dict))


class ProximalSGD(_ProximalOptimizer):
    r"""Proximal stochastic gradient descent, with momentum.

    For each parameter :math:`w` with gradient :math:`g`, learning rate :math:`\eta`, momentum
    :math:`\mu`, dampening :math:`\tau` and penalty :math:`G` of its group:

    .. math::

        b &\leftarrow \mu b + (1 - \tau) g \quad (b = g \text{ at the first step}), \qquad
        d = g + \mu b \text{ (nesterov) or } d = b, \\
        w &\leftarrow \operatorname{prox}_{\eta G}(w - \eta d)
          = \operatorname{argmin}_z \tfrac12 \|z - (w - \eta d)\|^2 + \eta G(z).

    With ``momentum=0`` this is the proximal gradient method; with ``penalty=None`` it is
    ``torch.optim.SGD`` (same momentum convention).  With :class:`~lpreg.torch.L1` every weight
    with :math:`|w - \eta d| \le \eta\alpha` becomes exactly 0.

    Parameters
    ----------
    params : iterable of tensors or of dicts
        Parameters or param groups; a group may set its own ``"penalty"`` (``None``: plain
        SGD for that group) and any of the hyper-parameters below.
    lr : float, default=1e-3
        Learning rate :math:`\eta \ge 0`.
    momentum : float, default=0
        :math:`\mu \in [0, 1)`.
    dampening : float, default=0
        :math:`\tau \in [0, 1]`.
    nesterov : bool, default=False
        Nesterov momentum (needs ``momentum > 0`` and ``dampening = 0``).
    penalty : TorchPenalty or None, default=None
        Penalty of the groups that do not set one.

    Examples
    --------
    >>> import torch, lpreg.torch as lt
    >>> _ = torch.manual_seed(0)
    >>> model = torch.nn.Linear(3, 1)
    >>> opt = lt.ProximalSGD(
    ...     [{"params": [model.weight], "penalty": lt.L1(10.0)}, {"params": [model.bias]}],
    ...     lr=0.1,
    ... )
    >>> model(torch.ones(4, 3)).pow(2).mean().backward()
    >>> opt.step()
    >>> model.weight
    Parameter containing:
    tensor([[0., 0., 0.]], requires_grad=True)
    """

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, nesterov=False, penalty=None):
        owner = type(self).__name__
        lr = _check_lr(lr, owner)
        momentum = check_real_scalar(
            momentum, "momentum", owner, low=0.0, high=1.0, high_inclusive=False
        )
        dampening = check_real_scalar(dampening, "dampening", owner, low=0.0, high=1.0)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError(
                f"{owner}: nesterov=True needs momentum > 0 and dampening = 0, got "
                f"momentum={momentum!r}, dampening={dampening!r}."
            )
        _check_penalty(penalty, owner)
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "nesterov": bool(nesterov),
            "penalty": penalty,
        }
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        """Take one step; ``closure`` re-evaluates the model and returns the loss."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, momentum, penalty = group["lr"], group["momentum"], group["penalty"]
            for param in group["params"]:
                if param.grad is None:
                    continue
                direction = param.grad
                if momentum != 0:
                    state = self.state[param]
                    buffer = state.get("momentum_buffer")
                    if buffer is None:
                        buffer = torch.clone(direction).detach()
                        state["momentum_buffer"] = buffer
                    else:
                        buffer.mul_(momentum).add_(direction, alpha=1 - group["dampening"])
                    if group["nesterov"]:
                        direction = direction.add(buffer, alpha=momentum)
                    else:
                        direction = buffer
                param.add_(direction, alpha=-lr)
                if penalty is not None:
                    penalty.prox_(param, lr)
        return loss


class ProximalAdam(_ProximalOptimizer):
    r"""Adam with the prox applied at Adam's own per-coordinate step.

    With :math:`\hat m = m / (1 - \beta_1^k)`, :math:`\hat v = v / (1 - \beta_2^k)` (Adam's
    bias-corrected moments at step :math:`k`) and the per-coordinate step
    :math:`s_i = \eta / (\sqrt{\hat v_i} + \epsilon)`, each step is

    .. math::

        w \leftarrow \operatorname{argmin}_z \sum_i \frac{(z_i - (w_i - s_i \hat m_i))^2}{2 s_i}
        + G(z),

    the prox of :math:`G` in the metric Adam preconditions with.  For a separable penalty this
    is, coordinate by coordinate, the scalar prox with step :math:`s_i` (exact); for
    :class:`~lpreg.torch.GroupLasso` it is the exact weighted group prox.  With
    ``penalty=None`` it is ``torch.optim.Adam``.  With :class:`~lpreg.torch.L2` it is
    :math:`w_i \leftarrow (w_i - s_i \hat m_i) / (1 + s_i \alpha)`, decay scaled by the
    adaptive step: this is *not* AdamW (for that, use
    ``ProximalWrapper(torch.optim.Adam(...), penalty=L2(alpha))``).

    Parameters
    ----------
    params : iterable of tensors or of dicts
        Parameters or param groups, each may set its own ``"penalty"``.
    lr : float, default=1e-3
        :math:`\eta \ge 0`.
    betas : (float, float), default=(0.9, 0.999)
        :math:`\beta_1, \beta_2 \in [0, 1)`.
    eps : float, default=1e-8
        :math:`\epsilon > 0`.
    penalty : TorchPenalty or None, default=None
        Penalty of the groups that do not set one.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, penalty=None):
        owner = type(self).__name__
        lr = _check_lr(lr, owner)
        if not isinstance(betas, tuple | list) or len(betas) != 2:
            raise TypeError(f"{owner}: betas must be a pair of floats in [0, 1), got {betas!r}.")
        betas = tuple(
            check_real_scalar(beta, f"betas[{k}]", owner, low=0.0, high=1.0, high_inclusive=False)
            for k, beta in enumerate(betas)
        )
        eps = check_real_scalar(
            eps,
            "eps",
            owner,
            low=0.0,
            low_inclusive=False,
            hint="eps keeps the per-coordinate step finite.",
        )
        _check_penalty(penalty, owner)
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "penalty": penalty})

    @torch.no_grad()
    def step(self, closure=None):
        """Take one step; ``closure`` re-evaluates the model and returns the loss."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, eps, penalty = group["lr"], group["eps"], group["penalty"]
            beta1, beta2 = group["betas"]
            for param in group["params"]:
                if param.grad is None:
                    continue
                grad = param.grad
                state = self.state[param]
                if not state:
                    state["step"] = torch.tensor(0.0)
                    state["exp_avg"] = torch.zeros_like(param, memory_format=torch.preserve_format)
                    state["exp_avg_sq"] = torch.zeros_like(
                        param, memory_format=torch.preserve_format
                    )
                state["step"] += 1
                step = float(state["step"])
                exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
                exp_avg.lerp_(grad, 1 - beta1)
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                bias_correction1 = 1 - beta1**step
                bias_correction2 = 1 - beta2**step
                denominator = (exp_avg_sq.sqrt() / bias_correction2**0.5).add_(eps)
                param.addcdiv_(exp_avg, denominator, value=-lr / bias_correction1)
                if penalty is not None:
                    penalty.prox_(param, lr / denominator)
        return loss


class ProximalWrapper(torch.optim.Optimizer):
    r"""Add a prox step after any optimizer's step: w <- prox_{lr G}(w).

    ``optimizer.step()`` runs first, then each parameter of a group with a penalty (the
    group's ``"penalty"`` key, else ``penalty``) gets the prox with step ``group["lr"]``.
    After ``torch.optim.SGD`` without momentum this is :class:`ProximalSGD`; after Adam the
    step is the nominal ``lr`` (as AdamW's decoupled weight decay uses it), and
    ``ProximalWrapper(Adam(lr=eta), penalty=L2(alpha))`` equals
    ``AdamW(lr=eta / (1 + eta * alpha), weight_decay=alpha)`` exactly.

    The wrapper shares ``param_groups`` and ``state`` with ``optimizer``, so LR schedulers,
    ``zero_grad``, ``state_dict`` and ``load_state_dict`` work on either.

    Parameters
    ----------
    optimizer : torch.optim.Optimizer
        The optimizer taking the gradient steps.
    penalty : TorchPenalty or None, default=None
        Penalty of the groups that do not set a ``"penalty"`` key.
    """

    def __init__(self, optimizer, penalty=None):
        owner = type(self).__name__
        if not isinstance(optimizer, torch.optim.Optimizer):
            raise TypeError(
                f"{owner}: optimizer must be a torch.optim.Optimizer, got "
                f"{type(optimizer).__name__}."
            )
        _check_penalty(penalty, owner)
        for group in optimizer.param_groups:
            group.setdefault("penalty", penalty)
            _check_penalty(group["penalty"], owner)
        self.optimizer = optimizer
        self._initializing = True
        super().__init__(optimizer.param_groups, {**optimizer.defaults, "penalty": penalty})
        self._initializing = False
        self.param_groups = optimizer.param_groups
        self.state = optimizer.state

    def add_param_group(self, param_group):
        if self._initializing:  # Optimizer.__init__ walks the inner optimizer's groups
            return
        param_group.setdefault("penalty", self.defaults["penalty"])
        _check_penalty(param_group["penalty"], type(self).__name__)
        self.optimizer.add_param_group(param_group)

    def step(self, closure=None):
        """Step the inner optimizer, then apply each group's prox with step ``group["lr"]``."""
        loss = self.optimizer.step(closure)
        with torch.no_grad():
            for group in self.param_groups:
                penalty = group.get("penalty")
                if penalty is None:
                    continue
                for param in group["params"]:
                    if param.grad is not None:
                        penalty.prox_(param, group["lr"])
        return loss

    def state_dict(self):
        return _state_dict_with_plain_penalties(self.optimizer.state_dict())

    def load_state_dict(self, state_dict):
        self.optimizer.load_state_dict(_state_dict_with_penalty_objects(state_dict))
        self.param_groups = self.optimizer.param_groups
        self.state = self.optimizer.state

    def __repr__(self):
        return f"{type(self).__name__}({self.optimizer!r})"
