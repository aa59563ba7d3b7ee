"""The on-disk cache of the loops that take kernels (lpreg._kernel_cache)."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from numba import njit

from lpreg.penalties import L1, MCP, Lp
from lpreg.penalties.base import CompiledCall, _prox_vector, _prox_vector_call

_FIT = textwrap.dedent(
    """
    import numpy as np
    import lpreg

    rng = np.random.default_rng(0)
    X = np.asfortranarray(rng.standard_normal((60, 30)))
    y = X[:, :3] @ [1.0, -2.0, 0.5] + 0.1 * rng.standard_normal(60)
    model = lpreg.Lasso(alpha=0.05, tol=1e-10).fit(X, y)
    # one column of a Fortran design is C- and F-contiguous: it must reuse the F loop
    single = lpreg.Lasso(alpha=0.05, tol=1e-10).fit(X[:, 1:2], y)
    from lpreg import _kernel_cache

    built = [f for f in _kernel_cache._BUILT.values() if f is not None]
    hits = sum(sum(f.stats.cache_hits.values()) for f in built)
    misses = sum(sum(f.stats.cache_misses.values()) for f in built)
    overloads = max((len(f.overloads) for f in built), default=0)
    print(repr(model.coef_.tolist() + single.coef_.tolist()), overloads, len(built), hits, misses)
    """
)


def _run(cache_dir):
    env = dict(os.environ, LPREG_CACHE_DIR=str(cache_dir))
    out = subprocess.run(
        [sys.executable, "-c", _FIT], env=env, capture_output=True, text=True, check=True
    ).stdout.split("\n")[0]
    coef, overloads, built, hits, misses = out.rsplit(" ", 4)
    return coef, int(built), int(hits), int(misses), int(overloads)


def test_a_second_process_loads_the_specialised_loops_from_disk(tmp_path):
    first = _run(tmp_path)
    second = _run(tmp_path)
    off = _run("off")
    assert first[1] > 0 and first[2] == 0 and first[3] == first[1]  # compiled, then saved
    assert second[1] == first[1] and second[2] == second[1] and second[3] == 0  # all loaded
    assert off[1] == 0  # LPREG_CACHE_DIR=off: nothing generated, plain numba
    assert first[4] == 1  # one compiled signature per loop: the one-column fit reused it
    # the same statements on the same values: bit-identical coefficients in all three runs
    assert first[0] == second[0] == off[0]
    generated = sorted(p.name for p in tmp_path.rglob("_lpreg_kernel_*.py"))
    assert generated and all("direct_subproblem" in g or "vector" in g for g in generated)


@pytest.mark.parametrize("penalty", [L1(0.3), Lp(0.3, p=0.5), MCP(0.3, gamma=3.0)], ids=repr)
def test_specialised_prox_loop_equals_numba_dispatch(penalty):
    rng = np.random.default_rng(1)
    w = rng.standard_normal(50) * 2
    weights = rng.uniform(0.0, 2.0, 50)
    lower, upper = np.full(50, -np.inf), np.full(50, 1.0)
    k = penalty.scalar_kernels
    args = (k.prox, k.value, w, 0.7, penalty.params, weights, lower, upper, penalty.is_convex)
    ours = _prox_vector_call(*args, np.empty(50))
    plain = _prox_vector(*args, np.empty(50))
    np.testing.assert_array_equal(ours, plain)


@njit(cache=True)
def _double(x, params):
    return 2.0 * x * params[0]


def test_a_kernel_made_in_a_closure_falls_back_to_plain_numba():
    def make():
        @njit
        def kernel(x, params):
            return x * params[0]

        return kernel

    @njit
    def loop(f, w, params):
        total = 0.0
        for j in range(w.shape[0]):
            if w[j] > 0:
                total += f(w[j], params)
        return total

    call = CompiledCall(loop)
    w = np.array([1.0, -2.0, 3.0])
    assert call(make(), w, np.array([2.0])) == 8.0
    assert call(_double, w, np.array([1.0])) == 8.0  # a test-module kernel: loop not importable
