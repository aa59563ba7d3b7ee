r"""Iteratively reweighted L1 for separable penalties concave in :math:`|w|` (Lp p<1, MCP, SCAD).

Each outer step replaces the concave :math:`g(|w_j|)` by its tangent at the current iterate
and solves the weighted-L1 problem this gives; a final coordinate descent with the exact
(non-convex) prox polishes the point until the KKT violation of the original problem is at
most ``tol``.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
from numba import njit
from sklearn.exceptions import ConvergenceWarning

from lpreg.penalties.base import prox_coordinate
from lpreg.solvers.base import Requirements, Solver, register_solver

__all__ = ["ReweightedL1"]


# --------------------------------------------------------------------------------------------
# the polish: coordinate proximal-gradient passes with the exact prox (uncached: they take
# kernels as arguments, see lpreg.penalties.base)
# --------------------------------------------------------------------------------------------


@njit
def _polish_epoch_dense(
    derivative, prox, value, X, y, c, datafit_params, z, w, intercept, lipschitz, curvature,
    params, weights, lower, upper, is_convex, fit_intercept,
):  # fmt: skip
    n_samples, n_features = X.shape
    for j in range(n_features):
        if lipschitz[j] <= 0.0:
            continue
        grad = 0.0
        for i in range(n_samples):
            grad += X[i, j] * c[i] * derivative(y[i], z[i], datafit_params)
        step = 1.0 / lipschitz[j]
        new = prox_coordinate(
            prox, value, w[j] - step * grad, step, params, weights[j], lower[j], upper[j],
            is_convex,
        )  # fmt: skip
        change = new - w[j]
        if change != 0.0:
            w[j] = new
            for i in range(n_samples):
                z[i] += change * X[i, j]
    if fit_intercept:
        total = 0.0
        for i in range(n_samples):
            total += c[i] * derivative(y[i], z[i], datafit_params)
        change = -total / curvature
        intercept += change
        for i in range(n_samples):
            z[i] += change
    return intercept


@njit
def _polish_epoch_sparse(
    derivative, prox, value, data, indices, indptr, y, c, datafit_params, z, w, intercept,
    lipschitz, curvature, params, weights, lower, upper, is_convex, fit_intercept,
):  # fmt: skip
    n_samples = z.shape[0]
    for j in range(w.shape[0]):
        if lipschitz[j] <= 0.0:
            continue
        grad = 0.0
        for k in range(indptr[j], indptr[j + 1]):
            i = indices[k]
            grad += data[k] * c[i] * derivative(y[i], z[i], datafit_params)
        step = 1.0 / lipschitz[j]
        new = prox_coordinate(
            prox, value, w[j] - step * grad, step, params, weights[j], lower[j], upper[j],
            is_convex,
        )  # fmt: skip
        change = new - w[j]
        if change != 0.0:
            w[j] = new
            for k in range(indptr[j], indptr[j + 1]):
                z[indices[k]] += change * data[k]
    if fit_intercept:
        total = 0.0
        for i in range(n_samples):
            total += c[i] * derivative(y[i], z[i], datafit_params)
        change = -total / curvature
        intercept += change
        for i in range(n_samples):
            z[i] += change
    return intercept


def tangent_weights(penalty, w, eps):
    r"""Weights :math:`g'(\max(|w_j|, \varepsilon)) / \alpha` of the weighted-L1 majoriser.

    :math:`g'` is read off the penalty's subdifferential on the positive half-line (its upper
    end, where ``g`` is differentiable).  The guard ``eps > 0`` keeps the weight finite where
    :math:`g'(0^+) = \infty` (``Lp`` with ``p < 1``).
    """
    interval = penalty.scalar_kernels.subdiff_interval
    params = penalty.params
    alpha = params[0]
    magnitudes = np.maximum(np.abs(np.asarray(w, dtype=np.float64)), eps)
    slopes = np.array([interval(float(x), params)[1] for x in magnitudes], dtype=np.float64)
    return np.maximum(slopes, 0.0) / alpha


@register_solver
class ReweightedL1(Solver):
    r"""Iteratively reweighted L1 (majorisation-minimisation) for concave-in-|w| penalties.

    Solves :math:`\min_{w, b} \sum_i c_i f(y_i, x_i^\top w + b) + \sum_j \omega_j g(|w_j|)` for
    ``g`` concave and non-decreasing on :math:`[0, \infty)`: ``Lp`` with ``p < 1``, ``MCP``,
    ``SCAD`` (``L1`` is the trivial case).

    Notes
    -----
    Concavity gives the tangent majoriser, for every :math:`a \ge 0`,

    .. math::
        g(|w_j|) \le g(a) + g'(a) (|w_j| - a),

    with equality at :math:`|w_j| = a`.  Step ``k`` minimises the majorised objective at
    :math:`a_j = \max(|w^{(k)}_j|, \varepsilon)`, a weighted L1 problem

    .. math::
        w^{(k+1)} = \operatorname{argmin}_w F(w, b) + \alpha \sum_j \omega_j
        \frac{g'(a_j)}{\alpha} |w_j|,

    solved by ``solve(..., penalty=WeightedL1(alpha, weights), solver="coordinate_descent")``
    warm started at :math:`w^{(k)}` (to relative gap ``tol``).  For ``Lp``,
    :math:`g'(a) = \alpha p a^{p-1}`, infinite at 0: the guard
    :math:`\varepsilon = 10^{-6} \max(1, \|w\|_\infty)` keeps it finite (option ``eps``).
    Step 0 is the L1 problem (weights :math:`\omega_j`, i.e. :math:`g'(0^+) = \alpha` for MCP
    and SCAD).  The reweighting stops when ``problem.certificate_at`` (the KKT violation of the
    original non-convex problem, relative to :math:`\|\nabla F(0)\|_\infty`) is at most ``tol``,
    when :math:`w` stops changing, or after ``max_reweightings`` steps (default 50).

    Then a polish runs coordinate proximal-gradient passes with the exact non-convex prox,
    :math:`w_j \leftarrow \operatorname{prox}_{\omega_j g / L_j}(w_j - \nabla_j F / L_j)`,
    :math:`L_j = \kappa \sum_i c_i x_{ij}^2` (and :math:`b \leftarrow b - \sum_i c_i f'_i /
    \kappa`), so that the returned point is a fixed point of the prox-gradient map, until the
    KKT violation ``problem.certificate_at`` is at most ``tol`` (at most ``max_iter`` passes).
    The result is a stationary point, not necessarily the global minimiser.

    References
    ----------
    Candès, Wakin, Boyd, "Enhancing sparsity by reweighted l1 minimization", J. Fourier Anal.
    Appl. 2008.  Zou and Li, "One-step sparse estimates in nonconcave penalized likelihood
    models", Ann. Statist. 2008.
    """

    name = "reweighted"
    options = ("eps", "max_reweightings")
    requires = Requirements(
        datafit=("scalar_kernels",), penalty=("scalar_kernels",), separable=True
    )
    alternatives = (
        'Use solver="coordinate_descent" (exact prox, any separable penalty) or '
        'solver="proximal_gradient".'
    )
    default_max_iter = 1000

    def check(self, datafit, penalty):
        super().check(datafit, penalty)
        lower, upper = penalty.coordinate_bounds(1)
        if np.isfinite(lower[0]) or np.isfinite(upper[0]):
            raise ValueError(
                f"ReweightedL1 cannot solve {type(datafit).__name__} + {type(penalty).__name__}: "
                f"its weighted-L1 steps ignore bounds. {self.alternatives}"
            )

    def _solve(self, problem, w0, intercept0, history):
        from lpreg.penalties.weighted_l1 import WeightedL1

        options = dict(problem.extra)
        eps_factor = float(options.pop("eps", 1e-6))
        max_reweightings = int(options.pop("max_reweightings", 50))
        penalty = problem.penalty
        n_features = problem.n_features
        alpha = float(penalty.params[0])
        trace = {"objective": [], "certificate": [], "time": []} if history else None
        start = time.perf_counter()

        def record(w, b, certificate):
            if trace is not None:
                trace["objective"].append(problem.objective(w, b))
                trace["certificate"].append(certificate)
                trace["time"].append(time.perf_counter() - start)

        coordinate_weights = penalty.coordinate_weights(n_features)
        w = np.array(w0, dtype=np.float64)
        b = float(intercept0) if problem.fit_intercept else 0.0
        n_iter = 0
        if alpha > 0.0:
            weights = coordinate_weights.copy()  # step 0: the L1 problem
            for _ in range(max_reweightings + 1):
                w, b = self._weighted_l1(problem, WeightedL1(alpha, weights), w, b)
                n_iter += 1
                certificate = problem.certificate_at(w, b)
                record(w, b, certificate)
                if certificate <= problem.tol:
                    break
                eps = eps_factor * max(1.0, float(np.max(np.abs(w), initial=0.0)))
                new_weights = coordinate_weights * tangent_weights(penalty, w, eps)
                if np.array_equal(new_weights, weights):
                    break  # the reweighting reached its fixed point
                weights = new_weights
        if problem.certificate_at(w, b) > problem.tol:
            # the exact non-convex prox, by the registered coordinate descent when there is one
            w, b = self._weighted_l1(problem, penalty, w, b)
            n_iter += 1
        w, b, n_polish = self._polish(problem, w, b, record)
        return w.astype(problem.dtype), b, n_iter + n_polish, trace

    @staticmethod
    def _weighted_l1(problem, penalty, w, b):
        from lpreg.solvers import solve, solver_classes

        with warnings.catch_warnings():
            # an inexact step is fine: the outer certificate decides
            warnings.simplefilter("ignore", ConvergenceWarning)
            result = solve(
                problem.X,
                problem.y,
                problem.datafit,
                penalty,
                solver="coordinate_descent"
                if "coordinate_descent" in solver_classes()
                else "auto",
                w0=w,
                intercept0=b,
                sample_weight=problem.raw_sample_weight,
                fit_intercept=problem.fit_intercept,
                tol=problem.tol,
            )
        return np.asarray(result.coef, dtype=np.float64), result.intercept

    @staticmethod
    def _polish(problem, w, b, record):
        """Exact-prox coordinate passes until ``problem.certificate_at`` <= tol."""
        X, y, c = problem.X, problem.y, problem.sample_weight
        datafit, penalty = problem.datafit, problem.penalty
        n_features = problem.n_features
        kernels = penalty.scalar_kernels
        datafit_params = datafit.params
        derivative = datafit.scalar_kernels.derivative
        curvature = float(datafit.curvature_bound)
        lipschitz = np.asarray(datafit.lipschitz_constants(X, problem.raw_sample_weight))
        params = penalty.params
        weights = penalty.coordinate_weights(n_features)
        lower, upper = penalty.coordinate_bounds(n_features)
        is_convex = bool(penalty.is_convex)
        fit_intercept = problem.fit_intercept
        w = np.array(w, dtype=np.float64)
        z = np.asarray(X @ w, dtype=np.float64).ravel() + b
        n_polish = 0
        for _ in range(problem.max_iter):
            certificate = problem.certificate_at(w, b)
            if n_polish > 0 and certificate <= problem.tol:
                break
            if problem.is_sparse:
                b = _polish_epoch_sparse(
                    derivative, kernels.prox, kernels.value, X.data, X.indices, X.indptr, y,
                    c, datafit_params, z, w, b, lipschitz, curvature, params, weights, lower,
                    upper, is_convex, fit_intercept,
                )  # fmt: skip
            else:
                b = _polish_epoch_dense(
                    derivative, kernels.prox, kernels.value, X, y, c, datafit_params, z, w, b,
                    lipschitz, curvature, params, weights, lower, upper, is_convex,
                    fit_intercept,
                )  # fmt: skip
            n_polish += 1
            record(w, b, problem.certificate_at(w, b))
        return w, b, n_polish
