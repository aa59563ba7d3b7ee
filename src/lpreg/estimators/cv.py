r"""Cross-validated and information-criterion estimators over one warm-started path.

``LassoCV``, ``ElasticNetCV`` (jointly over ``l1_ratio``), ``LpRegressionCV`` (jointly over
``p``) and ``LogisticRegressionCV`` fit the path of every fold on one alpha grid (the full
data's, as scikit-learn), pick the point with the smallest mean test loss (``selection="min"``)
or the sparsest one within one standard error of it (``"1se"``), and refit on all the data.
``LassoIC`` picks alpha by AIC, BIC or extended BIC instead (scikit-learn's ``LassoLarsIC``).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from lpreg.estimators.base import COMMON_CONSTRAINTS, check_parameters, validate_fit_data

__all__ = ["ElasticNetCV", "LassoCV", "LassoIC", "LogisticRegressionCV", "LpRegressionCV"]

_PATH_CONSTRAINTS = {
    **{k: v for k, v in COMMON_CONSTRAINTS.items() if k != "warm_start"},
    "eps": {
        "low": 0.0,
        "low_inclusive": False,
        "high": 1.0,
        "hint": "eps is the ratio alpha_min / alpha_max (e.g. 1e-3).",
    },
    "n_alphas": {"low": 1, "integer": True, "hint": "n_alphas is the size of the grid."},
}


def _check_selection(selection, owner):
    if selection not in ("min", "1se"):
        raise ValueError(
            f"{owner}: selection must be 'min' or '1se', got {selection!r}. 'min' takes the "
            "smallest mean CV loss, '1se' the largest alpha within one standard error of it."
        )


def _check_grid(values, name, owner, low, high, low_inclusive=True):
    from lpreg._validation import check_real_scalar

    array = np.atleast_1d(np.asarray(values, dtype=object))
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{owner}: {name} must be a number or a non-empty list, got {values!r}.")
    return np.array(
        [
            check_real_scalar(v, name, owner, low=low, high=high, low_inclusive=low_inclusive)
            for v in array
        ]
    )


class _PathCV(BaseEstimator):
    """Shared fitting logic: subclasses say which penalties, datafit and loss."""

    _constraints: ClassVar[dict] = _PATH_CONSTRAINTS
    _loss_name: ClassVar[str] = "mse"
    _grid_name: ClassVar[str | None] = None  # "l1_ratio" or "p"

    def _grid(self):
        return np.array([1.0])

    def _make_penalty(self, value):
        raise NotImplementedError

    def _datafit(self):
        from lpreg.datafits import Quadratic

        return Quadratic()

    def _loss(self):
        from lpreg.model_selection import squared_error

        return squared_error

    def _prepare(self, X, y, sample_weight):
        X, y, weights = validate_fit_data(self, X, y, sample_weight, regression=True)
        return X, np.asarray(y, dtype=np.float64), weights

    def fit(self, X, y, sample_weight=None, groups=None):
        """Cross-validate along the path, select, and refit on all the data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the fits and of the test losses.
        groups : array-like of shape (n_samples,), default=None
            Group labels for group splitters (``GroupKFold`` ...).
        """
        owner = type(self).__name__
        check_parameters(self, self._constraints)
        _check_selection(self.selection, owner)
        grid = self._grid()
        X, y, weights = self._prepare(X, y, sample_weight)
        try:  # as run_solver: overflow is an error, and every error names its owner
            with np.errstate(over="raise", invalid="raise", divide="ignore", under="ignore"):
                return self._fit_validated(X, y, weights, groups, grid)
        except (ValueError, TypeError) as exc:
            if str(exc).startswith(f"{owner}: "):
                raise
            raise type(exc)(f"{owner}: {exc}") from None
        except FloatingPointError as exc:
            if str(exc).startswith(f"{owner}: "):
                raise
            raise FloatingPointError(
                f"{owner}: the fit broke down numerically ({exc}). The data are badly scaled: "
                "standardise X (sklearn.preprocessing.StandardScaler) and rescale y."
            ) from None

    def _fit_validated(self, X, y, weights, groups, grid):
        from lpreg.model_selection import cross_validate_path, one_standard_error
        from lpreg.path import _alpha_max, alpha_grid, regularization_path

        owner = type(self).__name__
        datafit = self._datafit()
        penalties = [self._make_penalty(value) for value in grid]
        from lpreg.datafits.base import normalized_sample_weight

        c = normalized_sample_weight(weights, X.shape[0], owner)
        if self.alphas is None:
            alphas = np.stack(
                [
                    alpha_grid(
                        _alpha_max(X, y, datafit, penalty, c, self.fit_intercept)[0],
                        eps=self.eps,
                        n_alphas=self.n_alphas,
                        owner=owner,
                    )
                    for penalty in penalties
                ]
            )
        else:
            alphas = np.sort(np.asarray(self.alphas, dtype=np.float64))[::-1]
            alphas = np.tile(alphas, (len(grid), 1))
        losses, n_nonzero = cross_validate_path(
            X,
            y,
            datafit=datafit,
            penalties=penalties,
            alphas=alphas,
            cv=self.cv,
            groups=groups,
            sample_weight=weights,
            fit_intercept=self.fit_intercept,
            loss=self._loss(),
            n_jobs=self.n_jobs,
            verbose=self.verbose,
            classifier=isinstance(self, ClassifierMixin),
            tol=self.tol,
            max_iter=self.max_iter,
            solver=self.solver,
            owner=owner,
        )
        if not np.all(np.isfinite(losses)):
            raise FloatingPointError(
                f"{owner}: the test {self._loss_name} overflows on some fold and alpha (the "
                "predictions are too large for float64). Rescale X and y (e.g. "
                "sklearn.preprocessing.StandardScaler) and refit."
            )
        n_folds = losses.shape[-1]
        mean = losses.mean(axis=-1)
        std = losses.std(axis=-1, ddof=1) if n_folds > 1 else np.zeros_like(mean)
        standard_error = std / np.sqrt(n_folds)
        best_grid, best_alpha = np.unravel_index(int(np.argmin(mean)), mean.shape)
        alpha_1se, index_1se = one_standard_error(
            alphas[best_grid], mean[best_grid], standard_error[best_grid]
        )
        self.alpha_min_ = float(alphas[best_grid, best_alpha])
        self.alpha_1se_ = alpha_1se
        self.alpha_ = self.alpha_min_ if self.selection == "min" else alpha_1se
        if self._grid_name is not None:
            setattr(self, self._grid_name + "_", float(grid[best_grid]))
        squeeze = len(grid) == 1
        path_attribute = f"{self._loss_name}_path_"
        setattr(self, path_attribute, losses[0] if squeeze else losses)
        self.alphas_ = alphas[0] if squeeze else alphas
        self.cv_results_ = self._cv_results(
            grid, alphas, losses, mean, std, standard_error, n_nonzero
        )
        self.n_folds_ = n_folds
        final = regularization_path(
            X,
            y,
            datafit=datafit,
            penalty=penalties[best_grid],
            alphas=[self.alpha_],
            fit_intercept=self.fit_intercept,
            sample_weight=weights,
            tol=self.tol,
            max_iter=self.max_iter,
            solver=self.solver,
        )
        self.coef_ = final.coefs[:, 0]
        self.intercept_ = float(final.intercepts[0]) if self.fit_intercept else 0.0
        self.n_iter_ = int(final.n_iter[0])
        self.dual_gap_ = (
            float(final.certificates[0]) if final.certificate == "duality_gap" else None
        )
        self.kkt_violation_ = float(final.kkt_violations[0])
        return self

    def _cv_results(self, grid, alphas, losses, mean, std, standard_error, n_nonzero):
        n_grid, n_alphas, n_folds = losses.shape
        name = self._loss_name
        results = {
            "alpha": alphas.ravel(),
            f"mean_test_{name}": mean.ravel(),
            f"std_test_{name}": std.ravel(),
            f"se_test_{name}": standard_error.ravel(),
            "mean_n_nonzero": n_nonzero.mean(axis=-1).ravel(),
        }
        if self._grid_name is not None:
            results = {self._grid_name: np.repeat(grid, n_alphas), **results}
        for fold in range(n_folds):
            results[f"split{fold}_test_{name}"] = losses[:, :, fold].ravel()
        ranks = np.empty(mean.size, dtype=np.int64)
        ranks[np.argsort(mean.ravel(), kind="stable")] = np.arange(1, mean.size + 1)
        results[f"rank_test_{name}"] = ranks
        return results

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


_CV_DOC_PARAMETERS = """    eps : float, default=1e-3
        ``alpha_min / alpha_max`` of the grid, in ``(0, 1]``.
    n_alphas : int, default=100
    alphas : array-like, default=None
        The grid; ``None``: ``n_alphas`` geometric points from the full data's exact
        ``alpha_max`` (as scikit-learn).
    fit_intercept : bool, default=True
    cv : int, cross-validation generator or iterable, default=None
        Any scikit-learn splitter (``None``: 5-fold ``KFold``); ``groups`` goes to ``fit``.
    selection : {"min", "1se"}, default="min"
        Which alpha ``alpha_`` is: the smallest mean CV loss, or the largest alpha within one
        standard error of it (``alpha_1se_``).
    n_jobs : int, default=None
        Folds in parallel through joblib; the result does not depend on it.
    verbose : bool, default=False
        Log a progress bar over folds (``logging.getLogger("lpreg")``).
    max_iter, tol, solver
        As in :func:`lpreg.solve` (``tol`` is the relative certificate of each path point).
