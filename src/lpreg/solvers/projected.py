r"""Norm-ball constrained fits: accelerated projected gradient and Frank-Wolfe.

The problem is the constrained (Ivanov, Lagrange) form

.. math::
    \min_{w, b}\; F(w, b) \quad \text{s.t.} \quad \|w\|_p \le t, \qquad p \ge 1,

with :math:`F(w, b) = \sum_i c_i f(y_i, x_i^\top w + b)` any datafit (``c`` the sample
weights normalised to sum 1) and the intercept ``b`` unconstrained.  It does not fit the
penalty-solver contract (the "penalty" is the indicator of the ball, which has no scalar
kernels), so these solvers are not in :func:`lpreg.solvers.solver_classes`; they are called
with :func:`solve_constrained` (or the estimators ``NormBallRegression`` /
``NormBallClassifier``) and return the same :class:`~lpreg.solvers.base.SolveResult`.

**Certificate.**  For convex :math:`F` and feasible :math:`w`, the Frank-Wolfe gap

.. math::
    \mathrm{gap}(w) = \max_{\|s\|_p \le t} \langle \nabla_w F(w, b), w - s \rangle
    = \langle \nabla_w F, w \rangle + t \|\nabla_w F\|_q, \qquad \tfrac1p + \tfrac1q = 1,

bounds :math:`F(w, b) - \min_{\|s\|_p \le t} F(s, b)` (convexity in ``w``).  Both solvers stop
when ``gap / F(0, b_0)`` is ``<= tol`` (``b_0`` the optimal intercept at ``w = 0`` when it is
fitted, else 0: celer's scaling, as for the penalised solvers); with a fitted intercept the
condition :math:`|\partial_b F| / \max_j |\nabla_j F(0, b_0)| \le` ``tol`` is required on top
(the intercept is unconstrained).  ``result.gap`` is that relative number and
``result.certificate`` is ``"fw_gap"``.

**Lagrange multiplier.**  At a solution with :math:`\|w\|_p = t` and :math:`\nabla_w F \ne 0`
the KKT conditions read :math:`-\nabla_w F \in \lambda\, \partial \|w\|_p`, and every element
of :math:`\partial\|w\|_p` (:math:`w \ne 0`) has dual norm 1, so
:math:`\lambda = \|\nabla_w F(w, b)\|_q` (:func:`lagrange_multiplier`); an inactive constraint
has :math:`\lambda = 0`.  The constrained solution then minimises the *norm*-penalised
:math:`F(w, b) + \lambda \|w\|_p` (norm, not a power of it); see :mod:`lpreg.lagrange` for the
strengths of ``L1``, ``L2`` and ``Lp``.

Dense X with a fitted intercept is used column-centred (``x_i - m``, ``m = X^\top c``, an exact
reparametrisation ``b' = b + m^\top w``, as in :class:`~lpreg.solvers.base.Solver`); the
certificate is evaluated in the original coordinates (:math:`\nabla_w F = \tilde X^\top g +
m \sum_i g_i`).
"""

from __future__ import annotations

import logging
import math
import time

import numpy as np

from lpreg._validation import check_real_scalar
from lpreg.solvers.base import SolveResult, build_problem

__all__ = [
    "FrankWolfe",
    "ProjectedGradient",
    "dual_norm",
    "frank_wolfe_gap",
    "lagrange_multiplier",
    "linear_minimization_oracle",
    "solve_constrained",
]

logger = logging.getLogger("lpreg")

_ACTIVE_RTOL = 1e-6  # ||w||_p >= t (1 - 1e-6) counts as an active constraint


# --------------------------------------------------------------------------------------------
# the geometry of the ball: dual norm, linear minimisation oracle, FW gap, multiplier
# --------------------------------------------------------------------------------------------


def dual_norm(v, p):
    r"""Return :math:`\|v\|_q` with :math:`1/p + 1/q = 1` (``q = inf`` for ``p = 1``, ``q = 1``
    for ``p = inf``), computed as :math:`m (\sum_j (|v_j|/m)^q)^{1/q}`, :math:`m = \max_j |v_j|`.

    Examples
    --------
    >>> dual_norm([3.0, -4.0], 2), dual_norm([3.0, -4.0], 1), dual_norm([3.0, -4.0], np.inf)
    (5.0, 4.0, 7.0)
    """
    magnitudes = np.abs(np.asarray(v, dtype=np.float64))
    largest = float(magnitudes.max()) if magnitudes.size else 0.0
    if largest == 0.0 or p == 1.0:
        return largest
    if math.isinf(p):
        return float(magnitudes.sum())
    if p == 2.0:
        return float(np.linalg.norm(magnitudes))
    q = p / (p - 1.0)
    return largest * float(np.sum((magnitudes / largest) ** q)) ** (1.0 / q)


