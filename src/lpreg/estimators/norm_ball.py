r"""Norm-ball constrained estimators: the constrained (Lagrange) form of the penalised models.

.. math:: \min_{w, b}\; F(w, b) \quad \text{s.t.} \quad \|w\|_p \le t

fitted by :mod:`lpreg.solvers.projected`; ``lambda_`` is the multiplier of the constraint.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.multiclass import check_classification_targets

from lpreg._validation import check_real_scalar
from lpreg.estimators.base import GeneralizedLinearEstimator, validate_fit_data
from lpreg.estimators.logistic import LinearClassifierMixin

__all__ = ["NormBallClassifier", "NormBallRegression"]

_SOLVERS = ("auto", "projected_gradient", "frank_wolfe")


def _check_common(estimator):
    """Validate radius, p, solver, tol, max_iter, fit_intercept; return (radius, p)."""
    from lpreg.solvers.projected import _check_ball

    owner = type(estimator).__name__
    radius, p = _check_ball(estimator.radius, estimator.p, owner)
    if estimator.solver not in _SOLVERS:
        raise ValueError(
            f"{owner}: solver must be one of {list(_SOLVERS)}, got {estimator.solver!r}."
        )
    check_real_scalar(estimator.tol, "tol", owner, low=0.0)
    if estimator.max_iter is not None:
        check_real_scalar(estimator.max_iter, "max_iter", owner, low=1)
    if not isinstance(estimator.fit_intercept, (bool, np.bool_)):
        raise TypeError(
            f"{owner}: fit_intercept must be True or False, got {estimator.fit_intercept!r}."
        )
    return radius, p


class NormBallRegression(GeneralizedLinearEstimator):
    r"""Linear regression constrained to a norm ball (the Lagrange form of Lasso, Ridge, Lp).

    .. math::
        \min_{w, b}\; \frac{1}{2 n} \sum_{i=1}^{n} s_i (y_i - x_i^\top w - b)^2
        \quad \text{s.t.} \quad \|w\|_p \le t

    (sample weights :math:`s_i` rescaled to sum to ``n``; any other convex ``datafit``
    :math:`F` replaces the squares).  ``p = 1`` is Tibshirani's original Lasso (a budget on
    :math:`\sum_j |w_j|`), ``p = 2`` a ridge budget, ``p = inf`` a box.

    At the solution, with :math:`\lambda` = ``lambda_`` (:math:`\|\nabla_w F\|_q`,
    :math:`1/p + 1/q = 1`, when the constraint is active, else 0), ``coef_`` also minimises
    the norm-penalised :math:`F(w, b) + \lambda \|w\|_p`: for ``p = 1`` that is
    ``Lasso(alpha=lambda_)``; for ``p = 2`` it is ``Ridge(alpha=lambda_ / t)`` (the
    :math:`\frac{\alpha}{2}\|w\|_2^2` scaling, whose stationarity
    :math:`\nabla F + \alpha w = 0` matches :math:`\nabla F + \lambda w / \|w\|_2 = 0` at
    :math:`\|w\|_2 = t`); for other finite ``p`` it is ``Lp(alpha=lambda_ / (p t^{p-1}))``
    (:math:`\alpha \sum_j |w_j|^p`).  :func:`lpreg.lagrange.radius_to_alpha` does this
    conversion.

    Parameters
    ----------
    radius : float, default=1.0
        The budget :math:`t \ge 0` (finite).
    p : float, default=1
        The norm, ``p >= 1`` or ``inf`` (the ball must be convex).
    datafit : Datafit, default=None
        ``None`` means ``Quadratic()`` (scikit-learn's ``Lasso`` scaling).
    fit_intercept : bool, default=True
        Fit an unconstrained intercept ``b``.
    solver : {"auto", "projected_gradient", "frank_wolfe"}, default="auto"
        ``"auto"`` is projected gradient (every ``p``); Frank-Wolfe keeps L1 iterates sparse.
    max_iter : int, default=None
        Iterations; ``None`` uses the solver's default (20000 / 50000).
    tol : float, default=1e-4
        Target of the Frank-Wolfe gap relative to the objective at ``w = 0``.
    warm_start : bool, default=False

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    lambda_ : float
        The Lagrange multiplier of the constraint at the solution.
    gap_ : float
        Relative Frank-Wolfe gap at the solution (the certificate).
    n_iter_ : int
    converged_ : bool
    solver_ : str
    objective_ : float
        :math:`F` at the solution.
    n_features_in_ : int
    feature_names_in_ : ndarray of str (only with pandas input)

    Examples
    --------
    >>> import numpy as np
    >>> from lpreg.estimators import NormBallRegression
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
    >>> y = np.array([0.0, 1.0, 2.0, 3.0])
    >>> model = NormBallRegression(radius=0.5, p=1, tol=1e-10).fit(X, y)
    >>> np.round(model.coef_, 6).tolist() == [0.5, 0.0], round(model.lambda_, 6)
    (True, 0.625)
    """

    def __init__(
        self,
        radius=1.0,
        *,
        p=1,
        datafit=None,
        fit_intercept=True,
        solver="auto",
        max_iter=None,
        tol=1e-4,
        warm_start=False,
    ):
        self.radius = radius
        self.p = p
        self.datafit = datafit
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start

    def fit(self, X, y, sample_weight=None):
        """Fit the constrained model; returns ``self``."""
        from lpreg.solvers.projected import solve_constrained

        radius, p = _check_common(self)
        X, y, weights = validate_fit_data(self, X, y, sample_weight, regression=True)
        n_features = X.shape[1]
        w0, intercept0 = None, 0.0
        if self.warm_start and hasattr(self, "coef_") and self.coef_.shape == (n_features,):
            w0, intercept0 = self.coef_, float(self.intercept_)
        result = solve_constrained(
            X,
            y,
            self._datafit(),
            radius,
            p,
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
        self.lambda_ = float(result.lagrange_multiplier)
        self.gap_ = result.gap
        self.n_iter_ = result.n_iter
        self.converged_ = result.converged
        self.solver_ = result.solver
        self.objective_ = result.objective
        return self


class NormBallClassifier(LinearClassifierMixin):
    r"""Logistic regression constrained to a norm ball (binary, multiclass one-vs-rest).

    .. math::
        \min_{w, b}\; \frac{1}{n} \sum_{i=1}^{n} s_i \log\big(1 + e^{-y_i (x_i^\top w + b)}
        \big) \quad \text{s.t.} \quad \|w\|_p \le t, \qquad y_i \in \{-1, +1\}

    one problem per class against the rest when there are more than two classes.  ``lambda_``
    holds each problem's multiplier; as for :class:`NormBallRegression`, ``p = 1`` gives
    ``LogisticRegression(penalty="l1", alpha=lambda_)`` (lpreg's ``alpha`` scaling).

    Parameters
    ----------
    radius : float, default=1.0
    p : float, default=1
    fit_intercept : bool, default=True
    solver : {"auto", "projected_gradient", "frank_wolfe"}, default="auto"
    max_iter : int, default=None
    tol : float, default=1e-4
    warm_start : bool, default=False

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    lambda_, gap_, n_iter_, converged_ : ndarray, one entry per binary problem
    solver_ : str
    """

    def __init__(
        self,
        radius=1.0,
        *,
        p=1,
        fit_intercept=True,
        solver="auto",
        max_iter=None,
        tol=1e-4,
        warm_start=False,
    ):
        self.radius = radius
        self.p = p
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start

    def fit(self, X, y, sample_weight=None):
        """Fit one binary problem (two classes) or one per class (one-vs-rest)."""
        from lpreg.datafits import Logistic
        from lpreg.solvers.projected import solve_constrained

        owner = type(self).__name__
        radius, p = _check_common(self)
        X, y, weights = validate_fit_data(self, X, y, sample_weight, regression=False)
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        if self.classes_.shape[0] < 2:
            raise ValueError(
                f"{owner}: y has 1 class ({self.classes_[0]!r}); a classifier needs at least 2 "
                "classes."
            )
        targets = [self.classes_[1]] if self.classes_.shape[0] == 2 else list(self.classes_)
        previous = getattr(self, "coef_", None) if self.warm_start else None
        results = []
        for k, positive_class in enumerate(targets):
            w0, b0 = None, 0.0
            if previous is not None and previous.shape == (len(targets), X.shape[1]):
                w0, b0 = previous[k], float(self.intercept_[k])
            try:  # an error of the datafit (one class holds all the weight): name the owner
                result = solve_constrained(
                    X,
                    np.where(y == positive_class, 1.0, -1.0),
                    Logistic(),
                    radius,
                    p,
                    solver=self.solver,
                    sample_weight=weights,
                    fit_intercept=self.fit_intercept,
                    tol=self.tol,
                    max_iter=self.max_iter,
                    w0=w0,
                    intercept0=b0,
                )
            except (ValueError, TypeError) as exc:
                if str(exc).startswith(f"{owner}: "):
                    raise
                raise type(exc)(f"{owner}: {exc}") from None
            results.append(result)
        self.coef_ = np.vstack([r.coef for r in results])
        intercepts = [r.intercept if self.fit_intercept else 0.0 for r in results]
        self.intercept_ = np.asarray(intercepts, dtype=self.coef_.dtype)
        self.lambda_ = np.array([r.lagrange_multiplier for r in results])
        self.gap_ = np.array([r.gap for r in results])
        self.n_iter_ = np.array([r.n_iter for r in results])
        self.converged_ = np.array([r.converged for r in results])
        self.solver_ = results[0].solver
        return self
