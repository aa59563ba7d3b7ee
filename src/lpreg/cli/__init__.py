"""The ``lpreg`` command: ``demo``, ``compare``, ``fit``, ``path`` and ``plot``.

``lpreg compare`` (:mod:`lpreg.cli._compare`) tunes L1, L2, Elastic Net and Lp models by
cross-validation on a train/test split and prints one table (:mod:`lpreg.cli._table`), with
``--report FILE.html`` also a self-contained HTML report (:mod:`lpreg.report`);
``lpreg fit`` (:mod:`lpreg.cli._fit`) fits one model on all rows, ``lpreg path``
(:mod:`lpreg.cli._path`) solves a regularization path, ``lpreg plot``
(:mod:`lpreg.cli._plot`) draws the geometry figures and ``lpreg demo``
(:mod:`lpreg.cli._demo`) shows the solvers' certificates on the diabetes data.

Layout: :mod:`lpreg.cli._parser` declares every option, :mod:`lpreg.cli._data` holds the
input checks, data loading and the task (regression, or classification solved one-vs-rest)
that the subcommands share, :mod:`lpreg.cli._models` the per-model work of ``compare`` (its
estimators, alpha grids, CV and refit tasks, run in worker processes with ``--jobs``) and
:mod:`lpreg.cli._selection` the selected sets, their bootstrap stability and the correlated
groups.  Each module imports numpy, scikit-learn and lpreg's solvers only inside the functions
that use them, so ``lpreg --help`` stays fast.
"""

from __future__ import annotations

import sys

from lpreg.cli._compare import compare
from lpreg.cli._models import alpha_scale, alpha_scales, make_estimator
from lpreg.cli._selection import bootstrap_rows, correlated_groups, jaccard
from lpreg.cli._table import format_table, table_header, table_notes, table_rows

__all__ = [
    "alpha_scale",
    "alpha_scales",
    "bootstrap_rows",
    "compare",
    "correlated_groups",
    "format_table",
    "jaccard",
    "main",
    "make_estimator",
    "table_header",
    "table_notes",
    "table_rows",
]


def main(argv=None):
    """Entry point of the ``lpreg`` console script; returns the exit code.

    Bad input (a ValueError, TypeError, OSError or ImportError raised before or during the
    work) prints one line, ``lpreg: error: ...``, on stderr and returns 2.
    """
    from lpreg.cli._parser import build_parser

    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (OSError, ImportError, ValueError, TypeError) as exc:
        message = " ".join(str(exc).split())
        print(f"lpreg: error: {message}", file=sys.stderr)
        return 2
