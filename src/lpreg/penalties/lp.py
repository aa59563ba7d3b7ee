r"""The Lp penalty :math:`\alpha \sum_j |w_j|^p` for any ``p > 0`` and its exact prox.

The prox of :math:`\lambda |z|^p` (:math:`\lambda = \alpha\,\mathrm{step}`) is computed on the
normalised problem: for ``x != 0`` write :math:`z = |x|\,u`, so that

.. math::
    \tfrac12 (z - x)^2 + \lambda |z|^p
    = x^2 \Big( \tfrac12 (u - 1)^2 + \mu\, u^p \Big),
    \qquad \mu = \lambda |x|^{p - 2},

and :math:`u \in [0, 1]` solves a problem with data of order one whatever the sizes of
``x`` and ``step`` (``mu`` is formed through its logarithm when it would overflow).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numba import njit

from lpreg._validation import check_real_scalar
from lpreg.penalties.base import Penalty, ScalarKernels, register_penalty
from lpreg.penalties.l1 import check_alpha, soft_threshold

__all__ = ["Lp"]

_MAX_NEWTON = 100
_TWO_PI_OVER_3 = 2.0 * math.pi / 3.0
# closed forms for p > 1 are used for |log(mu)| below this (their powers stay finite)
_CLOSED_FORM_LOG_MU = 200.0
# closed forms for p < 1 are used for log(mu) above this: for smaller mu (u = 1 - O(mu))
# the cos / cosh formulas lose about 10 ulps to cancellation while Newton needs 1-2 steps
_CLOSED_FORM_LOG_MU_NONCONVEX = -20.0


# --------------------------------------------------------------------------------------------
# scalar kernels
# --------------------------------------------------------------------------------------------


@njit(cache=True)
def lp_value_scalar(x, params):
    r"""Return :math:`\alpha |x|^p` (``params = (alpha, p)``)."""
    alpha, p = params[0], params[1]
    if alpha == 0.0:
        return 0.0
    return alpha * abs(np.float64(x)) ** p


@njit(cache=True)
def lp_subdiff_interval(x, params):
    r"""Return the (Fréchet) subdifferential of :math:`\alpha |x|^p` at ``x`` as ``(low, high)``.

    For ``x != 0`` both ends are :math:`\alpha p |x|^{p-1} \operatorname{sign}(x)`; at 0 it is
    the whole line for ``p < 1``, :math:`[-\alpha, \alpha]` for ``p = 1`` and ``{0}`` for
    ``p > 1``.
    """
    alpha, p = params[0], params[1]
    if alpha == 0.0:
        return 0.0, 0.0
    x = np.float64(x)
    if x == 0.0:
        if p < 1.0:
            return -np.inf, np.inf
        if p == 1.0:
            return -alpha, alpha
        return 0.0, 0.0
    slope = alpha * p * abs(x) ** (p - 1.0)
    if x < 0.0:
        slope = -slope
    return slope, slope


@njit(cache=True)
def _log_mu(a, lam, p):
    """Return ``(mu, log(mu))`` for ``mu = lam * a**(p - 2)`` (``mu`` may be 0 or inf)."""
    power = a ** (p - 2.0)
    if power < np.inf and power > 1e-300:
        mu = lam * power
        if mu < np.inf and mu > 1e-300:
            return mu, math.log(mu)  # log(mu) to full precision: no cancellation
    log_mu = math.log(lam) + (p - 2.0) * math.log(a)
    if log_mu > 709.0:
        return np.inf, log_mu
    return math.exp(log_mu), log_mu


@njit(cache=True)
def _cubic_root(P, Q):
    r"""The real root of :math:`s^3 + P s = Q` for ``P > 0``, ``Q > 0`` (Cardano, no cancellation).

    With :math:`A = (Q/2 + \sqrt{Q^2/4 + P^3/27})^{1/3}` and :math:`B = P / (3A)` the root is
    :math:`A - B = Q / (A^2 + AB + B^2)`.
    """
    discriminant = math.sqrt(0.25 * Q * Q + P * P * P / 27.0)
    A = (0.5 * Q + discriminant) ** (1.0 / 3.0)
    B = P / (3.0 * A)
    return Q / (A * A + A * B + B * B)


@njit(cache=True)
def _convex_root_newton(mu, log_mu, p):
    r"""Root ``t = log(u)`` of :math:`u + \mu p u^{p-1} = 1` for ``p > 1``, by monotone Newton.

    In ``t`` the equation reads :math:`F(t) = \log(e^t + e^{(p-1)t + \log(\mu p)}) = 0`; ``F``
    is convex (a log-sum-exp of affine functions) and increasing, so Newton started right of
    the root (at :math:`\min(0, -\log(\mu p)/(p-1))`, where both terms are at most 1) decreases
    monotonically to it; it stops when an iterate no longer decreases.  A bisection on the
    bracket :math:`[\min(-\log 2, -(\log 2 + \log(\mu p))/(p-1)), t_0]` takes over if Newton has
    not stopped after ``_MAX_NEWTON`` steps.
    """
    log_scale = math.log(p) + log_mu
    t_high = min(0.0, -log_scale / (p - 1.0))
    t_low = min(-math.log(2.0), -(math.log(2.0) + log_scale) / (p - 1.0))
    t = t_high
    converged = False
    for _ in range(_MAX_NEWTON):
        first = t
        second = (p - 1.0) * t + log_scale
        gap = second - first
        if gap > 0.0:
            value = second + math.log1p(math.exp(-gap))
            weight = 1.0 / (1.0 + math.exp(-gap))  # share of the second term
        else:
            value = first + math.log1p(math.exp(gap))
            weight = math.exp(gap) / (1.0 + math.exp(gap))
        slope = (1.0 - weight) + (p - 1.0) * weight
        t_new = t - value / slope
        if not t_new < t:
            converged = True
            break
        t = max(t_new, t_low)
    if converged:
        return t
    # bisection fallback on [t_low, t] (never reached in the tests, kept as the safeguard)
    low, high = t_low, t
    for _ in range(200):
        middle = 0.5 * (low + high)
        if middle <= low or middle >= high:
            break
        first = middle
        second = (p - 1.0) * middle + log_scale
        value = max(first, second) + math.log1p(math.exp(-abs(second - first)))
        if value > 0.0:
            high = middle
        else:
            low = middle
    return high


@njit(cache=True)
def _nonconvex_root_newton(mu, p, u_low):
    r"""Larger root of :math:`\phi(u) = u + \mu p u^{p-1} - 1` on ``[u_low, 1]``, ``p < 1``.

    :math:`\phi` is convex and increasing on :math:`[u_{low}, 1]` (its minimum is at
    :math:`(\mu p (1-p))^{1/(2-p)} < u_{low}`), :math:`\phi(1) = \mu p \ge 0` and the caller
    checked :math:`\phi(u_{low}) \le 0`: Newton from ``u = 1`` decreases monotonically to the
    root; a bisection takes over if it has not stopped after ``_MAX_NEWTON`` steps.
    """
    scale = mu * p
    u = 1.0
    converged = False
    for _ in range(_MAX_NEWTON):
        value = u + scale * u ** (p - 1.0) - 1.0
        slope = 1.0 - scale * (1.0 - p) * u ** (p - 2.0)
        u_new = u - value / slope
        if not u_new < u:
            converged = True
            break
        u = max(u_new, u_low)
    if converged:
        return u
    low, high = u_low, u
    for _ in range(200):
        middle = 0.5 * (low + high)
        if middle <= low or middle >= high:
            break
        if middle + scale * middle ** (p - 1.0) - 1.0 > 0.0:
            high = middle
        else:
            low = middle
    return high


@njit(cache=True)
def _convex_closed_form(mu, p):
    """Closed-form root ``u`` of ``u + mu p u**(p-1) = 1``, p in {4/3, 3/2, 3, 4}; else -1."""
    if p == 1.5:
        # s = sqrt(u): s^2 + 1.5 mu s - 1 = 0
        s = 1.0 / (0.75 * mu + math.sqrt(0.5625 * mu * mu + 1.0))
        return s * s
    if p == 4.0 / 3.0:
        # s = u^(1/3): s^3 + (4 mu / 3) s - 1 = 0
        s = _cubic_root(4.0 * mu / 3.0, 1.0)
        return s * s * s
    if p == 3.0:
        # 3 mu u^2 + u - 1 = 0
        return 2.0 / (1.0 + math.sqrt(1.0 + 12.0 * mu))
    if p == 4.0:
        # u^3 + u / (4 mu) = 1 / (4 mu)
        c = 0.25 / mu
        return _cubic_root(c, c)
    return -1.0


@njit(cache=True)
def _nonconvex_closed_form(mu, p):
    """Closed-form larger root ``u`` for p in {1/2, 2/3} (past the threshold); -1 if none."""
    if p == 0.5:
        # half thresholding (Xu et al. 2012) with their lambda = 2 mu and x = 1
        phi = math.acos(min(1.0, 0.25 * mu * 3.0**1.5))
        return (2.0 / 3.0) * (1.0 + math.cos(_TWO_PI_OVER_3 - 2.0 * phi / 3.0))
    if p == 2.0 / 3.0:
        # Cao et al. 2013 with their lambda = 2 mu and x = 1
        lam = 2.0 * mu
        phi = math.acosh(max(1.0, 27.0 / (16.0 * lam**1.5)))
        A = 2.0 / math.sqrt(3.0) * lam**0.25 * math.sqrt(math.cosh(phi / 3.0))
        s = 0.5 * (A + math.sqrt(max(0.0, 2.0 / A - A * A)))
        return s * s * s
    return -1.0


@njit(cache=True)
def _normalized_prox(mu, log_mu, p, use_closed_form):
    """Minimiser ``u >= 0`` of ``0.5 (u - 1)**2 + mu u**p`` as ``(u, log(u))`` for p != 1, 2.

    ``log(u)`` is returned for ``p > 1`` (``u`` itself may underflow while ``|x| u`` does
    not); for ``p < 1`` the second entry is ``log(u)`` or ``-inf`` for ``u = 0``.
    """
    if p > 1.0:
        if use_closed_form and abs(log_mu) < _CLOSED_FORM_LOG_MU:
            u = _convex_closed_form(mu, p)
            if u > 0.0:
                return u, math.log(u)
        t = _convex_root_newton(mu, log_mu, p)
        return math.exp(t), t
    # 0 < p < 1: zero unless 1 > tau(mu) = (2-p)/(2(1-p)) * (2 mu (1-p))^(1/(2-p))
    log_jump = (math.log(2.0 * (1.0 - p)) + log_mu) / (2.0 - p)
    log_threshold = math.log((2.0 - p) / (2.0 * (1.0 - p))) + log_jump
    if log_threshold > 1e-3:
        return 0.0, -np.inf
    u_low = math.exp(log_jump)
    scale = mu * p
    if u_low + scale * u_low ** (p - 1.0) - 1.0 > 0.0:  # phi(u_low) > 0: 1 < tau
        return 0.0, -np.inf
    u = -1.0
    if use_closed_form and log_mu > _CLOSED_FORM_LOG_MU_NONCONVEX:
        u = _nonconvex_closed_form(mu, p)
    if u <= 0.0:
        u = _nonconvex_root_newton(mu, p, min(u_low, 1.0))
    # the objective minus the objective at 0 is u * (u/2 - 1 + mu u^(p-1)); ties go to 0
    if 0.5 * u - 1.0 + mu * u ** (p - 1.0) >= 0.0:
        return 0.0, -np.inf
    return u, math.log(u)


@njit(cache=True)
def _lp_prox(x, step, params, use_closed_form):
    alpha, p = params[0], params[1]
    x = np.float64(x)
    lam = step * alpha
    if lam == 0.0 or not x == x:
        return x
    if lam == np.inf:  # step * alpha overflowed: the penalty dominates every finite x
        return 0.0
    if p == 1.0:
        return soft_threshold(x, lam)
    if p == 2.0:
        return x / (1.0 + 2.0 * lam)
    a = abs(x)
    if a == 0.0 or a == np.inf:
        return x
    mu, log_mu = _log_mu(a, lam, p)
    if mu == 0.0:  # lam |x|^(p-2) underflows: the penalty is negligible against (z - x)^2
        return x
    u, log_u = _normalized_prox(mu, log_mu, p, use_closed_form)
    if u == 0.0 and log_u == -np.inf:
        return 0.0
    if log_u > -700.0:
        magnitude = a * u
    else:
        magnitude = math.exp(math.log(a) + log_u)
    return magnitude if x > 0.0 else -magnitude


@njit(cache=True)
def lp_prox_scalar(x, step, params):
    r"""Return the global :math:`\operatorname{argmin}_z \tfrac12(z-x)^2 + t\alpha|z|^p`.

    ``params = (alpha, p)``, ``t = step``.  Computed in float64 (see :class:`Lp`, Notes).
    """
    return _lp_prox(x, step, params, True)


@njit(cache=True)
def _lp_prox_newton_scalar(x, step, params):
    """The prox without the closed forms (Newton only): the reference for the closed forms."""
    return _lp_prox(x, step, params, False)


# --------------------------------------------------------------------------------------------
# the penalty class
# --------------------------------------------------------------------------------------------


@register_penalty(
    examples=[
        {"alpha": 0.0, "p": 0.5},
        {"alpha": 0.0, "p": 1.5},
        *(
            {"alpha": 0.7, "p": p}
            for p in (
                0.1,
                0.25,
                1.0 / 3.0,
                0.5,
                2.0 / 3.0,
                0.9,
                0.999,
                1.0,
                1.001,
                1.2,
                4.0 / 3.0,
                1.5,
                2.0,
                3.0,
                4.0,
            )
        ),
    ]
)
@dataclass(frozen=True)
class Lp(Penalty):
    r"""Lp penalty for any p > 0: convex for p >= 1, non-convex and sparser for p < 1.

    .. math:: G(w) = \alpha \sum_{j=1}^{n_\mathrm{features}} |w_j|^p

    ``p = 1`` is :class:`~lpreg.L1`; ``p = 2`` is ``L2(alpha=2 * alpha)`` (no factor 1/2
    here).

    Parameters
    ----------
    alpha : float, default=1.0
        Strength, ``alpha >= 0``.
    p : float, default=1.0
        Exponent, ``p > 0``.  The penalty is convex iff ``p >= 1`` (:attr:`is_convex`).

    Notes
    -----
    The prox with step ``t`` is computed exactly (to rounding) as the *global* minimiser of
    :math:`\tfrac12 (z - x)^2 + \lambda |z|^p`, :math:`\lambda = \alpha t`; it is odd and
    non-decreasing in ``x``.  For ``x > 0`` (``x < 0`` by symmetry):

    * ``p = 1``: soft thresholding :math:`\max(x - \lambda, 0)`;
      ``p = 2``: :math:`x / (1 + 2\lambda)`.
    * ``p > 1``: the unique root in :math:`(0, x)` of :math:`z + \lambda p z^{p-1} = x`.
      Closed forms for ``p = 3/2`` (a quadratic in :math:`\sqrt z`), ``p = 4/3`` (Cardano's
      cubic in :math:`z^{1/3}`), ``p = 3`` (a quadratic) and ``p = 4`` (a cubic); otherwise
      monotone Newton on the convex increasing function
      :math:`t \mapsto \log(e^t + \lambda p\,x^{p-2} e^{(p-1)t})`, :math:`t = \log(z/x)`, which
      has a finite slope at every ``t`` (the slope of :math:`z^{p-1}` at 0 is infinite for
      ``p < 2``), with a bisection fallback.
    * ``0 < p < 1``: with the jump size :math:`\beta = (2\lambda(1-p))^{1/(2-p)}` and the
      threshold :math:`\tau = \frac{2-p}{2(1-p)}\,\beta`, the prox is 0 for :math:`x < \tau`;
      for :math:`x > \tau` it is the larger root of :math:`z + \lambda p z^{p-1} = x`, which
      lies in :math:`[\beta, x]` (so a non-zero prox has magnitude at least :math:`\beta`).
      Closed forms for ``p = 1/2`` (half thresholding, Xu et al.),
      :math:`z = \frac{2x}{3}\big(1 + \cos(\frac{2\pi}{3} - \frac{2}{3}\varphi)\big)`,
      :math:`\varphi = \arccos(\frac{\lambda}{4} (x/3)^{-3/2})`, and ``p = 2/3`` (Cao et
      al.); otherwise monotone Newton from ``x`` (the function is convex and increasing on
      :math:`[\beta, x]`).  The candidate is kept only if its objective is below the objective
      :math:`x^2/2` at 0 (ties give 0); at :math:`x = \tau` both are minimisers, and within
      rounding of :math:`\tau` either may be returned (the output stays monotone in ``x``).

    The computation runs on the normalised problem in :math:`u = z/|x|` (module docstring), so
    that tiny and huge ``x`` and ``step`` neither overflow nor lose precision.  For ``p > 1``
    the conjugate of :math:`g(x) = \alpha |x|^p` is
    :math:`g^*(v) = (p-1)\,\alpha\,(|v| / (\alpha p))^{p/(p-1)}`; for ``p = 1`` it is the
    indicator of :math:`|v| \le \alpha`; for ``p < 1`` the penalty is not convex and solvers
    certify a KKT violation instead of a duality gap.  ``alpha_max`` exists only for ``p = 1``.

    References
    ----------
    Z. Xu, X. Chang, F. Xu and H. Zhang, "L1/2 regularization: a thresholding representation
    theory and a fast solver", IEEE Trans. Neural Netw. Learn. Syst. 23(7), 2012.

    W. Cao, J. Sun and Z. Xu, "Fast image deconvolution using closed-form thresholding
    formulas of Lq (q = 1/2, 2/3) regularization", J. Vis. Commun. Image Represent. 24(1), 2013.

    G. Marjanovic and V. Solo, "On lq optimization and matrix completion", IEEE Trans. Signal
    Process. 60(11), 2012.

    Examples
    --------
    >>> import numpy as np
    >>> from lpreg import Lp
    >>> penalty = Lp(alpha=1.0, p=0.5)
    >>> penalty.threshold(step=1.0), penalty.jump_size(step=1.0)
    (1.5, 1.0)
    >>> penalty.prox(np.array([1.4, 4.25, -4.25]), step=1.0)  # 4 + 0.5 / sqrt(4) = 4.25
    array([ 0.,  4., -4.])
    >>> Lp(alpha=1.0, p=1.5).prox(np.array([4.0]), step=2.0)  # 1 + 3 sqrt(1) = 4
    array([1.])
    """

    alpha: float = 1.0
    p: float = 1.0

    scalar_kernels: ClassVar = ScalarKernels(
        value=lp_value_scalar, prox=lp_prox_scalar, subdiff_interval=lp_subdiff_interval
    )

    def __post_init__(self):
        owner = type(self).__name__
        object.__setattr__(self, "alpha", check_alpha(self.alpha, owner))
        p = check_real_scalar(
            self.p,
            "p",
            owner,
            low=0.0,
            high=np.inf,
            low_inclusive=False,
            high_inclusive=False,
            hint=(
                "p = 0 (best subset) is not supported; for sparser fits than L1 use "
                "Lp(p=0.5) or MCP."
            ),
        )
        object.__setattr__(self, "p", p)

    @property
    def is_convex(self) -> bool:
        """Whether the penalty is convex: ``p >= 1``."""
        return self.p >= 1.0

    def _params(self):
        return (self.alpha, self.p)

    # ---- thresholds ---------------------------------------------------------------------
    def threshold(self, step):
        r"""Largest ``|x|`` whose prox with this ``step`` is 0.

        :math:`\frac{2-p}{2(1-p)} (2\lambda(1-p))^{1/(2-p)}` for ``p < 1``, :math:`\lambda`
        for ``p = 1`` and 0 for ``p > 1`` (:math:`\lambda = \alpha\,\mathrm{step}`).
        """
        lam = self.alpha * _check_step(step)
        if self.p > 1.0:
            return 0.0
        if self.p == 1.0:
            return lam
        return (2.0 - self.p) / (2.0 * (1.0 - self.p)) * self.jump_size(step)

    def jump_size(self, step):
        r"""Smallest non-zero ``|prox|``: :math:`(2\lambda(1-p))^{1/(2-p)}` (p < 1), else 0."""
        lam = self.alpha * _check_step(step)
        if self.p >= 1.0:
            return 0.0
        return (2.0 * lam * (1.0 - self.p)) ** (1.0 / (2.0 - self.p))

    # ---- duality ------------------------------------------------------------------------
    def _conjugate(self, v):
        if self.alpha == 0.0 or self.p == 1.0:
            return np.zeros_like(v)
        p = self.p
        # for p near 1 the exponent p / (p - 1) is huge: |v| beyond alpha * p overflows to
        # +inf, which is the conjugate's value to double precision (not an error)
        with np.errstate(over="ignore"):
            return (p - 1.0) * self.alpha * (np.abs(v) / (self.alpha * p)) ** (p / (p - 1.0))

    def _conjugate_radius(self):
        if self.p < 1.0:
            raise NotImplementedError("Lp with p < 1 is not convex: no conjugate.")
        if self.alpha == 0.0:
            return 0.0
        if self.p == 1.0:
            return self.alpha
        # g*(v) = (p-1) alpha (|v| / (alpha p))^(p/(p-1)) is finite everywhere, but for p near 1
        # it overflows float64 once |v| > alpha p 1e300^((p-1)/p) (about 2 alpha p at
        # p = 1.001): treat that as the numerical domain, so dual points get rescaled into it
        # and the gap stays a finite, valid bound.
        return self.alpha * self.p * math.exp(math.log(1e300) * (self.p - 1.0) / self.p)


def _check_step(step):
    return check_real_scalar(
        step, "step", "Lp", low=0.0, hint="The step is a (positive) step size."
    )
