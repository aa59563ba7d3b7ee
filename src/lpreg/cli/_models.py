"""The per-model work of ``lpreg compare``: estimators, alpha grids, the CV and refit tasks.

Each task is a plain function of picklable arguments, run in the calling process or in a
joblib worker process (:func:`run_tasks`); see :mod:`lpreg.cli._compare` for the procedure.
"""

from __future__ import annotations

import re
import time
import warnings

from lpreg.cli._data import binary_problems, certificate
from lpreg.cli._selection import jaccard, selected_features

N_FOLDS = 5
N_ALPHAS = 20
N_ALPHAS_LARGE = 10  # when n_train * n_features > LARGE_DESIGN
LARGE_DESIGN = 1_000_000
GRID_RATIO = 1e-3
L2_GRID_RATIO = 1e-5  # the ridge optimum is often far below the scale of alpha_max(L2)
TOL = 1e-6
L1_RATIO = 0.5  # Elastic Net's l1_ratio and Lp's p without CV (--alphas RATIO)
P = 0.5
L1_RATIOS = (0.1, 0.5, 0.9)  # tuned jointly with alpha by CV
PS = (0.5, 0.75, 1.5)
L2_SCALE = 10.0
N_BOOTSTRAP = 20
CV_TOL = 1e-10  # relative certificate of each CV path point (validation losses to ~1e-7)
# on large designs: on we8there 1e-8 picks the same points with the same validation losses
# to 8 digits as 1e-10, for 25% less CPU (diabetes' Lp p=1.5 curve moves by 1.5e-5)
CV_TOL_LARGE = 1e-8
CV_MAX_ITER = 200  # solver iterations per path point in CV (Lp with p < 1 may need more)

# (label, LogisticRegression penalty name) in the order the table shows them
MODELS = (("L1", "l1"), ("L2", "l2"), ("Elastic Net", "elasticnet"), ("Lp", "lp"))


def model_penalty(name, alpha, value):
    """The lpreg penalty of a model: ``value`` is its l1_ratio (Elastic Net) or p (Lp)."""
    import lpreg

    if name == "l1":
        return lpreg.L1(alpha)
    if name == "l2":
        return lpreg.L2(alpha)
    if name == "elasticnet":
        return lpreg.penalties.ElasticNet(alpha, l1_ratio=value)
    return lpreg.Lp(alpha, p=value)


def make_estimator(penalty, task, alpha, value=None, n_train=None):
    """The estimator ``lpreg compare`` fits for ``penalty`` in {"l1", "l2", "elasticnet", "lp"}.

    ``alpha`` is in the penalty's units (against the *mean* datafit); ``value`` is the
    ``l1_ratio`` (Elastic Net) or ``p`` (Lp).  Ridge's ``alpha`` is ``n_train * alpha``
    (scikit-learn's units, against the sum of squared residuals).
    """
    import lpreg

    l1_ratio = value if penalty == "elasticnet" else L1_RATIO
    p = value if penalty == "lp" else P
    if task == "classification":
        # one-vs-rest: the CV above runs one binary path per class (binary_problems)
        return lpreg.LogisticRegression(
            penalty=penalty, alpha=alpha, l1_ratio=l1_ratio, p=p, tol=TOL, multi_class="ovr"
        )
    if penalty == "l1":
        return lpreg.Lasso(alpha=alpha, tol=TOL)
    if penalty == "l2":
        return lpreg.Ridge(alpha=alpha * n_train, tol=TOL)
    if penalty == "elasticnet":
        return lpreg.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=TOL)
    return lpreg.LpRegression(alpha=alpha, p=p, tol=TOL)


