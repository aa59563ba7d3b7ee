r"""Proximal Newton with working sets for twice-differentiable datafits and separable penalties.

Each outer iteration builds the quadratic model of :math:`F` at :math:`(w, b)` and solves the
penalized weighted least-squares problem it gives, restricted to a working set, by coordinate
descent; a backtracking line search on the full objective then moves along the Newton
direction.  The solver stops when the relative duality gap ``problem.certificate_at`` is at
most ``tol``.
"""

from __future__ import annotations

import math
import time

import numpy as np
from numba import njit

from lpreg.datafits.base import unsigned_indices
from lpreg.penalties.base import CompiledCall, _fingerprint, _value_vector, prox_coordinate
from lpreg.solvers.base import Requirements, Solver, design_transpose_product, register_solver

__all__ = ["ProxNewton", "second_derivative_kernel"]


# --------------------------------------------------------------------------------------------
# second derivatives f''(y, z) of the per-sample losses (to move into the datafits later)
# --------------------------------------------------------------------------------------------


@njit(cache=True)
def quadratic_second_derivative_scalar(y, z, params):
    r""":math:`\partial_z^2 \tfrac12 (y - z)^2 = 1`."""
    return 1.0


@njit(cache=True)
def logistic_second_derivative_scalar(y, z, params):
    r""":math:`\partial_z^2 \log(1 + e^{-yz}) = \sigma(z)(1 - \sigma(z))` for :math:`y = \pm 1`.

    Computed as :math:`e^{-|z|} / (1 + e^{-|z|})^2`, which never overflows.
    """
    decay = math.exp(-abs(z))
    return decay / ((1.0 + decay) * (1.0 + decay))


@njit(cache=True)
def huber_second_derivative_scalar(y, z, params):
    r""":math:`\partial_z^2 h_\delta(y - z)`: 1 if :math:`|y - z| < \delta`, else 0."""
    if abs(y - z) < params[0]:
        return 1.0
    return 0.0


_SECOND_DERIVATIVES = {
    "Quadratic": quadratic_second_derivative_scalar,
    "Logistic": logistic_second_derivative_scalar,
    "Huber": huber_second_derivative_scalar,
}


def second_derivative_kernel(datafit):
    """The numba kernel ``f''(y, z, params)`` of ``datafit`` (None if it has none).

    A datafit providing ``scalar_kernels.second_derivative`` wins; otherwise the kernel is
    looked up by the datafit's class name in this module's table (Quadratic, Logistic, Huber).
    """
    kernels = getattr(datafit, "scalar_kernels", None)
    own = getattr(kernels, "second_derivative", None)
    if own is not None:
        return own
    return _SECOND_DERIVATIVES.get(type(datafit).__name__)


# --------------------------------------------------------------------------------------------
# numba kernels (those taking kernels as arguments are compiled once per process, uncached:
# see lpreg.penalties.base)
# --------------------------------------------------------------------------------------------


@njit(cache=True)
def _predictor_dense(X, w, intercept, out):
    out[:] = intercept
    for j in range(X.shape[1]):
        if w[j] != 0.0:
            for i in range(X.shape[0]):
                out[i] += w[j] * X[i, j]
    return out


@njit(cache=True)
def _predictor_sparse(data, indices, indptr, w, intercept, out):
    out[:] = intercept
    for j in range(w.shape[0]):
        if w[j] != 0.0:
            for k in range(indptr[j], indptr[j + 1]):
                out[indices[k]] += w[j] * data[k]
    return out


@njit
def _derivatives(derivative, second_derivative, y, z, c, params, r, h):
    """Fill ``r_i = c_i f'(y_i, z_i)`` and ``h_i = c_i f''(y_i, z_i)``; return ``sum_i r_i``."""
    total = 0.0
    for i in range(y.shape[0]):
        r[i] = c[i] * derivative(y[i], z[i], params)
        h[i] = c[i] * second_derivative(y[i], z[i], params)
        total += r[i]
    return total


