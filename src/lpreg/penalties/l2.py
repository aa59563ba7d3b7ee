r"""The squared L2 (ridge, weight decay) penalty :math:`\frac{\alpha}{2} \sum_j w_j^2`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numba import njit

from lpreg.penalties.base import Penalty, ScalarKernels, register_penalty
from lpreg.penalties.l1 import check_alpha

__all__ = ["L2"]


@njit(cache=True)
def l2_value_scalar(x, params):
    return 0.5 * params[0] * x * x


@njit(cache=True)
def l2_prox_scalar(x, step, params):
    return x / (1.0 + step * params[0])


@njit(cache=True)
def l2_subdiff_interval(x, params):
    slope = params[0] * x
    return slope, slope


@register_penalty(examples=[{"alpha": 0.0}, {"alpha": 0.5}, {"alpha": 10.0}])
@dataclass(frozen=True)
class L2(Penalty):
    r"""Squared L2 penalty (ridge regression, weight decay).

    .. math:: G(w) = \frac{\alpha}{2} \sum_{j=1}^{n_\mathrm{features}} w_j^2

    With the quadratic datafit :math:`\frac{1}{2n}\|y - Xw\|^2` this is scikit-learn's
    ``Ridge(alpha=n * alpha)``: scikit-learn does not divide the squared loss by ``n``.

    Parameters
    ----------
    alpha : float, default=1.0
        Strength, ``alpha >= 0``.

    Notes
    -----
    The prox with step ``t`` is the scaling :math:`x / (1 + \alpha t)`; it never gives an
    exact zero.  The conjugate is :math:`\|v\|^2 / (2\alpha)`.

    Examples
    --------
    >>> import numpy as np
    >>> from lpreg import L2
    >>> L2(alpha=1.0).prox(np.array([2.0, -4.0]), step=1.0)
    array([ 1., -2.])
    """

    alpha: float = 1.0

    is_convex: ClassVar[bool] = True
    scalar_kernels: ClassVar = ScalarKernels(
        value=l2_value_scalar, prox=l2_prox_scalar, subdiff_interval=l2_subdiff_interval
    )

    def __post_init__(self):
        object.__setattr__(self, "alpha", check_alpha(self.alpha, type(self).__name__))

    def _params(self):
        return (self.alpha,)

    def _conjugate(self, v):
        if self.alpha == 0.0:
            return np.zeros_like(v)
        return v * v / (2.0 * self.alpha)

    def _conjugate_radius(self):
        return 0.0 if self.alpha == 0.0 else math.inf
