r"""Penalties on torch tensors: loss terms with a finite gradient at 0, and exact prox steps.

Each penalty wraps the linear-model penalty of the same name (``L1(alpha).penalty`` is
``lpreg.L1(alpha)``), which validates the parameters and is the reference the tests compare
with; the prox formulas are re-written here as vectorised torch operations so they run on any
device, in float32 and float64, with a scalar step or a per-coordinate step tensor (what
:class:`~lpreg.torch.ProximalAdam` needs).

Every penalty applies to each tensor :math:`W` it is given, summed over tensors:

* ``L1``: :math:`\alpha \sum |W_{ij}|` (prox: soft thresholding);
* ``L2``: :math:`\frac{\alpha}{2} \sum W_{ij}^2` (prox: scaling, never an exact 0);
* ``ElasticNet``: :math:`\alpha (r \sum |W_{ij}| + \frac{1-r}{2} \sum W_{ij}^2)`;
* ``Lp``: :math:`\alpha \sum |W_{ij}|^p`, any ``p > 0`` (exact global prox, also for ``p < 1``);
* ``GroupLasso``: :math:`\alpha \sum_k \|W_{k}\|_2` over the slices along ``dim``.
"""

from __future__ import annotations

import dataclasses
import math

import torch

from lpreg._validation import check_real_scalar
from lpreg.penalties import L1 as _NumpyL1
from lpreg.penalties import L2 as _NumpyL2
from lpreg.penalties import ElasticNet as _NumpyElasticNet
from lpreg.penalties.l1 import check_alpha

__all__ = ["L1", "L2", "ElasticNet", "GroupLasso", "Lp", "TorchPenalty", "penalty_from_config"]

_NEWTON_MAX_ITER = 100


def _as_tensors(parameters):
    if isinstance(parameters, torch.Tensor):
        return [parameters]
    return list(parameters)


def _safe_abs_power(w, p):
    """:math:`|w|^p` elementwise with gradient 0 (not NaN) where ``w == 0``."""
    nonzero = w != 0
    safe = torch.where(nonzero, w, torch.ones_like(w))
    return torch.where(nonzero, safe.abs() ** p, torch.zeros_like(w))


class TorchPenalty:
    """Base class: ``penalty(parameters)`` is the loss term, ``prox`` the proximal step.

    Subclasses implement :meth:`value` (a differentiable scalar tensor for one tensor) and
    :meth:`prox` (a new tensor).  ``step`` is a float or a tensor broadcastable to the
    parameter (one step per coordinate).
    """

    def __call__(self, parameters):
        """Return the penalty summed over ``parameters`` (a tensor or an iterable of tensors)."""
        tensors = _as_tensors(parameters)
        if not tensors:
            raise ValueError(f"{self!r}: got no parameters to penalize.")
        return sum(self.value(tensor) for tensor in tensors)

    def value(self, w):
        raise NotImplementedError

    def prox(self, w, step):
        raise NotImplementedError

    @torch.no_grad()
    def prox_(self, w, step):
        """Replace ``w`` in place by its prox with step ``step``; return ``w``."""
        w.copy_(self.prox(w, step))
        return w

    def config(self):
        """Plain-data description (name and parameters), used by optimizers' ``state_dict``."""
        return {"name": type(self).__name__, **self._kwargs()}

    def _kwargs(self):
        raise NotImplementedError

    def __repr__(self):
        args = ", ".join(f"{key}={value!r}" for key, value in self._kwargs().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other):
        return type(self) is type(other) and self._kwargs() == other._kwargs()

    def __hash__(self):
        return hash((type(self).__name__, *self._kwargs().items()))


def _step_times(alpha, step, w):
    """``alpha * step`` as a float, or as a tensor on ``w``'s device and dtype."""
    if isinstance(step, torch.Tensor):
        return alpha * step.to(device=w.device, dtype=w.dtype)
    return alpha * float(step)


def soft_threshold(x, threshold):
    r"""Return :math:`\operatorname{sign}(x)\max(|x| - \mathrm{threshold}, 0)` elementwise."""
    return torch.where(x.abs() > threshold, x - torch.sign(x) * threshold, torch.zeros_like(x))


