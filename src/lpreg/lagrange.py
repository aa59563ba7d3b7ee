r"""The radius <-> alpha mapping between the constrained and the penalised forms.

For a convex datafit :math:`F` and ``p >= 1`` the two problems

.. math::
    \text{(C)}\;\; \min_{w, b} F(w, b) \;\text{s.t.}\; \|w\|_p \le t
    \qquad\text{and}\qquad
    \text{(P)}\;\; \min_{w, b} F(w, b) + G_\alpha(w)

have the same solutions when :math:`t = t(\alpha) = \|w(\alpha)\|_p`, where ``alpha`` is the
strength of lpreg's own penalty for that ``p``:

=========  =====================================  =============================================
``p``      :math:`G_\alpha(w)`                    :math:`\alpha` from the multiplier
=========  =====================================  =============================================
1          ``L1(alpha)``: :math:`\alpha\|w\|_1`    :math:`\alpha = \lambda`
2          ``L2(alpha)``: :math:`\frac{\alpha}{2}  :math:`\alpha = \lambda / t`
           \|w\|_2^2`
other      ``Lp(alpha, p)``: :math:`\alpha \sum_j  :math:`\alpha = \lambda / (p\, t^{p-1})`
           |w_j|^p`
inf        ``Linf(alpha)``: :math:`\alpha \max_j   :math:`\alpha = \lambda`
           |w_j|`
=========  =====================================  =============================================

with :math:`\lambda = \|\nabla_w F\|_q` the multiplier of the constraint in (C), i.e. the
strength of the *norm* penalty :math:`\lambda \|w\|_p` (``NormBallRegression.lambda_``); the
conversions equate the stationarity conditions of (P) and of
:math:`F + \lambda\|w\|_p` at :math:`\|w\|_p = t` (:func:`multiplier_to_alpha`).
:math:`t(\alpha)` is nonincreasing for every convex :math:`G` (:math:`G(w(\alpha))` is, and
:math:`G` is an increasing function of :math:`\|w\|_p`), so the map is well defined.

**Non-uniqueness for p < 1.**  The Lp ball is not convex: (P) may have several global
minimisers with different norms, :math:`t(\alpha)` can jump (values of ``t`` inside a jump are
reached by no ``alpha``), and a solution of (C) need not solve (P) for any ``alpha``.
:func:`alpha_to_radius` still returns the norm of the solution the solver finds (one of
possibly several); :func:`radius_to_alpha` refuses ``p < 1``.  For ``p = 1`` and
``p = inf`` the penalty *is* the norm, so ``alpha`` is the multiplier itself
(``NormBallRegression(p=inf).lambda_``).

**Exactness.**  With the quadratic datafit and ``p = 1`` the penalised solution is polished on
its support (the signed normal equations, exact to rounding, kept only if the signs and the
objective agree); with ``p = inf`` likewise on its structure (the tied coordinates
:math:`|w_j| = m` with their signs, and the free ones: the normal equations of
:math:`F + \alpha m` in :math:`(m, w_\mathrm{free})`, kept only if
:math:`m > \max |w_\mathrm{free}|` and the objective agrees); with ``p = 2`` the ridge
solver is closed form.  Otherwise :math:`t(\alpha)` is as accurate as the solve at ``tol``.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.linalg
import scipy.sparse as sp

from lpreg._validation import check_real_scalar

__all__ = ["alpha_to_radius", "multiplier_to_alpha", "radius_to_alpha"]


def _penalty_for(p, alpha):
    from lpreg.penalties import L1, L2, Linf, Lp

    if p == 1.0:
        return L1(alpha)
    if math.isinf(p):
        return Linf(alpha)
    if p == 2.0:
        return L2(alpha)
    return Lp(alpha, p=p)


def _check_p(p, owner, allow_nonconvex):
    p = check_real_scalar(
        p,
        "p",
        owner,
        low=0.0 if allow_nonconvex else 1.0,
        low_inclusive=not allow_nonconvex,
        high=np.inf,
        high_inclusive=True,
        hint="alpha is the strength of L1 (p=1), L2 (p=2), Linf (p=inf) or Lp(p)"
        + ("" if allow_nonconvex else "; for p < 1 the map is not unique (see lpreg.lagrange)")
        + ".",
    )
    return p


def multiplier_to_alpha(multiplier, radius, p):
    r"""Convert the multiplier :math:`\lambda` of :math:`\|w\|_p \le t` to lpreg's ``alpha``.

    :math:`\lambda` for ``p = 1`` and ``p = inf``, :math:`\lambda / t` for ``p = 2``,
    :math:`\lambda / (p t^{p-1})` otherwise (see the module table).

    Examples
    --------
    >>> multiplier_to_alpha(0.3, 2.0, 1), multiplier_to_alpha(0.3, 2.0, 2)
    (0.3, 0.15)
    """
    if p == 1.0 or math.isinf(p):
        return float(multiplier)
    if radius == 0.0:
        return math.inf if multiplier > 0 else 0.0
    if p == 2.0:
        return float(multiplier) / radius
    return float(multiplier) / (p * radius ** (p - 1.0))


def _polish_lasso(X, y, w, alpha, c, fit_intercept):
    """Exact Lasso solution on the support and signs of ``w`` (quadratic datafit), or ``w``."""
    support = np.flatnonzero(w)
    if support.size == 0 or support.size > X.shape[0]:
        return w
    signs = np.sign(w[support])
    columns = X[:, support]
    columns = columns.toarray() if sp.issparse(columns) else np.asarray(columns, dtype=np.float64)
    target = np.asarray(y, dtype=np.float64)
    if fit_intercept:
        columns = columns - c @ columns
        target = target - c @ target
    gram = columns.T @ (c[:, None] * columns)
    try:
        polished = scipy.linalg.solve(
            gram, columns.T @ (c * target) - alpha * signs, assume_a="pos"
        )
    except (np.linalg.LinAlgError, ValueError):
        return w
    if not np.all(np.sign(polished) == signs):
        return w

    def objective(coefs):
        residual = target - columns @ coefs
        return 0.5 * float(c @ residual**2) + alpha * float(np.abs(coefs).sum())

    before, after = objective(w[support]), objective(polished)
    if after > before + 1e-12 * abs(before):
        return w
    out = np.zeros_like(w, dtype=np.float64)
    out[support] = polished
    return out


def _polish_linf(X, y, w, alpha, c, fit_intercept):
    r"""Exact ``Quadratic + Linf`` solution on the structure of ``w`` (ties, signs), or ``w``.

    With :math:`J` the coordinates tied at :math:`m = \max_j |w_j|` (relative ``1e-9``) and
    signs :math:`s_J`, ``w`` is :math:`w_J = m s_J` and :math:`w_\mathrm{free}` elsewhere; the
    objective :math:`\tfrac12 \sum_i c_i r_i^2 + \alpha m` is then a quadratic in
    :math:`(m, w_\mathrm{free})` whose normal equations are solved exactly.
    """
    largest = float(np.max(np.abs(w)))
    if largest == 0.0:
        return w
    tied = np.abs(w) >= largest * (1.0 - 1e-9)
    free = np.flatnonzero(~tied)
    if free.size + 1 > X.shape[0]:
        return w
    dense = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    columns = np.column_stack([dense[:, tied] @ np.sign(w[tied]), dense[:, free]])
    target = np.asarray(y, dtype=np.float64)
    if fit_intercept:
        columns = columns - c @ columns
        target = target - c @ target
    gram = columns.T @ (c[:, None] * columns)
    rhs = columns.T @ (c * target)
    rhs[0] -= alpha
    try:
        theta = scipy.linalg.solve(gram, rhs, assume_a="pos")
    except (np.linalg.LinAlgError, ValueError):
        return w
    if not (theta[0] > 0 and np.all(np.abs(theta[1:]) < theta[0])):
        return w

    def objective(coefs):
        residual = target - columns @ coefs
        return 0.5 * float(c @ residual**2) + alpha * float(np.max(np.abs(coefs)))

    current = np.concatenate([[largest], w[free]])
    before, after = objective(current), objective(theta)
    if after > before + 1e-12 * abs(before):
        return w
    out = np.empty_like(w, dtype=np.float64)
    out[tied] = theta[0] * np.sign(w[tied])
    out[free] = theta[1:]
    return out


def _penalized_coef(X, y, alpha, p, datafit, fit_intercept, sample_weight, tol, max_iter):
    from lpreg.datafits import Quadratic
    from lpreg.datafits.base import normalized_sample_weight
    from lpreg.solvers import solve

    result = solve(
        X,
        y,
        datafit,
        _penalty_for(p, alpha),
        fit_intercept=fit_intercept,
        sample_weight=sample_weight,
        tol=tol,
        max_iter=max_iter,
    )
    coef = np.asarray(result.coef, dtype=np.float64)
    if p == 1.0 and isinstance(datafit, Quadratic) and alpha > 0:
        c = normalized_sample_weight(sample_weight, X.shape[0], "alpha_to_radius")
        coef = _polish_lasso(X, y, coef, alpha, c, fit_intercept)
    if math.isinf(p) and isinstance(datafit, Quadratic) and alpha > 0:
        c = normalized_sample_weight(sample_weight, X.shape[0], "alpha_to_radius")
        coef = _polish_linf(X, y, coef, alpha, c, fit_intercept)
    return coef


def alpha_to_radius(
    X,
    y,
    alpha,
    p=1,
    datafit=None,
    *,
    fit_intercept=True,
    sample_weight=None,
    tol=1e-10,
    max_iter=None,
):
    r"""Return :math:`t(\alpha) = \|w(\alpha)\|_p`, the radius whose constrained solution is the
    penalised one at ``alpha`` (``L1``/``L2``/``Lp``/``Linf`` strength, see the module table).

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    alpha : float
        Penalty strength, ``>= 0``.
    p : float, default=1
        ``p > 0`` or ``inf``; for ``p < 1`` the solution (and so its norm) need not be unique.
    datafit : Datafit, default=None
        ``None`` means ``Quadratic()``.
    fit_intercept : bool, default=True
    sample_weight : array-like of shape (n_samples,), optional
    tol : float, default=1e-10
        Certificate target of the penalised solve.
    max_iter : int, optional

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
    >>> y = np.array([0.0, 1.0, 2.0, 3.0])
    >>> round(alpha_to_radius(X, y, 0.625, p=1), 10)
    0.5
    """
    from lpreg.datafits import Quadratic

    owner = "alpha_to_radius"
    p = _check_p(p, owner, allow_nonconvex=True)
    alpha = check_real_scalar(alpha, "alpha", owner, low=0.0, high=np.inf, high_inclusive=False)
    datafit = Quadratic() if datafit is None else datafit
    coef = _penalized_coef(X, y, alpha, p, datafit, fit_intercept, sample_weight, tol, max_iter)
    from lpreg.balls import norm

    return norm(coef, p)


def radius_to_alpha(
    X,
    y,
    radius,
    p=1,
    datafit=None,
    *,
    fit_intercept=True,
    sample_weight=None,
    tol=1e-10,
    rtol=1e-12,
    max_iter=None,
    max_evaluations=60,
):
    r"""Return ``alpha`` with :math:`\|w(\alpha)\|_p = t` (``L1``/``L2``/``Lp``/``Linf`` strength).

    1. Solve the constrained problem at ``t`` (:class:`~lpreg.solvers.projected.
       ProjectedGradient`, Frank-Wolfe gap ``<= tol``) and convert its multiplier
       (:func:`multiplier_to_alpha`); an inactive constraint returns ``0.0`` (the
       unpenalised fit already has :math:`\|w\|_p \le t`).
    2. Refine by a safeguarded secant (Illinois) iteration on
       :math:`t(\alpha) - t`, bracketed around the first guess, with
       :math:`t(\alpha)` = :func:`alpha_to_radius` (the final solve), until
       :math:`|t(\alpha) - t| \le` ``rtol`` :math:`\cdot t`.  For the quadratic datafit and
       ``p = 1`` the path is piecewise linear in ``alpha`` and the secant step is exact on a
       piece.

    So ``alpha_to_radius(radius_to_alpha(t)) == t`` up to ``rtol`` (when the polished solve
    is deterministic, module docstring).

    Parameters
    ----------
    radius : float
        :math:`t > 0`, finite.
    p : float, default=1
        ``p >= 1`` or ``inf`` (``p < 1``: not unique, refused; see the module docstring).
    datafit, fit_intercept, sample_weight, tol, max_iter
        As :func:`alpha_to_radius`.
    rtol : float, default=1e-12
        Relative target on :math:`|t(\alpha) - t|`.
    max_evaluations : int, default=60
        Penalised solves allowed in the refinement.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
    >>> y = np.array([0.0, 1.0, 2.0, 3.0])
    >>> round(radius_to_alpha(X, y, 0.5, p=1), 10)
    0.625
    """
    from lpreg.datafits import Quadratic
    from lpreg.solvers.projected import solve_constrained

    owner = "radius_to_alpha"
    p = _check_p(p, owner, allow_nonconvex=False)
    radius = check_real_scalar(
        radius,
        "radius",
        owner,
        low=0.0,
        low_inclusive=False,
        high=np.inf,
        high_inclusive=False,
        hint="radius = 0 corresponds to alpha = inf (w = 0).",
    )
    datafit = Quadratic() if datafit is None else datafit
    constrained = solve_constrained(
        X,
        y,
        datafit,
        radius,
        p,
        fit_intercept=fit_intercept,
        sample_weight=sample_weight,
        tol=tol,
    )
    if constrained.lagrange_multiplier == 0.0:
        return 0.0

    def excess(alpha):
        """t(alpha) - t, relative."""
        coef = _penalized_coef(
            X, y, alpha, p, datafit, fit_intercept, sample_weight, tol, max_iter
        )
        from lpreg.balls import norm

        return norm(coef, p) / radius - 1.0

    alpha = multiplier_to_alpha(constrained.lagrange_multiplier, radius, p)
    value = excess(alpha)
    evaluations = 1
    if abs(value) <= rtol:
        return alpha
    # bracket: t(alpha) is nonincreasing, so excess > 0 means alpha is too small
    factor = 1.0 + max(4.0 * abs(value), 1e-6)
    low, high = (alpha, None) if value > 0 else (None, alpha)
    value_low, value_high = (value, None) if value > 0 else (None, value)
    trial = alpha
    while (low is None or high is None) and evaluations < max_evaluations:
        trial = trial * factor if high is None else trial / factor
        factor = factor**2
        trial_value = excess(trial)
        evaluations += 1
        if abs(trial_value) <= rtol:
            return trial
        if trial_value > 0:
            low, value_low = trial, trial_value
        else:
            high, value_high = trial, trial_value
    if low is None or high is None:
        raise RuntimeError(
            f"{owner}: could not bracket t={radius!r} within {max_evaluations} solves; the "
            "penalised solves may not be converging (raise max_iter)."
        )
    best, best_value = (low, value_low) if abs(value_low) < abs(value_high) else (high, value_high)
    side = 0
    while evaluations < max_evaluations:
        # Illinois regula falsi on excess(alpha), which is decreasing
        trial = (low * value_high - high * value_low) / (value_high - value_low)
        if not low < trial < high:
            trial = 0.5 * (low + high)
        trial_value = excess(trial)
        evaluations += 1
        if abs(trial_value) < abs(best_value):
            best, best_value = trial, trial_value
        if abs(trial_value) <= rtol or high - low <= 1e-15 * high:
            break
        if trial_value > 0:
            low, value_low = trial, trial_value
            if side == -1:
                value_high *= 0.5
            side = -1
        else:
            high, value_high = trial, trial_value
            if side == 1:
                value_low *= 0.5
            side = 1
    return best
