"""What every solver shares: the problem bundle, the result, requirements, the stopping rule.

A solver states what it needs from the datafit and the penalty as data (``requires``); one
check runs before anything is compiled and says what is missing and which solver would work.
``Solver.solve`` validates the input, builds a :class:`Problem`, calls the algorithm's
``_solve`` and turns its ``(coef, intercept, n_iter, history)`` into a :class:`SolveResult`
whose certificate is recomputed from the coefficients, warning if it misses ``tol``.

Tolerances are relative: the duality gap is divided by the objective at ``w = 0`` (intercept
optimal if fitted; celer's scaling) and the KKT violation by ``max(||grad F(0)||_inf, 1e-12)``.
For float32 input ``tol`` is floored at ``FLOAT32_TOL_FLOOR`` (16 float32 epsilons, 1.9e-6):
coefficients rounded to float32 cannot certify more than that.
"""

from __future__ import annotations

import dataclasses
import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from numba import njit
from sklearn.exceptions import ConvergenceWarning

from lpreg._validation import check_design, check_real_scalar
from lpreg.certificates import duality_gap_from_gradient
from lpreg.datafits.base import NormalizedWeights, normalized_sample_weight, unsigned_indices

__all__ = [
    "Problem",
    "Requirements",
    "SolveResult",
    "Solver",
    "design_product",
    "design_transpose_product",
    "register_solver",
    "solver_classes",
    "warn_not_converged",
]


@dataclass
class SolveResult:
    """What a solver returns.

    Attributes
    ----------
    coef : ndarray of shape (n_features,)
        The coefficients ``w`` (dtype of ``X``).
    intercept : float
        The intercept ``b`` (0.0 when not fitted).
    n_iter : int
        Outer iterations (epochs) used.
    certificate : str
        ``"duality_gap"`` (convex problems with a conjugate) or ``"kkt_violation"``.
    gap : float or None
        Duality gap at ``coef`` relative to the objective at ``w = 0`` (None without a gap).
    kkt_violation : float
        Largest subdifferential distance at ``coef``, relative to ``||grad F(0)||_inf``.
    converged : bool
        Whether the certificate reached ``tol``.
    objective : float
        Primal objective at the solution.
    solver : str
        Name of the solver that produced the result.
    history : dict of lists or None
        ``objective``, ``certificate`` and ``time`` per iteration when requested.
    """

    coef: np.ndarray
    intercept: float
    n_iter: int
    certificate: str
    gap: float | None
    kkt_violation: float
    converged: bool
    objective: float
    solver: str
    history: dict | None = None

    @property
    def value(self):
        """The certificate the solver stopped on (relative)."""
        return self.gap if self.certificate == "duality_gap" else self.kkt_violation


@dataclass(frozen=True)
class Requirements:
    """Attributes a solver needs on the datafit and on the penalty, and problem classes."""

    datafit: tuple = ()
    penalty: tuple = ()
    convex: bool = False
    separable: bool = False
    datafits: tuple = ()  # allowed datafit class names, empty: any


