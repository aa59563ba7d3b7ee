"""``lpreg compare``: tune and fit L1, L2, Elastic Net and Lp models on a train/test split.

L1 (:class:`lpreg.Lasso`), L2 (:class:`lpreg.Ridge`), Elastic Net (:class:`lpreg.ElasticNet`)
and Lp (:class:`lpreg.LpRegression`) — or, for a classification target,
:class:`lpreg.LogisticRegression` with the same four penalties (one-vs-rest) — are tuned and
fitted on a train/test split of built-in or user data; :mod:`lpreg.cli._table` prints the
table (see :func:`lpreg.cli.table_notes` for the exact definition of each column) and, with
``--report FILE.html``, :mod:`lpreg.report` writes a self-contained HTML report.

How the numbers are made (the JSON output, ``--format json``, records every input needed to
redo them with direct estimator calls):

1. ``train_test_split(X, y, test_size, random_state)`` (stratified for classification).
2. ``StandardScaler`` fitted on the training rows (``with_mean=False`` for sparse ``X``).
3. With ``--alphas cv`` (the default), 5-fold cross-validation on the standardised training
   rows (``KFold`` shuffled with ``random_state``; ``StratifiedKFold`` for classification):
   one warm-started :func:`lpreg.model_selection.cross_validate_path` path per fold (relative
   certificate ``CV_TOL = 1e-10``, at most ``CV_MAX_ITER = 200`` iterations per point; 10
   alphas instead of 20 and ``CV_TOL_LARGE = 1e-8`` when ``n_train * n_features > 1e6``)
   over 20 alphas ``alpha_scale * geomspace(1, 1e-3, 20)`` (``1e-5`` for L2 and ``p > 1``;
   see :func:`alpha_scale`), for every ``l1_ratio`` in ``L1_RATIOS`` (Elastic Net) and
   ``p`` in ``PS`` (Lp); the point of smallest mean validation loss wins (mean squared
   error; for classification the log-loss summed over the one-vs-rest problems; ties go to
   the larger alpha, then the first grid value).  ``--alphas RATIO`` skips the CV and uses
   ``RATIO * alpha_scale`` with ``l1_ratio = p = 0.5``.
4. The estimator refitted at that point on all training rows (timed; with ``--alphas RATIO``
   after one warm-up fit, so that numba's compilation is not counted); held-out error and
   score on the test rows.
5. Stability: the same estimator refitted on ``--bootstrap`` resamples of the training rows
   (:func:`bootstrap_rows`), the mean :func:`jaccard` index of each selected set with the
   full one.  Correlated groups: the data's known groups, else :func:`correlated_groups`.

Parallel work (``--jobs``, default 2 where the machine has 2 cores or more): steps 3 and 4-5
are independent across models, so they run in ``n_jobs`` worker processes (joblib's loky),
as tasks that share compiled numba loops: one CV task per model and solver family (Elastic
Net's three ``l1_ratio``; Lp's ``p < 1``, solved by coordinate descent from an L1 start, apart
from its ``p > 1``, solved by proximal Newton), then one refit task per model.  Every task
computes exactly what the serial run (``--jobs 1``) computes, on the same arrays; only the
order of completion differs, and the results are gathered by task, so the table is the same.
"""

from __future__ import annotations

import math
import os
import sys
import time

from lpreg.cli._data import data_block, resolve_task
from lpreg.cli._models import (
    CV_MAX_ITER,
    GRID_RATIO,
    L1_RATIO,
    L1_RATIOS,
    L2_GRID_RATIO,
    LARGE_DESIGN,
    MODELS,
    N_ALPHAS,
    N_ALPHAS_LARGE,
    N_BOOTSTRAP,
    N_FOLDS,
    PS,
    TOL,
    P,
    alpha_scale,
    cv_cost,
    cv_task,
    cv_tol,
    cv_value_groups,
    grid_ratio,
    refit_task,
    run_tasks,
)
from lpreg.cli._selection import CORRELATION, bootstrap_rows, correlated_groups, selected_features