class L1(TorchPenalty):
    r"""L1 penalty :math:`\alpha \sum_{ij} |W_{ij}|` on every tensor given.

    Parameters
    ----------
    alpha : float
        Strength, ``alpha >= 0``.

    Notes
    -----
    The prox with step ``t`` (scalar or per coordinate) is soft thresholding at
    :math:`\alpha t`: it sets every :math:`|w_{ij}| \le \alpha t_{ij}` to exactly 0.  As a
    loss term its gradient is :math:`\alpha\,\operatorname{sign}(W)` (0 at 0).

    Examples
    --------
    >>> import torch, lpreg.torch as lt
    >>> lt.L1(0.5).prox(torch.tensor([2.0, -0.3, -1.0]), step=1.0)
    tensor([ 1.5000,  0.0000, -0.5000])
    """

    def __init__(self, alpha):
        self.penalty = _NumpyL1(alpha=alpha)

    @property
    def alpha(self):
        return self.penalty.alpha

    def _kwargs(self):
        return {"alpha": self.alpha}

    def value(self, w):
        return self.alpha * w.abs().sum()

    def prox(self, w, step):
        return soft_threshold(w, _step_times(self.alpha, step, w))


class L2(TorchPenalty):
    r"""Squared L2 penalty (weight decay) :math:`\frac{\alpha}{2} \sum_{ij} W_{ij}^2`.

    Parameters
    ----------
    alpha : float
        Strength, ``alpha >= 0``.

    Notes
    -----
    The prox with step ``t`` is :math:`w / (1 + \alpha t)`.  Hence one
    :class:`~lpreg.torch.ProximalSGD` step with learning rate :math:`\eta` (no momentum),
    :math:`w \leftarrow (w - \eta g) / (1 + \eta\alpha)`, is exactly one step of
    ``torch.optim.SGD(lr=eta / (1 + eta * alpha), weight_decay=alpha)``, and
    ``ProximalWrapper(torch.optim.Adam(lr=eta), penalty=L2(alpha))`` is exactly
    ``torch.optim.AdamW(lr=eta / (1 + eta * alpha), weight_decay=alpha)`` (decoupled weight
    decay :math:`w \leftarrow (1 - \eta'\alpha) w - \eta' u`).  To first order in
    :math:`\eta\alpha` the proximal step *is* decoupled weight decay with ``weight_decay=alpha``
    at the same learning rate; the two differ by :math:`O((\eta\alpha)^2)` per step.
    """

    def __init__(self, alpha):
        self.penalty = _NumpyL2(alpha=alpha)

    @property
    def alpha(self):
        return self.penalty.alpha

    def _kwargs(self):
        return {"alpha": self.alpha}

    def value(self, w):
        return 0.5 * self.alpha * (w * w).sum()

    def prox(self, w, step):
        return w / (1.0 + _step_times(self.alpha, step, w))


class ElasticNet(TorchPenalty):
    r"""Elastic-Net penalty :math:`\alpha (r \sum |W_{ij}| + \frac{1-r}{2} \sum W_{ij}^2)`.

    Parameters
    ----------
    alpha : float
        Strength, ``alpha >= 0``.
    l1_ratio : float, default=0.5
        :math:`r \in [0, 1]`: 1 is L1, 0 is ``L2(alpha)``.

    Notes
    -----
    The prox with step ``t`` is soft thresholding at :math:`\alpha r t` followed by the scaling
    :math:`1 / (1 + \alpha (1 - r) t)`.
    """

    def __init__(self, alpha, l1_ratio=0.5):
        self.penalty = _NumpyElasticNet(alpha=alpha, l1_ratio=l1_ratio)

    @property
    def alpha(self):
        return self.penalty.alpha

    @property
    def l1_ratio(self):
        return self.penalty.l1_ratio

    def _kwargs(self):
        return {"alpha": self.alpha, "l1_ratio": self.l1_ratio}

    def value(self, w):
        r = self.l1_ratio
        return self.alpha * (r * w.abs().sum() + 0.5 * (1.0 - r) * (w * w).sum())

    def prox(self, w, step):
        kink = _step_times(self.alpha * self.l1_ratio, step, w)
        curvature = _step_times(self.alpha * (1.0 - self.l1_ratio), step, w)
        return soft_threshold(w, kink) / (1.0 + curvature)


