r"""The SCAD penalty (Fan & Li 2001) and its exact thresholding prox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from numba import njit

from lpreg.penalties.base import Penalty, ScalarKernels, register_penalty
from lpreg.penalties.l1 import check_alpha
from lpreg.penalties.mcp import check_concavity

__all__ = ["SCAD"]


@njit(cache=True)
def scad_value_scalar(x, params):
    alpha, gamma = params[0], params[1]
    magnitude = abs(x)
    if magnitude <= alpha:
        return alpha * magnitude
    if magnitude <= gamma * alpha:
        return (2.0 * gamma * alpha * magnitude - magnitude * magnitude - alpha * alpha) / (
            2.0 * (gamma - 1.0)
        )
    return 0.5 * (gamma + 1.0) * alpha * alpha


@njit(cache=True)
def scad_prox_scalar(x, step, params):
    r"""Global minimiser of :math:`\tfrac12 (z - x)^2 + t\,g(z)`, ``g`` the SCAD term.

    ``step < gamma - 1``: convex, SCAD thresholding.  ``step >= gamma - 1``: the middle
    piece is concave, so the minimiser is the best of the first piece's minimiser
    :math:`\min(\max(|x| - t\alpha, 0), \alpha)` and :math:`\max(|x|, \gamma\alpha)`.
    """
    alpha, gamma = params[0], params[1]
    magnitude = abs(x)
    knot = gamma * alpha
    if step < gamma - 1.0:
        if magnitude <= alpha * (1.0 + step):
            z = max(magnitude - step * alpha, 0.0)
        elif magnitude <= knot:
            z = ((gamma - 1.0) * magnitude - step * knot) / (gamma - 1.0 - step)
            z = min(max(z, alpha), knot)
        else:
            z = magnitude
    else:
        z_first = min(max(magnitude - step * alpha, 0.0), alpha)
        z_last = max(magnitude, knot)
        objective_first = 0.5 * (z_first - magnitude) ** 2 + step * alpha * z_first
        objective_last = (
            0.5 * (z_last - magnitude) ** 2 + step * 0.5 * (gamma + 1.0) * alpha * alpha
        )
        z = z_last if objective_last < objective_first else z_first
    if z == 0.0:
        return 0.0
    return z if x >= 0 else -z


@njit(cache=True)
def scad_subdiff_interval(x, params):
    alpha, gamma = params[0], params[1]
    if x == 0:
        return -alpha, alpha
    magnitude = abs(x)
    if magnitude <= alpha:
        slope = alpha
    elif magnitude <= gamma * alpha:
        slope = (gamma * alpha - magnitude) / (gamma - 1.0)
    else:
        slope = 0.0
    if x > 0:
        return slope, slope
    return -slope, -slope


@register_penalty(
    examples=[
        {"alpha": 0.0, "gamma": 3.7},
        {"alpha": 0.5, "gamma": 3.7},
        {"alpha": 1.0, "gamma": 2.1},
        {"alpha": 2.0, "gamma": 40.0},
    ]
)
@dataclass(frozen=True)
class SCAD(Penalty):
    r"""Smoothly clipped absolute deviation (SCAD) penalty, non-convex.

    .. math::
        G(w) = \sum_{j=1}^{n_\mathrm{features}} g(w_j), \qquad
        g(x) = \begin{cases}
            \alpha |x| & |x| \le \alpha \\
            \dfrac{2\gamma\alpha|x| - x^2 - \alpha^2}{2(\gamma - 1)}
                & \alpha < |x| \le \gamma\alpha \\
            \dfrac{(\gamma + 1)\alpha^2}{2} & |x| > \gamma\alpha
        \end{cases}

    Parameters
    ----------
    alpha : float, default=1.0
        Strength, ``alpha >= 0``.
    gamma : float, default=3.7
        Concavity, ``gamma > 2`` (Fan & Li's ``a``; they recommend 3.7).

    Notes
    -----
    The prox with step ``t`` is the global minimiser of
    :math:`\tfrac12 (z - x)^2 + t\,g(z)`.

    * ``t < gamma - 1`` (convex 1-D problem): :math:`\operatorname{sign}(x)\max(|x| - \alpha
      t, 0)` for :math:`|x| \le \alpha(1 + t)`, :math:`\operatorname{sign}(x)((\gamma-1)|x| -
      t\gamma\alpha) / (\gamma - 1 - t)` for :math:`\alpha(1+t) < |x| \le \gamma\alpha`, and
      ``x`` beyond (with ``t = 1`` this is Fan & Li's thresholding rule).
    * ``t >= gamma - 1``: the middle piece is concave, so its minimum is at one of its ends,
      and the global minimiser is the better of
      :math:`\operatorname{sign}(x)\min(\max(|x| - \alpha t, 0), \alpha)` (the first piece)
      and :math:`\operatorname{sign}(x)\max(|x|, \gamma\alpha)` (the last one).

    The subdifferential at 0 is :math:`[-\alpha, \alpha]`, so ``alpha_max`` is L1's.
    Non-convex: no conjugate; solvers certify with the KKT violation.

    References
    ----------
    J. Fan and R. Li, "Variable selection via nonconcave penalized likelihood and its oracle
    properties", Journal of the American Statistical Association 96(456), 2001.

    Examples
    --------
    >>> import numpy as np
    >>> from lpreg import SCAD
    >>> SCAD(alpha=1.0, gamma=3.7).prox(np.array([0.5, 1.5, 3.0, 5.0]), step=1.0)
    array([0.        , 0.5       , 2.58823529, 5.        ])
    """

    alpha: float = 1.0
    gamma: float = 3.7

    is_convex: ClassVar[bool] = False
    scalar_kernels: ClassVar = ScalarKernels(
        value=scad_value_scalar, prox=scad_prox_scalar, subdiff_interval=scad_subdiff_interval
    )

    def __post_init__(self):
        owner = type(self).__name__
        object.__setattr__(self, "alpha", check_alpha(self.alpha, owner))
        gamma = check_concavity(
            self.gamma, owner, 2.0, "Fan & Li recommend gamma=3.7; larger gamma approaches L1."
        )
        object.__setattr__(self, "gamma", gamma)

    def _params(self):
        return (self.alpha, self.gamma)
