"""Classification: logistic regression with any penalty of the family."""

from __future__ import annotations

import warnings
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from lpreg._validation import check_real_scalar
from lpreg.estimators.base import (
    COMMON_CONSTRAINTS,
    _check_numeric_columns,
    check_parameters,
    check_penalty_factor,
    run_solver,
    validate_fit_data,
)
from lpreg.estimators.group import _reowned

__all__ = ["LinearClassifierMixin", "LogisticRegression"]

_PENALTY_NAMES = ("l1", "l2", "elasticnet", "lp", "mcp", "scad", "group")


class LinearClassifierMixin(ClassifierMixin, BaseEstimator):
    """Prediction for linear classifiers fitted one-vs-rest (``coef_`` rows per binary task).

    Subclasses fit ``classes_``, ``coef_`` of shape (1, p) for two classes or (K, p), and
    ``intercept_``.
    """

    def decision_function(self, X):
        """Signed scores ``X @ coef_.T + intercept_`` (1-D for two classes)."""
        check_is_fitted(self)
        _check_numeric_columns(X, type(self).__name__)
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


class LogisticRegression(LinearClassifierMixin):
    r"""Penalised logistic regression (binary, and multiclass one-vs-rest).

    .. math::
        \min_{w, b}\; \frac{1}{n} \sum_{i=1}^{n} s_i \log\big(1 + e^{-y_i (x_i^\top w + b)}\big)
        + \alpha\, G(w), \qquad y_i \in \{-1, +1\}

    with sample weights :math:`s_i` rescaled to sum to ``n`` (none: all 1; ``y_i = +1`` for
    ``classes_[1]``).  ``penalty`` picks ``G``: ``"l1"`` :math:`\sum_j c_j |w_j|`, ``"l2"``
    :math:`\frac12 \sum_j c_j w_j^2`, ``"elasticnet"``
    :math:`\sum_j c_j (r |w_j| + \frac{1-r}{2} w_j^2)` with ``r = l1_ratio``, ``"lp"``
    :math:`\sum_j c_j |w_j|^p`, ``"mcp"``/``"scad"`` (``gamma``; then :math:`\alpha G` stands
    for :class:`lpreg.penalties.MCP` / ``SCAD`` with strength ``alpha``), ``"group"``
    :math:`\sum_g \sqrt{|g|} \|w_g\|_2` over ``groups``, or a
    :class:`~lpreg.penalties.Penalty` object, used as given (its own strength; ``alpha``/``C``
    are then ignored).  :math:`c_j` is ``penalty_factor``
    (default 1).

    scikit-learn's ``C`` is accepted: ``alpha = 1 / (C n)`` (``n`` = sum of the sample
    weights, the number of samples without weights), which makes the objective
    scikit-learn's ``LogisticRegression(C=C)`` one divided by ``C n`` -- the same model.  Give
    either ``alpha`` or ``C``.

    More than two classes (``K > 2``) are fitted, by default (``multi_class="multinomial"``,
    scikit-learn's only behaviour since 1.8), as one multinomial (softmax) model:

    .. math::
        \min_{W, b}\; \sum_{i=1}^{n} c_i \Big[\log \sum_{k=1}^{K} e^{x_i^\top w_k + b_k}
        - (x_i^\top w_{y_i} + b_{y_i})\Big] + \alpha \sum_{k=1}^{K} G(w_k),
        \qquad c_i = \frac{s_i}{\sum_l s_l},

    ``w_k = coef_[k]``; with ``C`` this is scikit-learn's multinomial
    ``LogisticRegression(C=C, l1_ratio=...)`` objective divided by ``C \sum_i s_i`` -- the same
    model (``l2``: ``lbfgs``; ``l1``/``elasticnet``: ``saga``).  ``penalty="group"`` with
    ``groups=None`` is the row-sparse multinomial model
    :math:`\alpha \sum_j \|W_{j:}\|_2` (:class:`lpreg.solvers.multinomial.RowGroupLasso`):
    each feature is kept for all classes or dropped for all, which scikit-learn cannot fit.
    ``predict_proba`` is the softmax of ``decision_function``.  Solved by accelerated proximal
    gradient, certified by the duality gap (:mod:`lpreg.solvers.multinomial`).

    ``multi_class="ovr"`` fits one binary problem per class (class ``k`` against the others),
    as ``sklearn.multiclass.OneVsRestClassifier(LogisticRegression(...))`` does;
    ``predict_proba`` then normalises the K sigmoid scores to sum to 1.

    Parameters
    ----------
    penalty : {"l1", "l2", "elasticnet", "lp", "mcp", "scad", "group"} or Penalty, default="l2"
    alpha : float or None, default=None
        Strength, ``>= 0``; ``None`` with ``C=None`` means ``C = 1``.
    C : float or None, default=None
        Inverse strength in scikit-learn's scaling, ``> 0``.
    l1_ratio : float, default=0.5
        In [0, 1], for ``penalty="elasticnet"``.
    p : float, default=0.5
        ``> 0``, for ``penalty="lp"``.
    gamma : float, default=3.0
        ``> 1`` for ``"mcp"``, ``> 2`` for ``"scad"``.
    groups : int, array-like or list of lists, default=None
        The partition of the columns for ``penalty="group"`` (as :class:`lpreg.GroupLasso`);
        ``None`` with ``multi_class="multinomial"``: each feature's class coefficients form a
        group (row sparsity for ``K > 2``; singletons, i.e. L1, for two classes).
    multi_class : {"multinomial", "ovr"}, default="multinomial"
        How more than two classes are fitted (ignored for two classes, always one binary
        problem as in scikit-learn).
    fit_intercept : bool, default=True
    positive : bool, default=False
        Constrain the coefficients to be ``>= 0`` (separable penalties).
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature multipliers :math:`c_j \ge 0` (0: unpenalised; separable penalties).
    warm_start : bool, default=False
    max_iter : int, default=1000
    tol : float, default=1e-4
        Certificate target (duality gap or KKT violation, relative).
    solver : str, default="auto"

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The sorted labels (any type ``numpy.unique`` sorts: ints, floats, strings, bools).
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    n_iter_, dual_gap_, kkt_violation_, converged_ : ndarray, one entry per binary problem
        (one entry for the multinomial fit).
        ``dual_gap_`` is NaN where the certificate is the KKT violation (non-convex penalty).
    solver_ : str
    n_features_in_ : int
    feature_names_in_ : ndarray of str (only with pandas input)

    Examples
    --------
    >>> import numpy as np
    >>> from lpreg import LogisticRegression
    >>> X = np.array([[-2.0, 1.0], [-1.0, 0.0], [1.0, 1.0], [2.0, 0.0]])
    >>> model = LogisticRegression(penalty="l1", alpha=0.05).fit(X, ["no", "no", "yes", "yes"])
    >>> model.predict([[3.0, 0.0], [-3.0, 0.0]]).tolist()
    ['yes', 'no']
    """

    _constraints: ClassVar[dict] = {
        **COMMON_CONSTRAINTS,
        "positive": "boolean",
        "alpha": {
            "allow_none": True,
            "low": 0.0,
            "high": np.inf,
            "high_inclusive": False,
            "hint": "alpha is the penalty strength; 0 means no penalty.",
        },
        "C": {
            "allow_none": True,
            "low": 0.0,
            "low_inclusive": False,
            "high": np.inf,
            "hint": "C is scikit-learn's inverse strength, alpha = 1 / (C * n_samples).",
        },
        "l1_ratio": {
            "low": 0.0,
            "high": 1.0,
            "hint": "l1_ratio=1 is L1, l1_ratio=0 is squared L2.",
        },
        "p": {
            "low": 0.0,
            "high": np.inf,
            "low_inclusive": False,
            "high_inclusive": False,
            "hint": "p = 0 (best subset) is not supported; for sparser fits than L1 use "
            "p=0.5 or penalty='mcp'.",
        },
    }

    def __init__(
        self,
        penalty="l2",
        *,
        alpha=None,
        C=None,
        l1_ratio=0.5,
        p=0.5,
        gamma=3.0,
        groups=None,
        fit_intercept=True,
        positive=False,
        penalty_factor=None,
        warm_start=False,
        max_iter=1000,
        tol=1e-4,
        solver="auto",
        multi_class="multinomial",
    ):
        self.penalty = penalty
        self.alpha = alpha
        self.C = C
        self.l1_ratio = l1_ratio
        self.p = p
        self.gamma = gamma
        self.groups = groups
        self.fit_intercept = fit_intercept
        self.positive = positive
        self.penalty_factor = penalty_factor
        self.warm_start = warm_start
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver
        self.multi_class = multi_class

    def _check_params(self):
        from lpreg import penalties

        owner = type(self).__name__
        check_parameters(self, self._constraints)
        if self.alpha is not None and self.C is not None:
            raise ValueError(
                f"{owner}: give either alpha or C, not both (got alpha={self.alpha}, "
                f"C={self.C}); alpha = 1 / (C * n_samples)."
            )
        if isinstance(self.penalty, penalties.Penalty):
            pass
        elif not isinstance(self.penalty, str) or self.penalty not in _PENALTY_NAMES:
            raise ValueError(
                f"{owner}: penalty must be one of {list(_PENALTY_NAMES)} or a Penalty object "
                f"(e.g. lpreg.L1(0.1)), got {self.penalty!r}."
            )
        if self.penalty in ("mcp", "scad"):
            low = 1.0 if self.penalty == "mcp" else 2.0
            check_real_scalar(
                self.gamma,
                "gamma",
                owner,
                low=low,
                low_inclusive=False,
                high=np.inf,
                high_inclusive=False,
                hint=f"penalty={self.penalty!r} needs gamma > {low:g}; 3.7 is a common choice.",
            )
        if self.multi_class not in ("multinomial", "ovr"):
            raise ValueError(
                f"{owner}: multi_class must be 'multinomial' or 'ovr', got "
                f"{self.multi_class!r}. 'multinomial' fits one softmax model (scikit-learn's "
                "default), 'ovr' one binary model per class."
            )
        if self.penalty == "group" and self.groups is None and self.multi_class != "multinomial":
            raise ValueError(
                f"{owner}: penalty='group' needs groups (a group index per column, an int "
                "group size, or a list of column lists), got groups=None; groups=None (each "
                "feature's class coefficients as one group) needs multi_class='multinomial'."
            )
        check_penalty_factor(self.penalty_factor, owner)
        separable = not (
            self.penalty == "group"
            or (isinstance(self.penalty, penalties.Penalty) and not self.penalty.is_separable)
        )
        if not separable and (self.positive or self.penalty_factor is not None):
            raise ValueError(
                f"{owner}: positive=True and penalty_factor apply to separable penalties only, "
                f"got penalty={self.penalty!r}; for group penalties pass group_weights to "
                "lpreg.GroupLasso instead."
            )

    def _strength(self, weight_sum):
        if self.alpha is not None:
            return float(self.alpha)
        C = 1.0 if self.C is None else float(self.C)
        return 1.0 / (C * weight_sum)

    def _make_penalty(self, alpha, n_features):
        from lpreg import penalties
        from lpreg.penalties.factor import compose_penalty

        owner = type(self).__name__
        if isinstance(self.penalty, penalties.Penalty):
            base = self.penalty
        elif self.penalty == "l1":
            base = penalties.L1(alpha)
        elif self.penalty == "l2":
            base = penalties.L2(alpha)
        elif self.penalty == "elasticnet":
            base = penalties.ElasticNet(alpha, l1_ratio=self.l1_ratio)
        elif self.penalty == "lp":
            base = penalties.Lp(alpha, p=self.p)
        elif self.penalty == "mcp":
            base = penalties.MCP(alpha, gamma=self.gamma)
        elif self.penalty == "scad":
            base = penalties.SCAD(alpha, gamma=self.gamma)
        else:
            try:
                # groups=None: each feature's class coefficients form a group; a binary model
                # has one coefficient per feature, so the groups are singletons (= L1)
                groups = 1 if self.groups is None else self.groups
                base = penalties.GroupLasso(alpha, groups=groups)
                base.group_structure(n_features)
            except (TypeError, ValueError) as exc:
                raise _reowned(exc, owner) from None
            return base
        return compose_penalty(
            base,
            n_features,
            positive=self.positive,
            penalty_factor=self.penalty_factor,
            owner=owner,
        )

    def fit(self, X, y, sample_weight=None):
        """Fit one binary problem (two classes) or one per class (one-vs-rest).

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels of any sortable type; at least two classes.
        sample_weight : float or array-like of shape (n_samples,), default=None
        """
        owner = type(self).__name__
        self._check_params()
        X, y, weights = validate_fit_data(self, X, y, sample_weight, regression=False)
        try:
            check_classification_targets(y)
        except ValueError as exc:
            raise ValueError(f"{owner}: {exc}") from None
        self.classes_ = np.unique(y)
        if self.classes_.shape[0] < 2:
            raise ValueError(
                f"{owner}: y has 1 class ({self.classes_.tolist()[0]!r}); a classifier needs "
                "at least 2 classes."
            )
        if weights is not None:
            class_weight = np.array([weights[y == label].sum() for label in self.classes_])
            if np.any(class_weight == 0):
                empty = self.classes_[class_weight == 0].tolist()
                raise ValueError(
                    f"{owner}: class(es) {empty} have zero total sample_weight, so their "
                    "intercept would be infinite; drop them from y or give them some weight."
                )
        n_samples, n_features = X.shape
        weight_sum = float(n_samples if weights is None else weights.sum())
        binary = self.classes_.shape[0] == 2
        self.multi_class_ = "ovr" if binary else self.multi_class
        if self.multi_class_ == "multinomial":
            return self._fit_multinomial(X, y, weights, self._strength(weight_sum))
        penalty = self._make_penalty(self._strength(weight_sum), n_features)
        targets = [self.classes_[1]] if binary else list(self.classes_)
        previous = getattr(self, "coef_", None) if self.warm_start else None
        coefs, intercepts, results = [], [], []
        from lpreg.datafits import Logistic

        for k, positive_class in enumerate(targets):
            y_signed = np.where(y == positive_class, 1.0, -1.0)
            w0, b0 = None, 0.0
            if previous is not None and previous.shape == (len(targets), n_features):
                w0, b0 = previous[k], float(self.intercept_[k])
            result = run_solver(
                owner,
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

    def _fit_multinomial(self, X, y, weights, alpha):
        from lpreg import penalties
        from lpreg.datafits import Multinomial
        from lpreg.solvers.multinomial import RowGroupLasso, solve_multinomial

        owner = type(self).__name__
        n_features = X.shape[1]
        n_classes = self.classes_.shape[0]
        if not (isinstance(self.solver, str) and self.solver == "auto"):
            raise ValueError(
                f"{owner}: solver={self.solver!r} fits binary problems only; the multinomial "
                f"model ({n_classes} classes) has its own solver: use solver='auto', or "
                "multi_class='ovr' to fit one binary problem per class with this solver."
            )
        if self.penalty == "group" and self.groups is None:
            penalty = RowGroupLasso(alpha)
        elif self.penalty == "group" or (
            isinstance(self.penalty, penalties.Penalty) and not self.penalty.is_separable
        ):
            raise ValueError(
                f"{owner}: the multinomial model takes separable penalties or penalty='group' "
                f"with groups=None (row sparsity across classes), got penalty={self.penalty!r}"
                f"{'' if self.groups is None else ' with groups'}; use multi_class='ovr' for "
                "column groups."
            )
        else:
            penalty = self._make_penalty(alpha, n_features)
        codes, _ = Multinomial.encode_labels(y)
        coef0 = intercept0 = None
        previous = getattr(self, "coef_", None) if self.warm_start else None
        if previous is not None and previous.shape == (n_classes, n_features):
            coef0, intercept0 = previous.T, self.intercept_
        try:
            with (
                np.errstate(over="raise", invalid="raise", divide="ignore", under="ignore"),
                warnings.catch_warnings(record=True) as caught,
            ):
                warnings.simplefilter("always")
                result = solve_multinomial(
                    X,
                    codes,
                    n_classes,
                    penalty,
                    sample_weight=weights,
                    fit_intercept=self.fit_intercept,
                    tol=self.tol,
                    max_iter=self.max_iter,
                    coef0=coef0,
                    intercept0=intercept0,
                    owner=owner,
                )
        except FloatingPointError as exc:
            raise FloatingPointError(
                f"{owner}: the fit broke down numerically ({exc}). The data are badly scaled: "
                "standardise X (sklearn.preprocessing.StandardScaler) or increase alpha."
            ) from None
        for caught_warning in caught:  # re-issued at the user's call
            warnings.warn(caught_warning.message, caught_warning.category, stacklevel=3)
        self.coef_ = np.ascontiguousarray(result.coef.T)
        self.intercept_ = np.asarray(result.intercept, dtype=self.coef_.dtype)
        self.n_iter_ = np.array([result.n_iter])
        self.dual_gap_ = np.array([np.nan if result.gap is None else result.gap])
        self.kkt_violation_ = np.array([result.kkt_violation])
        self.converged_ = np.array([result.converged])
        self.solver_ = result.solver
        return self

    def predict_proba(self, X):
        """Class probabilities: the softmax of ``decision_function`` for a multinomial fit,
        else as :class:`LinearClassifierMixin` (sigmoid, normalised one-vs-rest)."""
        if getattr(self, "multi_class_", "ovr") != "multinomial":
            return super().predict_proba(X)
        from scipy.special import softmax

        return softmax(np.asarray(self.decision_function(X), dtype=np.float64), axis=1)
