"""Selected features, their stability over bootstrap resamples, correlated groups."""

from __future__ import annotations

CORRELATION = 0.8


def selected_features(coef):
    """Indices of the features with a non-zero coefficient (in any one-vs-rest row)."""
    import numpy as np

    coef = np.atleast_2d(np.asarray(coef))
    return np.flatnonzero(np.any(coef != 0, axis=0))


def jaccard(a, b):
    """``|a & b| / |a | b|`` of two index sets; 1 when both are empty."""
    a, b = set(map(int, a)), set(map(int, b))
    return 1.0 if not (a or b) else len(a & b) / len(a | b)


def bootstrap_rows(y_train, task, n_bootstrap, random_state):
    """The ``n_bootstrap`` resamples of the training rows ``lpreg compare`` refits on.

    ``numpy.random.default_rng(random_state)``; per resample, ``rng.integers(0, n, n)``
    (regression) or, per class in sorted order, ``rng.choice(rows_of_class, size, replace=True)``
    concatenated and sorted (classification: every class keeps its count).
    """
    import numpy as np

    rng = np.random.default_rng(random_state)
    n = y_train.shape[0]
    resamples = []
    for _ in range(n_bootstrap):
        if task == "regression":
            resamples.append(rng.integers(0, n, n))
        else:
            rows = [
                rng.choice(np.flatnonzero(y_train == c), size=int(np.sum(y_train == c)))
                for c in np.unique(y_train)
            ]
            resamples.append(np.sort(np.concatenate(rows)))
    return resamples


def correlated_groups(X, threshold=CORRELATION):
    """Groups of >= 2 features linked by chains of ``|corr| >= threshold`` (training rows).

    The connected components of the graph with an edge between columns ``j != k`` when their
    Pearson correlation is at least ``threshold`` in absolute value; constant columns have no
    edge.  ``X`` dense or sparse; returns a list of sorted index lists, largest group first.
    """
    import numpy as np
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    n = X.shape[0]
    if sp.issparse(X):
        mean = np.asarray(X.mean(axis=0)).ravel()
        covariance = np.asarray((X.T @ X).todense()) / n - np.outer(mean, mean)
    else:
        centred = X - X.mean(axis=0)
        covariance = centred.T @ centred / n
    std = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
    scale = np.where(std > 0, std, np.inf)
    correlation = covariance / scale[:, None] / scale[None, :]
    adjacency = np.abs(correlation) >= threshold
    np.fill_diagonal(adjacency, False)
    n_components, labels = connected_components(sp.csr_matrix(adjacency), directed=False)
    groups = [np.flatnonzero(labels == k) for k in range(n_components)]
    groups = [g.tolist() for g in groups if g.shape[0] >= 2]
    return sorted(groups, key=lambda g: (-len(g), g[0]))
