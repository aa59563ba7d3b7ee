r"""Regularization paths: one warm-started routine for every datafit and penalty.

For a grid :math:`\alpha_0 = \alpha_{\max} > \alpha_1 > \dots > \alpha_{K-1}` (geometric, down
to ``eps * alpha_max``) :func:`regularization_path` solves

.. math:: \min_{w, b}\; F(w, b) + G_{\alpha_k}(w), \qquad k = 0, \dots, K - 1,

each problem starting from the previous solution.  For a separable penalty whose
subdifferential at 0 is :math:`c_j [-\alpha\kappa, \alpha\kappa]` with :math:`0 < \kappa <
\infty` (``L1``, ``ElasticNet`` with ``l1_ratio > 0``, ``WeightedL1``, ``MCP``, ``SCAD``, penalty
factors, bounds), the **sequential strong rule** (Tibshirani et al. 2012) discards feature ``j``
at :math:`\alpha_k` when

.. math:: |\nabla_j F(w^{(k-1)}, b^{(k-1)})| < c_j \kappa\, (2\alpha_k - \alpha_{k-1}),

the problem is solved on the kept columns (plus every feature active at :math:`\alpha_{k-1}`:
the working set carried along the path) and a **KKT check over all features** follows: every
discarded feature whose subdifferential distance at 0 is positive is added back and the
restricted problem re-solved, until none is violated.  The strong rule is a heuristic; the
check makes the result exact (no feature is ever wrongly discarded).

:math:`\alpha_{\max}` is exact: the smallest :math:`\alpha` for which :math:`w = 0` (with the
intercept and the unpenalized features, :math:`c_j = 0`, at their optimum) is a solution,

.. math:: \alpha_{\max} = \max_{j:\, c_j > 0} \frac{|\nabla_j F(w^0, b^0)|}{c_j \kappa},

with :math:`(w^0, b^0)` the fit of the unpenalized part.  Penalties without a finite kink at 0
(``Lp`` with ``p != 1``, ``L2``) use :math:`\kappa = 1` (L1's grid) and no strong rule.
"""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import scipy.sparse as sp

from lpreg._validation import check_real_scalar

__all__ = [
    "RegularizationPath",
    "alpha_grid",
    "alpha_max",
    "enet_path",
    "lasso_path",
    "regularization_path",
]


@dataclasses.dataclass
class RegularizationPath:
    """What :func:`regularization_path` returns, one column or entry per alpha.

    Unpacks like scikit-learn's ``lasso_path``: ``alphas, coefs, certificates = path``.

    Attributes
    ----------
    alphas : ndarray of shape (n_alphas,)
        Decreasing strengths.
    coefs : ndarray of shape (n_features, n_alphas)
    intercepts : ndarray of shape (n_alphas,)
    certificates : ndarray of shape (n_alphas,)
        The relative certificate of the *full* problem at each point (duality gap for convex
        penalties with a conjugate, else KKT violation), recomputed from the coefficients;
        with an intercept on dense ``X``, in the coordinates every solve certifies
        (``X - m`` with ``m = X^T c`` and the intercept ``b + m^T w``: the same predictions).
    certificate : str
        ``"duality_gap"`` or ``"kkt_violation"``.
    kkt_violations : ndarray of shape (n_alphas,)
        Relative KKT violation over all features (discarded ones included).
    n_nonzero : ndarray of int of shape (n_alphas,)
    n_iter : ndarray of int of shape (n_alphas,)
        Solver epochs per point (summed over KKT re-solves).
    n_strong : ndarray of int of shape (n_alphas,)
        Columns the last restricted solve used (``n_features`` without a strong rule).
    n_added : ndarray of int of shape (n_alphas,)
        Discarded features the KKT check added back.
    converged : ndarray of bool of shape (n_alphas,)
    objectives : ndarray of shape (n_alphas,)
    """

    alphas: np.ndarray
    coefs: np.ndarray
    intercepts: np.ndarray
    certificates: np.ndarray
    certificate: str
    kkt_violations: np.ndarray
    n_nonzero: np.ndarray
    n_iter: np.ndarray
    n_strong: np.ndarray
    n_added: np.ndarray
    converged: np.ndarray
    objectives: np.ndarray

    def __iter__(self):
        return iter((self.alphas, self.coefs, self.certificates))


