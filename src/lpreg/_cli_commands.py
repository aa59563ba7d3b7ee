r"""More ``lpreg`` subcommands: ``fit``, ``path`` and ``plot`` (registered by :mod:`lpreg.cli`).

``lpreg fit`` fits one model on every row of built-in or user data and prints its objective,
alpha, certificate and coefficients (non-zeros first, by decreasing magnitude); ``--save``
writes it with joblib.  ``lpreg path`` solves a warm-started regularization path
(:func:`lpreg.path.regularization_path`) and prints one row per alpha; ``--plot`` draws it.
``lpreg plot`` writes the geometry figures of :mod:`lpreg.plotting` to a PNG, SVG or PDF file.

Data: ``--data FILE`` (``.csv`` with ``--target``, ``.npz``, ``.parquet``; see
:func:`lpreg.datasets.load_file`) or ``--demo diabetes|correlated``.  The task is
classification for a text target or an integer one with at most 10 distinct values
(``lpreg compare``'s rule), regression otherwise.  With ``--standardize`` (the default) the
columns are standardised by ``StandardScaler`` (``with_mean=False`` for sparse ``X``) fitted
on all rows, the coefficients are those of the standardised columns, and ``--save`` writes the
``Pipeline(StandardScaler, estimator)`` so that ``joblib.load(file).predict(X_raw)`` works.

Strengths.  ``--alpha A`` is the estimator's own ``alpha``; ``--alpha-ratio R`` gives
``alpha = R * alpha_max`` with ``alpha_max`` = :func:`lpreg.path.alpha_max` of the penalty at
``alpha = 1`` (maximised over the one-vs-rest problems for classification): exactly the
smallest alpha giving ``w = 0`` for L1, Elastic Net, MCP and SCAD, L1's value for L2 and Lp
(no finite kink at 0), times ``n_samples`` for :class:`lpreg.Ridge`, whose ``alpha``
multiplies :math:`\|w\|^2` against the *sum* of squared residuals.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import warnings

FIT_PENALTIES = ("l1", "l2", "elasticnet", "lp", "mcp", "scad")
GAMMA = {"mcp": 3.0, "scad": 3.7}
FIGURE_SUFFIXES = (".png", ".svg", ".pdf")
PLOT_KINDS = ("balls", "balls3d", "thresholding", "constrained")
DEFAULT_PS = {
    "balls": (0.5, 1.0, 2.0, 4.0, math.inf),
    "balls3d": (0.5, 1.0, 2.0, math.inf),
    "thresholding": (0.5,),
    "constrained": (1.0, 2.0),
}
PLOT_HINT = 'pip install "lpreg[plot]"'


# ---- checks, run before any work -----------------------------------------------------------
def _check_output(path, option, command, suffixes):
    """Refuse an output file of another type, or in a missing or read-only directory."""
    suffix = os.path.splitext(path)[1].lower()
    if suffixes is not None and suffix not in suffixes:
        raise ValueError(
            f"lpreg {command}: {option} must end in {', '.join(suffixes)} (the format is taken "
            f"from the extension), got {path!r}."
        )
    if os.path.isdir(path):
        raise ValueError(f"lpreg {command}: {option} {path!r} is a directory; give a file name.")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValueError(
            f"lpreg {command}: cannot write {option} {path!r}: directory {folder!r} does not "
            "exist or is not a directory."
        )
    if not os.access(folder, os.W_OK):
        raise ValueError(
            f"lpreg {command}: cannot write {option} {path!r}: directory {folder!r} is not "
            "writable."
        )


def _check_number(value, option, command, *, low, low_inclusive=True, high=math.inf, finite=True):
    """Return ``value`` if in range (finite unless ``finite=False``), else a ValueError."""
    ok = (low <= value if low_inclusive else low < value) and value <= high
    if not ok or (finite and not math.isfinite(value)):
        if math.isfinite(high):
            allowed = f"in {'[' if low_inclusive else '('}{low:g}, {high:g}]"
        else:
            allowed = f"{'>=' if low_inclusive else '>'} {low:g}" + (" and finite" * finite)
        raise ValueError(f"lpreg {command}: {option} must be {allowed}, got {value:g}.")
    return value


def _check_model_options(args):
    command = args.command
    if getattr(args, "alpha", None) is not None:
        _check_number(args.alpha, "--alpha", command, low=0.0)
    if getattr(args, "alpha_ratio", None) is not None:
        _check_number(args.alpha_ratio, "--alpha-ratio", command, low=0.0)
    _check_number(args.l1_ratio, "--l1-ratio", command, low=0.0, high=1.0)
    _check_number(args.p, "--p", command, low=0.0, low_inclusive=False)
    if args.gamma is not None:
        _check_number(args.gamma, "--gamma", command, low=1.0, low_inclusive=False)


def _import_plotting(command):
    """``(lpreg.plotting, matplotlib.figure.Figure)``, or a one-line ImportError with the hint."""
    try:
        from matplotlib.figure import Figure

        import lpreg.plotting as plotting
    except ImportError:
        raise ImportError(f"lpreg {command}: drawing needs matplotlib: {PLOT_HINT}") from None
    return plotting, Figure


# ---- data ------------------------------------------------------------------------------------
def _load(args):
    """``(dataset, X, y, task, scaler)``: X standardised when asked (scaler None otherwise)."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.preprocessing import StandardScaler

    from lpreg import datasets
    from lpreg.cli import _resolve_task

    command = args.command
    if args.data is not None:
        dataset = datasets.load_file(args.data, target=args.target)
    elif args.target is not None:
        raise ValueError(
            f"lpreg {command}: --target names a column of a --data file; the built-in "
            f"{args.demo!r} data has its own target. Add --data FILE or drop --target."
        )
    else:
        dataset = datasets.load_demo(args.demo)
    y = np.asarray(dataset.y)
    if args.task == "regression" and y.dtype.kind not in "fiub":
        raise ValueError(
            f"lpreg {command}: --task regression needs a numeric target, but "
            f"{dataset.target_name!r} of {dataset.name} holds text (e.g. {y[0]!r})."
        )
    if args.task == "classification" and y.dtype.kind == "f" and np.any(y != np.round(y)):
        raise ValueError(
            f"lpreg {command}: --task classification needs class labels, but target "
            f"{dataset.target_name!r} of {dataset.name} holds non-integer numbers; use "
            "--task regression."
        )
    task = _resolve_task(y, "auto", dataset) if args.task == "auto" else args.task
    if task == "regression":
        y = y.astype(np.float64)
    elif np.unique(y).shape[0] < 2:
        raise ValueError(
            f"lpreg {command}: target {dataset.target_name!r} of {dataset.name} has a single "
            "class; classification needs at least 2."
        )
    X = dataset.X
    scaler = None
    if args.standardize:
        scaler = StandardScaler(with_mean=not sp.issparse(X)).fit(X)
        X = scaler.transform(X)
    return dataset, X, y, task, scaler