@njit
def _violations(subdiff_interval, w, grad, params, weights, lower, upper, violations):
    """Fill the optimality violation of every coordinate; return the largest."""
    largest = 0.0
    for j in range(w.shape[0]):
        violations[j] = _coordinate_distance(
            subdiff_interval, w[j], grad[j], params, weights[j], lower[j], upper[j]
        )
        largest = max(largest, violations[j])
    return largest


@njit
def _line_search_terms(
    loss, derivative, value, y, z, Xd, c, datafit_params, w, d, ws, weights, params, step,
    penalty_old,
):  # fmt: skip
    r"""Return ``(change, slope)`` at ``t = step`` along ``(d, d_b)``.

    ``change`` is :math:`P(w + t d, b + t d_b) - P(w, b) = \sum_i c_i [f(y_i, z_i + t Xd_i) -
    f(y_i, z_i)] + G(w + t d) - G(w)`, summed per sample (only samples with
    :math:`Xd_i \ne 0` contribute); ``slope`` is :math:`\sum_i c_i f'(y_i, z_i + t Xd_i) Xd_i
    + (G(w + t d) - G(w)) / t`.  ``G`` is summed over ``ws``.
    """
    change = 0.0
    slope = 0.0
    for i in range(y.shape[0]):
        if c[i] != 0.0 and Xd[i] != 0.0:
            moved = z[i] + step * Xd[i]
            change += c[i] * (loss(y[i], moved, datafit_params) - loss(y[i], z[i], datafit_params))
            slope += c[i] * derivative(y[i], moved, datafit_params) * Xd[i]
    penalty_new = 0.0
    for k in range(ws.shape[0]):
        j = ws[k]
        if weights[j] != 0.0:
            penalty_new += weights[j] * value(w[j] + step * d[k], params)
    return change + penalty_new - penalty_old, slope + (penalty_new - penalty_old) / step


@njit
def _line_search_slope(
    derivative, value, y, z, Xd, c, datafit_params, w, d, ws, weights, params, step, penalty_old
):
    r"""Return the ``slope`` of :func:`_line_search_terms` alone: one derivative per sample
    instead of two losses and a derivative (the slope test accepts most steps)."""
    slope = 0.0
    for i in range(y.shape[0]):
        if c[i] != 0.0 and Xd[i] != 0.0:
            slope += c[i] * derivative(y[i], z[i] + step * Xd[i], datafit_params) * Xd[i]
    penalty_new = 0.0
    for k in range(ws.shape[0]):
        j = ws[k]
        if weights[j] != 0.0:
            penalty_new += weights[j] * value(w[j] + step * d[k], params)
    return slope + (penalty_new - penalty_old) / step