@dataclass
class Problem:
    """A validated problem ``min_{w,b} F(w, b) + G(w)`` as solvers see it.

    ``X`` is Fortran-ordered dense or CSC; ``y`` is encoded by the datafit (float64);
    ``sample_weight`` is normalised to sum 1 (``c`` in the datafit docs); ``scale_gap`` and
    ``scale_kkt`` turn absolute certificates into relative ones.  ``gradient_at_zero`` is
    :math:`X^\top F'(0, b_0)` (computed once, for ``scale_kkt``).
    """

    X: object
    y: np.ndarray
    datafit: object
    penalty: object
    sample_weight: np.ndarray
    fit_intercept: bool
    tol: float
    max_iter: int
    n_samples: int
    n_features: int
    is_sparse: bool
    dtype: np.dtype
    scale_gap: float
    scale_kkt: float
    certificate: str
    raw_sample_weight: np.ndarray | None = None
    verbose: bool = False
    extra: dict = field(default_factory=dict)
    # X^T g at w = 0 (intercept optimal if fitted, else 0), g the per-sample derivatives there:
    # build_problem computes it for scale_kkt; solvers starting from 0 may reuse it (None if
    # unknown).  Centring X (fit_intercept) leaves it unchanged, since sum_i g_i = 0 there.
    gradient_at_zero: np.ndarray | None = None

    # the last evaluation (see evaluate_with_gradient); not copied by dataclasses.replace
    _last_evaluation: tuple | None = field(default=None, init=False, repr=False, compare=False)

    def evaluate(self, w, intercept):
        """Objective, relative gap (None without one) and relative KKT violation at ``(w, b)``,
        from one product with ``X`` and one with ``X.T``."""
        return self.evaluate_with_gradient(w, intercept)[:3]

    def evaluate_with_gradient(self, w, intercept):
        """``(objective, gap, kkt, grad)``: :meth:`evaluate` and the gradient
        :math:`\\nabla_w F(w, b) = X^\\top g` it computed on the way (float64).

        Everything is recomputed from ``w`` and ``X`` (never from a solver's running
        ``Xw``), except that a second call at the same ``(w, b)`` on the same problem (same
        ``X``, ``y``, weights, datafit and penalty objects, the same scales) returns the first
        call's numbers: a solver that confirmed its stop with :meth:`certificate_at` does not
        pay for the same products again in :func:`finalize`.
        """
        w = np.asarray(w, dtype=np.float64)
        intercept = float(intercept)
        key = self._evaluation_key()
        cached = self._last_evaluation
        if (
            cached is not None
            and cached[2] == intercept
            and all(a is b for a, b in zip(cached[0], key, strict=True))
            and np.array_equal(cached[1], w)
        ):
            objective, gap, kkt, grad = cached[3]
            return objective, gap, kkt, grad.copy()
        result = self._evaluate_from_scratch(w, intercept)
        self._last_evaluation = (key, w.copy(), intercept, result)
        objective, gap, kkt, grad = result
        return objective, gap, kkt, grad.copy()

    def _evaluation_key(self):
        # compared by identity: reassigning any of these (problem.X = ...) invalidates the cache
        return (
            self.X,
            self.y,
            self.raw_sample_weight,
            self.datafit,
            self.penalty,
            self.fit_intercept,
            self.certificate,
            self.scale_gap,
            self.scale_kkt,
        )

    def _evaluate_from_scratch(self, w, intercept):
        Xw = design_product(self.X, w, intercept)
        g = self.datafit.raw_gradient(self.y, Xw, self.raw_sample_weight)
        grad = design_transpose_product(self.X, g)
        distances = self.penalty.subdiff_distance(w, grad)
        intercept_violation = abs(float(g.sum())) if self.fit_intercept else 0.0
        kkt = max(float(np.max(distances, initial=0.0)), intercept_violation) / self.scale_kkt
        if self.certificate != "duality_gap":
            objective = self.datafit.value(self.y, Xw, self.raw_sample_weight)
            return objective + self.penalty.value(w), None, kkt, grad
        gap, objective, _ = duality_gap_from_gradient(
            self.y,
            w,
            intercept,
            Xw,
            g,
            grad,
            self.datafit,
            self.penalty,
            self.raw_sample_weight,
        )
        gap = gap / self.scale_gap
        unpenalized = self.penalty.coordinate_weights(self.n_features) == 0
        if self.fit_intercept or np.any(unpenalized):
            # the gap holds b and the unpenalized coordinates fixed: certify them by KKT
            rest = float(np.max(distances[unpenalized], initial=0.0))
            gap = max(gap, max(rest, intercept_violation) / self.scale_kkt)
        return objective, gap, kkt, grad

    def certificate_at(self, w, intercept):
        """Relative certificate at ``(w, intercept)``: the duality gap or the KKT violation."""
        _, gap, kkt = self.evaluate(w, intercept)
        return kkt if gap is None else gap

    def kkt_at(self, w, intercept):
        """Relative KKT violation at ``(w, intercept)`` (all coordinates and the intercept)."""
        return self.evaluate(w, intercept)[2]

    def objective(self, w, intercept):
        Xw = design_product(self.X, np.asarray(w, dtype=np.float64), float(intercept))
        return self.datafit.value(self.y, Xw, self.raw_sample_weight) + self.penalty.value(w)

    def with_terms(self, X=None, penalty=None):
        """The same problem with the columns ``X`` (already validated: a column subset of
        this problem's ``X``, same dtype and format) and/or another ``penalty`` of the same
        length; the scales ``scale_gap`` and ``scale_kkt`` stay this problem's (a path solves
        every alpha, and every restriction, relative to the same full problem)."""
        gradient_at_zero = self.gradient_at_zero if X is None else None
        X = self.X if X is None else X
        penalty = self.penalty if penalty is None else penalty
        return dataclasses.replace(
            self,
            X=X,
            penalty=penalty,
            n_features=X.shape[1],
            certificate=_certificate_kind(penalty),
            extra=dict(self.extra),
            gradient_at_zero=gradient_at_zero,
        )