def linear_minimization_oracle(grad, radius, p):
    r"""Return a minimiser :math:`s` of :math:`\langle \mathrm{grad}, s\rangle` over
    :math:`\|s\|_p \le t`; its value is :math:`-t \|\mathrm{grad}\|_q`.

    * ``p = 1``: :math:`s = -t\, \operatorname{sign}(g_j) e_j`, :math:`j = \operatorname{argmax}
      |g_j|` (a vertex: Frank-Wolfe iterates stay sparse);
    * ``p = inf``: :math:`s = -t \operatorname{sign}(g)`;
    * ``1 < p < inf``: :math:`s_j = -t \operatorname{sign}(g_j) |g_j|^{q-1} / \|g\|_q^{q-1}`.

    ``grad = 0`` gives ``s = 0``.

    Examples
    --------
    >>> linear_minimization_oracle([1.0, -3.0], 2.0, 1).tolist()
    [0.0, 2.0]
    >>> linear_minimization_oracle([3.0, -4.0], 5.0, 2).tolist()
    [-3.0, 4.0]
    """
    grad = np.asarray(grad, dtype=np.float64)
    s = np.zeros_like(grad)
    largest = float(np.max(np.abs(grad))) if grad.size else 0.0
    if largest == 0.0:
        return s
    if p == 1.0:
        j = int(np.argmax(np.abs(grad)))
        s[j] = -radius * math.copysign(1.0, grad[j])
        return s
    if math.isinf(p):
        return -radius * np.sign(grad)
    q = p / (p - 1.0)
    scaled = np.abs(grad) / largest
    powered = scaled ** (q - 1.0)
    norm_q = float(np.sum(scaled**q)) ** (1.0 / q)
    return -radius * np.sign(grad) * powered / norm_q ** (q - 1.0)


def frank_wolfe_gap(grad, w, radius, p):
    r"""Return :math:`\langle g, w\rangle + t\|g\|_q = \max_{\|s\|_p \le t} \langle g, w - s
    \rangle` (clipped at 0), an upper bound of :math:`F(w) - \min_{\|s\|_p\le t} F(s)` for convex
    :math:`F` with gradient :math:`g` at a feasible :math:`w`."""
    grad = np.asarray(grad, dtype=np.float64)
    return max(float(grad @ np.asarray(w, dtype=np.float64)) + radius * dual_norm(grad, p), 0.0)


def lagrange_multiplier(grad, w, radius, p):
    r"""The multiplier :math:`\lambda` of :math:`\|w\|_p \le t` at a solution: the dual norm
    :math:`\|\nabla_w F\|_q` when :math:`\|w\|_p \ge t (1 - 10^{-6})`, else 0.

    At the solution, ``w`` minimises :math:`F(w) + \lambda \|w\|_p` (the norm, unsquared).
    An interior solution has :math:`\nabla_w F = 0`, so the cut-off only decides between two
    numbers that agree to the solver's accuracy.
    """
    from lpreg.balls import norm

    if radius == 0.0 or norm(w, p) >= radius * (1.0 - _ACTIVE_RTOL):
        return dual_norm(grad, p)
    return 0.0


# --------------------------------------------------------------------------------------------
# the shared driver
# --------------------------------------------------------------------------------------------


def _check_ball(radius, p, owner):
    radius = check_real_scalar(
        radius,
        "radius",
        owner,
        low=0.0,
        high=np.inf,
        high_inclusive=False,
        hint="radius is t in ||w||_p <= t; for no constraint fit GeneralizedLinearEstimator().",
    )
    p = check_real_scalar(
        p,
        "p",
        owner,
        low=1.0,
        high=np.inf,
        high_inclusive=True,
        hint="The ball must be convex (p >= 1, inf allowed); for p < 1 fit the penalised "
        "LpRegression(p=...) and map the radius with lpreg.lagrange.alpha_to_radius.",
    )
    return radius, p


