"""The ``lpreg`` command.

``lpreg compare`` tunes and fits L1 (:class:`lpreg.Lasso`), L2 (:class:`lpreg.Ridge`), Elastic
Net (:class:`lpreg.ElasticNet`) and Lp (:class:`lpreg.LpRegression`) — or, for a classification
target, :class:`lpreg.LogisticRegression` with the same four penalties (one-vs-rest) — on a
train/test split of built-in or user data, prints one table (see :func:`table_notes` for the
exact definition of each column) and, with ``--report FILE.html``, writes a self-contained HTML
report (:mod:`lpreg.report`).

How the numbers are made (the JSON output, ``--format json``, records every input needed to
redo them with direct estimator calls):

1. ``train_test_split(X, y, test_size, random_state)`` (stratified for classification).
2. ``StandardScaler`` fitted on the training rows (``with_mean=False`` for sparse ``X``).
3. With ``--alphas cv`` (the default), 5-fold cross-validation on the standardised training
   rows (``KFold`` shuffled with ``random_state``; ``StratifiedKFold`` for classification):
   one warm-started :func:`lpreg.model_selection.cross_validate_path` path per fold (relative
   certificate ``CV_TOL = 1e-10``, at most ``CV_MAX_ITER = 200`` iterations per point; 10
   alphas instead of 20 when ``n_train * n_features > 1e6``) over 20 alphas ``alpha_scale *
   geomspace(1, 1e-3, 20)`` (``1e-5`` for L2 and ``p > 1``; see :func:`alpha_scale`), for
   every ``l1_ratio`` in ``L1_RATIOS`` (Elastic Net) and ``p`` in ``PS`` (Lp); the point of
   smallest mean validation loss wins (mean squared error; for classification the log-loss
   summed over the one-vs-rest problems; ties go to the larger alpha, then the first grid
   value).  ``--alphas RATIO`` skips the CV and uses ``RATIO *
   alpha_scale`` with ``l1_ratio = p = 0.5``.
4. The estimator refitted at that point on all training rows (timed; with ``--alphas RATIO``
   after one warm-up fit, so that numba's compilation is not counted); held-out error and
   score on the test rows.
5. Stability: the same estimator refitted on ``--bootstrap`` resamples of the training rows
   (:func:`bootstrap_rows`), the mean :func:`jaccard` index of each selected set with the
   full one.  Correlated groups: the data's known groups, else :func:`correlated_groups`.

``lpreg demo`` fits L1, Elastic Net, L2 and Lp (p = 0.5) penalised least squares on
scikit-learn's built-in diabetes data with :func:`lpreg.solve` and prints, per penalty, the
non-zeros, the training R^2, the objective and the certificate the solver stopped on.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import textwrap
import time
import warnings

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
MAX_CLASSES_AUTO = 10
N_BOOTSTRAP = 20
CV_TOL = 1e-10  # relative certificate of each CV path point (validation losses to ~1e-7)
CV_MAX_ITER = 200  # solver iterations per path point in CV (Lp with p < 1 may need more)
CORRELATION = 0.8
MAX_CORRELATION_FEATURES = 5000

# (label, LogisticRegression penalty name) in the order the table shows them
MODELS = (("L1", "l1"), ("L2", "l2"), ("Elastic Net", "elasticnet"), ("Lp", "lp"))


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line: ``lpreg: error: ...``, exit code 2."""

    def error(self, message):
        print(f"lpreg: error: {message} (see `{self.prog} --help`)", file=sys.stderr)
        sys.exit(2)