@njit
def _newton_direction_dense(
    prox,
    value,
    subdiff_interval,
    X,
    ws,
    w,
    grad,
    r_sum,
    h,
    params,
    weights,
    lower,
    upper,
    is_convex,
    fit_intercept,
    max_epochs,
    inner_tol,
    d,
    Xd,
):
    r"""Coordinate descent on the working-set model; returns ``(d_b, epochs)``.

    Minimises over ``d`` (supported on ``ws``) and ``d_b`` the model
    :math:`\nabla F^\top d + r_{sum} d_b + \tfrac12 \sum_i h_i (X d + d_b)_i^2 + G(w + d)`.
    ``d`` (length ``len(ws)``) and ``Xd`` (length n, holds :math:`X d + d_b`) are in-out.
    """
    n_ws = ws.shape[0]
    hessian_diag = np.zeros(n_ws)
    for k in range(n_ws):
        j = ws[k]
        total = 0.0
        for i in range(X.shape[0]):
            total += h[i] * X[i, j] * X[i, j]
        hessian_diag[k] = total
    h_sum = 0.0
    for i in range(X.shape[0]):
        h_sum += h[i]
    d_b = 0.0
    epochs = 0
    # full passes alternate with passes over the active coordinates (non-zero, or moved at the
    # last full pass), as liblinear's shrinking; only a full pass may stop
    active = np.ones(n_ws, dtype=np.bool_)
    full = True
    for epoch in range(max_epochs):
        epochs = epoch + 1
        violation = 0.0
        for k in range(n_ws):
            j = ws[k]
            if hessian_diag[k] <= 0.0 or not (full or active[k]):
                continue
            slope = grad[j]
            for i in range(X.shape[0]):
                slope += X[i, j] * h[i] * Xd[i]
            current = w[j] + d[k]
            distance = _coordinate_distance(
                subdiff_interval, current, slope, params, weights[j], lower[j], upper[j]
            )
            violation = max(violation, distance)
            step = 1.0 / hessian_diag[k]
            new = prox_coordinate(
                prox,
                value,
                current - slope * step,
                step,
                params,
                weights[j],
                lower[j],
                upper[j],
                is_convex,
            )
            change = new - current
            if full:
                active[k] = new != 0.0 or change != 0.0
            if change != 0.0:
                d[k] += change
                for i in range(X.shape[0]):
                    Xd[i] += change * X[i, j]
        if fit_intercept and h_sum > 0.0:
            slope = r_sum
            for i in range(X.shape[0]):
                slope += h[i] * Xd[i]
            violation = max(violation, abs(slope))
            change = -slope / h_sum
            d_b += change
            for i in range(X.shape[0]):
                Xd[i] += change
        if violation <= inner_tol:
            if full:
                break
            full = True
        else:
            full = False
    return d_b, epochs


@njit
def _newton_direction_sparse(
    prox,
    value,
    subdiff_interval,
    data,
    indices,
    indptr,
    ws,
    w,
    grad,
    r_sum,
    h,
    params,
    weights,
    lower,
    upper,
    is_convex,
    fit_intercept,
    max_epochs,
    inner_tol,
    d,
    Xd,
):
    """CSC twin of :func:`_newton_direction_dense` (same model, same updates)."""
    n_ws = ws.shape[0]
    n_samples = Xd.shape[0]
    hessian_diag = np.zeros(n_ws)
    for k in range(n_ws):
        j = ws[k]
        total = 0.0
        for idx in range(indptr[j], indptr[j + 1]):
            total += h[indices[idx]] * data[idx] * data[idx]
        hessian_diag[k] = total
    h_sum = 0.0
    for i in range(n_samples):
        h_sum += h[i]
    d_b = 0.0
    epochs = 0
    # full passes alternate with passes over the active coordinates (non-zero, or moved at the
    # last full pass), as liblinear's shrinking; only a full pass may stop
    active = np.ones(n_ws, dtype=np.bool_)
    full = True
    for epoch in range(max_epochs):
        epochs = epoch + 1
        violation = 0.0
        for k in range(n_ws):
            j = ws[k]
            if hessian_diag[k] <= 0.0 or not (full or active[k]):
                continue
            slope = grad[j]
            for idx in range(indptr[j], indptr[j + 1]):
                i = indices[idx]
                slope += data[idx] * h[i] * Xd[i]
            current = w[j] + d[k]
            distance = _coordinate_distance(
                subdiff_interval, current, slope, params, weights[j], lower[j], upper[j]
            )
            violation = max(violation, distance)
            step = 1.0 / hessian_diag[k]
            new = prox_coordinate(
                prox,
                value,
                current - slope * step,
                step,
                params,
                weights[j],
                lower[j],
                upper[j],
                is_convex,
            )
            change = new - current
            if full:
                active[k] = new != 0.0 or change != 0.0
            if change != 0.0:
                d[k] += change
                for idx in range(indptr[j], indptr[j + 1]):
                    Xd[indices[idx]] += change * data[idx]
        if fit_intercept and h_sum > 0.0:
            slope = r_sum
            for i in range(n_samples):
                slope += h[i] * Xd[i]
            violation = max(violation, abs(slope))
            change = -slope / h_sum
            d_b += change
            for i in range(n_samples):
                Xd[i] += change
        if violation <= inner_tol:
            if full:
                break
            full = True
        else:
            full = False
    return d_b, epochs