class _ConstrainedSolver:
    """Shared validation, centring, certificate and result of the two constrained solvers."""

    name = "constrained"
    default_max_iter = 1000
    _options: tuple = ()

    def solve(
        self,
        X,
        y,
        datafit,
        radius,
        p=1,
        *,
        w0=None,
        intercept0=0.0,
        sample_weight=None,
        fit_intercept=False,
        tol=1e-6,
        max_iter=None,
        history=False,
        verbose=False,
        **options,
    ):
        r"""Solve :math:`\min_{w, b} F(w, b)` s.t. :math:`\|w\|_p \le t`; see the module doc.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        datafit : Datafit
            A convex datafit (``Quadratic()``, ``Logistic()``, ``Huber()``).
        radius : float
            :math:`t \ge 0`, finite.
        p : float, default=1
            ``p >= 1`` or ``inf``.
        w0 : array-like of shape (n_features,), optional
            Start (projected onto the ball first).
        intercept0 : float, default=0.0
        sample_weight : array-like of shape (n_samples,), optional
        fit_intercept : bool, default=False
        tol : float, default=1e-6
            Target of the relative Frank-Wolfe gap (module docstring).
        max_iter : int, optional
        history : bool, default=False
            Record ``objective``, ``certificate`` and ``time`` at every check.
        verbose : bool, default=False
            Log the certificate at every check (``logging.getLogger("lpreg")``).

        Returns
        -------
        SolveResult
            ``certificate="fw_gap"``, ``gap`` the relative certificate, ``kkt_violation`` the
            same number, ``objective`` :math:`F(w, b)`.  The multiplier is
            ``result.history``-independent: call :func:`lagrange_multiplier` or read
            ``NormBallRegression.lambda_``.
        """
        from lpreg.balls import project_lp_ball
        from lpreg.penalties import L2

        owner = type(self).__name__
        radius, p = _check_ball(radius, p, owner)
        unknown = sorted(set(options) - set(self._options))
        if unknown:
            raise ValueError(
                f"{owner}: unknown option(s) {unknown}; the options are {list(self._options)}."
            )
        problem = build_problem(
            X,
            y,
            datafit,
            L2(0.0),  # no penalty in the objective: the ball is handled by the solver
            sample_weight=sample_weight,
            fit_intercept=fit_intercept,
            tol=tol,
            max_iter=self.default_max_iter if max_iter is None else max_iter,
            owner=owner,
            verbose=verbose,
        )
        problem.extra.update(options)
        problem.extra["radius"] = radius
        problem.extra["p"] = p
        n_features = problem.n_features
        w_start = np.zeros(n_features)
        if w0 is not None:
            w_start = np.array(w0, dtype=np.float64)
            if w_start.shape != (n_features,):
                raise ValueError(
                    f"{owner}: w0 must have shape ({n_features},), got {w_start.shape}."
                )
            w_start = project_lp_ball(w_start, radius, p)
        intercept0 = float(intercept0) if problem.fit_intercept else 0.0
        offset = np.zeros(n_features)
        if problem.fit_intercept and not problem.is_sparse:
            offset = np.asarray(problem.X.T @ problem.sample_weight, dtype=np.float64)
            problem.X = np.asfortranarray(problem.X - offset.astype(problem.dtype))
            intercept0 += float(offset @ w_start)
        problem.extra["offset"] = offset
        start = time.perf_counter()
        coef, intercept, n_iter, trace = self._solve(problem, w_start, intercept0, history)
        certificate, grad, objective = _certificate(problem, coef, intercept)
        coef = np.asarray(coef, dtype=np.float64)
        if not (np.all(np.isfinite(coef)) and math.isfinite(intercept)):
            raise FloatingPointError(
                f"{owner} produced non-finite coefficients after {n_iter} iterations; the "
                "problem is badly scaled (standardise X)."
            )
        result = SolveResult(
            coef=coef.astype(problem.dtype, copy=False),
            intercept=float(intercept - offset @ coef),
            n_iter=int(n_iter),
            certificate="fw_gap",
            gap=certificate,
            kkt_violation=certificate,
            converged=bool(certificate <= problem.tol),
            objective=objective,
            solver=self.name,
            history=trace,
        )
        result.lagrange_multiplier = lagrange_multiplier(grad, coef, radius, p)
        if not result.converged:
            import warnings

            from sklearn.exceptions import ConvergenceWarning

            warnings.warn(
                f"{self.name} stopped at max_iter={problem.max_iter} with Frank-Wolfe gap "
                f"{certificate:.1e} > tol {problem.tol:.1e} (relative to the objective at w=0). "
                "Increase max_iter or standardise X.",
                ConvergenceWarning,
                stacklevel=2,
            )
        logger.debug("%s finished in %.3fs", self.name, time.perf_counter() - start)
        return result

    def _solve(self, problem, w0, intercept0, history):
        raise NotImplementedError


