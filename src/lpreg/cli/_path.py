"""``lpreg path``: a warm-started regularization path, one row per alpha.

:func:`lpreg.path.regularization_path` from ``alpha_max`` down to ``eps * alpha_max``
(``--n-alphas`` geometric points); ``--plot`` draws it with :func:`lpreg.plotting.plot_path`.

A multiclass target is solved one-vs-rest, as ``lpreg fit`` fits it
(:class:`lpreg.LogisticRegression` with ``multi_class="ovr"``): one binary logistic path per
class ``c`` (target ``+1`` for ``c``, ``-1`` otherwise) over ONE alpha grid, whose top is the
largest of the classes' ``alpha_max`` (:func:`lpreg.path.alpha_max`, as ``lpreg fit
--alpha-ratio``), so that the coefficients at ``alphas[k]`` are the rows of
``LogisticRegression(multi_class="ovr", alpha=alphas[k])``'s ``coef_``.  The JSON then has a
``classes`` list and a leading class axis on every per-point array (``n_nonzero``,
``objectives``, ``certificates``, ``converged``, ``intercepts``, ``coefs``), ``entering``
items name their class, and the table has a ``class`` column; a regression or binary target
keeps flat arrays and ``classes = null``.
"""

from __future__ import annotations

import json
import warnings

from lpreg.cli._data import (
    binary_problems,
    check_model_options,
    check_number,
    check_output,
    data_block,
    import_plotting,
    load_data,
    positive_classes,
)
from lpreg.cli._fit import penalty_from_args, penalty_label, warning_messages
from lpreg.cli._plot import FIGURE_SUFFIXES


def _entering(coefs, alphas, names, cls=None):
    """Features in the order they enter: first alpha index where non-zero, larger |coef| first."""
    import numpy as np

    active = coefs != 0
    entered = [int(np.argmax(row)) if row.any() else None for row in active]
    order = sorted((k, -abs(coefs[j, k]), j) for j, k in enumerate(entered) if k is not None)
    items = []
    for k, _, j in order:
        item = {"feature": names[j], "index": int(k), "alpha": float(alphas[k])}
        if cls is not None:
            item["class"] = cls
        items.append(item)
    return items


def path_report(args):
    """Solve the path(s) ``lpreg path`` describes; return ``(report dict, [paths])``.

    One :class:`lpreg.path.RegularizationPath` per one-vs-rest problem (one for a regression
    or binary target).
    """
    import numpy as np

    from lpreg.path import alpha_grid, alpha_max, regularization_path

    check_model_options(args)
    if args.plot is not None:
        check_output(args.plot, "--plot", "path", FIGURE_SUFFIXES)
        import_plotting("path")
    if args.n_alphas < 1:
        raise ValueError(f"lpreg path: --n-alphas must be >= 1, got {args.n_alphas}.")
    check_number(args.eps, "--eps", "path", low=0.0, low_inclusive=False, high=1.0)
    dataset, X, y, task, _ = load_data(args)
    problems = binary_problems(y, task)
    multiclass = len(problems) > 1
    penalty = penalty_from_args(args.penalty, 1.0, args)
    alphas = None
    if multiclass:  # one grid for every class: the top is the largest alpha_max
        top = max(
            alpha_max(X, target, datafit, penalty, fit_intercept=True)
            for datafit, target in problems
        )
        alphas = alpha_grid(top, eps=args.eps, n_alphas=args.n_alphas, owner="lpreg path")
    paths = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for datafit, target in problems:
            paths.append(
                regularization_path(
                    X,
                    target,
                    datafit=datafit,
                    penalty=penalty,
                    alphas=alphas,
                    eps=args.eps,
                    n_alphas=args.n_alphas,
                    fit_intercept=True,
                    tol=args.tol,
                )
            )
    names = list(dataset.feature_names)
    classes = positive_classes(y, task) if multiclass else [None]
    coefs = [np.asarray(path.coefs) for path in paths]
    per_class = {
        "n_nonzero": [path.n_nonzero.tolist() for path in paths],
        "objectives": [path.objectives.tolist() for path in paths],
        "certificates": [path.certificates.tolist() for path in paths],
        "converged": [path.converged.tolist() for path in paths],
        "intercepts": [path.intercepts.tolist() for path in paths],
        "coefs": [c.tolist() for c in coefs],
    }
    if not multiclass:
        per_class = {key: value[0] for key, value in per_class.items()}
    entering = []
    for cls, coef in zip(classes, coefs, strict=True):
        entering += _entering(coef, paths[0].alphas, names, cls)
    report = {
        "data": data_block(dataset, X, y, task, standardize=bool(args.standardize)),
        "datafit": type(problems[0][0]).__name__,
        "penalty": penalty_label(penalty),
        "tol": args.tol,
        "certificate": paths[0].certificate,
        "classes": classes if multiclass else None,
        "alphas": paths[0].alphas.tolist(),
        **per_class,
        "feature_names": names,
        "entering": entering,
        "warnings": warning_messages(caught),
        "plot": args.plot,
    }
    return report, paths


