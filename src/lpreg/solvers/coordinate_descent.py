r"""Coordinate descent with working sets, Anderson extrapolation and Gap Safe screening.

The engine of the Lasso, Elastic-Net, weighted-L1, Lp, MCP and SCAD fits (every separable
penalty) and, by blocks, of the Group Lasso and Sparse Group Lasso fits: every datafit with
scalar kernels, dense (Fortran) or CSC ``X``, float32 or float64.
The numba loops live in :mod:`lpreg.solvers._cd_kernels` (epoch loops) and
:mod:`lpreg.solvers._cd_fast` (one call per working set for separable penalties: passes,
Anderson extrapolation, the objective test and the inner KKT check); the Python loop here
runs once per working set, sharing one gradient between the certificate, Gap Safe screening
and the working-set scores.
"""

from __future__ import annotations

import logging
import math
import time

import numpy as np
import scipy.sparse as sp

from lpreg.datafits.base import unsigned_indices
from lpreg.penalties.base import (
    CompiledCall,
    Penalty,
    _subdiff_distance_vector_call,
    _value_vector_call,
)
from lpreg.penalties.l1 import l1_prox_scalar, l1_subdiff_interval, l1_value_scalar
from lpreg.solvers._cd_fast import direct_subproblem, gram_subproblem
from lpreg.solvers._cd_kernels import (
    _add_dense_columns,
    _add_sparse_columns,
    _dense_block_epochs,
    _dense_epochs,
    _sparse_block_epochs,
    _sparse_epochs,
    anderson_extrapolate,
    residual_derivative,
    residual_loss,
)
from lpreg.solvers.base import (
    Requirements,
    Solver,
    design_transpose_product,
    register_solver,
)

# the loops taking kernels as arguments, called from the Python loops below without re-typing
# the kernels at every call (see lpreg.penalties.base.CompiledCall)
_dense_block_epochs_call = CompiledCall(_dense_block_epochs)
_direct_subproblem_call = CompiledCall(direct_subproblem)
_gram_subproblem_call = CompiledCall(gram_subproblem)
# the unused index arrays of the dense layout in direct_subproblem
_NO_INDEX = np.zeros(0, dtype=np.int32)
_sparse_block_epochs_call = CompiledCall(_sparse_block_epochs)

__all__ = ["CoordinateDescent"]

logger = logging.getLogger("lpreg")

# Anderson extrapolation uses this many successive epochs (and the inner KKT check runs as often)
ANDERSON_EPOCHS = 5
# the smallest working set, and the fraction of the global KKT violation the subproblem reaches
# (see _inner_fraction)
_MIN_WORKING_SET = 10
# a subproblem whose nonzero coefficients fill this fraction of its working set lets the next
# working set grow by 4 instead of 2 (the growth phase of a cold start)
_FILLED = 0.9
# a cold start's first working set: the violators at w = 0, at most n_features / this divisor
# (see _Run.working_set_loop)
_FIRST_WORKING_SET_DIVISOR = 20
_INNER_FRACTION = 0.3
# the most passes a cold start's subproblem spends beyond 0.3 of the violation (_pass_budget)
_MAX_PASS_BUDGET = 1000
_INNER_FLOOR = 1e-3
# Gram mode is chosen automatically for the quadratic datafit on dense X with n > 2 p
_GRAM_MAX_FEATURES = 2048
# ... switching to it once the column passes spent exceed n_features**2 / this divisor
_GRAM_SWITCH_DIVISOR = 3

_OPTIONS = {
    "gram": ("auto", True, False),
    "init": ("l1", "zero"),
    "screening": (True, False),
    "anderson": (True, False),
    "working_set": (True, False),
}


class _Kernels:
    """Penalty kernels and per-coordinate arrays handed to the numba loops."""

    def __init__(self, prox, value, subdiff_interval, params, weights, lower, upper, is_convex):
        self.prox = prox
        self.value_kernel = value
        self.subdiff_interval = subdiff_interval
        self.params = params
        self.weights = weights
        self.lower = lower
        self.upper = upper
        self.is_convex = bool(is_convex)
        # whether any bound is finite (otherwise penalty_value skips the box test)
        self.bounded = bool(np.any(np.isfinite(lower)) or np.any(np.isfinite(upper)))
        # the same arrays for the passes, each of length 1 when its entries are all equal
        # (see lpreg.solvers._cd_kernels._entry)
        self.pass_weights, self.pass_lower, self.pass_upper = (
            a[:1].copy() if a.size and np.all(a == a[0]) else a for a in (weights, lower, upper)
        )

    @classmethod
    def of(cls, penalty, n_features):
        kernels = penalty.scalar_kernels
        lower, upper = penalty.coordinate_bounds(n_features)
        return cls(
            kernels.prox,
            kernels.value,
            kernels.subdiff_interval,
            penalty.params,
            np.asarray(penalty.coordinate_weights(n_features), dtype=np.float64),
            np.asarray(lower, dtype=np.float64),
            np.asarray(upper, dtype=np.float64),
            penalty.is_convex,
        )

    def l1_start(self):
        """The L1 kernels with the same ``alpha`` (params[0]), weights and bounds."""
        params = np.array([self.params[0]], dtype=np.float64)
        return _Kernels(
            l1_prox_scalar,
            l1_value_scalar,
            l1_subdiff_interval,
            params,
            self.weights,
            self.lower,
            self.upper,
            True,
        )

    def penalty_value(self, w):
        if self.bounded and (np.any(w < self.lower) or np.any(w > self.upper)):
            return math.inf
        return float(_value_vector_call(self.value_kernel, w, self.params, self.weights))

    def subdiff_distance(self, w, grad):
        out = np.empty(w.shape[0], dtype=np.float64)
        return _subdiff_distance_vector_call(
            self.subdiff_interval, w, grad, self.params, self.weights, self.lower, self.upper, out
        )


class _GroupKernels:
    """Group structure and parameters of a group penalty, handed to the block loops."""

    def __init__(self, penalty, n_features):
        structure = penalty.group_structure(n_features)
        self.penalty = penalty
        self.indices = np.ascontiguousarray(structure.indices, dtype=np.int64)
        self.ptr = np.ascontiguousarray(structure.ptr, dtype=np.int64)
        self.group_weights = np.ascontiguousarray(structure.weights, dtype=np.float64)
        self.params = penalty.params
        self.n_groups = structure.n_groups
        # groups left unpenalized (no L1 part and group weight 0): the duality gap leaves
        # them out (see GroupLasso.conjugate), so their KKT violation is checked on top
        self.unpenalized = (self.params[1] == 0.0) & (self.group_weights == 0.0)

    def columns(self, groups):
        """The columns of ``groups``, group by group (the order of the block loops)."""
        if groups.size == 0:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate(
            [self.indices[self.ptr[g] : self.ptr[g + 1]] for g in groups]
        ).astype(np.int64)

    def penalty_value(self, w):
        return self.penalty.value(w)

    def group_distances(self, w, grad):
        """Per group: the distance of ``-grad_g`` to the subdifferential of the block."""
        per_column = self.penalty.subdiff_distance(w, grad)
        return per_column[self.indices[self.ptr[:-1]]]