MAX_CORRELATION_FEATURES = 5000
# the report's entry keys taken from the refit, in their order
_SCORES = (
    "train_score",
    "test_score",
    "test_mse",
    "test_log_loss",
    "stability",
    "stability_jaccard",
)
_FIT_RECORD = ("fit_time", "certificate", "certificate_value", "converged", "solver")
MAX_JOBS_DEFAULT = 2


def default_jobs():
    """``--jobs``' default: ``min(2, os.cpu_count())``."""
    return max(1, min(MAX_JOBS_DEFAULT, os.cpu_count() or 1))


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


def _check_jobs(n_jobs):
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs < 1:
        raise ValueError(
            f"lpreg compare: --jobs must be an integer >= 1 (1 runs every model in this "
            f"process), got {n_jobs!r}."
        )
    return n_jobs


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
    n_jobs=1,
):
    """Tune and fit the four penalties on a train/test split of ``dataset``; a JSON-ready dict.

    See the module docstring for the procedure.  ``alphas`` is ``"cv"`` or a ratio in
    ``(0, 1]``; ``n_bootstrap`` resamples of the training rows measure the stability of each
    selected set; ``progress`` draws a bar on stderr; ``keep_paths`` adds (under the key
    ``"_figures"``, not JSON) what :func:`lpreg.report.write_report` draws; ``n_jobs`` worker
    processes run the models' tasks (1: all in this process; the numbers do not depend on it).
    """
    import numpy as np
    import scipy.sparse as sp
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
    n_jobs = _check_jobs(n_jobs)
    alphas = _parse_alphas(alphas) if isinstance(alphas, str) else alphas
    y = np.asarray(dataset.y)
    task = resolve_task(y, task, dataset)
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
    labels = {penalty: label for label, penalty in MODELS}
    entries = {penalty: {"penalty": label, "penalty_name": penalty} for label, penalty in MODELS}
    chosen = {}  # penalty -> (l1_ratio or p, alpha in the penalty's units)
    cv_tasks, cv_keys, grids = [], [], {}
    if cv:
        for _, penalty in MODELS:
            values = {"elasticnet": L1_RATIOS, "lp": PS}.get(penalty, (None,))
            scales = [alpha_scale(X_train, y_train, task, penalty, v) for v in values]
            grid = np.stack(
                [
                    s * np.geomspace(1.0, grid_ratio(penalty, v), n_alphas)
                    for s, v in zip(scales, values, strict=True)
                ]
            )
            grids[penalty] = values, scales, grid
            for group in cv_value_groups(penalty):
                rows = [values.index(v) for v in group]
                cv_keys.append((penalty, rows, cv_cost(penalty, group)))
                cv_tasks.append([X_train, y_train, task, penalty, group, grid[rows], splits])
    n_per_model = 1 + n_bootstrap + int(keep_paths)
    bar = _Progress(N_FOLDS * len(cv_tasks) + len(MODELS) * n_per_model, progress)
    # in this process the tasks step the bar; tasks in workers step it when they complete
    step = bar.step if n_jobs == 1 else None

    # 1. cross-validation: one task per model and group of values sharing compiled loops
    if cv:
        order = list(range(len(cv_tasks)))
        if n_jobs > 1:  # the longest tasks first, so that the workers finish together
            order.sort(key=lambda i: cv_keys[i][2])
        results = {}

        def cv_done(index, result):
            results[order[index]] = result
            if step is None:
                bar.step(f"CV {labels[cv_keys[order[index]][0]]}", n=N_FOLDS)

        tasks = [[*cv_tasks[i], step, labels[cv_keys[i][0]]] for i in order]
        run_tasks(cv_task, tasks, n_jobs, cv_done)
        for _, penalty in MODELS:
            values, scales, grid = grids[penalty]
            fold_losses = np.empty((len(values), n_alphas, len(splits)))
            cv_time, not_converged = 0.0, 0
            for index, (key, rows, _) in enumerate(cv_keys):
                if key == penalty:
                    losses, seconds, missed = results[index]
                    fold_losses[rows] = losses
                    cv_time += seconds
                    not_converged += missed
            mean = fold_losses.mean(axis=-1)
            se = fold_losses.std(axis=-1, ddof=1) / math.sqrt(len(splits))
            best_value, best_alpha = np.unravel_index(int(np.argmin(mean)), mean.shape)
            chosen[penalty] = (values[best_value], float(grid[best_value, best_alpha]))
            entries[penalty].update(
                grid_values=list(values),
                alpha_max=float(scales[best_value]),
                alpha_grid=grid[best_value].tolist(),
                alpha_grids=grid.tolist(),
                cv_mean=mean.tolist(),
                cv_se=se.tolist(),
                cv_scores=(-mean[best_value]).tolist(),
                value_index=int(best_value),
                alpha_index=int(best_alpha),
                cv_time=cv_time,
                cv_not_converged=not_converged,
            )
    else:
        for _, penalty in MODELS:
            value = {"elasticnet": L1_RATIO, "lp": P}.get(penalty)
            scale = alpha_scale(X_train, y_train, task, penalty, value)
            chosen[penalty] = (value, float(alphas * scale))
            entries[penalty].update(alpha_max=scale, cv_time=0.0, cv_not_converged=0)

    # 2. the refit at the chosen point, its test scores, stability and path: one task per model
    data = (X_train, y_train, X_test, y_test)
    refit_tasks = []
    for label, penalty in MODELS:
        value, alpha = chosen[penalty]
        path_grid = None
        if keep_paths:
            path_grid = (
                entries[penalty]["alpha_grid"]
                if cv
                else alpha * np.geomspace(1.0 / alphas, grid_ratio(penalty, value), n_alphas)
            )
        refit_tasks.append(
            [data, task, penalty, alpha, value, resamples, path_grid, not cv, step, label]
        )
    refits = {}

    def refit_done(index, result):
        refits[index] = result
        if step is None:
            bar.step(f"fit {MODELS[index][0]}", n=n_per_model)

    run_tasks(refit_task, refit_tasks, n_jobs, refit_done)
    bar.close()

    models, figures = [], {"paths": {}}
    for index, (label, penalty) in enumerate(MODELS):
        value, alpha = chosen[penalty]
        fit, path = refits[index]
        coef = fit["coef"]
        selected = selected_features(coef)
        magnitude = np.abs(np.atleast_2d(coef)).max(axis=0)
        order = selected[np.argsort(-magnitude[selected], kind="stable")]
        entry = entries[penalty]
        entry.update(
            estimator=fit["estimator"],
            params=fit["params"],
            alpha=fit["alpha"],
            penalty_alpha=alpha,
            l1_ratio=value if penalty == "elasticnet" else None,
            p=value if penalty == "lp" else None,
            n_nonzero=int(np.count_nonzero(coef)),
            n_coef=int(coef.size),
            n_selected=int(selected.shape[0]),
            selected=[names[j] for j in order],
        )
        entry.update({key: fit[key] for key in _SCORES if key in fit})
        entry.update(
            group_kept=[int(np.isin(g, selected).sum()) for g in groups],
            **{key: fit[key] for key in _FIT_RECORD},
            coef=coef.tolist(),
            intercept=fit["intercept"],
        )
        if path is not None:
            figures["paths"][label] = path
        models.append(entry)
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
            f"{cv_tol(n_train, X.shape[1]):g}, at most {CV_MAX_ITER} solver iterations per "
            "point)"
        )
    else:
        rule = (
            f"alpha = {alphas:g} x alpha_max per penalty (no CV), l1_ratio = {L1_RATIO:g}, "
            f"p = {P:g}"
        )
    report = {
        "data": data_block(dataset, X, y, task, feature_names=names),
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
        "n_jobs": n_jobs,
        "models": models,
    }
    if keep_paths:
        figures.update(X_train=X_train, y_train=y_train, feature_names=names)
        report["_figures"] = figures
    return report


def run(args):
    """The handler of ``lpreg compare``: print the table (or JSON), write the report."""
    import json

    from lpreg import datasets
    from lpreg.cli._data import check_report_path
    from lpreg.cli._table import format_table

    check_report_path(args.report)
    if args.bootstrap < 0:
        raise ValueError(
            "lpreg compare: --bootstrap must be an integer >= 0 (0 skips the stability "
            f"column), got {args.bootstrap}."
        )
    _check_jobs(args.jobs)
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
        n_jobs=args.jobs,
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