def _check_p(p, owner):
    return check_real_scalar(
        p,
        "p",
        owner,
        low=0.0,
        high=math.inf,
        low_inclusive=False,
        high_inclusive=False,
        hint="p = 0 (best subset) is not supported; for sparser fits than L1 use p=0.5.",
    )


@dataclasses.dataclass(frozen=True)
class _LpParameters:
    """Stand-in for ``lpreg.Lp`` while that family is not available."""

    alpha: float
    p: float

    def __post_init__(self):
        object.__setattr__(self, "alpha", check_alpha(self.alpha, "Lp"))
        object.__setattr__(self, "p", _check_p(self.p, "Lp"))


def _safeguarded_newton(phi, dphi, low, high, start):
    """Root of increasing ``phi`` in ``[low, high]`` elementwise: Newton, bisection fallback."""
    z = start
    for _ in range(_NEWTON_MAX_ITER):
        value = phi(z)
        high = torch.where(value > 0, z, high)
        low = torch.where(value <= 0, z, low)
        newton = z - value / dphi(z)
        inside = (newton >= low) & (newton <= high) & torch.isfinite(newton)
        z_next = torch.where(inside, newton, 0.5 * (low + high))
        change = float((z_next - z).abs().max())
        z = z_next
        if change <= 4 * torch.finfo(z.dtype).eps * max(float(high.abs().max()), 1.0):
            break
    return z


def lp_prox(x, threshold, p):
    r"""Return :math:`\operatorname{argmin}_z \tfrac12 (z - x)^2 + \lambda |z|^p` elementwise.

    ``threshold`` is :math:`\lambda = \alpha t` (a float or a tensor broadcastable to ``x``).
    ``p = 1`` and ``p = 2`` use their closed forms.  Otherwise, with :math:`a = |x|`, the
    non-zero candidate solves :math:`\phi(z) = z - a + \lambda p z^{p-1} = 0` by safeguarded
    Newton (bisection when a Newton step leaves the bracket):

    * ``p > 1``: :math:`\phi` increases on :math:`[0, a]`, one root, which is the prox.
    * ``p < 1``: :math:`\phi` is convex with minimum at
      :math:`z_0 = (\lambda p (1-p))^{1/(2-p)}`; the candidate is the larger root in
      :math:`[z_0, a]` (none if :math:`\phi(z_0) > 0`), kept only if its objective is below
      that of 0: :math:`z(\tfrac12 z - a) + \lambda z^p < 0` (global minimiser; ties give 0).
    """
    if x.numel() == 0:
        return x.clone()
    if p == 1.0:
        return soft_threshold(x, threshold)
    if p == 2.0:
        return x / (1.0 + 2.0 * threshold)
    a = x.abs()
    lam = torch.as_tensor(threshold, dtype=x.dtype, device=x.device).expand_as(x)
    positive = a > 0
    a_safe = torch.where(positive, a, torch.ones_like(a))

    def phi(z):
        return z - a_safe + lam * p * z ** (p - 1.0)

    def dphi(z):
        return 1.0 + lam * p * (p - 1.0) * z ** (p - 2.0)

    if p > 1.0:
        z = _safeguarded_newton(phi, dphi, torch.zeros_like(a_safe), a_safe, a_safe)
        z = torch.clamp(z, min=0.0)
    else:
        z_min = (lam * p * (1.0 - p)) ** (1.0 / (2.0 - p))
        low = torch.minimum(z_min, a_safe)
        has_root = (phi(low) <= 0) & (lam > 0)
        low = torch.where(has_root, low, a_safe)  # nothing to solve there: stay at a
        z = _safeguarded_newton(phi, dphi, low, a_safe, a_safe)
        gain = z * (0.5 * z - a_safe) + lam * z**p  # objective(z) - objective(0)
        z = torch.where(has_root & (gain < 0), z, torch.zeros_like(z))
        z = torch.where(lam > 0, z, a_safe)  # lambda = 0: the identity
    return torch.where(positive & (z > 0), torch.sign(x) * z, torch.zeros_like(x))