def _gradients(problem, Xw):
    """(per-sample derivatives g, grad_w in original coordinates, d/db)."""
    g = problem.datafit.raw_gradient(problem.y, Xw, problem.raw_sample_weight)
    grad_b = float(g.sum())
    grad = np.asarray(problem.X.T @ g.astype(problem.dtype, copy=False), dtype=np.float64).ravel()
    grad = grad + problem.extra["offset"] * grad_b
    return g, grad, grad_b


def _certificate(problem, w, b, Xw=None):
    """(relative FW certificate, grad_w in original coordinates, F(w, b))."""
    if Xw is None:
        Xw = _matvec(problem, w, b)
    _, grad, grad_b = _gradients(problem, Xw)
    gap = frank_wolfe_gap(grad, w, problem.extra["radius"], problem.extra["p"])
    value = gap / problem.scale_gap
    if problem.fit_intercept:
        value = max(value, abs(grad_b) / problem.scale_kkt)
    objective = problem.datafit.value(problem.y, Xw, problem.raw_sample_weight)
    return value, grad, objective


def _matvec(problem, w, b):
    X = problem.X
    return np.asarray(X @ w.astype(problem.dtype, copy=False), dtype=np.float64).ravel() + b


class _Recorder:
    """Certificate checks with optional history and logging."""

    def __init__(self, problem, name, history):
        self.problem = problem
        self.name = name
        self.start = time.perf_counter()
        self.trace = {"objective": [], "certificate": [], "time": []} if history else None

    def __call__(self, iteration, w, b, Xw):
        certificate, _, objective = _certificate(self.problem, w, b, Xw)
        if self.trace is not None:
            self.trace["objective"].append(objective)
            self.trace["certificate"].append(certificate)
            self.trace["time"].append(time.perf_counter() - self.start)
        if self.problem.verbose:
            logger.info("%s iteration %d: fw_gap %.3e", self.name, iteration, certificate)
        return certificate <= self.problem.tol


# --------------------------------------------------------------------------------------------
# the solvers
# --------------------------------------------------------------------------------------------