def _penalty(name, alpha, args):
    """The :mod:`lpreg.penalties` object of ``name`` with strength ``alpha``."""
    from lpreg import penalties

    if name == "l1":
        return penalties.L1(alpha)
    if name == "l2":
        return penalties.L2(alpha)
    if name == "elasticnet":
        return penalties.ElasticNet(alpha, l1_ratio=args.l1_ratio)
    if name == "lp":
        return penalties.Lp(alpha, p=args.p)
    gamma = GAMMA[name] if args.gamma is None else args.gamma
    return penalties.MCP(alpha, gamma) if name == "mcp" else penalties.SCAD(alpha, gamma)


def _penalty_label(penalty):
    """``L1``, ``ElasticNet(l1_ratio=0.5)``, ``Lp(p=0.5)``: the penalty without its alpha."""
    import dataclasses

    fields = [f.name for f in dataclasses.fields(penalty) if f.name != "alpha"]
    inside = ", ".join(f"{name}={getattr(penalty, name):g}" for name in fields)
    return type(penalty).__name__ + (f"({inside})" if inside else "")


def _binary_targets(y, task):
    """The (datafit, target) pairs the estimators solve: one, or one per class (one-vs-rest)."""
    from lpreg.cli import _binary_problems

    return _binary_problems(y, task)