def design_product(X, w, intercept=0.0):
    """``X @ w + intercept`` in float64 (``w`` float64), skipping the columns where
    ``w_j = 0``: a sparse ``w`` costs only its support.  Dense ``X`` of any layout and
    scipy.sparse CSC ``X`` take numba loops; other sparse formats go through scipy."""
    w = np.asarray(w, dtype=np.float64)
    out = np.empty(X.shape[0], dtype=np.float64)
    if sp.issparse(X):
        if X.format != "csc":
            out[:] = np.asarray(X @ w, dtype=np.float64).ravel() + intercept
            return out
        return _sparse_product(X.data, unsigned_indices(X), X.indptr, w, float(intercept), out)
    return _dense_product(X, w, float(intercept), out)


def design_transpose_product(X, g):
    """``X.T @ g`` in float64 (``g`` float64): BLAS for float64 dense ``X``, numba loops for
    float32 dense ``X`` (no float64 copy of ``X``) and for CSC ``X`` (no transposed scipy
    object per call)."""
    g = np.asarray(g, dtype=np.float64)
    if sp.issparse(X):
        if X.format != "csc":
            return np.asarray(X.T @ g, dtype=np.float64).ravel()
        out = np.empty(X.shape[1], dtype=np.float64)
        return _sparse_transpose_product(X.data, unsigned_indices(X), X.indptr, g, out)
    if X.dtype == np.float64:
        return np.asarray(X.T @ g, dtype=np.float64).ravel()
    return _dense_transpose_product(X, g, np.empty(X.shape[1], dtype=np.float64))


@njit(cache=True)
def _dense_product(X, w, intercept, out):
    out[:] = intercept
    for j in range(X.shape[1]):
        coefficient = w[j]
        if coefficient != 0.0:
            for i in range(X.shape[0]):
                out[i] += coefficient * np.float64(X[i, j])
    return out


@njit(cache=True)
def _sparse_product(data, indices, indptr, w, intercept, out):
    out[:] = intercept
    for j in range(w.shape[0]):
        coefficient = w[j]
        if coefficient != 0.0:
            for k in range(indptr[j], indptr[j + 1]):
                out[indices[k]] += coefficient * np.float64(data[k])
    return out


