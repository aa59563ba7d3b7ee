"""What every ``lpreg`` subcommand shares: input checks, data loading, the task, one-vs-rest.

The task is classification for a text target or an integer one with at most
:data:`MAX_CLASSES_AUTO` distinct values, regression otherwise (``--task`` overrides it).
A classification target is solved one-vs-rest: :func:`binary_problems` gives one logistic
problem per class (one for two classes), as :class:`lpreg.LogisticRegression` with
``multi_class="ovr"`` does.
"""

from __future__ import annotations

import math
import os

MAX_CLASSES_AUTO = 10
PLOT_HINT = 'pip install "lpreg[plot]"'


# ---- checks, run before any work -----------------------------------------------------------
def check_output(path, option, command, suffixes):
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


def check_report_path(path):
    """``lpreg compare --report``: a writable file name in an existing folder."""
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


def check_number(value, option, command, *, low, low_inclusive=True, high=math.inf, finite=True):
    """Return ``value`` if in range (finite unless ``finite=False``), else a ValueError."""
    ok = (low <= value if low_inclusive else low < value) and value <= high
    if not ok or (finite and not math.isfinite(value)):
        if math.isfinite(high):
            allowed = f"in {'[' if low_inclusive else '('}{low:g}, {high:g}]"
        else:
            allowed = f"{'>=' if low_inclusive else '>'} {low:g}" + (" and finite" * finite)
        raise ValueError(f"lpreg {command}: {option} must be {allowed}, got {value:g}.")
    return value


def check_model_options(args):
    """The numeric model options of ``lpreg fit`` / ``lpreg path``, before any work."""
    command = args.command
    if getattr(args, "alpha", None) is not None:
        check_number(args.alpha, "--alpha", command, low=0.0)
    if getattr(args, "alpha_ratio", None) is not None:
        check_number(args.alpha_ratio, "--alpha-ratio", command, low=0.0)
    check_number(args.l1_ratio, "--l1-ratio", command, low=0.0, high=1.0)
    check_number(args.p, "--p", command, low=0.0, low_inclusive=False)
    if args.gamma is not None:
        check_number(args.gamma, "--gamma", command, low=1.0, low_inclusive=False)


def import_plotting(command):
    """``(lpreg.plotting, matplotlib.figure.Figure)``, or a one-line ImportError with the hint."""
    try:
        from matplotlib.figure import Figure

        import lpreg.plotting as plotting
    except ImportError:
        raise ImportError(f"lpreg {command}: drawing needs matplotlib: {PLOT_HINT}") from None
    return plotting, Figure


# ---- the task --------------------------------------------------------------------------------
def resolve_task(y, requested, dataset, command="compare"):
    """``"regression"`` or ``"classification"`` for target ``y`` (``requested`` may be "auto")."""
    import numpy as np

    kind = y.dtype.kind
    if requested == "regression":
        if kind not in "fiub":
            raise ValueError(
                f"lpreg {command}: --task regression needs a numeric target, but "
                f"{dataset.target_name!r} of {dataset.name} holds text (e.g. {y[0]!r})."
            )
        return "regression"
    if requested == "classification":
        if kind == "f" and not np.all(y == np.round(y)):
            raise ValueError(
                f"lpreg {command}: --task classification needs class labels, but target "
                f"{dataset.target_name!r} of {dataset.name} holds non-integer numbers; use "
                "--task regression."
            )
        return "classification"
    if kind in "USOb":
        return "classification"
    if kind in "iu" and np.unique(y).shape[0] <= MAX_CLASSES_AUTO:
        return "classification"
    return "regression"


def binary_problems(y, task):
    """The (datafit, target) pairs the estimators solve: one, or one per class (one-vs-rest).

    Regression: ``[(Quadratic(), y)]``.  Classification with classes ``c_0 < ... < c_{K-1}``:
    ``(Logistic(), where(y == c, 1, -1))`` for ``c = c_1`` when ``K = 2`` and for every class
    otherwise, in sorted order (the rows of a one-vs-rest ``coef_``).
    """
    import numpy as np

    import lpreg

    if task == "regression":
        return [(lpreg.Quadratic(), np.asarray(y, dtype=np.float64))]
    classes = np.unique(y)
    positives = classes[1:] if classes.shape[0] == 2 else classes
    return [(lpreg.Logistic(), np.where(y == c, 1.0, -1.0)) for c in positives]


def positive_classes(y, task):
    """The class of each :func:`binary_problems` entry (None for regression)."""
    import numpy as np

    if task == "regression":
        return [None]
    classes = np.unique(y)
    positives = classes[1:] if classes.shape[0] == 2 else classes
    return [c.item() if hasattr(c, "item") else c for c in positives]


def data_block(dataset, X, y, task, **extra):
    """The ``data`` block of the JSON reports of ``lpreg compare``, ``fit`` and ``path``: the
    dataset, its size, target and classes (None for regression), then ``extra``."""
    import numpy as np

    block = {
        "name": dataset.name,
        "description": dataset.description,
        "n_samples": int(X.shape[0]),
        "n_features": int(X.shape[1]),
        "target": dataset.target_name,
        "task": task,
        "classes": np.unique(y).tolist() if task == "classification" else None,
    }
    block.update(extra)
    return block


def certificate(model):
    """``(kind, value)``: the largest relative duality gap of a fitted estimator, or its KKT
    violation when a gap is not available (non-convex penalties)."""
    import numpy as np

    gap = model.dual_gap_
    gap = None if gap is None else np.asarray(gap, dtype=np.float64)
    if gap is not None and np.all(np.isfinite(gap)):
        return "duality gap", float(np.max(gap))
    return "KKT violation", float(np.max(model.kkt_violation_))


# ---- data of lpreg fit / path ----------------------------------------------------------------
def load_data(args):
    """``(dataset, X, y, task, scaler)``: X standardised when asked (scaler None otherwise)."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.preprocessing import StandardScaler

    from lpreg import datasets

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
    task = resolve_task(y, args.task, dataset, command)
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
