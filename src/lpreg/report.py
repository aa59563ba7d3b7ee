"""The self-contained HTML report of ``lpreg compare --report FILE.html``.

:func:`write_report` writes ONE file: the comparison table with its column definitions, then
the figures as base64 PNG ``<img>`` elements (regularization paths, cross-validation curves,
coefficient comparison, Lp unit balls, constrained solutions on two features of the user's
data, thresholding functions).  Nothing is fetched from the network: no external URL, no
remote script or font.  A small inline script sets ``data-figures-loaded="k/n"`` on
``<body>`` once the page has loaded, ``k`` being the number of images the browser decoded
(``naturalWidth > 0``), so a headless browser can check the figures render.

Needs matplotlib (``pip install 'lpreg[plot]'``); figures are drawn on
:class:`matplotlib.figure.Figure` objects with the Agg canvas, never through pyplot's global
state.
"""

from __future__ import annotations

import base64
import html
import io
from types import SimpleNamespace

import numpy as np

try:
    import matplotlib  # noqa: F401
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "lpreg compare --report needs matplotlib: pip install 'lpreg[plot]'"
    ) from error

__all__ = ["figures", "render_html", "write_report"]

N_COEFFICIENTS_SHOWN = 25
N_PATH_FEATURES = 30

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.8em; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: right; }
th { background: #f3f3f3; } td.text, th.text { text-align: left; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: 0.85em; color: #555; }
ul.notes { font-size: 0.85em; color: #444; } p.meta { font-size: 0.9em; color: #444; }
"""

_SCRIPT = """
window.addEventListener("load", function () {
  var images = document.images, decoded = 0;
  for (var i = 0; i < images.length; i++) {
    if (images[i].complete && images[i].naturalWidth > 0) { decoded++; }
  }
  document.body.setAttribute("data-figures-loaded", decoded + "/" + images.length);
});
"""


def _new_figure(width, height):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _png(figure):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _paths_figure(report):
    from lpreg.plotting import plot_path

    paths = report["_figures"]["paths"]
    names = report["data"]["feature_names"]
    figure = _new_figure(11, 7)
    axes = figure.subplots(2, 2).ravel()
    for ax, model in zip(axes, report["models"], strict=True):
        path = paths[model["penalty"]]
        # the N_PATH_FEATURES largest curves (over the grid): a readable, fast figure
        top = np.sort(np.argsort(-np.abs(path.coefs).max(axis=1), kind="stable")[:N_PATH_FEATURES])
        shown = SimpleNamespace(alphas=path.alphas, coefs=path.coefs[top])
        plot_path(shown, feature_names=[names[j] for j in top], n_labels=5, ax=ax)
        ax.axvline(model["penalty_alpha"], color="k", linestyle=":", linewidth=1)
        ax.set_title(f"{model['penalty']} ({_value_label(model)}): chosen alpha dotted")
    return figure


def _value_label(model):
    if model["l1_ratio"] is not None:
        return f"l1_ratio={model['l1_ratio']:g}"
    if model["p"] is not None:
        return f"p={model['p']:g}"
    return "alpha only"


def _cv_figure(report):
    loss = "log-loss" if report["data"]["task"] == "classification" else "MSE"
    figure = _new_figure(11, 7)
    axes = figure.subplots(2, 2).ravel()
    for ax, model in zip(axes, report["models"], strict=True):
        grids = np.asarray(model["alpha_grids"])
        mean, se = np.asarray(model["cv_mean"]), np.asarray(model["cv_se"])
        for k, value in enumerate(model["grid_values"]):
            label = {"elasticnet": "l1_ratio", "lp": "p"}.get(model["penalty_name"])
            label = "mean" if label is None else f"{label}={value:g}"
            line = ax.plot(grids[k], mean[k], label=label, linewidth=1.3)[0]
            ax.fill_between(
                grids[k], mean[k] - se[k], mean[k] + se[k], color=line.get_color(), alpha=0.15
            )
        best = model["value_index"], model["alpha_index"]
        ax.plot([grids[best]], [mean[best]], "ko", label="chosen")
        ax.set_xscale("log")
        ax.set_xlim(grids.max(), grids.min())
        ax.set_xlabel("alpha (penalty units)")
        ax.set_ylabel(f"CV {loss} (mean ± s.e.)")
        ax.set_title(model["penalty"])
        ax.legend(fontsize=7)
    return figure


def _coefficients_figure(report):
    from lpreg.plotting import plot_coefficients

    names = np.asarray(report["data"]["feature_names"])
    coefs = {}
    for model in report["models"]:
        rows = np.atleast_2d(np.asarray(model["coef"], dtype=np.float64))
        largest = np.argmax(np.abs(rows), axis=0)  # per feature, its largest one-vs-rest row
        coefs[model["penalty"]] = rows[largest, np.arange(rows.shape[1])]
    magnitude = np.max(np.abs(np.stack(list(coefs.values()))), axis=0)
    shown = np.sort(np.argsort(-magnitude, kind="stable")[:N_COEFFICIENTS_SHOWN])
    figure = _new_figure(11, 4)
    ax = figure.subplots()
    plot_coefficients(
        {label: coef[shown] for label, coef in coefs.items()}, feature_names=names[shown], ax=ax
    )
    ax.set_title(
        f"Coefficients on standardised features ({shown.shape[0]} of {names.shape[0]} "
        "shown: largest |coefficient| over the models)"
    )
    for label in ax.get_xticklabels():
        label.set_rotation(60)
        label.set_horizontalalignment("right")
    return figure


def _reduced_least_squares(X, y):
    r"""Three rows ``(X_3, y_3)`` with the same least-squares loss as ``(X, y)`` for every ``w``.

    With the thin QR factorisation :math:`X = QR` (``X`` of shape ``(n, 2)``), :math:`c = Q^\top
    y` and :math:`r = \|y - Qc\|^2`, :math:`\|y - Xw\|^2 = \|c - Rw\|^2 + r`, so

    .. math:: X_3 = \sqrt{3/n} \begin{bmatrix} R \\ 0 \end{bmatrix}, \quad
        y_3 = \sqrt{3/n} \begin{bmatrix} c \\ \sqrt{r} \end{bmatrix}

    give :math:`\tfrac{1}{6}\|y_3 - X_3 w\|^2 = \tfrac{1}{2n}\|y - Xw\|^2`: the same contours,
    least-squares point and constrained solutions, drawn without the ``(n, 301^2)`` residual
    matrix the grid of :func:`lpreg.plotting.plot_constrained_solution` would build for ``n``
    rows (3.3 GB for we8there's 4624 training rows).
    """
    n = X.shape[0]
    if n <= 3:
        return X, y
    Q, R = np.linalg.qr(X)
    c = Q.T @ y
    rest = float(np.sum((y - Q @ c) ** 2))
    scale = np.sqrt(3.0 / n)
    X_3 = scale * np.vstack([R, np.zeros((1, 2))])
    y_3 = scale * np.concatenate([c, [np.sqrt(rest)]])
    return X_3, y_3


def _geometry_figure(report):
    import lpreg
    from lpreg.plotting import plot_constrained_solution, plot_thresholding, plot_unit_balls

    data = report["_figures"]
    X, y = data["X_train"], data["y_train"]
    names = report["data"]["feature_names"]
    lasso = next(m for m in report["models"] if m["penalty_name"] == "l1")
    magnitude = np.abs(np.atleast_2d(np.asarray(lasso["coef"]))).max(axis=0)
    pair = np.sort(np.argsort(-magnitude, kind="stable")[:2])
    if pair.shape[0] < 2:  # a single feature: nothing two-dimensional to show
        pair = np.array([0, 0])
    two = X[:, pair]
    two = np.asarray(two.todense()) if hasattr(two, "todense") else np.asarray(two)
    two = (two - two.mean(axis=0)) / np.where(two.std(axis=0) > 0, two.std(axis=0), 1.0)
    if report["data"]["task"] == "classification":
        target = (np.asarray(y) == np.unique(y)[-1]).astype(np.float64)
    else:
        target = np.asarray(y, dtype=np.float64)
    target = target - target.mean()
    two, target = _reduced_least_squares(two, target)
    least_squares = np.linalg.lstsq(two, target, rcond=None)[0]
    radius = max(0.5 * float(np.abs(least_squares).sum()), 1e-3)
    figure = _new_figure(14, 7)
    top, bottom = figure.subfigures(2, 1)
    axes = top.subplots(1, 4)
    plot_unit_balls(ax=axes[0])
    for ax, p in zip(axes[1:], (0.5, 1.0, 2.0), strict=True):
        plot_constrained_solution(two, target, p=p, radius=radius, ax=ax)
        ax.set_xlabel(f"$w$ of {names[pair[0]]}")
        ax.set_ylabel(f"$w$ of {names[pair[1]]}")
    ax = bottom.subplots(1, 1)
    penalties = {
        "L1": lpreg.L1(1.0),
        "L2": lpreg.L2(1.0),
        "Elastic Net (l1_ratio=0.5)": lpreg.penalties.ElasticNet(1.0, l1_ratio=0.5),
        "Lp (p=0.5)": lpreg.Lp(1.0, p=0.5),
        "Lp (p=1.5)": lpreg.Lp(1.0, p=1.5),
    }
    plot_thresholding(penalties, ax=ax)
    ax.set_title("Thresholding: prox of each penalty with alpha = 1, step = 1")
    return figure, [names[j] for j in pair], radius


def figures(report):
    """``[(title, caption, base64 PNG)]`` for a :func:`lpreg.cli.compare` report.

    ``report`` must come from ``compare(..., keep_paths=True)`` (its ``"_figures"`` entry).
    """
    import warnings

    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # tight layouts on tiny panels
        out.append(
            (
                "Regularization paths",
                "Coefficients of the standardised features along each model's alpha grid, "
                "fitted on all training rows (first one-vs-rest problem for classification; "
                f"the {N_PATH_FEATURES} features of largest |coefficient| on the grid); the "
                "dotted line is the chosen alpha.",
                _png(_paths_figure(report)),
            )
        )
        if report["alpha_rule"]["rule"] == "cv":
            out.append(
                (
                    "Cross-validation curves",
                    "Mean validation loss over the folds ± one standard error, for every "
                    "l1_ratio / p of the joint grid; the dot is the chosen point.",
                    _png(_cv_figure(report)),
                )
            )
        out.append(
            (
                "Coefficient comparison",
                "Each model's coefficients side by side (largest |coefficient| over the "
                "one-vs-rest rows for multiclass).",
                _png(_coefficients_figure(report)),
            )
        )
        geometry, pair, radius = _geometry_figure(report)
        out.append(
            (
                "Geometry",
                "Top left: the unit balls ||w||_p = 1. Then least-squares contours on the two "
                f"features L1 weighs most ({pair[0]}, {pair[1]}; standardised, target "
                f"centred) touching the balls ||w||_p <= {radius:.3g} for p = 0.5, 1, 2: L1 "
                "and p < 1 land on a corner (a zero weight), L2 anywhere. Bottom: each "
                "penalty's thresholding function.",
                _png(geometry),
            )
        )
    return out


def _table_html(report):
    from lpreg.cli import table_header, table_rows

    text_columns = {0, 1, 5}
    head = "".join(
        f'<th class="{"text" if k in text_columns else "num"}">{html.escape(name)}</th>'
        for k, name in enumerate(table_header(report))
    )
    body = []
    for model, cells in zip(report["models"], table_rows(report), strict=True):
        row = []
        for k, cell in enumerate(cells):
            title = ""
            if k == 5 and model["selected"]:
                title = f' title="{html.escape(", ".join(model["selected"]))}"'
            row.append(
                f'<td class="{"text" if k in text_columns else "num"}"{title}>'
                f"{html.escape(cell)}</td>"
            )
        body.append("<tr>" + "".join(row) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def render_html(report, figure_list):
    """The report page as a string: table, column definitions, then ``figure_list``."""
    from lpreg.cli import table_notes

    data, split, rule = report["data"], report["split"], report["alpha_rule"]
    notes = "".join(f"<li>{html.escape(note)}</li>" for note in table_notes(report))
    sections = "".join(
        f"<h2>{html.escape(title)}</h2><figure>"
        f'<img alt="{html.escape(title)}" src="data:image/png;base64,{png}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        for title, caption, png in figure_list
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f"<title>lpreg compare: {html.escape(data['name'])}</title>"
        f"<style>{_STYLE}</style><script>{_SCRIPT}</script></head>"
        "<body>"
        f"<h1>lpreg compare: {html.escape(data['name'])}</h1>"
        f'<p class="meta">{html.escape(data["description"])}. Task: {data["task"]}; '
        f"{split['n_train']} training / {split['n_test']} test rows (test size "
        f"{split['test_size']:g}, random state {split['random_state']}); features "
        "standardised on the training rows.</p>"
        f'<p class="meta">Tuning: {html.escape(rule["text"])}.</p>'
        f"{_table_html(report)}"
        f'<ul class="notes">{notes}</ul>'
        f"{sections}"
        "</body></html>\n"
    )


def write_report(report, path):
    """Draw the figures of ``report`` and write the HTML page to ``path`` (UTF-8)."""
    page = render_html(report, figures(report))
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(page)
    return path