class Lp(TorchPenalty):
    r"""Lp penalty :math:`\alpha \sum_{ij} |W_{ij}|^p` for any ``p > 0``.

    Convex for ``p >= 1``; for ``p < 1`` non-convex, sparser than L1, and its prox (the global
    minimiser, see :func:`lp_prox`) jumps from 0 to a value of magnitude at least
    :math:`(2\lambda(1-p))^{1/(2-p)}`.

    Parameters
    ----------
    alpha : float
        Strength, ``alpha >= 0``.
    p : float
        Exponent, ``p > 0``.

    Notes
    -----
    As a loss term the gradient at :math:`W_{ij} = 0` is taken as 0 (for ``p < 1`` the
    derivative is infinite there; 0 is in the Fréchet subdifferential).  The prox is computed
    in torch (closed forms for p = 1, 2; safeguarded Newton otherwise), not by calling the
    numpy kernels, so it runs on GPU and with per-coordinate steps.
    """

    def __init__(self, alpha, p):
        try:
            from lpreg.penalties import Lp as _NumpyLp
        except ImportError:  # the linear-model family is not there yet
            _NumpyLp = _LpParameters
        self.penalty = _NumpyLp(alpha=alpha, p=p)

    @property
    def alpha(self):
        return self.penalty.alpha

    @property
    def p(self):
        return self.penalty.p

    def _kwargs(self):
        return {"alpha": self.alpha, "p": self.p}

    def value(self, w):
        return self.alpha * _safe_abs_power(w, self.p).sum()

    def prox(self, w, step):
        return lp_prox(w, _step_times(self.alpha, step, w), self.p)