class ProjectedGradient(_ConstrainedSolver):
    r"""Accelerated projected gradient (FISTA) with adaptive restart, for any ``p >= 1``.

    From the extrapolated point :math:`(v, v_b)`, with the fixed step :math:`1/L`,
    :math:`L = \kappa(\|C^{1/2} \tilde X\|_2^2 + 1_{\text{intercept}})` (:math:`\kappa` the
    datafit's curvature bound, :math:`\tilde X` the design as used):

    .. math::
        w^+ = P_{\{\|\cdot\|_p \le t\}}\big(v - \nabla_w F(v, v_b) / L\big), \qquad
        b^+ = v_b - \partial_b F(v, v_b) / L,

    with the exact projections of :mod:`lpreg.balls`, then
    :math:`s_{k+1} = (1 + \sqrt{1 + 4 s_k^2})/2`,
    :math:`v = w^+ + \frac{s_k - 1}{s_{k+1}}(w^+ - w)`, restarted (:math:`s = 1`,
    :math:`v = w^+`) when :math:`(v - w^+)^\top (w^+ - w) > 0` (O'Donoghue and Candès'
    gradient rule, intercept included).  Iterates are always feasible.  Every
    ``check_every`` iterations (option, default 10) the relative Frank-Wolfe gap of the
    current iterate is computed and the solver stops when it is ``<= tol``.

    References
    ----------
    A. Beck and M. Teboulle, SIAM J. Imaging Sci. 2 (2009); B. O'Donoghue and E. Candès,
    Found. Comput. Math. 15 (2015).

    Examples
    --------
    >>> import numpy as np
    >>> from lpreg import Quadratic
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((40, 5))
    >>> y = X @ np.array([3.0, -2.0, 0.0, 0.0, 1.0])
    >>> result = ProjectedGradient().solve(X, y, Quadratic(), radius=2.0, p=1, tol=1e-10)
    >>> result.converged, round(float(np.abs(result.coef).sum()), 8)
    (True, 2.0)
    """

    name = "projected_gradient"
    default_max_iter = 20000
    _options = ("check_every",)

    def _solve(self, problem, w0, intercept0, history):
        from lpreg.balls import project_lp_ball

        radius, p = problem.extra["radius"], problem.extra["p"]
        check_every = _check_every(problem, type(self).__name__)
        datafit, y, weights = problem.datafit, problem.y, problem.raw_sample_weight
        fit_intercept = problem.fit_intercept
        lipschitz = datafit.global_lipschitz(problem.X, weights)
        if fit_intercept:
            lipschitz += datafit.curvature_bound
        step = 1.0 / lipschitz if lipschitz > 0 else 1.0
        w, b = np.array(w0, dtype=np.float64), float(intercept0)
        Xw = _matvec(problem, w, b)
        v, vb, Xv = w.copy(), b, Xw.copy()
        momentum = 1.0
        check = _Recorder(problem, self.name, history)
        if check(0, w, b, Xw):
            return w, b, 0, check.trace
        n_iter = 0
        for n_iter in range(1, problem.max_iter + 1):
            g = datafit.raw_gradient(y, Xv, weights)
            grad = np.asarray(problem.X.T @ g.astype(problem.dtype, copy=False), dtype=np.float64)
            grad = grad.ravel()  # in the coordinates (w, b') of the design as used
            w_new = np.asarray(project_lp_ball(v - step * grad, radius, p), dtype=np.float64)
            b_new = vb - step * float(g.sum()) if fit_intercept else 0.0
            Xw_new = _matvec(problem, w_new, b_new)
            if float((v - w_new) @ (w_new - w)) + (vb - b_new) * (b_new - b) > 0:
                momentum = 1.0
                v, vb, Xv = w_new.copy(), b_new, Xw_new.copy()
            else:
                next_momentum = 0.5 * (1.0 + math.sqrt(1.0 + 4.0 * momentum**2))
                beta = (momentum - 1.0) / next_momentum
                momentum = next_momentum
                v = w_new + beta * (w_new - w)
                vb = b_new + beta * (b_new - b)
                Xv = Xw_new + beta * (Xw_new - Xw)
            w, b, Xw = w_new, b_new, Xw_new
            if n_iter % check_every == 0 and check(n_iter, w, b, Xw):
                return w, b, n_iter, check.trace
        return w, b, n_iter, check.trace