def fit_alpha_max(X, y, task, name, args):
    """``alpha_max`` of ``lpreg fit --alpha-ratio`` in the estimator's own units (module doc)."""
    from lpreg.path import alpha_max

    penalty = _penalty(name, 1.0, args)
    top = max(
        alpha_max(X, target, datafit, penalty, fit_intercept=True)
        for datafit, target in _binary_targets(y, task)
    )
    if task == "regression" and name == "l2":
        top *= X.shape[0]  # Ridge: sum of squares + alpha ||w||^2
    return top


def make_fit_estimator(name, task, alpha, args):
    """The estimator ``lpreg fit --penalty name`` fits."""
    import lpreg

    common = {"alpha": alpha, "tol": args.tol, "max_iter": args.max_iter}
    gamma = GAMMA.get(name) if args.gamma is None else args.gamma
    if task == "classification":
        # one-vs-rest, as lpreg path and compare (their CV runs one binary path per class)
        return lpreg.LogisticRegression(
            penalty=name,
            multi_class="ovr",
            l1_ratio=args.l1_ratio,
            p=args.p,
            gamma=3.0 if gamma is None else gamma,
            **common,
        )
    if name == "l1":
        return lpreg.Lasso(**common)
    if name == "l2":
        return lpreg.Ridge(**common)
    if name == "elasticnet":
        return lpreg.ElasticNet(l1_ratio=args.l1_ratio, **common)
    if name == "lp":
        return lpreg.LpRegression(p=args.p, **common)
    if name == "mcp":
        return lpreg.MCPRegression(gamma=gamma, **common)
    return lpreg.SCADRegression(gamma=gamma, **common)


def _objectives(model, X, y, task, name, args):
    r"""The objective per binary problem, recomputed from ``coef_`` in the estimator's scaling."""
    import numpy as np

    coef = np.atleast_2d(np.asarray(model.coef_, dtype=np.float64))
    intercept = np.atleast_1d(np.asarray(model.intercept_, dtype=np.float64))
    values = []
    for k, (_, target) in enumerate(_binary_targets(y, task)):
        z = np.asarray(X @ coef[k]).ravel() + intercept[k]
        if task == "regression":
            residual = target - z
            if name == "l2":  # Ridge: sum of squares + alpha ||w||^2
                values.append(float(residual @ residual + model.alpha * coef[k] @ coef[k]))
                continue
            loss = 0.5 * float(np.mean(residual**2))
        else:
            loss = float(np.mean(np.logaddexp(0.0, -target * z)))
        values.append(loss + float(_penalty(name, model.alpha, args).value(coef[k])))
    return values


PENALTY_TERMS = {
    "l1": "alpha ||w||_1",
    "l2": "(alpha/2) ||w||_2^2",
    "elasticnet": "alpha (r ||w||_1 + (1-r)/2 ||w||_2^2)",
    "lp": "alpha sum_j |w_j|^p",
    "mcp": "sum_j MCP_(alpha,gamma)(w_j)",
    "scad": "sum_j SCAD_(alpha,gamma)(w_j)",
}
MODEL_PARAMETERS = {"elasticnet": "l1_ratio", "lp": "p", "mcp": "gamma", "scad": "gamma"}


def objective_formula(task, name):
    """The objective ``lpreg fit`` prints, as text (what :func:`_objectives` computes)."""
    if task == "classification":
        return f"(1/n) sum_i log(1 + exp(-y_i (x_i'w + b))) + {PENALTY_TERMS[name]}, y_i = +-1"
    if name == "l2":
        return "||y - Xw - b||_2^2 + alpha ||w||_2^2 (scikit-learn's Ridge)"
    return f"(1/2n) ||y - Xw - b||_2^2 + {PENALTY_TERMS[name]}"


def _model_label(report):
    params = report["params"]
    names = ["penalty"] if report["data"]["task"] == "classification" else []
    names += [MODEL_PARAMETERS[report["penalty"]]] if report["penalty"] in MODEL_PARAMETERS else []
    inside = ", ".join(f"{name}={params[name]!r}" for name in names)
    return f"{report['estimator']}({inside})"


def _fit_messages(caught):
    return sorted({" ".join(str(w.message).split()) for w in caught})