class _DirectEngine:
    """Coordinate descent on ``X`` itself (dense Fortran or CSC), maintaining ``Xw``."""

    def __init__(self, problem, w, intercept, at_zero=False):
        self.problem = problem
        self.X = problem.X
        self.y = problem.y
        self.c = problem.sample_weight
        self.datafit = problem.datafit
        self.fit_intercept = problem.fit_intercept
        self.curvature = float(problem.datafit.curvature_bound)
        self.derivative = problem.datafit.scalar_kernels.derivative
        self.loss = problem.datafit.scalar_kernels.loss
        self.datafit_params = problem.datafit.params
        with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below
            self.lipschitz = np.asarray(
                problem.datafit.lipschitz_constants(problem.X, problem.sample_weight), np.float64
            )
        _check_lipschitz(self.lipschitz)
        self.w = np.array(w, dtype=np.float64)
        self.state = np.array([intercept if problem.fit_intercept else 0.0])
        if np.any(self.w):
            self.Xw = np.asarray(self.X @ self.w, dtype=np.float64).ravel()
        else:
            self.Xw = np.zeros(problem.n_samples)
        self._x_mean = None
        # the quadratic datafit's passes run on the residual Xw + b - y (see subproblem)
        self.residual = type(problem.datafit).__name__ == "Quadratic"
        # the weights as one number for the passes when they are all equal (an unweighted fit)
        c = self.c
        self.pass_weights = c[:1].copy() if c.size and np.all(c == c[0]) else c
        # trust[0]: how many times a pass's largest scaled step bounds the subproblem's KKT
        # violation, learnt by the subproblems' checks (-1: not yet), see _cd_fast
        self.trust = np.array([-1.0])
        # X^T g at the start, when the caller says it is the point of problem.gradient_at_zero
        # (w = 0, the intercept build_problem used): the first gradient costs no product
        self._start_gradient = problem.gradient_at_zero if at_zero and not np.any(self.w) else None

    @property
    def x_mean(self):
        """``X^T c`` (the weighted column means), computed when first needed."""
        if self._x_mean is None:
            self._x_mean = np.asarray(self.X.T @ self.c, dtype=np.float64).ravel()
        return self._x_mean

    @property
    def intercept(self):
        return float(self.state[0])

    def subproblem(self, kernels, ws, max_epochs, inner_tol, anderson, aim_tol=None, min_epochs=0):
        """Solve the working-set subproblem in one numba call (see :mod:`._cd_fast`): to
        ``aim_tol`` within ``min_epochs`` passes, else to ``inner_tol``."""
        self._start_gradient = None
        X = self.X
        if self.problem.is_sparse:
            layout = (_sparse_epochs, _add_sparse_columns, X.data, unsigned_indices(X), X.indptr)
        else:
            layout = (_dense_epochs, _add_dense_columns, X, _NO_INDEX, _NO_INDEX)
        state, derivative, loss = self.state, self.derivative, self.loss
        residual = self.residual
        Xw = self.Xw
        if residual:
            # the quadratic passes run on r = Xw + b - y (two memory streams per coordinate
            # gradient instead of four: _cd_kernels.residual_derivative), with the
            # intercept's change during the call in a state of its own
            intercept = float(self.state[0])
            Xw += intercept
            Xw -= self.y
            state = np.zeros(1)
            derivative, loss = residual_derivative, residual_loss
        result = _direct_subproblem_call(
            *layout,
            self.y,
            self.pass_weights,
            Xw,
            self.w,
            state,
            ws,
            self.lipschitz,
            self.fit_intercept,
            self.curvature,
            derivative,
            loss,
            self.datafit_params,
            kernels.prox,
            kernels.value_kernel,
            kernels.subdiff_interval,
            kernels.params,
            kernels.pass_weights,
            kernels.pass_lower,
            kernels.pass_upper,
            kernels.is_convex,
            max_epochs,
            inner_tol,
            anderson,
            inner_tol if aim_tol is None else min(aim_tol, inner_tol),
            min_epochs,
            self.trust,
        )
        if residual:
            # the slot holds X w + b - y with the intercept b of the call's start
            Xw += self.y
            Xw -= intercept
            self.state[0] = intercept + state[0]
        return result

    def raw_gradient(self):
        """``(Xw + b, g)`` with ``g`` the per-sample derivatives at the current iterate."""
        predictor = self.Xw + self.state[0]
        g = self.datafit.raw_gradient(self.y, predictor, self.problem.raw_sample_weight)
        return predictor, g

    def gradient(self):
        """``(X^T g, sum(g))`` with ``g`` the per-sample derivatives at the current iterate;
        ``(Xw + b, g)`` is kept in ``self.last`` for the certificate and screening."""
        self.last = self.raw_gradient()
        g = self.last[1]
        if self._start_gradient is not None:
            return self._start_gradient.copy(), float(g.sum())
        return design_transpose_product(self.X, g), float(g.sum())

    def _predictor_after(self, ws, delta):
        Xw = self.Xw.copy()
        if self.problem.is_sparse:
            X = self.X
            _add_sparse_columns(X.data, unsigned_indices(X), X.indptr, ws, delta, Xw)
        else:
            _add_dense_columns(self.X, _NO_INDEX, _NO_INDEX, ws, delta, Xw)
        return Xw

    def smooth_value(self, Xw, intercept):
        return self.datafit.value(self.y, Xw + intercept, self.c)

    def try_point(self, kernels, ws, candidate, intercept):
        """Move to ``(w[ws] = candidate, intercept)`` if that lowers the objective."""
        self._start_gradient = None
        delta = candidate - self.w[ws]
        new_w = self.w.copy()
        new_w[ws] = candidate
        new_penalty = kernels.penalty_value(new_w)
        if not math.isfinite(new_penalty):
            return False
        new_Xw = self._predictor_after(ws, delta)
        new_objective = self.smooth_value(new_Xw, intercept) + new_penalty
        old_objective = self.smooth_value(self.Xw, self.state[0]) + kernels.penalty_value(self.w)
        if not new_objective < old_objective:
            return False
        self.w = new_w
        self.Xw = new_Xw
        self.state[0] = intercept
        return True

    def zero_out(self, features):
        """Set ``w[features] = 0`` (features proved zero at the optimum)."""
        features = features[self.w[features] != 0.0]
        if features.size:
            self._start_gradient = None
            delta = -self.w[features]
            self.Xw = self._predictor_after(features, delta)
            self.w[features] = 0.0


class _BlockEngine(_DirectEngine):
    r"""Block coordinate descent on ``X`` (dense Fortran or CSC) for the group penalties.

    ``lipschitz`` holds one constant per group, :math:`L_g = \kappa \|C^{1/2} X_g\|_2^2`
    (the largest eigenvalue of the small matrix :math:`X_g^\top C X_g`, or of
    :math:`C^{1/2} X_g X_g^\top C^{1/2}` when the group has more columns than ``X`` rows).
    """

    def __init__(self, problem, w, intercept, groups):
        super().__init__(problem, w, intercept)
        self.groups = groups
        with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below
            self.lipschitz = self.curvature * _group_spectral_norms(
                problem.X, problem.sample_weight, groups.indices, groups.ptr
            )
        _check_lipschitz(self.lipschitz)

    def run(self, kernels, ws, n_epochs, iterates, compute_kkt):
        self._start_gradient = None
        groups = self.groups
        common = (
            self.y,
            self.c,
            self.Xw,
            self.w,
            self.state,
            ws,
            groups.indices,
            groups.ptr,
            groups.group_weights,
            self.lipschitz,
            n_epochs,
            self.fit_intercept,
            self.curvature,
            self.derivative,
            self.datafit_params,
            groups.params,
            iterates,
            compute_kkt,
        )
        if self.problem.is_sparse:
            X = self.X
            return _sparse_block_epochs_call(X.data, X.indices, X.indptr, *common)
        return _dense_block_epochs_call(self.X, *common)