# ----------------------------------------------------------------------------------------------
# alpha_max and the grid
# ----------------------------------------------------------------------------------------------


def _kink(penalty):
    r"""``kappa``: the subdifferential of the unweighted term at 0 is ``[-alpha k, alpha k]``.

    Returns ``(kappa, exact)``; ``exact`` is False when the penalty has no finite positive kink
    (``Lp`` with ``p != 1``, ``L2``) and ``kappa = 1`` stands in (L1's grid).
    """
    if not penalty.is_separable or penalty.scalar_kernels is None:
        return 1.0, False
    unit = penalty.with_alpha(1.0)
    low, high = penalty.scalar_kernels.subdiff_interval(0.0, unit.params)
    kappa = float(high)
    if not (math.isfinite(kappa) and kappa > 0.0) or low != -high:
        return 1.0, False
    return kappa, True


def _unpenalized_fit(X, y, datafit, weights, sample_weight, fit_intercept):
    """``(w0, b0)``: the unpenalized features and intercept at their optimum, the rest 0."""
    from lpreg.penalties import L2
    from lpreg.solvers import solve

    n_features = X.shape[1]
    w = np.zeros(n_features)
    free = np.flatnonzero(weights == 0)
    if free.size == 0:
        y_encoded = datafit.prepare_target(y)
        intercept = datafit.intercept_at_zero(y_encoded, sample_weight) if fit_intercept else 0.0
        return w, intercept
    result = solve(
        _columns(X, free),
        y,
        datafit,
        L2(0.0),
        sample_weight=sample_weight,
        fit_intercept=fit_intercept,
        tol=1e-10,
    )
    w[free] = result.coef
    return w, result.intercept


def _full_gradient(X, y_encoded, w, intercept, datafit, sample_weight):
    Xw = np.asarray(X @ w, dtype=np.float64).ravel() + intercept
    g = datafit.raw_gradient(y_encoded, Xw, sample_weight)
    return np.asarray(X.T @ g, dtype=np.float64).ravel()


def alpha_max(X, y, datafit, penalty, *, sample_weight=None, fit_intercept=False):
    r"""The smallest ``alpha`` at which ``w = 0`` (penalized features) solves the problem.

    .. math:: \alpha_{\max} = \max_{j:\, c_j > 0} \frac{|\nabla_j F(w^0, b^0)|}{c_j \kappa}

    with :math:`c_j` the penalty's coordinate weights, :math:`\kappa` the kink of the
    unweighted term at 0 for ``alpha = 1`` (1 for L1, ``l1_ratio`` for Elastic Net) and
    :math:`(w^0, b^0)` the fit of the intercept and the unpenalized features (:math:`c_j = 0`).
    For a box (``positive=True``) only the sign that can leave 0 counts.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    datafit : Datafit
    penalty : Penalty
        A separable penalty (its ``alpha`` is ignored).
    sample_weight : array-like of shape (n_samples,), default=None
    fit_intercept : bool, default=False

    Returns
    -------
    float
    """
    from lpreg.datafits.base import normalized_sample_weight

    X, y = _check_xy(X, y, "alpha_max")
    c = normalized_sample_weight(sample_weight, X.shape[0], "alpha_max")
    return _alpha_max(X, y, datafit, penalty, c, fit_intercept)[0]