# ---- lpreg fit -------------------------------------------------------------------------------
def fit_report(args):
    """Fit the model ``lpreg fit`` describes; return ``(report dict, fitted model to save)``."""
    import numpy as np
    from sklearn.pipeline import make_pipeline

    from lpreg.cli import _certificate

    _check_model_options(args)
    if args.save is not None:
        _check_output(args.save, "--save", "fit", None)
    dataset, X, y, task, scaler = _load(args)
    name = args.penalty
    if args.alpha is not None:
        alpha, top, ratio = args.alpha, None, None
    else:
        ratio = 0.1 if args.alpha_ratio is None else args.alpha_ratio
        top = fit_alpha_max(X, y, task, name, args)
        alpha = ratio * top
    model = make_fit_estimator(name, task, float(alpha), args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y)
    certificate, value = _certificate(model)
    coef = np.atleast_2d(np.asarray(model.coef_, dtype=np.float64))
    classes = [c.item() if hasattr(c, "item") else c for c in getattr(model, "classes_", [])]
    report = {
        "data": {
            "name": dataset.name,
            "description": dataset.description,
            "n_samples": int(X.shape[0]),
            "n_features": int(X.shape[1]),
            "target": dataset.target_name,
            "task": task,
            "classes": classes or None,
            "standardize": bool(args.standardize),
        },
        "estimator": type(model).__name__,
        "params": model.get_params(),
        "penalty": name,
        "alpha": float(alpha),
        "alpha_max": top,
        "alpha_ratio": ratio,
        "objective": _objectives(model, X, y, task, name, args),
        "objective_formula": objective_formula(task, name),
        "certificate": certificate,
        "certificate_value": value,
        "converged": bool(np.all(model.converged_)),
        "solver": model.solver_,
        "n_nonzero": int(np.count_nonzero(coef)),
        "score": float(model.score(X, y)),
        "score_name": "R2" if task == "regression" else "accuracy",
        "feature_names": list(dataset.feature_names),
        "coef": coef.tolist(),
        "intercept": np.atleast_1d(np.asarray(model.intercept_, dtype=np.float64)).tolist(),
        "warnings": _fit_messages(caught),
        "saved": args.save,
    }
    saved = model if scaler is None else make_pipeline(scaler, model)
    return report, saved


def _coefficient_order(coef):
    """Non-zero rows first by decreasing max |coef| over the columns, then the zeros in order."""
    import numpy as np

    size = np.max(np.abs(coef), axis=0)
    nonzero = np.flatnonzero(size > 0)
    nonzero = nonzero[np.argsort(-size[nonzero], kind="stable")]
    return [*nonzero.tolist(), *np.flatnonzero(size == 0).tolist()]


def format_fit(report):
    """The text ``lpreg fit`` prints for a :func:`fit_report` report."""
    import numpy as np

    data = report["data"]
    coef = np.asarray(report["coef"])
    alpha = f"{report['alpha']:.6g}"
    if report["alpha_ratio"] is not None:
        alpha += f" (= {report['alpha_ratio']:g} x alpha_max {report['alpha_max']:.6g})"
    objective = ", ".join(f"{value:.10g}" for value in report["objective"])
    scaled = "standardised (StandardScaler on all rows)" if data["standardize"] else "as given"
    lines = [
        f"lpreg fit: {data['description']}",
        f"task: {data['task']}; features {scaled}",
        f"model: {_model_label(report)}, solver {report['solver']}",
        f"alpha: {alpha}",
        f"objective: {objective}  [{report['objective_formula']}]",
        f"certificate: {report['certificate']} {report['certificate_value']:.2e} "
        f"(tol {report['params']['tol']:g}); converged: "
        + ("yes" if report["converged"] else "no"),
        f"non-zeros: {report['n_nonzero']} / {coef.size}; training {report['score_name']}: "
        f"{report['score']:.6f}; intercept: " + ", ".join(f"{b:.6g}" for b in report["intercept"]),
    ]
    lines += [f"warning: {message}" for message in report["warnings"]]
    if report["saved"]:
        kind = "Pipeline(StandardScaler, model)" if data["standardize"] else "model"
        lines.append(f"saved: {report['saved']} ({kind}, joblib)")
    names = report["feature_names"]
    classes = data["classes"] if coef.shape[0] > 1 else None
    headers = ["coef"] if classes is None else [f"coef[{c}]" for c in classes]
    width = max(12, *(len(name) + 2 for name in names))
    lines += ["", f"{'feature':<{width}}" + "".join(f"{h:>14}" for h in headers)]
    lines.append("-" * (width + 14 * len(headers)))
    for j in _coefficient_order(coef):
        lines.append(f"{names[j]:<{width}}" + "".join(f"{c:>14.6g}" for c in coef[:, j]))
    return "\n".join(lines)


