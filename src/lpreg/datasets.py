"""Built-in demo data, a synthetic correlated design, and a loader for the user's files.

* :func:`load_diabetes` — scikit-learn's diabetes data, read from the installed package (no
  network).
* :func:`make_correlated` — a Gaussian design with blocks of equicorrelated columns and a
  sparse true coefficient vector: the setting where L1, L2, Elastic Net and Lp differ most.
* :func:`load_file` — a ``.csv`` (with a named target column), an ``.npz`` (arrays ``X`` and
  ``y``, ``X`` possibly in a sparse twin file ``<name>.X.npz``) or a ``.parquet`` file.

Every function returns plain arrays (or a :class:`Dataset` holding them) and raises a one-line
``ValueError`` / ``TypeError`` / ``FileNotFoundError`` / ``ImportError`` naming the file, the
column and what to do when the input cannot be used.
"""

from __future__ import annotations

import csv
import numbers
import os
from dataclasses import dataclass, field

import numpy as np

from lpreg._validation import check_real_scalar

__all__ = ["Dataset", "load_demo", "load_diabetes", "load_file", "make_correlated"]

# Strings read as a missing value in a .csv cell (compared case-insensitively, stripped).
_MISSING = frozenset({"", "na", "nan", "n/a", "null", "none"})


@dataclass(frozen=True, eq=False)
class Dataset:
    """A design matrix, its target and where they came from.

    Attributes
    ----------
    name : str
        Short name shown by ``lpreg compare`` (file name or demo name).
    X : ndarray of shape (n_samples, n_features) or scipy.sparse matrix
        Numeric features (float64).
    y : ndarray of shape (n_samples,)
        The target: float64 (real values), int64 (integer values) or str (text labels).
    feature_names : tuple of str
    target_name : str
    description : str
        One line: the source and its shape.
    groups : tuple of tuple of int
        Known groups of correlated columns (column indices), e.g. the blocks of
        :func:`make_correlated`; empty when unknown (``lpreg compare`` then finds groups by
        correlation).
    """

    name: str
    X: object
    y: np.ndarray
    feature_names: tuple = field(default=())
    target_name: str = "y"
    description: str = ""
    groups: tuple = field(default=())

    @property
    def shape(self):
        return self.X.shape


def _check_int(value, name, owner, low, high=None):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{owner}: {name} must be an integer, got {type(value).__name__} {value!r}."
        )
    if value < low or (high is not None and value > high):
        upper = "inf" if high is None else str(high)
        raise ValueError(f"{owner}: {name} must be in [{low}, {upper}], got {name}={value}.")
    return int(value)


def load_diabetes():
    """Return scikit-learn's diabetes data (442 x 10, real target) as a :class:`Dataset`.

    Read from the files shipped inside scikit-learn; nothing is downloaded.  The features are
    returned as scikit-learn stores them (centred and scaled by ``sqrt(n) * std``).
    """
    from sklearn.datasets import load_diabetes as _load

    bunch = _load()
    X = np.asarray(bunch.data, dtype=np.float64)
    return Dataset(
        name="diabetes",
        X=X,
        y=np.asarray(bunch.target, dtype=np.float64),
        feature_names=tuple(bunch.feature_names),
        target_name="disease progression",
        description=(
            f"scikit-learn's diabetes data, {X.shape[0]} samples x {X.shape[1]} features, "
            "real target"
        ),
    )


