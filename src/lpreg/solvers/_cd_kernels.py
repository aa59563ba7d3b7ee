r"""Numba loops of :class:`~lpreg.solvers.coordinate_descent.CoordinateDescent`.

Two storage formats share the same coordinate update (see the solver's docstring; the Gram
mode's loop is in :mod:`lpreg.solvers._cd_fast`):

* ``_dense_epochs``: Fortran-ordered dense ``X`` (float32 or float64), ``Xw`` maintained
  (its two unused arguments keep the signature of the sparse loop, so that
  :func:`~lpreg.solvers._cd_fast.direct_subproblem` takes either);
* ``_sparse_epochs``: CSC ``X`` given as ``(data, indices, indptr)``, never densified;

and, for the group penalties (block coordinate descent, one group at a time):

* ``_dense_block_epochs`` / ``_sparse_block_epochs``: the same two layouts of ``X``, with the
  block kernels of :mod:`lpreg.penalties.group` called directly (only the datafit kernel is
  an argument).

Each runs ``n_epochs`` passes over the working set ``ws`` (the intercept, if fitted, is updated
after each pass), writes ``w[ws]`` and the intercept after every pass into ``iterates`` (for
Anderson extrapolation) and, if ``compute_kkt``, returns the largest subdifferential distance
over ``ws`` (and the intercept's gradient) at the final iterate, else the largest scaled
step :math:`L_j |\Delta w_j|` of the last pass (``_dense_epochs``, ``_sparse_epochs``; 0 for
the others), a cheap hint that the working set is nearly solved.  The penalty and
datafit kernels are passed as arguments, so numba compiles one loop per kernel pair.

``_dense_epochs`` and ``_sparse_epochs`` take the sample weights ``c`` as one number (an array
of length 1) when they are all equal, and the penalty's weights and bounds likewise
(:func:`_entry`).  For the quadratic datafit the solver passes :func:`residual_derivative` and
:func:`residual_loss` with the residual ``Xw + b - y`` in the slot of ``Xw`` (see there).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from lpreg.penalties.base import prox_coordinate, subdiff_distance_coordinate
from lpreg.penalties.group import group_prox_block, group_subdiff_distance_block

# the floating-point licences of the epoch loops: reassociation lets LLVM vectorise the
# gradient sums (x_j . (c * f'(y, Xw + b))) and contraction fuse multiply-adds.  No other
# flag: "nnan"/"ninf" would let the compiler assume finite values and drop the finiteness
# tests the solver relies on.  Dense quadratic updates, n = 200 / 1000 rows: 230 / 1190 ns
# without, 84 / 520 ns with (skglm's epoch: 150 / 580 ns).  A dict, not a set: the generated
# copies of these loops (lpreg._kernel_cache) repeat the option's repr, and a set's order
# changes with the process's string hashing.
_REDUCTIONS = {"reassoc": True, "contract": True}


@njit
def _entry(a, j):
    """``a[j]``, or ``a[0]`` when ``a`` has length 1: the penalty's per-coordinate weights and
    bounds are passed as one number when they are all equal (the usual unweighted,
    unbounded penalty), which spares the passes three loads per coordinate from arrays of
    ``n_features`` entries (cache misses once ``n_features`` is large)."""
    return a[0] if a.shape[0] == 1 else a[j]


@njit
def _violation(subdiff_interval, w, j, grad, params, weights, lower, upper):
    """Coordinate ``j``'s subdifferential distance at gradient ``grad`` (the KKT pass of the
    epoch loops), with the weights and bounds read through :func:`_entry`."""
    return subdiff_distance_coordinate(
        subdiff_interval,
        w[j],
        grad,
        params,
        _entry(weights, j),
        _entry(lower, j),
        _entry(upper, j),
    )


@njit(fastmath=_REDUCTIONS)
def _dense_epochs(
    X,
    unused,
    unused_,
    y,
    c,
    Xw,
    w,
    state,
    ws,
    lipschitz,
    n_epochs,
    fit_intercept,
    curvature,
    derivative,
    datafit_params,
    prox,
    value,
    subdiff_interval,
    params,
    weights,
    lower,
    upper,
    is_convex,
    iterates,
    compute_kkt,
):
    n_samples = X.shape[0]
    intercept = state[0]
    largest_step = 0.0
    for epoch in range(n_epochs):
        for position in range(ws.shape[0]):
            j = ws[position]
            if lipschitz[j] == 0.0:
                continue
            grad = _dense_slope(X, j, y, c, Xw, intercept, derivative, datafit_params)
            old = w[j]
            step = 1.0 / lipschitz[j]
            new = prox_coordinate(
                prox,
                value,
                old - grad * step,
                step,
                params,
                _entry(weights, j),
                _entry(lower, j),
                _entry(upper, j),
                is_convex,
            )
            if new != old:
                delta = new - old
                w[j] = new
                for i in range(n_samples):
                    Xw[i] += delta * X[i, j]
                if epoch == n_epochs - 1:
                    largest_step = max(largest_step, abs(delta) * lipschitz[j])
        if fit_intercept:
            total = _intercept_slope(y, c, Xw, intercept, derivative, datafit_params)
            intercept -= total / curvature
            if epoch == n_epochs - 1:
                largest_step = max(largest_step, abs(total))
        for position in range(ws.shape[0]):
            iterates[epoch, position] = w[ws[position]]
        iterates[epoch, ws.shape[0]] = intercept
    state[0] = intercept
    if not compute_kkt:
        return largest_step
    violation = 0.0
    for position in range(ws.shape[0]):
        j = ws[position]
        grad = _dense_slope(X, j, y, c, Xw, intercept, derivative, datafit_params)
        distance = _violation(subdiff_interval, w, j, grad, params, weights, lower, upper)
        violation = max(violation, distance)
    if fit_intercept:
        total = _intercept_slope(y, c, Xw, intercept, derivative, datafit_params)
        violation = max(violation, abs(total))
    return violation


@njit(fastmath=_REDUCTIONS)
def _dense_slope(X, j, y, c, Xw, intercept, derivative, datafit_params):
    """``sum_i X_ij c_i f'(y_i, Xw_i + b)``; ``c`` of length 1 is the equal weight ``c[0]``,
    factored out (no load of ``c`` per sample)."""
    grad = 0.0
    if c.shape[0] == 1:
        for i in range(X.shape[0]):
            grad += X[i, j] * derivative(y[i], Xw[i] + intercept, datafit_params)
        return grad * c[0]
    for i in range(X.shape[0]):
        grad += X[i, j] * c[i] * derivative(y[i], Xw[i] + intercept, datafit_params)
    return grad


@njit(fastmath=_REDUCTIONS)
def _sparse_slope(data, indices, indptr, j, y, c, Xw, intercept, derivative, datafit_params):
    """:func:`_dense_slope` over the stored entries of CSC column ``j``."""
    grad = 0.0
    if c.shape[0] == 1:
        for k in range(indptr[j], indptr[j + 1]):
            i = indices[k]
            grad += data[k] * derivative(y[i], Xw[i] + intercept, datafit_params)
        return grad * c[0]
    for k in range(indptr[j], indptr[j + 1]):
        i = indices[k]
        grad += data[k] * c[i] * derivative(y[i], Xw[i] + intercept, datafit_params)
    return grad


@njit(fastmath=_REDUCTIONS)
def _intercept_slope(y, c, Xw, intercept, derivative, datafit_params):
    """``sum_i c_i f'(y_i, Xw_i + b)``, the intercept's gradient (``c`` as in
    :func:`_dense_slope`)."""
    total = 0.0
    if c.shape[0] == 1:
        for i in range(Xw.shape[0]):
            total += derivative(y[i], Xw[i] + intercept, datafit_params)
        return total * c[0]
    for i in range(Xw.shape[0]):
        total += c[i] * derivative(y[i], Xw[i] + intercept, datafit_params)
    return total


@njit(cache=True)
def residual_derivative(y, z, params):
    """The quadratic loss's derivative in residual coordinates: the passes of
    :class:`~lpreg.solvers.CoordinateDescent` for the quadratic datafit run on ``r = Xw + b -
    y`` in the slot of ``Xw``, with the intercept's change since the call began as ``b``, so
    the derivative :math:`z - y` of the loss at ``(y, Xw + b)`` is ``r + b`` and ``y`` is never
    read (two memory streams per coordinate gradient instead of four)."""
    return z


@njit(cache=True)
def residual_loss(y, z, params):
    """The quadratic loss :math:`(y - z)^2 / 2` in the residual coordinates of
    :func:`residual_derivative`: ``z^2 / 2``."""
    return 0.5 * z * z


@njit(fastmath=_REDUCTIONS)
def _sparse_epochs(
    data,
    indices,
    indptr,
    y,
    c,
    Xw,
    w,
    state,
    ws,
    lipschitz,
    n_epochs,
    fit_intercept,
    curvature,
    derivative,
    datafit_params,
    prox,
    value,
    subdiff_interval,
    params,
    weights,
    lower,
    upper,
    is_convex,
    iterates,
    compute_kkt,
):
    intercept = state[0]
    largest_step = 0.0
    for epoch in range(n_epochs):
        for position in range(ws.shape[0]):
            j = ws[position]
            if lipschitz[j] == 0.0:
                continue
            grad = _sparse_slope(
                data, indices, indptr, j, y, c, Xw, intercept, derivative, datafit_params
            )
            old = w[j]
            step = 1.0 / lipschitz[j]
            new = prox_coordinate(
                prox,
                value,
                old - grad * step,
                step,
                params,
                _entry(weights, j),
                _entry(lower, j),
                _entry(upper, j),
                is_convex,
            )
            if new != old:
                delta = new - old
                w[j] = new
                for k in range(indptr[j], indptr[j + 1]):
                    Xw[indices[k]] += delta * data[k]
                if epoch == n_epochs - 1:
                    largest_step = max(largest_step, abs(delta) * lipschitz[j])
        if fit_intercept:
            total = _intercept_slope(y, c, Xw, intercept, derivative, datafit_params)
            intercept -= total / curvature
            if epoch == n_epochs - 1:
                largest_step = max(largest_step, abs(total))
        for position in range(ws.shape[0]):
            iterates[epoch, position] = w[ws[position]]
        iterates[epoch, ws.shape[0]] = intercept
    state[0] = intercept
    if not compute_kkt:
        return largest_step
    violation = 0.0
    for position in range(ws.shape[0]):
        j = ws[position]
        grad = _sparse_slope(
            data, indices, indptr, j, y, c, Xw, intercept, derivative, datafit_params
        )
        distance = _violation(subdiff_interval, w, j, grad, params, weights, lower, upper)
        violation = max(violation, distance)
    if fit_intercept:
        total = _intercept_slope(y, c, Xw, intercept, derivative, datafit_params)
        violation = max(violation, abs(total))
    return violation


@njit(cache=True)
def _add_dense_columns(X, unused, unused_, ws, delta, out):
    """``out += X[:, ws] @ delta`` for Fortran dense ``X``."""
    for position in range(ws.shape[0]):
        step = delta[position]
        if step != 0.0:
            j = ws[position]
            for i in range(X.shape[0]):
                out[i] += step * X[i, j]


@njit(cache=True)
def _add_sparse_columns(data, indices, indptr, ws, delta, out):
    """``out += X[:, ws] @ delta`` for CSC ``X``."""
    for position in range(ws.shape[0]):
        step = delta[position]
        if step != 0.0:
            j = ws[position]
            for k in range(indptr[j], indptr[j + 1]):
                out[indices[k]] += step * data[k]


def anderson_extrapolate(iterates):
    r"""Return the Anderson extrapolation of the rows of ``iterates`` (K+1 successive points).

    With :math:`U = [x_1 - x_0, \dots, x_K - x_{K-1}]`, solve :math:`(U U^\top) z = \mathbf 1`
    and return :math:`\sum_k \frac{z_k}{\sum z} x_k` (Anderson 1965; Bertrand & Massias 2021),
    or None when the system is singular.
    """
    differences = np.diff(iterates, axis=0)
    system = differences @ differences.T
    try:
        z = np.linalg.solve(system, np.ones(system.shape[0]))
    except np.linalg.LinAlgError:
        return None
    total = z.sum()
    if not np.isfinite(total) or total == 0.0:
        return None
    coefficients = z / total
    return coefficients @ iterates[1:]


# --------------------------------------------------------------------------------------------
# block coordinate descent (group penalties); the block kernels are fixed, so numba compiles
# one loop per (datafit kernel, dtype, layout)
# --------------------------------------------------------------------------------------------


@njit(fastmath=_REDUCTIONS)
def _dense_block_epochs(
    X,
    y,
    c,
    Xw,
    w,
    state,
    ws,
    group_indices,
    group_ptr,
    group_weights,
    lipschitz,
    n_epochs,
    fit_intercept,
    curvature,
    derivative,
    datafit_params,
    params,
    iterates,
    compute_kkt,
):
    r"""Block passes over the groups ``ws`` on Fortran dense ``X``, ``Xw`` maintained.

    Group ``g`` (columns ``group_indices[group_ptr[g]:group_ptr[g + 1]]``) takes the step
    :math:`w_g \leftarrow \operatorname{prox}_{G_g / L_g}(w_g - \nabla_g F / L_g)` with
    ``L_g = lipschitz[g]``; a group with ``L_g = 0`` (zero columns) is set to 0.  ``iterates``
    rows hold the columns of ``ws`` group by group, then the intercept.
    """
    n_samples = X.shape[0]
    intercept = state[0]
    scaled = np.empty(n_samples, dtype=np.float64)
    largest = 0
    for position in range(ws.shape[0]):
        g = ws[position]
        largest = max(largest, group_ptr[g + 1] - group_ptr[g])
    block = np.empty(largest, dtype=np.float64)
    for epoch in range(n_epochs):
        for position in range(ws.shape[0]):
            g = ws[position]
            start = group_ptr[g]
            size = group_ptr[g + 1] - start
            if lipschitz[g] == 0.0:
                for k in range(size):
                    w[group_indices[start + k]] = 0.0
                continue
            for i in range(n_samples):
                scaled[i] = c[i] * derivative(y[i], Xw[i] + intercept, datafit_params)
            step = 1.0 / lipschitz[g]
            for k in range(size):
                j = group_indices[start + k]
                grad = 0.0
                for i in range(n_samples):
                    grad += X[i, j] * scaled[i]
                block[k] = w[j] - grad * step
            new = group_prox_block(block[:size], step, params, group_weights[g])
            for k in range(size):
                j = group_indices[start + k]
                delta = new[k] - w[j]
                if delta != 0.0:
                    w[j] = new[k]
                    for i in range(n_samples):
                        Xw[i] += delta * X[i, j]
        if fit_intercept:
            total = 0.0
            for i in range(n_samples):
                total += c[i] * derivative(y[i], Xw[i] + intercept, datafit_params)
            intercept -= total / curvature
        _record_blocks(w, ws, group_indices, group_ptr, intercept, iterates, epoch)
    state[0] = intercept
    if not compute_kkt:
        return 0.0
    for i in range(n_samples):
        scaled[i] = c[i] * derivative(y[i], Xw[i] + intercept, datafit_params)
    violation = 0.0
    gradient = np.empty(largest, dtype=np.float64)
    for position in range(ws.shape[0]):
        g = ws[position]
        start = group_ptr[g]
        size = group_ptr[g + 1] - start
        for k in range(size):
            j = group_indices[start + k]
            grad = 0.0
            for i in range(n_samples):
                grad += X[i, j] * scaled[i]
            gradient[k] = grad
            block[k] = w[j]
        distance = group_subdiff_distance_block(
            block[:size], gradient[:size], params, group_weights[g]
        )
        violation = max(violation, distance)
    if fit_intercept:
        total = 0.0
        for i in range(n_samples):
            total += scaled[i]
        violation = max(violation, abs(total))
    return violation


@njit(fastmath=_REDUCTIONS)
def _sparse_block_epochs(
    data,
    indices,
    indptr,
    y,
    c,
    Xw,
    w,
    state,
    ws,
    group_indices,
    group_ptr,
    group_weights,
    lipschitz,
    n_epochs,
    fit_intercept,
    curvature,
    derivative,
    datafit_params,
    params,
    iterates,
    compute_kkt,
):
    """``_dense_block_epochs`` for CSC ``X`` given as ``(data, indices, indptr)``."""
    n_samples = Xw.shape[0]
    intercept = state[0]
    largest = 0
    for position in range(ws.shape[0]):
        g = ws[position]
        largest = max(largest, group_ptr[g + 1] - group_ptr[g])
    block = np.empty(largest, dtype=np.float64)
    for epoch in range(n_epochs):
        for position in range(ws.shape[0]):
            g = ws[position]
            start = group_ptr[g]
            size = group_ptr[g + 1] - start
            if lipschitz[g] == 0.0:
                for k in range(size):
                    w[group_indices[start + k]] = 0.0
                continue
            step = 1.0 / lipschitz[g]
            for k in range(size):
                j = group_indices[start + k]
                grad = 0.0
                for p in range(indptr[j], indptr[j + 1]):
                    i = indices[p]
                    grad += data[p] * c[i] * derivative(y[i], Xw[i] + intercept, datafit_params)
                block[k] = w[j] - grad * step
            new = group_prox_block(block[:size], step, params, group_weights[g])
            for k in range(size):
                j = group_indices[start + k]
                delta = new[k] - w[j]
                if delta != 0.0:
                    w[j] = new[k]
                    for p in range(indptr[j], indptr[j + 1]):
                        Xw[indices[p]] += delta * data[p]
        if fit_intercept:
            total = 0.0
            for i in range(n_samples):
                total += c[i] * derivative(y[i], Xw[i] + intercept, datafit_params)
            intercept -= total / curvature
        _record_blocks(w, ws, group_indices, group_ptr, intercept, iterates, epoch)
    state[0] = intercept
    if not compute_kkt:
        return 0.0
    violation = 0.0
    gradient = np.empty(largest, dtype=np.float64)
    for position in range(ws.shape[0]):
        g = ws[position]
        start = group_ptr[g]
        size = group_ptr[g + 1] - start
        for k in range(size):
            j = group_indices[start + k]
            grad = 0.0
            for p in range(indptr[j], indptr[j + 1]):
                i = indices[p]
                grad += data[p] * c[i] * derivative(y[i], Xw[i] + intercept, datafit_params)
            gradient[k] = grad
            block[k] = w[j]
        distance = group_subdiff_distance_block(
            block[:size], gradient[:size], params, group_weights[g]
        )
        violation = max(violation, distance)
    if fit_intercept:
        total = 0.0
        for i in range(n_samples):
            total += c[i] * derivative(y[i], Xw[i] + intercept, datafit_params)
        violation = max(violation, abs(total))
    return violation


@njit(cache=True)
def _record_blocks(w, ws, group_indices, group_ptr, intercept, iterates, epoch):
    """Write the columns of the groups ``ws`` (group by group), then the intercept."""
    position = 0
    for index in range(ws.shape[0]):
        g = ws[index]
        for k in range(group_ptr[g], group_ptr[g + 1]):
            iterates[epoch, position] = w[group_indices[k]]
            position += 1
    iterates[epoch, position] = intercept