class FrankWolfe(_ConstrainedSolver):
    r"""Frank-Wolfe: pairwise steps on the L1 ball (sparse iterates), plain steps otherwise.

    **p = 1** (pairwise Frank-Wolfe, Lacoste-Julien and Jaggi, 2015): ``w`` is kept as a convex
    combination of the atoms :math:`\{0\} \cup \{\pm t e_j\}` (whose hull is the ball).  Each
    iteration moves weight from the *away* atom :math:`a` (the active atom maximising
    :math:`\langle \nabla_w F, a\rangle`) to the Frank-Wolfe vertex :math:`s` (the
    :func:`linear_minimization_oracle`), :math:`w^+ = w + \gamma (s - a)`,
    :math:`\gamma \in [0, \gamma_{\max}]` with :math:`\gamma_{\max}` the weight of ``a``.  Only
    the atoms ever chosen are nonzero, so the iterates are sparse.  Linear convergence for
    strongly convex :math:`F` on a polytope.

    **1 < p <= inf** (plain Frank-Wolfe): :math:`w^+ = w + \gamma (s - w)`,
    :math:`\gamma \in [0, 1]`.  Linear on the strongly convex balls :math:`1 < p < \infty` when
    the constraint is active; sublinear (:math:`O(1/k)`) on the max-norm ball; prefer
    :class:`ProjectedGradient` there.

    Step: with :math:`d` the direction,
    :math:`\gamma = \min(\gamma_{\max}, -\langle \nabla_w F, d\rangle / (\kappa \sum_i c_i
    (x_i^\top d)^2))`, the minimiser of the quadratic upper model (the exact line search for
    the quadratic datafit, :math:`\kappa = 1`).  A fitted intercept then takes the step
    :math:`b \leftarrow b - \partial_b F / \kappa` (exact for the quadratic datafit with the
    centred design).  Stopping: the relative Frank-Wolfe gap, computed every ``check_every``
    iterations (option, default 10).

    References
    ----------
    S. Lacoste-Julien and M. Jaggi, "On the global linear convergence of Frank-Wolfe
    optimization variants", NeurIPS (2015).  M. Jaggi, "Revisiting Frank-Wolfe:
    projection-free sparse convex optimization", ICML (2013).

    Examples
    --------
    >>> import numpy as np
    >>> from lpreg import Quadratic
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((40, 5))
    >>> y = X @ np.array([3.0, -2.0, 0.0, 0.0, 1.0])
    >>> result = FrankWolfe().solve(X, y, Quadratic(), radius=2.0, p=1, tol=1e-10)
    >>> result.converged, round(float(np.abs(result.coef).sum()), 8)
    (True, 2.0)
    """

    name = "frank_wolfe"
    default_max_iter = 50000
    _options = ("check_every",)

    def _solve(self, problem, w0, intercept0, history):
        check_every = _check_every(problem, type(self).__name__)
        if problem.extra["p"] == 1.0:
            return self._pairwise_l1(problem, w0, intercept0, history, check_every)
        return self._plain(problem, w0, intercept0, history, check_every)

    def _column(self, problem, j):
        X = problem.X
        if problem.is_sparse:
            column = np.zeros(problem.n_samples)
            start, end = X.indptr[j], X.indptr[j + 1]
            column[X.indices[start:end]] = X.data[start:end]
            return column
        return np.asarray(X[:, j], dtype=np.float64)

    def _step_length(self, problem, directional, Xd, gamma_max):
        curvature = problem.datafit.curvature_bound * float(problem.sample_weight @ (Xd * Xd))
        if directional >= 0.0:
            return 0.0
        if curvature <= 0.0:
            return gamma_max
        return min(gamma_max, -directional / curvature)

    def _intercept_step(self, problem, Xw, b):
        if not problem.fit_intercept:
            return Xw, b
        g = problem.datafit.raw_gradient(problem.y, Xw, problem.raw_sample_weight)
        delta = -float(g.sum()) / problem.datafit.curvature_bound
        return Xw + delta, b + delta

    def _pairwise_l1(self, problem, w0, intercept0, history, check_every):
        radius = problem.extra["radius"]
        n_features = problem.n_features
        w = np.array(w0, dtype=np.float64)
        b = float(intercept0)
        if radius == 0.0:
            Xw = _matvec(problem, w * 0.0, b)
            for _ in range(100 if problem.fit_intercept else 0):
                Xw, b = self._intercept_step(problem, Xw, b)
            return np.zeros(n_features), b, 0, None
        # atom weights: positive[j] on +t e_j, negative[j] on -t e_j, zero on the origin
        positive = np.maximum(w, 0.0) / radius
        negative = np.maximum(-w, 0.0) / radius
        zero_weight = max(1.0 - float(positive.sum() + negative.sum()), 0.0)
        Xw = _matvec(problem, w, b)
        Xw, b = self._intercept_step(problem, Xw, b)
        check = _Recorder(problem, self.name, history)
        if check(0, w, b, Xw):
            return w, b, 0, check.trace
        n_iter = 0
        for n_iter in range(1, problem.max_iter + 1):
            g = problem.datafit.raw_gradient(problem.y, Xw, problem.raw_sample_weight)
            # the gradient in the centred coordinates (w, b') is what the steps use
            grad = np.asarray(problem.X.T @ g.astype(problem.dtype, copy=False), dtype=np.float64)
            grad = grad.ravel()
            j_fw = int(np.argmax(np.abs(grad)))
            sign_fw = -1.0 if grad[j_fw] > 0 else 1.0
            # away atom: the active atom with the largest <grad, atom>
            scores = np.where(positive > 0, radius * grad, -np.inf)
            scores_neg = np.where(negative > 0, -radius * grad, -np.inf)
            j_pos = int(np.argmax(scores))
            j_neg = int(np.argmax(scores_neg))
            best = (0.0, -1, 0.0) if zero_weight > 0 else (-np.inf, -1, 0.0)
            if scores[j_pos] > best[0]:
                best = (float(scores[j_pos]), j_pos, 1.0)
            if scores_neg[j_neg] > best[0]:
                best = (float(scores_neg[j_neg]), j_neg, -1.0)
            _, j_away, sign_away = best
            if j_away < 0:
                gamma_max = zero_weight
            else:
                gamma_max = positive[j_away] if sign_away > 0 else negative[j_away]
            Xd = sign_fw * radius * self._column(problem, j_fw)
            directional = sign_fw * radius * grad[j_fw]
            if j_away >= 0:
                Xd = Xd - sign_away * radius * self._column(problem, j_away)
                directional -= sign_away * radius * grad[j_away]
            gamma = self._step_length(problem, directional, Xd, gamma_max)
            if gamma > 0.0:
                if sign_fw > 0:
                    positive[j_fw] += gamma
                else:
                    negative[j_fw] += gamma
                if j_away < 0:
                    zero_weight -= gamma
                elif sign_away > 0:
                    positive[j_away] -= gamma
                else:
                    negative[j_away] -= gamma
                if gamma == gamma_max:  # drop step: the away atom leaves exactly
                    if j_away < 0:
                        zero_weight = 0.0
                    elif sign_away > 0:
                        positive[j_away] = 0.0
                    else:
                        negative[j_away] = 0.0
                w = radius * (positive - negative)
                Xw = Xw + gamma * Xd
            Xw, b = self._intercept_step(problem, Xw, b)
            if n_iter % check_every == 0:
                Xw = _matvec(problem, w, b)  # refresh: no drift from the incremental updates
                if check(n_iter, w, b, Xw):
                    return w, b, n_iter, check.trace
        return w, b, n_iter, check.trace

    def _plain(self, problem, w0, intercept0, history, check_every):
        radius, p = problem.extra["radius"], problem.extra["p"]
        w = np.array(w0, dtype=np.float64)
        b = float(intercept0)
        Xw = _matvec(problem, w, b)
        Xw, b = self._intercept_step(problem, Xw, b)
        check = _Recorder(problem, self.name, history)
        if check(0, w, b, Xw):
            return w, b, 0, check.trace
        n_iter = 0
        for n_iter in range(1, problem.max_iter + 1):
            g = problem.datafit.raw_gradient(problem.y, Xw, problem.raw_sample_weight)
            grad = np.asarray(problem.X.T @ g.astype(problem.dtype, copy=False), dtype=np.float64)
            grad = grad.ravel()
            s = linear_minimization_oracle(grad, radius, p)
            d = s - w
            Xd = _matvec(problem, d, 0.0)
            gamma = self._step_length(problem, float(grad @ d), Xd, 1.0)
            if gamma > 0.0:
                w = w + gamma * d
                Xw = Xw + gamma * Xd
            Xw, b = self._intercept_step(problem, Xw, b)
            if n_iter % check_every == 0:
                Xw = _matvec(problem, w, b)
                if check(n_iter, w, b, Xw):
                    return w, b, n_iter, check.trace
        return w, b, n_iter, check.trace


