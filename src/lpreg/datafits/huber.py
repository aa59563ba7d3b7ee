r"""Huber loss: :math:`F(w, b) = \sum_i c_i\, h_\delta(y_i - x_i^\top w - b)`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numba import njit

from lpreg._validation import check_real_scalar
from lpreg.datafits.base import Datafit, DatafitKernels, normalized_sample_weight

__all__ = ["Huber"]

# slack allowed on the conjugate's domain |u| <= delta before a point counts as infeasible
_DOMAIN_SLACK = 1e-12


@njit(cache=True)
def huber_loss_scalar(y, z, params):
    """Return :math:`h_\\delta(y - z)`, ``params = (delta,)``."""
    delta = params[0]
    residual = abs(y - z)
    if residual <= delta:
        return 0.5 * residual * residual
    return delta * residual - 0.5 * delta * delta


@njit(cache=True)
def huber_derivative_scalar(y, z, params):
    """Return :math:`\\partial_z h_\\delta(y - z) = -\\mathrm{clip}(y - z, -\\delta, \\delta)`."""
    delta = params[0]
    residual = y - z
    if residual > delta:
        return -delta
    if residual < -delta:
        return delta
    return -residual


def _weighted_huber_location(y, c, delta):
    r"""Return :math:`\operatorname{argmin}_b \sum_i c_i h_\delta(y_i - b)` exactly.

    :math:`D(b) = \sum_i c_i \mathrm{clip}(b - y_i, -\delta, \delta)` is non-decreasing and
    piecewise linear with kinks at :math:`y_i \pm \delta`; ``D(min y - delta) = -1`` and
    ``D(max y + delta) = 1`` (the ``c_i`` sum to 1).  Bisection on the sorted kinks finds two
    consecutive kinks around the root, between which ``D`` is linear.
    """
    keep = c > 0
    y, c = y[keep], c[keep]
    kinks = np.unique(np.concatenate([y - delta, y + delta]))

    def derivative(b):
        return float(np.dot(c, np.clip(b - y, -delta, delta)))

    low, high = 0, kinks.shape[0] - 1
    d_low, d_high = derivative(kinks[low]), derivative(kinks[high])
    while high - low > 1:
        middle = (low + high) // 2
        d_middle = derivative(kinks[middle])
        if d_middle == 0.0:
            return float(kinks[middle])
        if d_middle < 0.0:
            low, d_low = middle, d_middle
        else:
            high, d_high = middle, d_middle
    b_low, b_high = float(kinks[low]), float(kinks[high])
    if d_high == d_low:  # D vanishes on the whole segment: every point is a minimiser
        return 0.5 * (b_low + b_high)
    return b_low + (b_high - b_low) * (-d_low) / (d_high - d_low)


@dataclass(frozen=True)
class Huber(Datafit):
    r"""Huber datafit (robust regression).

    .. math::
        F(w, b) = \sum_{i=1}^{n} c_i\, h_\delta(y_i - x_i^\top w - b), \qquad
        h_\delta(r) = \begin{cases} \frac12 r^2 & |r| \le \delta \\
        \delta |r| - \frac12 \delta^2 & |r| > \delta \end{cases}

    with :math:`c_i = s_i / \sum_k s_k`.  :math:`h_\delta` is ``scipy.special.huber(delta, r)``
    and the shape of scikit-learn's ``HuberRegressor`` loss (which is twice it, with
    ``epsilon`` for :math:`\delta`) *without* its joint scale estimate :math:`\sigma`: here the
    residuals are not rescaled, so :math:`\delta` is in the units of ``y``.

    Parameters
    ----------
    delta : float, default=1.0
        Threshold between the quadratic and the linear zone, ``delta > 0``.

    Notes
    -----
    :math:`\partial_z h_\delta(y - z) = -\mathrm{clip}(y - z, -\delta, \delta)` and
    :math:`f'' \in \{0, 1\}`, so :math:`L_j = \sum_i c_i x_{ij}^2`.  The conjugate of the
    unweighted loss is

    .. math:: f^*(y, u) = u y + \tfrac12 u^2 \quad (|u| \le \delta), \qquad +\infty
        \text{ otherwise},

    and :math:`|u|` up to ``delta * (1 + 1e-12)`` is clipped back to the domain.  At the dual
    point :math:`u_i = f'(y_i, z_i)`, :math:`|u_i| \le \delta` always.

    Examples
    --------
    >>> import numpy as np
    >>> from lpreg import Huber
    >>> Huber(delta=1.0).value(np.array([0.0, 0.0]), np.array([0.5, 3.0]))  # (0.125 + 2.5) / 2
    1.3125
    """

    delta: float = 1.0

    curvature_bound: ClassVar[float] = 1.0
    scalar_kernels: ClassVar = DatafitKernels(
        loss=huber_loss_scalar, derivative=huber_derivative_scalar
    )

    def __post_init__(self):
        delta = check_real_scalar(
            self.delta,
            "delta",
            type(self).__name__,
            low=0.0,
            high=np.inf,
            low_inclusive=False,
            high_inclusive=False,
            hint="delta is the residual size where the loss turns from quadratic to linear.",
        )
        object.__setattr__(self, "delta", delta)

    def _params(self):
        return (self.delta,)

    def _loss(self, y, z):
        residual = np.abs(y - z)
        quadratic = residual <= self.delta
        return np.where(
            quadratic,
            0.5 * residual * residual,
            self.delta * residual - 0.5 * self.delta * self.delta,
        )

    def _derivative(self, y, z):
        return -np.clip(y - z, -self.delta, self.delta)

    def _conjugate(self, y, u):
        u = np.asarray(u, dtype=np.float64)
        outside = np.abs(u) > self.delta * (1.0 + _DOMAIN_SLACK)
        u = np.clip(u, -self.delta, self.delta)
        return np.where(outside, np.inf, u * y + 0.5 * u * u)

    def intercept_at_zero(self, y, sample_weight=None):
        r"""Return the weighted Huber location :math:`\operatorname{argmin}_b \sum_i c_i
        h_\delta(y_i - b)`, exact up to rounding (sorted kinks, then a linear solve).
        """
        y = np.asarray(y, dtype=np.float64)
        c = normalized_sample_weight(sample_weight, len(y), type(self).__name__)
        return _weighted_huber_location(y, c, self.delta)