def _demo(args):
    import numpy as np
    from sklearn.datasets import load_diabetes

    import lpreg
    from lpreg.solvers import solve

    data = load_diabetes()
    X = data.data
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = data.target
    names = data.feature_names
    datafit = lpreg.Quadratic()
    alpha_max = lpreg.L1(1.0).alpha_max(X, y, datafit, fit_intercept=True)
    alpha = args.alpha_ratio * alpha_max
    penalties = [
        ("L1", lpreg.L1(alpha)),
        ("ElasticNet(l1_ratio=0.5)", lpreg.penalties.ElasticNet(alpha, l1_ratio=0.5)),
        ("L2", lpreg.L2(alpha)),
    ]
    if hasattr(lpreg, "Lp"):
        penalties.append(("Lp(p=0.5)", lpreg.Lp(alpha, p=0.5)))
    print(
        f"diabetes: {X.shape[0]} samples x {X.shape[1]} standardised features; "
        f"objective (1/2n)||y - Xw - b||^2 + G(w), alpha = {args.alpha_ratio:g} x "
        f"alpha_max(L1) = {alpha:.4g}\n"
    )
    header = f"{'penalty':<26}{'non-zeros':>10}{'train R2':>10}{'objective':>12}"
    header += f"{'certificate':>28}{'solver':>20}{'time [s]':>10}"
    print(header)
    print("-" * len(header))
    for label, penalty in penalties:
        start = time.perf_counter()
        result = solve(X, y, datafit, penalty, fit_intercept=True, tol=1e-8)
        elapsed = time.perf_counter() - start
        prediction = X @ result.coef + result.intercept
        r2 = 1.0 - np.sum((y - prediction) ** 2) / np.sum((y - y.mean()) ** 2)
        certificate = f"{result.certificate.replace('_', ' ')} {result.value:.1e}"
        print(
            f"{label:<26}{np.count_nonzero(result.coef):>10d}{r2:>10.4f}"
            f"{result.objective:>12.3f}{certificate:>28}{result.solver:>20}{elapsed:>10.3f}"
        )
    lasso = solve(X, y, datafit, lpreg.L1(alpha), fit_intercept=True, tol=1e-8)
    kept = [name for name, coef in zip(names, lasso.coef, strict=True) if coef != 0]
    print("\nL1 keeps these features:", ", ".join(kept))
    print("(times include numba compilation on the first run of each solver loop)")
    return 0


# ---- lpreg compare ------------------------------------------------------------------------
def _penalty(name, alpha, value):
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
        # one-vs-rest: the CV above runs one binary path per class (_binary_problems)
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


def _binary_problems(y, task):
    """The (datafit, target) pairs the estimators solve: one, or one per class (one-vs-rest)."""
    import numpy as np

    import lpreg

    if task == "regression":
        return [(lpreg.Quadratic(), np.asarray(y, dtype=np.float64))]
    classes = np.unique(y)
    positives = classes[1:] if classes.shape[0] == 2 else classes
    return [(lpreg.Logistic(), np.where(y == c, 1.0, -1.0)) for c in positives]


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
    for datafit, target in _binary_problems(y, task):
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


def _grid_ratio(penalty, value):
    return L2_GRID_RATIO if penalty == "l2" or (penalty == "lp" and value > 1.0) else GRID_RATIO


def _certificate(model):
    import numpy as np

    gap = model.dual_gap_
    gap = None if gap is None else np.asarray(gap, dtype=np.float64)
    if gap is not None and np.all(np.isfinite(gap)):
        return "duality gap", float(np.max(gap))
    return "KKT violation", float(np.max(model.kkt_violation_))


class _Progress:
    """A one-line progress bar on stderr: ``lpreg compare [#####.....] 12/40 what``."""

    def __init__(self, total, enabled, stream=None):
        self.total, self.done, self.enabled = max(int(total), 1), 0, enabled
        self.stream = sys.stderr if stream is None else stream
        self.started = time.perf_counter()

    def step(self, what, n=1):
        self.done += n
        if not self.enabled:
            return
        filled = int(30 * min(self.done, self.total) / self.total)
        elapsed = time.perf_counter() - self.started
        line = (
            f"\rlpreg compare [{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total} "
            f"{elapsed:5.1f} s  {what}"
        )
        self.stream.write(f"{line:<110.110}")
        self.stream.flush()

    def close(self):
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def _selected(coef):
    """Indices of the features with a non-zero coefficient (in any one-vs-rest row)."""
    import numpy as np

    coef = np.atleast_2d(np.asarray(coef))
    return np.flatnonzero(np.any(coef != 0, axis=0))


def jaccard(a, b):
    """``|a & b| / |a | b|`` of two index sets; 1 when both are empty."""
    a, b = set(map(int, a)), set(map(int, b))
    return 1.0 if not (a or b) else len(a & b) / len(a | b)


def bootstrap_rows(y_train, task, n_bootstrap, random_state):
    """The ``n_bootstrap`` resamples of the training rows ``lpreg compare`` refits on.

    ``numpy.random.default_rng(random_state)``; per resample, ``rng.integers(0, n, n)``
    (regression) or, per class in sorted order, ``rng.choice(rows_of_class, size, replace=True)``
    concatenated and sorted (classification: every class keeps its count).
    """
    import numpy as np

    rng = np.random.default_rng(random_state)
    n = y_train.shape[0]
    resamples = []
    for _ in range(n_bootstrap):
        if task == "regression":
            resamples.append(rng.integers(0, n, n))
        else:
            rows = [
                rng.choice(np.flatnonzero(y_train == c), size=int(np.sum(y_train == c)))
                for c in np.unique(y_train)
            ]
            resamples.append(np.sort(np.concatenate(rows)))
    return resamples