def make_correlated(
    n_samples=200,
    n_features=50,
    n_groups=5,
    rho=0.8,
    n_informative=10,
    noise=1.0,
    random_state=0,
):
    r"""Gaussian design with blocks of equicorrelated columns and a sparse linear target.

    The columns are split into ``n_groups`` contiguous blocks of near-equal size
    (``numpy.array_split``).  Column ``j`` of block ``g`` is

    .. math:: x_{ij} = \sqrt{\rho}\, z_{ig} + \sqrt{1 - \rho}\, e_{ij},
       \qquad z_{ig}, e_{ij} \sim \mathcal N(0, 1) \text{ independent},

    so every column has unit variance, two columns of one block have correlation
    :math:`\rho` and columns of different blocks are independent.  The true coefficients are
    zero except on ``n_informative`` columns, taken in turn from the blocks (first column of
    block 0, first of block 1, ..., then the second of each block ...); there
    :math:`w_j = s_j u_j` with a random sign :math:`s_j` and :math:`u_j \sim U[1, 2)`.  The
    target is :math:`y = X w + \sigma \varepsilon`, :math:`\varepsilon \sim \mathcal N(0, I)`,
    :math:`\sigma` = ``noise``.

    Parameters
    ----------
    n_samples : int, default=200
        ``>= 1``.
    n_features : int, default=50
        ``>= 1``.
    n_groups : int, default=5
        Number of correlated blocks, in ``[1, n_features]``.
    rho : float, default=0.8
        Within-block correlation, in ``[0, 1]``.
    n_informative : int, default=10
        Number of non-zero true coefficients, in ``[0, n_features]``.
    noise : float, default=1.0
        Standard deviation :math:`\sigma \ge 0` of the additive Gaussian noise.
    random_state : int or numpy.random.Generator, default=0

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    coef : ndarray of shape (n_features,)
        The true :math:`w`.

    Examples
    --------
    >>> from lpreg.datasets import make_correlated
    >>> X, y, coef = make_correlated(n_samples=5, n_features=6, n_groups=2, n_informative=2)
    >>> X.shape, int((coef != 0).sum()), [int(j) for j in coef.nonzero()[0]]
    ((5, 6), 2, [0, 3])
    """
    owner = "make_correlated"
    n_samples = _check_int(n_samples, "n_samples", owner, 1)
    n_features = _check_int(n_features, "n_features", owner, 1)
    n_groups = _check_int(n_groups, "n_groups", owner, 1, n_features)
    n_informative = _check_int(n_informative, "n_informative", owner, 0, n_features)
    rho = check_real_scalar(rho, "rho", owner, low=0.0, high=1.0)
    noise = check_real_scalar(noise, "noise", owner, low=0.0, high=np.inf, high_inclusive=False)
    rng = np.random.default_rng(random_state)
    blocks = np.array_split(np.arange(n_features), n_groups)
    shared = rng.standard_normal((n_samples, n_groups))
    X = np.sqrt(1.0 - rho) * rng.standard_normal((n_samples, n_features))
    for g, columns in enumerate(blocks):
        X[:, columns] += np.sqrt(rho) * shared[:, [g]]
    # round robin over the blocks: the k-th column of every block before the (k+1)-th
    order = [
        columns[k] for k in range(max(map(len, blocks))) for columns in blocks if k < len(columns)
    ]
    informative = np.array(order[:n_informative], dtype=np.int64)
    coef = np.zeros(n_features)
    signs = rng.choice(np.array([-1.0, 1.0]), size=n_informative)
    coef[informative] = signs * rng.uniform(1.0, 2.0, size=n_informative)
    y = X @ coef + noise * rng.standard_normal(n_samples)
    return X, y, coef


def load_demo(name, random_state=0):
    """Return a built-in demo :class:`Dataset`: ``"diabetes"`` or ``"correlated"``.

    ``"correlated"`` is :func:`make_correlated` with its defaults (200 x 50, 5 blocks,
    ``rho = 0.8``, 10 informative columns, ``noise = 1``) drawn with ``random_state``.
    """
    if name == "diabetes":
        return load_diabetes()
    if name == "correlated":
        X, y, coef = make_correlated(random_state=random_state)
        return Dataset(
            name="correlated",
            X=X,
            y=y,
            feature_names=tuple(f"x{j}" for j in range(X.shape[1])),
            target_name="y",
            groups=tuple(
                tuple(int(j) for j in block) for block in np.array_split(np.arange(X.shape[1]), 5)
            ),
            description=(
                f"synthetic correlated design (make_correlated, random_state={random_state}), "
                f"{X.shape[0]} samples x {X.shape[1]} features in 5 blocks with correlation "
                f"0.8, {int(np.count_nonzero(coef))} informative, real target"
            ),
        )
    raise ValueError(f"load_demo: name must be one of ['diabetes', 'correlated'], got {name!r}.")


