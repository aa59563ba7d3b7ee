"""Helpers for the penalty tests: per-coordinate objectives and a brute-force 1-D prox.

pytest imports this file as the module ``conftest`` too, shadowing ``tests/conftest.py`` for
``from conftest import ...`` in later modules, so it re-exports ``load_dataset``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
from numba import njit
from scipy.optimize import minimize_scalar

_ROOT = Path(__file__).resolve().parents[1] / "conftest.py"
_spec = importlib.util.spec_from_file_location("_lpreg_tests_root_conftest", _ROOT)
_root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_root)
load_dataset = _root.load_dataset
SHARED_DATA = _root.SHARED_DATA

N_FEATURES_DEFAULT = 6  # length of w for penalties that do not fix it (divisible by 2 and 3)


def n_features_of(penalty):
    """The length of ``w`` a registry test builds for ``penalty``."""
    required = penalty.n_features_required
    return N_FEATURES_DEFAULT if required is None else int(required)


@njit(cache=True)
def _map_value(value, z, params):
    out = np.empty(z.shape[0])
    for i in range(z.shape[0]):
        out[i] = value(z[i], params)
    return out


def coordinate_setup(penalty):
    """``(weights, lower, upper)`` of every coordinate of a separable penalty."""
    n_features = n_features_of(penalty)
    lower, upper = penalty.coordinate_bounds(n_features)
    return penalty.coordinate_weights(n_features), lower, upper


def distinct_coordinates(penalty):
    """Indices of coordinates with distinct (weight, lower, upper), to test each kind once."""
    weights, lower, upper = coordinate_setup(penalty)
    seen = {}
    for j, key in enumerate(zip(weights, lower, upper, strict=True)):
        seen.setdefault(key, j)
    return sorted(seen.values())


def coordinate_value(penalty, j, z):
    """:math:`c_j g(z)` on an array ``z``, ``inf`` outside :math:`[l_j, u_j]`."""
    weights, lower, upper = coordinate_setup(penalty)
    z = np.asarray(z, dtype=np.float64)
    flat = z.ravel()
    if weights[j] > 0:
        values = weights[j] * _map_value(penalty.scalar_kernels.value, flat, penalty.params)
    else:
        values = np.zeros_like(flat)
    values[(flat < lower[j]) | (flat > upper[j])] = np.inf
    return values.reshape(z.shape)


def elementwise_value(penalty, w):
    """Per-coordinate terms :math:`c_j g(w_j)` (their sum is ``penalty.value(w)``)."""
    return np.array([coordinate_value(penalty, j, np.array([wj]))[0] for j, wj in enumerate(w)])


def coordinate_objective(penalty, j, z, x, step):
    r""":math:`\tfrac12 (z - x)^2 + t\,c_j g(z)` (``inf`` outside the box), vectorised in z."""
    return 0.5 * (np.asarray(z) - x) ** 2 + step * coordinate_value(penalty, j, z)


def brute_force_min(penalty, j, x, step, n_grid=4001, n_zoom=3):
    """Minimum of the coordinate's prox objective: grid, zoomed grids, then scipy (bounded).

    The grid spans ``[min(0, x), max(0, x)]`` widened by ``1 + |x| / 10`` on each side (for a
    penalty increasing in ``|z|`` the minimiser lies between 0 and x), clipped to the box, plus
    the points 0, x and the finite bounds.  The two best grid local minima are zoomed on
    ``n_zoom`` times, and the best point polished with ``scipy.optimize.minimize_scalar``.
    """
    weights, lower, upper = coordinate_setup(penalty)
    margin = 1.0 + abs(x) / 10.0
    low = max(min(0.0, x) - margin, lower[j])
    high = min(max(0.0, x) + margin, upper[j])
    grid = np.linspace(low, high, n_grid)
    extra = [c for c in (0.0, x, lower[j], upper[j]) if np.isfinite(c) and low <= c <= high]
    objective = coordinate_objective(penalty, j, grid, x, step)
    best = float(np.min(coordinate_objective(penalty, j, np.array(extra), x, step)))
    best = min(best, float(objective.min()))
    # local minima of the grid, best two
    interior = np.flatnonzero(
        (objective[1:-1] <= objective[:-2]) & (objective[1:-1] <= objective[2:])
    )
    candidates = list(interior[np.argsort(objective[interior + 1])[:2]] + 1)
    candidates += [int(np.argmin(objective))]
    polished = []
    for index in set(candidates):
        left = grid[max(index - 1, 0)]
        right = grid[min(index + 1, n_grid - 1)]
        for _ in range(n_zoom):
            fine = np.linspace(left, right, 201)
            values = coordinate_objective(penalty, j, fine, x, step)
            k = int(np.argmin(values))
            best = min(best, float(values[k]))
            left, right = fine[max(k - 1, 0)], fine[min(k + 1, 200)]
        if right > left:
            result = minimize_scalar(
                lambda z: float(coordinate_objective(penalty, j, np.array([z]), x, step)[0]),
                bounds=(left, right),
                method="bounded",
                options={"xatol": 1e-14 * (1.0 + abs(x))},
            )
            polished.append(float(result.fun))
    return min([best, *polished])


def prox_threshold(penalty, j, step, high=1e4):
    """``sup{x >= 0 : prox(x)_j = 0}`` by bisection on the prox (a place to probe, not an
    expected value); ``None`` when the prox is never 0 on ``(0, high]``."""
    n_features = n_features_of(penalty)

    def is_zero(x):
        w = np.zeros(n_features)
        w[j] = x
        return penalty.prox(w, step)[j] == 0.0

    if not is_zero(1e-12) or is_zero(high):
        return None
    low_x, high_x = 1e-12, high
    for _ in range(200):
        middle = 0.5 * (low_x + high_x)
        if is_zero(middle):
            low_x = middle
        else:
            high_x = middle
        if high_x - low_x <= 1e-15 * high_x:
            break
    return 0.5 * (low_x + high_x)


def with_alpha(penalty, alpha):
    """``penalty`` with strength ``alpha`` (wrappers rescale the penalty they wrap)."""
    return penalty.with_alpha(alpha)


def is_symmetric(penalty):
    """Whether ``G(-w) = G(w)``: symmetric terms with a symmetric (or no) box."""
    if not penalty.is_separable:
        return True
    _, lower, upper = coordinate_setup(penalty)
    return bool(np.all(lower == -upper))


def penalized_mask(penalty, n_features):
    """Coordinates the conjugate covers (base convention: unpenalized ones are left out)."""
    if penalty.is_separable or not hasattr(penalty, "group_structure"):  # Linf: all
        return penalty.coordinate_weights(n_features) > 0
    structure = penalty.group_structure(n_features)
    mask = np.ones(n_features, dtype=bool)
    if penalty.l1_part == 0.0:
        for g in np.flatnonzero(structure.weights == 0):
            mask[structure.indices[structure.ptr[g] : structure.ptr[g + 1]]] = False
    return mask