def correlated_groups(X, threshold=CORRELATION):
    """Groups of >= 2 features linked by chains of ``|corr| >= threshold`` (training rows).

    The connected components of the graph with an edge between columns ``j != k`` when their
    Pearson correlation is at least ``threshold`` in absolute value; constant columns have no
    edge.  ``X`` dense or sparse; returns a list of sorted index lists, largest group first.
    """
    import numpy as np
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    n = X.shape[0]
    if sp.issparse(X):
        mean = np.asarray(X.mean(axis=0)).ravel()
        covariance = np.asarray((X.T @ X).todense()) / n - np.outer(mean, mean)
    else:
        centred = X - X.mean(axis=0)
        covariance = centred.T @ centred / n
    std = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
    scale = np.where(std > 0, std, np.inf)
    correlation = covariance / scale[:, None] / scale[None, :]
    adjacency = np.abs(correlation) >= threshold
    np.fill_diagonal(adjacency, False)
    n_components, labels = connected_components(sp.csr_matrix(adjacency), directed=False)
    groups = [np.flatnonzero(labels == k) for k in range(n_components)]
    groups = [g.tolist() for g in groups if g.shape[0] >= 2]
    return sorted(groups, key=lambda g: (-len(g), g[0]))


def _cross_validate(X, y, task, penalty, values, alphas, splits, progress, label):
    """Mean and standard error of the CV loss, shape (n_values, n_alphas), and CV time."""
    import numpy as np

    from lpreg.model_selection import cross_validate_path, log_loss, squared_error

    loss = log_loss if task == "classification" else squared_error
    penalties = [_penalty(penalty, 1.0, value) for value in values]
    start = time.perf_counter()
    fold_losses, not_converged = [], 0
    for fold, split in enumerate(splits):
        total = 0.0
        for datafit, target in _binary_problems(y, task):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                losses, _ = cross_validate_path(
                    X,
                    target,
                    datafit=datafit,
                    penalties=penalties,
                    alphas=alphas,
                    cv=[split],
                    fit_intercept=True,
                    loss=loss,
                    classifier=task == "classification",
                    tol=CV_TOL,
                    max_iter=CV_MAX_ITER,
                )
            for caught_warning in caught:
                missed = re.search(r"(\d+) of \d+ points missed tol", str(caught_warning.message))
                not_converged += int(missed.group(1)) if missed else 0
            total = total + losses[..., 0]
        fold_losses.append(total)
        progress.step(f"CV {label}, fold {fold + 1}/{len(splits)}")
    fold_losses = np.stack(fold_losses, axis=-1)
    mean = fold_losses.mean(axis=-1)
    se = fold_losses.std(axis=-1, ddof=1) / math.sqrt(len(splits))
    return mean, se, time.perf_counter() - start, not_converged


def _check_rows(dataset, y, task, test_size):
    import numpy as np

    n_rows = y.shape[0]
    need_train = 2 * N_FOLDS

    def sizes(n):
        n_test = math.ceil(test_size * n)
        return n - n_test, n_test

    needed = next(n for n in range(2, 10_000) if sizes(n)[0] >= need_train and sizes(n)[1] >= 2)
    if n_rows < needed:
        raise ValueError(
            f"lpreg compare: {dataset.name} has {n_rows} rows; with --test-size {test_size:g} "
            f"and {N_FOLDS}-fold cross-validation on the training rows it needs at least "
            f"{needed}."
        )
    if task == "classification":
        classes, counts = np.unique(y, return_counts=True)
        if classes.shape[0] < 2:
            raise ValueError(
                f"lpreg compare: target {dataset.target_name!r} of {dataset.name} has a single "
                f"class ({classes[0]!r}); classification needs at least 2."
            )
        need_class = math.ceil(N_FOLDS / (1.0 - test_size)) + 1
        if counts.min() < need_class:
            k = int(np.argmin(counts))
            raise ValueError(
                f"lpreg compare: class {classes[k].item()!r} of target {dataset.target_name!r} "
                f"in {dataset.name} has {int(counts[k])} rows; with --test-size {test_size:g} "
                f"and stratified {N_FOLDS}-fold cross-validation each class needs at least "
                f"{need_class} (is the target really a class label? pass --task regression)."
            )


def _resolve_task(y, requested, dataset):
    import numpy as np

    kind = y.dtype.kind
    if requested == "regression":
        if kind not in "fiub":
            raise ValueError(
                f"lpreg compare: --task regression needs a numeric target, but "
                f"{dataset.target_name!r} of {dataset.name} holds text (e.g. {y[0]!r})."
            )
        return "regression"
    if requested == "classification":
        if kind == "f" and not np.all(y == np.round(y)):
            raise ValueError(
                f"lpreg compare: --task classification needs class labels, but target "
                f"{dataset.target_name!r} of {dataset.name} holds non-integer numbers; use "
                "--task regression."
            )
        return "classification"
    if kind in "USOb":
        return "classification"
    if kind in "iu" and np.unique(y).shape[0] <= MAX_CLASSES_AUTO:
        return "classification"
    return "regression"