# ---- user files -----------------------------------------------------------------------------
def load_file(path, target=None):
    """Read a user's data file into a :class:`Dataset`.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.csv`` file (comma-separated, one header row; ``target`` names the target column,
        every other column is a feature), an ``.npz`` file with arrays ``X`` (2-D) and ``y``
        (1-D) — ``X`` may instead be a scipy.sparse matrix in the twin file ``<name>.X.npz``
        written by ``scipy.sparse.save_npz``, as in the project's ``shared/data`` — or a
        ``.parquet`` file (read with pandas; needs pyarrow or fastparquet), laid out as the
        ``.csv``.
    target : str or None
        The target column of a ``.csv`` / ``.parquet`` file (required there); must be
        ``None`` for an ``.npz`` file, whose target is its ``y`` array.

    Returns
    -------
    Dataset
        Features as float64 (boolean columns become 0/1); the target as float64 for real
        values, int64 when every value is an integer, str for text labels.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ImportError
        For ``.parquet`` without pandas and a parquet engine.
    ValueError, TypeError
        Unknown file type or column, missing values, non-numeric features, no rows, or
        arrays of mismatched shapes; the message names the file and the column.
    """
    path = os.fspath(path)
    owner = "load_file"
    if not os.path.isfile(path):
        where = "is a directory" if os.path.isdir(path) else "does not exist"
        raise FileNotFoundError(f"{owner}: data file {path!r} {where}.")
    suffix = os.path.splitext(path)[1].lower()
    if suffix == ".csv":
        columns = _read_csv(path)
        return _from_columns(columns, target, path)
    if suffix == ".parquet":
        return _from_columns(_read_parquet(path), target, path)
    if suffix == ".npz":
        if target is not None:
            raise ValueError(
                f"{owner}: target={target!r} applies to .csv and .parquet files; {path!r} is "
                "an .npz file whose target is its array 'y'. Drop --target."
            )
        return _read_npz(path)
    raise ValueError(
        f"{owner}: cannot read {path!r}: file type {suffix or '(none)'!r} is not supported; "
        "use .csv (with a target column), .npz (arrays X and y) or .parquet."
    )


def _read_csv(path):
    """Return ``{column name: ndarray of str}`` of a comma-separated file with a header."""
    owner = "load_file"
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise ValueError(f"{owner}: {path!r} is empty; a .csv needs a header row and data rows.")
    header = [name.strip() for name in rows[0]]
    if len(set(header)) != len(header):
        repeated = sorted({name for name in header if header.count(name) > 1})
        raise ValueError(
            f"{owner}: {path!r} repeats the column name(s) {', '.join(map(repr, repeated))}; "
            "column names must be unique."
        )
    body = rows[1:]
    for line, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise ValueError(
                f"{owner}: {path!r} row {line} has {len(row)} fields but the header has "
                f"{len(header)}; every row needs one value per column (comma-separated)."
            )
    cells = np.array(body, dtype=str).reshape(len(body), len(header))
    return {name: np.char.strip(cells[:, k]) for k, name in enumerate(header)}


def _read_parquet(path):
    owner = "load_file"
    try:
        import pandas as pd
    except ImportError:
        raise ImportError(
            f"{owner}: reading {path!r} needs pandas and pyarrow: pip install pandas pyarrow"
        ) from None
    try:
        frame = pd.read_parquet(path)
    except ImportError:
        raise ImportError(
            f"{owner}: reading {path!r} needs a parquet engine: pip install pyarrow"
        ) from None
    return {str(name): frame[name].to_numpy() for name in frame.columns}


def _parse_column(values):
    """Return ``(floats or None, missing mask, is_integer)`` for one column."""
    values = np.asarray(values)
    if values.dtype.kind == "b":
        return values.astype(np.float64), np.zeros(values.shape, dtype=bool), True
    if values.dtype.kind in "iu":
        return values.astype(np.float64), np.zeros(values.shape, dtype=bool), True
    if values.dtype.kind == "f":
        floats = values.astype(np.float64)
        missing = np.isnan(floats)
        return floats, missing, False
    text = np.array([str(v).strip() for v in values], dtype=object)
    missing = np.array(
        [v is None or str(v).strip().lower() in _MISSING for v in values], dtype=bool
    )
    floats = np.full(values.shape, np.nan)
    is_integer = True
    for i, cell in enumerate(text):
        if missing[i]:
            continue
        try:
            floats[i] = float(cell)
        except ValueError:
            return None, missing, False
        if is_integer:
            try:
                int(cell)
            except ValueError:
                is_integer = False
    return floats, missing, is_integer