def _group_spectral_norms(X, c, indices, ptr):
    r"""Per group :math:`\|C^{1/2} X_g\|_2^2` in float64 (CSC groups are extracted sparse)."""
    root = np.sqrt(c)
    sparse = sp.issparse(X)
    out = np.empty(ptr.shape[0] - 1, dtype=np.float64)
    for g in range(out.shape[0]):
        columns = indices[ptr[g] : ptr[g + 1]]
        if sparse:
            block = sp.diags(root) @ X[:, columns].astype(np.float64)
            small = block.T @ block if columns.size <= X.shape[0] else block @ block.T
            small = small.toarray()
        else:
            block = root[:, None] * np.asarray(X[:, columns], dtype=np.float64)
            small = block.T @ block if columns.size <= X.shape[0] else block @ block.T
        out[g] = max(float(np.linalg.eigvalsh(small)[-1]), 0.0) if small.size else 0.0
    return out


class _GramEngine:
    r"""Coordinate descent on :math:`\frac12 w^\top Q w - q^\top w` (quadratic datafit).

    :math:`Q = X_c^\top C X_c`, :math:`q = X_c^\top C y_c` where ``C = diag(c)`` and, with an
    intercept, :math:`X_c, y_c` are centred by their ``c``-weighted means (the intercept is then
    :math:`\bar y - \bar x^\top w`, exactly optimal for every ``w``).
    """

    def __init__(self, problem, w, intercept):
        X = problem.X
        c = problem.sample_weight
        y = problem.y
        self.problem = problem
        self.fit_intercept = problem.fit_intercept
        self.y_mean = float(c @ y)
        with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below
            gram, xty, x_mean = _gram_parts(X, c, y)
            if self.fit_intercept:
                gram -= np.outer(x_mean, x_mean)
                xty -= x_mean * self.y_mean
        self.x_mean = x_mean
        self.gram = np.asfortranarray(gram)
        self.xty = xty
        self.lipschitz = np.diag(self.gram).copy()
        _check_lipschitz(self.lipschitz)
        self.w = np.array(w, dtype=np.float64)
        self.Qw = self.gram @ self.w

    @property
    def intercept(self):
        if not self.fit_intercept:
            return 0.0
        return self.y_mean - float(self.x_mean @ self.w)

    def subproblem(self, kernels, ws, max_epochs, inner_tol, anderson, aim_tol=None, min_epochs=0):
        """Solve the working-set subproblem in one numba call (see :mod:`._cd_fast`);
        ``aim_tol`` and ``min_epochs`` are not used (passes over ``Q`` are cheap)."""
        return _gram_subproblem_call(
            self.gram,
            self.xty,
            self.Qw,
            self.w,
            ws,
            kernels.prox,
            kernels.value_kernel,
            kernels.subdiff_interval,
            kernels.params,
            kernels.weights,
            kernels.lower,
            kernels.upper,
            kernels.is_convex,
            max_epochs,
            inner_tol,
            anderson,
        )

    def gradient(self):
        # the intercept is optimal for every w, so its gradient is 0
        return self.Qw - self.xty, 0.0

    def zero_out(self, features):
        features = features[self.w[features] != 0.0]
        if features.size:
            self.Qw -= self.gram[:, features] @ self.w[features]
            self.w[features] = 0.0