def _alpha_max(X, y, datafit, penalty, c, fit_intercept):
    """``(alpha_max, w0, b0, grad0)`` with the normalised weights ``c``."""
    n_features = X.shape[1]
    if not penalty.is_separable:
        raise ValueError(
            f"alpha_max: the penalty must be separable, got {type(penalty).__name__}; pass "
            "alphas= explicitly for group penalties."
        )
    weights = np.asarray(penalty.coordinate_weights(n_features), dtype=np.float64)
    if not np.any(weights > 0):
        raise ValueError(
            "alpha_max: every feature is unpenalized (all penalty weights are 0), so no alpha "
            "sets the coefficients to 0; penalize at least one feature."
        )
    w0, b0 = _unpenalized_fit(X, y, datafit, weights, c, fit_intercept)
    grad = _full_gradient(X, datafit.prepare_target(y), w0, b0, datafit, c)
    lower, upper = penalty.coordinate_bounds(n_features)
    # -grad > 0 pushes w_j up (needs upper > 0), -grad < 0 pushes it down (needs lower < 0)
    push = np.where(-grad > 0, np.where(upper > 0, -grad, 0.0), np.where(lower < 0, grad, 0.0))
    kappa, _ = _kink(penalty)
    penalized = weights > 0
    value = float(np.max(np.abs(push[penalized]) / (weights[penalized] * kappa), initial=0.0))
    return value, w0, b0, grad


def alpha_grid(alpha_max_value, *, eps=1e-3, n_alphas=100, owner="alpha_grid"):
    r"""Geometric grid from ``alpha_max`` down to ``eps * alpha_max`` (``n_alphas`` points).

    .. math:: \alpha_k = \alpha_{\max}\, \varepsilon^{k / (K - 1)}, \quad k = 0, \dots, K-1

    the grid scikit-learn's ``_alpha_grid`` and glmnet use.
    """
    eps = check_real_scalar(
        eps,
        "eps",
        owner,
        low=0.0,
        low_inclusive=False,
        high=1.0,
        hint="eps is the ratio alpha_min / alpha_max (e.g. 1e-3).",
    )
    n_alphas = _check_n_alphas(n_alphas, owner)
    if alpha_max_value <= np.finfo(float).resolution:
        return np.full(n_alphas, np.finfo(float).resolution)
    if n_alphas == 1:
        return np.array([alpha_max_value])
    return np.geomspace(alpha_max_value, alpha_max_value * eps, num=n_alphas)


# ----------------------------------------------------------------------------------------------
# the path
# ----------------------------------------------------------------------------------------------


def _check_n_alphas(n_alphas, owner):
    if isinstance(n_alphas, (bool, np.bool_)) or not isinstance(n_alphas, (int, np.integer)):
        raise TypeError(f"{owner}: n_alphas must be an integer >= 1, got {n_alphas!r}.")
    if n_alphas < 1:
        raise ValueError(f"{owner}: n_alphas must be an integer >= 1, got {n_alphas}.")
    return int(n_alphas)


def _check_xy(X, y, owner):
    from lpreg._validation import check_design

    return check_design(X, y, owner)


def _columns(X, columns):
    if sp.issparse(X):
        return X[:, columns].tocsc()
    return np.asfortranarray(X[:, columns])


def _restrict_penalty(penalty, columns, n_features):
    """The same penalty on the features ``columns`` (per-feature arrays sliced)."""
    from lpreg.penalties.base import Penalty

    changes = {}
    for field in dataclasses.fields(penalty):
        value = getattr(penalty, field.name)
        if isinstance(value, Penalty):
            changes[field.name] = _restrict_penalty(value, columns, n_features)
        elif isinstance(value, np.ndarray) and value.ndim == 1 and value.shape[0] == n_features:
            changes[field.name] = value[columns]
    return dataclasses.replace(penalty, **changes) if changes else penalty


def _path_solver(solver, X, datafit, penalty):
    """The :class:`~lpreg.solvers.base.Solver` instance ``solve(..., solver=solver)`` would
    use (``"auto"``: :func:`~lpreg.solvers.choose_solver`), checked against the pair."""
    from lpreg.solvers import choose_solver, solver_classes
    from lpreg.solvers.base import Solver

    if isinstance(solver, Solver):
        instance = solver
    else:
        name = choose_solver(X, datafit, penalty) if solver == "auto" else solver
        available = solver_classes()
        if name not in available:
            raise ValueError(
                f"regularization_path: solver must be 'auto' or one of {sorted(available)}, "
                f"got {solver!r}."
            )
        instance = available[name]()
    instance.check(datafit, penalty)
    return instance


