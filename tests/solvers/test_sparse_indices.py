"""CSC designs with 32- and 64-bit index arrays: the sparse loops read the row indices through
an unsigned view (``lpreg.datafits.base.unsigned_indices``), which must give the same
products and fits as scipy for either index width."""

import numpy as np
import pytest
import scipy.sparse as sp

import lpreg
from lpreg.datafits.base import column_sq_norms, unsigned_indices
from lpreg.solvers import solve
from lpreg.solvers.base import design_product, design_transpose_product


def _designs(seed=0):
    rng = np.random.default_rng(seed)
    X = sp.random(80, 40, density=0.2, format="csc", random_state=rng)
    X.data = rng.standard_normal(X.nnz)
    wide = sp.csc_matrix((X.data.copy(), X.indices.astype(np.int64), X.indptr.astype(np.int64)))
    wide.indices = wide.indices.astype(np.int64)
    wide.indptr = wide.indptr.astype(np.int64)
    return X, wide, rng


def test_unsigned_view_reads_the_same_indices():
    X, wide, _ = _designs()
    assert X.indices.dtype == np.int32 and wide.indices.dtype == np.int64
    for matrix, dtype in ((X, np.uint32), (wide, np.uint64)):
        view = unsigned_indices(matrix)
        assert view.dtype == dtype
        assert np.shares_memory(view, matrix.indices)  # a view, no copy
        np.testing.assert_array_equal(view.astype(np.int64), matrix.indices)


@pytest.mark.parametrize("which", ["int32", "int64"])
def test_products_and_norms_match_scipy(which):
    X, wide, rng = _designs(1)
    M = X if which == "int32" else wide
    g = rng.standard_normal(M.shape[0])
    w = rng.standard_normal(M.shape[1])
    w[::3] = 0.0
    np.testing.assert_allclose(design_transpose_product(M, g), X.T @ g, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(design_product(M, w, 0.5), X @ w + 0.5, rtol=1e-13, atol=1e-13)
    for weights in (np.full(M.shape[0], 1.0 / M.shape[0]), rng.uniform(0.1, 1.0, M.shape[0])):
        expected = np.asarray(X.multiply(X).T @ weights).ravel()
        np.testing.assert_allclose(column_sq_norms(M, weights), expected, rtol=1e-13)


@pytest.mark.parametrize("datafit", ["quadratic", "logistic"])
def test_fits_agree_for_both_index_widths(datafit):
    X, wide, rng = _designs(2)
    if datafit == "quadratic":
        y = X @ rng.standard_normal(X.shape[1]) + 0.1 * rng.standard_normal(X.shape[0])
        loss = lpreg.Quadratic()
        alpha = 0.05 * float(np.max(np.abs(X.T @ y))) / X.shape[0]
    else:
        y = np.where(X @ rng.standard_normal(X.shape[1]) > 0, 1.0, -1.0)
        loss = lpreg.Logistic()
        alpha = 0.05 * float(np.max(np.abs(X.T @ y))) / (2 * X.shape[0])
    fits = [
        solve(M, y, loss, lpreg.L1(alpha), fit_intercept=True, tol=1e-10, max_iter=100_000)
        for M in (X, wide)
    ]
    assert all(f.converged for f in fits)
    np.testing.assert_allclose(fits[0].coef, fits[1].coef, atol=1e-7)
    assert np.count_nonzero(fits[0].coef) > 0