@register_solver
class CoordinateDescent(Solver):
    r"""Cyclic coordinate descent on working sets, for any separable or group penalty.

    Minimises :math:`P(w, b) = \sum_i c_i f(y_i, x_i^\top w + b) + \sum_j c^{G}_j g(w_j)` with
    :math:`l_j \le w_j \le u_j` (``c_i`` normalised sample weights, :math:`c^G_j` the penalty's
    coordinate weights, :math:`l, u` its bounds).  Coordinate ``j`` is updated by

    .. math::
        w_j \leftarrow \operatorname{prox}_{c^G_j g / L_j}\Big(w_j - \frac{1}{L_j}
        \sum_i x_{ij} c_i f'(y_i, x_i^\top w + b)\Big),
        \qquad L_j = \kappa \sum_i c_i x_{ij}^2,

    clipped to :math:`[l_j, u_j]`, with :math:`\kappa` the datafit's ``curvature_bound``.  For the
    quadratic datafit (:math:`\kappa = 1`) this is exact coordinate minimisation; otherwise it is
    a coordinate proximal-gradient step.  Columns with :math:`L_j = 0` stay at 0.  After each
    pass the intercept takes the step :math:`b \leftarrow b - \sum_i c_i f'(y_i, x_i^\top w + b)
    / \kappa` (exactly optimal for the quadratic datafit, since :math:`\sum_i c_i = 1`).

    Algorithm (celer / skglm):

    1. Compute the certificate of ``problem.certificate_at`` (the duality gap relative to the
       objective at ``w = 0`` for convex penalties with a conjugate, else the relative KKT
       violation) at the current point, on *all* features; stop if it is ``<= tol``.
    2. Gap Safe screening (Ndiaye et al. 2017; convex penalties with a kink at 0, no
       unpenalized coordinate, no intercept or the quadratic datafit): with a dual-feasible
       point ``g`` and the gap ``G``,
       :math:`w^\star_j = 0` whenever :math:`[v_j - r_j, v_j + r_j]` lies inside the interior
       of :math:`c^G_j \partial g(0)`, where :math:`v = -X^\top g` and
       :math:`r_j = \sqrt{2 L_j G}` (the dual is :math:`1/\kappa`-strongly concave in the
       :math:`C^{-1}` norm).  Screened features are set to 0 and never visited again.
    3. Working set: the features with the largest optimality violation
       ``subdiff_distance`` (nonzero coefficients always in), of size
       ``max(10, 2 * n_nonzero)``, or ``max(10, 4 * n_nonzero)`` when the previous
       subproblem's nonzero coefficients filled at least 90% of a working set that more
       violating features competed for (the growth phase of a cold start: fewer outer
       iterations, each a full gradient).  A cold start's first working set holds the
       features violating optimality at ``w = 0``, up to ``n_features / 20`` of them.
    4. Solve the subproblem by passes over the working set until its KKT violation is below
       a fraction of the global one: 0.3, except from the second outer iteration of a
       solve started from a nonzero ``w0`` (a path point), where it is
       :math:`\min(0.3, \max(10^{-3}, \tfrac12\,\mathrm{tol} / C))` with :math:`C` the
       relative certificate of step 1 (``_inner_fraction``), extrapolating every 5 passes
       with Anderson acceleration (the extrapolated point is kept only if it lowers the
       objective).  A cold start whose working set holds every violating feature aims at
       that lower fraction for as many passes as one full gradient costs (stored entries of
       ``X`` over those of the working set's columns, ``_pass_budget``), and settles for
       0.3 after them.  The subproblem skips its KKT check pass where the passes' largest
       scaled steps, times the factor the checks so far measured between the two, prove
       it (see :mod:`lpreg.solvers._cd_fast`).  The quadratic datafit's passes run on the
       residual :math:`Xw + b - y`, the others through the datafit's derivative.

    ``max_iter`` bounds the total number of passes (over working sets).

    Non-convex penalties (``penalty.is_convex`` False: Lp with p < 1, MCP, SCAD) use the exact
    non-convex coordinate prox (the global 1-D minimiser) and stop on the KKT violation.  With
    ``init="l1"`` (the default, used when ``w0`` is all zeros) they start from the solution of
    the L1 problem with the same ``alpha`` (``params[0]``), coordinate weights and bounds: for
    MCP and SCAD this is the convex problem with their slope at 0; for Lp (p < 1), whose slope
    at 0 is infinite, it is the problem with :math:`\alpha\sum_j|w_j|`, which agrees with
    :math:`\alpha\sum_j |w_j|^p` at :math:`|w_j| = 1`.  ``init="zero"`` starts from 0 (for Lp
    with p < 1, 0 is always a stationary point, so that start returns 0).  With ``init="l1"``,
    for the quadratic datafit on dense ``X`` with at most 1000 features, a second local search
    starts from the weighted (minimum-norm) least-squares coefficients clipped to the bounds,
    and the fit with the lower objective is returned if it is certified: the flat tails of MCP,
    SCAD and Lp keep large coefficients that the L1 start has shrunk (on hitters, MCP with
    gamma = 3, the L1 start alone stopped at objective 0.27846, the second start reached
    0.26939, skglm 0.27085).

    Group penalties (:class:`~lpreg.GroupLasso`, :class:`~lpreg.SparseGroupLasso`, anything with
    ``group_structure``) use block coordinate descent: group ``g`` with columns :math:`X_g`
    takes the block proximal-gradient step

    .. math::
        w_g \leftarrow \operatorname{prox}_{G_g / L_g}\Big(w_g - \frac{1}{L_g}
        X_g^\top \big(c \odot f'(y, Xw + b)\big)\Big),
        \qquad L_g = \kappa\, \|C^{1/2} X_g\|_2^2,

    with the exact block prox (soft, then block soft thresholding); groups with
    :math:`L_g = 0` are set to 0.  Working sets are built over groups, scored by the group's
    subdifferential distance; steps 1, 3 and 4 are as above, without screening, and with an
    intercept the iteration starts from the intercept optimal at ``w = 0``.  Groups left
    unpenalized (weight 0, no L1 part) are certified by their KKT violation on top of the gap.

    Options (keywords of :func:`lpreg.solve`): ``gram`` (``"auto"``, True, False: coordinate
    descent on the Gram matrix, quadratic datafit only; auto starts on X and, for dense X with
    ``n_samples > 2 n_features`` and at most 2048 features, switches to the Gram matrix once
    the passes spent exceed ``n_features**2 / 3`` column passes, about its cost), ``init``
    (``"l1"`` or ``"zero"``), ``screening``, ``anderson``, ``working_set`` (booleans, default
    True).

    References
    ----------
    Massias, Gramfort, Salmon (2018), Celer: a fast solver for the Lasso with dual
    extrapolation. Bertrand, Klopfenstein, Massias, ... (2022), Beyond L1: faster and better
    sparse models with skglm. Ndiaye, Fercoq, Gramfort, Salmon (2017), Gap Safe screening rules
    for sparsity enforcing penalties.
    """

    name = "coordinate_descent"
    requires = Requirements(datafit=("scalar_kernels",))
    alternatives = 'Use solver="proximal_gradient", which needs only penalty.prox.'
    default_max_iter = 10_000

    def check(self, datafit, penalty):
        """Refuse, before any work, a penalty that is neither separable nor a group penalty."""
        super().check(datafit, penalty)
        if not (penalty.is_separable or _is_group_penalty(penalty)):
            raise ValueError(
                f"{type(self).__name__} cannot solve {type(datafit).__name__} + "
                f"{type(penalty).__name__}: it needs a separable penalty "
                "(penalty.scalar_kernels) or a group penalty (penalty.group_structure). "
                f"{self.alternatives}"
            )

    def _solve(self, problem, w0, intercept0, history):
        options = _check_options(problem)
        n_features = problem.n_features
        if not problem.penalty.is_separable:
            return self._solve_groups(problem, options, w0, intercept0, history)
        kernels = _Kernels.of(problem.penalty, n_features)
        quadratic = type(problem.datafit).__name__ == "Quadratic"
        if problem.fit_intercept and quadratic and not np.any(w0) and intercept0 == 0.0:
            # start from the intercept optimal at w = 0 (the mean of y, the point tol is
            # relative to): at alpha >= alpha_max the first certificate then stops at exactly
            # w = 0.  (Huber's location start made a weighted fit slower: not done there.)
            intercept0 = problem.datafit.intercept_at_zero(problem.y, problem.raw_sample_weight)
            at_zero = True
        else:
            # problem.gradient_at_zero is X^T F'(0, b0) with b0 = 0 without an intercept
            at_zero = not problem.fit_intercept and not np.any(w0)
        engine = _make_engine(problem, options, w0, intercept0, at_zero)
        run = _Run(problem, engine, options, history)
        run.warm = bool(np.any(w0))
        if not kernels.is_convex and options["init"] == "l1" and not np.any(w0):
            l1_kernels = kernels.l1_start()

            def l1_certificate(grad, intercept_grad, distances):
                violation = float(np.max(distances, initial=0.0))
                if problem.fit_intercept:
                    violation = max(violation, abs(intercept_grad))
                return violation / problem.scale_kkt

            run.working_set_loop(l1_kernels, l1_certificate, screening=False, record=False)
        gap = _GapCertificate(problem, engine, kernels)
        run.working_set_loop(
            kernels,
            gap,
            screening=options["screening"] and _can_screen(problem, engine),
            record=True,
        )
        engine = run.engine
        coef = engine.w.astype(problem.dtype)
        # (not when the L1 start ends at w = 0: at alpha >= alpha_max, 0 is the fit)
        start = _least_squares_start(problem, kernels, options, w0) if np.any(coef) else None
        if start is not None:
            # a second local search, from the (minimum-norm) least-squares fit: the flat tails
            # of MCP / SCAD / Lp (p < 1) keep large coefficients, and the L1 start, shrunk
            # towards 0, can end in a worse stationary point.  The lower objective is kept,
            # and only if it is certified too.
            second = _make_engine(problem, options, start, intercept0)
            second_run = _Run(problem, second, options, None)
            second_run.n_epochs = run.n_epochs
            second_run.working_set_loop(
                kernels, _GapCertificate(problem, second, kernels), False, False
            )
            other = second_run.engine
            other_coef = other.w.astype(problem.dtype)
            first_objective = problem.objective(coef.astype(np.float64), engine.intercept)
            other_objective = problem.objective(other_coef.astype(np.float64), other.intercept)
            if (
                other_objective < first_objective
                and problem.certificate_at(other_coef.astype(np.float64), other.intercept)
                <= problem.tol
            ):
                return other_coef, other.intercept, second_run.n_epochs, run.trace
            return coef, engine.intercept, second_run.n_epochs, run.trace
        return coef, engine.intercept, run.n_epochs, run.trace

    def _solve_groups(self, problem, options, w0, intercept0, history):
        groups = _GroupKernels(problem.penalty, problem.n_features)
        if problem.fit_intercept and not np.any(w0) and intercept0 == 0.0:
            # start from the intercept optimal at w = 0 (the point tol is relative to): at
            # alpha >= alpha_max the first certificate then stops at exactly w = 0
            intercept0 = problem.datafit.intercept_at_zero(problem.y, problem.raw_sample_weight)
        engine = _BlockEngine(problem, w0, intercept0, groups)
        run = _Run(problem, engine, options, history)

        def certificate(w, intercept):
            value = problem.certificate_at(w, intercept)
            if problem.certificate == "duality_gap" and np.any(groups.unpenalized):
                grad, _ = engine.gradient()
                distances = groups.group_distances(w, grad)[groups.unpenalized]
                value = max(value, float(np.max(distances)) / problem.scale_kkt)
            return value

        run.group_working_set_loop(groups, certificate)
        coef = engine.w.astype(problem.dtype)
        return coef, engine.intercept, run.n_epochs, run.trace


