r"""The L1 (lasso) penalty :math:`\alpha \sum_j |w_j|` and its soft-thresholding prox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numba import njit

from lpreg._validation import check_real_scalar
from lpreg.penalties.base import Penalty, ScalarKernels, register_penalty

__all__ = ["L1", "soft_threshold"]


@njit(cache=True)
def soft_threshold(x, threshold):
    """Return :math:`\\operatorname{argmin}_z \\tfrac12 (z - x)^2 + \\mathrm{threshold}\\,|z|`."""
    if x > threshold:
        return x - threshold
    if x < -threshold:
        return x + threshold
    return 0.0 * abs(x)


@njit(cache=True)
def l1_value_scalar(x, params):
    return params[0] * abs(x)


@njit(cache=True)
def l1_prox_scalar(x, step, params):
    return soft_threshold(x, step * params[0])


@njit(cache=True)
def l1_subdiff_interval(x, params):
    alpha = params[0]
    if x > 0:
        return alpha, alpha
    if x < 0:
        return -alpha, -alpha
    return -alpha, alpha


def check_alpha(alpha, owner):
    """Validate a penalty strength: a finite real number >= 0."""
    return check_real_scalar(
        alpha,
        "alpha",
        owner,
        low=0.0,
        high=np.inf,
        high_inclusive=False,
        hint="alpha is the penalty strength; alpha=0 means no penalty.",
    )


@register_penalty(examples=[{"alpha": 0.0}, {"alpha": 0.1}, {"alpha": 3.0}])
@dataclass(frozen=True)
class L1(Penalty):
    r"""L1 (lasso) penalty.

    .. math:: G(w) = \alpha \sum_{j=1}^{n_\mathrm{features}} |w_j|

    Parameters
    ----------
    alpha : float, default=1.0
        Strength, ``alpha >= 0``.

    Notes
    -----
    The prox with step ``t`` is soft thresholding at :math:`\alpha t`:
    :math:`\operatorname{sign}(x)\max(|x| - \alpha t, 0)`.  The subdifferential at 0 is
    :math:`[-\alpha, \alpha]`, so ``w = 0`` solves :math:`\min F + G` iff
    :math:`\|\nabla F(0)\|_\infty \le \alpha` (this gives ``alpha_max``).  The conjugate is the
    indicator of :math:`\|v\|_\infty \le \alpha`.

    Examples
    --------
    >>> import numpy as np
    >>> from lpreg import L1
    >>> L1(alpha=1.0).prox(np.array([3.0, -0.5, -2.0]), step=1.0)
    array([ 2.,  0., -1.])
    """

    alpha: float = 1.0

    is_convex: ClassVar[bool] = True
    scalar_kernels: ClassVar = ScalarKernels(
        value=l1_value_scalar, prox=l1_prox_scalar, subdiff_interval=l1_subdiff_interval
    )

    def __post_init__(self):
        object.__setattr__(self, "alpha", check_alpha(self.alpha, type(self).__name__))

    def _params(self):
        return (self.alpha,)

    def _conjugate(self, v):
        return np.zeros_like(v)

    def _conjugate_radius(self):
        return self.alpha
