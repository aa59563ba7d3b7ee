"""The scikit-learn layer: a penalised linear model is a datafit, a penalty and a solver.

:class:`GeneralizedLinearEstimator` holds the fitting logic; each named estimator only says
which datafit and penalty its parameters describe (``_datafit`` / ``_penalty``) and declares
its parameters' allowed values once, in ``_constraints``.

Everything the user passes is checked in ``fit`` before any compiling or numerical work:
the parameters first (:func:`check_parameters`), then the data (:func:`validate_fit_data`:
numeric pandas columns, numeric ``y`` for regression, finite values, at least 2 samples,
magnitudes whose squares fit in the floating-point type, ``sample_weight``).
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from lpreg._validation import check_nonnegative_array, check_real_scalar

__all__ = ["GeneralizedLinearEstimator"]

#: Constraints shared by every estimator: name -> "boolean", "solver" or the keyword
#: arguments of :func:`lpreg._validation.check_real_scalar` (plus ``integer``, ``allow_none``).
COMMON_CONSTRAINTS = {
    "fit_intercept": "boolean",
    "warm_start": "boolean",
    "max_iter": {"low": 1, "integer": True, "hint": "max_iter is the solver's iteration cap."},
    "tol": {
        "low": 0.0,
        "high": np.inf,
        "high_inclusive": False,
        "hint": "tol is the target of the relative certificate (e.g. 1e-4).",
    },
    "solver": "solver",
}

ALPHA_CONSTRAINT = {
    "low": 0.0,
    "high": np.inf,
    "high_inclusive": False,
    "hint": "alpha is the penalty strength; 0 means no penalty.",
}


def _check_boolean(value, name, owner):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{owner}: {name} must be True or False, got {value!r}.")
    return bool(value)


def _check_solver(value, owner):
    from lpreg.solvers import Solver, solver_classes

    if isinstance(value, Solver):
        return value
    names = sorted(solver_classes())
    if not isinstance(value, str) or (value != "auto" and value not in names):
        raise ValueError(
            f"{owner}: solver must be 'auto' or one of {names}, got {value!r}. "
            "'auto' picks one by datafit, penalty and shape (stored in solver_)."
        )
    return value


def check_parameters(estimator, constraints):
    """Check every parameter named in ``constraints`` on ``estimator``; raise before any work.

    Each message names the estimator, the parameter, the allowed range and the value received.
    """
    owner = type(estimator).__name__
    for name, rule in constraints.items():
        value = getattr(estimator, name)
        if rule == "boolean":
            _check_boolean(value, name, owner)
        elif rule == "solver":
            _check_solver(value, owner)
        else:
            rule = dict(rule)
            if rule.pop("allow_none", False) and value is None:
                continue
            if rule.pop("integer", False) and (
                isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral)
            ):
                raise TypeError(
                    f"{owner}: {name} must be an integer >= {rule.get('low', 0)}, got "
                    f"{type(value).__name__} {value!r}."
                )
            check_real_scalar(value, name, owner, **rule)


def check_penalty_factor(penalty_factor, owner):
    """Check ``penalty_factor`` early: None, or a 1-D finite array with entries >= 0."""
    if penalty_factor is None:
        return None
    return check_nonnegative_array(
        penalty_factor, "penalty_factor", owner, zero_meaning="0 leaves a feature unpenalised"
    )


def _check_sample_weight(sample_weight, n_samples, owner, dtype=np.float64):
    if sample_weight is None:
        return None
    if isinstance(sample_weight, numbers.Real) and not isinstance(sample_weight, bool):
        weights = check_real_scalar(
            sample_weight,
            "sample_weight",
            owner,
            low=0.0,
            low_inclusive=False,
            high=np.inf,
            high_inclusive=False,
        )
        return np.full(n_samples, weights, dtype=np.float64)
    weights = check_nonnegative_array(
        sample_weight, "sample_weight", owner, zero_meaning="0 drops a sample"
    )
    if weights.shape[0] != n_samples:
        raise ValueError(
            f"{owner}: sample_weight has {weights.shape[0]} entries but X has {n_samples} "
            "rows; pass one weight per sample."
        )
    if not weights.sum() > 0:
        raise ValueError(
            f"{owner}: sample_weight must not be all zeros; at least one sample must carry weight."
        )
    if not np.isfinite(weights.sum()):
        raise ValueError(
            f"{owner}: sample_weight sums to inf; rescale the weights (only their ratios and "
            "sum matter)."
        )
    return weights


def _check_numeric_columns(X, owner):
    """Reject pandas frames with non-numeric columns, naming them (before any conversion)."""
    dtypes = getattr(X, "dtypes", None)
    if dtypes is None or not hasattr(dtypes, "items"):
        return
    bad = [
        f"{column!r} ({dtype})"
        for column, dtype in dtypes.items()
        if getattr(dtype, "kind", "O") not in "biuf"
    ]
    if bad:
        shown = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise TypeError(
            f"{owner}: X must have numeric columns only, got non-numeric column(s) {shown}. "
            "Encode categorical or text columns numerically first (e.g. "
            "sklearn.preprocessing.OneHotEncoder), or drop them."
        )


def _check_numeric_target(y, owner):
    """Regression targets must be real numbers: say so instead of a conversion traceback."""
    array = np.asarray(y)
    if array.dtype.kind not in "OUS":  # numbers; complex is refused by validate_data
        return
    if array.dtype.kind in "OUS":
        try:
            array.astype(np.float64)
            return
        except (TypeError, ValueError):
            pass
    first = array.ravel()[:1].tolist()
    raise TypeError(
        f"{owner}: y must be real numbers for regression, got dtype {array.dtype}"
        f"{f' (first value {first[0]!r})' if first else ''}. For class labels use "
        "lpreg.LogisticRegression; otherwise convert y to floats."
    )


def _largest_magnitude(values):
    data = values.data if sp.issparse(values) else values
    if data.size == 0:
        return 0.0
    # max and -min: two reductions, no |data| copy of the whole design
    return float(max(np.max(data), -np.min(data)))


def _check_magnitude(values, name, owner, n_samples, dtype, largest=None):
    """Reject entries whose squares (summed over samples) overflow: a clear error instead of
    NaN certificates or overflow warnings deep in a solver."""
    if largest is None:
        largest = _largest_magnitude(values)
    limit = float(np.sqrt(float(np.finfo(dtype).max) / (16.0 * n_samples)))
    if largest > limit:
        raise ValueError(
            f"{owner}: {name} has entries as large as {largest:.3g} in magnitude; their squares "
            f"overflow {np.dtype(dtype).name} (the limit is about {limit:.1g} for {n_samples} "
            f"samples). Rescale {name} (e.g. divide by its largest entry or use "
            "sklearn.preprocessing.StandardScaler) and refit."
        )


def validate_fit_data(estimator, X, y, sample_weight, *, regression):
    """Validate ``(X, y, sample_weight)`` for ``fit``; return ``X`` (F-ordered or CSC), ``y``
    and the weights (None or float64).  Raises ``ValueError``/``TypeError`` naming the problem.
    """
    owner = type(estimator).__name__
    _check_numeric_columns(X, owner)
    if regression:
        _check_numeric_target(y, owner)
    try:
        # float16 or extreme input can overflow inside the finiteness check; it still raises
        # its clear "Input X contains infinity", without a RuntimeWarning first
        with np.errstate(over="ignore", invalid="ignore"):
            X, y = validate_data(
                estimator,
                X,
                y,
                accept_sparse=("csc", "csr", "coo"),
                dtype=[np.float64, np.float32],
                order="F",
                y_numeric=regression,
                multi_output=False,
            )
    except ValueError as exc:
        if "could not convert" in str(exc) or "convert" in str(exc) and "float" in str(exc):
            raise TypeError(
                f"{owner}: X must hold real numbers, but an entry could not be converted "
                f"({exc}). Encode categorical or text columns numerically first."
            ) from None
        if "Unknown label type" in str(exc):
            raise
        raise ValueError(f"{owner}: {exc}") from None
    if not regression:
        from sklearn.utils.multiclass import check_classification_targets

        try:  # continuous or multi-output labels: sklearn's message, with the owner's name
            check_classification_targets(y)
        except ValueError as exc:
            raise ValueError(f"{owner}: {exc}") from None
    if sp.issparse(X):
        X = X.tocsc()
    n_samples = X.shape[0]
    if n_samples < 2:
        raise ValueError(
            f"{owner}: got {n_samples} sample; fitting needs at least 2 samples (rows of X)."
        )
    largest_x = _largest_magnitude(X)
    _check_magnitude(X, "X", owner, n_samples, X.dtype, largest=largest_x)
    if regression:
        y_float = np.asarray(y, dtype=np.float64)
        largest_y = _largest_magnitude(y_float)
        _check_magnitude(y_float, "y", owner, n_samples, X.dtype, largest=largest_y)
        # gradients X'r and their squares (dual norms) must not overflow either
        product = largest_x * largest_y
        limit = float(np.sqrt(float(np.finfo(X.dtype).max) / (16.0 * n_samples)))
        if product > limit:
            raise ValueError(
                f"{owner}: max|X| * max|y| = {product:.3g} is so large that the gradient's "
                f"squares overflow {X.dtype.name} (limit about {limit:.1g}). Rescale X and y "
                "(e.g. sklearn.preprocessing.StandardScaler) and refit."
            )
    weights = _check_sample_weight(sample_weight, n_samples, owner)
    return X, y, weights


def run_solver(owner, X, y, datafit, penalty, **kwargs):
    """Call :func:`lpreg.solvers.solve`, turning numerical overflow into a clear error.

    ``X`` comes from :func:`validate_fit_data`, which has checked it for NaN and inf, so the
    solver skips that scan (``check_input=False``) unless the caller asks for it."""
    from lpreg.solvers import solve

    kwargs.setdefault("check_input", False)

    try:
        with (
            np.errstate(over="raise", invalid="raise", divide="ignore", under="ignore"),
            warnings.catch_warnings(record=True) as caught,
        ):
            warnings.simplefilter("always")
            result = solve(X, y, datafit, penalty, **kwargs)
        certificate = result.kkt_violation if result.gap is None else result.gap
        if not math.isfinite(certificate):
            raise FloatingPointError(
                f"the certificate ({result.certificate}) is {certificate} at finite "
                "coefficients, so the fit cannot be certified"
            )
        for caught_warning in caught:  # re-issued at the user's call, only for a good fit
            warnings.warn_explicit(
                caught_warning.message,
                caught_warning.category,
                caught_warning.filename,
                caught_warning.lineno,
            )
        return result
    except (ValueError, TypeError) as exc:
        # an error from the datafit, penalty or solver layer: still say whose fit failed
        if str(exc).startswith(f"{owner}: "):
            raise
        raise type(exc)(f"{owner}: {exc}") from None
    except FloatingPointError as exc:
        raise FloatingPointError(
            f"{owner}: the fit broke down numerically ({exc}). The data are badly scaled: "
            "standardise X (sklearn.preprocessing.StandardScaler) and rescale y, or increase "
            "alpha."
        ) from None


class GeneralizedLinearEstimator(RegressorMixin, BaseEstimator):
    r"""Any datafit plus any penalty, fitted by any solver, as a scikit-learn regressor.

    .. math:: \min_{w, b}\; F(w, b) + G(w)

    Parameters
    ----------
    datafit : Datafit, default=None
        The smooth part ``F``; ``None`` means ``Quadratic()``.
    penalty : Penalty, default=None
        The penalty ``G``; ``None`` means no penalty (the plain fit of the datafit).
    solver : str or Solver, default="auto"
        A registered solver name or ``"auto"`` (the choice is stored in ``solver_``).
    fit_intercept : bool, default=True
        Fit an unpenalised intercept ``b``.
    max_iter : int, default=1000
        Maximum outer iterations of the solver, ``>= 1``.
    tol : float, default=1e-4
        Target of the solver's certificate (duality gap relative to the objective at
        ``w = 0``, or KKT violation relative to the gradient at ``w = 0``), ``>= 0``.
    warm_start : bool, default=False
        Start from the previous ``coef_`` when refitting.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        The coefficients, in the dtype of ``X`` (float32 stays float32).
    intercept_ : float
    n_iter_ : int
    dual_gap_ : float or None
        Relative duality gap at the solution (convex penalties with a conjugate).
    kkt_violation_ : float
        Relative KKT violation at the solution.
    converged_ : bool
    solver_ : str
    objective_ : float
    n_features_in_ : int
    feature_names_in_ : ndarray of str (only with pandas input)

    Raises
    ------
    ValueError, TypeError
        From ``fit``, before any work, on an invalid parameter (the message names the
        estimator, the parameter, the allowed range and the value received) or invalid data
        (NaN/inf, mismatched shapes, fewer than 2 samples, non-numeric columns or targets,
        wrong-length ``sample_weight``/``penalty_factor``, entries so large that their squares
        overflow).
    FloatingPointError
        If the solver breaks down numerically anyway; the message says to rescale.
    """

    _constraints: ClassVar[dict] = COMMON_CONSTRAINTS

    def __init__(
        self,
        datafit=None,
        penalty=None,
        solver="auto",
        fit_intercept=True,
        max_iter=1000,
        tol=1e-4,
        warm_start=False,
    ):
        self.datafit = datafit
        self.penalty = penalty
        self.solver = solver
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start

    # ---- what subclasses describe ---------------------------------------------------------
    def _datafit(self):
        if self.datafit is None:
            from lpreg.datafits import Quadratic

            return Quadratic()
        return self.datafit

    def _penalty(self, n_features, sample_weight_sum, n_samples):
        if self.penalty is None:
            from lpreg.penalties import L2

            return L2(0.0)  # no penalty: the plain fit of the datafit
        return self.penalty

    def _check_params(self):
        """Check every parameter before any work (see ``_constraints``)."""
        check_parameters(self, self._constraints)
        owner = type(self).__name__
        if type(self) is GeneralizedLinearEstimator:
            from lpreg.datafits import Datafit
            from lpreg.penalties import Penalty

            if self.datafit is not None and not isinstance(self.datafit, Datafit):
                raise TypeError(
                    f"{owner}: datafit must be a Datafit (e.g. lpreg.Quadratic()) or None, got "
                    f"{type(self.datafit).__name__} {self.datafit!r}."
                )
            if self.penalty is not None and not isinstance(self.penalty, Penalty):
                raise TypeError(
                    f"{owner}: penalty must be a Penalty (e.g. lpreg.L1(0.1)) or None, got "
                    f"{type(self.penalty).__name__} {self.penalty!r}."
                )

    # ---- fit / predict --------------------------------------------------------------------
    def fit(self, X, y, sample_weight=None):
        """Fit the model; returns ``self``.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            float32 stays float32; other numeric dtypes become float64; sparse input is used
            as CSC without densifying.
        y : array-like of shape (n_samples,)
        sample_weight : float or array-like of shape (n_samples,), default=None
            Non-negative weights, not all zero.
        """
        owner = type(self).__name__
        self._check_params()
        X, y, weights = validate_fit_data(self, X, y, sample_weight, regression=True)
        n_samples, n_features = X.shape
        weight_sum = float(n_samples if weights is None else weights.sum())
        datafit = self._datafit()
        penalty = self._penalty(n_features, weight_sum, n_samples)
        w0 = None
        intercept0 = 0.0
        if self.warm_start and hasattr(self, "coef_") and self.coef_.shape == (n_features,):
            w0 = self.coef_
            intercept0 = float(self.intercept_)
        result = run_solver(
            owner,
            X,
            y,
            datafit,
            penalty,
            solver=self.solver,
            sample_weight=weights,
            fit_intercept=self.fit_intercept,
            tol=self.tol,
            max_iter=self.max_iter,
            w0=w0,
            intercept0=intercept0,
        )
        self.coef_ = result.coef
        self.intercept_ = result.intercept if self.fit_intercept else 0.0
        self.n_iter_ = result.n_iter
        self.dual_gap_ = result.gap
        self.kkt_violation_ = result.kkt_violation
        self.converged_ = result.converged
        self.solver_ = result.solver
        self.objective_ = result.objective
        return self

    def _decision_function(self, X):
        check_is_fitted(self)
        _check_numeric_columns(X, type(self).__name__)
        X = validate_data(
            self,
            X,
            accept_sparse=("csr", "csc", "coo"),
            dtype=[np.float64, np.float32],
            reset=False,
        )
        return np.asarray(X @ self.coef_).ravel() + self.intercept_

    def predict(self, X):
        """Predict ``X @ coef_ + intercept_``."""
        return self._decision_function(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