def alpha_scale(X, y, task, penalty, value=None):
    r"""The top of a model's alpha grid, in the penalty's units (against the mean datafit).

    ``X`` is the standardised training design; intercepts are fitted.  With :math:`g_j` the
    gradient of the datafit at :math:`w = 0` (intercept at its optimum), :math:`L_j` its
    coordinate Lipschitz constants and :math:`x_j = |g_j| / L_j` the coordinate step from
    ``w = 0``, maximised over the one-vs-rest problems:

    * ``l1``: :math:`\alpha_{\max} = \max_j |g_j|`, the smallest alpha giving ``w = 0``;
    * ``elasticnet`` with ``l1_ratio = r``: :math:`\alpha_{\max} / r`, likewise exact;
    * ``lp`` with ``p < 1``: ``w = 0`` is a local minimiser for every alpha; the scale is the
      smallest alpha at which a coordinate step from ``w = 0`` leaves every coordinate at 0,
      i.e. :math:`x_j \le \tau(\alpha / L_j)` with the prox threshold
      :math:`\tau(\lambda) = \frac{2-p}{2(1-p)} (2\lambda(1-p))^{1/(2-p)}`:
      :math:`\max_j \frac{L_j}{2(1-p)} \big(\frac{2(1-p)}{2-p} x_j\big)^{2-p}`;
      ``p = 1`` is ``l1``;
    * ``lp`` with ``p > 1``: no alpha gives ``w = 0``; the scale is the smallest alpha at which
      the coordinate step from ``w = 0`` shrinks every coordinate at least 11-fold,
      :math:`\max_j \frac{10}{11} L_j x_j / (p (x_j / 11)^{p-1})`;
    * ``l2``: ``10 * L`` with ``L`` the largest eigenvalue of the datafit's Hessian bound
      (``X' X / n`` for least squares): every direction is shrunk at least 11-fold.
    """
    import numpy as np

    top = 0.0
    for datafit, target in binary_problems(y, task):
        if penalty == "l2":
            top = max(top, L2_SCALE * datafit.global_lipschitz(X))
            continue
        gradient = np.abs(datafit.gradient_at_zero(X, target, fit_intercept=True))
        lipschitz = datafit.lipschitz_constants(X)
        moving = (lipschitz > 0) & (gradient > 0)
        g, lips = gradient[moving], lipschitz[moving]
        if penalty == "l1" or (penalty == "lp" and value == 1.0):
            scale = g.max(initial=0.0)
        elif penalty == "elasticnet":
            scale = g.max(initial=0.0) / value
        elif value < 1.0:
            ratio = 2.0 * (1.0 - value) / (2.0 - value) * g / lips
            scale = (lips / (2.0 * (1.0 - value)) * ratio ** (2.0 - value)).max(initial=0.0)
        else:
            x = g / lips
            scale = (10.0 / 11.0 * lips * x / (value * (x / 11.0) ** (value - 1.0))).max(
                initial=0.0
            )
        top = max(top, float(scale))
    return top


def alpha_scales(X, y, task):
    """``{penalty: alpha_scale}`` at the default ``l1_ratio`` and ``p`` (see :func:`alpha_scale`).

    Ridge's entry is in its own units (``n_train`` times the penalty's, regression only).
    """
    scales = {
        "l1": alpha_scale(X, y, task, "l1"),
        "l2": alpha_scale(X, y, task, "l2"),
        "elasticnet": alpha_scale(X, y, task, "elasticnet", L1_RATIO),
        "lp": alpha_scale(X, y, task, "lp", P),
    }
    if task == "regression":
        scales["l2"] *= X.shape[0]
    return scales


def grid_ratio(penalty, value):
    return L2_GRID_RATIO if penalty == "l2" or (penalty == "lp" and value > 1.0) else GRID_RATIO


def cv_tol(n_train, n_features):
    """The CV paths' tol: ``CV_TOL``, or ``CV_TOL_LARGE`` when ``n_train * n_features``
    exceeds ``LARGE_DESIGN`` (where the grid also has ``N_ALPHAS_LARGE`` alphas)."""
    return CV_TOL if n_train * n_features <= LARGE_DESIGN else CV_TOL_LARGE


def cv_task(X, y, task, penalty, values, grids, splits, step=None, label=""):
    """Validation losses of ``penalty`` at ``values`` x ``grids`` rows, one column per fold.

    Returns ``(losses of shape (n_values, n_alphas, n_folds), seconds, points that missed
    tol)``; for classification the loss is summed over the one-vs-rest problems.
    """
    import numpy as np

    from lpreg.model_selection import cross_validate_path, log_loss, squared_error

    loss = log_loss if task == "classification" else squared_error
    penalties = [model_penalty(penalty, 1.0, value) for value in values]
    start = time.perf_counter()
    fold_losses, not_converged = [], 0
    for fold, split in enumerate(splits):
        total = 0.0
        for datafit, target in binary_problems(y, task):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                losses, _ = cross_validate_path(
                    X,
                    target,
                    datafit=datafit,
                    penalties=penalties,
                    alphas=grids,
                    cv=[split],
                    fit_intercept=True,
                    loss=loss,
                    classifier=task == "classification",
                    tol=cv_tol(*X.shape),
                    max_iter=CV_MAX_ITER,
                )
            for caught_warning in caught:
                missed = re.search(r"(\d+) of \d+ points missed tol", str(caught_warning.message))
                not_converged += int(missed.group(1)) if missed else 0
            total = total + losses[..., 0]
        fold_losses.append(total)
        if step is not None:
            step(f"CV {label}, fold {fold + 1}/{len(splits)}")
    return np.stack(fold_losses, axis=-1), time.perf_counter() - start, not_converged


