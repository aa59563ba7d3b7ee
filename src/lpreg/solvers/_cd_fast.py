r"""One numba call per working set: the inner solve of :class:`~lpreg.solvers.CoordinateDescent`.

:func:`direct_subproblem` (``X`` itself, dense Fortran or CSC, ``Xw`` maintained) and
:func:`gram_subproblem` (the quadratic datafit through its Gram matrix, ``Qw`` maintained) run,
inside one compiled call, what the Python loop used to run between two outer iterations:

1. blocks of ``ANDERSON_EPOCHS`` passes over the working set ``ws`` (the coordinate update of
   the solver's docstring; with an intercept, its step after each pass);
2. after a full block, the Anderson extrapolation of the block's ``ANDERSON_EPOCHS + 1`` points
   (:func:`anderson_coefficients`), kept only if it lowers the objective
   :math:`\sum_i c_i f(y_i, x_i^\top w + b) + \sum_{j \in ws} c^G_j g(w_j)` (the coordinates
   outside ``ws`` do not move, so their terms cancel in the comparison);
3. the largest subdifferential distance over ``ws`` (and the intercept's gradient), stopping
   once it is ``<= inner_tol`` or ``max_epochs`` passes are spent.  The direct loop checks
   it after any pass whose largest scaled step :math:`L_j |\Delta w_j|` (the intercept's
   gradient included) is ``<= inner_tol`` (so an easy subproblem stops before its block of
   passes ends) and at the end of a block only when the extrapolated point was kept:
   otherwise the point is the last pass's, whose violation was either just checked or is
   most likely above ``inner_tol``, since for a convex penalty :math:`L_j |\Delta w_j|` is
   at most the violation of coordinate ``j`` before its update (the check, one gradient per
   coordinate of ``ws``, would cost a sixth of the block's work).  The check itself is
   skipped when ``2 * trust[0]`` times the step is ``<= inner_tol``: ``trust[0]`` (kept by
   the engine across subproblems, -1 until the first check) is the largest ratio of checked
   violation to step seen so far: below 1 where a pass contracts the violation (0.02-1.07 on
   the benchmark's synthetic designs, on which the check pass was a third of the subproblem
   time) and several on correlated ones (leukemia: about 5), where the steps of the other
   coordinates move each gradient (a floor of 1 cost the sparse amax/100 cell 15%).  The
   outer loop raises ``trust`` when the working set's violation it then measures exceeds the
   bound the subproblem returned (``CoordinateDescent``'s ``_correct_trust``).

A caller may give the subproblem ``min_epochs`` passes to reach a lower ``aim_tol`` before
``inner_tol`` suffices (the cold start's budget of one gradient's worth of passes, once its
working set holds every violator).

The storage format of ``X`` enters through the epoch loop and the column update of
:mod:`lpreg.solvers._cd_kernels` passed as arguments (``_dense_epochs`` / ``_add_dense_columns``
or their ``_sparse_`` twins, taking ``(X0, X1, X2)`` = ``(X, unused, unused)`` or
``(data, indices, indptr)``), so one driver serves both formats; the epoch loop stays a
function of its own (one call per block of passes), which keeps it as fast as it is alone.
These functions take kernels as arguments, so they are not ``cache=True`` themselves: they are
called through :class:`lpreg.penalties.base.CompiledCall`, which compiles a copy with the
kernels as globals that numba caches on disk (see :mod:`lpreg._kernel_cache`).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from lpreg.penalties.base import prox_coordinate, subdiff_distance_coordinate
from lpreg.solvers._cd_kernels import _entry

__all__ = [
    "ANDERSON_EPOCHS",
    "anderson_coefficients",
    "direct_subproblem",
    "gram_subproblem",
]

# Anderson extrapolation uses this many successive passes (and the inner KKT check runs as often)
ANDERSON_EPOCHS = 5


@njit(cache=True)
def anderson_coefficients(points, n_points, n_columns, out):
    r"""Anderson weights of the rows ``points[:n_points, :n_columns]`` (successive iterates).

    With :math:`U = [x_1 - x_0, \dots, x_K - x_{K-1}]` (``K = n_points - 1``), solve
    :math:`(U U^\top) z = \mathbf 1` by Gaussian elimination with partial pivoting and write
    :math:`z / \sum z` into ``out[:K]`` (the weights of :math:`x_1, \dots, x_K`).  Returns False
    when the system is singular or the weights are not finite (Anderson 1965; Bertrand &
    Massias 2021).
    """
    K = n_points - 1
    system = np.zeros((K, K + 1))
    for a in range(K):
        for b in range(a, K):
            total = 0.0
            for m in range(n_columns):
                total += (points[a + 1, m] - points[a, m]) * (points[b + 1, m] - points[b, m])
            system[a, b] = total
            system[b, a] = total
        system[a, K] = 1.0
    for col in range(K):
        pivot = col
        for row in range(col + 1, K):
            if abs(system[row, col]) > abs(system[pivot, col]):
                pivot = row
        if system[pivot, col] == 0.0 or not math.isfinite(system[pivot, col]):
            return False
        if pivot != col:
            for m in range(K + 1):
                system[col, m], system[pivot, m] = system[pivot, m], system[col, m]
        for row in range(col + 1, K):
            factor = system[row, col] / system[col, col]
            for m in range(col, K + 1):
                system[row, m] -= factor * system[col, m]
    total = 0.0
    for row in range(K - 1, -1, -1):
        value = system[row, K]
        for m in range(row + 1, K):
            value -= system[row, m] * out[m]
        out[row] = value / system[row, row]
        total += out[row]
    if not math.isfinite(total) or total == 0.0:
        return False
    for k in range(K):
        out[k] /= total
    return True


@njit
def _separable_value(value, ws, x, params, weights):
    """``sum_{j in ws} c_j g(x_position)``; ``x`` is aligned with ``ws``."""
    total = 0.0
    for position in range(ws.shape[0]):
        weight = _entry(weights, ws[position])
        if weight != 0.0:
            total += weight * value(x[position], params)
    return total


@njit
def direct_subproblem(
    epochs,
    add_columns,
    X0,
    X1,
    X2,
    y,
    c,
    Xw,
    w,
    state,
    ws,
    lipschitz,
    fit_intercept,
    curvature,
    derivative,
    loss,
    datafit_params,
    prox,
    value,
    subdiff_interval,
    params,
    weights,
    lower,
    upper,
    is_convex,
    max_epochs,
    inner_tol,
    anderson,
    aim_tol,
    min_epochs,
    trust,
):
    """Solve the working-set subproblem on ``X``; see the module docstring.

    ``epochs`` and ``add_columns`` are the storage format's loops of
    :mod:`lpreg.solvers._cd_kernels` (``_dense_epochs`` / ``_add_dense_columns`` with
    ``(X0, X1, X2) = (X, unused, unused)``, or the ``_sparse_`` ones with ``(data, indices,
    indptr)``).  ``w``, ``Xw`` and ``state[0]`` (the intercept) are updated in place; ``c``
    of length 1 means equal weights ``c[0]``.  Returns
    ``(n_epochs, violation)``; ``violation`` is ``inf`` when an iterate is not finite (the
    caller raises) and ``-1`` when no KKT check ran (``max_epochs`` spent mid-block).

    The subproblem counts as solved at a violation ``<= aim_tol`` (``<= inner_tol``) during
    its first ``min_epochs`` passes, at ``<= inner_tol`` after them: the caller's budget of
    passes for solving the working set further than ``inner_tol`` asks.
    """
    n_samples = Xw.shape[0]
    n_ws = ws.shape[0]
    points = np.empty((ANDERSON_EPOCHS + 1, n_ws + 1))
    coefficients = np.empty(ANDERSON_EPOCHS)
    candidate = np.empty(n_ws)
    delta = np.empty(n_ws)
    trial = np.empty(n_samples)
    n_epochs = 0
    violation = -1.0
    while n_epochs < max_epochs:
        block = min(ANDERSON_EPOCHS, max_epochs - n_epochs)
        for position in range(n_ws):
            points[0, position] = w[ws[position]]
        points[0, n_ws] = state[0]
        solved = False
        for epoch in range(block):
            largest_step = epochs(X0, X1, X2, y, c, Xw, w, state, ws, lipschitz, 1,
                                  fit_intercept, curvature, derivative, datafit_params, prox,
                                  value, subdiff_interval, params, weights, lower, upper,
                                  is_convex, points[epoch + 1 :], False)  # fmt: skip
            n_epochs += 1
            target = inner_tol if n_epochs >= min_epochs else aim_tol
            if largest_step <= target and math.isfinite(state[0]):
                # the pass barely moved.  trust[0] (-1 until known) bounds the subproblem's
                # KKT violation by that many times the pass's largest scaled step, as
                # measured by the checks so far (about 1 on nearly orthogonal columns, far
                # more on correlated ones, where the other coordinates' steps move each
                # gradient); with twice that margin the check pass is skipped
                if trust[0] > 0.0 and 2.0 * trust[0] * largest_step <= target:
                    violation = trust[0] * largest_step
                    solved = True
                    block = epoch + 1
                    break
                violation = epochs(X0, X1, X2, y, c, Xw, w, state, ws, lipschitz, 0,
                                   fit_intercept, curvature, derivative, datafit_params, prox,
                                   value, subdiff_interval, params, weights, lower, upper,
                                   is_convex, points[1:], True)  # fmt: skip
                if largest_step > 0.0:
                    trust[0] = max(trust[0], violation / largest_step)
                if violation <= target:
                    solved = True
                    block = epoch + 1
                    break
        intercept = state[0]
        finite = math.isfinite(intercept)
        for position in range(n_ws):
            finite = finite and math.isfinite(points[block, position])
        if not finite:
            return n_epochs, math.inf
        if solved or block < ANDERSON_EPOCHS:
            break
        extrapolated = False
        if (
            anderson
            and n_ws > 0
            and anderson_coefficients(points, ANDERSON_EPOCHS + 1, n_ws + 1, coefficients)
        ):
            # the extrapolated point, kept if it lowers the objective
            usable = True
            for position in range(n_ws):
                total = 0.0
                for k in range(ANDERSON_EPOCHS):
                    total += coefficients[k] * points[k + 1, position]
                j = ws[position]
                usable = (
                    usable
                    and math.isfinite(total)
                    and _entry(lower, j) <= total <= _entry(upper, j)
                )
                candidate[position] = total
                delta[position] = total - w[j]
            new_intercept = intercept
            if fit_intercept:
                new_intercept = 0.0
                for k in range(ANDERSON_EPOCHS):
                    new_intercept += coefficients[k] * points[k + 1, n_ws]
                usable = usable and math.isfinite(new_intercept)
            if usable:
                for i in range(n_samples):
                    trial[i] = Xw[i]
                add_columns(X0, X1, X2, ws, delta, trial)
                old_objective = 0.0
                new_objective = 0.0
                for i in range(n_samples):
                    weight = _entry(c, i)
                    old_objective += weight * loss(y[i], Xw[i] + intercept, datafit_params)
                    new_objective += weight * loss(y[i], trial[i] + new_intercept, datafit_params)
                old_objective += _separable_value(value, ws, points[block], params, weights)
                new_objective += _separable_value(value, ws, candidate, params, weights)
                if new_objective < old_objective:
                    for i in range(n_samples):
                        Xw[i] = trial[i]
                    for position in range(n_ws):
                        w[ws[position]] = candidate[position]
                    state[0] = new_intercept
                    extrapolated = True
        if not extrapolated:
            # the point is the last pass's: either that pass barely moved and its KKT
            # violation was checked above (and is > inner_tol), or it moved a coordinate by
            # L_j |dw_j| > inner_tol, and L_j |dw_j| is at most the coordinate's violation
            # before its update: the check would most likely fail, so the next block runs
            continue
        violation = epochs(X0, X1, X2, y, c, Xw, w, state, ws, lipschitz, 0, fit_intercept,
                           curvature, derivative, datafit_params, prox, value, subdiff_interval,
                           params, weights, lower, upper, is_convex, points[1:], True)  # fmt: skip
        if violation <= (inner_tol if n_epochs >= min_epochs else aim_tol):
            break
    return n_epochs, violation


@njit
def gram_subproblem(
    gram,
    xty,
    Qw,
    w,
    ws,
    prox,
    value,
    subdiff_interval,
    params,
    weights,
    lower,
    upper,
    is_convex,
    max_epochs,
    inner_tol,
    anderson,
):
    r"""Solve the working-set subproblem of :math:`\frac12 w^\top Q w - q^\top w + G(w)`.

    ``gram`` is ``Q`` (Fortran), ``xty`` is ``q``; ``w`` and ``Qw`` are updated in place.  The
    coordinate Lipschitz constant is ``Q_jj`` (coordinates with ``Q_jj <= 0`` stay put).
    Returns ``(n_epochs, violation)`` as :func:`direct_subproblem`.
    """
    n_features = gram.shape[0]
    n_ws = ws.shape[0]
    points = np.empty((ANDERSON_EPOCHS + 1, n_ws))
    coefficients = np.empty(ANDERSON_EPOCHS)
    candidate = np.empty(n_ws)
    trial = np.empty(n_features)
    n_epochs = 0
    violation = -1.0
    while n_epochs < max_epochs:
        block = min(ANDERSON_EPOCHS, max_epochs - n_epochs)
        for position in range(n_ws):
            points[0, position] = w[ws[position]]
        for epoch in range(block):
            for position in range(n_ws):
                j = ws[position]
                diagonal = gram[j, j]
                if diagonal <= 0.0:
                    continue
                step = 1.0 / diagonal
                old = w[j]
                new = prox_coordinate(
                    prox,
                    value,
                    old - (Qw[j] - xty[j]) * step,
                    step,
                    params,
                    weights[j],
                    lower[j],
                    upper[j],
                    is_convex,
                )
                if new != old:
                    delta = new - old
                    w[j] = new
                    for k in range(n_features):
                        Qw[k] += delta * gram[k, j]
            for position in range(n_ws):
                points[epoch + 1, position] = w[ws[position]]
        n_epochs += block
        finite = True
        for position in range(n_ws):
            finite = finite and math.isfinite(points[block, position])
        if not finite:
            return n_epochs, math.inf
        if block < ANDERSON_EPOCHS:
            break
        if (
            anderson
            and n_ws > 0
            and anderson_coefficients(points, ANDERSON_EPOCHS + 1, n_ws, coefficients)
        ):
            usable = True
            for position in range(n_ws):
                total = 0.0
                for k in range(ANDERSON_EPOCHS):
                    total += coefficients[k] * points[k + 1, position]
                j = ws[position]
                usable = usable and math.isfinite(total) and lower[j] <= total <= upper[j]
                candidate[position] = total
            if usable:
                for k in range(n_features):
                    trial[k] = Qw[k]
                for position in range(n_ws):
                    j = ws[position]
                    delta = candidate[position] - w[j]
                    if delta != 0.0:
                        for k in range(n_features):
                            trial[k] += delta * gram[k, j]
                # 0.5 w'Qw - q'w at the new point: w differs from the current one on ws only
                old_objective = _separable_value(value, ws, points[block], params, weights)
                new_objective = _separable_value(value, ws, candidate, params, weights)
                for k in range(n_features):
                    old_objective += w[k] * (0.5 * Qw[k] - xty[k])
                    new_objective += w[k] * (0.5 * trial[k] - xty[k])
                for position in range(n_ws):
                    j = ws[position]
                    new_objective += (candidate[position] - w[j]) * (0.5 * trial[j] - xty[j])
                if new_objective < old_objective:
                    for k in range(n_features):
                        Qw[k] = trial[k]
                    for position in range(n_ws):
                        w[ws[position]] = candidate[position]
        violation = 0.0
        for position in range(n_ws):
            j = ws[position]
            distance = subdiff_distance_coordinate(
                subdiff_interval, w[j], Qw[j] - xty[j], params, weights[j], lower[j], upper[j]
            )
            violation = max(violation, distance)
        if violation <= inner_tol:
            break
    return n_epochs, violation