def _parse_alphas(text):
    if text == "cv":
        return "cv"
    try:
        ratio = float(text)
    except ValueError:
        ratio = math.nan
    if not 0.0 < ratio <= 1.0:
        raise ValueError(
            f"lpreg compare: --alphas must be 'cv' or a ratio RATIO in (0, 1] (alpha = RATIO * "
            f"alpha_max per penalty), got {text!r}."
        )
    return ratio


def compare(
    dataset,
    *,
    task="auto",
    test_size=0.25,
    random_state=0,
    alphas="cv",
    n_bootstrap=N_BOOTSTRAP,
    progress=False,
    keep_paths=False,
):
    """Tune and fit the four penalties on a train/test split of ``dataset``; a JSON-ready dict.

    See the module docstring for the procedure.  ``alphas`` is ``"cv"`` or a ratio in
    ``(0, 1]``; ``n_bootstrap`` resamples of the training rows measure the stability of each
    selected set; ``progress`` draws a bar on stderr; ``keep_paths`` adds (under the key
    ``"_figures"``, not JSON) what :func:`lpreg.report.write_report` draws.
    """
    import numpy as np
    import scipy.sparse as sp
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.metrics import log_loss
    from sklearn.model_selection import KFold, StratifiedKFold, train_test_split
    from sklearn.preprocessing import StandardScaler

    if isinstance(test_size, bool) or not 0.0 < test_size < 1.0:
        raise ValueError(f"lpreg compare: --test-size must be in (0, 1), got {test_size!r}.")
    if not isinstance(random_state, int) or isinstance(random_state, bool) or random_state < 0:
        raise ValueError(
            f"lpreg compare: --random-state must be an integer >= 0, got {random_state!r}."
        )
    if not isinstance(n_bootstrap, int) or isinstance(n_bootstrap, bool) or n_bootstrap < 0:
        raise ValueError(
            f"lpreg compare: --bootstrap must be an integer >= 0 (0 skips the stability "
            f"column), got {n_bootstrap!r}."
        )
    alphas = _parse_alphas(alphas) if isinstance(alphas, str) else alphas
    y = np.asarray(dataset.y)
    task = _resolve_task(y, task, dataset)
    if task == "regression":
        y = y.astype(np.float64)
    _check_rows(dataset, y, task, test_size)
    X = dataset.X
    names = list(dataset.feature_names) or [f"x{j}" for j in range(X.shape[1])]
    stratify = y if task == "classification" else None
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=random_state, stratify=stratify
    )
    scaler = StandardScaler(with_mean=not sp.issparse(X)).fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    n_train = X_train.shape[0]
    n_alphas = N_ALPHAS if n_train * X.shape[1] <= LARGE_DESIGN else N_ALPHAS_LARGE
    if task == "classification":
        splitter = StratifiedKFold(N_FOLDS, shuffle=True, random_state=random_state)
    else:
        splitter = KFold(N_FOLDS, shuffle=True, random_state=random_state)
    splits = list(splitter.split(X_train, y_train))
    if dataset.groups:
        groups = [sorted(map(int, g)) for g in dataset.groups if len(g) >= 2]
        group_rule = "the data's known groups"
    elif X.shape[1] <= MAX_CORRELATION_FEATURES:
        groups = correlated_groups(X_train)
        group_rule = f"|corr| >= {CORRELATION:g} on the training rows (connected components)"
    else:
        groups = []
        group_rule = f"not computed: more than {MAX_CORRELATION_FEATURES} features"
    resamples = bootstrap_rows(y_train, task, n_bootstrap, random_state)
    cv = alphas == "cv"
    n_steps = len(MODELS) * (1 + n_bootstrap + (N_FOLDS if cv else 0) + int(keep_paths))
    bar = _Progress(n_steps, progress)
    models, figures = [], {"paths": {}}
    for label, penalty in MODELS:
        values = {"elasticnet": L1_RATIOS, "lp": PS}.get(penalty, (None,))
        default = {"elasticnet": L1_RATIO, "lp": P}.get(penalty)
        entry = {"penalty": label, "penalty_name": penalty}
        if cv:
            scales = [alpha_scale(X_train, y_train, task, penalty, v) for v in values]
            grids = np.stack(
                [
                    s * np.geomspace(1.0, _grid_ratio(penalty, v), n_alphas)
                    for s, v in zip(scales, values, strict=True)
                ]
            )
            mean, se, cv_time, not_converged = _cross_validate(
                X_train, y_train, task, penalty, values, grids, splits, bar, label
            )
            best_value, best_alpha = np.unravel_index(int(np.argmin(mean)), mean.shape)
            value = values[best_value]
            alpha = float(grids[best_value, best_alpha])
            entry.update(
                grid_values=list(values),
                alpha_max=float(scales[best_value]),
                alpha_grid=grids[best_value].tolist(),
                alpha_grids=grids.tolist(),
                cv_mean=mean.tolist(),
                cv_se=se.tolist(),
                cv_scores=(-mean[best_value]).tolist(),
                value_index=int(best_value),
                alpha_index=int(best_alpha),
                cv_time=cv_time,
                cv_not_converged=not_converged,
            )
        else:
            value = default
            scale = alpha_scale(X_train, y_train, task, penalty, value)
            alpha = float(alphas * scale)
            entry.update(alpha_max=scale, cv_time=0.0, cv_not_converged=0)
        model = make_estimator(penalty, task, alpha, value, n_train)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            if not cv:  # compile the solver's loops first: time the fit, not numba
                make_estimator(penalty, task, alpha, value, n_train).fit(X_train, y_train)
            start = time.perf_counter()
            model.fit(X_train, y_train)
            fit_time = time.perf_counter() - start
        bar.step(f"fit {label}")
        selected = _selected(model.coef_)
        stability = []
        for b, rows in enumerate(resamples):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                refit = make_estimator(penalty, task, alpha, value, n_train)
                refit.fit(X_train[rows], y_train[rows])
            stability.append(jaccard(_selected(refit.coef_), selected))
            bar.step(f"bootstrap {label}, {b + 1}/{n_bootstrap}")
        certificate, certificate_value = _certificate(model)
        coef = np.asarray(model.coef_)
        magnitude = np.abs(np.atleast_2d(coef)).max(axis=0)
        order = selected[np.argsort(-magnitude[selected], kind="stable")]
        kept = [int(np.isin(g, selected).sum()) for g in groups]
        if task == "regression":
            prediction = model.predict(X_test)
            test_error = {"test_mse": float(np.mean((y_test - prediction) ** 2))}
        else:
            probabilities = model.predict_proba(X_test)
            test_error = {
                "test_log_loss": float(log_loss(y_test, probabilities, labels=model.classes_))
            }
        entry.update(
            estimator=type(model).__name__,
            params=model.get_params(),
            alpha=float(model.alpha),
            penalty_alpha=alpha,
            l1_ratio=value if penalty == "elasticnet" else None,
            p=value if penalty == "lp" else None,
            n_nonzero=int(np.count_nonzero(coef)),
            n_coef=int(coef.size),
            n_selected=int(selected.shape[0]),
            selected=[names[j] for j in order],
            train_score=float(model.score(X_train, y_train)),
            test_score=float(model.score(X_test, y_test)),
            **test_error,
            stability=float(np.mean(stability)) if stability else None,
            stability_jaccard=stability,
            group_kept=kept,
            fit_time=fit_time,
            certificate=certificate,
            certificate_value=certificate_value,
            converged=bool(np.all(model.converged_)),
            solver=model.solver_,
            coef=coef.tolist(),
            intercept=np.asarray(model.intercept_).tolist(),
        )
        if keep_paths:
            from lpreg.path import regularization_path

            datafit, target = _binary_problems(y_train, task)[0]
            grid = (
                entry["alpha_grid"]
                if cv
                else alpha * np.geomspace(1.0 / alphas, _grid_ratio(penalty, value), n_alphas)
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                figures["paths"][label] = regularization_path(
                    X_train,
                    target,
                    datafit=datafit,
                    penalty=_penalty(penalty, 1.0, value),
                    alphas=grid,
                    fit_intercept=True,
                    tol=TOL,
                    max_iter=CV_MAX_ITER,
                )
            bar.step(f"path {label}")
        models.append(entry)
    bar.close()
    n_test = y_test.shape[0]
    if cv:
        kind = "StratifiedKFold" if task == "classification" else "KFold"
        error = "one-vs-rest log-loss" if task == "classification" else "mean squared error"
        rule = (
            f"{N_FOLDS}-fold CV on the training rows ({kind}, shuffled, random_state="
            f"{random_state}) over {n_alphas} alphas from alpha_max to {GRID_RATIO:g} "
            f"alpha_max ({L2_GRID_RATIO:g} for L2 and p > 1; geometric), jointly with "
            f"l1_ratio in {list(L1_RATIOS)} (Elastic Net) and p in {list(PS)} (Lp), "
            f"minimising the {error} averaged over the folds (warm-started paths, tol "
            f"{CV_TOL:g}, at most {CV_MAX_ITER} solver iterations per point)"
        )
    else:
        rule = (
            f"alpha = {alphas:g} x alpha_max per penalty (no CV), l1_ratio = {L1_RATIO:g}, "
            f"p = {P:g}"
        )
    report = {
        "data": {
            "name": dataset.name,
            "description": dataset.description,
            "n_samples": int(y.shape[0]),
            "n_features": int(X.shape[1]),
            "feature_names": names,
            "target": dataset.target_name,
            "task": task,
            "classes": np.unique(y).tolist() if task == "classification" else None,
        },
        "split": {
            "test_size": test_size,
            "random_state": random_state,
            "n_train": int(n_train),
            "n_test": int(n_test),
            "stratified": task == "classification",
            "scaler": f"StandardScaler(with_mean={not sp.issparse(X)}), fitted on the train rows",
        },
        "alpha_rule": {
            "rule": "cv" if cv else "ratio",
            "ratio": None if cv else alphas,
            "n_folds": N_FOLDS,
            "n_alphas": n_alphas,
            "grid_ratio": GRID_RATIO,
            "l2_grid_ratio": L2_GRID_RATIO,
            "l1_ratios": list(L1_RATIOS),
            "ps": list(PS),
            "scoring": "log_loss" if task == "classification" else "squared_error",
            "text": rule,
        },
        "bootstrap": {
            "n_bootstrap": n_bootstrap,
            "random_state": random_state,
            "stratified": task == "classification",
        },
        "groups": {
            "rule": group_rule,
            "members": [[names[j] for j in g] for g in groups],
            "indices": groups,
        },
        "score": "accuracy" if task == "classification" else "R2",
        "tol": TOL,
        "models": models,
    }
    if keep_paths:
        figures.update(X_train=X_train, y_train=y_train, feature_names=names)
        report["_figures"] = figures
    return report


def _truncate(names, n_shown=3):
    if not names:
        return "(none)"
    shown = ", ".join(names[:n_shown])
    return shown + (f" +{len(names) - n_shown}" if len(names) > n_shown else "")


def _groups_cell(kept, groups):
    if not groups:
        return "-"
    if len(groups) <= 3:
        return " ".join(f"{k}/{len(g)}" for k, g in zip(kept, groups, strict=True))
    whole = sum(k == len(g) for k, g in zip(kept, groups, strict=True))
    one = sum(k == 1 for k in kept)
    return f"all {whole}, one {one}, of {len(groups)}"


def _hyper_parameters(model):
    text = f"alpha={model['alpha']:.4g}"
    if model["l1_ratio"] is not None:
        text += f", r={model['l1_ratio']:g}"
    if model["p"] is not None:
        text += f", p={model['p']:g}"
    return text


def table_rows(report):
    """The table's cells, one list of strings per model (the header is :func:`table_header`)."""
    classification = report["data"]["task"] == "classification"
    groups = report["groups"]["indices"]
    rows = []
    for model in report["models"]:
        alpha_note = ""
        if model.get("alpha_index") in (0, report["alpha_rule"]["n_alphas"] - 1):
            alpha_note = "*"
        error = model["test_log_loss"] if classification else model["test_mse"]
        stability = "-" if model["stability"] is None else f"{model['stability']:.2f}"
        certificate = {"duality gap": "gap", "KKT violation": "KKT"}[model["certificate"]]
        certificate += f" {model['certificate_value']:.1e}"
        if not model["converged"]:
            certificate += "!"
        rows.append(
            [
                model["penalty"],
                _hyper_parameters(model) + alpha_note,
                f"{error:.4g}",
                f"{model['test_score']:.4f}",
                f"{model['n_selected']}/{len(report['data']['feature_names'])}",
                _truncate(model["selected"]),
                stability,
                _groups_cell(model["group_kept"], groups),
                f"{model['fit_time']:.3f}",
                f"{model['cv_time']:.1f}",
                certificate,
            ]
        )
    return rows


def table_header(report):
    """Column names of :func:`table_rows`."""
    if report["data"]["task"] == "classification":
        error, score = "test log-loss", "test accuracy"
    else:
        error, score = "test MSE", "test R2"
    return [
        "penalty",
        "hyper-parameters",
        error,
        score,
        "non-zeros",
        "selected features",
        "stability",
        "corr. groups",
        "fit [s]",
        "CV [s]",
        "certificate",
    ]


def table_notes(report):
    """The footer: each column defined, in sentences (also the HTML report's)."""
    rule, split, boot = report["alpha_rule"], report["split"], report["bootstrap"]
    classification = report["data"]["task"] == "classification"
    groups = report["groups"]
    notes = []
    if any(m.get("alpha_index") in (0, rule["n_alphas"] - 1) for m in report["models"]):
        notes.append("* the chosen alpha is at an end of the grid; the best may lie beyond it.")
    notes.append(
        "hyper-parameters: alpha in each estimator's own units (Ridge: scikit-learn's, against "
        "the sum of squared residuals; the others against the mean datafit), r = l1_ratio, p "
        "the Lp exponent; chosen by the rule above."
    )
    if classification:
        notes.append(
            f"test log-loss: -mean log P(true class) of predict_proba on the {split['n_test']} "
            "test rows (one-vs-rest probabilities normalised); test accuracy: fraction of "
            "test rows predicted right."
        )
    else:
        notes.append(
            f"test MSE: mean of (y - prediction)^2 on the {split['n_test']} test rows; test "
            "R2: 1 - sum of squared test residuals / sum of squares of the test y about its "
            "mean."
        )
    notes.append(
        "non-zeros: features with a non-zero coefficient (in any class) / all features; "
        "selected features: their names, largest |coefficient| first."
    )
    if boot["n_bootstrap"]:
        how = "stratified by class, " if boot["stratified"] else ""
        notes.append(
            f"stability: mean over {boot['n_bootstrap']} bootstrap resamples of the training "
            f"rows ({how}numpy default_rng({boot['random_state']})) of the Jaccard index "
            "|S_b & S| / |S_b | S| between the features S_b selected by the refit at the same "
            "hyper-parameters and the set S of the full training rows (1 = always the same "
            "set; two empty sets count 1)."
        )
    else:
        notes.append("stability: not measured (--bootstrap 0).")
    if groups["indices"]:
        listing = "; ".join(
            "{" + ", ".join(_truncate(members, 4).split(", ")) + "}"
            for members in groups["members"][:5]
        )
        more = f" and {len(groups['members']) - 5} more" if len(groups["members"]) > 5 else ""
        notes.append(
            f"corr. groups: groups of correlated features ({groups['rule']}): {listing}{more}. "
            "Per group, members the model keeps / group size (with more than 3 groups: the "
            "number of groups kept whole and of groups reduced to one member). L1 tends to "
            "keep one member of a group, Elastic Net and L2 the whole group."
        )
    else:
        notes.append(f"corr. groups: none found ({groups['rule']}).")
    notes.append(
        "fit [s]: wall time of the final fit on the training rows; CV [s]: wall time of the "
        "model's cross-validation (numba compilation included)."
    )
    notes.append(
        "certificate: relative duality gap (convex) or KKT violation (Lp, non-convex) of the "
        f"final fit, recomputed from its coefficients; tol = {report['tol']:g}; '!' marks a fit "
        "that stopped at max_iter above tol."
    )
    if rule["rule"] == "cv":
        n_paths = len(report["models"]) * 0
        for model in report["models"]:
            n_paths += len(model["grid_values"]) * rule["n_folds"]
        not_converged = sum(m["cv_not_converged"] for m in report["models"])
        notes.append(
            f"cross-validation: {n_paths} warm-started paths of {rule['n_alphas']} alphas; "
            f"{not_converged} path points stopped at max_iter before reaching tol."
        )
    return notes


def format_table(report):
    """The text ``lpreg compare`` prints for a :func:`compare` report."""
    data, split, rule = report["data"], report["split"], report["alpha_rule"]
    header = table_header(report)
    rows = table_rows(report)
    widths = [max(len(h), *(len(r[k]) for r in rows)) + 2 for k, h in enumerate(header)]
    widths[0] -= 2
    aligns = ["<", "<", ">", ">", ">", "<", ">", ">", ">", ">", ">"]
    widths[5] += 0

    def line(cells):
        parts = []
        for k, cell in enumerate(cells):
            pad = "  " if aligns[k] == "<" and k > 0 else ""
            parts.append(f"{pad}{cell:{aligns[k]}{widths[k] - len(pad)}}")
        return "".join(parts)

    head = line(header)
    width = len(head)
    preamble = [
        f"lpreg compare: {data['description']}",
        f"task: {data['task']}; split {split['n_train']} train / {split['n_test']} test rows "
        f"(--test-size {split['test_size']:g}, --random-state {split['random_state']}); "
        "features standardised on the training rows",
        f"tuning: {rule['text']}",
    ]

    def wrap(text):
        return textwrap.fill(text, width=max(width, 100), break_on_hyphens=False)

    return "\n".join(
        [
            *map(wrap, preamble),
            "",
            head,
            "-" * width,
            *map(line, rows),
            "",
            *map(wrap, table_notes(report)),
        ]
    )


def _check_report_path(path):
    import os

    if path is None:
        return
    folder = os.path.dirname(os.path.abspath(path)) or "."
    if os.path.isdir(path):
        raise ValueError(f"lpreg compare: --report {path!r} is a directory; give a file name.")
    if not os.path.isdir(folder):
        raise ValueError(
            f"lpreg compare: cannot write --report {path!r}: folder {folder!r} does not exist."
        )
    if not os.access(folder, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise ValueError(
            f"lpreg compare: cannot write --report {path!r}: permission denied; choose a "
            "writable location."
        )


def _compare(args):
    from lpreg import datasets

    _check_report_path(args.report)
    if args.bootstrap < 0:
        raise ValueError(
            "lpreg compare: --bootstrap must be an integer >= 0 (0 skips the stability "
            f"column), got {args.bootstrap}."
        )
    if args.data is not None:
        dataset = datasets.load_file(args.data, target=args.target)
    else:
        if args.target is not None:
            raise ValueError(
                "lpreg compare: --target names a column of a --data file; the built-in "
                f"{args.demo!r} data has its own target. Add --data FILE or drop --target."
            )
        dataset = datasets.load_demo(args.demo, random_state=args.random_state)
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    if args.report is not None:
        import lpreg.report  # noqa: F401 - fail on a missing matplotlib before the work
    report = compare(
        dataset,
        task=args.task,
        test_size=args.test_size,
        random_state=args.random_state,
        alphas=args.alphas,
        n_bootstrap=args.bootstrap,
        progress=progress,
        keep_paths=args.report is not None,
    )
    if args.report is not None:
        from lpreg.report import write_report

        write_report(report, args.report)
    report.pop("_figures", None)
    if args.format == "json":
        print(json.dumps(report, indent=1))
    else:
        print(format_table(report))
        if args.report is not None:
            print(f"\nreport written to {args.report}")
    return 0


def main(argv=None):
    """Entry point of the ``lpreg`` console script."""
    parser = _Parser(
        prog="lpreg", description="Norm-regularized learning: L1, L2, Elastic Net, Lp."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="fit L1/EN/L2/Lp on built-in data, print certificates")
    demo.add_argument(
        "--alpha-ratio",
        type=float,
        default=0.05,
        help="alpha as a fraction of the L1 alpha_max (default 0.05)",
    )
    demo.set_defaults(handler=_demo)
    compare_parser = sub.add_parser(
        "compare",
        help="L1 / L2 / Elastic Net / Lp tuned by CV on a train/test split: one table",
        description=(
            "Tune L1, L2, Elastic Net (alpha and l1_ratio) and Lp (alpha and p) models by "
            "5-fold CV on the training rows of scikit-learn's diabetes data (default) or your "
            "own file, and print one table: held-out error, selected features, their "
            "stability over bootstrap resamples, correlated groups kept, times, certificates."
        ),
    )
    compare_parser.add_argument(
        "--data", metavar="FILE", help="a .csv (with --target), .npz (X, y) or .parquet file"
    )
    compare_parser.add_argument("--target", metavar="COLUMN", help="target column of --data")
    compare_parser.add_argument(
        "--demo",
        choices=("diabetes", "correlated"),
        default="diabetes",
        help="built-in data when no --data is given (default diabetes)",
    )
    compare_parser.add_argument(
        "--task",
        choices=("auto", "regression", "classification"),
        default="auto",
        help="auto: classification for a text target or an integer one with at most "
        f"{MAX_CLASSES_AUTO} distinct values",
    )
    compare_parser.add_argument(
        "--test-size", type=float, default=0.25, help="test fraction in (0, 1) (default 0.25)"
    )
    compare_parser.add_argument(
        "--random-state", type=int, default=0, help="seed of the split and the CV folds (0)"
    )
    compare_parser.add_argument(
        "--alphas",
        default="cv",
        metavar="cv|RATIO",
        help=f"cv: {N_FOLDS}-fold CV over {N_ALPHAS} alphas from alpha_max to "
        f"{GRID_RATIO:g} alpha_max (default); RATIO in (0, 1]: alpha = RATIO * alpha_max",
    )
    compare_parser.add_argument(
        "--format", choices=("table", "json"), default="table", help="output (default table)"
    )
    compare_parser.add_argument(
        "--bootstrap",
        type=int,
        default=N_BOOTSTRAP,
        metavar="N",
        help=f"bootstrap resamples for the stability column (default {N_BOOTSTRAP}; 0: skip)",
    )
    compare_parser.add_argument(
        "--report",
        metavar="FILE.html",
        help="also write one self-contained HTML report (table and figures; needs matplotlib)",
    )
    compare_parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: when stderr is a terminal)",
    )
    compare_parser.set_defaults(handler=_compare)
    from lpreg import _cli_commands

    _cli_commands.register(sub)
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (OSError, ImportError, ValueError, TypeError) as exc:
        message = " ".join(str(exc).split())
        print(f"lpreg: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