def refit_task(
    data, task, penalty, alpha, value, resamples, path_grid, warm_up, step=None, label=""
):
    """Fit at the chosen point, score on the test rows, refit on the bootstrap resamples and,
    when ``path_grid`` is given, the path over it (first one-vs-rest problem)."""
    import numpy as np
    from sklearn.exceptions import ConvergenceWarning

    X_train, y_train, X_test, y_test = data
    n_train = X_train.shape[0]
    model = make_estimator(penalty, task, alpha, value, n_train)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if warm_up:  # compile the solver's loops first: time the fit, not numba
            make_estimator(penalty, task, alpha, value, n_train).fit(X_train, y_train)
        start = time.perf_counter()
        model.fit(X_train, y_train)
        fit_time = time.perf_counter() - start
    if step is not None:
        step(f"fit {label}")
    selected = selected_features(model.coef_)
    stability = []
    for b, rows in enumerate(resamples):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            refit = make_estimator(penalty, task, alpha, value, n_train)
            refit.fit(X_train[rows], y_train[rows])
        stability.append(jaccard(selected_features(refit.coef_), selected))
        if step is not None:
            step(f"bootstrap {label}, {b + 1}/{len(resamples)}")
    if task == "regression":
        prediction = model.predict(X_test)
        test_error = {"test_mse": float(np.mean((y_test - prediction) ** 2))}
    else:
        from sklearn.metrics import log_loss

        probabilities = model.predict_proba(X_test)
        test_error = {
            "test_log_loss": float(log_loss(y_test, probabilities, labels=model.classes_))
        }
    kind, value_reached = certificate(model)
    fit = {
        "estimator": type(model).__name__,
        "params": model.get_params(),
        "alpha": float(model.alpha),
        "train_score": float(model.score(X_train, y_train)),
        "test_score": float(model.score(X_test, y_test)),
        **test_error,
        "stability": float(np.mean(stability)) if stability else None,
        "stability_jaccard": stability,
        "fit_time": fit_time,
        "certificate": kind,
        "certificate_value": value_reached,
        "converged": bool(np.all(model.converged_)),
        "solver": model.solver_,
        "coef": np.asarray(model.coef_),
        "intercept": np.asarray(model.intercept_).tolist(),
    }
    path = None
    if path_grid is not None:
        from lpreg.path import regularization_path

        datafit, target = binary_problems(y_train, task)[0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            path = regularization_path(
                X_train,
                target,
                datafit=datafit,
                penalty=model_penalty(penalty, 1.0, value),
                alphas=path_grid,
                fit_intercept=True,
                tol=TOL,
                max_iter=CV_MAX_ITER,
            )
        if step is not None:
            step(f"path {label}")
    return fit, path


def _call(index, function, args):
    return index, function(*args)


def run_tasks(function, tasks, n_jobs, done):
    """``done(index, result)`` for each ``function(*task)``: in this process when
    ``n_jobs == 1``, else in ``n_jobs`` joblib worker processes (as each task completes)."""
    if n_jobs == 1:
        for index, args in enumerate(tasks):
            done(index, function(*args))
        return
    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=n_jobs, batch_size=1, return_as="generator_unordered")
    for index, result in parallel(
        delayed(_call)(index, function, args) for index, args in enumerate(tasks)
    ):
        done(index, result)


def cv_value_groups(penalty):
    """The grid values whose CV paths share compiled loops (one CV task each)."""
    if penalty == "elasticnet":
        return [L1_RATIOS]
    if penalty == "lp":
        below = tuple(p for p in PS if p <= 1.0)
        above = tuple(p for p in PS if p > 1.0)
        return [group for group in (below, above) if group]
    return [(None,)]


def cv_cost(penalty, values):
    """Sort key of the CV tasks for the workers, the most expensive first.

    CPU seconds of the tasks on we8there with empty numba caches (compilation included, one
    process, a loaded 2-core machine): Lp with ``p < 1`` 18.7 (coordinate descent compiled
    twice, for Lp and for its L1 start), Lp with ``p > 1`` 14.3 (proximal Newton), Elastic
    Net 9.3, L1 6.8, L2 5.6.
    """
    if penalty == "lp":
        return 0 if values[0] < 1.0 else 1
    return {"elasticnet": 2, "l1": 3, "l2": 4}[penalty]