@njit
def _coordinate_distance(subdiff_interval, x, slope, params, weight, lower, upper):
    # same as lpreg.penalties.base.subdiff_distance_coordinate, inlined for the inner loop
    if weight > 0.0:
        low, high = subdiff_interval(x, params)
        low = low * weight
        high = high * weight
    else:
        low = 0.0
        high = 0.0
    if x <= lower:
        low = -np.inf
    if x >= upper:
        high = np.inf
    if -slope < low:
        return low + slope
    if -slope > high:
        return -slope - high
    return 0.0


class _Bound:
    """A :class:`~lpreg.penalties.base.CompiledCall` bound, at its first call, to the compiled
    entry point that call's arguments select; the later calls of one solve (same argument
    types) skip the per-call fingerprint of its ~20 arguments.  The entry points themselves
    are cached across solves by the shared ``CompiledCall``.
    """

    __slots__ = ("compiled", "entry")

    def __init__(self, compiled):
        self.compiled = compiled
        self.entry = None

    def __call__(self, *args):
        if self.entry is None:
            key = _fingerprint(args)
            self.entry = self.compiled.entries.get(key) if key is not None else None
            if self.entry is None:
                result = self.compiled(*args)
                # the entry point now cached for these types (the dispatcher if none is)
                self.entry = self.compiled.entries.get(key, self.compiled.dispatcher)
                return result
        return self.entry(*args)


# the loops taking kernels, typed once per argument fingerprint (see CompiledCall)
_derivatives_compiled = CompiledCall(_derivatives)
_violations_compiled = CompiledCall(_violations)
_line_search_compiled = CompiledCall(_line_search_terms)
_line_search_slope_compiled = CompiledCall(_line_search_slope)
_value_vector_compiled = CompiledCall(_value_vector)
_newton_direction_dense_compiled = CompiledCall(_newton_direction_dense)
_newton_direction_sparse_compiled = CompiledCall(_newton_direction_sparse)


# --------------------------------------------------------------------------------------------
# the solver
# --------------------------------------------------------------------------------------------