@njit(cache=True)
def _dense_transpose_product(X, g, out):
    n_samples = X.shape[0]
    for j in range(X.shape[1]):
        s0 = 0.0
        s1 = 0.0
        s2 = 0.0
        s3 = 0.0
        i = 0
        while i + 4 <= n_samples:
            s0 += np.float64(X[i, j]) * g[i]
            s1 += np.float64(X[i + 1, j]) * g[i + 1]
            s2 += np.float64(X[i + 2, j]) * g[i + 2]
            s3 += np.float64(X[i + 3, j]) * g[i + 3]
            i += 4
        while i < n_samples:
            s0 += np.float64(X[i, j]) * g[i]
            i += 1
        out[j] = (s0 + s1) + (s2 + s3)
    return out


@njit(cache=True)
def _sparse_transpose_product(data, indices, indptr, g, out):
    for j in range(out.shape[0]):
        total = 0.0
        for k in range(indptr[j], indptr[j + 1]):
            total += np.float64(data[k]) * g[indices[k]]
        out[j] = total
    return out


FLOAT32_TOL_FLOOR = 16 * float(np.finfo(np.float32).eps)

_SOLVERS: dict[str, type] = {}


def register_solver(cls):
    """Class decorator adding a solver to the registry under ``cls.name``."""
    _SOLVERS[cls.name] = cls
    return cls


def solver_classes():
    """Registered solver classes by name."""
    import lpreg.solvers  # noqa: F401  (registers every module)

    return dict(_SOLVERS)


class Solver:
    """Base class: subclasses set ``name``, ``requires`` and implement ``_solve(problem, w0,
    intercept0, history)`` returning ``(coef, intercept, n_iter, history)``.

    ``_solve`` stops on ``problem.certificate_at`` (or an equivalent computation of the same
    certificate inside its numba loop) reaching ``problem.tol``.
    """

    name = "solver"
    requires = Requirements()
    alternatives = ""
    # names of the solver-specific keyword options, checked before any work (None: the solver
    # reads problem.extra and checks it itself)
    options = None
    default_max_iter = 1000

    def check(self, datafit, penalty):
        """Raise ``ValueError`` before any work if the pair is not supported."""
        missing = []
        for attribute in self.requires.datafit:
            if getattr(datafit, attribute, None) is None:
                missing.append(f"datafit.{attribute}")
        for attribute in self.requires.penalty:
            if getattr(penalty, attribute, None) is None:
                missing.append(f"penalty.{attribute}")
        problems = []
        if missing:
            problems.append("it needs " + ", ".join(missing))
        if self.requires.separable and not penalty.is_separable:
            problems.append("it needs a separable penalty (penalty.scalar_kernels)")
        if self.requires.convex and not penalty.is_convex:
            problems.append("it needs a convex penalty")
        if self.requires.datafits and type(datafit).__name__ not in self.requires.datafits:
            problems.append("it handles only " + "/".join(self.requires.datafits))
        if problems:
            hint = f" {self.alternatives}" if self.alternatives else ""
            raise ValueError(
                f"{type(self).__name__} cannot solve {type(datafit).__name__} + "
                f"{type(penalty).__name__}: {'; '.join(problems)}.{hint}"
            )

    def check_options(self, options):
        """Raise ``ValueError`` before any work if ``options`` holds a name not in
        ``self.options`` (None: the solver checks ``problem.extra`` itself)."""
        unknown = [] if self.options is None else sorted(set(options) - set(self.options))
        if unknown:
            raise ValueError(
                f"{type(self).__name__}: unknown option(s) {unknown}; the options are "
                f"{sorted(self.options) or 'none'}."
            )

    def solve(
        self,
        X,
        y,
        datafit,
        penalty,
        *,
        w0=None,
        intercept0=0.0,
        sample_weight=None,
        fit_intercept=False,
        tol=1e-6,
        max_iter=None,
        history=False,
        verbose=False,
        check_input=True,
        **options,
    ):
        """Solve ``min_{w, b} F(w, b) + G(w)``; see :func:`lpreg.solve`."""
        owner = type(self).__name__
        self.check_options(options)
        self.check(datafit, penalty)
        problem = build_problem(
            X,
            y,
            datafit,
            penalty,
            sample_weight=sample_weight,
            fit_intercept=fit_intercept,
            tol=tol,
            max_iter=self.default_max_iter if max_iter is None else max_iter,
            owner=owner,
            verbose=verbose,
            check_input=check_input,
        )
        problem.extra.update(options)
        return self.solve_problem(problem, w0, intercept0, history)

    def solve_problem(self, problem, w0=None, intercept0=0.0, history=False):
        """Solve a validated :class:`Problem` (from :func:`build_problem`; the pair is
        assumed checked): the part of :meth:`solve` after validation, for callers such as
        :func:`lpreg.path.regularization_path` that solve many related problems.
        ``problem`` itself is not modified."""
        owner = type(self).__name__
        w_start = np.zeros(problem.n_features, dtype=problem.dtype)
        if w0 is not None:
            w_start = np.array(w0, dtype=problem.dtype)
            if w_start.shape != (problem.n_features,):
                raise ValueError(
                    f"{owner}: w0 must have shape ({problem.n_features},), got {w_start.shape}."
                )
        intercept0 = float(intercept0)
        offset = None
        if problem.fit_intercept and not problem.is_sparse:
            # x_i'w + b = (x_i - m)'w + (b + m'w): an exact reparametrisation for every datafit
            # (the penalty does not see b) that decouples w from b.  Without it, columns with a
            # large mean make coordinate methods crawl (sklearn and glmnet centre too).
            offset = np.asarray(problem.X.T @ problem.sample_weight, dtype=np.float64)
            problem = dataclasses.replace(problem, extra=dict(problem.extra))
            problem.X = np.asfortranarray(problem.X - offset.astype(problem.dtype))
            intercept0 += float(offset @ w_start)
        start = time.perf_counter()
        coef, intercept, n_iter, trace = self._solve(problem, w_start, intercept0, history)
        result = finalize(problem, coef, intercept, n_iter, trace, self.name, start)
        if offset is not None:
            result.intercept = float(result.intercept - offset @ np.asarray(result.coef, float))
        return result

    def _solve(self, problem, w0, intercept0, history):
        raise NotImplementedError