class GroupLasso(TorchPenalty):
    r"""Group lasso over the slices of each tensor along ``dim``: whole units go to 0.

    .. math:: G(W) = \alpha \sum_k c \|W_{k}\|_2, \qquad c = \sqrt{n_\mathrm{group}},

    where :math:`W_k` is ``W.select(dim, k)`` and :math:`n_\mathrm{group}` its number of
    entries (``W.numel() / W.shape[dim]``): the weighting of ``lpreg.GroupLasso``, whose
    ``prox`` on ``W.movedim(dim, 0).flatten()`` with ``groups=n_group`` this equals.  For an
    ``nn.Linear`` weight (out, in), ``dim=0`` groups the rows (the incoming weights of each
    output unit: a zero row is a dead unit), ``dim=1`` the columns (the outgoing weights of
    each input unit); for a ``Conv2d`` weight (out, in, kh, kw), ``dim=0`` groups the filters.
    A 1-D tensor (a bias) with ``dim=0`` has one group per entry (that is, L1).

    Parameters
    ----------
    alpha : float
        Strength, ``alpha >= 0``.
    dim : int, default=0
        Dimension indexing the groups.

    Notes
    -----
    With a scalar step ``t`` the prox is block soft thresholding,
    :math:`W_k \max(0, 1 - \alpha c t / \|W_k\|)`.  With a per-coordinate step :math:`t_i`
    (Adam) it is the exact weighted prox
    :math:`\operatorname{argmin}_z \sum_i (z_i - x_i)^2 / (2 t_i) + \beta \|z\|`,
    :math:`\beta = \alpha c`: :math:`z = 0` iff :math:`\|x / t\| \le \beta`, otherwise
    :math:`z_i = x_i r / (r + t_i \beta)` where :math:`r = \|z\|` is the root of the
    decreasing convex :math:`\|x / (r + t\beta)\| - 1` on :math:`(0, \|x\|]`, found by
    Newton from 0 (monotone convergence).
    """

    def __init__(self, alpha, dim=0):
        self.alpha_ = check_alpha(alpha, "GroupLasso")
        if isinstance(dim, bool) or not isinstance(dim, int) or dim < 0:
            raise TypeError(
                f"GroupLasso: dim must be a non-negative int (the dimension indexing the "
                f"groups: 0 = rows / filters, 1 = columns), got {dim!r}."
            )
        self.dim = dim

    @property
    def alpha(self):
        return self.alpha_

    def _kwargs(self):
        return {"alpha": self.alpha, "dim": self.dim}

    def _reduce_dims(self, w):
        if self.dim >= w.dim():
            raise ValueError(
                f"GroupLasso: dim={self.dim} is out of range for a parameter of shape "
                f"{tuple(w.shape)}; give biases and other low-dimensional parameters their "
                "own param group (without a penalty or with dim=0)."
            )
        return [axis for axis in range(w.dim()) if axis != self.dim]

    def _group_sq_norms(self, w):
        dims = self._reduce_dims(w)
        if not dims:
            return w * w
        return (w * w).sum(dim=dims, keepdim=True)

    def _group_weight(self, w):
        return math.sqrt(w.numel() / w.shape[self.dim]) if w.numel() else 1.0

    def value(self, w):
        sq = self._group_sq_norms(w)
        nonzero = sq > 0
        safe = torch.where(nonzero, sq, torch.ones_like(sq))
        norms = torch.where(nonzero, safe.sqrt(), torch.zeros_like(sq))
        return self.alpha * self._group_weight(w) * norms.sum()

    def group_norms(self, w):
        """The norms :math:`\\|W_k\\|_2`, one per group, as a 1-D tensor."""
        return self._group_sq_norms(w).sqrt().reshape(-1)

    def prox(self, w, step):
        if w.numel() == 0:
            return w.clone()
        norm = self._group_sq_norms(w).sqrt()
        beta = self.alpha * self._group_weight(w)
        if not isinstance(step, torch.Tensor):
            lam = beta * float(step)
            scale = torch.relu(1.0 - lam / torch.where(norm > 0, norm, torch.ones_like(norm)))
            return w * torch.where(norm > 0, scale, torch.zeros_like(norm))
        step = step.to(device=w.device, dtype=w.dtype).expand_as(w)
        lam = beta * step
        dims = self._reduce_dims(w)

        def group_sum(values):
            return values if not dims else values.sum(dim=dims, keepdim=True)

        if self.alpha == 0.0:
            return w.clone()
        keep = group_sum((w / step) ** 2).sqrt() > beta
        r = torch.zeros_like(norm)
        for _ in range(_NEWTON_MAX_ITER):
            denominator = r + lam
            ratio = group_sum((w / denominator) ** 2).sqrt()
            derivative = -group_sum(w * w / denominator**3) / torch.where(
                ratio > 0, ratio, torch.ones_like(ratio)
            )
            r_next = r - (ratio - 1.0) / torch.where(
                derivative < 0, derivative, -torch.ones_like(derivative)
            )
            r_next = torch.where(keep, torch.clamp(torch.minimum(r_next, norm), min=0.0), r)
            change = float((r_next - r).abs().max()) if r.numel() else 0.0
            r = r_next
            if change <= 4 * torch.finfo(w.dtype).eps * max(float(norm.max()), 1.0):
                break
        return torch.where(keep, w * r / (r + lam), torch.zeros_like(w))


_CLASSES = {cls.__name__: cls for cls in (L1, L2, ElasticNet, Lp, GroupLasso)}


def penalty_from_config(config):
    """Rebuild a penalty from :meth:`TorchPenalty.config` (``None`` gives ``None``)."""
    if config is None or isinstance(config, TorchPenalty):
        return config
    kwargs = dict(config)
    name = kwargs.pop("name", None)
    if name not in _CLASSES:
        raise ValueError(
            f"penalty_from_config: unknown penalty name {name!r}; expected one of "
            f"{sorted(_CLASSES)}."
        )
    return _CLASSES[name](**kwargs)
