"""The scikit-learn layer: a penalised linear model is a datafit, a penalty and a solver.

:class:`GeneralizedLinearEstimator` holds the fitting logic; each named estimator only says
which datafit and penalty its parameters describe (``_datafit`` / ``_penalty``).
"""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from lpreg._validation import check_nonnegative_array, check_real_scalar

__all__ = ["GeneralizedLinearEstimator"]


def _check_sample_weight(sample_weight, n_samples, owner, dtype=np.float64):
    if sample_weight is None:
        return None
    if isinstance(sample_weight, numbers.Real):
        return np.full(n_samples, float(sample_weight), dtype=np.float64)
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
    return weights


class GeneralizedLinearEstimator(RegressorMixin, BaseEstimator):
    r"""Any datafit plus any penalty, fitted by any solver, as a scikit-learn regressor.

    .. math:: \min_{w, b}\; F(w, b) + G(w)

    Parameters
    ----------
    datafit : Datafit, default=None
        The smooth part ``F``; ``None`` means ``Quadratic()``.
    penalty : Penalty, default=None
        The penalty ``G``; ``None`` means no penalty (the plain fit of the datafit).
    solver : str, default="auto"
        A registered solver name or ``"auto"`` (the choice is stored in ``solver_``).
    fit_intercept : bool, default=True
        Fit an unpenalised intercept ``b``.
    max_iter : int, default=1000
        Maximum outer iterations of the solver.
    tol : float, default=1e-4
        Target of the solver's certificate (duality gap relative to the objective at
        ``w = 0``, or KKT violation relative to the gradient at ``w = 0``).
    warm_start : bool, default=False
        Start from the previous ``coef_`` when refitting.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    n_iter_ : int
    dual_gap_ : float or None
        Relative duality gap at the solution (convex penalties).
    kkt_violation_ : float
        Relative KKT violation at the solution.
    converged_ : bool
    solver_ : str
    n_features_in_ : int
    feature_names_in_ : ndarray of str (only with pandas input)
    """

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
        owner = type(self).__name__
        check_real_scalar(self.tol, "tol", owner, low=0.0)
        check_real_scalar(self.max_iter, "max_iter", owner, low=1)
        if not isinstance(self.fit_intercept, (bool, np.bool_)):
            raise TypeError(
                f"{owner}: fit_intercept must be True or False, got {self.fit_intercept!r}."
            )

    # ---- fit / predict --------------------------------------------------------------------
    def fit(self, X, y, sample_weight=None):
        """Fit the model; returns ``self``."""
        from lpreg.solvers import solve

        owner = type(self).__name__
        self._check_params()
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=("csc", "csr", "coo"),
            dtype=[np.float64, np.float32],
            order="F",
            y_numeric=True,
            multi_output=False,
        )
        if sp.issparse(X):
            X = X.tocsc()
        n_samples, n_features = X.shape
        if n_samples < 2:
            raise ValueError(
                f"{owner}: got 1 sample; fitting needs at least 2 samples (n_samples = 1)."
            )
        weights = _check_sample_weight(sample_weight, n_samples, owner)
        weight_sum = float(n_samples if weights is None else weights.sum())
        datafit = self._datafit()
        penalty = self._penalty(n_features, weight_sum, n_samples)
        w0 = None
        intercept0 = 0.0
        if self.warm_start and hasattr(self, "coef_") and self.coef_.shape == (n_features,):
            w0 = self.coef_
            intercept0 = float(self.intercept_)
        result = solve(
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