# the second, least-squares start of the non-convex fits: dense quadratic problems this small
_LSTSQ_MAX_FEATURES = 1000
_LSTSQ_MAX_ENTRIES = 10_000_000


def _least_squares_start(problem, kernels, options, w0):
    """The weighted least-squares coefficients (minimum norm, clipped to the bounds) that
    start the second local search of a non-convex quadratic fit, or None where none runs."""
    if (
        kernels.is_convex
        or options["init"] != "l1"
        or np.any(w0)
        or type(problem.datafit).__name__ != "Quadratic"
        or problem.is_sparse
        or problem.n_features > _LSTSQ_MAX_FEATURES
        or problem.n_samples * problem.n_features > _LSTSQ_MAX_ENTRIES
    ):
        return None
    X = np.asarray(problem.X, dtype=np.float64)
    y = np.asarray(problem.y, dtype=np.float64)
    root = np.sqrt(problem.sample_weight)
    if problem.fit_intercept:
        X = X - problem.sample_weight @ X
        y = y - problem.sample_weight @ y
    with np.errstate(all="ignore"):
        start = np.linalg.lstsq(root[:, None] * X, root * y, rcond=None)[0]
    if not np.all(np.isfinite(start)):
        return None
    return np.clip(start, kernels.lower, kernels.upper)


def _inner_fraction(certificate, tol, aim):
    r"""The fraction of the global KKT violation the next working-set subproblem reaches.

    0.3 (skglm's rule), except when ``aim``: then
    :math:`\min(0.3, \max(10^{-3}, \tfrac12\,\mathrm{tol} / C))` with :math:`C` the
    current relative certificate (kept at 0.3 if :math:`C` is 0 or not finite).  The solver
    aims from the second outer iteration of a warm-started solve (a path point starting from
    the previous solution): its working set already holds about the support, the gap then
    shrinks about in proportion to the violation, and the subproblem aims at half the
    violation that certifies ``tol`` instead of taking one outer iteration (a full gradient)
    per factor 0.3.  On the 100-alpha Lasso paths of ``benchmarks/bench_path.py --quick``
    this halves the outer iterations (572 -> 298 on dense 200 x 1000, 596 -> 307 on
    leukemia) for about as many coordinate updates, and cuts the CPU time by about 20%.
    From a cold start the working set grows over several outer iterations and solving an
    incomplete one finely wastes passes (Lasso at alpha_max / 1000 on dense 200 x 1000:
    more than 10,000 passes, against 6,292 at 0.3), so cold starts keep 0.3, and aim only
    once the working set holds every violating feature, for at most one gradient's worth of
    passes (``_pass_budget``, see ``_Run.working_set_loop``).
    """
    if not aim or not 0.0 < certificate < math.inf:
        return _INNER_FRACTION
    return min(_INNER_FRACTION, max(_INNER_FLOOR, 0.5 * tol / certificate))


def _working_set(distances, nonzero, candidates, ws_size):
    """``(ws, full)``: the nonzero features and the usable ones that violate optimality
    (``distances > 0``), at most ``ws_size`` features in all, sorted; ``full`` says whether
    more features violated than there was room for beside the nonzero ones.

    When they do, only the violating features are ranked (``argpartition`` over them, not over
    all features) and the largest violations fill the room.  Otherwise the set is the nonzero
    features and every violator, nothing else: features at distance 0 are not padded in
    (visiting them cost 18-44% more time for nothing; if the subproblem makes them violate,
    the next outer iteration's certificate sees it).  When nothing is nonzero and nothing
    violates (the intercept alone is off), the ``ws_size`` usable features of largest distance.
    """
    violating = distances > 0.0
    violating &= ~nonzero
    if candidates is not None:
        violating &= candidates
    outside = np.flatnonzero(violating)
    room = ws_size - int(np.count_nonzero(nonzero))
    full = outside.size > room
    if not full and not np.any(nonzero) and not outside.size:
        # nothing nonzero nor violating (the intercept's violation): the largest distances
        n_features = distances.shape[0]
        scores = distances.copy()
        if candidates is not None:
            scores[~candidates] = -np.inf
        top = np.argpartition(scores, n_features - ws_size)[n_features - ws_size :]
        return np.sort(top).astype(np.int64), False
    if full and room > 0:
        top = np.argpartition(distances[outside], outside.size - room)[outside.size - room :]
        outside = outside[top]
    elif full:
        outside = outside[:0]
    ws = np.concatenate([np.flatnonzero(nonzero), outside]).astype(np.int64)
    ws.sort()
    return ws, full