def build_problem(
    X,
    y,
    datafit,
    penalty,
    *,
    sample_weight=None,
    fit_intercept=False,
    tol=1e-6,
    max_iter=1000,
    owner="solve",
    verbose=False,
    check_input=True,
):
    """Validate the input and bundle it as a :class:`Problem`.

    ``check_input=False`` skips the scan of ``X`` for NaN and inf (a full pass over ``X``),
    for callers that validated ``X`` already (the estimators, through scikit-learn's
    ``check_array``); the conversions (Fortran order, CSC with sorted indices, the dtype)
    and every other check still run.
    """
    if not isinstance(check_input, bool | np.bool_):
        raise TypeError(
            f"{owner}: check_input must be True or False, got {check_input!r}; False skips "
            "the scan of X for NaN and inf (for input validated already)."
        )
    X, y = check_design(X, y, owner, check_finite=bool(check_input))
    y = datafit.prepare_target(y)
    n_samples, n_features = X.shape
    penalty._check_length(n_features)
    c = normalized_sample_weight(sample_weight, n_samples, owner)
    # validated once: every later datafit evaluation takes the normalised weights as they are
    raw = c.view(NormalizedWeights)
    tol = check_real_scalar(tol, "tol", owner, low=0.0, hint="tol is a relative certificate.")
    max_iter = int(check_real_scalar(max_iter, "max_iter", owner, low=1))
    if X.dtype == np.float32:
        # coefficients rounded to float32 cannot certify below a few float32 epsilons
        tol = max(tol, FLOAT32_TOL_FLOOR)
    intercept = datafit.intercept_at_zero(y, raw) if fit_intercept else 0.0
    Xw0 = np.full(n_samples, intercept)
    objective_zero = datafit.value(y, Xw0, raw) + penalty.value(np.zeros(n_features))
    grad_zero = design_transpose_product(X, datafit.raw_gradient(y, Xw0, raw))
    certificate = _certificate_kind(penalty)
    return Problem(
        X=X,
        y=y,
        datafit=datafit,
        penalty=penalty,
        sample_weight=c,
        fit_intercept=bool(fit_intercept),
        tol=tol,
        max_iter=max_iter,
        n_samples=n_samples,
        n_features=n_features,
        is_sparse=sp.issparse(X),
        dtype=X.dtype,
        scale_gap=max(objective_zero, 1e-300),
        scale_kkt=max(float(np.max(np.abs(grad_zero))), 1e-12),
        certificate=certificate,
        raw_sample_weight=raw,
        verbose=verbose,
        gradient_at_zero=grad_zero,
    )


