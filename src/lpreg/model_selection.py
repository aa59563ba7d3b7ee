r"""Model selection over regularization paths: cross-validation, the one-standard-error rule,
information criteria with honest degrees of freedom, and stability selection.

Every routine here calls :func:`lpreg.path.regularization_path` (warm starts, strong rule with a
KKT check); the estimators built on them (``LassoCV``, ``ElasticNetCV``, ``LpRegressionCV``,
``LogisticRegressionCV``, ``LassoIC``) live in :mod:`lpreg.estimators.cv`.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = [
    "StabilityPath",
    "cross_validate_path",
    "degrees_of_freedom",
    "grouping_diagnostic",
    "information_criterion",
    "one_standard_error",
    "stability_selection",
]

logger = logging.getLogger("lpreg")


# ----------------------------------------------------------------------------------------------
# cross-validation
# ----------------------------------------------------------------------------------------------


def squared_error(y, decision, sample_weight=None):
    """Per-alpha (weighted) mean of ``(y_i - decision_i)^2``; ``decision`` is (n, n_alphas)."""
    return np.average((y[:, None] - decision) ** 2, axis=0, weights=sample_weight)


def log_loss(y, decision, sample_weight=None):
    r"""Per-alpha (weighted) mean of :math:`\log(1 + e^{-y_i z_i})`, ``y`` in {-1, +1}."""
    return np.average(np.logaddexp(0.0, -y[:, None] * decision), axis=0, weights=sample_weight)


def _path_losses(
    X, y, sample_weight, train, test, datafit, penalty, alphas, fit_intercept, loss, options
):
    """Test loss and non-zeros along one penalty's path fitted on one fold's training rows."""
    from lpreg.path import regularization_path

    weight_train = None if sample_weight is None else sample_weight[train]
    weight_test = None if sample_weight is None else sample_weight[test]
    y_test = datafit.prepare_target(y[test]) if loss is log_loss else y[test]
    path = regularization_path(
        X[train],
        y[train],
        datafit=datafit,
        penalty=penalty,
        alphas=alphas,
        fit_intercept=fit_intercept,
        sample_weight=weight_train,
        **options,
    )
    decision = np.asarray(X[test] @ path.coefs, dtype=np.float64) + path.intercepts
    return loss(y_test, decision, weight_test), path.n_nonzero


def _progress_bar(done, total, width=20):
    filled = (width * done) // total
    return "#" * filled + "." * (width - filled)


def cross_validate_path(
    X,
    y,
    *,
    datafit,
    penalties,
    alphas,
    cv=None,
    groups=None,
    sample_weight=None,
    fit_intercept=True,
    loss=squared_error,
    n_jobs=None,
    verbose=False,
    classifier=False,
    owner="cross_validate_path",
    **options,
):
    r"""Test loss of every fold along the path of every penalty.

    For each split ``(train, test)`` of ``cv`` and each penalty ``G`` of ``penalties``, the
    path of :math:`\min F_\mathrm{train}(w, b) + G_\alpha(w)` over ``alphas[index]`` is fitted
    on the training rows and ``loss`` (default: the mean squared error
    :math:`\sum_{i \in \mathrm{test}} s_i (y_i - x_i^\top w - b)^2 / \sum s_i`) evaluated on
    the test rows.  The (fold, penalty) paths run in parallel through joblib (``n_jobs``;
    worker processes by default, a ``joblib.parallel_config`` backend such as Dask's
    overrides it) and the result does not depend on ``n_jobs``.  ``verbose`` logs, at INFO
    level on ``logging.getLogger("lpreg")``, a progress bar over folds x path points,
    advancing by one path (``n_alphas`` points) at a time.

    Returns
    -------
    losses : ndarray of shape (n_penalties, n_alphas, n_folds)
    n_nonzero : ndarray of shape (n_penalties, n_alphas, n_folds)
    """
    from joblib import Parallel, delayed
    from sklearn.model_selection import check_cv

    splitter = check_cv(cv, y, classifier=classifier)
    splits = list(splitter.split(X, y, groups))
    _check_splits(splits, y, sample_weight, classifier, owner)
    alphas = np.atleast_2d(np.asarray(alphas, dtype=np.float64))
    if verbose:
        logger.info(
            "cross-validation: %d folds x %d penalties x %d alphas = %d path points",
            len(splits),
            len(penalties),
            alphas.shape[1],
            len(splits) * len(penalties) * alphas.shape[1],
        )
    # one job per (fold, penalty): one warm-started path each.  joblib's default backend runs
    # them in worker processes (the numba loops hold the GIL, so threads would not overlap);
    # a joblib.parallel_config backend (Dask's ...) overrides it.  Results are gathered in
    # submission order, so they do not depend on n_jobs.
    n_penalties, n_alphas = len(penalties), alphas.shape[1]
    tasks = [(fold, index) for fold in range(len(splits)) for index in range(n_penalties)]
    jobs = (
        delayed(_path_losses)(
            X,
            y,
            sample_weight,
            *splits[fold],
            datafit,
            penalties[index],
            alphas[index],
            fit_intercept,
            loss,
            options,
        )
        for fold, index in tasks
    )
    losses = np.empty((n_penalties, n_alphas, len(splits)))
    n_nonzero = np.empty_like(losses)
    total = len(tasks) * n_alphas
    for done, ((fold, index), result) in enumerate(
        zip(tasks, Parallel(n_jobs=n_jobs, return_as="generator")(jobs), strict=True),
        start=1,
    ):
        losses[index, :, fold], n_nonzero[index, :, fold] = result
        if verbose:
            logger.info(
                "cross-validation [%s] %d/%d path points (fold %d/%d)",
                _progress_bar(done * n_alphas, total),
                done * n_alphas,
                total,
                fold + 1,
                len(splits),
            )
    return losses, n_nonzero


def _check_splits(splits, y, sample_weight, classifier, owner):
    """Every fold must be fittable and scorable: weight on both sides, two training classes."""
    for fold, (train, test) in enumerate(splits):
        if sample_weight is not None:
            for side, rows in (("training", train), ("test", test)):
                if not np.sum(sample_weight[rows]) > 0:
                    raise ValueError(
                        f"{owner}: the {side} rows of fold {fold} all have sample_weight 0, so "
                        "the fold cannot be fitted and scored; use fewer folds or shuffle "
                        "(e.g. cv=KFold(3, shuffle=True, random_state=0))."
                    )
        if classifier and np.unique(y[train]).shape[0] < 2:
            raise ValueError(
                f"{owner}: the training rows of fold {fold} hold one class only; a classifier "
                "needs both classes in every training fold. Use fewer folds (cv=2) or more "
                "samples of the rarer class."
            )


def one_standard_error(alphas, mean, standard_error):
    r"""The largest ``alpha`` whose mean CV loss is within one standard error of the minimum.

    With :math:`k^\star = \operatorname{argmin}_k m_k` this is
    :math:`\max\{\alpha_k : m_k \le m_{k^\star} + \mathrm{se}_{k^\star}\}` (Hastie, Tibshirani
    and Friedman, ESL 7.10; glmnet's ``lambda.1se``), the sparsest model statistically
    indistinguishable from the best.  ``standard_error`` is the standard deviation over folds
    (``ddof=1``) divided by :math:`\sqrt{K}`.

    Returns
    -------
    alpha_1se : float
    index : int
    """
    alphas = np.asarray(alphas, dtype=np.float64)
    mean = np.asarray(mean, dtype=np.float64)
    best = int(np.argmin(mean))
    within = np.flatnonzero(mean <= mean[best] + standard_error[best])
    index = int(within[np.argmax(alphas[within])])
    return float(alphas[index]), index


# ----------------------------------------------------------------------------------------------
# information criteria
# ----------------------------------------------------------------------------------------------


def degrees_of_freedom(X, coef, alpha, l1_ratio=1.0, *, fit_intercept=True):
    r"""Degrees of freedom of a Lasso / Elastic-Net / ridge fit.

    With :math:`A = \{j : w_j \ne 0\}` and :math:`X` centred when an intercept is fitted,

    .. math:: \mathrm{df} = \operatorname{tr}\big(X_A (X_A^\top X_A + n \alpha (1 - r) I)^{-1}
        X_A^\top\big)

    (Zou, Hastie and Tibshirani 2007; Tibshirani and Taylor 2012): ``|A|`` for the Lasso
    (``r = 1``), the ridge trace formula for ``r = 0`` (``A`` = every feature).  The intercept
    is not counted (scikit-learn's ``LassoLarsIC`` convention).
    """
    active = np.flatnonzero(coef)
    if active.size == 0:
        return 0.0
    if l1_ratio == 1.0:
        return float(active.size)
    X_active = X[:, active]
    X_active = X_active.toarray() if sp.issparse(X_active) else np.asarray(X_active, float)
    if fit_intercept:
        X_active = X_active - X_active.mean(axis=0)
    n_samples = X.shape[0]
    singular = np.linalg.svd(X_active, compute_uv=False)
    ridge = n_samples * alpha * (1.0 - l1_ratio)
    return float(np.sum(singular**2 / (singular**2 + ridge)))


def information_criterion(
    rss, df, n_samples, noise_variance, criterion="bic", *, n_features=None, gamma=1.0
):
    r"""AIC, BIC or extended BIC of Gaussian fits with residual sums of squares ``rss``.

    .. math::
        n \log(2\pi\sigma^2) + \frac{\mathrm{RSS}}{\sigma^2} + c\,\mathrm{df}
        \;[+\, 2\gamma \log\tbinom{p}{\mathrm{df}}]

    with :math:`c = 2` (AIC) or :math:`\log n` (BIC, EBIC); the bracket is the extended BIC's
    term (Chen and Chen 2008) for ``p > n``, with the binomial coefficient taken at the
    rounded ``df`` through ``lgamma``.  AIC and BIC are scikit-learn's ``LassoLarsIC``
    ``criterion_`` exactly.
    """
    rss = np.asarray(rss, dtype=np.float64)
    df = np.asarray(df, dtype=np.float64)
    factor = 2.0 if criterion == "aic" else math.log(n_samples)
    value = n_samples * math.log(2 * math.pi * noise_variance) + rss / noise_variance
    value = value + factor * df
    if criterion == "ebic":
        k = np.round(df)
        log_binomial = np.array(
            [
                math.lgamma(n_features + 1) - math.lgamma(j + 1) - math.lgamma(n_features - j + 1)
                for j in k
            ]
        )
        value = value + 2.0 * gamma * log_binomial
    return value


# ----------------------------------------------------------------------------------------------
# stability selection
# ----------------------------------------------------------------------------------------------


@dataclass
class StabilityPath:
    r"""Complementary-pairs stability selection along a path (Shah and Samworth 2013).

    Attributes
    ----------
    alphas : ndarray of shape (n_alphas,)
    probabilities : ndarray of shape (n_features, n_alphas)
        :math:`\hat\Pi_j(\alpha)`: the fraction of the :math:`2B` half-sample fits selecting
        ``j`` at ``alpha``.
    max_probabilities : ndarray of shape (n_features,)
        :math:`\max_\alpha \hat\Pi_j(\alpha)`.
    selected : ndarray of int
        :math:`\{j : \max_\alpha \hat\Pi_j(\alpha) \ge \tau\}`.
    threshold : float
        :math:`\tau \in (1/2, 1]`.
    q : float
        Average number of features a half-sample fit selects over the whole path (the union
        along the grid).
    error_bound : float
        :math:`\mathbb E|\hat S \cap N| \le q^2 / ((2\tau - 1) p)`: the expected number of
        selected noise variables (Meinshausen and Bühlmann's bound, which Shah and Samworth
        prove for complementary pairs without their exchangeability condition's strength).
    """

    alphas: np.ndarray
    probabilities: np.ndarray
    max_probabilities: np.ndarray
    selected: np.ndarray
    threshold: float
    q: float
    error_bound: float

    def select(self, threshold):
        """``(selected, error_bound)`` for another threshold ``tau`` in (1/2, 1]."""
        _check_threshold(threshold)
        selected = np.flatnonzero(self.max_probabilities >= threshold)
        n_features = self.max_probabilities.shape[0]
        return selected, self.q**2 / ((2 * threshold - 1) * n_features)


def _check_threshold(threshold):
    from lpreg._validation import check_real_scalar

    return check_real_scalar(
        threshold,
        "threshold",
        "stability_selection",
        low=0.5,
        low_inclusive=False,
        high=1.0,
        hint="The error bound q^2 / ((2 tau - 1) p) needs tau > 1/2.",
    )


def stability_selection(
    X,
    y,
    *,
    datafit=None,
    penalty=None,
    alphas=None,
    n_alphas=20,
    eps=0.05,
    n_pairs=50,
    threshold=0.6,
    fit_intercept=True,
    random_state=None,
    n_jobs=None,
    **options,
):
    r"""Complementary-pairs stability selection along a regularization path.

    ``n_pairs`` times, the samples are split into two disjoint halves of size
    :math:`\lfloor n/2 \rfloor`; the path of :math:`\min F(w,b) + G_\alpha(w)` is fitted on
    each half, on one grid (``alphas``, or ``n_alphas`` points from the full data's
    ``alpha_max`` down to ``eps * alpha_max``).  ``probabilities[j, k]`` is the fraction of the
    :math:`2B` fits with :math:`w_j \ne 0` at :math:`\alpha_k`; features whose largest
    probability reaches ``threshold`` are selected, with the bound on the expected number of
    false selections in :class:`StabilityPath`.

    Returns
    -------
    StabilityPath
    """
    from joblib import Parallel, delayed

    from lpreg.datafits import Quadratic
    from lpreg.datafits.base import normalized_sample_weight
    from lpreg.path import _alpha_max, _check_xy, alpha_grid, regularization_path
    from lpreg.penalties import L1

    threshold = _check_threshold(threshold)
    datafit = Quadratic() if datafit is None else datafit
    penalty = L1(1.0) if penalty is None else penalty
    X, y = _check_xy(X, y, "stability_selection")
    n_samples, n_features = X.shape
    if alphas is None:
        c = normalized_sample_weight(None, n_samples)
        top = _alpha_max(X, y, datafit, penalty, c, fit_intercept)[0]
        alphas = alpha_grid(top, eps=eps, n_alphas=n_alphas, owner="stability_selection")
    alphas = np.sort(np.asarray(alphas, dtype=np.float64))[::-1]
    rng = np.random.default_rng(random_state)
    half = n_samples // 2
    halves = []
    for _ in range(int(n_pairs)):
        order = rng.permutation(n_samples)
        halves += [np.sort(order[:half]), np.sort(order[half : 2 * half])]

    def fit(rows):
        path = regularization_path(
            X[rows],
            y[rows],
            datafit=datafit,
            penalty=penalty,
            alphas=alphas,
            fit_intercept=fit_intercept,
            **options,
        )
        return path.coefs != 0

    masks = Parallel(n_jobs=n_jobs, prefer="threads")(delayed(fit)(rows) for rows in halves)
    masks = np.stack(masks)
    probabilities = masks.mean(axis=0)
    q = float(np.mean(masks.any(axis=2).sum(axis=1)))
    max_probabilities = probabilities.max(axis=1)
    selected = np.flatnonzero(max_probabilities >= threshold)
    return StabilityPath(
        alphas=alphas,
        probabilities=probabilities,
        max_probabilities=max_probabilities,
        selected=selected,
        threshold=threshold,
        q=q,
        error_bound=q**2 / ((2 * threshold - 1) * n_features),
    )


def grouping_diagnostic(X, y, groups, *, l1_ratio=0.5, **kwargs):
    r"""How L1 and Elastic Net spread selection over groups of correlated features.

    Runs :func:`stability_selection` with ``L1`` and with ``ElasticNet(l1_ratio)`` on the same
    splits (same ``random_state``) and, for each group (a list of column indices), reports the
    number of members selected and the members' largest selection probabilities.  L1 tends to
    pick one member of a strongly correlated group; Elastic Net keeps the group (Zou and Hastie
    2005, grouping effect).

    Returns
    -------
    dict
        ``{"l1": [...], "elastic_net": [...]}``, one dict per group with ``members``,
        ``n_selected`` and ``max_probabilities``.
    """
    from lpreg.penalties import L1, ElasticNet

    report = {}
    for name, penalty in (("l1", L1(1.0)), ("elastic_net", ElasticNet(1.0, l1_ratio))):
        result = stability_selection(X, y, penalty=penalty, **kwargs)
        rows = []
        for members in groups:
            members = np.asarray(members)
            rows.append(
                {
                    "members": members,
                    "n_selected": int(np.isin(members, result.selected).sum()),
                    "max_probabilities": result.max_probabilities[members],
                }
            )
        report[name] = rows
    return report