def _fit(args):
    import joblib

    report, saved = fit_report(args)
    if args.save is not None:
        joblib.dump(saved, args.save)
    print(json.dumps(report, indent=1) if args.format == "json" else format_fit(report))
    return 0


# ---- lpreg path ------------------------------------------------------------------------------
def path_report(args):
    """Solve the path ``lpreg path`` describes; return ``(report dict, RegularizationPath)``."""
    import numpy as np

    from lpreg.path import regularization_path

    _check_model_options(args)
    if args.plot is not None:
        _check_output(args.plot, "--plot", "path", FIGURE_SUFFIXES)
        _import_plotting("path")
    if args.n_alphas < 1:
        raise ValueError(f"lpreg path: --n-alphas must be >= 1, got {args.n_alphas}.")
    _check_number(args.eps, "--eps", "path", low=0.0, low_inclusive=False, high=1.0)
    dataset, X, y, task, _ = _load(args)
    problems = _binary_targets(y, task)
    if len(problems) > 1:
        raise ValueError(
            f"lpreg path: target {dataset.target_name!r} of {dataset.name} has "
            f"{len(problems)} classes; a path needs a regression or a binary target."
        )
    datafit, target = problems[0]
    penalty = _penalty(args.penalty, 1.0, args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = regularization_path(
            X,
            target,
            datafit=datafit,
            penalty=penalty,
            eps=args.eps,
            n_alphas=args.n_alphas,
            fit_intercept=True,
            tol=args.tol,
        )
    coefs = np.asarray(path.coefs)
    active = coefs != 0
    entered = [int(np.argmax(row)) if row.any() else None for row in active]
    order = sorted((k, -abs(coefs[j, k]), j) for j, k in enumerate(entered) if k is not None)
    report = {
        "data": {
            "name": dataset.name,
            "description": dataset.description,
            "n_samples": int(X.shape[0]),
            "n_features": int(X.shape[1]),
            "task": task,
            "standardize": bool(args.standardize),
        },
        "datafit": type(datafit).__name__,
        "penalty": _penalty_label(penalty),
        "tol": args.tol,
        "certificate": path.certificate,
        "alphas": path.alphas.tolist(),
        "n_nonzero": path.n_nonzero.tolist(),
        "objectives": path.objectives.tolist(),
        "certificates": path.certificates.tolist(),
        "converged": path.converged.tolist(),
        "intercepts": path.intercepts.tolist(),
        "coefs": coefs.tolist(),
        "feature_names": list(dataset.feature_names),
        "entering": [
            {"feature": dataset.feature_names[j], "index": int(k), "alpha": float(path.alphas[k])}
            for k, _, j in order
        ],
        "warnings": _fit_messages(caught),
        "plot": args.plot,
    }
    return report, path


def format_path(report):
    """The text ``lpreg path`` prints for a :func:`path_report` report."""
    data = report["data"]
    alphas = report["alphas"]
    scaled = "standardised" if data["standardize"] else "as given"
    kind = report["certificate"].replace("_", " ")
    lines = [
        f"lpreg path: {data['description']}",
        f"{report['datafit']} + {report['penalty']} with alpha along the grid, features "
        f"{scaled}; {len(alphas)} alphas from alpha_max = {alphas[0]:.6g}, warm-started",
        "",
        f"{'k':>4}{'alpha':>13}{'alpha/max':>11}{'non-zeros':>11}{'objective':>16}"
        f"{kind:>16}{'converged':>11}",
    ]
    lines.append("-" * len(lines[-1]))
    rows = zip(
        alphas,
        report["n_nonzero"],
        report["objectives"],
        report["certificates"],
        report["converged"],
        strict=True,
    )
    for k, (alpha, nonzero, objective, certificate, converged) in enumerate(rows):
        lines.append(
            f"{k:>4}{alpha:>13.6g}{alpha / alphas[0]:>11.4g}{nonzero:>11d}{objective:>16.10g}"
            f"{certificate:>16.2e}{'yes' if converged else 'no':>11}"
        )
    lines += ["", "features in the order they enter (k: first alpha index where non-zero):"]
    entering = [f"{e['feature']} (k={e['index']})" for e in report["entering"]]
    lines.append("  " + (", ".join(entering) if entering else "none"))
    entered = {e["feature"] for e in report["entering"]}
    never = [name for name in report["feature_names"] if name not in entered]
    if never:
        more = f" and {len(never) - 20} more" if len(never) > 20 else ""
        lines.append(f"never non-zero ({len(never)}): {', '.join(never[:20])}{more}")
    lines += [f"warning: {message}" for message in report["warnings"]]
    if report["plot"]:
        lines.append(f"plot: {report['plot']}")
    return "\n".join(lines)


def _path(args):
    report, path = path_report(args)
    if args.plot is not None:
        plotting, Figure = _import_plotting("path")
        figure = Figure(figsize=(7.0, 4.5))
        ax = figure.add_subplot()
        plotting.plot_path(path, feature_names=report["feature_names"], ax=ax)
        ax.set_title(f"Regularization path: {report['penalty']}, {report['data']['name']}")
        figure.tight_layout()
        figure.savefig(args.plot, dpi=args.dpi)
    print(json.dumps(report, indent=1) if args.format == "json" else format_path(report))
    return 0


# ---- lpreg plot ------------------------------------------------------------------------------
def _parse_p(text):
    """``float(text)``, ``inf`` accepted; the range is checked by the handler (one message)."""
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--p must be a number or inf, got {text!r}") from None


def constrained_problem(n_samples=100, correlation=0.6, seed=0):
    """Two correlated standard-normal features; ``y = 3 x_1 + x_2 + 0.5 noise`` (no intercept)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    covariance = np.array([[1.0, correlation], [correlation, 1.0]])
    X = rng.multivariate_normal(np.zeros(2), covariance, size=n_samples)
    y = X @ np.array([3.0, 1.0]) + 0.5 * rng.standard_normal(n_samples)
    return X, y


def draw(kind, ps, *, radius=1.5):
    """The matplotlib Figure of ``lpreg plot kind`` (drawn without pyplot)."""
    from lpreg.penalties import L1, L2, MCP, SCAD, Lp

    plotting, Figure = _import_plotting("plot")
    if kind == "balls":
        figure = Figure(figsize=(6.2, 5.0))
        ax = plotting.plot_unit_balls(ps, ax=figure.add_subplot())
        ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=9)  # off the square
    elif kind == "balls3d":
        figure = Figure(figsize=(3.2 * len(ps), 3.4))
        plotting.plot_unit_balls_3d(ps, fig=figure)
    elif kind == "thresholding":
        figure = Figure(figsize=(6.0, 5.0))
        penalties = {"L1(1)": L1(1.0), "L2(1)": L2(1.0)}
        penalties.update({f"Lp(1, p={p:g})": Lp(1.0, p) for p in ps})
        penalties.update({"MCP(1, gamma=3)": MCP(1.0, 3.0), "SCAD(1, gamma=3.7)": SCAD(1.0, 3.7)})
        plotting.plot_thresholding(penalties, ax=figure.add_subplot())
    else:
        X, y = constrained_problem()
        figure = Figure(figsize=(4.6 * len(ps), 4.8))
        for k, p in enumerate(ps):
            ax = figure.add_subplot(1, len(ps), k + 1)
            plotting.plot_constrained_solution(X, y, p=p, radius=radius, ax=ax)
    figure.tight_layout()
    return figure


def _plot(args):
    ps = DEFAULT_PS[args.kind] if args.p is None else tuple(args.p)
    for p in ps:
        finite = args.kind == "thresholding"  # Lp(p=inf) is no penalty
        _check_number(p, "--p", "plot", low=0.0, low_inclusive=False, finite=finite)
    _check_number(args.radius, "--radius", "plot", low=0.0, low_inclusive=False)
    _check_output(args.output, "--output", "plot", FIGURE_SUFFIXES)
    figure = draw(args.kind, ps, radius=args.radius)
    figure.savefig(args.output, dpi=args.dpi)
    print(f"lpreg plot: wrote {args.output} ({args.kind}, p = {', '.join(f'{p:g}' for p in ps)})")
    return 0


# ---- argparse --------------------------------------------------------------------------------
def _add_data_options(parser):
    data = parser.add_argument_group("data")
    data.add_argument(
        "--data", metavar="FILE", help="a .csv (with --target), .npz (X, y) or .parquet file"
    )
    data.add_argument("--target", metavar="COLUMN", help="target column of --data")
    data.add_argument(
        "--demo",
        choices=("diabetes", "correlated"),
        default="diabetes",
        help="built-in data when no --data is given (default diabetes)",
    )
    data.add_argument(
        "--task",
        choices=("auto", "regression", "classification"),
        default="auto",
        help="auto: classification for a text target or an integer one with at most 10 values",
    )
    data.add_argument(
        "--standardize",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="standardise the columns with StandardScaler first (default: yes)",
    )


def _add_model_options(parser, penalties, default):
    model = parser.add_argument_group("model")
    model.add_argument(
        "--penalty", choices=penalties, default=default, help=f"(default {default})"
    )
    model.add_argument("--l1-ratio", type=float, default=0.5, help="elasticnet: in [0, 1] (0.5)")
    model.add_argument("--p", type=float, default=0.5, help="lp: the exponent p > 0 (0.5)")
    model.add_argument(
        "--gamma", type=float, default=None, help="mcp / scad: gamma > 1 (default 3 / 3.7)"
    )
    model.add_argument("--tol", type=float, default=1e-6, help="certificate target (1e-6)")
    model.add_argument(
        "--format", choices=("table", "json"), default="table", help="output (default table)"
    )


def register(subparsers):
    """Add this module's subcommands to the ``lpreg`` parser's ``subparsers``."""
    fit = subparsers.add_parser(
        "fit",
        help="fit one model on all rows; print its coefficients, optionally save it",
        description="Fit one penalised model on every row of built-in or user data and print "
        "its objective, alpha, certificate and coefficients (non-zeros first).",
    )
    _add_data_options(fit)
    _add_model_options(fit, FIT_PENALTIES, "l1")
    strength = fit.add_mutually_exclusive_group()
    strength.add_argument("--alpha", type=float, help="the estimator's alpha, >= 0")
    strength.add_argument(
        "--alpha-ratio",
        type=float,
        help="alpha = RATIO * alpha_max (default 0.1; alpha_max: see `lpreg fit` docs)",
    )
    fit.add_argument("--max-iter", type=int, default=1000, help="solver iterations (1000)")
    fit.add_argument("--save", metavar="FILE", help="write the fitted model with joblib")
    fit.set_defaults(handler=_fit, command="fit")

    path = subparsers.add_parser(
        "path",
        help="a warm-started regularization path: one row per alpha",
        description="Solve a regularization path (lpreg.path.regularization_path) from "
        "alpha_max down to eps * alpha_max and print alpha, non-zeros, objective and "
        "certificate per point and the order in which the features enter.",
    )
    _add_data_options(path)
    _add_model_options(path, FIT_PENALTIES, "l1")
    path.add_argument("--n-alphas", type=int, default=20, help="grid size (20)")
    path.add_argument("--eps", type=float, default=1e-3, help="alpha_min / alpha_max (1e-3)")
    path.add_argument("--plot", metavar="FILE", help="save plot_path's figure (.png/.svg/.pdf)")
    path.add_argument("--dpi", type=int, default=120, help="resolution of a .png (120)")
    path.set_defaults(handler=_path, command="path")

    plot = subparsers.add_parser(
        "plot",
        help="geometry figures: unit balls (2-D, 3-D), thresholding, constrained solutions",
        description="Draw a geometry figure of lpreg.plotting to a .png, .svg or .pdf file.",
    )
    plot.add_argument("kind", choices=PLOT_KINDS, help="which figure")
    plot.add_argument("--output", "-o", required=True, metavar="FILE", help=".png/.svg/.pdf")
    plot.add_argument(
        "--p",
        type=_parse_p,
        nargs="+",
        help="the exponents (inf allowed for balls/constrained); defaults: balls 0.5 1 2 4 "
        "inf, balls3d 0.5 1 2 inf, thresholding (Lp curves) 0.5, constrained 1 2",
    )
    plot.add_argument("--radius", type=float, default=1.5, help="constrained: ball radius")
    plot.add_argument("--dpi", type=int, default=120, help="resolution of a .png (120)")
    plot.set_defaults(handler=_plot, command="plot")