def _certificate_kind(penalty):
    """``"duality_gap"`` for a convex penalty with a conjugate, else ``"kkt_violation"``."""
    certificate = (
        "duality_gap"
        if penalty.is_convex and getattr(penalty, "has_conjugate", False)
        else "kkt_violation"
    )
    if certificate == "duality_gap" and _conjugate_domain_is_trivial(penalty):
        # alpha = 0: G* is the indicator of {0}, the rescaled dual point collapses to 0 and
        # the gap equals the primal; the KKT violation still certifies the (unpenalised) fit.
        certificate = "kkt_violation"
    return certificate


def _conjugate_domain_is_trivial(penalty):
    radius = getattr(penalty, "_conjugate_radius", None)
    try:
        return radius is not None and radius() == 0.0
    except NotImplementedError:
        return False


def finalize(problem, coef, intercept, n_iter, trace, name, start=None):
    """Recompute the certificate from ``coef``, build the result and warn if not converged."""
    coef = np.asarray(coef)
    if not (np.all(np.isfinite(coef)) and math.isfinite(intercept)):
        raise FloatingPointError(
            f"{name} produced non-finite coefficients after {n_iter} iterations; the problem is "
            "badly scaled (standardise X) or the step size is too large."
        )
    objective, gap, kkt = problem.evaluate(coef, intercept)
    converged = (kkt if gap is None else gap) <= problem.tol
    result = SolveResult(
        coef=coef.astype(problem.dtype, copy=False),
        intercept=float(intercept),
        n_iter=int(n_iter),
        certificate=problem.certificate,
        gap=gap,
        kkt_violation=kkt,
        converged=bool(converged),
        objective=objective,
        solver=name,
        history=trace,
    )
    if not converged:
        certificate = kkt if gap is None else gap
        hint = ""
        if not math.isfinite(certificate):
            hint = (
                f"The {problem.certificate.replace('_', ' ')} is {certificate} (the objective or "
                "its dual overflows at these coefficients): standardise X and y."
            )
        warn_not_converged(result, problem.tol, problem.max_iter, hint=hint, stacklevel=4)
    return result


def warn_not_converged(result, tol, max_iter, hint="", stacklevel=3):
    """Emit the ConvergenceWarning every solver uses: solver, certificate reached, tol, remedy."""
    if result.certificate == "duality_gap":
        reached = (
            f"duality gap {result.gap:.1e} > tol {tol:.1e} (relative to the objective at w=0)"
        )
    else:
        reached = (
            f"KKT violation {result.kkt_violation:.1e} > tol {tol:.1e} "
            "(relative to the gradient at w=0)"
        )
    remedy = hint or "Increase max_iter or standardise X; a tiny alpha is nearly unregularised."
    value = result.gap if result.certificate == "duality_gap" else result.kkt_violation
    stopped = f"stopped at max_iter={max_iter}" if math.isfinite(value) else "stopped"
    warnings.warn(
        f"{result.solver} {stopped} with {reached}. {remedy}",
        ConvergenceWarning,
        stacklevel=stacklevel,
    )