@register_solver
class ProxNewton(Solver):
    r"""Proximal Newton with working sets (celer / skglm style) and an inner coordinate descent.

    Solves :math:`\min_{w, b} \sum_i c_i f(y_i, x_i^\top w + b) + \sum_j \omega_j g(w_j)`
    (``b`` only if ``fit_intercept``; ``l_j \le w_j \le u_j`` for bounded penalties) for a
    twice-differentiable loss ``f`` (Logistic, Quadratic, Huber) and a convex separable
    penalty (L1, ElasticNet, WeightedL1, Bounded L1 ...).

    Notes
    -----
    At outer iteration ``k``, with :math:`z = Xw + b`, :math:`r_i = c_i f'(y_i, z_i)` and
    :math:`h_i = c_i f''(y_i, z_i)`:

    1. the optimality violation :math:`v_j = \operatorname{dist}(-X_j^\top r,
       \omega_j \partial g(w_j))` ranks the features; the working set ``W`` holds the
       non-zero coefficients and the largest violations, ``|W| = min(p, max(p0, 2 nnz(w)))``
       (``p0 = 100``; twice the last size after a failed step);
    2. coordinate descent on ``W`` (and ``d_b``) minimises the model
       :math:`r^\top (X d + d_b) + \tfrac12 \sum_i h_i (X d + d_b)_i^2 + G(w + d)`, each
       coordinate by the prox of :math:`\omega_j g` with step :math:`1 / \sum_i h_i x_{ij}^2`,
       until its own violation, measured on a full pass over ``W``, is at most
       :math:`\epsilon = \max(V \min(0.3, \sqrt{V / s_{kkt}}),\ 0.1\, \mathrm{tol}\, s_{gap}
       / \|w\|_1)` with :math:`V = \max(\max_j v_j, |\sum_i r_i|)` (a forcing sequence for a
       superlinear rate, floored where a violation :math:`v` moves the duality gap by about
       :math:`v \|w\|_1`, a tenth below ``tol``; :math:`s_{gap}, s_{kkt}` are the scales of the
       relative certificates).  Between full passes, passes visit only the coordinates that
       were non-zero or moved at the last full pass (liblinear's shrinking), at most
       ``max_inner_epochs`` passes in all;
    3. the step ``t`` is the first of :math:`1, \tfrac12, \tfrac14, \dots` (at most 30)
       satisfying Tseng and Yun's Armijo rule
       :math:`P(w + t d, b + t d_b) - P(w, b) \le 10^{-4} t \Delta` with
       :math:`\Delta = r^\top(X d + d_b) + G(w + d) - G(w) < 0`, the change of :math:`F`
       summed per sample, :math:`\sum_i c_i [f(y_i, z_i + t (Xd + d_b)_i) - f(y_i, z_i)]`;
       or, what implies it by convexity of ``F`` along the line and is free of cancellation,
       :math:`\sum_i r_i(t)\,(X d + d_b)_i + (G(w + t d) - G(w)) / t \le 10^{-4} \Delta`
       (:math:`r(t)` is ``r`` at :math:`z + t (X d + d_b)`).  Near the optimum the unit step
       passes the first test, which keeps the local rate superlinear.  The second test, one
       derivative per sample, is tried first; the change (two losses per sample) is computed
       only when it fails (on we8there, L1 at alpha_max/10 and /100, 11 of 13 steps pass
       it).  When :math:`|\Delta|` is
       below :math:`10^{-14}` times the objective at ``w = 0`` (a last Newton step that the
       objective cannot resolve), the unit step is taken; a step that fails, or a zero
       direction, doubles the working set at the next iteration.

    It stops when ``problem.certificate_at(w, b)`` (the duality gap relative to the objective
    at ``w = 0``, with the intercept's and unpenalized coordinates' KKT violation) is at most
    ``tol``; the gap is computed from scratch at the coefficients returned (as
    :func:`~lpreg.solvers.base.finalize` computes it, which then reuses it), and skipped while
    :math:`V \|w\|_1 > 10\, \mathrm{tol}\, s_{gap}` (far from ``tol`` by the estimate above;
    never with ``history=True``).  A cold start (``w0 = 0``, ``intercept0 = 0``) begins at the
    intercept optimal for ``w = 0``.  Options (``solve(..., p0=100, max_inner_epochs=100)``)
    tune steps 1 and 2.

    References
    ----------
    Bertrand, Klopfenstein, Massias, Blondel, Vaiter, Gramfort, Salmon, "Beyond L1: faster and
    better sparse models with skglm", NeurIPS 2022.
    Massias, Vaiter, Gramfort, Salmon, "Dual extrapolation for sparse GLMs", JMLR 2020.
    Tseng and Yun, "A coordinate gradient descent method for nonsmooth separable
    minimization", Math. Program. 2009.
    """

    name = "prox_newton"
    requires = Requirements(
        datafit=("scalar_kernels",), penalty=("scalar_kernels",), convex=True, separable=True
    )
    alternatives = (
        'Use solver="coordinate_descent", which needs only the datafit\'s gradient, or '
        'solver="proximal_gradient", which needs only penalty.prox.'
    )
    default_max_iter = 100

    def check(self, datafit, penalty):
        super().check(datafit, penalty)
        if second_derivative_kernel(datafit) is None:
            raise ValueError(
                f"ProxNewton cannot solve {type(datafit).__name__} + {type(penalty).__name__}: "
                "it needs the second derivative of the datafit (scalar_kernels."
                f"second_derivative), known for {sorted(_SECOND_DERIVATIVES)}. "
                f"{self.alternatives}"
            )

    def _solve(self, problem, w0, intercept0, history):
        options = problem.extra
        p0 = int(options.get("p0", 100))
        max_inner_epochs = int(options.get("max_inner_epochs", 100))
        max_backtracks = 30
        rounding = 1e-14 * problem.scale_gap
        X, y, c = problem.X, problem.y, problem.sample_weight
        datafit, penalty = problem.datafit, problem.penalty
        n_samples, n_features = problem.n_samples, problem.n_features
        kernels = penalty.scalar_kernels
        prox, value, subdiff = kernels.prox, kernels.value, kernels.subdiff_interval
        loss = datafit.scalar_kernels.loss
        derivative = datafit.scalar_kernels.derivative
        second = second_derivative_kernel(datafit)
        datafit_params = datafit.params
        params = penalty.params
        weights = np.asarray(penalty.coordinate_weights(n_features), dtype=np.float64)
        lower, upper = penalty.coordinate_bounds(n_features)
        lower = np.asarray(lower, dtype=np.float64)
        upper = np.asarray(upper, dtype=np.float64)
        is_convex = bool(penalty.is_convex)
        fit_intercept = problem.fit_intercept
        # the loops taking kernels, bound once per solve (argument types do not change)
        _derivatives_call = _Bound(_derivatives_compiled)
        _violations_call = _Bound(_violations_compiled)
        _line_search_call = _Bound(_line_search_compiled)
        _line_search_slope_call = _Bound(_line_search_slope_compiled)
        _value_vector_call = _Bound(_value_vector_compiled)
        _newton_direction_dense_call = _Bound(_newton_direction_dense_compiled)
        _newton_direction_sparse_call = _Bound(_newton_direction_sparse_compiled)
        if problem.is_sparse:
            data, indices, indptr = X.data, unsigned_indices(X), X.indptr

            def predictor(w, b, out):
                return _predictor_sparse(data, indices, indptr, w, b, out)

            def direction(ws, w, grad, r_sum, h, inner_tol, d, Xd):
                return _newton_direction_sparse_call(
                    prox, value, subdiff, data, indices, indptr, ws, w, grad, r_sum, h,
                    params, weights, lower, upper, is_convex, fit_intercept,
                    max_inner_epochs, inner_tol, d, Xd,
                )  # fmt: skip
        else:

            def predictor(w, b, out):
                return _predictor_dense(X, w, b, out)

            def direction(ws, w, grad, r_sum, h, inner_tol, d, Xd):
                return _newton_direction_dense_call(
                    prox, value, subdiff, X, ws, w, grad, r_sum, h, params, weights, lower,
                    upper, is_convex, fit_intercept, max_inner_epochs, inner_tol, d, Xd,
                )  # fmt: skip

        w = np.array(w0, dtype=np.float64)
        w = np.clip(w, lower, upper)
        b = float(intercept0) if fit_intercept else 0.0
        if fit_intercept and b == 0.0 and not np.any(w):
            # cold start: the intercept optimal for w = 0 (alpha >= alpha_max stops at once)
            b = datafit.intercept_at_zero(y, problem.raw_sample_weight)
        z = predictor(w, b, np.empty(n_samples))
        r = np.empty(n_samples)
        h = np.empty(n_samples)
        violations = np.empty(n_features)
        trace = {"objective": [], "certificate": [], "time": []} if history else None
        start = time.perf_counter()
        ws_size = 0
        grow_to = 0  # set when a Newton step on the working set made no progress
        n_iter = 0
        for iteration in range(problem.max_iter):
            n_iter = iteration
            r_sum = _derivatives_call(derivative, second, y, z, c, datafit_params, r, h)
            r_sum = r_sum if fit_intercept else 0.0
            grad = design_transpose_product(X, r)  # X^T r (BLAS on float64 dense X)
            max_violation = _violations_call(
                subdiff, w, grad, params, weights, lower, upper, violations
            )
            max_violation = max(max_violation, abs(r_sum))
            # A violation v moves the gap by about v ||w||_1 (the dual point is rescaled by
            # about 1 - v / alpha): while that estimate is 10 tol away, the gap is not formed.
            # Otherwise it is computed as finalize computes it, from scratch at the
            # coefficients returned (rounded to the problem's dtype): a stop is decided on the
            # reported certificate, and finalize reuses it (Problem.evaluate_with_gradient).
            l1_norm = float(np.abs(w).sum())
            hopeless = max_violation * l1_norm > 10.0 * problem.tol * problem.scale_gap
            if problem.certificate == "duality_gap" and hopeless and trace is None:
                certificate = math.inf
            elif problem.certificate == "duality_gap":
                certificate = problem.certificate_at(_rounded(w, problem.dtype), b)
            else:
                certificate = max_violation / problem.scale_kkt
                if certificate <= problem.tol:
                    certificate = problem.certificate_at(_rounded(w, problem.dtype), b)
            if trace is not None:
                trace["objective"].append(problem.objective(w, b))
                trace["certificate"].append(certificate)
                trace["time"].append(time.perf_counter() - start)
            if certificate <= problem.tol:
                break
            n_iter = iteration + 1
            # working set: the non-zero coefficients and the largest violations
            n_nonzero = int(np.count_nonzero(w))
            ws_size = min(n_features, max(p0, 2 * n_nonzero, grow_to))
            grow_to = 0
            scores = np.where(w != 0.0, np.inf, violations)
            if ws_size < n_features:
                ws = np.argpartition(scores, n_features - ws_size)[n_features - ws_size :]
                ws = np.sort(ws)
            else:
                ws = np.arange(n_features)
            ws = ws.astype(np.int64)
            d = np.zeros(ws.shape[0])
            Xd = np.zeros(n_samples)
            # forcing sequence: the inner tolerance shrinks with the violation (superlinear rate)
            relative = max_violation / problem.scale_kkt
            inner_tol = max_violation * min(0.3, math.sqrt(relative))
            # ... but no finer than tol asks for (by the estimate above, a tenth below tol)
            if l1_norm > 0.0:
                inner_tol = max(inner_tol, 0.1 * problem.tol * problem.scale_gap / l1_norm)
            d_b, _ = direction(ws, w, grad, r_sum, h, inner_tol, d, Xd)
            # backtracking line search (Tseng-Yun's Armijo rule)
            w_ws = w[ws]
            weights_ws = weights[ws]
            penalty_old = _value_vector_call(value, w_ws, params, weights_ws)
            penalty_new = _value_vector_call(value, w_ws + d, params, weights_ws)
            decrease = float(r @ Xd) + penalty_new - penalty_old

            step = 1.0
            if decrease > -rounding:
                # the objective cannot resolve this step (a last Newton step at the optimum):
                # take it whole, the certificate decides
                if not (np.any(d != 0.0) or d_b != 0.0):
                    grow_to = 2 * ws_size  # the model is already solved on ws: grow it
                    continue
            else:
                accepted = False
                for _ in range(max_backtracks):
                    # the slope test first (one derivative per sample), the change only if
                    # it fails: the same decision as testing both
                    slope = _line_search_slope_call(
                        derivative, value, y, z, Xd, c, datafit_params, w, d, ws, weights,
                        params, step, penalty_old,
                    )  # fmt: skip
                    if slope <= 1e-4 * decrease:
                        accepted = True
                        break
                    change, _ = _line_search_call(
                        loss, derivative, value, y, z, Xd, c, datafit_params, w, d, ws,
                        weights, params, step, penalty_old,
                    )  # fmt: skip
                    if change <= 1e-4 * step * decrease:
                        accepted = True
                        break
                    step *= 0.5
                if not accepted:
                    grow_to = 2 * ws_size
                    continue
            w[ws] = np.clip(w_ws + step * d, lower[ws], upper[ws])
            b += step * d_b
            z += step * Xd
            if iteration % 10 == 9:  # refresh z against drift
                predictor(w, b, z)
        return w.astype(problem.dtype), b, n_iter, trace


def _rounded(w, dtype):
    """``w`` as the solver returns it (rounded to ``dtype``), in float64."""
    return w.astype(dtype).astype(np.float64)
