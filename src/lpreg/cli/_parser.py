"""The ``lpreg`` argument parser: every subcommand's options and the handler it runs."""

from __future__ import annotations

import argparse
import sys


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line: ``lpreg: error: ...``, exit code 2."""

    def error(self, message):
        print(f"lpreg: error: {message} (see `{self.prog} --help`)", file=sys.stderr)
        sys.exit(2)


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


def _add_demo(subparsers):
    from lpreg.cli import _demo

    demo = subparsers.add_parser(
        "demo", help="fit L1/EN/L2/Lp on built-in data, print certificates"
    )
    demo.add_argument(
        "--alpha-ratio",
        type=float,
        default=0.05,
        help="alpha as a fraction of the L1 alpha_max (default 0.05)",
    )
    demo.set_defaults(handler=_demo.run)


def _add_compare(subparsers):
    from lpreg.cli import _compare
    from lpreg.cli._data import MAX_CLASSES_AUTO
    from lpreg.cli._models import GRID_RATIO, N_ALPHAS, N_BOOTSTRAP, N_FOLDS

    compare = subparsers.add_parser(
        "compare",
        help="L1 / L2 / Elastic Net / Lp tuned by CV on a train/test split: one table",
        description=(
            "Tune L1, L2, Elastic Net (alpha and l1_ratio) and Lp (alpha and p) models by "
            "5-fold CV on the training rows of scikit-learn's diabetes data (default) or your "
            "own file, and print one table: held-out error, selected features, their "
            "stability over bootstrap resamples, correlated groups kept, times, certificates."
        ),
    )
    compare.add_argument(
        "--data", metavar="FILE", help="a .csv (with --target), .npz (X, y) or .parquet file"
    )
    compare.add_argument("--target", metavar="COLUMN", help="target column of --data")
    compare.add_argument(
        "--demo",
        choices=("diabetes", "correlated"),
        default="diabetes",
        help="built-in data when no --data is given (default diabetes)",
    )
    compare.add_argument(
        "--task",
        choices=("auto", "regression", "classification"),
        default="auto",
        help="auto: classification for a text target or an integer one with at most "
        f"{MAX_CLASSES_AUTO} distinct values",
    )
    compare.add_argument(
        "--test-size", type=float, default=0.25, help="test fraction in (0, 1) (default 0.25)"
    )
    compare.add_argument(
        "--random-state", type=int, default=0, help="seed of the split and the CV folds (0)"
    )
    compare.add_argument(
        "--alphas",
        default="cv",
        metavar="cv|RATIO",
        help=f"cv: {N_FOLDS}-fold CV over {N_ALPHAS} alphas from alpha_max to "
        f"{GRID_RATIO:g} alpha_max (default); RATIO in (0, 1]: alpha = RATIO * alpha_max",
    )
    compare.add_argument(
        "--format", choices=("table", "json"), default="table", help="output (default table)"
    )
    compare.add_argument(
        "--bootstrap",
        type=int,
        default=N_BOOTSTRAP,
        metavar="N",
        help=f"bootstrap resamples for the stability column (default {N_BOOTSTRAP}; 0: skip)",
    )
    compare.add_argument(
        "--report",
        metavar="FILE.html",
        help="also write one self-contained HTML report (table and figures; needs matplotlib)",
    )
    compare.add_argument(
        "--jobs",
        type=int,
        default=_compare.default_jobs(),
        metavar="N",
        help="worker processes for the models' CV and refits (default "
        f"{_compare.default_jobs()}: min(2, CPU cores); 1: all in this process; the numbers "
        "do not depend on it)",
    )
    compare.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: when stderr is a terminal)",
    )
    compare.set_defaults(handler=_compare.run)


def _add_fit(subparsers):
    from lpreg.cli import _fit

    fit = subparsers.add_parser(
        "fit",
        help="fit one model on all rows; print its coefficients, optionally save it",
        description="Fit one penalised model on every row of built-in or user data and print "
        "its objective, alpha, certificate and coefficients (non-zeros first).",
    )
    _add_data_options(fit)
    _add_model_options(fit, _fit.FIT_PENALTIES, "l1")
    strength = fit.add_mutually_exclusive_group()
    strength.add_argument("--alpha", type=float, help="the estimator's alpha, >= 0")
    strength.add_argument(
        "--alpha-ratio",
        type=float,
        help="alpha = RATIO * alpha_max (default 0.1; alpha_max: see `lpreg fit` docs)",
    )
    fit.add_argument("--max-iter", type=int, default=1000, help="solver iterations (1000)")
    fit.add_argument("--save", metavar="FILE", help="write the fitted model with joblib")
    fit.set_defaults(handler=_fit.run, command="fit")


def _add_path(subparsers):
    from lpreg.cli import _path
    from lpreg.cli._fit import FIT_PENALTIES

    path = subparsers.add_parser(
        "path",
        help="a warm-started regularization path: one row per alpha (per class: one-vs-rest)",
        description="Solve a regularization path (lpreg.path.regularization_path) from "
        "alpha_max down to eps * alpha_max and print alpha, non-zeros, objective and "
        "certificate per point and the order in which the features enter; a multiclass "
        "target gets one path per class (one-vs-rest, as `lpreg fit`), on one alpha grid.",
    )
    _add_data_options(path)
    _add_model_options(path, FIT_PENALTIES, "l1")
    path.add_argument("--n-alphas", type=int, default=20, help="grid size (20)")
    path.add_argument("--eps", type=float, default=1e-3, help="alpha_min / alpha_max (1e-3)")
    path.add_argument("--plot", metavar="FILE", help="save plot_path's figure (.png/.svg/.pdf)")
    path.add_argument("--dpi", type=int, default=120, help="resolution of a .png (120)")
    path.set_defaults(handler=_path.run, command="path")


def _add_plot(subparsers):
    from lpreg.cli import _plot

    plot = subparsers.add_parser(
        "plot",
        help="geometry figures: unit balls (2-D, 3-D), thresholding, constrained solutions",
        description="Draw a geometry figure of lpreg.plotting to a .png, .svg or .pdf file.",
    )
    plot.add_argument("kind", choices=_plot.PLOT_KINDS, help="which figure")
    plot.add_argument("--output", "-o", required=True, metavar="FILE", help=".png/.svg/.pdf")
    plot.add_argument(
        "--p",
        type=_plot.parse_p,
        nargs="+",
        help="the exponents (inf allowed for balls/constrained); defaults: balls 0.5 1 2 4 "
        "inf, balls3d 0.5 1 2 inf, thresholding (Lp curves) 0.5, constrained 1 2",
    )
    plot.add_argument("--radius", type=float, default=1.5, help="constrained: ball radius")
    plot.add_argument("--dpi", type=int, default=120, help="resolution of a .png (120)")
    plot.set_defaults(handler=_plot.run, command="plot")


def build_parser():
    """The ``lpreg`` parser: ``demo``, ``compare``, ``fit``, ``path`` and ``plot``."""
    parser = _Parser(
        prog="lpreg", description="Norm-regularized learning: L1, L2, Elastic Net, Lp."
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for add in (_add_demo, _add_compare, _add_fit, _add_path, _add_plot):
        add(subparsers)
    return parser