def _check_every(problem, owner):
    check_every = problem.extra.get("check_every", 10)
    if isinstance(check_every, bool) or not isinstance(check_every, (int, np.integer)):
        raise TypeError(
            f"{owner}: check_every must be an int >= 1, got {type(check_every).__name__} "
            f"{check_every!r}."
        )
    if check_every < 1:
        raise ValueError(f"{owner}: check_every must be an int >= 1, got {check_every}.")
    return int(check_every)


_CONSTRAINED_SOLVERS = {"projected_gradient": ProjectedGradient, "frank_wolfe": FrankWolfe}


def solve_constrained(X, y, datafit, radius, p=1, solver="auto", **kwargs):
    r"""Solve :math:`\min_{w, b} F(w, b)` s.t. :math:`\|w\|_p \le t` and return a certified
    :class:`~lpreg.solvers.base.SolveResult` (``certificate="fw_gap"``).

    ``solver``: ``"projected_gradient"``, ``"frank_wolfe"`` or ``"auto"`` (projected
    gradient: linear convergence on every ball; Frank-Wolfe keeps L1 iterates sparse but is
    slower to high accuracy).  ``result.lagrange_multiplier`` is :math:`\lambda`
    (:func:`lagrange_multiplier`).  Other keywords as :meth:`ProjectedGradient.solve`.
    """
    if solver == "auto":
        solver = "projected_gradient"
    if solver not in _CONSTRAINED_SOLVERS:
        raise ValueError(
            f"solve_constrained: solver must be 'auto' or one of {sorted(_CONSTRAINED_SOLVERS)}, "
            f"got {solver!r}."
        )
    return _CONSTRAINED_SOLVERS[solver]().solve(X, y, datafit, radius, p, **kwargs)