def _pass_budget(problem, ws):
    """How many passes over the working set ``ws`` cost about one full gradient ``X^T g``:
    the stored entries of ``X`` over those of ``X[:, ws]`` (dense: ``n_features / |ws|``),
    at most ``_MAX_PASS_BUDGET``."""
    if not ws.size:
        return 0
    if problem.is_sparse:
        indptr = problem.X.indptr
        in_ws = int(np.sum(indptr[ws + 1] - indptr[ws]))
        total = int(indptr[-1])
    else:
        in_ws, total = ws.size, problem.n_features
    return int(min(_MAX_PASS_BUDGET, total // max(in_ws, 1)))


def _is_group_penalty(penalty):
    return callable(getattr(penalty, "group_structure", None))


def _check_options(problem):
    owner = "CoordinateDescent"
    options = {"gram": "auto", "init": "l1", "screening": True, "anderson": True}
    options["working_set"] = True
    for key, value in problem.extra.items():
        if key not in _OPTIONS:
            raise ValueError(
                f"{owner}: unknown option {key!r}; the options are {sorted(_OPTIONS)}."
            )
        allowed = _OPTIONS[key]
        if not any(value is a or (isinstance(a, str) and value == a) for a in allowed):
            raise ValueError(
                f"{owner}: {key} must be one of {list(allowed)}, got {key}={value!r}."
            )
        options[key] = value
    if options["gram"] is True and type(problem.datafit).__name__ != "Quadratic":
        raise ValueError(
            f"{owner}: gram=True needs the Quadratic datafit, got "
            f"{type(problem.datafit).__name__}; pass gram='auto' or gram=False."
        )
    if options["gram"] is True and not problem.penalty.is_separable:
        raise ValueError(
            f"{owner}: gram=True is for separable penalties, got "
            f"{type(problem.penalty).__name__} (block coordinate descent works on X); pass "
            "gram='auto' or gram=False."
        )
    return options


def _gram_may_pay(problem):
    """Whether ``gram="auto"`` may switch to the Gram engine (quadratic, dense, tall)."""
    return (
        type(problem.datafit).__name__ == "Quadratic"
        and not problem.is_sparse
        and problem.n_samples > 2 * problem.n_features
        and problem.n_features <= _GRAM_MAX_FEATURES
    )


def _make_engine(problem, options, w0, intercept0, at_zero=False):
    # gram="auto" starts on X and switches once the passes spent would have paid for the
    # Gram matrix (see _Run.working_set_loop); at_zero: (w0, intercept0) is the point of
    # problem.gradient_at_zero
    if options["gram"] is True:
        return _GramEngine(problem, w0, intercept0)
    return _DirectEngine(problem, w0, intercept0, at_zero)


def _gram_parts(X, c, y):
    r"""Return ``(X^T C X, X^T C y, X^T c)`` in float64 (sparse X stays sparse until the end;
    dense X: :math:`c_0 X^\top X` for uniform weights, else :math:`(C^{1/2} X)^\top C^{1/2} X`,
    symmetric products)."""
    if sp.issparse(X):
        weighted = sp.diags(c) @ X
        gram = np.asarray((X.T @ weighted).toarray(), dtype=np.float64)
        xty = np.asarray(weighted.T @ y, dtype=np.float64).ravel()
        x_mean = np.asarray(X.T @ c, dtype=np.float64).ravel()
    else:
        X64 = np.asarray(X, dtype=np.float64)
        # a product of a matrix with its own transpose (BLAS syrk, half the work of gemm)
        if c.size and np.all(c == c[0]):
            gram = (X64.T @ X64) * c[0]
        else:
            scaled = np.sqrt(c)[:, None] * X64
            gram = scaled.T @ scaled
        xty = X64.T @ (c * y)
        x_mean = X64.T @ c
    return gram, xty, x_mean


def _check_lipschitz(lipschitz):
    bad = np.flatnonzero(~np.isfinite(lipschitz))
    if bad.size:
        raise FloatingPointError(
            f"CoordinateDescent: the coordinate Lipschitz constant of column {int(bad[0])} "
            "(kappa * sum_i c_i x_ij^2) overflows; standardise X."
        )


def _can_screen(problem, engine):
    """Gap Safe needs a convex penalty with a gap, and a dual point feasible for the intercept."""
    if isinstance(engine, _GramEngine) or problem.certificate != "duality_gap":
        return False
    # unpenalized coordinates constrain the dual (x_j^T g = 0), which the gap does not enforce
    if np.any(problem.penalty.coordinate_weights(problem.n_features) == 0):
        return False
    return not problem.fit_intercept or type(problem.datafit).__name__ == "Quadratic"


class _Run:
    """The outer working-set loop shared by the L1 start and the main problem."""

    def __init__(self, problem, engine, options, history):
        self.problem = problem
        self.engine = engine
        self.options = options
        self.n_epochs = 0
        # (ws, the violation bound it returned) of the last subproblem, see _correct_trust
        self.last_inner = None
        # a solve from a given nonzero w0 (a path point from the previous solution): its
        # subproblems aim at the tolerance from the second outer iteration (_inner_fraction)
        self.warm = False
        self.start = time.perf_counter()
        self.trace = {"objective": [], "certificate": [], "time": []} if history else None

    def _check_finite(self):
        w = self.engine.w
        # one sum is finite when every entry is (an overflowing sum falls through to the test)
        if math.isfinite(float(np.sum(w))) and math.isfinite(self.engine.intercept):
            return
        if not (np.all(np.isfinite(w)) and math.isfinite(self.engine.intercept)):
            raise FloatingPointError(
                f"CoordinateDescent: non-finite iterate after {self.n_epochs} epochs (coordinate "
                "steps 1/L_j); the problem is badly scaled: standardise X."
            )

    def working_set_loop(self, kernels, certificate, screening, record):
        """Outer iterations; ``certificate(grad, intercept_grad, distances)`` returns the
        relative certificate at the current point from the gradient shared with screening
        and the working set (a :class:`_GapCertificate`, or the L1 start's KKT violation)."""
        problem, engine = self.problem, self.engine
        n_features = problem.n_features
        screened = np.zeros(n_features, dtype=bool)
        usable = engine.lipschitz > 0
        all_usable = bool(np.all(usable))
        column_passes = 0
        switch_at = None
        if (
            self.options["gram"] == "auto"
            and isinstance(engine, _DirectEngine)
            and hasattr(certificate, "to_gram")
            and _gram_may_pay(problem)
        ):
            switch_at = n_features**2 / _GRAM_SWITCH_DIVISOR
        last_size, last_full = 0, False
        n_outer = 0
        while True:
            if n_outer == 0:
                self._check_finite()  # later iterates were checked after their subproblem
            grad, intercept_grad = engine.gradient()
            distances = kernels.subdiff_distance(engine.w, grad)
            if self.last_inner is not None:
                self._correct_trust(distances, intercept_grad)
            value = certificate(grad, intercept_grad, distances)
            if record and self.trace is not None:
                rounded = engine.w.astype(problem.dtype).astype(np.float64)
                self.trace["objective"].append(problem.objective(rounded, engine.intercept))
                self.trace["certificate"].append(value)
                self.trace["time"].append(time.perf_counter() - self.start)
            logger.debug("CoordinateDescent: epoch %d, certificate %.3e", self.n_epochs, value)
            if value <= problem.tol or self.n_epochs >= problem.max_iter:
                return
            if screening:
                newly = certificate.screen(grad, intercept_grad) & ~screened
                if np.any(newly):
                    screened |= newly
                    all_usable = False
                    moved = newly & (engine.w != 0.0)
                    if np.any(moved):
                        # the iterate changed: the gradient too
                        engine.zero_out(np.flatnonzero(moved))
                        grad, intercept_grad = engine.gradient()
                        distances = kernels.subdiff_distance(engine.w, grad)
            if all_usable:
                candidates = None
                kkt = float(np.max(distances, initial=0.0))
                n_candidates = n_features
            else:
                candidates = usable & ~screened
                kkt = float(np.max(distances[candidates], initial=0.0))
                n_candidates = int(np.count_nonzero(candidates))
            if problem.fit_intercept:
                kkt = max(kkt, abs(intercept_grad))
            if self.options["working_set"]:
                nonzero = engine.w != 0.0
                n_nonzero = int(np.count_nonzero(nonzero))
                # grow by 4 (not 2) while the last subproblem filled a working set that more
                # violating features competed for (the growth phase of a cold start)
                growth = 4 if last_full and n_nonzero >= _FILLED * last_size else 2
                ws_size = min(n_candidates, max(_MIN_WORKING_SET, growth * n_nonzero))
                if n_nonzero == 0 and n_outer == 0:
                    # a cold start: the first working set holds the violators at w = 0, up to
                    # n_features / 20 of them, not the 10 largest: a pass over a working set
                    # that size costs a twentieth of the full gradient each outer iteration
                    # pays, and starting from 10 spends one outer iteration per factor 4
                    # the set grows (sparse 20000 x 50000 Lasso at alpha_max / 10: 269
                    # violators, 96 nonzero at the optimum, 5 -> 2 outer iterations)
                    n_violating = int(np.count_nonzero(distances > 0.0))
                    cap = n_candidates // _FIRST_WORKING_SET_DIVISOR
                    ws_size = max(ws_size, min(n_violating, cap))
                last_full = False
                if ws_size < n_candidates:
                    ws, last_full = _working_set(distances, nonzero, candidates, ws_size)
                    last_size = ws_size
                elif candidates is None:
                    ws = np.arange(n_features, dtype=np.int64)
                else:
                    ws = np.flatnonzero(candidates).astype(np.int64)
            elif candidates is None:
                ws = np.arange(n_features, dtype=np.int64)
            else:
                ws = np.flatnonzero(candidates).astype(np.int64)
            epochs_before = self.n_epochs
            fraction = _inner_fraction(value, problem.tol, self.warm and n_outer > 0)
            n_outer += 1
            aim, budget = None, 0
            if fraction == _INNER_FRACTION and not last_full and isinstance(engine, _DirectEngine):
                # ws holds every violating feature, so solving it further is not wasted on an
                # incomplete set: an outer iteration (a full gradient) costs as many passes
                # over ws as _pass_budget says, and that many passes may go to solving ws as
                # far as the warm starts aim (see _inner_fraction) before 0.3 of the
                # violation is enough
                aim = _inner_fraction(value, problem.tol, True) * kkt
                budget = _pass_budget(problem, ws)
            self._inner(kernels, ws, fraction * kkt, aim, budget)
            column_passes += (self.n_epochs - epochs_before) * ws.size
            if switch_at is not None and column_passes > switch_at:
                # forming Q = X^T C X costs about n p^2 multiply-adds, a pass over one column
                # about 3 n: past p^2 / 3 column passes, the Gram engine would have been
                # cheaper, so the rest runs on it (at most twice the cost of the better choice).
                # (Q is a symmetric BLAS product, faster per multiply-add than a pass; yet
                # switching at p^2 / 12 or / 30 was no faster on tall 20000 x 100, 20000 x 300
                # and 5000 x 200 Lasso fits, and slower at alpha_max / 1000, where the
                # switch came late and both costs were paid)
                switch_at = None
                engine = self.engine = _GramEngine(problem, engine.w, engine.intercept)
                certificate.to_gram(engine)
                screening = False
                usable = engine.lipschitz > 0
                all_usable = bool(np.all(usable)) and not np.any(screened)

    def group_working_set_loop(self, groups, certificate):
        """The working-set loop over groups: scores are the group violations."""
        problem, engine = self.problem, self.engine
        dtype = problem.dtype
        ws_size = _MIN_WORKING_SET
        group_of = np.empty(problem.n_features, dtype=np.int64)
        group_of[groups.indices] = np.repeat(np.arange(groups.n_groups), np.diff(groups.ptr))
        while True:
            self._check_finite()
            rounded = engine.w.astype(dtype).astype(np.float64)
            value = certificate(rounded, engine.intercept)
            if self.trace is not None:
                self.trace["objective"].append(problem.objective(rounded, engine.intercept))
                self.trace["certificate"].append(value)
                self.trace["time"].append(time.perf_counter() - self.start)
            logger.debug("CoordinateDescent: epoch %d, certificate %.3e", self.n_epochs, value)
            if value <= problem.tol or self.n_epochs >= problem.max_iter:
                return
            grad, intercept_grad = engine.gradient()
            distances = groups.group_distances(engine.w, grad)
            kkt = float(np.max(distances, initial=0.0))
            if problem.fit_intercept:
                kkt = max(kkt, abs(intercept_grad))
            nonzero = np.zeros(groups.n_groups, dtype=bool)
            nonzero[group_of[engine.w != 0.0]] = True
            if self.options["working_set"]:
                ws_size = min(groups.n_groups, max(_MIN_WORKING_SET, 2 * int(nonzero.sum())))
                scores = np.where(nonzero, np.inf, distances)
                ws = np.sort(np.argpartition(-scores, ws_size - 1)[:ws_size])
            else:
                ws = np.arange(groups.n_groups)
            ws = ws.astype(np.int64)
            self._inner(groups, ws, _INNER_FRACTION * kkt, coords=groups.columns(ws))

    def _correct_trust(self, distances, intercept_grad):
        """After each subproblem: if the violation over its working set, read from the outer
        gradient, exceeds the bound the subproblem returned (its checked violation, or
        ``trust`` times its last step when it stopped without the check, see ``_cd_fast``),
        raise ``trust`` by that factor (a design whose coordinates became more coupled as
        the working set grew)."""
        ws, bound = self.last_inner
        self.last_inner = None
        engine = self.engine
        if not isinstance(engine, _DirectEngine) or not bound > 0.0 or not ws.size:
            return
        violation = float(np.max(distances[ws]))
        if self.problem.fit_intercept:
            violation = max(violation, abs(intercept_grad))
        if violation > bound and engine.trust[0] > 0.0:
            engine.trust[0] *= violation / bound

    def _inner(self, kernels, ws, inner_tol, aim_tol=None, min_epochs=0, coords=None):
        """Passes over ``ws`` until its violation is below ``inner_tol`` (below ``aim_tol``
        during the first ``min_epochs`` passes); ``coords`` are the coefficients the passes
        move, in the order of ``iterates`` (``ws`` itself for coordinates, the groups' columns
        for blocks)."""
        problem, engine = self.problem, self.engine
        if coords is None:
            n_epochs, violation = engine.subproblem(
                kernels,
                ws,
                problem.max_iter - self.n_epochs,
                inner_tol,
                self.options["anderson"],
                aim_tol,
                min_epochs,
            )
            self.last_inner = (ws, violation)
            self.n_epochs += n_epochs
            self._check_finite()
            return
        iterates = np.empty((ANDERSON_EPOCHS, coords.shape[0] + 1), dtype=np.float64)
        previous = np.empty(coords.shape[0] + 1, dtype=np.float64)
        while self.n_epochs < problem.max_iter:
            n_epochs = min(ANDERSON_EPOCHS, problem.max_iter - self.n_epochs)
            previous[: coords.shape[0]] = engine.w[coords]
            previous[coords.shape[0]] = engine.intercept
            engine.run(kernels, ws, n_epochs, iterates, False)
            self.n_epochs += n_epochs
            self._check_finite()
            if self.options["anderson"] and n_epochs == ANDERSON_EPOCHS and coords.size:
                points = np.vstack([previous[None, :], iterates])
                extrapolated = anderson_extrapolate(points)
                if extrapolated is not None and np.all(np.isfinite(extrapolated)):
                    candidate = extrapolated[: coords.shape[0]]
                    intercept = (
                        extrapolated[coords.shape[0]]
                        if problem.fit_intercept
                        else engine.intercept
                    )
                    engine.try_point(kernels, coords, candidate, intercept)
            violation = engine.run(kernels, ws, 0, iterates, True)
            if violation <= inner_tol:
                return


class _GapCertificate:
    r"""The relative certificate of :meth:`Problem.evaluate`, from the outer loop's gradient.

    For the direct engine and a penalty using :class:`~lpreg.penalties.base.Penalty`'s own
    ``conjugate`` and ``dual_scaling``, the duality gap is computed as
    :func:`lpreg.certificates.duality_gap_from_gradient` computes it (same dual point
    :math:`s\,g`, same conjugates, the penalty's weights, sides and radius read once) but from
    the maintained ``Xw`` and the gradient the working set needs anyway, instead of two new
    products with ``X``.  A value ``<= tol`` is confirmed by ``problem.certificate_at`` at the
    coefficients rounded to the problem's dtype before the loop stops.  Other cases (Gram
    engine, penalties overriding the conjugate) call ``problem.certificate_at`` directly; KKT
    certificates are the relative maximal distance, as there, confirmed the same way.  Away
    from ``tol`` (``<= tol / 2`` in float64) the drift of ``Xw`` (rounding) cannot matter and
    the confirmation is skipped.
    """

    def __init__(self, problem, engine, kernels):
        penalty = problem.penalty
        self.problem = problem
        self.engine = engine
        self.kernels = kernels
        self.is_gap = problem.certificate == "duality_gap"
        self.fast = (
            self.is_gap
            and isinstance(engine, _DirectEngine)
            and type(penalty).conjugate is Penalty.conjugate
            and type(penalty).dual_scaling is Penalty.dual_scaling
        )
        self.dual = None
        if self.fast:
            n_features = problem.n_features
            weights = kernels.weights
            self.active = weights > 0
            self.all_active = bool(np.all(self.active))
            self.active_weights = weights[self.active]
            positive, negative = penalty._conjugate_sides(n_features)
            self.sides = None if np.all(positive) and np.all(negative) else (positive, negative)
            self.radius = penalty._conjugate_radius()
            self.unpenalized = ~self.active

    def to_gram(self, engine):
        """Follow the switch to the Gram engine (which certifies through the problem)."""
        self.engine = engine
        self.fast = False
        self.dual = None

    def _effective(self, v):
        if self.sides is None:
            return v
        positive, negative = self.sides
        return np.where(v > 0, np.where(positive, v, 0.0), np.where(negative, v, 0.0))

    def dual_scaling(self, v):
        """``penalty.dual_scaling(v)`` (see :meth:`Penalty.dual_scaling`)."""
        if math.isinf(self.radius) or not self.active_weights.size:
            return 1.0
        v_eff = self._effective(v)
        if not self.all_active:
            v_eff = v_eff[self.active]
        with np.errstate(divide="ignore", invalid="ignore"):  # radius 0 (alpha=0): ratio inf
            ratio = np.max(np.abs(v_eff) / (self.active_weights * self.radius))
        if np.isnan(ratio):
            ratio = 0.0 if not np.any(v_eff) else math.inf
        return 1.0 if ratio <= 1.0 else float(1.0 / ratio)

    def conjugate(self, v):
        """``penalty.conjugate(v)`` (see :meth:`Penalty.conjugate`)."""
        if not self.active_weights.size:
            return 0.0
        v_eff = self._effective(v)
        if not self.all_active:
            v_eff = v_eff[self.active]
        scaled = v_eff / self.active_weights
        radius = self.radius
        if np.any(np.abs(scaled) > radius * (1 + 1e-12)):
            return math.inf
        scaled = np.clip(scaled, -radius, radius)
        return float(np.sum(self.active_weights * self.problem.penalty._conjugate(scaled)))

    def __call__(self, grad, intercept_grad, distances):
        problem, engine = self.problem, self.engine
        if not self.is_gap:
            kkt = float(np.max(distances, initial=0.0))
            if problem.fit_intercept:
                kkt = max(kkt, abs(intercept_grad))
            kkt /= problem.scale_kkt
            if kkt <= problem.tol and (kkt > 0.5 * problem.tol or problem.dtype != np.float64):
                rounded = engine.w.astype(problem.dtype).astype(np.float64)
                kkt = problem.certificate_at(rounded, engine.intercept)
            return kkt
        if not self.fast:
            rounded = engine.w.astype(problem.dtype).astype(np.float64)
            return problem.certificate_at(rounded, engine.intercept)
        # duality_gap_from_gradient with the maintained Xw + b and the shared gradient
        predictor, g = engine.last
        c = problem.raw_sample_weight
        intercept = engine.intercept
        primal = problem.datafit.value(problem.y, predictor, c) + self.kernels.penalty_value(
            engine.w
        )
        v = -grad
        scale = self.dual_scaling(v)
        scaled_g = scale * g
        dual = -problem.datafit.conjugate(problem.y, scaled_g, c) + intercept * scaled_g.sum()
        dual -= self.conjugate(scale * v)
        self.dual = (scale, primal, dual)
        gap = max(primal - dual, 0.0) if math.isfinite(dual) else math.inf
        gap /= problem.scale_gap
        if problem.fit_intercept or not self.all_active:
            # the gap holds b and the unpenalized coordinates fixed: certify them by KKT
            rest = float(np.max(distances[self.unpenalized], initial=0.0))
            intercept_violation = abs(intercept_grad) if problem.fit_intercept else 0.0
            gap = max(gap, max(rest, intercept_violation) / problem.scale_kkt)
        if gap <= problem.tol and (gap > 0.5 * problem.tol or problem.dtype != np.float64):
            # close to tol (or float32 coefficients): confirm on the coefficients returned,
            # with the products recomputed from scratch (the maintained Xw drifts by rounding)
            rounded = engine.w.astype(problem.dtype).astype(np.float64)
            gap = problem.certificate_at(rounded, intercept)
        return gap

    def screen(self, grad, intercept_grad):
        """Features the Gap Safe sphere test proves zero at the optimum (see the class Notes
        of :class:`CoordinateDescent`); called right after ``__call__`` at the same point."""
        problem, engine, kernels = self.problem, self.engine, self.kernels
        penalty = problem.penalty
        n_features = problem.n_features
        no_screen = np.zeros(n_features, dtype=bool)
        low, high = penalty.scalar_kernels.subdiff_interval(0.0, penalty.params)
        if not (low < 0.0 < high) or math.isinf(low) or math.isinf(high):
            return no_screen
        predictor, g = engine.last
        v = -grad
        if problem.fit_intercept or self.dual is None:
            c = problem.sample_weight
            if problem.fit_intercept:
                # joint dual: sum_i g_i = 0 (the quadratic conjugate is finite everywhere), and
                # X^T (g - c sum(g)) = X^T g - x_mean sum(g)
                g = g - c * intercept_grad
                v = v + engine.x_mean * intercept_grad
            dual_scaling = self.dual_scaling if self.fast else penalty.dual_scaling
            conjugate = self.conjugate if self.fast else penalty.conjugate
            scale = dual_scaling(v)
            dual = -problem.datafit.conjugate(problem.y, scale * g, problem.raw_sample_weight)
            dual -= conjugate(scale * v)
            primal = problem.datafit.value(
                problem.y, predictor, problem.raw_sample_weight
            ) + kernels.penalty_value(engine.w)
        else:
            scale, primal, dual = self.dual
        gap = primal - dual
        if not math.isfinite(gap):
            return no_screen
        gap = max(gap, 0.0)
        v = scale * v
        radius = np.sqrt(2.0 * engine.lipschitz * gap)
        weights = kernels.weights
        return (weights > 0) & (v - radius > weights * low) & (v + radius < weights * high)
