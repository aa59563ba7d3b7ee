r"""Accelerated proximal gradient for penalised multinomial logistic regression, certified.

.. math::
    \min_{W \in \mathbb{R}^{p \times K},\, b \in \mathbb{R}^K}\;
    \sum_{i=1}^{n} c_i \Big[\log \sum_{k} e^{x_i^\top W_{:k} + b_k} - (x_i^\top W_{:y_i}
    + b_{y_i})\Big] + \sum_{k=1}^{K} G(W_{:k})

with :math:`c_i = s_i / \sum_l s_l` (:class:`lpreg.datafits.Multinomial`) and ``G`` either a
separable :class:`~lpreg.penalties.Penalty` applied to every column of ``W`` (L1, L2, Elastic
Net, ``penalty_factor``, bounds; non-convex ones too), or :class:`RowGroupLasso`,
:math:`\alpha \sum_j c_j \|W_{j:}\|_2`, which zeroes whole features across the ``K`` classes.

Algorithm: FISTA with backtracking and function-value restart (:func:`_fista`).  By Böhning's
bound the Hessian of the datafit is at most :math:`\frac12 [X, 1]^\top C [X, 1] \otimes I_K`.
With an intercept the problem is solved in the centred design :math:`X_c = X - 1 m^\top`,
:math:`m = X^\top c` (an exact reparametrisation, :math:`b' = b + W^\top m`), where that bound
is block diagonal, :math:`\operatorname{diag}(\frac12 \|C^{1/2} X_c\|_2^2, \frac12)`: the
intercepts get their own step, instead of the coefficients' (on khan, 160 times smaller).
Dense ``X`` is centred once; sparse CSC ``X`` is never densified (the centring is applied to
each product); float32 ``X`` stays float32 (arithmetic in float64).  The step on ``W`` is the
prox of ``G`` (elementwise for separable ``G``, one compiled call on the whole matrix; block
soft thresholding for :class:`RowGroupLasso`).

Stopping: every ``check_every`` iterations the duality gap (see :func:`multinomial_duality_gap`)
relative to the objective at ``W = 0`` (intercepts optimal if fitted) is computed from the
coefficients; non-convex separable penalties use the KKT violation relative to
:math:`\|\nabla_W F(0)\|_\infty`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from lpreg.datafits.base import NormalizedWeights, normalized_sample_weight
from lpreg.datafits.multinomial import Multinomial, softmax_loss
from lpreg.penalties.base import Penalty, _prox_vector_call, _value_vector_call
from lpreg.solvers.base import FLOAT32_TOL_FLOOR, _conjugate_domain_is_trivial

__all__ = [
    "MultinomialResult",
    "RowGroupLasso",
    "multinomial_duality_gap",
    "solve_multinomial",
]

SOLVER_NAME = "multinomial_fista"
# below this many multiply-adds per product (n * p * K), BLAS runs on one thread
_SINGLE_THREAD_SIZE = 2**22


@dataclass(frozen=True)
class RowGroupLasso:
    r"""Row-sparse penalty on a coefficient matrix: :math:`G(W) = \alpha \sum_j c_j \|W_{j:}\|_2`.

    The rows of ``W`` (one per feature, ``K`` class coefficients each) are the groups, so a
    feature is used for every class or for none.  Its prox with step ``t`` is block soft
    thresholding, :math:`W_{j:} \max(0, 1 - t \alpha c_j / \|W_{j:}\|_2)`, and its conjugate
    is the indicator of :math:`\{V: \|V_{j:}\|_2 \le \alpha c_j\ \forall j\}`.

    Parameters
    ----------
    alpha : float
        Strength, ``>= 0``.
    weights : ndarray of shape (n_features,) or None
        Per-feature weights :math:`c_j \ge 0` (None: all 1; 0 leaves a feature unpenalised).
    """

    alpha: float
    weights: np.ndarray | None = None

    is_convex = True

    def row_weights(self, n_features):
        if self.weights is None:
            return np.ones(n_features)
        return np.asarray(self.weights, dtype=np.float64)

    def value(self, W):
        W = np.asarray(W, dtype=np.float64)
        return float(self.alpha * np.dot(self.row_weights(W.shape[0]), np.linalg.norm(W, axis=1)))


@dataclass
class MultinomialResult:
    """What :func:`solve_multinomial` returns.

    Attributes
    ----------
    coef : ndarray of shape (n_features, n_classes)
        ``W`` (dtype of ``X``).
    intercept : ndarray of shape (n_classes,)
        ``b`` (zeros when not fitted).
    n_iter : int
        Epochs used.
    certificate : str
        ``"duality_gap"`` or ``"kkt_violation"``.
    gap : float or None
        Relative duality gap at ``coef`` (None for non-convex penalties).
    kkt_violation : float
        Relative KKT violation at ``coef``.
    converged : bool
    objective : float
    solver : str
    """

    coef: np.ndarray
    intercept: np.ndarray
    n_iter: int
    certificate: str
    gap: float | None
    kkt_violation: float
    converged: bool
    objective: float
    solver: str = SOLVER_NAME


# ---------------------------------------------------------------------------------------------
# certificates
# ---------------------------------------------------------------------------------------------


def _penalty_value(penalty, W):
    if isinstance(penalty, RowGroupLasso):
        return penalty.value(W)
    return float(sum(penalty.value(W[:, k]) for k in range(W.shape[1])))


def _subdiff_distances(penalty, W, grad):
    """Per-feature optimality violation of ``W`` given ``grad = X.T @ R`` (Euclidean over the
    K classes for the row penalty, max over classes for separable ones)."""
    if isinstance(penalty, RowGroupLasso):
        weights = penalty.row_weights(W.shape[0]) * penalty.alpha
        norms = np.linalg.norm(W, axis=1)
        active = norms > 0
        distance = np.empty(W.shape[0])
        unit = W[active] / norms[active, None]
        distance[active] = np.linalg.norm(grad[active] + weights[active, None] * unit, axis=1)
        gradient_norms = np.linalg.norm(grad[~active], axis=1)
        distance[~active] = np.maximum(gradient_norms - weights[~active], 0.0)
        return distance
    columns = [penalty.subdiff_distance(W[:, k], grad[:, k]) for k in range(W.shape[1])]
    return np.max(np.column_stack(columns), axis=1)


def _dual_scaling_and_conjugate(penalty, V):
    """Largest ``s`` in (0, 1] with ``G*(s V)`` finite, and ``G*(s V)`` (coordinates of weight
    0 are left out: the KKT part of the certificate covers them)."""
    if isinstance(penalty, RowGroupLasso):
        bound = penalty.alpha * penalty.row_weights(V.shape[0])
        active = bound > 0
        norms = np.linalg.norm(V[active], axis=1)
        ratio = np.max(norms / bound[active], initial=0.0)
        return (1.0 if ratio <= 1.0 else 1.0 / ratio), 0.0
    scale = min(penalty.dual_scaling(V[:, k]) for k in range(V.shape[1]))
    conjugate = sum(penalty.conjugate(scale * V[:, k]) for k in range(V.shape[1]))
    return scale, conjugate


def multinomial_duality_gap(X, codes, W, b, penalty, sample_weight=None):
    r"""Return ``(gap, primal, dual)`` of the multinomial problem, intercepts fixed at ``b``.

    With :math:`R = c \odot (\operatorname{softmax}(XW + 1b^\top) - E)`, the dual point
    :math:`\Theta = sR` with the largest :math:`s \in (0, 1]` keeping
    :math:`G^*(-s X^\top R)` finite gives

    .. math::
        D = -\sum_i c_i f^*(\theta_i / c_i) + b^\top \Theta^\top 1 - G^*(-X^\top \Theta),
        \qquad \mathrm{gap} = P(W, b) - D \ge 0,

    where :math:`f^*` is the negative entropy of the simplex shifted by the label
    (:meth:`lpreg.datafits.Multinomial.conjugate`) and :math:`G^*` is applied column by column
    for separable penalties.  ``penalty`` must be convex.
    """
    datafit = Multinomial()
    W = np.asarray(W, dtype=np.float64)
    Z = np.asarray(X @ W, dtype=np.float64) + b
    R = datafit.raw_gradient(codes, Z, sample_weight)
    grad = np.asarray(X.T @ R, dtype=np.float64)
    return _gap_from_gradient(codes, W, b, Z, R, grad, penalty, sample_weight)


def _gap_from_gradient(codes, W, b, Z, R, grad, penalty, sample_weight):
    datafit = Multinomial()
    primal = datafit.value(codes, Z, sample_weight) + _penalty_value(penalty, W)
    scale, penalty_conjugate = _dual_scaling_and_conjugate(penalty, -grad)
    Theta = scale * R
    dual = -datafit.conjugate(codes, Theta, sample_weight) + float(b @ Theta.sum(axis=0))
    dual -= penalty_conjugate
    if not math.isfinite(dual):
        return math.inf, primal, dual
    return max(primal - dual, 0.0), primal, dual


def _unpenalized(penalty, n_features):
    if isinstance(penalty, RowGroupLasso):
        return penalty.row_weights(n_features) == 0
    return penalty.coordinate_weights(n_features) == 0


# ---------------------------------------------------------------------------------------------
# the solver
# ---------------------------------------------------------------------------------------------


def _check_penalty(penalty, n_features):
    if isinstance(penalty, RowGroupLasso):
        return
    if not getattr(penalty, "is_separable", False) or penalty.scalar_kernels is None:
        raise ValueError(
            f"solve_multinomial: the penalty must be separable (applied to each class's "
            f"coefficients) or RowGroupLasso, got {type(penalty).__name__}; for a group "
            "penalty across the classes of each feature use RowGroupLasso(alpha)."
        )
    penalty._check_length(n_features)


def _prox(penalty, W, step):
    """``argmin_U 1/2 ||U - W||_F^2 + step G(U)`` for the coefficient matrix ``W``."""
    if isinstance(penalty, RowGroupLasso):
        threshold = step * penalty.alpha * penalty.row_weights(W.shape[0])
        return _block_soft_threshold(W, threshold)
    if penalty.n_features_required is None:  # no per-feature data: one call on all entries
        return penalty.prox(W.ravel(), step).reshape(W.shape)
    return np.column_stack([penalty.prox(W[:, k], step) for k in range(W.shape[1])])


def _block_soft_threshold(W, threshold):
    """Each row ``W_j`` times ``max(0, 1 - threshold_j / ||W_j||_2)``."""
    norms = np.linalg.norm(W, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        shrink = np.where(norms > threshold, 1.0 - threshold / norms, 0.0)
    return W * shrink[:, None]


class _MatrixPenalty:
    """``G`` on the whole coefficient matrix: its value and prox in one call per evaluation.

    A separable penalty using the generic :class:`~lpreg.penalties.Penalty` loops is applied
    to ``W.ravel()`` (row-major, so entry ``(j, k)`` takes feature ``j``'s weight and bounds,
    repeated over the ``K`` classes) by one compiled loop; the solver evaluates it every
    iteration, where ``K`` separate ``penalty.value``/``prox`` calls cost more than the
    arithmetic on small problems.  Any other penalty goes through its own methods.
    """

    def __init__(self, penalty, n_features, n_classes):
        self.penalty = penalty
        self.is_row = isinstance(penalty, RowGroupLasso)
        cls = type(penalty)
        self.is_generic = (
            not self.is_row and cls.prox is Penalty.prox and cls.value is Penalty.value
        )
        if self.is_row:
            self.row_thresholds = penalty.alpha * penalty.row_weights(n_features)
        elif self.is_generic:
            kernels = penalty.scalar_kernels
            self.prox_kernel, self.value_kernel = kernels.prox, kernels.value
            self.params = penalty.params
            self.weights = np.repeat(penalty.coordinate_weights(n_features), n_classes)
            lower, upper = penalty.coordinate_bounds(n_features)
            self.lower = np.repeat(np.asarray(lower, dtype=np.float64), n_classes)
            self.upper = np.repeat(np.asarray(upper, dtype=np.float64), n_classes)
            self.is_bounded = bool(np.any(np.isfinite(self.lower) | np.isfinite(self.upper)))
            self.is_convex = bool(penalty.is_convex)

    def value(self, W):
        if self.is_row:
            return float(np.dot(self.row_thresholds, np.linalg.norm(W, axis=1)))
        if not self.is_generic:
            return _penalty_value(self.penalty, W)
        w = np.ascontiguousarray(W, dtype=np.float64).ravel()
        if self.is_bounded and (np.any(w < self.lower) or np.any(w > self.upper)):
            return math.inf
        return float(_value_vector_call(self.value_kernel, w, self.params, self.weights))

    def prox(self, W, step):
        if self.is_row:
            return _block_soft_threshold(W, step * self.row_thresholds)
        if not self.is_generic:
            return _prox(self.penalty, W, step)
        W = np.ascontiguousarray(W, dtype=np.float64)
        out = np.empty_like(W)
        _prox_vector_call(
            self.prox_kernel, self.value_kernel, W.ravel(), float(step), self.params,
            self.weights, self.lower, self.upper, self.is_convex, out.ravel(),
        )  # fmt: skip
        return out


class _CentredDesign:
    r"""Products with :math:`X_c = X - 1 m^\top`, :math:`m = X^\top c` (or with ``X`` itself).

    With an intercept the problem is solved in :math:`(W, b' = b + W^\top m)`, for which
    :math:`x_i^\top W + b = (x_i - m)^\top W + b'` and the Hessian bound
    :math:`\frac12 [X_c, 1]^\top C [X_c, 1] \otimes I_K` is block diagonal (:math:`X_c^\top c
    = 0`): ``W`` and ``b'`` get their own curvature.  Dense ``X`` is centred once; sparse ``X``
    stays sparse and the centring is applied to each product (:math:`X W - 1 m^\top W` and
    :math:`X^\top R - m 1^\top R`).
    """

    def __init__(self, X, c, fit_intercept, dtype):
        self.is_sparse = sp.issparse(X)
        self.offset = None
        self.implicit = False
        if fit_intercept:
            self.offset = np.asarray(X.T @ c, dtype=np.float64).ravel()
            if self.is_sparse:
                self.implicit = True
            else:
                X = np.ascontiguousarray(X - self.offset.astype(dtype))
        self.X = X

    def scores(self, W):
        Z = np.asarray(self.X @ W, dtype=np.float64)
        if self.implicit:
            Z -= self.offset @ W
        return Z

    def gradient(self, R):
        grad = np.asarray(self.X.T @ R, dtype=np.float64)
        if self.implicit:
            grad -= np.outer(self.offset, R.sum(axis=0))
        return grad

    def squared_norm_bound(self, c):
        r""":math:`\|C^{1/2} X_c\|_2^2` for dense ``X``; for sparse ``X`` the upper bound
        :math:`\|C^{1/2} X\|_2^2` (centring is a projection in the ``c``-weighted metric, so
        it does not increase the norm)."""
        return _squared_spectral_norm(self.X, c, fit_intercept=False)


def solve_multinomial(
    X,
    codes,
    n_classes,
    penalty,
    *,
    sample_weight=None,
    fit_intercept=True,
    tol=1e-6,
    max_iter=1000,
    coef0=None,
    intercept0=None,
    check_every=10,
    owner="solve_multinomial",
):
    r"""Fit penalised multinomial logistic regression by accelerated proximal gradient.

    Parameters
    ----------
    X : ndarray or scipy.sparse matrix of shape (n_samples, n_features)
        float64 or float32; sparse input is used as CSC.
    codes : ndarray of int of shape (n_samples,)
        Class codes in ``0..n_classes-1`` (:meth:`lpreg.datafits.Multinomial.encode_labels`).
    n_classes : int
        ``K >= 2``.
    penalty : Penalty or RowGroupLasso
        ``G``, applied to each column of ``W`` if separable.
    sample_weight : ndarray of shape (n_samples,), default=None
    fit_intercept : bool, default=True
    tol : float, default=1e-6
        Target of the relative certificate (floored at 1.9e-6 for float32 ``X``).
    max_iter : int, default=1000
        Maximum iterations (one proximal gradient step each).
    coef0, intercept0 : ndarray, default=None
        Warm start, shapes (n_features, n_classes) and (n_classes,).
    check_every : int, default=10
        Iterations between two certificate evaluations.

    Returns
    -------
    MultinomialResult

    Raises
    ------
    FloatingPointError
        If an iterate becomes non-finite.

    Warns
    -----
    ConvergenceWarning
        If the certificate has not reached ``tol`` after ``max_iter`` iterations.
    """
    is_sparse = sp.issparse(X)
    if is_sparse:
        X = sp.csc_matrix(X)
        X.sort_indices()
    else:
        X = np.ascontiguousarray(X)
    dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.dtype(np.float64)
    if X.dtype != dtype:
        X = X.astype(np.float64)
    n_samples, n_features = X.shape
    codes = np.ascontiguousarray(codes, dtype=np.int64)
    c = np.ascontiguousarray(normalized_sample_weight(sample_weight, n_samples, owner))
    c = c.view(NormalizedWeights)  # validated once; every evaluation below reuses it
    datafit = Multinomial()
    if dtype == np.float32:
        tol = max(tol, FLOAT32_TOL_FLOOR)
    _check_penalty(penalty, n_features)
    convex = bool(penalty.is_convex)
    certificate = "duality_gap" if convex else "kkt_violation"
    trivial = (
        penalty.alpha == 0.0
        if isinstance(penalty, RowGroupLasso)
        else _conjugate_domain_is_trivial(penalty)
    )
    if certificate == "duality_gap" and trivial:
        certificate = "kkt_violation"  # G* is the indicator of {0}: the gap is the primal

    # scale of the relative certificates: the problem at W = 0
    b_zero = (
        datafit.intercept_at_zero(codes, n_classes, c) if fit_intercept else np.zeros(n_classes)
    )
    Z_zero = np.tile(b_zero, (n_samples, 1))
    scale_gap = max(datafit.value(codes, Z_zero, c), 1e-300)
    grad_zero = np.asarray(X.T @ datafit.raw_gradient(codes, Z_zero, c), dtype=np.float64)
    scale_kkt = max(float(np.max(np.abs(grad_zero), initial=0.0)), 1e-12)

    W = np.zeros((n_features, n_classes))
    b = b_zero.copy()
    if coef0 is not None:
        W[:] = np.asarray(coef0, dtype=np.float64)
    if intercept0 is not None and fit_intercept:
        b[:] = np.asarray(intercept0, dtype=np.float64)

    design = _CentredDesign(X, c, fit_intercept, dtype)
    if design.offset is not None:
        b += design.offset @ W  # x'W + b = (x - m)'W + (b + m'W)
    unpenalized = _unpenalized(penalty, n_features)
    matrix_penalty = _MatrixPenalty(penalty, n_features, n_classes)

    def evaluate(W_now, b_now, Z_now):
        """``(objective, gap or None, kkt)`` at ``(W_now, b_now)`` with scores ``Z_now``."""
        _, R = softmax_loss(codes, Z_now, c)
        grad = design.gradient(R)
        distances = _subdiff_distances(penalty, W_now, grad)
        intercept_violation = float(np.max(np.abs(R.sum(axis=0)))) if fit_intercept else 0.0
        kkt = max(float(np.max(distances, initial=0.0)), intercept_violation) / scale_kkt
        if certificate == "kkt_violation":
            objective = softmax_loss(codes, Z_now, c, with_gradient=False)[0]
            return objective + matrix_penalty.value(W_now), None, kkt
        gap, objective, _ = _gap_from_gradient(codes, W_now, b_now, Z_now, R, grad, penalty, c)
        gap /= scale_gap
        if fit_intercept or np.any(unpenalized):
            rest = float(np.max(distances[unpenalized], initial=0.0))
            gap = max(gap, max(rest, intercept_violation) / scale_kkt)
        return objective, gap, kkt

    # Small products run faster on one BLAS thread (no thread start-up or contention per call)
    small = n_samples * n_features * n_classes <= _SINGLE_THREAD_SIZE
    with threadpool_limits(limits=1 if small else None, user_api="blas"):
        W, b, n_iter, objective, gap, kkt = _fista(
            design, codes, c, matrix_penalty, W, b, evaluate, fit_intercept, tol, max_iter,
            check_every,
        )  # fmt: skip
    value_reached = kkt if gap is None else gap
    converged = value_reached <= tol
    if not converged:
        what = "duality gap" if gap is not None else "KKT violation"
        relative = "the objective at w=0" if gap is not None else "the gradient at w=0"
        warnings.warn(
            f"{SOLVER_NAME} stopped at max_iter={max_iter} with {what} {value_reached:.1e} > "
            f"tol {tol:.1e} (relative to {relative}). Increase max_iter or standardise X; a "
            "tiny alpha is nearly unregularised.",
            ConvergenceWarning,
            stacklevel=2,
        )
    if design.offset is not None:
        b = b - design.offset @ W
    return MultinomialResult(
        coef=W.astype(dtype, copy=False),
        intercept=b.astype(dtype, copy=False) if fit_intercept else np.zeros(n_classes, dtype),
        n_iter=n_iter,
        certificate=certificate,
        gap=gap,
        kkt_violation=kkt,
        converged=bool(converged),
        objective=objective,
    )


def _fista(design, codes, c, penalty, W, b, evaluate, fit_intercept, tol, max_iter, check_every):
    r"""FISTA in the metric :math:`L\,\mathrm{diag}(I_W, \rho I_b)`, with backtracking on
    :math:`L` (which may also shrink again) and function-value restart (O'Donoghue and Candès
    2015).

    :math:`\rho = L_b / L_W` is the ratio of the intercepts' curvature bound
    (:math:`\frac12 \sum_i c_i = \frac12`) to the coefficients' (:math:`\frac12
    \|C^{1/2} X_c\|_2^2`): with the centred design the Hessian bound is block diagonal, so at
    :math:`L = L_W` the metric majorises the datafit and the backtracking stops there.  The
    scores are linear in :math:`(W, b)`, so those of the extrapolated point are the same
    combination of two known score matrices: one product with ``X`` per trial step and one
    with ``X^T`` per iteration.
    """
    lipschitz = max(0.5 * design.squared_norm_bound(c), 1e-12)
    rho = 0.5 / lipschitz if fit_intercept else 1.0
    L = lipschitz * 1e-2
    Z = design.scores(W) + b
    W_extra, b_extra, Z_extra = W, b, Z
    momentum = 1.0
    objective, gap, kkt = evaluate(W, b, Z)
    previous = objective
    n_iter = 0
    while (kkt if gap is None else gap) > tol and n_iter < max_iter:
        for _ in range(min(check_every, max_iter - n_iter)):
            smooth_extra, R = softmax_loss(codes, Z_extra, c)
            grad_W = design.gradient(R)
            grad_b = R.sum(axis=0) if fit_intercept else None
            L = max(L * 0.8, 1e-12)
            while True:
                W_new = penalty.prox(W_extra - grad_W / L, 1.0 / L)
                step_W = W_new - W_extra
                Z_new = design.scores(W_new)
                linear = float(np.sum(grad_W * step_W))
                quadratic = float(np.sum(step_W**2))
                if fit_intercept:
                    step_b = -grad_b / (rho * L)
                    b_new = b_extra + step_b
                    linear += float(grad_b @ step_b)
                    quadratic += rho * float(step_b @ step_b)
                else:
                    b_new = b_extra
                Z_new += b_new
                smooth_new = softmax_loss(codes, Z_new, c, with_gradient=False)[0]
                if smooth_new <= smooth_extra + linear + 0.5 * L * quadratic or L >= lipschitz:
                    break
                L = min(2.0 * L, lipschitz)
            current = smooth_new + penalty.value(W_new)
            n_iter += 1
            if not math.isfinite(current):
                raise FloatingPointError(
                    f"{SOLVER_NAME} produced a non-finite objective at iteration {n_iter} "
                    f"with step 1/L = {1.0 / L:.3g}; the problem is badly scaled (standardise X)."
                )
            if current > previous and momentum > 1.0:
                # restart: drop the momentum and take a plain prox-gradient step from W
                momentum = 1.0
                W_extra, b_extra, Z_extra = W, b, Z
                continue
            next_momentum = 0.5 * (1.0 + math.sqrt(1.0 + 4.0 * momentum**2))
            beta = (momentum - 1.0) / next_momentum
            W_extra = W_new + beta * (W_new - W)
            b_extra = b_new + beta * (b_new - b)
            Z_extra = Z_new + beta * (Z_new - Z)
            W, b, Z, momentum, previous = W_new, b_new, Z_new, next_momentum, current
        objective, gap, kkt = evaluate(W, b, Z)
    return W, b, n_iter, objective, gap, kkt


def _squared_spectral_norm(X, c, fit_intercept):
    r"""Return :math:`\|C^{1/2} [X, 1]\|_2^2` (the column of ones only with an intercept)."""
    root = np.sqrt(c)
    if sp.issparse(X):
        scaled = sp.diags(root) @ X
        if fit_intercept:
            scaled = sp.hstack([scaled, sp.csc_matrix(root[:, None])]).tocsc()
        largest = float(np.max(np.abs(scaled.data), initial=0.0))
        if min(scaled.shape) <= 2 or largest == 0.0:
            return float(np.linalg.norm(scaled.toarray(), 2)) ** 2
        # ARPACK fails on entries near 1e-300 (its start vector underflows): rescale
        unit = scaled / largest
        # a fixed start vector: ARPACK's random one makes the step sizes, and so the iteration
        # count, differ from one run to the next
        start = np.random.default_rng(0).uniform(0.5, 1.5, size=min(unit.shape))
        singular = sp.linalg.svds(unit, k=1, v0=start, return_singular_vectors=False)[0]
        return (largest * float(singular)) ** 2
    scaled = root[:, None] * np.asarray(X, dtype=np.float64)
    if fit_intercept:
        scaled = np.column_stack([scaled, root])
    gram = scaled @ scaled.T if scaled.shape[0] <= scaled.shape[1] else scaled.T @ scaled
    return float(np.linalg.eigvalsh(gram)[-1])
