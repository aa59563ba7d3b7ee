"""The table ``lpreg compare`` prints (and the HTML report shows) for a compare report.

:func:`table_header` and :func:`table_rows` give the cells, :func:`table_notes` defines each
column in sentences, :func:`format_table` lays them out as text.
"""

from __future__ import annotations

import textwrap


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
        "model's cross-validation (numba compilation included; the sum over its tasks when "
        "they ran in parallel worker processes, --jobs)."
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
