r"""Exact Euclidean projections onto norm balls, the simplex and the Elastic-Net ball.

Every function here returns

.. math:: P_C(w) = \operatorname{argmin}_{z \in C} \tfrac12 \|z - w\|_2^2

for one closed set :math:`C`:

====================================  ===========================================================
function                              :math:`C`
====================================  ===========================================================
:func:`project_l1_ball`               :math:`\{z : \sum_j |z_j| \le t\}`
:func:`project_weighted_l1_ball`      :math:`\{z : \sum_j c_j |z_j| \le t\}`, :math:`c_j \ge 0`
:func:`project_l2_ball`               :math:`\{z : \|z\|_2 \le t\}`
:func:`project_linf_ball`             :math:`\{z : \max_j |z_j| \le t\}`
:func:`project_simplex`               :math:`\{z : z_j \ge 0, \sum_j z_j = t\}`
:func:`project_elastic_net_ball`      :math:`\{z : r \|z\|_1 + \tfrac{1-r}{2} \|z\|_2^2 \le t\}`
:func:`project_lp_ball`               :math:`\{z : \sum_j |z_j|^p \le t^p\}`, any :math:`p > 0`
====================================  ===========================================================

:func:`project_ball` dispatches on ``p``, ``weights`` and ``l1_ratio``; :func:`norm` is the
matching (quasi-)norm.  The kernels are numba functions; ``float32`` input is projected in
``float64`` and returned as ``float32``.  Every ball except the Elastic-Net one is
positively homogeneous, :math:`P_{tB}(w) = s\,P_{(t/s)B}(w/s)`; the wrappers use it with
:math:`s` a power of two (an exact rescaling) when :math:`\max_j |w_j|` is outside
:math:`[2^{-400}, 2^{400}]`, so huge and tiny inputs neither overflow nor underflow.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from numba import njit

from lpreg._validation import check_finite_array, check_nonnegative_array, check_real_scalar

__all__ = [
    "norm",
    "project_ball",
    "project_elastic_net_ball",
    "project_l1_ball",
    "project_l2_ball",
    "project_linf_ball",
    "project_lp_ball",
    "project_simplex",
    "project_weighted_l1_ball",
]

_SAFE_EXPONENT = 400  # rescale by a power of two when max|w| is outside [2^-400, 2^400]


# --------------------------------------------------------------------------------------------
# numba kernels (float64 in, float64 out)
# --------------------------------------------------------------------------------------------


@njit(cache=True)
def _simplex_threshold(y, radius):
    r"""Return :math:`\tau` with :math:`\sum_j \max(y_j - \tau, 0) = \mathrm{radius}`.

    Condat's (2016) pivot-free algorithm (expected O(n), no sort), then a Michelot-type
    polish that recomputes :math:`\tau = (\sum_{y_j > \tau} y_j - \mathrm{radius}) / |\{j :
    y_j > \tau\}|` from the sums until the active set is stable, so that the threshold is the
    exact formula on the final active set rather than Condat's running average.
    Requires ``radius > 0`` and ``len(y) >= 1``.
    """
    n = y.shape[0]
    aux = np.empty(n)
    aux[0] = y[0]
    length = 1
    length_old = -1
    tau = y[0] - radius
    for i in range(1, n):
        if y[i] > tau:
            aux[length] = y[i]
            tau += (y[i] - tau) / (length - length_old)
            if tau <= y[i] - radius:
                tau = y[i] - radius
                length_old = length - 1
            length += 1
    start = 0
    if length_old >= 0:
        length_old += 1
        length -= length_old
        start = length_old
        j = length_old - 1
        while j >= 0:
            if aux[j] > tau:
                start -= 1
                aux[start] = aux[j]
                length += 1
                tau += (aux[start] - tau) / length
            j -= 1
    while True:
        length_old = length - 1
        length = 0
        for i in range(length_old + 1):
            value = aux[start + i]
            if value > tau:
                aux[start + length] = value
                length += 1
            elif length_old - i + length > 0:
                tau += (tau - value) / (length_old - i + length)
        if length > length_old:
            break
    # Michelot polish: exact threshold on the active set (monotone after one step).
    previous_count = -1
    for _ in range(n + 1):
        total = 0.0
        count = 0
        for i in range(n):
            if y[i] > tau:
                total += y[i]
                count += 1
        if count == 0 or count == previous_count:
            break
        tau = (total - radius) / count
        previous_count = count
    return tau


@njit(cache=True)
def _project_simplex_kernel(y, radius):
    out = np.empty_like(y)
    if radius == 0.0:
        out[:] = 0.0
        return out
    tau = _simplex_threshold(y, radius)
    for i in range(y.shape[0]):
        out[i] = max(y[i] - tau, 0.0)
    return out


@njit(cache=True)
def _project_l1_ball_kernel(w, radius):
    n = w.shape[0]
    out = np.empty_like(w)
    magnitudes = np.abs(w)
    if magnitudes.sum() <= radius:
        out[:] = w
        return out
    if radius == 0.0:
        out[:] = 0.0
        return out
    tau = _simplex_threshold(magnitudes, radius)
    for i in range(n):
        shrunk = max(magnitudes[i] - tau, 0.0)
        out[i] = shrunk if w[i] >= 0 else -shrunk
    return out


@njit(cache=True)
def _project_weighted_l1_ball_kernel(w, radius, weights):
    r"""Sort-based (O(n log n)) projection onto :math:`\sum_j c_j |z_j| \le t`.

    :math:`z_j = \operatorname{sign}(w_j)\max(|w_j| - \lambda c_j, 0)` with :math:`\lambda`
    the exact root of the piecewise-linear :math:`\sum_j c_j \max(|w_j| - \lambda c_j, 0) = t`,
    found by scanning the breakpoints :math:`|w_j| / c_j` in decreasing order.
    """
    n = w.shape[0]
    out = np.empty_like(w)
    weighted_norm = 0.0
    for i in range(n):
        weighted_norm += weights[i] * abs(w[i])
    if weighted_norm <= radius:
        out[:] = w
        return out
    if radius == 0.0:
        for i in range(n):
            out[i] = w[i] if weights[i] == 0.0 else 0.0
        return out
    count = 0
    breakpoints = np.empty(n)
    index = np.empty(n, dtype=np.int64)
    for i in range(n):
        if weights[i] > 0.0 and w[i] != 0.0:
            breakpoints[count] = abs(w[i]) / weights[i]
            index[count] = i
            count += 1
    order = np.argsort(-breakpoints[:count])
    sum_cw = 0.0
    sum_cc = 0.0
    # if even the first candidate rounds onto its breakpoint (radius << |w|), every entry is 0
    multiplier = breakpoints[order[0]] if count > 0 else 0.0
    for k in range(count):
        i = index[order[k]]
        new_cw = sum_cw + weights[i] * abs(w[i])
        new_cc = sum_cc + weights[i] * weights[i]
        candidate = (new_cw - radius) / new_cc
        if breakpoints[order[k]] > candidate:
            sum_cw = new_cw
            sum_cc = new_cc
            multiplier = candidate
        else:
            break
    for i in range(n):
        shrunk = max(abs(w[i]) - multiplier * weights[i], 0.0)
        out[i] = shrunk if w[i] >= 0 else -shrunk
    return out


@njit(cache=True)
def _project_elastic_net_kernel(w, radius, a, b):
    r"""Project onto :math:`\{z : a\|z\|_1 + \tfrac{b}{2}\|z\|_2^2 \le t\}`, :math:`a, b \ge 0`.

    KKT: :math:`z_j = \operatorname{sign}(w_j)\max(|w_j| - \mu a, 0) / (1 + \mu b)` with
    :math:`\mu \ge 0`.  On a segment between breakpoints :math:`|w_j|/a` where the active set
    has ``m`` entries with sums :math:`S_1 = \sum |w_j|`, :math:`S_2 = \sum w_j^2`, the
    constraint :math:`g(\mu) = t` is the quadratic
    :math:`b(tb + m a^2/2)\mu^2 + (2tb + m a^2)\mu + (t - aS_1 - bS_2/2) = 0`,
    solved in closed form on the segment where the decreasing :math:`g` crosses ``t``.
    """
    n = w.shape[0]
    out = np.empty_like(w)
    magnitudes = np.abs(w)
    sum1 = magnitudes.sum()
    sum2 = 0.0
    for i in range(n):
        sum2 += magnitudes[i] * magnitudes[i]
    if a * sum1 + 0.5 * b * sum2 <= radius:
        out[:] = w
        return out
    if radius == 0.0:
        out[:] = 0.0
        return out
    if a == 0.0:  # pure L2 ball of radius sqrt(2 t / b)
        scale = math.sqrt(2.0 * radius / b) / math.sqrt(sum2)
        for i in range(n):
            out[i] = w[i] * scale
        return out
    order = np.argsort(-magnitudes)
    s1 = 0.0
    s2 = 0.0
    multiplier = 0.0
    for k in range(n):
        x = magnitudes[order[k]]
        s1 += x
        s2 += x * x
        m = k + 1
        next_break = magnitudes[order[k + 1]] / a if k + 1 < n else 0.0
        # g at the next breakpoint (entries after k are zero there)
        mu = next_break
        l1 = (s1 - m * mu * a) / (1.0 + mu * b)
        l2sq = (s2 - 2.0 * mu * a * s1 + m * mu * mu * a * a) / (1.0 + mu * b) ** 2
        if a * l1 + 0.5 * b * l2sq >= radius or k + 1 == n:
            qa = b * (radius * b + 0.5 * m * a * a)
            qb = 2.0 * radius * b + m * a * a
            qc = radius - a * s1 - 0.5 * b * s2
            multiplier = -2.0 * qc / (qb + math.sqrt(max(qb * qb - 4.0 * qa * qc, 0.0)))
            upper = x / a
            multiplier = min(max(multiplier, next_break), upper)
            break
    for i in range(n):
        shrunk = max(magnitudes[i] - multiplier * a, 0.0) / (1.0 + multiplier * b)
        out[i] = shrunk if w[i] >= 0 else -shrunk
    return out


@njit(cache=True)
def _lp_prox_magnitude(x, lam, p):
    r"""Root :math:`z \in [0, x]` of :math:`z + \lambda z^{p-1} = x` for ``p > 1``, ``x >= 0``.

    This is :math:`\operatorname{argmin}_z \tfrac12 (z - x)^2 + \tfrac{\lambda}{p} |z|^p`.
    For ``p >= 2`` Newton on the convex increasing :math:`z + \lambda z^{p-1} - x`, and for
    ``1 < p < 2`` Newton on the convex increasing :math:`u^{1/(p-1)} + \lambda u - x` in
    :math:`u = z^{p-1}`; both start right of the root, so the iterates decrease monotonically
    and stop when they stop decreasing (at machine precision).
    """
    if x == 0.0 or lam == 0.0:
        return x
    if p >= 2.0:
        z = min(x, (x / lam) ** (1.0 / (p - 1.0)))
        for _ in range(1000):
            f = z + lam * z ** (p - 1.0) - x
            if f <= 0.0:
                break
            z_new = z - f / (1.0 + lam * (p - 1.0) * z ** (p - 2.0))
            if not z_new < z:
                break
            z = z_new
        return z
    q = 1.0 / (p - 1.0)
    u = min(x ** (p - 1.0), x / lam)
    for _ in range(1000):
        g = u**q + lam * u - x
        if g <= 0.0:
            break
        u_new = u - g / (q * u ** (q - 1.0) + lam)
        if not u_new < u:
            break
        u = u_new
    return u**q


@njit(cache=True)
def _lp_power_sum(magnitudes, mu, p, out):
    """Fill ``out`` with the prox magnitudes at ``mu``; return (sum z^p, d/dmu sum z^p)."""
    total = 0.0
    derivative = 0.0
    lam = mu * p
    curvature = mu * p * (p - 1.0)
    for i in range(magnitudes.shape[0]):
        z = _lp_prox_magnitude(magnitudes[i], lam, p)
        out[i] = z
        if z > 0.0:
            zp = z**p
            total += zp
            derivative -= p * p * zp / (z ** (2.0 - p) + curvature)
    return total, derivative


@njit(cache=True)
def _project_lp_ball_convex_kernel(w, radius, p):
    r"""Project onto :math:`\sum |z_j|^p \le t^p` for ``1 < p < inf`` (``max|w| <= 1``).

    :math:`z = \operatorname{prox}_{\mu \|\cdot\|_p^p}(w)`, where :math:`h(\mu) = \sum_j
    z_j(\mu)^p - t^p` is strictly decreasing on the support; the root is found by safeguarded
    Newton (bisection whenever Newton leaves the bracket), using
    :math:`dz_j/d\mu = -p z_j / (z_j^{2-p} + \mu p (p-1))`.  A final rescaling by
    :math:`(t^p / \sum z_j^p)^{1/p} \le 1` (a relative change at rounding level) makes the
    output feasible.
    """
    n = w.shape[0]
    magnitudes = np.abs(w)
    out = np.empty_like(w)
    z = np.empty(n)
    total = 0.0
    for i in range(n):
        total += magnitudes[i] ** p
    target = radius**p
    if total <= target:
        out[:] = w
        return out
    if radius == 0.0:
        out[:] = 0.0
        return out
    low = 0.0
    high = 1.0
    for _ in range(3000):
        value, _unused = _lp_power_sum(magnitudes, high, p, z)
        if value <= target:
            break
        low = high
        high *= 2.0
    mu = high
    for _ in range(300):
        value, derivative = _lp_power_sum(magnitudes, mu, p, z)
        residual = value - target
        if residual == 0.0:
            break
        if residual > 0.0:
            low = mu
        else:
            high = mu
        if high - low <= 4e-16 * high:
            break
        candidate = mu - residual / derivative if derivative < 0.0 else -1.0
        if not (low < candidate < high):
            candidate = math.sqrt(low * high) if low > 0.0 else 0.5 * (low + high)
        if candidate == mu:
            break
        mu = candidate
    value, _unused = _lp_power_sum(magnitudes, mu, p, z)
    if value > target:
        shrink = (target / value) ** (1.0 / p)
        for i in range(n):
            z[i] *= shrink
    for i in range(n):
        out[i] = z[i] if w[i] >= 0 else -z[i]
    return out


@njit(cache=True)
def _fold(x, p):
    r"""For ``p < 1``: the largest :math:`\lambda` for which :math:`z + \lambda z^{p-1} = x`
    has a root, and the (double) root there, :math:`z_f = x (1-p)/(2-p)`."""
    z_fold = x * (1.0 - p) / (2.0 - p)
    return z_fold ** (2.0 - p) / (1.0 - p), z_fold


@njit(cache=True)
def _large_root(x, lam, p):
    """Larger root of z + lam z^(p-1) = x (p < 1): Newton from z = x, decreasing to the root."""
    if lam <= 0.0:
        return x
    lam_fold, z_fold = _fold(x, p)
    if lam >= lam_fold:
        return z_fold
    z = x
    for _ in range(500):
        f = z + lam * z ** (p - 1.0) - x
        if f <= 0.0:
            break
        z_new = z - f / (1.0 + lam * (p - 1.0) * z ** (p - 2.0))
        if not z_new < z:
            break
        z = z_new
    return max(z, z_fold)


@njit(cache=True)
def _small_root(x, lam, p):
    """Smaller root of z + lam z^(p-1) = x (p < 1): Newton from the left, increasing."""
    if lam <= 0.0:
        return 0.0
    lam_fold, z_fold = _fold(x, p)
    if lam >= lam_fold:
        return z_fold
    z = (lam / x) ** (1.0 / (1.0 - p))
    for _ in range(500):
        f = z + lam * z ** (p - 1.0) - x
        if f <= 0.0:
            break
        z_new = z - f / (1.0 + lam * (p - 1.0) * z ** (p - 2.0))
        if not z_new > z:
            break
        z = z_new
    return min(z, z_fold)


@njit(cache=True)
def _configuration_power_sum(x, k, lam, p, small_last, z):
    """Fill z[:k] with the stationary point for multiplier lam; return sum z^p."""
    total = 0.0
    for i in range(k):
        if small_last and i == k - 1:
            z[i] = _small_root(x[i], lam, p)
        else:
            z[i] = _large_root(x[i], lam, p)
        total += z[i] ** p
    return total


@njit(cache=True)
def _bisect_multiplier(x, k, low, high, p, target, small_last, z):
    """Bisection for sum z(lam)^p = target on [low, high] (sign change assumed)."""
    value_low = _configuration_power_sum(x, k, low, p, small_last, z) - target
    for _ in range(200):
        middle = 0.5 * (low + high)
        if not (low < middle < high):
            break
        value = _configuration_power_sum(x, k, middle, p, small_last, z) - target
        if (value > 0.0) == (value_low > 0.0):
            low = middle
            value_low = value
        else:
            high = middle
    return 0.5 * (low + high)


@njit(cache=True)
def _consider(x, k, lam, p, small_last, z, best, best_distance, tail):
    """Evaluate the candidate at lam; keep it in ``best`` if it is closer."""
    _configuration_power_sum(x, k, lam, p, small_last, z)
    distance = tail
    for i in range(k):
        distance += (z[i] - x[i]) ** 2
    if distance < best_distance:
        best[:] = 0.0
        best[:k] = z[:k]
        return distance
    return best_distance


@njit(cache=True)
def _project_lp_ball_nonconvex_sorted(x, radius, p, exhaustive, n_scan):
    r"""Projection of sorted magnitudes ``x[0] >= x[1] >= ...`` onto
    :math:`\sum z_j^p \le t^p`, ``p < 1``, among the KKT points of every top-k support.

    ``exhaustive``: also the configurations whose smallest support entry takes the smaller
    root, located by scanning ``n_scan`` multipliers and bisecting every increasing crossing.
    """
    n = x.shape[0]
    target = radius**p
    best = np.zeros(n)
    z = np.zeros(n)
    tail = 0.0
    for i in range(n):
        tail += x[i] * x[i]
    best_distance = tail  # the candidate z = 0
    head_power = 0.0
    for k in range(1, n + 1):
        tail -= x[k - 1] * x[k - 1]
        tail = max(tail, 0.0)
        head_power += x[k - 1] ** p
        if tail >= best_distance:
            continue
        if head_power <= target:  # the top-k entries are feasible as they are
            z[:k] = x[:k]
            distance = tail
            if distance < best_distance:
                best[:] = 0.0
                best[:k] = x[:k]
                best_distance = distance
            continue
        if k == 1:  # one entry: the nearest point of [0, t]
            distance = tail + (x[0] - radius) ** 2
            if distance < best_distance:
                best[:] = 0.0
                best[0] = radius
                best_distance = distance
            continue
        lam_max, z_fold = _fold(x[k - 1], p)
        if k * z_fold**p > target and not exhaustive:
            continue
        # all entries at the larger root: sum z^p decreases in lam on [0, lam_max]
        at_fold = _configuration_power_sum(x, k, lam_max, p, False, z)
        if at_fold <= target:
            lam = _bisect_multiplier(x, k, 0.0, lam_max, p, target, False, z)
            best_distance = _consider(x, k, lam, p, False, z, best, best_distance, tail)
        if exhaustive:
            # smallest entry at the smaller root: keep the crossings where sum z^p increases
            previous_lam = 0.0
            previous = head_power - x[k - 1] ** p - target
            for j in range(n_scan + 1):
                lam = lam_max * 10.0 ** (-24.0 * (n_scan - j) / n_scan)
                value = _configuration_power_sum(x, k, lam, p, True, z) - target
                if previous < 0.0 <= value:
                    root = _bisect_multiplier(x, k, previous_lam, lam, p, target, True, z)
                    best_distance = _consider(x, k, root, p, True, z, best, best_distance, tail)
                previous_lam = lam
                previous = value
    return best


# --------------------------------------------------------------------------------------------
# validation and scaling helpers
# --------------------------------------------------------------------------------------------


def _check_vector(w, owner):
    """Return (float64 copy of w, output dtype); float32 stays float32 on output."""
    dtype = np.float32 if getattr(w, "dtype", None) == np.float32 else np.float64
    array = check_finite_array(w, "w", owner, ndim=1, dtype=np.float64)
    return array, dtype


def _check_radius(radius, owner):
    return check_real_scalar(
        radius,
        "radius",
        owner,
        low=0.0,
        hint="The radius t of the ball {z : ||z|| <= t} must be >= 0 (inf: no constraint).",
    )


def _check_p(p, owner):
    return check_real_scalar(
        p,
        "p",
        owner,
        low=0.0,
        low_inclusive=False,
        high=np.inf,
        high_inclusive=True,
        hint="The Lp ball needs p > 0 (p = inf is the max-norm ball); p = 0 (a cardinality "
        "constraint) is not supported.",
    )


def _power_of_two_scale(w, radius=0.0):
    """Return a power of two s with m/s in [0.5, 1), m = max(max|w|, radius), when m is
    extreme, else 1."""
    largest = float(np.max(np.abs(w))) if w.size else 0.0
    largest = max(largest, radius) if math.isfinite(radius) else largest
    if largest == 0.0 or 2.0**-_SAFE_EXPONENT <= largest <= 2.0**_SAFE_EXPONENT:
        return 1.0
    return math.ldexp(1.0, math.frexp(largest)[1])


def _homogeneous(kernel, w, radius, *args):
    """Run ``kernel(w / s, radius / s, *args) * s`` with an exact power-of-two s."""
    scale = _power_of_two_scale(w, radius)
    if scale == 1.0:
        return kernel(w, radius, *args)
    return kernel(w / scale, radius / scale, *args) * scale


# --------------------------------------------------------------------------------------------
# public functions
# --------------------------------------------------------------------------------------------


def norm(w, p=2):
    r"""Return the (quasi-)norm :math:`\|w\|_p = (\sum_j |w_j|^p)^{1/p}`, ``max|w_j|`` for
    ``p = inf``.

    For ``0 < p < 1`` this is a quasi-norm (no triangle inequality); the Lp ball of radius
    ``t`` is :math:`\{z : \|z\|_p \le t\}` for every ``p > 0``.  Computed as
    :math:`m \, (\sum_j (|w_j|/m)^p)^{1/p}` with :math:`m = \max_j |w_j|`, so it neither
    overflows nor underflows.

    Parameters
    ----------
    w : array-like of shape (n,)
    p : float, default=2
        ``p > 0``, ``inf`` allowed.

    Examples
    --------
    >>> norm([3.0, -4.0])
    5.0
    >>> norm([3.0, -4.0], p=1)
    7.0
    """
    w, _ = _check_vector(w, "norm")
    p = _check_p(p, "norm")
    magnitudes = np.abs(w)
    largest = float(magnitudes.max()) if w.size else 0.0
    if largest == 0.0:
        return 0.0
    if math.isinf(p):
        return largest
    return largest * float(np.sum((magnitudes / largest) ** p)) ** (1.0 / p)


def project_l1_ball(w, radius):
    r"""Euclidean projection onto the L1 ball :math:`\{z : \sum_j |z_j| \le t\}`.

    .. math:: z_j = \operatorname{sign}(w_j) \max(|w_j| - \tau, 0)

    with :math:`\tau = 0` if :math:`\|w\|_1 \le t`, else the :math:`\tau > 0` with
    :math:`\sum_j \max(|w_j| - \tau, 0) = t`, found in expected O(n) time by Condat's
    algorithm (no sort), then recomputed exactly as
    :math:`\tau = (\sum_{j \in A} |w_j| - t) / |A|` on the final active set :math:`A`.

    Parameters
    ----------
    w : array-like of shape (n,)
        The point to project; float32 in, float32 out; else float64.
    radius : float
        :math:`t \ge 0`.

    Returns
    -------
    ndarray of shape (n,)

    References
    ----------
    L. Condat, "Fast projection onto the simplex and the l1 ball", Math. Program. 158 (2016).
    J. Duchi, S. Shalev-Shwartz, Y. Singer, T. Chandra, "Efficient projections onto the
    l1-ball for learning in high dimensions", ICML 2008.

    Examples
    --------
    >>> project_l1_ball([3.0, -1.0, 0.5], 2.0).tolist()
    [2.0, -0.0, 0.0]
    >>> project_l1_ball([0.5, -0.25], 1.0).tolist()
    [0.5, -0.25]
    """
    w, dtype = _check_vector(w, "project_l1_ball")
    radius = _check_radius(radius, "project_l1_ball")
    if w.size == 0 or math.isinf(radius):
        return w.astype(dtype)
    return _homogeneous(_project_l1_ball_kernel, w, radius).astype(dtype)


def project_simplex(w, radius=1.0):
    r"""Euclidean projection onto the simplex :math:`\{z : z_j \ge 0, \sum_j z_j = t\}`.

    .. math:: z_j = \max(w_j - \tau, 0), \quad \sum_j \max(w_j - \tau, 0) = t

    (``radius=1``: the probability simplex).  :math:`\tau` is found by Condat's algorithm
    and recomputed exactly on the final active set, as in :func:`project_l1_ball`.  Unlike the
    balls, the constraint is an equality: a point inside the simplex's hull is still moved.

    Parameters
    ----------
    w : array-like of shape (n,), n >= 1
    radius : float, default=1.0
        :math:`t \ge 0` (``t = 0`` gives ``z = 0``).

    Examples
    --------
    >>> project_simplex([1.0, 0.5, -1.0]).tolist()
    [0.75, 0.25, 0.0]
    """
    w, dtype = _check_vector(w, "project_simplex")
    radius = _check_radius(radius, "project_simplex")
    if w.size == 0:
        raise ValueError("project_simplex: w must have at least one entry, got an empty array.")
    if math.isinf(radius):
        raise ValueError("project_simplex: radius must be finite, got radius=inf.")
    scale = _power_of_two_scale(w, radius)
    if scale == 1.0:
        return _project_simplex_kernel(w, radius).astype(dtype)
    return (_project_simplex_kernel(w / scale, radius / scale) * scale).astype(dtype)


def project_l2_ball(w, radius):
    r"""Euclidean projection onto the L2 ball: :math:`z = w \min(1, t / \|w\|_2)`.

    Parameters
    ----------
    w : array-like of shape (n,)
    radius : float
        :math:`t \ge 0`.

    Examples
    --------
    >>> project_l2_ball([6.0, 8.0], 5.0).tolist()
    [3.0, 4.0]
    """
    w, dtype = _check_vector(w, "project_l2_ball")
    radius = _check_radius(radius, "project_l2_ball")
    length = norm(w, 2) if w.size else 0.0
    if length <= radius:
        return w.astype(dtype)
    return (w * (radius / length)).astype(dtype)


def project_linf_ball(w, radius):
    r"""Euclidean projection onto the max-norm ball: :math:`z_j = \min(\max(w_j, -t), t)`.

    Examples
    --------
    >>> project_linf_ball([3.0, -0.5, -2.0], 1.0).tolist()
    [1.0, -0.5, -1.0]
    """
    w, dtype = _check_vector(w, "project_linf_ball")
    radius = _check_radius(radius, "project_linf_ball")
    return np.clip(w, -radius, radius).astype(dtype)


def project_weighted_l1_ball(w, radius, weights):
    r"""Euclidean projection onto the weighted L1 ball :math:`\{z : \sum_j c_j |z_j| \le t\}`.

    .. math:: z_j = \operatorname{sign}(w_j) \max(|w_j| - \lambda c_j, 0)

    with :math:`\lambda = 0` if :math:`w` is inside, else the exact root of the
    piecewise-linear :math:`\sum_j c_j \max(|w_j| - \lambda c_j, 0) = t`, found by sorting the
    breakpoints :math:`|w_j|/c_j` (O(n log n)).  Entries with :math:`c_j = 0` are
    unconstrained and returned unchanged.

    Parameters
    ----------
    w : array-like of shape (n,)
    radius : float
        :math:`t \ge 0`.
    weights : array-like of shape (n,)
        :math:`c_j \ge 0`.

    Examples
    --------
    >>> project_weighted_l1_ball([2.0, 2.0], 1.0, weights=[1.0, 0.0]).tolist()
    [1.0, 2.0]
    """
    owner = "project_weighted_l1_ball"
    w, dtype = _check_vector(w, owner)
    radius = _check_radius(radius, owner)
    weights = check_nonnegative_array(
        weights, "weights", owner, zero_meaning="0 leaves that entry unconstrained"
    )
    if weights.shape != w.shape:
        raise ValueError(
            f"{owner}: weights must have one entry per entry of w, got {weights.shape[0]} "
            f"weights for {w.shape[0]} entries."
        )
    if w.size == 0 or math.isinf(radius):
        return w.astype(dtype)
    return _homogeneous(_project_weighted_l1_ball_kernel, w, radius, weights).astype(dtype)


def project_elastic_net_ball(w, radius, l1_ratio):
    r"""Euclidean projection onto the Elastic-Net ball
    :math:`\{z : r \|z\|_1 + \tfrac{1-r}{2} \|z\|_2^2 \le t\}`, :math:`r` = ``l1_ratio``.

    .. math:: z_j = \frac{\operatorname{sign}(w_j) \max(|w_j| - \mu r, 0)}{1 + \mu (1 - r)}

    with :math:`\mu = 0` if :math:`w` is inside, else the root of the decreasing
    :math:`g(\mu) = r\|z(\mu)\|_1 + \tfrac{1-r}{2}\|z(\mu)\|_2^2 = t`; between consecutive
    breakpoints :math:`|w_j|/r` this is a quadratic in :math:`\mu`, solved in closed form
    (sort-based, O(n log n)).  ``l1_ratio=1`` is the L1 ball of radius ``t``, ``l1_ratio=0``
    the L2 ball of radius :math:`\sqrt{2t}`.

    Parameters
    ----------
    w : array-like of shape (n,)
    radius : float
        :math:`t \ge 0`.
    l1_ratio : float
        :math:`r \in [0, 1]`.

    Examples
    --------
    >>> project_elastic_net_ball([6.0, 8.0], 12.5, l1_ratio=0.0).tolist()
    [3.0, 4.0]
    """
    owner = "project_elastic_net_ball"
    w, dtype = _check_vector(w, owner)
    radius = _check_radius(radius, owner)
    l1_ratio = check_real_scalar(
        l1_ratio,
        "l1_ratio",
        owner,
        low=0.0,
        high=1.0,
        hint="l1_ratio=1 is the L1 ball, l1_ratio=0 the L2 ball of radius sqrt(2 * radius).",
    )
    if w.size == 0 or math.isinf(radius):
        return w.astype(dtype)
    a, b = l1_ratio, 1.0 - l1_ratio
    scale = _power_of_two_scale(w)
    if scale == 1.0:
        return _project_elastic_net_kernel(w, radius, a, b).astype(dtype)
    # z = s v with v in {(a/s)||v||_1 + (b/2)||v||^2 <= t / s^2}
    projected = _project_elastic_net_kernel(w / scale, radius / scale**2, a / scale, b)
    return (projected * scale).astype(dtype)


def project_lp_ball(w, radius, p, *, max_enumeration=12):
    r"""Euclidean projection onto the Lp ball :math:`\{z : \sum_j |z_j|^p \le t^p\}`, ``p > 0``.

    ``p = 1``, ``2``, ``inf`` call :func:`project_l1_ball`, :func:`project_l2_ball`,
    :func:`project_linf_ball`.

    **1 < p < inf** (convex): :math:`z = \operatorname{prox}_{\mu \|\cdot\|_p^p}(w)`, i.e.
    :math:`z_j + \mu p |z_j|^{p-1} \operatorname{sign}(z_j) = w_j`, with :math:`\mu \ge 0`
    the root of :math:`\sum_j |z_j(\mu)|^p = t^p` (decreasing in :math:`\mu`), found by
    safeguarded Newton/bisection; each :math:`z_j(\mu)` by monotone Newton.  Exact to rounding.

    **0 < p < 1** (non-convex ball, the projection may be a set; one element is returned).
    Every projection keeps the signs of ``w``, and its support is the ``k`` largest
    :math:`|w_j|` for some ``k`` (swapping a kept entry with a larger dropped one lowers the
    distance), so only ``n + 1`` supports are candidates.  On a support, a minimiser on the
    sphere satisfies :math:`z_j + \lambda z_j^{p-1} = |w_j|`, where each equation has a larger
    and a smaller root; the second-order condition allows at most one entry at its smaller
    root, and the swap argument puts it at the smallest kept :math:`|w_j|`.  So the candidates
    are, per ``k``: all larger roots (one multiplier, :math:`\sum z_j^p` is monotone there,
    bisection), and the smallest entry at its smaller root.

    - ``n <= max_enumeration`` (**exact** method): both configurations for every ``k``; the
      second one's multipliers are located by scanning 400 values of :math:`\lambda`
      (log-spaced over 24 decades) and bisecting every increasing crossing of
      :math:`\sum z_j^p = t^p`.  The closest candidate is returned.
    - ``n > max_enumeration`` (**local** method): only the all-larger-roots configuration for
      every ``k``; the result is a KKT point, feasible and never farther than any other
      candidate it examined, but not certified globally optimal.  A ``UserWarning`` says so.
      Cost O(n^2) root finds.

    Parameters
    ----------
    w : array-like of shape (n,)
    radius : float
        :math:`t \ge 0`.
    p : float
        ``p > 0``, ``inf`` allowed.
    max_enumeration : int, default=12
        Largest ``n`` for which the exact method runs when ``p < 1``.

    Examples
    --------
    >>> z = project_lp_ball([3.0, 4.0], 1.0, p=3)
    >>> round(float(norm(z, 3)), 12)
    1.0
    """
    owner = "project_lp_ball"
    w, dtype = _check_vector(w, owner)
    radius = _check_radius(radius, owner)
    p = _check_p(p, owner)
    if p == 1.0:
        return project_l1_ball(w, radius).astype(dtype)
    if p == 2.0:
        return project_l2_ball(w, radius).astype(dtype)
    if math.isinf(p):
        return project_linf_ball(w, radius).astype(dtype)
    if w.size == 0 or math.isinf(radius):
        return w.astype(dtype)
    if p > 1.0:
        if not np.any(w):
            return w.astype(dtype)
        scale = math.ldexp(1.0, math.frexp(np.max(np.abs(w)))[1])  # max|w / scale| in [0.5, 1)
        projected = _project_lp_ball_convex_kernel(w / scale, radius / scale, p)
        return (projected * scale).astype(dtype)
    # 0 < p < 1
    if norm(w, p) <= radius:
        return w.astype(dtype)
    exhaustive = w.size <= max_enumeration
    if not exhaustive:
        warnings.warn(
            f"project_lp_ball: p={p} < 1 and n={w.size} > max_enumeration={max_enumeration}: "
            "ran the local method (largest roots on each top-k support); the result is a KKT "
            "point of the non-convex problem, not certified globally closest. Raise "
            "max_enumeration for the exact search (its cost grows like n^2).",
            UserWarning,
            stacklevel=2,
        )
    order = np.argsort(-np.abs(w), kind="stable")
    scale = math.ldexp(1.0, math.frexp(np.max(np.abs(w)))[1])
    magnitudes = np.abs(w)[order] / scale
    sorted_z = _project_lp_ball_nonconvex_sorted(magnitudes, radius / scale, p, exhaustive, 400)
    z = np.empty_like(w)
    z[order] = sorted_z * scale
    return (np.copysign(z, w)).astype(dtype)


def project_ball(w, radius, p=1, weights=None, l1_ratio=None):
    r"""Euclidean projection :math:`\operatorname{argmin}_{z \in C} \|z - w\|_2` onto a ball.

    ================================  ===========================================
    arguments                         :math:`C`, function called
    ================================  ===========================================
    ``p`` (default 1)                 Lp ball, :func:`project_lp_ball`
    ``weights=c``                     :math:`\sum c_j|z_j| \le t`,
                                      :func:`project_weighted_l1_ball` (``p=1``)
    ``l1_ratio=r``                    Elastic-Net ball,
                                      :func:`project_elastic_net_ball` (``p=1``)
    ================================  ===========================================

    Parameters
    ----------
    w : array-like of shape (n,)
    radius : float
        :math:`t \ge 0`.
    p : float, default=1
        ``p > 0`` or ``inf``.
    weights : array-like of shape (n,), optional
        Nonnegative L1 weights; only with ``p=1``.
    l1_ratio : float in [0, 1], optional
        Elastic-Net mixing; only with ``p=1``.

    Examples
    --------
    >>> project_ball([6.0, 8.0], 5.0, p=2).tolist()
    [3.0, 4.0]
    """
    owner = "project_ball"
    p = _check_p(p, owner)
    if weights is not None and l1_ratio is not None:
        raise ValueError(
            f"{owner}: pass weights (weighted L1 ball) or l1_ratio (Elastic-Net ball), not both."
        )
    if (weights is not None or l1_ratio is not None) and p != 1.0:
        which = "weights" if weights is not None else "l1_ratio"
        raise ValueError(
            f"{owner}: {which} defines an L1-type ball and needs p=1, got p={p!r}. Leave p at "
            "its default."
        )
    if weights is not None:
        return project_weighted_l1_ball(w, radius, weights)
    if l1_ratio is not None:
        return project_elastic_net_ball(w, radius, l1_ratio)
    return project_lp_ball(w, radius, p)