def _check_alphas(alphas, owner):
    alphas = np.asarray(alphas, dtype=np.float64)
    if alphas.ndim != 1 or alphas.size == 0:
        raise ValueError(
            f"{owner}: alphas must be a non-empty 1-D array, got shape {alphas.shape}."
        )
    if not np.all(np.isfinite(alphas)) or np.any(alphas < 0):
        raise ValueError(
            f"{owner}: alphas must be finite and >= 0, got min {alphas.min()!r} and max "
            f"{alphas.max()!r}."
        )
    return np.sort(alphas)[::-1].copy()


def regularization_path(
    X,
    y,
    *,
    datafit=None,
    penalty=None,
    alphas=None,
    eps=1e-3,
    n_alphas=100,
    fit_intercept=False,
    sample_weight=None,
    strong_rule=True,
    solver="auto",
    tol=1e-6,
    max_iter=None,
    **solver_options,
):
    r"""Solve :math:`\min_{w,b} F(w, b) + G_\alpha(w)` along a decreasing grid of ``alpha``.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    datafit : Datafit, default=None
        ``None``: ``Quadratic()``, :math:`\frac{1}{2n}\|y - Xw - b\|^2`.
    penalty : Penalty, default=None
        Any penalty with ``alpha`` (its value is replaced along the path; ``with_alpha``).
        ``None``: ``L1``.
    alphas : array-like or int, default=None
        The grid (sorted decreasingly); ``None``: :func:`alpha_grid` from the exact
        :func:`alpha_max` with ``eps`` and ``n_alphas``; an int: that many alphas
        (scikit-learn >= 1.9's convention).
    eps : float, default=1e-3
        ``alpha_min / alpha_max``, in ``(0, 1]``.
    n_alphas : int, default=100
    fit_intercept : bool, default=False
        scikit-learn's ``lasso_path`` fits none.
    sample_weight : array-like of shape (n_samples,), default=None
    strong_rule : bool, default=True
        Solve each point on the sequential strong set, then KKT-check every feature (module
        docstring).  Ignored where the penalty has no finite kink at 0.
    solver : str, default="auto"
    tol : float, default=1e-6
        Relative certificate of each restricted solve.
    max_iter : int, default=None
    **solver_options
        Passed to :func:`lpreg.solvers.solve`.

    Returns
    -------
    RegularizationPath
    """
    from lpreg.datafits import Quadratic
    from lpreg.datafits.base import NormalizedWeights, normalized_sample_weight
    from lpreg.penalties import L1
    from lpreg.solvers.base import build_problem

    owner = "regularization_path"
    datafit = Quadratic() if datafit is None else datafit
    penalty = L1(1.0) if penalty is None else penalty
    if isinstance(alphas, (int, np.integer)) and not isinstance(alphas, (bool, np.bool_)):
        n_alphas, alphas = alphas, None  # scikit-learn >= 1.9: alphas=100 means 100 alphas
    if alphas is None:
        alpha_grid(1.0, eps=eps, n_alphas=n_alphas, owner=owner)  # check before any work
    X, y = _check_xy(X, y, owner)
    n_samples, n_features = X.shape
    c = normalized_sample_weight(sample_weight, n_samples, owner).view(NormalizedWeights)
    y_encoded = datafit.prepare_target(y)
    kappa, has_kink = _kink(penalty)
    use_strong = bool(strong_rule) and has_kink and penalty.is_separable
    if alphas is None:
        top, w_start, b_start, grad = _alpha_max(X, y, datafit, penalty, c, fit_intercept)
        alphas = alpha_grid(top, eps=eps, n_alphas=n_alphas)
        alpha_previous = alphas[0]
    else:
        alphas = _check_alphas(alphas, owner)
        w_start = np.zeros(n_features)
        b_start = datafit.intercept_at_zero(y_encoded, c) if fit_intercept else 0.0
        grad = _full_gradient(X, y_encoded, w_start, b_start, datafit, c)
        alpha_previous = None
    weights = (
        np.asarray(penalty.coordinate_weights(n_features), dtype=np.float64)
        if penalty.is_separable
        else None
    )
    # one solver, one validated problem for the whole path: each point (and each restriction
    # to the strong set) is this problem with another penalty and a column subset, its scales
    # (objective and gradient at w = 0) independent of alpha
    solver_options = dict(solver_options)
    history = bool(solver_options.pop("history", False))
    verbose = bool(solver_options.pop("verbose", False))
    instance = _path_solver(solver, X, datafit, penalty.with_alpha(float(alphas[0])))
    instance.check_options(solver_options)
    full = build_problem(
        X,
        y,
        datafit,
        penalty.with_alpha(float(alphas[0])),
        sample_weight=c,
        fit_intercept=fit_intercept,
        tol=tol,
        max_iter=instance.default_max_iter if max_iter is None else max_iter,
        owner=owner,
        verbose=verbose,
    )
    full.extra.update(solver_options)
    # the full problem is certified in the coordinates every solve certifies: with an
    # intercept on dense X, Solver.solve_problem fits X - m (m = X' c) with b' = b + m'w, the
    # same model; on X itself, huge column means swamp the gap with m * sum(g) and m'w
    offset = None
    certified = full
    if fit_intercept and not full.is_sparse:
        offset = np.asarray(full.X.T @ full.sample_weight, dtype=np.float64)
        certified = full.with_terms(X=np.asfortranarray(full.X - offset.astype(full.dtype)))
    n = alphas.shape[0]
    coefs = np.zeros((n_features, n), dtype=X.dtype)
    out = {
        key: np.zeros(n) for key in ("intercepts", "certificates", "kkt_violations", "objectives")
    }
    counts = {
        key: np.zeros(n, dtype=np.int64) for key in ("n_nonzero", "n_iter", "n_strong", "n_added")
    }
    converged = np.zeros(n, dtype=bool)
    w = np.asarray(w_start, dtype=np.float64)
    intercept = float(b_start)
    for k, alpha in enumerate(alphas):
        penalty_k = penalty.with_alpha(float(alpha))
        full_k = full.with_terms(penalty=penalty_k)
        certified_k = certified.with_terms(penalty=penalty_k)
        if use_strong:
            reference = alpha if alpha_previous is None else alpha_previous
            threshold = weights * kappa * (2.0 * alpha - reference)
            keep = (np.abs(grad) >= threshold) | (w != 0) | (weights == 0)
        else:
            keep = np.ones(n_features, dtype=bool)
        n_iter = 0
        added = 0
        while True:
            columns = np.flatnonzero(keep)
            w_new = np.zeros(n_features)
            if columns.size == n_features:
                result = instance.solve_problem(full_k, w, intercept, history)
                w_new[:] = result.coef
            elif columns.size == 0:
                result = None
            else:
                restricted = full.with_terms(
                    X=_columns(full.X, columns),
                    penalty=_restrict_penalty(penalty_k, columns, n_features),
                )
                result = instance.solve_problem(restricted, w[columns], intercept, history)
                w_new[columns] = result.coef
            if result is None:
                b_new = datafit.intercept_at_zero(y_encoded, c) if fit_intercept else 0.0
            else:
                b_new = result.intercept
                n_iter += result.n_iter
            # the full problem's certificates and gradient, from one product with X and X.T
            shift = 0.0 if offset is None else float(offset @ w_new)
            objective, gap, kkt, grad = certified_k.evaluate_with_gradient(w_new, b_new + shift)
            if not use_strong or columns.size == n_features:
                break
            distances = penalty_k.subdiff_distance(w_new, grad)
            violators = ~keep & (distances > 0)
            if not np.any(violators):
                break
            added += int(violators.sum())
            keep |= violators
            w, intercept = w_new, b_new
        w, intercept = w_new, b_new
        alpha_previous = alpha
        coefs[:, k] = w
        out["intercepts"][k] = intercept
        out["certificates"][k] = kkt if gap is None else gap
        out["kkt_violations"][k] = kkt
        out["objectives"][k] = objective
        counts["n_nonzero"][k] = np.count_nonzero(w)
        counts["n_iter"][k] = n_iter
        counts["n_strong"][k] = columns.size
        counts["n_added"][k] = added
        # the reported (full, all-feature) certificate decides, against the problem's tol
        # (float32: floored); once the KKT check has passed it equals the restricted solve's
        # up to rounding, and the solver's own flag is required too
        converged[k] = out["certificates"][k] <= full.tol and (result is None or result.converged)
    if not np.all(converged):
        from sklearn.exceptions import ConvergenceWarning

        worst = int(np.argmax(out["certificates"]))
        reached = full.certificate.replace("_", " ")
        warnings.warn(
            f"regularization_path: {int((~converged).sum())} of {n} points missed tol "
            f"{tol:.1e}; the worst, alpha={alphas[worst]:.3e}, has {reached} "
            f"{out['certificates'][worst]:.1e}. Increase max_iter or standardise X.",
            ConvergenceWarning,
            stacklevel=2,
        )
    return RegularizationPath(
        alphas=alphas,
        coefs=coefs,
        intercepts=out["intercepts"],
        certificates=out["certificates"],
        certificate=full.certificate,
        kkt_violations=out["kkt_violations"],
        n_nonzero=counts["n_nonzero"],
        n_iter=counts["n_iter"],
        n_strong=counts["n_strong"],
        n_added=counts["n_added"],
        converged=converged,
        objectives=out["objectives"],
    )


