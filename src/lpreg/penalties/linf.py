r"""The L-infinity (max-norm) penalty :math:`\alpha \max_j |w_j|`: a non-separable convex norm.

Everything follows from its dual ball, the L1 ball of radius :math:`\alpha`: the prox is the
Moreau complement of the L1-ball projection (:func:`lpreg.balls.project_l1_ball`), the
conjugate is that ball's indicator, and :math:`\partial G(0)` is the ball itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from lpreg.balls import project_l1_ball, project_simplex
from lpreg.penalties.base import Penalty, _as_float_vector, _check_step, register_penalty
from lpreg.penalties.l1 import check_alpha

__all__ = ["Linf"]

_TIE_RTOL = 1e-12  # |w_j| within this relative distance of max|w| counts as a maximum


@register_penalty(examples=[{"alpha": 0.0}, {"alpha": 0.5}])
@dataclass(frozen=True)
class Linf(Penalty):
    r"""L-infinity (max-norm) penalty.

    .. math:: G(w) = \alpha \max_{1 \le j \le n_\mathrm{features}} |w_j|

    Parameters
    ----------
    alpha : float, default=1.0
        Strength, ``alpha >= 0``.

    Notes
    -----
    *Prox.*  By Moreau's decomposition, :math:`\operatorname{prox}_{tG}(x) = x -
    P_{\{\|v\|_1 \le t\alpha\}}(x)`.  The projection soft-thresholds at some
    :math:`\tau \ge 0`, so the prox is the clipping :math:`\operatorname{clip}(x, -\tau, \tau)`;
    it is computed as such, with :math:`\tau = \max_j |x_j - P(x)_j|`, so that the clipped
    entries tie *exactly* at :math:`\tau` (the argmax set the subdifferential needs).  When
    :math:`\|x\|_1 \le t\alpha\,(1 + 4 n \epsilon)` (inside the dual ball up to the rounding
    of the sum, :math:`\epsilon` the float64 machine epsilon) the prox is exactly 0.

    *Subdifferential.*  :math:`\partial G(0) = \{s : \|s\|_1 \le \alpha\}`; for
    :math:`w \ne 0`, with :math:`J` the argmax set of :math:`|w_j|`,
    :math:`\partial G(w) = \{s : s_j = 0 \ (j \notin J),\ \operatorname{sign}(w_j) s_j \ge 0,\
    \sum_{j \in J} \operatorname{sign}(w_j) s_j = \alpha\}`.  :meth:`subdiff_distance` is the
    exact Euclidean distance of :math:`u = -\nabla F` to that set:
    :math:`\|u - P_{\|\cdot\|_1 \le \alpha}(u)\|_2` at 0, and otherwise
    :math:`\big(\sum_{j \notin J} u_j^2 + \|a - P_{\Delta_\alpha}(a)\|_2^2\big)^{1/2}` with
    :math:`a_j = \operatorname{sign}(w_j) u_j` on :math:`J` and :math:`P_{\Delta_\alpha}` the
    projection onto the simplex :math:`\{a \ge 0, \sum a = \alpha\}`
    (:func:`lpreg.balls.project_simplex`).  :math:`J` holds the :math:`j` with
    :math:`|w_j| \ge (1 - 10^{-12}) \max_k |w_k|` (ties up to rounding).  The distance
    couples every coordinate, so each entry of the returned array holds it (as the group
    penalties do per group): its maximum is the KKT violation.

    *Duality.*  :math:`G^*` is the indicator of :math:`\|v\|_1 \le \alpha`, the dual scaling
    is :math:`\min(1, \alpha / \|v\|_1)`, and :math:`w = 0` is optimal iff
    :math:`\|\nabla F(0)\|_1 \le \alpha`, so :math:`\alpha_{\max} = \|\nabla F(0)\|_1`.

    Examples
    --------
    >>> import numpy as np
    >>> from lpreg import Linf
    >>> Linf(alpha=1.0).prox(np.array([3.0, -2.5, 0.5]), step=1.0)
    array([ 2.25, -2.25,  0.5 ])
    """

    alpha: float = 1.0

    is_convex: ClassVar[bool] = True
    is_separable: ClassVar[bool] = False
    scalar_kernels: ClassVar = None

    def __post_init__(self):
        object.__setattr__(self, "alpha", check_alpha(self.alpha, type(self).__name__))

    def _params(self):
        return (self.alpha,)

    # ---- vectorised API -----------------------------------------------------------------
    def value(self, w):
        r"""Return :math:`\alpha \max_j |w_j|` (0 for an empty ``w``)."""
        w = _as_float_vector(w, type(self).__name__).astype(np.float64)
        if w.size == 0 or self.alpha == 0.0:
            return 0.0
        return float(self.alpha * np.max(np.abs(w)))

    def prox(self, w, step):
        r"""Return :math:`\operatorname{clip}(w, -\tau, \tau)`, the exact prox (class Notes);
        dtype of ``w``."""
        owner = type(self).__name__
        w = _as_float_vector(w, owner)
        step = _check_step(step, owner)
        x = w.astype(np.float64)
        radius = step * self.alpha
        if x.size == 0 or radius == 0.0:
            return w.copy()
        magnitudes = np.abs(x)
        if float(magnitudes.sum()) <= radius * (1.0 + 4.0 * x.size * np.finfo(float).eps):
            return np.zeros_like(w)
        tau = float(np.max(np.abs(x - project_l1_ball(x, radius))))
        return np.clip(x, -tau, tau).astype(w.dtype, copy=False)

    def subdiff_distance(self, w, grad):
        r"""Exact distance of ``-grad`` to :math:`\partial G(w)`, repeated on every entry
        (class Notes)."""
        owner = type(self).__name__
        w = _as_float_vector(w, owner).astype(np.float64)
        grad = _as_float_vector(grad, owner, name="grad").astype(np.float64)
        if grad.shape != w.shape:
            raise ValueError(
                f"{owner}: grad must have the shape of w {w.shape}, got {grad.shape}."
            )
        if w.size == 0:
            return np.zeros(0)
        target = -grad
        magnitudes = np.abs(w)
        largest = float(magnitudes.max())
        if largest == 0.0:
            distance = float(np.linalg.norm(target - project_l1_ball(target, self.alpha)))
        else:
            tied = magnitudes >= largest * (1.0 - _TIE_RTOL)
            aligned = np.sign(w[tied]) * target[tied]
            off = float(np.sum(target[~tied] ** 2))
            on = float(np.sum((aligned - project_simplex(aligned, self.alpha)) ** 2))
            distance = math.sqrt(off + on)
        return np.full(w.shape[0], distance)

    # ---- duality ------------------------------------------------------------------------
    def conjugate(self, v):
        r"""Return :math:`G^*(v)`: 0 if :math:`\|v\|_1 \le \alpha` (relative slack
        :math:`10^{-12}`), else ``inf``."""
        v = np.asarray(v, dtype=np.float64)
        if float(np.abs(v).sum()) <= self.alpha * (1.0 + 1e-12):
            return 0.0
        return math.inf

    def dual_scaling(self, v):
        r"""Largest ``s`` in [0, 1] with :math:`\|s v\|_1 \le \alpha`: :math:`\min(1,
        \alpha / \|v\|_1)`."""
        l1 = float(np.abs(np.asarray(v, dtype=np.float64)).sum())
        if l1 <= self.alpha:
            return 1.0
        return self.alpha / l1

    def alpha_max(self, X, y, datafit, *, sample_weight=None, fit_intercept=False):
        r"""Smallest ``alpha`` for which ``w = 0`` is optimal: :math:`\|\nabla F(0)\|_1`."""
        grad = datafit.gradient_at_zero(
            X, y, sample_weight=sample_weight, fit_intercept=fit_intercept
        )
        return float(np.abs(grad).sum())
