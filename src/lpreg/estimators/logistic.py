"""Classification: logistic regression with any penalty of the family."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from lpreg._validation import check_real_scalar
from lpreg.estimators.base import _check_sample_weight

__all__ = ["LogisticRegression"]

_PENALTY_NAMES = ("l1", "l2", "elasticnet", "lp", "mcp", "scad")


class LogisticRegression(ClassifierMixin, BaseEstimator):
    r"""Penalised logistic regression (binary, and multiclass one-vs-rest).

    .. math::
        \min_{w, b}\; \frac{1}{n} \sum_{i=1}^{n} s_i \log\big(1 + e^{-y_i (x_i^\top w + b)}\big)
        + \alpha\, G(w), \qquad y_i \in \{-1, +1\}

    with sample weights :math:`s_i` rescaled to sum to ``n``.  ``penalty`` picks ``G``:
    ``"l1"`` :math:`\sum_j |w_j|`, ``"l2"`` :math:`\frac12 \|w\|_2^2`, ``"elasticnet"``
    (``l1_ratio``), ``"lp"`` (``p``), ``"mcp"``/``"scad"`` (``gamma``), or a penalty object
    (used as given, ``alpha`` ignored).

    scikit-learn's ``C`` is accepted: ``alpha = 1 / (C n)`` (``n`` = sum of the sample
    weights), which makes the objective scikit-learn's ``LogisticRegression(C=C)`` one divided
    by ``C n`` — the same model.  Give either ``alpha`` or ``C``.

    Parameters
    ----------
    penalty : str or Penalty, default="l2"
    alpha : float or None, default=None
        Strength; ``None`` with ``C=None`` means ``C = 1``.
    C : float or None, default=None
    l1_ratio : float, default=0.5
    p : float, default=0.5
    gamma : float, default=3.0
    fit_intercept : bool, default=True
    warm_start : bool, default=False
    max_iter : int, default=1000
    tol : float, default=1e-4
    solver : str, default="auto"

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    n_iter_, dual_gap_, kkt_violation_, converged_ : ndarray, one entry per binary problem
    solver_ : str
    """

    def __init__(
        self,
        penalty="l2",
        *,
        alpha=None,
        C=None,
        l1_ratio=0.5,
        p=0.5,
        gamma=3.0,
        fit_intercept=True,
        warm_start=False,
        max_iter=1000,
        tol=1e-4,
        solver="auto",
    ):
        self.penalty = penalty
        self.alpha = alpha
        self.C = C
        self.l1_ratio = l1_ratio
        self.p = p
        self.gamma = gamma
        self.fit_intercept = fit_intercept
        self.warm_start = warm_start
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver

    def _strength(self, weight_sum):
        owner = type(self).__name__
        if self.alpha is not None and self.C is not None:
            raise ValueError(
                f"{owner}: give either alpha or C, not both (got alpha={self.alpha}, "
                f"C={self.C}); alpha = 1 / (C * n_samples)."
            )
        if self.alpha is not None:
            return check_real_scalar(
                self.alpha, "alpha", owner, low=0.0, high=np.inf, high_inclusive=False
            )
        C = 1.0 if self.C is None else self.C
        C = check_real_scalar(C, "C", owner, low=0.0, low_inclusive=False)
        return 1.0 / (C * weight_sum)

    def _make_penalty(self, alpha):
        from lpreg import penalties

        owner = type(self).__name__
        if isinstance(self.penalty, penalties.Penalty):
            return self.penalty
        if self.penalty not in _PENALTY_NAMES:
            raise ValueError(
                f"{owner}: penalty must be one of {list(_PENALTY_NAMES)} or a Penalty object, "
                f"got {self.penalty!r}."
            )
        if self.penalty == "l1":
            return penalties.L1(alpha)
        if self.penalty == "l2":
            return penalties.L2(alpha)
        if self.penalty == "elasticnet":
            return penalties.ElasticNet(alpha, l1_ratio=self.l1_ratio)
        if self.penalty == "lp":
            return penalties.Lp(alpha, p=self.p)
        if self.penalty == "mcp":
            return penalties.MCP(alpha, gamma=self.gamma)
        return penalties.SCAD(alpha, gamma=self.gamma)

    def fit(self, X, y, sample_weight=None):
        """Fit one binary problem (two classes) or one per class (one-vs-rest)."""
        from lpreg.datafits import Logistic
        from lpreg.solvers import solve

        owner = type(self).__name__
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=("csc", "csr", "coo"),
            dtype=[np.float64, np.float32],
            order="F",
        )
        check_classification_targets(y)
        if sp.issparse(X):
            X = X.tocsc()
        n_samples = X.shape[0]
        self.classes_ = np.unique(y)
        if self.classes_.shape[0] < 2:
            raise ValueError(
                f"{owner}: y has 1 class ({self.classes_[0]!r}); a classifier needs at least 2 "
                "classes."
            )
        weights = _check_sample_weight(sample_weight, n_samples, owner)
        weight_sum = float(n_samples if weights is None else weights.sum())
        penalty = self._make_penalty(self._strength(weight_sum))
        check_real_scalar(self.tol, "tol", owner, low=0.0)
        binary = self.classes_.shape[0] == 2
        targets = [self.classes_[1]] if binary else list(self.classes_)
        previous = getattr(self, "coef_", None) if self.warm_start else None
        coefs, intercepts, results = [], [], []
        for k, positive_class in enumerate(targets):
            y_signed = np.where(y == positive_class, 1.0, -1.0)
            w0, b0 = None, 0.0
            if previous is not None and previous.shape == (len(targets), X.shape[1]):
                w0, b0 = previous[k], float(self.intercept_[k])
            result = solve(
                X,
                y_signed,
                Logistic(),
                penalty,
                solver=self.solver,
                sample_weight=weights,
                fit_intercept=self.fit_intercept,
                tol=self.tol,
                max_iter=self.max_iter,
                w0=w0,
                intercept0=b0,
            )
            coefs.append(result.coef)
            intercepts.append(result.intercept if self.fit_intercept else 0.0)
            results.append(result)
        self.coef_ = np.vstack(coefs)
        self.intercept_ = np.asarray(intercepts, dtype=self.coef_.dtype)
        self.n_iter_ = np.array([r.n_iter for r in results])
        self.dual_gap_ = np.array([np.nan if r.gap is None else r.gap for r in results])
        self.kkt_violation_ = np.array([r.kkt_violation for r in results])
        self.converged_ = np.array([r.converged for r in results])
        self.solver_ = results[0].solver
        return self

    def decision_function(self, X):
        """Signed scores ``X @ coef_.T + intercept_`` (1-D for two classes)."""
        check_is_fitted(self)
        X = validate_data(
            self,
            X,
            accept_sparse=("csr", "csc", "coo"),
            dtype=[np.float64, np.float32],
            reset=False,
        )
        scores = np.asarray(X @ self.coef_.T) + self.intercept_
        return scores.ravel() if scores.shape[1] == 1 else scores

    def predict_proba(self, X):
        """Class probabilities (one-vs-rest scores normalised for more than two classes)."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            positive = 1.0 / (1.0 + np.exp(-scores))
            return np.column_stack([1.0 - positive, positive])
        probabilities = 1.0 / (1.0 + np.exp(-scores))
        return probabilities / probabilities.sum(axis=1, keepdims=True)

    def predict(self, X):
        """Most probable class."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return self.classes_[(scores > 0).astype(int)]
        return self.classes_[np.argmax(scores, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
