r"""FISTA with backtracking and adaptive restart: the solver for any penalty with a prox.

It needs only ``penalty.prox(w, step)`` (vectorised, exact; separable or not: group
penalties, bounds) and the datafit's ``value`` and ``raw_gradient``, and touches ``X`` only
through the matrix-vector products ``X @ w`` and ``X.T @ g``, so dense and CSC input are
handled alike and never densified.
"""

from __future__ import annotations

import logging
import math
import time

import numpy as np

from lpreg._validation import check_real_scalar
from lpreg.solvers.base import Requirements, Solver, register_solver

__all__ = ["ProximalGradient"]

logger = logging.getLogger("lpreg")

_RESTARTS = ("gradient", "function", "none")
_OPTIONS = ("initial_step", "restart", "check_every")
_GROW = 1.1  # the step is tried this much larger at every iteration
_MAX_BACKTRACKS = 100
_DECREASE = 1e-4  # sufficient decrease of the monotone (non-convex) scheme


@register_solver
class ProximalGradient(Solver):
    r"""Accelerated proximal gradient (FISTA) with backtracking and adaptive restart.

    Minimises :math:`P(w, b) = F(w, b) + G(w)` over ``w`` (and the intercept ``b`` when it is
    fitted), where :math:`F(w, b) = \sum_i c_i f(y_i, x_i^\top w + b)` is the datafit and
    :math:`G` any penalty with an exact ``prox``.  One iteration, from the extrapolated point
    :math:`(v, v_b)` with step :math:`t`:

    .. math::
        w^+ = \operatorname{prox}_{t G}\big(v - t \nabla_w F(v, v_b)\big), \qquad
        b^+ = v_b - t\, \partial_b F(v, v_b),

    accepted when the descent lemma holds along :math:`d = (w^+ - v, b^+ - v_b)`:
    :math:`F(w^+, b^+) \le F(v, v_b) + \nabla F(v, v_b)^\top d + \|d\|^2 / (2t)` (up to a
    rounding slack of :math:`10\,\epsilon \max(|F(v, v_b)|, |F(w^+, b^+)|)`, :math:`\epsilon`
    the machine precision of ``X``; the linear term is computed as
    :math:`\sum_i \varphi_i'(z^v_i)(z^+_i - z^v_i)` on the predictors
    :math:`z = Xw + b` actually used); otherwise :math:`t` shrinks to
    :math:`\max(\min(0.9 / L_d, 0.6\,t), 1/L)` with
    :math:`L_d = 2 (F(w^+, b^+) - F(v, v_b) - \nabla F^\top d) / \|d\|^2` the curvature seen
    along ``d``, and the step is recomputed.  Here
    :math:`L = \kappa (\|C^{1/2} X\|_2^2 + 1_{\text{intercept}})` is an upper bound of the
    Lipschitz constant of :math:`\nabla F` (:math:`\kappa` the datafit's curvature bound), so
    a step :math:`t \le 1/L` satisfies the descent lemma and is accepted without the test
    (rounding near the solution can then never shrink the step to 0).  The first trial step
    is :math:`1/L` unless ``initial_step`` is given; every later iteration first tries
    :math:`1.1\,t`, so the step grows back where the curvature allows.

    Momentum: with :math:`\theta_k = t_{k-1} / t_k` (Scheinberg,
    Goldfarb and Bai's rule for changing steps),

    .. math::
        s_{k+1} = \frac{1 + \sqrt{1 + 4 \theta_k s_k^2}}{2}, \qquad
        v = w^+ + \frac{s_k - 1}{s_{k+1}} (w^+ - w),

    restarted (:math:`s = 1`, :math:`v = w^+`) by O'Donoghue and Candès' adaptive rule:
    ``restart="gradient"`` (default) when :math:`(v - w^+)^\top (w^+ - w) > 0` (intercept
    included), ``restart="function"`` when :math:`P(w^+, b^+) > P(w, b)`, ``"none"`` never.

    Non-convex penalties (``penalty.is_convex`` False: ``Lp`` with ``p < 1``, MCP, SCAD):
    monotone accelerated proximal gradient (Li and Lin, 2015).  The step :math:`(w^+, b^+)`
    from the extrapolated point is kept only if
    :math:`P(w^+, b^+) \le P(w, b) - 10^{-4} \|d\|^2 / (2t)`; otherwise the momentum is
    reset (counted as a restart, ``restart`` is not used) and the plain backtracked
    prox-gradient step from :math:`(w, b)` is taken, which never increases :math:`P` (the
    prox minimises the majorising model).  So :math:`P` decreases monotonically and the
    iterates approach a *stationary point* (KKT violation 0), not necessarily a global
    minimiser.

    Stopping: every ``check_every`` iterations (default 10) the certificate
    ``problem.certificate_at(w, b)`` of the current iterate ``w`` (never the extrapolated
    point) is computed — the duality gap for convex problems with a conjugate, the KKT
    violation otherwise, both relative (see :mod:`lpreg.solvers.base`) — and the solver
    stops when it is ``<= tol``.

    Options (keywords of :func:`lpreg.solvers.solve`): ``initial_step`` (float > 0),
    ``restart`` (``"gradient"``, ``"function"`` or ``"none"``), ``check_every`` (int >= 1).
    ``history=True`` records, at each check, the objective, the certificate, the elapsed
    time, the number of matrix-vector products, the step and the number of restarts so far.

    References
    ----------
    A. Beck and M. Teboulle, "A fast iterative shrinkage-thresholding algorithm for linear
    inverse problems", SIAM J. Imaging Sci. 2 (2009).
    B. O'Donoghue and E. Candès, "Adaptive restart for accelerated gradient schemes",
    Found. Comput. Math. 15 (2015).
    H. Li and Z. Lin, "Accelerated proximal gradient methods for nonconvex programming",
    NeurIPS (2015).
    K. Scheinberg, D. Goldfarb and X. Bai, "Fast first-order methods for composite convex
    optimization with backtracking", Found. Comput. Math. 14 (2014).

    Examples
    --------
    >>> import numpy as np
    >>> from lpreg import L1, Quadratic
    >>> from lpreg.solvers import solve
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 10))
    >>> y = X[:, 0] - 2 * X[:, 1]
    >>> result = solve(X, y, Quadratic(), L1(alpha=0.1), solver="proximal_gradient")
    >>> result.converged, int(np.sum(result.coef != 0)) <= 10
    (True, True)
    """

    name = "proximal_gradient"
    options = _OPTIONS
    requires = Requirements(penalty=("prox", "value"), datafit=("value", "raw_gradient"))
    alternatives = (
        "Every penalty with an exact prox works with solver='proximal_gradient'; check that "
        "the datafit defines value and raw_gradient."
    )
    default_max_iter = 5000

    def _solve(self, problem, w0, intercept0, history):
        initial_step, restart, check_every = _read_options(problem)
        X, y, datafit, penalty = problem.X, problem.y, problem.datafit, problem.penalty
        weights = problem.raw_sample_weight
        dtype = problem.dtype
        fit_intercept = problem.fit_intercept
        monotone = not penalty.is_convex
        slack_factor = 10.0 * float(np.finfo(dtype).eps)

        def matvec(w, b):
            return np.asarray(X @ w.astype(dtype, copy=False), dtype=np.float64).ravel() + b

        def rmatvec(g):
            return np.asarray(X.T @ g.astype(dtype, copy=False), dtype=np.float64).ravel()

        lipschitz = datafit.global_lipschitz(X, weights)
        if fit_intercept:
            lipschitz += datafit.curvature_bound
        # any step <= safe_step satisfies the descent lemma: accepted without the test, so
        # rounding near the solution cannot drive the step to 0
        safe_step = 1.0 / (lipschitz * (1.0 + 1e-6)) if lipschitz > 0 else np.inf
        if initial_step is None:
            initial_step = 1.0 / lipschitz if lipschitz > 0 else 1.0

        w = np.array(w0, dtype=np.float64)
        b = float(intercept0) if fit_intercept else 0.0
        Xw = matvec(w, b)
        v, vb, Xv = w.copy(), b, Xw.copy()
        objective = datafit.value(y, Xw, weights) + penalty.value(w)
        step = initial_step
        previous_step = step
        momentum_weight = 1.0
        n_matvec = 1
        n_restart = 0
        start = time.perf_counter()
        trace = (
            {
                "objective": [],
                "certificate": [],
                "time": [],
                "n_matvec": [],
                "step": [],
                "n_restart": [],
            }
            if history
            else None
        )

        def check(iteration):
            certificate = problem.certificate_at(w, b)
            if trace is not None:
                trace["objective"].append(problem.objective(w, b))
                trace["certificate"].append(certificate)
                trace["time"].append(time.perf_counter() - start)
                trace["n_matvec"].append(n_matvec)
                trace["step"].append(step)
                trace["n_restart"].append(n_restart)
            if problem.verbose:
                logger.info(
                    "%s iteration %d: %s %.3e, step %.3e",
                    self.name,
                    iteration,
                    problem.certificate,
                    certificate,
                    step,
                )
            return certificate <= problem.tol

        if check(0):
            return w, b, 0, trace

        def prox_step(v, vb, Xv, step):
            """Backtracked prox-gradient step from (v, vb): (w+, b+, Xw+ + b+, F(w+, b+), t)."""
            nonlocal n_matvec
            datafit_v = datafit.value(y, Xv, weights)
            g = datafit.raw_gradient(y, Xv, weights)
            grad = rmatvec(g)
            grad_b = float(g.sum()) if fit_intercept else 0.0
            n_matvec += 1
            for _ in range(_MAX_BACKTRACKS):
                w_new = np.asarray(penalty.prox(v - step * grad, step), dtype=np.float64)
                b_new = vb - step * grad_b
                Xw_new = matvec(w_new, b_new)
                n_matvec += 1
                datafit_new = datafit.value(y, Xw_new, weights)
                if step <= safe_step:
                    return w_new, b_new, Xw_new, datafit_new, step
                d = w_new - v
                d_b = b_new - vb
                d_sq = float(d @ d) + d_b * d_b
                # g'(X d + d_b) computed on the predictors actually used: the same number as
                # grad'd + grad_b d_b, without the rounding of Xv = Xw + beta (Xw - Xw_old)
                linear = float(g @ (Xw_new - Xv))
                excess = datafit_new - datafit_v - linear
                slack = slack_factor * max(abs(datafit_v), abs(datafit_new))
                if excess <= d_sq / (2.0 * step) + slack:
                    return w_new, b_new, Xw_new, datafit_new, step
                if math.isfinite(excess) and d_sq > 0.0 and excess > 0.0:
                    step = min(0.9 * d_sq / (2.0 * excess), 0.6 * step)
                else:
                    step = 0.5 * step
                step = max(step, safe_step)
            raise FloatingPointError(
                f"{type(self).__name__}: the backtracking line search failed "
                f"{_MAX_BACKTRACKS} times (step {step:.3e}); the datafit is not smooth "
                "enough or X is badly scaled (standardise X)."
            )

        n_iter = 0
        extrapolated = False
        for n_iter in range(1, problem.max_iter + 1):
            w_new, b_new, Xw_new, datafit_new, step = prox_step(v, vb, Xv, step * _GROW)
            do_restart = False
            if monotone:
                # monotone APG (Li and Lin): keep the step from the extrapolated point only
                # if it decreases P enough, else take the plain prox-gradient step from w
                objective_new = datafit_new + penalty.value(w_new)
                if extrapolated:
                    d_sq = float((w_new - v) @ (w_new - v)) + (b_new - vb) ** 2
                    if objective_new > objective - _DECREASE * d_sq / (2.0 * step):
                        do_restart = True
                        w_new, b_new, Xw_new, datafit_new, step = prox_step(w, b, Xw, step)
                        objective_new = datafit_new + penalty.value(w_new)
                objective = objective_new
            elif restart == "gradient":
                do_restart = float((v - w_new) @ (w_new - w)) + (vb - b_new) * (b_new - b) > 0
            elif restart == "function":
                objective_new = datafit_new + penalty.value(w_new)
                do_restart = objective_new > objective
                objective = objective_new
            if do_restart:
                n_restart += 1
                momentum_weight = 1.0
                v, vb, Xv = w_new.copy(), b_new, Xw_new.copy()
                extrapolated = False
            else:
                theta = previous_step / step
                next_weight = 0.5 * (1.0 + math.sqrt(1.0 + 4.0 * theta * momentum_weight**2))
                beta = (momentum_weight - 1.0) / next_weight
                momentum_weight = next_weight
                v = w_new + beta * (w_new - w)
                vb = b_new + beta * (b_new - b)
                Xv = Xw_new + beta * (Xw_new - Xw)
                extrapolated = beta != 0.0
            w, b, Xw = w_new, b_new, Xw_new
            previous_step = step
            if n_iter % check_every == 0 and check(n_iter):
                return w, b, n_iter, trace
        if n_iter % check_every != 0:
            check(n_iter)
        return w, b, n_iter, trace


def _read_options(problem):
    owner = "ProximalGradient"
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
            hint="It is the first trial step; leave it out to start from 1/L.",
        )
    restart = extra.get("restart", "gradient")
    if restart not in _RESTARTS:
        raise ValueError(f"{owner}: restart must be one of {list(_RESTARTS)}, got {restart!r}.")
    check_every = extra.get("check_every", 10)
    if isinstance(check_every, bool) or not isinstance(check_every, (int, np.integer)):
        raise TypeError(
            f"{owner}: check_every must be an int >= 1, got {type(check_every).__name__} "
            f"{check_every!r}."
        )
    if check_every < 1:
        raise ValueError(f"{owner}: check_every must be an int >= 1, got {check_every}.")
    return initial_step, restart, int(check_every)