def _from_columns(columns, target, path):
    owner = "load_file"
    names = list(columns)
    listing = ", ".join(map(repr, names[:12])) + (", ..." if len(names) > 12 else "")
    if target is None:
        raise ValueError(
            f"{owner}: {path!r} is a table; name its target column with --target "
            f"(columns: {listing})."
        )
    if target not in columns:
        raise ValueError(
            f"{owner}: target column {target!r} is not in {path!r}; its columns are {listing}."
        )
    features = [name for name in names if name != target]
    if not features:
        raise ValueError(
            f"{owner}: {path!r} has only the target column {target!r}; it needs at least one "
            "feature column."
        )
    n_rows = len(columns[target])
    if n_rows == 0:
        raise ValueError(f"{owner}: {path!r} has a header but no data rows.")
    X = np.empty((n_rows, len(features)))
    text_columns, missing_columns = [], []
    for k, name in enumerate(features):
        floats, missing, _ = _parse_column(columns[name])
        if floats is None:
            example = next(str(v) for v, m in zip(columns[name], missing, strict=True) if not m)
            text_columns.append((name, example))
            continue
        if missing.any():
            missing_columns.append((name, int(missing.sum())))
            continue
        if not np.all(np.isfinite(floats)):
            raise ValueError(
                f"{owner}: feature column {name!r} of {path!r} holds infinite values; "
                "features must be finite numbers."
            )
        X[:, k] = floats
    if text_columns:
        shown = ", ".join(f"{name!r} (e.g. {example!r})" for name, example in text_columns[:5])
        more = f" and {len(text_columns) - 5} more" if len(text_columns) > 5 else ""
        raise TypeError(
            f"{owner}: features must be numeric, but {path!r} has text in column(s) "
            f"{shown}{more}; encode them as numbers (e.g. one-hot) or drop them."
        )
    if missing_columns:
        shown = ", ".join(f"{name!r} ({count} rows)" for name, count in missing_columns[:5])
        raise ValueError(
            f"{owner}: {path!r} has missing values in feature column(s) {shown}; fill or "
            "drop them first."
        )
    floats, missing, is_integer = _parse_column(columns[target])
    if missing.any():
        raise ValueError(
            f"{owner}: target column {target!r} of {path!r} has {int(missing.sum())} missing "
            "values; drop those rows first."
        )
    if floats is None:
        y = np.array([str(v).strip() for v in columns[target]], dtype=str)
    elif not np.all(np.isfinite(floats)):
        raise ValueError(f"{owner}: target column {target!r} of {path!r} holds infinite values.")
    elif is_integer and np.all(floats == np.round(floats)):
        y = floats.astype(np.int64)
    else:
        y = floats
    return Dataset(
        name=os.path.basename(path),
        X=X,
        y=y,
        feature_names=tuple(features),
        target_name=target,
        description=f"{path}, {n_rows} rows x {len(features)} features, target {target!r}",
    )


def _read_npz(path):
    import scipy.sparse as sp

    owner = "load_file"
    with np.load(path, allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    sparse_path = path[: -len(".npz")] + ".X.npz"
    if "X" not in arrays and os.path.isfile(sparse_path):
        arrays["X"] = sp.load_npz(sparse_path).tocsr()
    for key in ("X", "y"):
        if key not in arrays:
            extra = " (nor a sparse twin file " + repr(sparse_path) + ")" if key == "X" else ""
            raise ValueError(
                f"{owner}: {path!r} has no array {key!r}{extra}; an .npz needs arrays X "
                f"(n_samples, n_features) and y (n_samples,); it holds {sorted(arrays)}."
            )
    X, y = arrays["X"], np.asarray(arrays["y"])
    if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
        raise ValueError(
            f"{owner}: {path!r} needs X of shape (n_samples, n_features) and y of shape "
            f"(n_samples,), got X {X.shape} and y {y.shape}."
        )
    if X.dtype.kind not in "fiub":
        raise TypeError(f"{owner}: X in {path!r} must be numeric, got dtype {X.dtype}.")
    if sp.issparse(X):
        X = X.astype(np.float64)
        finite = np.all(np.isfinite(X.data))
    else:
        X = np.asarray(X, dtype=np.float64)
        finite = np.all(np.isfinite(X))
    if not finite:
        raise ValueError(f"{owner}: X in {path!r} holds NaN or infinite values.")
    if y.dtype.kind == "f" and not np.all(np.isfinite(y)):
        raise ValueError(f"{owner}: y in {path!r} holds NaN or infinite values.")
    if y.dtype.kind not in "fiubUS":
        raise TypeError(f"{owner}: y in {path!r} must be numeric or text, got dtype {y.dtype}.")
    if y.dtype.kind in "ub":
        y = y.astype(np.int64)
    names = arrays.get("feature_names")
    feature_names = (
        tuple(str(name) for name in names)
        if names is not None and len(names) == X.shape[1]
        else tuple(f"x{j}" for j in range(X.shape[1]))
    )
    kind = "sparse " if sp.issparse(X) else ""
    return Dataset(
        name=os.path.basename(path),
        X=X,
        y=y,
        feature_names=feature_names,
        target_name="y",
        description=f"{path}, {X.shape[0]} samples x {X.shape[1]} {kind}features",
    )
