"""The ``lpreg`` command.

``lpreg compare`` fits L1 (:class:`lpreg.Lasso`), L2 (:class:`lpreg.Ridge`), Elastic Net
(:class:`lpreg.ElasticNet`) and Lp with ``p = 0.5`` (:class:`lpreg.LpRegression`) — or, for a
classification target, :class:`lpreg.LogisticRegression` with the same four penalties — on a
train/test split of built-in or user data, and prints one table: penalty, alpha, non-zeros,
train and test R^2 (accuracy for classification), fit time and the certificate of the fit.

How the numbers are made (the JSON output, ``--format json``, records every input needed to
redo them with direct estimator calls):

1. ``train_test_split(X, y, test_size, random_state)`` (stratified for classification).
2. ``StandardScaler`` fitted on the training rows (``with_mean=False`` for sparse ``X``).
3. Per penalty an ``alpha_max`` (see :func:`alpha_scales`) and, with ``--alphas cv`` (the
   default), 5-fold cross-validation on the standardised training rows (``KFold`` shuffled
   with ``random_state``; ``StratifiedKFold`` for classification) over 20 alphas
   ``alpha_max * geomspace(1, 1e-3, 20)`` (``1e-5`` for L2), keeping the alpha of smallest
   mean validation error (mean squared error; log-loss for classification; ties go to the
   larger alpha).  ``--alphas RATIO`` skips the CV and uses ``RATIO * alpha_max``.
4. The estimator refitted at that alpha on all training rows (timed; with ``--alphas
   RATIO`` after one warm-up fit, so that numba's compilation is not counted); R^2 /
   accuracy from its ``score`` on the training and the test rows.

``lpreg demo`` fits L1, Elastic Net, L2 and Lp (p = 0.5) penalised least squares on
scikit-learn's built-in diabetes data with :func:`lpreg.solve` and prints, per penalty, the
non-zeros, the training R^2, the objective and the certificate the solver stopped on.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import textwrap
import time
import warnings

N_FOLDS = 5
N_ALPHAS = 20
GRID_RATIO = 1e-3
L2_GRID_RATIO = 1e-5  # the ridge optimum is often far below the scale of alpha_max(L2)
TOL = 1e-6
L1_RATIO = 0.5
P = 0.5
L2_SCALE = 10.0
MAX_CLASSES_AUTO = 10

# (label, LogisticRegression penalty name) in the order the table shows them
PENALTIES = (
    ("L1", "l1"),
    ("L2", "l2"),
    (f"Elastic Net (l1_ratio={L1_RATIO:g})", "elasticnet"),
    (f"Lp (p={P:g})", "lp"),
)


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
def make_estimator(penalty, task, alpha):
    """The estimator ``lpreg compare`` fits for ``penalty`` in {"l1", "l2", "elasticnet", "lp"}."""
    import lpreg

    if task == "classification":
        return lpreg.LogisticRegression(
            penalty=penalty, alpha=alpha, l1_ratio=L1_RATIO, p=P, tol=TOL
        )
    if penalty == "l1":
        return lpreg.Lasso(alpha=alpha, tol=TOL)
    if penalty == "l2":
        return lpreg.Ridge(alpha=alpha, tol=TOL)
    if penalty == "elasticnet":
        return lpreg.ElasticNet(alpha=alpha, l1_ratio=L1_RATIO, tol=TOL)
    return lpreg.LpRegression(alpha=alpha, p=P, tol=TOL)


def _binary_problems(y, task):
    """The (datafit, target) pairs the estimators solve: one, or one per class (one-vs-rest)."""
    import numpy as np

    import lpreg

    if task == "regression":
        return [(lpreg.Quadratic(), np.asarray(y, dtype=np.float64))]
    classes = np.unique(y)
    positives = classes[1:] if classes.shape[0] == 2 else classes
    return [(lpreg.Logistic(), np.where(y == c, 1.0, -1.0)) for c in positives]


def alpha_scales(X, y, task):
    r"""The top of each penalty's alpha grid, in the estimator's own ``alpha`` units.

    ``X`` is the standardised training design; intercepts are fitted.  With :math:`g_j` the
    gradient of the datafit at :math:`w = 0` (intercept at its optimum) and :math:`L_j` its
    coordinate Lipschitz constants, maximised over the one-vs-rest problems:

    * ``l1``: :math:`\alpha_{\max} = \max_j |g_j|`, the smallest alpha giving ``w = 0``;
    * ``elasticnet``: :math:`\alpha_{\max} / r` (``r = l1_ratio``), likewise exact;
    * ``lp``: ``w = 0`` is a local minimiser for every alpha when ``p < 1``; the scale is the
      smallest alpha at which a coordinate-descent step from ``w = 0`` leaves every
      coordinate at 0, i.e. :math:`|g_j| / L_j \le \tau(\alpha / L_j)` with the prox
      threshold :math:`\tau(\lambda) = \frac{2-p}{2(1-p)} (2\lambda(1-p))^{1/(2-p)}`:
      :math:`\max_j \frac{L_j}{2(1-p)} \big(\frac{2(1-p)}{2-p} \frac{|g_j|}{L_j}\big)^{2-p}`;
    * ``l2``: no alpha gives ``w = 0``; the scale is ``10 * L`` with ``L`` the largest
      eigenvalue of the datafit's Hessian bound (``X' X / n`` for least squares), so that at
      the top of the grid every direction is shrunk at least 11-fold.  Ridge's ``alpha``
      multiplies :math:`\|w\|^2` against the *sum* of squared residuals, so its scale is
      ``n`` times that.
    """
    import numpy as np

    problems = _binary_problems(y, task)
    n_samples = X.shape[0]
    l1 = l2 = lp = 0.0
    for datafit, target in problems:
        gradient = np.abs(datafit.gradient_at_zero(X, target, fit_intercept=True))
        lipschitz = datafit.lipschitz_constants(X)
        l1 = max(l1, float(gradient.max()))
        l2 = max(l2, L2_SCALE * datafit.global_lipschitz(X))
        moving = lipschitz > 0
        ratio = 2.0 * (1.0 - P) / (2.0 - P) * gradient[moving] / lipschitz[moving]
        lp_j = lipschitz[moving] / (2.0 * (1.0 - P)) * ratio ** (2.0 - P)
        lp = max(lp, float(lp_j.max(initial=0.0)))
    if task == "regression":
        l2 *= n_samples  # Ridge: sum of squares + alpha ||w||^2
    scales = {"l1": l1, "l2": l2, "elasticnet": l1 / L1_RATIO, "lp": lp}
    return scales


def _certificate(model):
    import numpy as np

    gap = model.dual_gap_
    gap = None if gap is None else np.asarray(gap, dtype=np.float64)
    if gap is not None and np.all(np.isfinite(gap)):
        return "duality gap", float(np.max(gap))
    return "KKT violation", float(np.max(model.kkt_violation_))


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


def compare(dataset, *, task="auto", test_size=0.25, random_state=0, alphas="cv"):
    """Fit the four penalties on a train/test split of ``dataset``; return a JSON-ready dict.

    See the module docstring for the procedure.  ``alphas`` is ``"cv"`` or a ratio in
    ``(0, 1]``.  Every fit uses ``tol = 1e-6`` on the estimator's certificate.
    """
    import numpy as np
    import scipy.sparse as sp
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import KFold, StratifiedKFold, cross_validate, train_test_split
    from sklearn.preprocessing import StandardScaler

    if isinstance(test_size, bool) or not 0.0 < test_size < 1.0:
        raise ValueError(f"lpreg compare: --test-size must be in (0, 1), got {test_size!r}.")
    if not isinstance(random_state, int) or isinstance(random_state, bool) or random_state < 0:
        raise ValueError(
            f"lpreg compare: --random-state must be an integer >= 0, got {random_state!r}."
        )
    alphas = _parse_alphas(alphas) if isinstance(alphas, str) else alphas
    y = np.asarray(dataset.y)
    task = _resolve_task(y, task, dataset)
    if task == "regression":
        y = y.astype(np.float64)
    _check_rows(dataset, y, task, test_size)
    X = dataset.X
    stratify = y if task == "classification" else None
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=random_state, stratify=stratify
    )
    scaler = StandardScaler(with_mean=not sp.issparse(X)).fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    scales = alpha_scales(X_train, y_train, task)
    if task == "classification":
        folds = StratifiedKFold(N_FOLDS, shuffle=True, random_state=random_state)
        scoring, score_name = "neg_log_loss", "accuracy"
    else:
        folds = KFold(N_FOLDS, shuffle=True, random_state=random_state)
        scoring, score_name = "neg_mean_squared_error", "R2"
    models = []
    for label, penalty in PENALTIES:
        scale = scales[penalty]
        entry = {"penalty": label, "penalty_name": penalty, "alpha_max": scale}
        if alphas == "cv":
            ratio = L2_GRID_RATIO if penalty == "l2" else GRID_RATIO
            grid = scale * np.geomspace(1.0, ratio, N_ALPHAS)
            cv_scores, not_converged = [], 0
            start = time.perf_counter()
            for alpha in grid:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    result = cross_validate(
                        make_estimator(penalty, task, float(alpha)),
                        X_train,
                        y_train,
                        cv=folds,
                        scoring=scoring,
                        return_estimator=True,
                        error_score="raise",
                    )
                cv_scores.append(float(np.mean(result["test_score"])))
                not_converged += sum(not np.all(m.converged_) for m in result["estimator"])
            best = int(np.argmax(cv_scores))
            alpha = float(grid[best])
            entry.update(
                alpha_grid=grid.tolist(),
                cv_scores=cv_scores,
                alpha_index=best,
                cv_time=time.perf_counter() - start,
                cv_not_converged=not_converged,
            )
        else:
            alpha = float(alphas * scale)
        model = make_estimator(penalty, task, alpha)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            if alphas != "cv":  # compile the solver's loops first: time the fit, not numba
                make_estimator(penalty, task, alpha).fit(X_train, y_train)
            start = time.perf_counter()
            model.fit(X_train, y_train)
            fit_time = time.perf_counter() - start
        certificate, value = _certificate(model)
        coef = np.asarray(model.coef_)
        entry.update(
            estimator=type(model).__name__,
            params=model.get_params(),
            alpha=alpha,
            n_nonzero=int(np.count_nonzero(coef)),
            n_coef=int(coef.size),
            train_score=float(model.score(X_train, y_train)),
            test_score=float(model.score(X_test, y_test)),
            fit_time=fit_time,
            certificate=certificate,
            certificate_value=value,
            converged=bool(np.all(model.converged_)),
            solver=model.solver_,
            coef=coef.tolist(),
            intercept=np.asarray(model.intercept_).tolist(),
        )
        models.append(entry)
    n_train, n_test = y_train.shape[0], y_test.shape[0]
    if alphas == "cv":
        kind = "StratifiedKFold" if task == "classification" else "KFold"
        error = "log-loss" if task == "classification" else "mean squared error"
        rule = (
            f"{N_FOLDS}-fold CV on the training rows ({kind}, shuffled, random_state="
            f"{random_state}) over {N_ALPHAS} alphas from alpha_max to {GRID_RATIO:g} "
            f"alpha_max ({L2_GRID_RATIO:g} for L2; geometric), minimising the {error} "
            "averaged over the folds"
        )
    else:
        rule = f"alpha = {alphas:g} x alpha_max per penalty (no CV)"
    return {
        "data": {
            "name": dataset.name,
            "description": dataset.description,
            "n_samples": int(y.shape[0]),
            "n_features": int(X.shape[1]),
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
            "rule": "cv" if alphas == "cv" else "ratio",
            "ratio": None if alphas == "cv" else alphas,
            "n_folds": N_FOLDS,
            "n_alphas": N_ALPHAS,
            "grid_ratio": GRID_RATIO,
            "l2_grid_ratio": L2_GRID_RATIO,
            "scoring": scoring,
            "text": rule,
        },
        "score": score_name,
        "tol": TOL,
        "models": models,
    }


def format_table(report):
    """The text ``lpreg compare`` prints for a :func:`compare` report."""
    data, split, rule = report["data"], report["split"], report["alpha_rule"]
    score = report["score"]
    columns = [
        ("penalty", 27, "<"),
        ("alpha", 9, ">"),
        ("non-zeros", 11, ">"),
        (f"train {score}", 10, ">"),
        (f"test {score}", 9, ">"),
        ("fit time [s]", 14, ">"),
        ("certificate", 14, ">"),
        ("converged", 11, ">"),
    ]
    columns = [(name, max(width, len(name) + 2), align) for name, width, align in columns]
    header = "".join(f"{name:{align}{width}}" for name, width, align in columns)
    width = len(header)
    preamble = [
        f"lpreg compare: {data['description']}",
        f"task: {data['task']}; split {split['n_train']} train / {split['n_test']} test rows "
        f"(--test-size {split['test_size']:g}, --random-state {split['random_state']}); "
        "features standardised on the training rows",
        f"alpha: {rule['text']}",
    ]
    rows = []
    at_edge = False
    short = {"duality gap": "gap", "KKT violation": "KKT"}
    for model in report["models"]:
        alpha = f"{model['alpha']:.4g}"
        if "alpha_index" in model and model["alpha_index"] in (0, rule["n_alphas"] - 1):
            alpha += "*"
            at_edge = True
        cells = [
            model["penalty"],
            alpha,
            f"{model['n_nonzero']}/{model['n_coef']}",
            f"{model['train_score']:.4f}",
            f"{model['test_score']:.4f}",
            f"{model['fit_time']:.4f}",
            f"{short[model['certificate']]} {model['certificate_value']:.1e}",
            "yes" if model["converged"] else "no",
        ]
        rows.append(
            "".join(
                f"{cell:{align}{width}}"
                for cell, (_, width, align) in zip(cells, columns, strict=True)
            )
        )
    notes = []
    if at_edge:
        notes.append("* the chosen alpha is at an end of the grid; the best may lie beyond it.")
    notes.append(
        "alpha is in each estimator's own units (Ridge: scikit-learn's, against the sum of "
        "squared residuals; the others against the mean). alpha_max: L1 / Elastic Net the "
        "smallest alpha giving w = 0; Lp the smallest at which a coordinate step from w = 0 "
        f"keeps w = 0; L2 {L2_SCALE:g} x the largest eigenvalue of the datafit's curvature."
    )
    notes.append(
        "certificate: relative duality gap (convex) or KKT violation (Lp, non-convex) of the "
        f"final fit, recomputed from its coefficients; tol = {report['tol']:g}."
    )
    if rule["rule"] == "cv":
        n_fits = sum(len(model["alpha_grid"]) for model in report["models"]) * rule["n_folds"]
        cv_time = sum(model["cv_time"] for model in report["models"])
        not_converged = sum(model["cv_not_converged"] for model in report["models"])
        notes.append(
            f"cross-validation: {n_fits} fits in {cv_time:.1f} s (numba compilation included), "
            f"{not_converged} stopped at max_iter before reaching tol."
        )

    def wrap(line):
        return textwrap.fill(line, width=width, break_on_hyphens=False)

    return "\n".join([*map(wrap, preamble), "", header, "-" * width, *rows, "", *map(wrap, notes)])


def _compare(args):
    from lpreg import datasets

    if args.data is not None:
        dataset = datasets.load_file(args.data, target=args.target)
    else:
        if args.target is not None:
            raise ValueError(
                "lpreg compare: --target names a column of a --data file; the built-in "
                f"{args.demo!r} data has its own target. Add --data FILE or drop --target."
            )
        dataset = datasets.load_demo(args.demo, random_state=args.random_state)
    report = compare(
        dataset,
        task=args.task,
        test_size=args.test_size,
        random_state=args.random_state,
        alphas=args.alphas,
    )
    if args.format == "json":
        print(json.dumps(report, indent=1))
    else:
        print(format_table(report))
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
        help="L1 / L2 / Elastic Net / Lp(0.5) on a train/test split: one table",
        description=(
            "Fit L1, L2, Elastic Net and Lp (p = 0.5) models on a train/test split of "
            "scikit-learn's diabetes data (default) or your own file, alpha chosen by 5-fold "
            "CV on the training rows, and print one table."
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