def format_path(report):
    """The text ``lpreg path`` prints for a :func:`path_report` report."""
    data = report["data"]
    alphas = report["alphas"]
    classes = report["classes"]
    scaled = "standardised" if data["standardize"] else "as given"
    kind = report["certificate"].replace("_", " ")
    how = "warm-started"
    if classes is not None:
        how += f"; one-vs-rest, one path per class ({len(classes)} classes), one alpha grid"
    lines = [
        f"lpreg path: {data['description']}",
        f"{report['datafit']} + {report['penalty']} with alpha along the grid, features "
        f"{scaled}; {len(alphas)} alphas from alpha_max = {alphas[0]:.6g}, {how}",
        "",
    ]
    keys = ("n_nonzero", "objectives", "certificates", "converged")
    if classes is None:
        blocks = [(None, [report[key] for key in keys])]
        width = 0
    else:
        blocks = [(cls, [report[key][c] for key in keys]) for c, cls in enumerate(classes)]
        width = max(7, *(len(str(cls)) + 2 for cls in classes))
    head = f"{'class':<{width}}" if width else ""
    lines.append(
        f"{head}{'k':>4}{'alpha':>13}{'alpha/max':>11}{'non-zeros':>11}{'objective':>16}"
        f"{kind:>16}{'converged':>11}"
    )
    lines.append("-" * len(lines[-1]))
    for cls, columns in blocks:
        rows = zip(alphas, *columns, strict=True)
        for k, (alpha, nonzero, objective, certificate, converged) in enumerate(rows):
            cell = f"{cls!s:<{width}}" if width else ""
            lines.append(
                f"{cell}{k:>4}{alpha:>13.6g}{alpha / alphas[0]:>11.4g}{nonzero:>11d}"
                f"{objective:>16.10g}{certificate:>16.2e}{'yes' if converged else 'no':>11}"
            )
    lines += ["", "features in the order they enter (k: first alpha index where non-zero):"]
    for cls in classes or [None]:
        entering = [
            f"{e['feature']} (k={e['index']})" for e in report["entering"] if e.get("class") == cls
        ]
        prefix = "  " if cls is None else f"  class {cls}: "
        lines.append(prefix + (", ".join(entering) if entering else "none"))
    entered = {e["feature"] for e in report["entering"]}
    never = [name for name in report["feature_names"] if name not in entered]
    if never:
        more = f" and {len(never) - 20} more" if len(never) > 20 else ""
        where = "" if classes is None else " in any class"
        lines.append(f"never non-zero{where} ({len(never)}): {', '.join(never[:20])}{more}")
    lines += [f"warning: {message}" for message in report["warnings"]]
    if report["plot"]:
        lines.append(f"plot: {report['plot']}")
    return "\n".join(lines)


def run(args):
    """The handler of ``lpreg path``."""
    report, paths = path_report(args)
    if args.plot is not None:
        plotting, Figure = import_plotting("path")
        classes = report["classes"] or [None]
        n_columns = min(len(classes), 2)
        n_rows = -(-len(classes) // n_columns)
        figure = Figure(figsize=(7.0 * n_columns, 4.5 * n_rows))
        for index, (cls, path) in enumerate(zip(classes, paths, strict=True)):
            ax = figure.add_subplot(n_rows, n_columns, index + 1)
            plotting.plot_path(path, feature_names=report["feature_names"], ax=ax)
            title = f"Regularization path: {report['penalty']}, {report['data']['name']}"
            ax.set_title(title if cls is None else f"{title}, class {cls} vs rest")
        figure.tight_layout()
        figure.savefig(args.plot, dpi=args.dpi)
    print(json.dumps(report, indent=1) if args.format == "json" else format_path(report))
    return 0