"""


class LassoCV(RegressorMixin, _PathCV):
    r"""Lasso with alpha chosen by K-fold cross-validation along a warm-started path.

    .. math::
        \min_{w, b}\; \frac{1}{2n}\|y - Xw - b\|_2^2 + \alpha \|w\|_1

    With the same ``alphas`` and folds, ``mse_path_`` (shape (n_alphas, n_folds)) and
    ``alpha_`` are scikit-learn's ``LassoCV`` ones.

    Parameters
    ----------
    {parameters}
    Attributes
    ----------
    alpha_, alpha_min_, alpha_1se_ : float
    alphas_ : ndarray of shape (n_alphas,)
    mse_path_ : ndarray of shape (n_alphas, n_folds)
    cv_results_ : dict of arrays
        One row per grid point (``pandas.DataFrame(cv_results_)``): ``alpha``,
        ``mean_test_mse``, ``std_test_mse`` (``ddof=1``), ``se_test_mse``,
        ``split{k}_test_mse``, ``rank_test_mse``, ``mean_n_nonzero``.
    coef_, intercept_, n_iter_, dual_gap_, kkt_violation_
        The refit on all the data at ``alpha_``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_regression
    >>> from lpreg import LassoCV
    >>> X, y = make_regression(60, 10, n_informative=3, noise=1.0, random_state=0)
    >>> model = LassoCV(cv=3).fit(X, y)
    >>> bool(model.alpha_min_ <= model.alpha_1se_)
    True
    """

    def __init__(
        self,
        *,
        eps=1e-3,
        n_alphas=100,
        alphas=None,
        fit_intercept=True,
        cv=None,
        selection="min",
        n_jobs=None,
        verbose=False,
        max_iter=1000,
        tol=1e-4,
        solver="auto",
    ):
        self.eps = eps
        self.n_alphas = n_alphas
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.cv = cv
        self.selection = selection
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver

    def _make_penalty(self, value):
        from lpreg.penalties import L1

        return L1(1.0)


class ElasticNetCV(RegressorMixin, _PathCV):
    r"""Elastic Net with alpha and ``l1_ratio`` chosen jointly by K-fold cross-validation.

    .. math::
        \min_{w, b}\; \frac{1}{2n}\|y - Xw - b\|_2^2 + \alpha r \|w\|_1
        + \frac{\alpha (1 - r)}{2} \|w\|_2^2

    Each ``l1_ratio`` ``r`` has its own grid from :math:`\alpha_{\max}(r)`, as in
    scikit-learn's ``ElasticNetCV``; ``mse_path_`` has shape (n_l1_ratio, n_alphas, n_folds)
    (squeezed to (n_alphas, n_folds) for one ratio).

    Parameters
    ----------
    l1_ratio : float or list of float, default=0.5
        In ``(0, 1]`` (``alpha_max`` needs an L1 part).
    {parameters}
    Attributes
    ----------
    alpha_, alpha_min_, alpha_1se_, l1_ratio_ : float
    alphas_, mse_path_, cv_results_, coef_, intercept_
        As in :class:`LassoCV`, with an ``l1_ratio`` column in ``cv_results_``.
    """

    _grid_name: ClassVar[str] = "l1_ratio"

    def __init__(
        self,
        *,
        l1_ratio=0.5,
        eps=1e-3,
        n_alphas=100,
        alphas=None,
        fit_intercept=True,
        cv=None,
        selection="min",
        n_jobs=None,
        verbose=False,
        max_iter=1000,
        tol=1e-4,
        solver="auto",
    ):
        self.l1_ratio = l1_ratio
        self.eps = eps
        self.n_alphas = n_alphas
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.cv = cv
        self.selection = selection
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver

    def _grid(self):
        return _check_grid(self.l1_ratio, "l1_ratio", type(self).__name__, 0.0, 1.0, False)

    def _make_penalty(self, value):
        from lpreg.penalties import ElasticNet

        return ElasticNet(1.0, l1_ratio=float(value))


class LpRegressionCV(RegressorMixin, _PathCV):
    r"""Lp regression with alpha and ``p`` chosen jointly by K-fold cross-validation.

    .. math::
        \min_{w, b}\; \frac{1}{2n}\|y - Xw - b\|_2^2 + \alpha \sum_j |w_j|^p

    The grid for every ``p`` starts at the Lasso's :math:`\alpha_{\max}` (exact for ``p = 1``;
    for ``p < 1``, ``w = 0`` is always a local minimum).  Non-convex fits (``p < 1``) are
    certified by their KKT violation.

    Parameters
    ----------
    p : float or list of float, default=(0.5, 1.0)
        Exponents, ``> 0``.
    {parameters}
    Attributes
    ----------
    alpha_, alpha_min_, alpha_1se_, p_ : float
    alphas_, mse_path_, cv_results_, coef_, intercept_
        As in :class:`ElasticNetCV`, with a ``p`` column in ``cv_results_``.
    """

    _grid_name: ClassVar[str] = "p"

    def __init__(
        self,
        *,
        p=(0.5, 1.0),
        eps=1e-3,
        n_alphas=100,
        alphas=None,
        fit_intercept=True,
        cv=None,
        selection="min",
        n_jobs=None,
        verbose=False,
        max_iter=1000,
        tol=1e-4,
        solver="auto",
    ):
        self.p = p
        self.eps = eps
        self.n_alphas = n_alphas
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.cv = cv
        self.selection = selection
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver

    def _grid(self):
        return _check_grid(self.p, "p", type(self).__name__, 0.0, np.inf, False)

    def _make_penalty(self, value):
        from lpreg.penalties import Lp

        return Lp(1.0, p=float(value))


_C_GRID_LIMITS = (1e-4, 1e4)  # scikit-learn's LogisticRegressionCV: Cs=n is logspace(-4, 4, n)


def _check_cs(Cs, owner):
    """Return the C grid, increasing (so alpha decreases along it), or None."""
    if Cs is None:
        return None
    if isinstance(Cs, (int, np.integer)) and not isinstance(Cs, (bool, np.bool_)):
        if Cs < 1:
            raise ValueError(
                f"{owner}: Cs must be a positive int (that many C values, log-spaced in "
                f"[1e-4, 1e4] as in scikit-learn) or a non-empty list of positive floats, got "
                f"Cs={Cs!r}."
            )
        return np.logspace(np.log10(_C_GRID_LIMITS[0]), np.log10(_C_GRID_LIMITS[1]), int(Cs))
    from lpreg._validation import check_real_scalar

    array = np.asarray(Cs, dtype=object)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(
            f"{owner}: Cs must be a positive int (that many C values, log-spaced in [1e-4, "
            f"1e4] as in scikit-learn) or a non-empty list of positive floats, got Cs={Cs!r}."
        )
    values = [
        check_real_scalar(
            value,
            "Cs",
            owner,
            low=0.0,
            low_inclusive=False,
            high=np.inf,
            high_inclusive=False,
            hint="C is the inverse strength, alpha = 1 / (C * n_samples).",
        )
        for value in array
    ]
    return np.unique(values)  # sorted, duplicates dropped


def _check_scoring(scoring, owner):
    """Return ``(name, greater_is_better)`` of the CV score."""
    if scoring == "log_loss":
        return "log_loss", False
    if scoring == "accuracy":
        return "accuracy", True
    from sklearn.metrics import get_scorer_names

    if isinstance(scoring, str) and scoring in get_scorer_names():
        return scoring, True  # a scorer's value is always higher-is-better (neg_... names)
    raise ValueError(
        f"{owner}: scoring must be 'log_loss' (the mean test log-loss, the default), "
        f"'accuracy' or a scikit-learn scorer name (sklearn.metrics.get_scorer_names()), got "
        f"{scoring!r}."
    )


def _softplus_loss(decision, positive):
    """``log(1 + exp(-s z))`` with ``s = +1`` where ``positive`` and ``-1`` elsewhere."""
    return np.logaddexp(0.0, np.where(positive[:, None], -decision, decision))


def _logistic_fold_scores(X, codes, sample_weight, train, test, n_classes, mode, l1_ratio, spec):
    """Fit one fold's warm-started path over the grid and score it on the test rows.

    Returns ``(scores, n_nonzero, n_not_converged, worst_certificate, (coefs, intercepts))``;
    ``scores`` and ``n_nonzero`` have one entry per grid point (alphas decreasing), ``coefs``
    shape (n_grid, n_outputs, n_features) and ``intercepts`` (n_grid, n_outputs).
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    weight_train = None if sample_weight is None else sample_weight[train]
    weight_test = None if sample_weight is None else sample_weight[test]
    if spec["Cs"] is None:
        alphas = spec["alphas"]
    else:
        total = float(len(train) if weight_train is None else weight_train.sum())
        alphas = 1.0 / (spec["Cs"] * total)  # the C of every fold, as scikit-learn
    with (
        np.errstate(over="raise", invalid="raise", divide="ignore", under="ignore"),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore", ConvergenceWarning)  # counted, warned once by fit
        coefs, intercepts, converged, certificates, _ = _logistic_path(
            X[train], codes[train], weight_train, n_classes, mode, l1_ratio, alphas, spec
        )
        X_test = X[test]
        decision = np.stack(
            [np.asarray(X_test @ coefs[:, output, :]) for output in range(coefs.shape[1])],
            axis=1,
        )
        decision = decision + intercepts
    scores = _score_path(
        decision, codes[test], weight_test, n_classes, mode, coefs, intercepts, X[test], spec
    )
    n_nonzero = np.count_nonzero(np.any(coefs != 0, axis=1), axis=0)
    paths = (np.moveaxis(coefs, -1, 0).transpose(0, 2, 1), intercepts.T)
    return scores, n_nonzero, int(np.sum(~converged)), float(np.max(certificates)), paths


def _dense(X):
    return X.toarray() if hasattr(X, "toarray") else np.asarray(X)


def _logistic_path(X, codes, sample_weight, n_classes, mode, l1_ratio, alphas, spec):
    """Coefficients ``(n_features, n_outputs, n_alphas)``, intercepts ``(n_outputs,
    n_alphas)``, converged, certificates (the worst output's) and ``(n_iter,
    kkt_violations)`` along ``alphas``, warm-started from one point to the next.

    ``mode`` is ``"binary"`` (one output, ``classes_[1]`` positive), ``"ovr"`` (one binary
    problem per class) or ``"multinomial"`` (the softmax model, ``n_classes`` outputs).
    """
    from lpreg.penalties import ElasticNet

    n_features, n_alphas = X.shape[1], alphas.shape[0]
    if mode == "multinomial":
        from lpreg.solvers.multinomial import solve_multinomial

        coefs = np.zeros((n_features, n_classes, n_alphas))
        intercepts = np.zeros((n_classes, n_alphas))
        converged = np.ones(n_alphas, dtype=bool)
        certificates = np.zeros(n_alphas)
        n_iter, kkt = np.zeros(n_alphas, dtype=np.int64), np.zeros(n_alphas)
        coef0 = intercept0 = None
        for k, alpha in enumerate(alphas):
            result = solve_multinomial(
                X,
                codes,
                n_classes,
                ElasticNet(float(alpha), l1_ratio=float(l1_ratio)),
                sample_weight=sample_weight,
                fit_intercept=spec["fit_intercept"],
                tol=spec["tol"],
                max_iter=spec["max_iter"],
                coef0=coef0,
                intercept0=intercept0,
                owner=spec["owner"],
            )
            coef0, intercept0 = result.coef, result.intercept
            coefs[:, :, k], intercepts[:, k] = result.coef, result.intercept
            converged[k] = result.converged
            certificates[k] = result.kkt_violation if result.gap is None else result.gap
            n_iter[k], kkt[k] = result.n_iter, result.kkt_violation
        return coefs, intercepts, converged, certificates, (n_iter, kkt)
    from lpreg.datafits import Logistic
    from lpreg.path import regularization_path

    targets = [1] if mode == "binary" else range(n_classes)
    coefs = np.zeros((n_features, len(targets), n_alphas))
    intercepts = np.zeros((len(targets), n_alphas))
    converged = np.ones(n_alphas, dtype=bool)
    certificates = np.zeros(n_alphas)
    n_iter, kkt = np.zeros(n_alphas, dtype=np.int64), np.zeros(n_alphas)
    for output, target in enumerate(targets):
        path = regularization_path(
            X,
            (codes == target).astype(np.float64),
            datafit=Logistic(),
            penalty=ElasticNet(1.0, l1_ratio=float(l1_ratio)),
            alphas=alphas,
            fit_intercept=spec["fit_intercept"],
            sample_weight=sample_weight,
            tol=spec["tol"],
            max_iter=spec["max_iter"],
            solver=spec["solver"],
        )
        coefs[:, output, :] = path.coefs
        intercepts[output] = path.intercepts if spec["fit_intercept"] else 0.0
        converged &= path.converged
        certificates = np.maximum(certificates, path.certificates)
        n_iter += path.n_iter
        kkt = np.maximum(kkt, path.kkt_violations)
    return coefs, intercepts, converged, certificates, (n_iter, kkt)


def _log_probabilities(decision, mode):
    """Log class probabilities ``(n, n_classes, n_alphas)`` from the decision values."""
    from scipy.special import log_expit, logsumexp

    if mode == "binary":
        return np.stack([log_expit(-decision[:, 0]), log_expit(decision[:, 0])], axis=1)
    if mode == "ovr":  # sigmoid scores normalised to sum to 1 (LogisticRegression's OvR)
        log_sigmoid = log_expit(decision)
        return log_sigmoid - logsumexp(log_sigmoid, axis=1, keepdims=True)
    return decision - logsumexp(decision, axis=1, keepdims=True)


def _score_path(decision, codes, sample_weight, n_classes, mode, coefs, intercepts, X, spec):
    """The test score of every grid point (``spec["scoring"]``)."""
    name = spec["scoring"]
    rows = np.arange(codes.shape[0])
    if name == "log_loss":
        if mode == "binary":
            losses = _softplus_loss(decision[:, 0], codes == 1)
        else:
            losses = -_log_probabilities(decision, mode)[rows, codes]
        return np.average(losses, axis=0, weights=sample_weight)
    if name == "accuracy":
        if mode == "binary":
            predicted = (decision[:, 0] > 0).astype(np.int64)
        else:
            predicted = np.argmax(decision, axis=1)
        return np.average(predicted == codes[:, None], axis=0, weights=sample_weight)
    from sklearn.metrics import get_scorer

    scorer = get_scorer(name)
    extra = {} if sample_weight is None else {"sample_weight": sample_weight}
    model = _FittedLogistic(mode, n_classes, X.shape[1])
    scores = np.empty(decision.shape[-1])
    for k in range(decision.shape[-1]):
        model.coef_ = coefs[:, :, k].T
        model.intercept_ = intercepts[:, k]
        scores[k] = scorer(model, X, codes, **extra)
    return scores


class _FittedLogistic(ClassifierMixin, BaseEstimator):
    """A fitted linear classifier on class codes, for scikit-learn scorers inside the CV."""

    def __init__(self, mode="binary", n_classes=2, n_features=1):
        self.mode = mode
        self.n_classes = n_classes
        self.n_features = n_features
        self.classes_ = np.arange(n_classes)
        self.n_features_in_ = n_features

    def decision_function(self, X):
        scores = np.asarray(_dense(X) @ self.coef_.T) + self.intercept_
        return scores[:, 0] if self.mode == "binary" else scores

    def predict_proba(self, X):
        decision = np.asarray(_dense(X) @ self.coef_.T) + self.intercept_
        return np.exp(_log_probabilities(decision[:, :, None], self.mode)[:, :, 0])

    def predict(self, X):
        return np.argmax(self.predict_proba(X), axis=1)


class LogisticRegressionCV(ClassifierMixin, _PathCV):
    r"""Logistic regression (binary, multinomial or one-vs-rest) with its strength chosen by
    cross-validation, jointly over ``l1_ratio``.

    Two classes: the binary model, ``y_i = +1`` for ``classes_[1]``,

    .. math::
        \min_{w, b}\; \sum_i c_i \log\big(1 + e^{-y_i (x_i^\top w + b)}\big)
        + \alpha \big(r \|w\|_1 + \tfrac{1 - r}{2}\|w\|_2^2\big),
        \qquad c_i = \frac{s_i}{\sum_l s_l};

    more than two classes (``multi_class="multinomial"``, the default, as scikit-learn's):

    .. math::
        \min_{W, b}\; \sum_i c_i \Big[\log \sum_{k} e^{x_i^\top w_k + b_k}
        - (x_i^\top w_{y_i} + b_{y_i})\Big]
        + \alpha \sum_{k} \big(r \|w_k\|_1 + \tfrac{1 - r}{2}\|w_k\|_2^2\big)

    (:mod:`lpreg.solvers.multinomial`), or with ``multi_class="ovr"`` one binary model per
    class (class ``k`` against the rest, probabilities the normalised sigmoids), all at the
    same ``alpha``.  ``r`` is ``l1_ratio`` (by default L2 with ``Cs``, L1 without); ``r = 0``
    (L2) needs an explicit grid (``Cs`` or ``alphas``).

    The grid is either ``alphas`` (the same on every fold; ``None`` with ``Cs=None``:
    ``n_alphas`` geometric points from the full data's exact :math:`\alpha_{\max}`) or
    scikit-learn's ``Cs``, with :math:`\alpha = 1 / (C \sum_{i \in \mathrm{train}} s_i)` on
    each training fold and on the refit, which makes each fit scikit-learn's
    ``LogisticRegression(C=C, l1_ratio=r)`` (its objective divided by :math:`C \sum s_i`).
    Each fold's path is warm-started from one grid point to the next (decreasing alpha).
    The score (``scoring``) is the mean test log-loss
    :math:`\sum_{i \in \mathrm{test}} s_i (-\log \hat p_{i y_i}) / \sum_{i \in \mathrm{test}}
    s_i` by default (lower is better), or ``"accuracy"``, or any scikit-learn scorer name
    (higher is better); the chosen point has the best mean score over the folds
    (``selection="min"``) or is the largest alpha (smallest C) whose mean is within one
    standard error of the best (``"1se"``).  Folds are stratified by default
    (scikit-learn's ``check_cv`` for classifiers).  Every training fold must hold every class.

    With two classes, ``Cs=None`` and the log-loss, the fit is the shared path
    cross-validation of :class:`LassoCV` (``log_loss_path_`` as ``mse_path_`` there).

    Parameters
    ----------
    Cs : int or list of float, default=None
        Inverse strengths ``C > 0``; an int ``n``: ``numpy.logspace(-4, 4, n)``
        (scikit-learn's grid).  Excludes ``alphas``.
    l1_ratio : float or list of float, default=None
        In ``(0, 1]``, or ``[0, 1]`` with ``Cs`` or ``alphas``; several values are
        cross-validated jointly with the strength.  ``None``: 0 (L2, scikit-learn's
        default) with ``Cs``, else 1 (L1).
    scoring : str, default="log_loss"
        ``"log_loss"``, ``"accuracy"`` or a name of ``sklearn.metrics.get_scorer_names()``
        (e.g. ``"balanced_accuracy"``, ``"neg_brier_score"``), weighted by the test rows'
        ``sample_weight``.
    multi_class : {"multinomial", "ovr"}, default="multinomial"
        How more than two classes are fitted (ignored for two classes).
    {parameters}
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    alpha_, alpha_min_, alpha_1se_, l1_ratio_ : float
        ``alpha_min_`` has the best mean score, ``alpha_1se_`` follows the 1-SE rule; with
        ``Cs`` these are the refit's :math:`1 / (C \sum_i s_i)`.
    C_ : float or None
        ``1 / (alpha_ \sum_i s_i)``, the chosen C (None when the grid is ``alphas``).
    Cs_ : ndarray of shape (n_grid,) or None
        The C grid, increasing (None when the grid is ``alphas``).
    alphas_ : ndarray of shape (n_grid,) or (n_l1_ratio, n_grid)
        Decreasing; with ``Cs``, the full data's :math:`1 / (C \sum_i s_i)`.
    scores_ : ndarray of shape (n_grid, n_folds) or (n_l1_ratio, n_grid, n_folds)
        The test score of each fold at each grid point, in the sense of ``scoring`` (mean
        log-loss: lower is better); the same array as ``log_loss_path_`` for the log-loss.
    log_loss_path_ : ndarray
        ``scores_`` (only with ``scoring="log_loss"``).
    cv_results_ : dict of arrays
        One row per grid point (``pandas.DataFrame(cv_results_)``): ``l1_ratio``, ``alpha``,
        ``C`` (with ``Cs``), ``mean_test_<scoring>``, ``std_test_<scoring>`` (``ddof=1``),
        ``se_test_<scoring>``, ``split{k}_test_<scoring>``, ``rank_test_<scoring>`` (1:
        best), ``mean_n_nonzero`` (features used by some class).
    coef_ : ndarray of shape (n_features,) for two classes, else (n_classes, n_features)
    intercept_ : float for two classes, else ndarray of shape (n_classes,)
        The refit on all the data at ``alpha_`` and ``l1_ratio_``.
    n_iter_, dual_gap_, kkt_violation_
        The refit's (summed / worst over the binary problems of ``"ovr"``).
    coefs_paths_ : ndarray of shape (n_folds, n_l1_ratio, n_grid, n_outputs, n_features)
        Each fold's fit at each grid point (``n_outputs``: 1 for two classes, else
        ``n_classes``; scikit-learn's ``coefs_paths_`` with ``use_legacy_attributes=False``,
        without the intercept column); not set on the two-class log-loss path without ``Cs``.
    intercepts_paths_ : ndarray of shape (n_folds, n_l1_ratio, n_grid, n_outputs)
    multi_class_ : {"binary", "multinomial", "ovr"}
        The model fitted (``"binary"`` for two classes).
    n_folds_ : int

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from lpreg import LogisticRegressionCV
    >>> X, y = load_iris(return_X_y=True)
    >>> model = LogisticRegressionCV(Cs=[0.01, 1.0, 100.0], l1_ratio=0.0, cv=3).fit(X, y)
    >>> model.C_, model.coef_.shape
    (100.0, (3, 4))
    """

    _grid_name: ClassVar[str] = "l1_ratio"
    _loss_name: ClassVar[str] = "log_loss"

    def __init__(
        self,
        *,
        Cs=None,
        l1_ratio=None,
        scoring="log_loss",
        multi_class="multinomial",
        eps=1e-3,
        n_alphas=100,
        alphas=None,
        fit_intercept=True,
        cv=None,
        selection="min",
        n_jobs=None,
        verbose=False,
        max_iter=1000,
        tol=1e-4,
        solver="auto",
    ):
        self.Cs = Cs
        self.l1_ratio = l1_ratio
        self.scoring = scoring
        self.multi_class = multi_class
        self.eps = eps
        self.n_alphas = n_alphas
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.cv = cv
        self.selection = selection
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver

    def fit(self, X, y, sample_weight=None, groups=None):
        """Cross-validate along the grid, select, and refit on all the data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels of any sortable type; at least two classes.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the fits and of the test scores.
        groups : array-like of shape (n_samples,), default=None
            Group labels for group splitters (``GroupKFold`` ...).
        """
        owner = type(self).__name__
        _check_cs(self.Cs, owner)
        _check_scoring(self.scoring, owner)
        if self.Cs is not None and self.alphas is not None:
            raise ValueError(
                f"{owner}: give either Cs or alphas, not both (got Cs={self.Cs!r}, alphas="
                f"{self.alphas!r}); alpha = 1 / (C * n_samples)."
            )
        if self.multi_class not in ("multinomial", "ovr"):
            raise ValueError(
                f"{owner}: multi_class must be 'multinomial' or 'ovr', got "
                f"{self.multi_class!r}. 'multinomial' fits one softmax model (scikit-learn's "
                "default), 'ovr' one binary model per class."
            )
        return super().fit(X, y, sample_weight=sample_weight, groups=groups)

    def _grid(self):
        owner = type(self).__name__
        if self.l1_ratio is None:  # L2 on a C grid (scikit-learn's default), else L1
            return np.array([0.0 if self.Cs is not None else 1.0])
        explicit = self.Cs is not None or self.alphas is not None
        return _check_grid(self.l1_ratio, "l1_ratio", owner, 0.0, 1.0, explicit)

    def _make_penalty(self, value):
        from lpreg.penalties import ElasticNet

        return ElasticNet(1.0, l1_ratio=float(value))

    def _datafit(self):
        from lpreg.datafits import Logistic

        return Logistic()

    def _loss(self):
        from lpreg.model_selection import log_loss

        return log_loss

    def _prepare(self, X, y, sample_weight):
        from sklearn.utils.multiclass import check_classification_targets

        X, y, weights = validate_fit_data(self, X, y, sample_weight, regression=False)
        check_classification_targets(y)
        self.classes_, codes = np.unique(y, return_inverse=True)
        if self.classes_.shape[0] < 2:
            raise ValueError(
                f"{type(self).__name__}: y has 1 class ({self.classes_.tolist()[0]!r}); a "
                "classifier needs at least 2 classes."
            )
        return X, codes.ravel().astype(np.float64), weights

    def _fit_validated(self, X, y, weights, groups, grid):
        shared = self.classes_.shape[0] == 2 and self.Cs is None and self.scoring == "log_loss"
        if shared:  # the binary path CV shared with LassoCV
            super()._fit_validated(X, y, weights, groups, grid)
            self.scores_ = self.log_loss_path_
            self.C_ = self.Cs_ = None
            self.multi_class_ = "binary"
            return self
        return self._fit_grid(X, y.astype(np.int64), weights, groups, grid)

    def _fit_grid(self, X, codes, weights, groups, ratios):
        from joblib import Parallel, delayed
        from sklearn.model_selection import check_cv

        from lpreg.model_selection import _check_splits, _progress_bar, logger, one_standard_error

        owner = type(self).__name__
        n_classes = self.classes_.shape[0]
        mode = "binary" if n_classes == 2 else self.multi_class
        name, greater_is_better = _check_scoring(self.scoring, owner)
        Cs = _check_cs(self.Cs, owner)
        total = float(X.shape[0] if weights is None else weights.sum())
        spec = {
            "Cs": Cs,
            "fit_intercept": self.fit_intercept,
            "tol": self.tol,
            "max_iter": self.max_iter,
            "solver": self.solver,
            "owner": owner,
            "scoring": name,
        }
        if Cs is not None:
            alphas = np.tile(1.0 / (Cs * total), (len(ratios), 1))
        elif self.alphas is not None:
            alphas = np.sort(np.asarray(self.alphas, dtype=np.float64))[::-1]
            alphas = np.tile(alphas, (len(ratios), 1))
        else:
            alphas = np.stack(
                [
                    _logistic_alpha_grid(X, codes, weights, mode, ratio, self, owner)
                    for ratio in ratios
                ]
            )
        splits = list(check_cv(self.cv, codes, classifier=True).split(X, codes, groups))
        _check_splits(splits, codes, weights, True, owner)
        for fold, (train, _) in enumerate(splits):
            missing = np.setdiff1d(np.arange(n_classes), codes[train])
            if missing.size:
                raise ValueError(
                    f"{owner}: the training rows of fold {fold} miss class(es) "
                    f"{self.classes_[missing].tolist()}; every training fold needs every "
                    "class. Use fewer folds or the default stratified folds (cv=int)."
                )
        tasks = [(fold, index) for fold in range(len(splits)) for index in range(len(ratios))]
        n_grid = alphas.shape[1]
        if self.verbose:
            logger.info(
                "cross-validation: %d folds x %d l1_ratios x %d grid points = %d fits",
                len(splits),
                len(ratios),
                n_grid,
                len(tasks) * n_grid,
            )
        jobs = (
            delayed(_logistic_fold_scores)(
                X,
                codes,
                weights,
                *splits[fold],
                n_classes,
                mode,
                ratios[index],
                {**spec, "alphas": alphas[index]},
            )
            for fold, index in tasks
        )
        scores = np.empty((len(ratios), n_grid, len(splits)))
        n_nonzero = np.empty_like(scores)
        n_outputs = 1 if mode == "binary" else n_classes
        coefs_paths = np.empty((len(splits), len(ratios), n_grid, n_outputs, X.shape[1]))
        intercepts_paths = np.empty((len(splits), len(ratios), n_grid, n_outputs))
        n_missed, worst = 0, 0.0
        results = Parallel(n_jobs=self.n_jobs, return_as="generator")(jobs)
        for done, ((fold, index), result) in enumerate(zip(tasks, results, strict=True), 1):
            scores[index, :, fold], n_nonzero[index, :, fold], missed, certificate, path = result
            coefs_paths[fold, index], intercepts_paths[fold, index] = path
            n_missed, worst = n_missed + missed, max(worst, certificate)
            if self.verbose:
                logger.info(
                    "cross-validation [%s] %d/%d fits (fold %d/%d)",
                    _progress_bar(done, len(tasks)),
                    done * n_grid,
                    len(tasks) * n_grid,
                    fold + 1,
                    len(splits),
                )
        if n_missed:
            import warnings

            from sklearn.exceptions import ConvergenceWarning

            warnings.warn(
                f"{owner}: {n_missed} of {len(tasks) * n_grid} fold fits stopped at max_iter="
                f"{self.max_iter} with a certificate up to {worst:.1e} > tol {self.tol:.1e}. "
                "Increase max_iter or standardise X; a large C (small alpha) is nearly "
                "unregularised.",
                ConvergenceWarning,
                stacklevel=5,
            )
        if not np.all(np.isfinite(scores)):
            raise FloatingPointError(
                f"{owner}: the test {name} is not finite on some fold and grid point (the "
                "decision values overflow). Standardise X (sklearn.preprocessing."
                "StandardScaler) and refit."
            )
        losses = -scores if greater_is_better else scores
        n_folds = len(splits)
        mean = losses.mean(axis=-1)
        std = losses.std(axis=-1, ddof=1) if n_folds > 1 else np.zeros_like(mean)
        standard_error = std / np.sqrt(n_folds)
        best_ratio, best_point = np.unravel_index(int(np.argmin(mean)), mean.shape)
        alpha_1se, index_1se = one_standard_error(
            alphas[best_ratio], mean[best_ratio], standard_error[best_ratio]
        )
        self.alpha_min_ = float(alphas[best_ratio, best_point])
        self.alpha_1se_ = alpha_1se
        self.alpha_ = self.alpha_min_ if self.selection == "min" else alpha_1se
        self.l1_ratio_ = float(ratios[best_ratio])
        self.Cs_ = Cs
        chosen = best_point if self.selection == "min" else index_1se
        self.C_ = None if Cs is None else float(Cs[chosen])
        squeeze = len(ratios) == 1
        self.scores_ = scores[0] if squeeze else scores
        if name == "log_loss":
            self.log_loss_path_ = self.scores_
        self.alphas_ = alphas[0] if squeeze else alphas
        self.cv_results_ = _grid_cv_results(
            name, ratios, alphas, Cs, scores, n_nonzero, greater_is_better
        )
        self.n_folds_ = n_folds
        self.coefs_paths_, self.intercepts_paths_ = coefs_paths, intercepts_paths
        self._refit(X, codes, weights, mode)
        return self

    def _refit(self, X, codes, weights, mode):
        import warnings

        owner = type(self).__name__
        spec = {
            "fit_intercept": self.fit_intercept,
            "tol": self.tol,
            "max_iter": self.max_iter,
            "solver": self.solver,
            "owner": owner,
        }
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            coefs, intercepts, _, certificates, (n_iter, kkt) = _logistic_path(
                X,
                codes,
                weights,
                self.classes_.shape[0],
                mode,
                self.l1_ratio_,
                np.array([self.alpha_]),
                spec,
            )
        for caught_warning in caught:  # re-issued at the user's call
            warnings.warn(caught_warning.message, caught_warning.category, stacklevel=6)
        dtype = X.dtype if X.dtype == np.float32 else np.float64  # as the solvers return
        if mode == "binary":
            self.coef_ = coefs[:, 0, 0].astype(dtype)
            self.intercept_ = float(intercepts[0, 0])
        else:
            self.coef_ = np.ascontiguousarray(coefs[:, :, 0].T, dtype=dtype)
            self.intercept_ = intercepts[:, 0].astype(dtype)
        self.multi_class_ = mode
        self.dual_gap_ = float(certificates[0])
        self.kkt_violation_ = float(kkt[0])
        self.n_iter_ = int(n_iter[0])

    def decision_function(self, X):
        """``X @ coef_ + intercept_`` (1-D, positive for ``classes_[1]``, for two classes;
        else ``X @ coef_.T + intercept_`` of shape (n_samples, n_classes))."""
        if np.ndim(getattr(self, "coef_", np.zeros(1))) == 1:
            return self._decision_function(X)
        check_is_fitted(self)
        X = validate_data(
            self,
            X,
            accept_sparse=("csr", "csc", "coo"),
            dtype=[np.float64, np.float32],
            reset=False,
        )
        return np.asarray(X @ self.coef_.T, dtype=np.float64) + self.intercept_

    def predict_proba(self, X):
        """Class probabilities, shape (n_samples, n_classes): sigmoid (two classes),
        softmax (multinomial) or normalised sigmoids (one-vs-rest)."""
        decision = self.decision_function(X)
        if decision.ndim == 1:
            positive = 1.0 / (1.0 + np.exp(-decision))
            return np.column_stack([1.0 - positive, positive])
        return np.exp(_log_probabilities(decision[:, :, None], self.multi_class_)[:, :, 0])

    def predict(self, X):
        """The most probable class."""
        decision = self.decision_function(X)
        if decision.ndim == 1:
            return self.classes_[(decision > 0).astype(int)]
        return self.classes_[np.argmax(decision, axis=1)]


def _logistic_alpha_grid(X, codes, weights, mode, ratio, model, owner):
    r"""``n_alphas`` geometric alphas from the smallest alpha giving ``W = 0`` (intercepts
    optimal): :math:`\|\nabla_W F(0)\|_\infty / r` (the largest over the outputs of
    ``"ovr"``)."""
    from lpreg.datafits import Logistic, Multinomial
    from lpreg.datafits.base import normalized_sample_weight
    from lpreg.path import _alpha_max, alpha_grid

    n_classes = int(codes.max()) + 1
    if mode == "multinomial":
        datafit = Multinomial()
        c = normalized_sample_weight(weights, X.shape[0], owner)
        intercept = (
            datafit.intercept_at_zero(codes, n_classes, c)
            if model.fit_intercept
            else np.zeros(n_classes)
        )
        Z = np.tile(intercept, (X.shape[0], 1))
        gradient = np.asarray(X.T @ datafit.raw_gradient(codes, Z, c))
        top = float(np.max(np.abs(gradient), initial=0.0)) / ratio
    else:
        c = normalized_sample_weight(weights, X.shape[0], owner)
        targets = [1] if mode == "binary" else range(n_classes)
        top = max(
            _alpha_max(
                X,
                (codes == target).astype(np.float64),
                Logistic(),
                model._make_penalty(ratio),
                c,
                model.fit_intercept,
            )[0]
            for target in targets
        )
    return alpha_grid(top, eps=model.eps, n_alphas=model.n_alphas, owner=owner)


def _grid_cv_results(name, ratios, alphas, Cs, scores, n_nonzero, greater_is_better):
    n_ratios, n_grid, n_folds = scores.shape
    mean = scores.mean(axis=-1)
    std = scores.std(axis=-1, ddof=1) if n_folds > 1 else np.zeros_like(mean)
    results = {"l1_ratio": np.repeat(ratios, n_grid), "alpha": alphas.ravel()}
    if Cs is not None:
        results["C"] = np.tile(Cs, n_ratios)
    results.update(
        {
            f"mean_test_{name}": mean.ravel(),
            f"std_test_{name}": std.ravel(),
            f"se_test_{name}": (std / np.sqrt(n_folds)).ravel(),
            "mean_n_nonzero": n_nonzero.mean(axis=-1).ravel(),
        }
    )
    for fold in range(n_folds):
        results[f"split{fold}_test_{name}"] = scores[:, :, fold].ravel()
    order = np.argsort(-mean.ravel() if greater_is_better else mean.ravel(), kind="stable")
    ranks = np.empty(mean.size, dtype=np.int64)
    ranks[order] = np.arange(1, mean.size + 1)
    results[f"rank_test_{name}"] = ranks
    return results


class LassoIC(RegressorMixin, BaseEstimator):
    r"""Lasso / Elastic Net with alpha chosen by AIC, BIC or extended BIC along the path.

    .. math::
        \min_{w, b}\; \frac{1}{2n}\|y - Xw - b\|_2^2 + \alpha r \|w\|_1
        + \frac{\alpha (1 - r)}{2} \|w\|_2^2

    ``criterion_[k]`` is :math:`n \log(2\pi\sigma^2) + \mathrm{RSS}_k / \sigma^2 + c\,
    \mathrm{df}_k` (see :func:`lpreg.model_selection.information_criterion`), with the honest
    degrees of freedom of :func:`lpreg.model_selection.degrees_of_freedom` (non-zeros for
    ``r = 1``, the Elastic-Net trace formula otherwise).  For ``r = 1`` this is
    scikit-learn's ``LassoLarsIC`` criterion at the same alphas.

    Parameters
    ----------
    criterion : {"aic", "bic", "ebic"}, default="aic"
    l1_ratio : float, default=1.0
        In ``(0, 1]``.
    noise_variance : float, default=None
        :math:`\sigma^2`; ``None``: the unbiased least-squares estimate
        :math:`\mathrm{RSS}_\mathrm{OLS} / (n - p - \mathrm{fit\_intercept})`, which needs
        ``n > p + fit_intercept`` (pass it for ``p > n``, as with ``"ebic"``).
    ebic_gamma : float, default=1.0
        :math:`\gamma` of the extended BIC, in ``[0, 1]``.
    eps, n_alphas, alphas, fit_intercept, max_iter, tol, solver
        As in :class:`LassoCV`.

    Attributes
    ----------
    alpha_ : float
    alphas_, criterion_, degrees_of_freedom_ : ndarray of shape (n_alphas,)
    n_iter_ : int
        Solver epochs summed over the path.
    noise_variance_ : float
    coef_, intercept_
    """

    _constraints: ClassVar[dict] = {
        **_PATH_CONSTRAINTS,
        "l1_ratio": {"low": 0.0, "low_inclusive": False, "high": 1.0},
        "ebic_gamma": {"low": 0.0, "high": 1.0},
        "noise_variance": {"low": 0.0, "low_inclusive": False, "allow_none": True},
    }

    def __init__(
        self,
        criterion="aic",
        *,
        l1_ratio=1.0,
        noise_variance=None,
        ebic_gamma=1.0,
        eps=1e-3,
        n_alphas=100,
        alphas=None,
        fit_intercept=True,
        max_iter=1000,
        tol=1e-4,
        solver="auto",
    ):
        self.criterion = criterion
        self.l1_ratio = l1_ratio
        self.noise_variance = noise_variance
        self.ebic_gamma = ebic_gamma
        self.eps = eps
        self.n_alphas = n_alphas
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver

    def fit(self, X, y):
        """Fit the path on all the data and keep the alpha minimising the criterion."""
        from lpreg.model_selection import degrees_of_freedom, information_criterion
        from lpreg.path import regularization_path
        from lpreg.penalties import ElasticNet

        owner = type(self).__name__
        check_parameters(self, self._constraints)
        if self.criterion not in ("aic", "bic", "ebic"):
            raise ValueError(
                f"{owner}: criterion must be 'aic', 'bic' or 'ebic', got {self.criterion!r}."
            )
        X, y, _ = validate_fit_data(self, X, y, None, regression=True)
        y = np.asarray(y, dtype=np.float64)
        n_samples, n_features = X.shape
        path = regularization_path(
            X,
            y,
            penalty=ElasticNet(1.0, float(self.l1_ratio)),
            alphas=self.alphas,
            eps=self.eps,
            n_alphas=self.n_alphas,
            fit_intercept=self.fit_intercept,
            tol=self.tol,
            max_iter=self.max_iter,
            solver=self.solver,
        )
        residuals = y[:, None] - (np.asarray(X @ path.coefs) + path.intercepts)
        rss = np.sum(residuals**2, axis=0)
        df = np.array(
            [
                degrees_of_freedom(
                    X, path.coefs[:, k], alpha, self.l1_ratio, fit_intercept=self.fit_intercept
                )
                for k, alpha in enumerate(path.alphas)
            ]
        )
        if self.noise_variance is None:
            dof = n_samples - n_features - int(self.fit_intercept)
            if dof <= 0:
                raise ValueError(
                    f"{owner}: noise_variance=None needs n_samples > n_features + "
                    f"fit_intercept to estimate the noise by least squares, got n_samples="
                    f"{n_samples}, n_features={n_features}; pass noise_variance."
                )
            dense = X.toarray() if hasattr(X, "toarray") else np.asarray(X)
            design = np.column_stack([np.ones(n_samples), dense]) if self.fit_intercept else dense
            coef = np.linalg.lstsq(design, y, rcond=None)[0]
            self.noise_variance_ = float(np.sum((y - design @ coef) ** 2) / dof)
        else:
            self.noise_variance_ = float(self.noise_variance)
        self.criterion_ = information_criterion(
            rss,
            df,
            n_samples,
            self.noise_variance_,
            self.criterion,
            n_features=n_features,
            gamma=self.ebic_gamma,
        )
        best = int(np.argmin(self.criterion_))
        self.alphas_ = path.alphas
        self.degrees_of_freedom_ = df
        self.n_iter_ = int(path.n_iter.sum())
        self.alpha_ = float(path.alphas[best])
        self.coef_ = path.coefs[:, best]
        self.intercept_ = float(path.intercepts[best]) if self.fit_intercept else 0.0
        return self

    def predict(self, X):
        """Predict ``X @ coef_ + intercept_``."""
        check_is_fitted(self)
        X = validate_data(
            self,
            X,
            accept_sparse=("csr", "csc", "coo"),
            dtype=[np.float64, np.float32],
            reset=False,
        )
        return np.asarray(X @ self.coef_).ravel() + self.intercept_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


for _estimator in (LassoCV, ElasticNetCV, LpRegressionCV, LogisticRegressionCV):
    _estimator.__doc__ = _estimator.__doc__.replace("    {parameters}\n", _CV_DOC_PARAMETERS)
del _estimator
