r"""``lpreg fit``: one model on every row of built-in or user data.

It prints the model's objective, alpha, certificate and coefficients (non-zeros first, by
decreasing magnitude); ``--save`` writes it with joblib.

Data: ``--data FILE`` (``.csv`` with ``--target``, ``.npz``, ``.parquet``; see
:func:`lpreg.datasets.load_file`) or ``--demo diabetes|correlated``.  The task is
classification for a text target or an integer one with at most 10 distinct values
(``lpreg compare``'s rule), regression otherwise; a classification target is fitted
one-vs-rest (:class:`lpreg.LogisticRegression` with ``multi_class="ovr"``), as ``lpreg path``
and ``lpreg compare`` do.  With ``--standardize`` (the default) the columns are standardised
by ``StandardScaler`` (``with_mean=False`` for sparse ``X``) fitted on all rows, the
coefficients are those of the standardised columns, and ``--save`` writes the
``Pipeline(StandardScaler, estimator)`` so that ``joblib.load(file).predict(X_raw)`` works.

Strengths.  ``--alpha A`` is the estimator's own ``alpha``; ``--alpha-ratio R`` gives
``alpha = R * alpha_max`` with ``alpha_max`` = :func:`lpreg.path.alpha_max` of the penalty at
``alpha = 1`` (maximised over the one-vs-rest problems for classification): exactly the
smallest alpha giving ``w = 0`` for L1, Elastic Net, MCP and SCAD, L1's value for L2 and Lp
(no finite kink at 0), times ``n_samples`` for :class:`lpreg.Ridge`, whose ``alpha``
multiplies :math:`\|w\|^2` against the *sum* of squared residuals.
"""

from __future__ import annotations

import json
import warnings

from lpreg.cli._data import (
    binary_problems,
    certificate,
    check_model_options,
    check_output,
    data_block,
    load_data,
)

FIT_PENALTIES = ("l1", "l2", "elasticnet", "lp", "mcp", "scad")
GAMMA = {"mcp": 3.0, "scad": 3.7}


def penalty_from_args(name, alpha, args):
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


def penalty_label(penalty):
    """``L1``, ``ElasticNet(l1_ratio=0.5)``, ``Lp(p=0.5)``: the penalty without its alpha."""
    import dataclasses

    fields = [f.name for f in dataclasses.fields(penalty) if f.name != "alpha"]
    inside = ", ".join(f"{name}={getattr(penalty, name):g}" for name in fields)
    return type(penalty).__name__ + (f"({inside})" if inside else "")


def fit_alpha_max(X, y, task, name, args):
    """``alpha_max`` of ``lpreg fit --alpha-ratio`` in the estimator's own units (module doc)."""
    from lpreg.path import alpha_max

    penalty = penalty_from_args(name, 1.0, args)
    top = max(
        alpha_max(X, target, datafit, penalty, fit_intercept=True)
        for datafit, target in binary_problems(y, task)
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
    for k, (_, target) in enumerate(binary_problems(y, task)):
        z = np.asarray(X @ coef[k]).ravel() + intercept[k]
        if task == "regression":
            residual = target - z
            if name == "l2":  # Ridge: sum of squares + alpha ||w||^2
                values.append(float(residual @ residual + model.alpha * coef[k] @ coef[k]))
                continue
            loss = 0.5 * float(np.mean(residual**2))
        else:
            loss = float(np.mean(np.logaddexp(0.0, -target * z)))
        values.append(loss + float(penalty_from_args(name, model.alpha, args).value(coef[k])))
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


def warning_messages(caught):
    return sorted({" ".join(str(w.message).split()) for w in caught})


# ---- lpreg fit -------------------------------------------------------------------------------
def fit_report(args):
    """Fit the model ``lpreg fit`` describes; return ``(report dict, fitted model to save)``."""
    import numpy as np
    from sklearn.pipeline import make_pipeline

    check_model_options(args)
    if args.save is not None:
        check_output(args.save, "--save", "fit", None)
    dataset, X, y, task, scaler = load_data(args)
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
    kind, value = certificate(model)
    coef = np.atleast_2d(np.asarray(model.coef_, dtype=np.float64))
    report = {
        "data": data_block(dataset, X, y, task, standardize=bool(args.standardize)),
        "estimator": type(model).__name__,
        "params": model.get_params(),
        "penalty": name,
        "alpha": float(alpha),
        "alpha_max": top,
        "alpha_ratio": ratio,
        "objective": _objectives(model, X, y, task, name, args),
        "objective_formula": objective_formula(task, name),
        "certificate": kind,
        "certificate_value": value,
        "converged": bool(np.all(model.converged_)),
        "solver": model.solver_,
        "n_nonzero": int(np.count_nonzero(coef)),
        "score": float(model.score(X, y)),
        "score_name": "R2" if task == "regression" else "accuracy",
        "feature_names": list(dataset.feature_names),
        "coef": coef.tolist(),
        "intercept": np.atleast_1d(np.asarray(model.intercept_, dtype=np.float64)).tolist(),
        "warnings": warning_messages(caught),
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


def run(args):
    import joblib

    report, saved = fit_report(args)
    if args.save is not None:
        joblib.dump(saved, args.save)
    print(json.dumps(report, indent=1) if args.format == "json" else format_fit(report))
    return 0
