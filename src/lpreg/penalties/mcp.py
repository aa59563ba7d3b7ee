r"""The minimax concave penalty (MCP, Zhang 2010) and its exact (firm / hard) thresholding prox."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from numba import njit

from lpreg._validation import check_real_scalar
from lpreg.penalties.base import Penalty, ScalarKernels, register_penalty
from lpreg.penalties.l1 import check_alpha

__all__ = ["MCP"]


@njit(cache=True)
def mcp_value_scalar(x, params):
    alpha, gamma = params[0], params[1]
    magnitude = abs(x)
    if magnitude <= gamma * alpha:
        return alpha * magnitude - magnitude * magnitude / (2.0 * gamma)
    return 0.5 * gamma * alpha * alpha


@njit(cache=True)
def mcp_prox_scalar(x, step, params):
    r"""Global minimiser of :math:`\tfrac12 (z - x)^2 + t\,g(z)`, ``g`` the MCP term.

    ``step < gamma``: the problem is convex, firm thresholding.  ``step >= gamma``: the
    first piece is concave, so the minimiser is 0 or :math:`\max(|x|, \gamma\alpha)`, compared.
    """
    alpha, gamma = params[0], params[1]
    magnitude = abs(x)
    knot = gamma * alpha
    if step < gamma:
        if magnitude <= step * alpha:
            return 0.0
        if magnitude <= knot:
            z = min((magnitude - step * alpha) / (1.0 - step / gamma), knot)
        else:
            z = magnitude
    else:
        z = max(magnitude, knot)
        objective_z = 0.5 * (z - magnitude) ** 2 + step * 0.5 * gamma * alpha * alpha
        if not objective_z < 0.5 * magnitude * magnitude:
            return 0.0
    return z if x >= 0 else -z


@njit(cache=True)
def mcp_subdiff_interval(x, params):
    alpha, gamma = params[0], params[1]
    if x == 0:
        return -alpha, alpha
    magnitude = abs(x)
    slope = alpha - magnitude / gamma if magnitude <= gamma * alpha else 0.0
    if x > 0:
        return slope, slope
    return -slope, -slope


def check_concavity(gamma, owner, low, hint):
    """Validate a concavity parameter ``gamma``: a finite real number > ``low``."""
    return check_real_scalar(
        gamma,
        "gamma",
        owner,
        low=low,
        high=math.inf,
        low_inclusive=False,
        high_inclusive=False,
        hint=hint,
    )


@register_penalty(
    examples=[
        {"alpha": 0.0, "gamma": 3.0},
        {"alpha": 0.5, "gamma": 3.0},
        {"alpha": 1.0, "gamma": 1.2},
        {"alpha": 2.0, "gamma": 50.0},
    ]
)
@dataclass(frozen=True)
class MCP(Penalty):
    r"""Minimax concave penalty (MCP), non-convex.

    .. math::
        G(w) = \sum_{j=1}^{n_\mathrm{features}} g(w_j), \qquad
        g(x) = \begin{cases}
            \alpha |x| - \dfrac{x^2}{2\gamma} & |x| \le \gamma\alpha \\
            \dfrac{\gamma \alpha^2}{2} & |x| > \gamma\alpha
        \end{cases}

    Parameters
    ----------
    alpha : float, default=1.0
        Strength, ``alpha >= 0``: the slope of ``g`` at 0.
    gamma : float, default=3.0
        Concavity, ``gamma > 1``: ``g`` is flat beyond :math:`\gamma\alpha`.  ``gamma -> inf``
        gives L1, ``gamma -> 1`` approaches hard thresholding.

    Notes
    -----
    The prox with step ``t`` is the global minimiser of
    :math:`\tfrac12 (z - x)^2 + t\,g(z)`.

    * ``t < gamma`` (the 1-D problem is convex): firm thresholding, 0 for
      :math:`|x| \le \alpha t`, :math:`\operatorname{sign}(x)(|x| - \alpha t) / (1 - t/\gamma)`
      for :math:`\alpha t < |x| \le \gamma\alpha`, and ``x`` beyond.
    * ``t >= gamma`` (the first piece is concave, so its minimum is at an end): the candidates
      are 0 and :math:`\operatorname{sign}(x)\max(|x|, \gamma\alpha)`, compared by objective;
      this is hard thresholding at :math:`\alpha\sqrt{\gamma t}`.  Ties go to 0.

    The subdifferential at 0 is :math:`[-\alpha, \alpha]` (Fréchet), so ``alpha_max`` is
    L1's.  Non-convex: no conjugate; solvers certify with the KKT violation.

    References
    ----------
    C.-H. Zhang, "Nearly unbiased variable selection under minimax concave penalty",
    Annals of Statistics 38(2), 2010.

    Examples
    --------
    >>> import numpy as np
    >>> from lpreg import MCP
    >>> MCP(alpha=1.0, gamma=3.0).prox(np.array([0.5, 2.0, 4.0]), step=1.0)
    array([0. , 1.5, 4. ])
    """

    alpha: float = 1.0
    gamma: float = 3.0

    is_convex: ClassVar[bool] = False
    scalar_kernels: ClassVar = ScalarKernels(
        value=mcp_value_scalar, prox=mcp_prox_scalar, subdiff_interval=mcp_subdiff_interval
    )

    def __post_init__(self):
        owner = type(self).__name__
        object.__setattr__(self, "alpha", check_alpha(self.alpha, owner))
        gamma = check_concavity(
            self.gamma,
            owner,
            1.0,
            "gamma -> 1 approaches hard thresholding, large gamma approaches L1; "
            "gamma=3 is a common choice.",
        )
        object.__setattr__(self, "gamma", gamma)

    def _params(self):
        return (self.alpha, self.gamma)