def lasso_path(X, y, *, eps=1e-3, n_alphas=100, alphas=None, fit_intercept=False, **kwargs):
    r"""Lasso path, :math:`\frac{1}{2n}\|y - Xw - b\|_2^2 + \alpha\|w\|_1`, as scikit-learn's.

    ``alphas, coefs, gaps = lasso_path(X, y)`` unpacks as scikit-learn's ``lasso_path``
    (``coefs`` of shape (n_features, n_alphas); ``gaps`` relative to the objective at
    ``w = 0``); the returned :class:`RegularizationPath` holds intercepts, KKT violations and
    non-zeros too.  Other keywords go to :func:`regularization_path`.

    Examples
    --------
    >>> import numpy as np
    >>> from lpreg.path import lasso_path
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> y = np.array([1.0, 0.0, 1.0])
    >>> path = lasso_path(X, y, n_alphas=3, eps=0.1)
    >>> path.alphas.round(4)
    array([0.6667, 0.2108, 0.0667])
    >>> path.coefs.round(3)
    array([[0.   , 0.684, 0.9  ],
           [0.   , 0.   , 0.   ]])
    """
    from lpreg.penalties import L1

    return regularization_path(
        X,
        y,
        penalty=L1(1.0),
        eps=eps,
        n_alphas=n_alphas,
        alphas=alphas,
        fit_intercept=fit_intercept,
        **kwargs,
    )


def enet_path(
    X, y, *, l1_ratio=0.5, eps=1e-3, n_alphas=100, alphas=None, fit_intercept=False, **kwargs
):
    r"""Elastic-Net path, scikit-learn's ``enet_path`` objective.

    .. math::
        \frac{1}{2n}\|y - Xw - b\|_2^2 + \alpha r \|w\|_1 + \frac{\alpha (1 - r)}{2}\|w\|_2^2

    with :math:`r` = ``l1_ratio``; :math:`\alpha_{\max} = \|X^\top y\|_\infty / (n r)`
    (centred with an intercept).  Returns a :class:`RegularizationPath`.
    """
    from lpreg.penalties import ElasticNet

    return regularization_path(
        X,
        y,
        penalty=ElasticNet(1.0, l1_ratio),
        eps=eps,
        n_alphas=n_alphas,
        alphas=alphas,
        fit_intercept=fit_intercept,
        **kwargs,
    )
