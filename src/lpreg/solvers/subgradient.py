r"""The textbook subgradient method: the baseline that L1's kink at zero defeats.

Kept to show, next to the proximal solvers, why they exist: a subgradient step moves every
coordinate by a gradient-sized amount and so never lands exactly on 0.
"""

from __future__ import annotations

import logging
import math
import time

import numpy as np
from numba import njit

from lpreg.solvers.base import Requirements, Solver, register_solver

__all__ = ["Subgradient"]

logger = logging.getLogger("lpreg")

_OPTIONS = ("initial_step", "check_every")


@njit
def _penalty_subgradient(subdiff_interval, w, params, weights, out):
    """``out_j = c_j (lo_j + hi_j) / 2``: the midpoint of :math:`c_j \\partial g(w_j)`."""
    for j in range(w.shape[0]):
        if weights[j] == 0.0:
            out[j] = 0.0
        else:
            low, high = subdiff_interval(w[j], params)
            out[j] = weights[j] * 0.5 * (low + high)
    return out


@register_solver
class Subgradient(Solver):
    r"""Subgradient descent with diminishing steps, keeping the best iterate (a baseline).

    Minimises :math:`P(w, b) = F(w, b) + G(w)` for a convex separable penalty
    :math:`G(w) = \sum_j c_j g(w_j)` (box bounds allowed) by

    .. math::
        w^{k+1} = \Pi_{[l, u]}\big(w^k - \eta_k (\nabla_w F(w^k, b^k) + s(w^k))\big), \qquad
        b^{k+1} = b^k - \eta_k\, \partial_b F(w^k, b^k), \qquad
        \eta_k = \frac{\eta_0}{\sqrt{k + 1}},

    where :math:`s_j(w) = c_j (\ell_j + h_j)/2` is the midpoint of the subdifferential
    :math:`c_j\,\partial g(w_j) = c_j [\ell_j, h_j]` given by the penalty's
    ``subdiff_interval`` kernel: :math:`\alpha\,\operatorname{sign}(w_j)` for L1, with
    :math:`s_j = 0` at :math:`w_j = 0` (the midpoint of :math:`[-\alpha, \alpha]`), and
    :math:`\alpha(r\,\operatorname{sign}(w_j) + (1 - r) w_j)` for Elastic Net.
    :math:`\Pi_{[l, u]}` clips to the penalty's bounds (identity without ``Bounded``).
    :math:`\eta_0 = 1 / L` with :math:`L = \kappa (\|C^{1/2} X\|_2^2 + 1_{\text{intercept}})`
    unless ``initial_step`` is given.  The iterate with the smallest objective seen so far is
    returned.

    Notes
    -----
    This method does **not** give sparse solutions and is not expected to reach ``tol``.
    A coordinate ``w_j`` lands exactly on 0 only if
    :math:`w_j^k = \eta_k(\nabla_j F + s_j)` holds in floating point, which has probability
    zero; near 0 the L1 subgradient :math:`\pm\alpha` flips sign at every crossing, so
    :math:`w_j` oscillates around 0 with amplitude about :math:`\eta_k \alpha` instead of
    settling there (the kink is exactly what the prox of the proximal solvers resolves).
    The steps :math:`\eta_k \propto 1/\sqrt{k+1}` give the classical
    :math:`O(1/\sqrt{k})` rate of the best objective, far slower than proximal methods.

    Stopping: every ``check_every`` iterations (default 100) the certificate
    ``problem.certificate_at`` of the best iterate (the duality gap) is computed, and the
    solver stops if it is ``<= tol``; otherwise it runs ``max_iter`` iterations (default 1000)
    and, like every solver, warns with the gap reached.  ``history=True`` records the
    objective of the best iterate, the certificate, the elapsed time and the number of
    gradient evaluations at each check.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> from sklearn.exceptions import ConvergenceWarning
    >>> from lpreg import L1, Quadratic
    >>> from lpreg.solvers import solve
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 10))
    >>> y = X[:, 0] - 2 * X[:, 1]
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", ConvergenceWarning)  # expected: it is a baseline
    ...     result = solve(X, y, Quadratic(), L1(alpha=0.5), solver="subgradient")
    >>> int(np.sum(result.coef == 0))  # the lasso solution has 8 zeros; this has none
    0
    """

    name = "subgradient"
    options = _OPTIONS
    requires = Requirements(
        penalty=("scalar_kernels",),
        datafit=("value", "raw_gradient"),
        convex=True,
        separable=True,
    )
    alternatives = (
        "Use solver='proximal_gradient', which needs only penalty.prox and handles "
        "non-convex and group penalties."
    )
    default_max_iter = 1000

    def _solve(self, problem, w0, intercept0, history):
        initial_step, check_every = _read_options(problem)
        X, y, datafit, penalty = problem.X, problem.y, problem.datafit, problem.penalty
        weights = problem.raw_sample_weight
        dtype = problem.dtype
        fit_intercept = problem.fit_intercept
        n_features = problem.n_features
        kernel = penalty.scalar_kernels.subdiff_interval
        params = penalty.params
        coordinate_weights = np.asarray(penalty.coordinate_weights(n_features), dtype=np.float64)
        lower, upper = penalty.coordinate_bounds(n_features)

        if initial_step is None:
            lipschitz = datafit.global_lipschitz(X, weights)
            if fit_intercept:
                lipschitz += datafit.curvature_bound
            initial_step = 1.0 / lipschitz if lipschitz > 0 else 1.0

        w = np.array(w0, dtype=np.float64)
        b = float(intercept0) if fit_intercept else 0.0
        best_w, best_b, best_objective = w.copy(), b, math.inf
        subgradient = np.empty(n_features, dtype=np.float64)
        start = time.perf_counter()
        trace = (
            {"objective": [], "certificate": [], "time": [], "n_gradient": []} if history else None
        )

        def check(iteration):
            certificate = problem.certificate_at(best_w, best_b)
            if trace is not None:
                trace["objective"].append(problem.objective(best_w, best_b))
                trace["certificate"].append(certificate)
                trace["time"].append(time.perf_counter() - start)
                trace["n_gradient"].append(iteration)
            if problem.verbose:
                logger.info(
                    "%s iteration %d: %s %.3e",
                    self.name,
                    iteration,
                    problem.certificate,
                    certificate,
                )
            return certificate <= problem.tol

        n_iter = 0
        for n_iter in range(1, problem.max_iter + 1):
            Xw = np.asarray(X @ w.astype(dtype, copy=False), dtype=np.float64).ravel() + b
            objective = datafit.value(y, Xw, weights) + penalty.value(w)
            if objective < best_objective:
                best_objective, best_w, best_b = objective, w.copy(), b
            g = datafit.raw_gradient(y, Xw, weights)
            grad = np.asarray(X.T @ g.astype(dtype, copy=False), dtype=np.float64).ravel()
            _penalty_subgradient(kernel, w, params, coordinate_weights, subgradient)
            step = initial_step / math.sqrt(n_iter)
            w = np.clip(w - step * (grad + subgradient), lower, upper)
            if fit_intercept:
                b = b - step * float(g.sum())
            if n_iter % check_every == 0 and check(n_iter):
                return best_w, best_b, n_iter, trace
        Xw = np.asarray(X @ w.astype(dtype, copy=False), dtype=np.float64).ravel() + b
        if datafit.value(y, Xw, weights) + penalty.value(w) < best_objective:
            best_w, best_b = w, b
        if n_iter % check_every != 0 and trace is not None:
            check(n_iter)
        return best_w, best_b, n_iter, trace


def _read_options(problem):
    from lpreg._validation import check_real_scalar

    owner = "Subgradient"
    extra = problem.extra
    initial_step = extra.get("initial_step")
    if initial_step is not None:
        initial_step = check_real_scalar(
            initial_step,
            "initial_step",
            owner,
            low=0.0,
            low_inclusive=False,
            high=np.inf,
            high_inclusive=False,
            hint="It is eta_0 in eta_k = eta_0 / sqrt(k + 1); leave it out for 1/L.",
        )
    check_every = extra.get("check_every", 100)
    if isinstance(check_every, bool) or not isinstance(check_every, (int, np.integer)):
        raise TypeError(
            f"{owner}: check_every must be an int >= 1, got {type(check_every).__name__} "
            f"{check_every!r}."
        )
    if check_every < 1:
        raise ValueError(f"{owner}: check_every must be an int >= 1, got {check_every}.")
    return initial_step, int(check_every)
