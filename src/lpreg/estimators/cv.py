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
        from lpreg.model_selection import cross_validate_path, one_standard_error
        from lpreg.path import _alpha_max, alpha_grid, regularization_path

        owner = type(self).__name__
        check_parameters(self, self._constraints)
        _check_selection(self.selection, owner)
        grid = self._grid()
        X, y, weights = self._prepare(X, y, sample_weight)
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


class LogisticRegressionCV(ClassifierMixin, _PathCV):
    r"""Binary L1 / Elastic-Net logistic regression with alpha chosen by cross-validation.

    .. math::
        \min_{w, b}\; \frac{1}{n} \sum_i \log\big(1 + e^{-y_i (x_i^\top w + b)}\big)
        + \alpha \big(r \|w\|_1 + \tfrac{1 - r}{2}\|w\|_2^2\big)

    with ``y_i = +1`` for ``classes_[1]``; the CV loss is the test log-loss
    (``log_loss_path_``, ``mean_test_log_loss`` ...).  Folds are stratified (scikit-learn's
    ``check_cv`` for classifiers).

    Parameters
    ----------
    l1_ratio : float or list of float, default=1.0
        In ``(0, 1]``.
    {parameters}
    Attributes
    ----------
    classes_ : ndarray of shape (2,)
    alpha_, alpha_min_, alpha_1se_, l1_ratio_ : float
    alphas_, log_loss_path_, cv_results_, coef_, intercept_
    """

    _grid_name: ClassVar[str] = "l1_ratio"
    _loss_name: ClassVar[str] = "log_loss"

    def __init__(
        self,
        *,
        l1_ratio=1.0,
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
        if self.classes_.shape[0] != 2:
            raise ValueError(
                f"{type(self).__name__}: y must have exactly 2 classes, got "
                f"{self.classes_.shape[0]}; fit one LogisticRegressionCV per class for "
                "one-vs-rest."
            )
        return X, codes.astype(np.float64), weights

    def decision_function(self, X):
        """``X @ coef_ + intercept_`` (positive: ``classes_[1]``)."""
        return self._decision_function(X)

    def predict_proba(self, X):
        """Class probabilities, shape (n_samples, 2)."""
        positive = 1.0 / (1.0 + np.exp(-self._decision_function(X)))
        return np.column_stack([1.0 - positive, positive])

    def predict(self, X):
        """The more likely class."""
        return self.classes_[(self._decision_function(X) > 0).astype(int)]


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
