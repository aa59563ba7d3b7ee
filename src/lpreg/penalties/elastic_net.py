r"""The Elastic-Net penalty in scikit-learn's scaling (``alpha``, ``l1_ratio``)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numba import njit

from lpreg._validation import check_real_scalar
from lpreg.penalties.base import Penalty, ScalarKernels, register_penalty
from lpreg.penalties.l1 import check_alpha, soft_threshold

__all__ = ["ElasticNet"]


@njit(cache=True)
def elastic_net_value_scalar(x, params):
    alpha, l1_ratio = params[0], params[1]
    return alpha * (l1_ratio * abs(x) + 0.5 * (1.0 - l1_ratio) * x * x)


@njit(cache=True)
def elastic_net_prox_scalar(x, step, params):
    alpha, l1_ratio = params[0], params[1]
    return soft_threshold(x, step * alpha * l1_ratio) / (1.0 + step * alpha * (1.0 - l1_ratio))


@njit(cache=True)
def elastic_net_subdiff_interval(x, params):
    alpha, l1_ratio = params[0], params[1]
    smooth = alpha * (1.0 - l1_ratio) * x
    kink = alpha * l1_ratio
    if x > 0:
        return smooth + kink, smooth + kink
    if x < 0:
        return smooth - kink, smooth - kink
    return -kink, kink


@register_penalty(
    examples=[
        {"alpha": 0.0, "l1_ratio": 0.5},
        {"alpha": 0.3, "l1_ratio": 0.0},
        {"alpha": 0.3, "l1_ratio": 0.5},
        {"alpha": 2.0, "l1_ratio": 1.0},
        {"alpha": 1.0, "l1_ratio": 0.9},
    ]
)
@dataclass(frozen=True)
class ElasticNet(Penalty):
    r"""Elastic-Net penalty, scikit-learn's parametrisation.

    .. math::
        G(w) = \alpha \Big( r \sum_j |w_j| + \frac{1 - r}{2} \sum_j w_j^2 \Big),
        \qquad r = \mathrm{l1\_ratio} \in [0, 1]

    With the datafit :math:`\frac{1}{2n}\|y - Xw\|^2` this is exactly the objective of
    scikit-learn's ``ElasticNet(alpha, l1_ratio)``.  ``l1_ratio=1`` is L1, ``l1_ratio=0`` is
    ``L2(alpha)``.

    Parameters
    ----------
    alpha : float, default=1.0
        Strength, ``alpha >= 0``.
    l1_ratio : float, default=0.5
        Mix between L1 (1) and squared L2 (0), in ``[0, 1]``.

    Notes
    -----
    The prox with step ``t`` is soft thresholding at :math:`\alpha r t` followed by the
    scaling :math:`1 / (1 + \alpha (1 - r) t)`.  The conjugate of the term
    :math:`g(x) = \alpha(r|x| + \frac{1-r}{2} x^2)` is
    :math:`g^*(v) = \max(|v| - \alpha r, 0)^2 / (2 \alpha (1 - r))` for ``r < 1``.

    Examples
    --------
    >>> import numpy as np
    >>> from lpreg import ElasticNet
    >>> ElasticNet(alpha=1.0, l1_ratio=0.5).prox(np.array([3.0, 0.2]), step=2.0)
    array([1., 0.])
    """

    alpha: float = 1.0
    l1_ratio: float = 0.5

    is_convex: ClassVar[bool] = True
    scalar_kernels: ClassVar = ScalarKernels(
        value=elastic_net_value_scalar,
        prox=elastic_net_prox_scalar,
        subdiff_interval=elastic_net_subdiff_interval,
    )

    def __post_init__(self):
        owner = type(self).__name__
        object.__setattr__(self, "alpha", check_alpha(self.alpha, owner))
        ratio = check_real_scalar(
            self.l1_ratio,
            "l1_ratio",
            owner,
            low=0.0,
            high=1.0,
            hint=("To weight L1 by a and squared L2 by b, pass alpha=a+b, l1_ratio=a/(a+b)."),
        )
        object.__setattr__(self, "l1_ratio", ratio)

    def _params(self):
        return (self.alpha, self.l1_ratio)

    def _conjugate(self, v):
        kink = self.alpha * self.l1_ratio
        curvature = self.alpha * (1.0 - self.l1_ratio)
        if curvature == 0.0:
            return np.zeros_like(v)
        excess = np.maximum(np.abs(v) - kink, 0.0)
        return excess * excess / (2.0 * curvature)

    def _conjugate_radius(self):
        if self.alpha == 0.0:
            return 0.0
        if self.l1_ratio == 1.0:
            return self.alpha
        return math.inf
