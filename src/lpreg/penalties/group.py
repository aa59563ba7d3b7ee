r"""Group Lasso and Sparse Group Lasso: block soft thresholding over a partition of the columns.

Both penalties are

.. math::
    G(w) = \alpha \Big( r \|w\|_1 + (1 - r) \sum_{g} c_g \|w_g\|_2 \Big)

with ``r = 0`` for :class:`GroupLasso` and ``r = l1_ratio`` for :class:`SparseGroupLasso`, so
one set of numba block kernels serves both (``params = (alpha, r)``).  The group structure is
CSR-like: the columns of group ``g`` are ``indices[ptr[g]:ptr[g + 1]]`` and its weight is
``weights[g]`` (:class:`GroupStructure`).  The block kernels a block coordinate descent calls:

``group_value_block(w_block, params, group_weight)``
    :math:`\alpha (r \|w_g\|_1 + (1 - r) c_g \|w_g\|_2)`.
``group_prox_block(x_block, step, params, group_weight)``
    the prox of ``step`` times that, a new array.
``group_subdiff_distance_block(w_block, grad_block, params, group_weight)``
    the Euclidean distance of ``-grad_block`` to the block's subdifferential.
``group_critical_alpha(u_block, l1_ratio, group_weight)``
    the smallest :math:`\alpha` with :math:`-u_g \in \partial G_g(0)`.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numba import njit

from lpreg._validation import check_nonnegative_array, check_real_scalar
from lpreg.penalties.base import Penalty, _as_float_vector, _check_step, register_penalty
from lpreg.penalties.l1 import check_alpha
from lpreg.penalties.weighted_l1 import _array_text, _readonly

__all__ = [
    "GroupLasso",
    "GroupStructure",
    "SparseGroupLasso",
    "group_critical_alpha",
    "group_prox_block",
    "group_subdiff_distance_block",
    "group_value_block",
]


# --------------------------------------------------------------------------------------------
# numba block kernels (params = (alpha, l1_ratio); GroupLasso has l1_ratio = 0)
# --------------------------------------------------------------------------------------------


@njit(cache=True)
def group_value_block(w_block, params, group_weight):
    r"""Return :math:`\alpha (r \|w_g\|_1 + (1 - r) c_g \|w_g\|_2)`."""
    alpha, l1_ratio = params[0], params[1]
    l1 = 0.0
    squares = 0.0
    for k in range(w_block.shape[0]):
        l1 += abs(w_block[k])
        squares += w_block[k] * w_block[k]
    return alpha * (l1_ratio * l1 + (1.0 - l1_ratio) * group_weight * math.sqrt(squares))


@njit(cache=True)
def group_prox_block(x_block, step, params, group_weight):
    r"""Prox of one block: soft thresholding, then block soft thresholding.

    With :math:`u = S_{t\alpha r}(x)` (coordinatewise soft thresholding) and
    :math:`\tau = t \alpha (1 - r) c_g`, the result is :math:`\max(1 - \tau / \|u\|_2, 0)\,u`.
    """
    alpha, l1_ratio = params[0], params[1]
    kink = step * alpha * l1_ratio
    radius = step * alpha * (1.0 - l1_ratio) * group_weight
    out = np.empty(x_block.shape[0], dtype=np.float64)
    squares = 0.0
    for k in range(x_block.shape[0]):
        value = x_block[k]
        if value > kink:
            value = value - kink
        elif value < -kink:
            value = value + kink
        else:
            value = 0.0
        out[k] = value
        squares += value * value
    norm = math.sqrt(squares)
    if norm <= radius:
        out[:] = 0.0
        return out
    scale = 1.0 - radius / norm
    for k in range(out.shape[0]):
        out[k] *= scale
    return out


@njit(cache=True)
def group_subdiff_distance_block(w_block, grad_block, params, group_weight):
    r"""Euclidean distance of ``-grad_block`` to :math:`\partial G_g(w_g)`.

    At :math:`w_g = 0`: :math:`\max(\|S_{\alpha r}(-\nabla_g)\|_2 - \alpha(1-r)c_g, 0)`
    (the subdifferential is a box plus a ball).  Otherwise the set is a product over
    coordinates: :math:`\alpha r\,\mathrm{sign}(w_j) + \alpha(1-r)c_g w_j / \|w_g\|` where
    :math:`w_j \ne 0` and the interval :math:`[-\alpha r, \alpha r]` where :math:`w_j = 0`.
    """
    alpha, l1_ratio = params[0], params[1]
    kink = alpha * l1_ratio
    radius = alpha * (1.0 - l1_ratio) * group_weight
    squares = 0.0
    for k in range(w_block.shape[0]):
        squares += w_block[k] * w_block[k]
    norm = math.sqrt(squares)
    total = 0.0
    if norm == 0.0:
        for k in range(w_block.shape[0]):
            excess = max(abs(grad_block[k]) - kink, 0.0)
            total += excess * excess
        return max(math.sqrt(total) - radius, 0.0)
    for k in range(w_block.shape[0]):
        target = -grad_block[k]
        if w_block[k] != 0.0:
            sign = 1.0 if w_block[k] > 0 else -1.0
            gap = target - (kink * sign + radius * w_block[k] / norm)
        else:
            gap = max(abs(target) - kink, 0.0)
        total += gap * gap
    return math.sqrt(total)


@njit(cache=True)
def group_critical_alpha(u_block, l1_ratio, group_weight):
    r"""Smallest :math:`\lambda \ge 0` with :math:`\|S_{\lambda r}(u)\|_2 \le \lambda (1-r) c`.

    :math:`h(\lambda) = \|S_{\lambda r}(u)\|^2 - \lambda^2 (1-r)^2 c^2` decreases from
    :math:`\|u\|^2`; between the breakpoints :math:`|u|_{(k)} / r` (sorted decreasingly) only
    the ``k`` largest entries are active and :math:`h` is the quadratic
    :math:`A\lambda^2 - 2B\lambda + C` with :math:`A = k r^2 - (1-r)^2 c^2`,
    :math:`B = r \sum_{i \le k} |u|_{(i)}`, :math:`C = \sum_{i \le k} |u|_{(i)}^2`, whose
    first positive root is :math:`C / (B + \sqrt{B^2 - AC})`.  ``inf`` when no ``lambda``
    works (an unpenalized group, ``r = 0`` and ``c = 0``, with ``u != 0``).
    """
    magnitudes = np.sort(np.abs(u_block))[::-1]
    n = magnitudes.shape[0]
    if n == 0 or magnitudes[0] == 0.0:
        return 0.0
    slope = (1.0 - l1_ratio) * group_weight
    if l1_ratio == 0.0:
        if group_weight == 0.0:
            return np.inf
        return math.sqrt(np.sum(magnitudes * magnitudes)) / group_weight
    if slope == 0.0:
        return magnitudes[0] / l1_ratio
    linear = 0.0
    quadratic = 0.0
    for k in range(n):
        linear += magnitudes[k]
        quadratic += magnitudes[k] * magnitudes[k]
        following = magnitudes[k + 1] / l1_ratio if k + 1 < n else 0.0
        h_following = (
            quadratic
            - 2.0 * following * l1_ratio * linear
            + (k + 1) * (following * l1_ratio) ** 2
            - (following * slope) ** 2
        )
        if h_following >= 0.0:
            a = (k + 1) * l1_ratio * l1_ratio - slope * slope
            b = l1_ratio * linear
            discriminant = max(b * b - a * quadratic, 0.0)
            return quadratic / (b + math.sqrt(discriminant))
    return 0.0  # unreachable: h(0) = ||u||^2 > 0


@njit(cache=True)
def _group_value_vector(w, params, indices, ptr, weights):
    total = 0.0
    for g in range(ptr.shape[0] - 1):
        total += group_value_block(w[indices[ptr[g] : ptr[g + 1]]], params, weights[g])
    return total


@njit(cache=True)
def _group_prox_vector(w, step, params, indices, ptr, weights, out):
    for g in range(ptr.shape[0] - 1):
        block = indices[ptr[g] : ptr[g + 1]]
        result = group_prox_block(w[block], step, params, weights[g])
        for k in range(block.shape[0]):
            out[block[k]] = result[k]
    return out


@njit(cache=True)
def _group_subdiff_distance_vector(w, grad, params, indices, ptr, weights, out):
    for g in range(ptr.shape[0] - 1):
        block = indices[ptr[g] : ptr[g + 1]]
        distance = group_subdiff_distance_block(w[block], grad[block], params, weights[g])
        for k in range(block.shape[0]):
            out[block[k]] = distance
    return out


@njit(cache=True)
def _group_critical_alphas(u, l1_ratio, indices, ptr, weights, out):
    for g in range(ptr.shape[0] - 1):
        out[g] = group_critical_alpha(u[indices[ptr[g] : ptr[g + 1]]], l1_ratio, weights[g])
    return out


# --------------------------------------------------------------------------------------------
# group structure
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class GroupStructure:
    """A partition of the columns, CSR-like.

    Attributes
    ----------
    indices : ndarray of int64, shape (n_features,)
        Columns listed group by group.
    ptr : ndarray of int64, shape (n_groups + 1,)
        Group ``g`` is ``indices[ptr[g]:ptr[g + 1]]``.
    weights : ndarray of float64, shape (n_groups,)
        The group weights :math:`c_g`.
    """

    indices: np.ndarray
    ptr: np.ndarray
    weights: np.ndarray

    @property
    def n_groups(self):
        return int(self.ptr.shape[0] - 1)

    @property
    def sizes(self):
        return np.diff(self.ptr)


def _columns_text(columns, limit=5):
    columns = [int(c) for c in columns]
    shown = columns[:limit]
    if len(columns) == 1:
        return f"column {shown[0]}"
    if len(columns) <= limit:
        return "columns " + ", ".join(map(str, shown[:-1])) + f" and {shown[-1]}"
    return "columns " + ", ".join(map(str, shown)) + f" and {len(columns) - limit} more"


def _normalize_groups(groups, owner):
    """Return int (contiguous size), a read-only int64 label array, or a tuple of tuples."""
    if groups is None:
        raise TypeError(
            f"{owner}: groups is required: a group index per column (int array of length "
            "n_features), an int (contiguous groups of that size) or a list of column lists."
        )
    if isinstance(groups, numbers.Integral) and not isinstance(groups, bool):
        if groups < 1:
            raise ValueError(
                f"{owner}: groups as an int is the size of contiguous groups and must be >= 1, "
                f"got groups={groups}."
            )
        return int(groups)
    if isinstance(groups, (list, tuple)) and any(
        isinstance(item, (list, tuple, np.ndarray, range)) for item in groups
    ):
        lists = []
        for position, members in enumerate(groups):
            array = np.asarray(members)
            if array.ndim != 1 or array.size == 0 or array.dtype.kind not in "iu":
                raise ValueError(
                    f"{owner}: groups[{position}] must be a non-empty list of column indices "
                    f"(ints), got {members!r}."
                )
            if np.any(array < 0):
                raise ValueError(
                    f"{owner}: groups[{position}] has negative column index "
                    f"{int(array[array < 0][0])}; columns are numbered from 0."
                )
            lists.append(tuple(int(c) for c in array))
        flat = np.concatenate([np.asarray(m) for m in lists])
        values, counts = np.unique(flat, return_counts=True)
        if np.any(counts > 1):
            raise ValueError(
                f"{owner}: groups must not overlap; {_columns_text(values[counts > 1])} "
                f"{'is' if np.sum(counts > 1) == 1 else 'are'} in more than one group."
            )
        return tuple(lists)
    array = np.asarray(groups)
    if array.ndim != 1 or array.dtype.kind not in "iu":
        raise TypeError(
            f"{owner}: groups must be an int array with one group index per column, an int, "
            f"or a list of column lists, got {type(groups).__name__} with dtype "
            f"{getattr(array, 'dtype', None)} and shape {array.shape}."
        )
    if array.size == 0:
        raise ValueError(f"{owner}: groups must have one group index per column, got none.")
    if np.any(array < 0):
        first = int(np.flatnonzero(array < 0)[0])
        raise ValueError(
            f"{owner}: group indices must be >= 0, got groups[{first}]={int(array[first])}."
        )
    return _readonly(array.astype(np.int64))


class _GroupPenalty(Penalty):
    """Shared implementation of the group penalties (see the module docstring)."""

    is_convex: ClassVar[bool] = True
    is_separable: ClassVar[bool] = False
    scalar_kernels: ClassVar = None

    def _validate_groups(self):
        owner = type(self).__name__
        object.__setattr__(self, "alpha", check_alpha(self.alpha, owner))
        object.__setattr__(self, "groups", _normalize_groups(self.groups, owner))
        if self.group_weights is not None:
            weights = check_nonnegative_array(
                self.group_weights,
                "group_weights",
                owner,
                zero_meaning="0 leaves a group's L2 term out",
            )
            n_groups = self._n_groups_known()
            if n_groups is not None and weights.shape[0] != n_groups:
                raise ValueError(
                    f"{owner}: group_weights has {weights.shape[0]} entries but groups define "
                    f"{n_groups} groups; pass one weight per group (in sorted group order)."
                )
            object.__setattr__(self, "group_weights", _readonly(weights))
        object.__setattr__(self, "_structure_cache", {})

    def _n_groups_known(self):
        if isinstance(self.groups, int):
            return None
        if isinstance(self.groups, tuple):
            return len(self.groups)
        return int(np.unique(self.groups).shape[0])

    @property
    def l1_part(self):
        return 0.0

    def _params(self):
        return (self.alpha, self.l1_part)

    # ---- group structure ----------------------------------------------------------------
    @property
    def n_features_required(self):
        if isinstance(self.groups, int):
            return None
        if isinstance(self.groups, tuple):
            return int(max(max(members) for members in self.groups) + 1)
        return int(self.groups.shape[0])

    def group_structure(self, n_features):
        """Return the :class:`GroupStructure` for ``n_features`` columns (validated)."""
        cached = self._structure_cache.get(n_features)
        if cached is None:
            cached = self._build_structure(n_features)
            self._structure_cache[n_features] = cached
        return cached

    def _build_structure(self, n_features):
        owner = type(self).__name__
        groups = self.groups
        if isinstance(groups, int):
            if n_features % groups != 0:
                raise ValueError(
                    f"{owner}: groups={groups} (contiguous groups of {groups} columns) does not "
                    f"divide the {n_features} columns of X; pass a group index per column."
                )
            indices = np.arange(n_features, dtype=np.int64)
            ptr = np.arange(0, n_features + 1, groups, dtype=np.int64)
        elif isinstance(groups, tuple):
            flat = np.concatenate([np.asarray(m, dtype=np.int64) for m in groups])
            if flat.max() >= n_features:
                outside = np.unique(flat[flat >= n_features])
                raise ValueError(
                    f"{owner}: groups refer to {_columns_text(outside)} but X has "
                    f"{n_features} columns (numbered from 0)."
                )
            covered = np.zeros(n_features, dtype=bool)
            covered[flat] = True
            if not np.all(covered):
                missing = np.flatnonzero(~covered)
                raise ValueError(
                    f"{owner}: groups cover {int(covered.sum())} of the {n_features} columns "
                    f"of X; {_columns_text(missing)} {'is' if missing.size == 1 else 'are'} in "
                    "no group. Every column must be in exactly one group (a group of its own "
                    "is fine)."
                )
            indices = flat
            ptr = np.concatenate([[0], np.cumsum([len(m) for m in groups])]).astype(np.int64)
        else:
            if groups.shape[0] != n_features:
                raise ValueError(
                    f"{owner}: groups has {groups.shape[0]} group indices (one per column) but "
                    f"X has {n_features} columns."
                )
            indices = np.argsort(groups, kind="stable").astype(np.int64)
            _, counts = np.unique(groups, return_counts=True)
            ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        sizes = np.diff(ptr)
        if self.group_weights is None:
            weights = np.sqrt(sizes.astype(np.float64))
        else:
            weights = np.asarray(self.group_weights, dtype=np.float64)
            if weights.shape[0] != sizes.shape[0]:
                raise ValueError(
                    f"{owner}: group_weights has {weights.shape[0]} entries but groups define "
                    f"{sizes.shape[0]} groups for {n_features} columns; pass one per group."
                )
        return GroupStructure(
            indices=_readonly(indices), ptr=_readonly(ptr), weights=_readonly(weights)
        )

    @property
    def group_indices(self):
        """Columns listed group by group (needs groups that fix ``n_features``)."""
        return self.group_structure(self._fixed_n_features()).indices

    @property
    def group_ptr(self):
        """Group ``g`` is ``group_indices[group_ptr[g]:group_ptr[g + 1]]``."""
        return self.group_structure(self._fixed_n_features()).ptr

    def _fixed_n_features(self):
        n_features = self.n_features_required
        if n_features is None:
            raise ValueError(
                f"{type(self).__name__}: groups={self.groups} (a group size) does not fix the "
                "number of columns; call group_structure(n_features) instead."
            )
        return n_features

    def _check_length(self, n_features):
        self.group_structure(n_features)

    # ---- vectorised API -----------------------------------------------------------------
    def value(self, w):
        r"""Return :math:`G(w)`."""
        w = _as_float_vector(w, type(self).__name__)
        s = self.group_structure(w.shape[0])
        return float(
            _group_value_vector(w.astype(np.float64), self.params, s.indices, s.ptr, s.weights)
        )

    def prox(self, w, step):
        r"""Return the exact prox, group by group (see ``group_prox_block``); dtype of ``w``."""
        owner = type(self).__name__
        w = _as_float_vector(w, owner)
        step = _check_step(step, owner)
        s = self.group_structure(w.shape[0])
        out = np.empty(w.shape[0], dtype=np.float64)
        _group_prox_vector(
            w.astype(np.float64), step, self.params, s.indices, s.ptr, s.weights, out
        )
        return out.astype(w.dtype, copy=False)

    def subdiff_distance(self, w, grad):
        r"""Per-coordinate array holding, on each coordinate, its *group's* distance.

        Entry ``j`` is :math:`\operatorname{dist}(-\nabla_g F, \partial G_g(w_g))` for the
        group ``g`` of column ``j`` (Euclidean over the group), so its maximum is the largest
        group violation, as solvers and :func:`lpreg.certificates.kkt_violation` use it.
        """
        owner = type(self).__name__
        w = _as_float_vector(w, owner)
        grad = _as_float_vector(grad, owner, name="grad")
        if grad.shape != w.shape:
            raise ValueError(
                f"{owner}: grad must have the shape of w {w.shape}, got {grad.shape}."
            )
        s = self.group_structure(w.shape[0])
        out = np.empty(w.shape[0], dtype=np.float64)
        return _group_subdiff_distance_vector(
            w.astype(np.float64),
            grad.astype(np.float64),
            self.params,
            s.indices,
            s.ptr,
            s.weights,
            out,
        )

    # ---- duality ------------------------------------------------------------------------
    def _conjugate_radius(self):
        # G* is the indicator of ||S_{alpha r}(v_g)|| <= alpha (1 - r) c_g for every group
        return self.alpha

    def _critical_alphas(self, v):
        v = np.asarray(v, dtype=np.float64)
        s = self.group_structure(v.shape[0])
        out = np.empty(s.n_groups)
        return s, _group_critical_alphas(v, self.l1_part, s.indices, s.ptr, s.weights, out)

    def conjugate(self, v):
        r"""Return :math:`G^*(v)`: 0 if every :math:`\|S_{\alpha r}(v_g)\|_2 \le \alpha (1-r)
        c_g`, else ``inf``.

        ``G`` is the support function of the Minkowski sum of the boxes and balls above, so
        its conjugate is that set's indicator.  Unpenalized groups (``r = 0``, ``c_g = 0``)
        are left out, as in the base class: the KKT violation certifies them (``v_g = 0``).
        """
        s, critical = self._critical_alphas(v)
        keep = np.isfinite(critical)
        if np.all(critical[keep] <= self.alpha * (1 + 1e-12)):
            return 0.0
        return math.inf

    def dual_scaling(self, v):
        r"""Largest ``s`` in (0, 1] with :math:`G^*(s v) = 0`: :math:`\min(1, \alpha /
        \max_g \lambda_g(v))` where :math:`\lambda_g` is ``group_critical_alpha`` of
        :math:`v_g` (since :math:`\|S_{\alpha r}(s v_g)\| = s \|S_{\alpha r / s}(v_g)\|`).
        """
        _, critical = self._critical_alphas(v)
        critical = critical[np.isfinite(critical)]
        worst = float(np.max(critical, initial=0.0))
        if worst <= self.alpha:
            return 1.0
        return self.alpha / worst

    def alpha_max(self, X, y, datafit, *, sample_weight=None, fit_intercept=False):
        r"""Smallest ``alpha`` for which ``w = 0`` is optimal: :math:`\max_g \lambda_g`.

        :math:`\lambda_g` solves :math:`\|S_{\lambda r}(\nabla_g F(0))\|_2 = \lambda (1-r)
        c_g` (``group_critical_alpha``, exact); for Group Lasso it is
        :math:`\|\nabla_g F(0)\|_2 / c_g`.
        """
        grad = datafit.gradient_at_zero(
            X, y, sample_weight=sample_weight, fit_intercept=fit_intercept
        )
        _, critical = self._critical_alphas(grad)
        if np.any(np.isinf(critical)):
            raise ValueError(
                f"{type(self).__name__}: alpha_max with unpenalized groups (group weight 0) "
                "and a non-zero gradient on them needs the unpenalized fit first; it is not "
                "supported yet."
            )
        return float(np.max(critical, initial=0.0))

    # ---- value semantics ----------------------------------------------------------------
    def _key(self):
        groups = self.groups
        if isinstance(groups, np.ndarray):
            groups = ("labels", groups.tobytes())
        weights = None if self.group_weights is None else self.group_weights.tobytes()
        return (type(self).__name__, self.alpha, self.l1_part, groups, weights)

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        groups = self.groups
        if isinstance(groups, np.ndarray):
            groups = _array_text(groups)
        elif isinstance(groups, tuple):
            groups = (
                repr([list(m) for m in groups])
                if len(groups) <= 6
                else (f"<{len(groups)} column lists>")
            )
        text = f"{type(self).__name__}(alpha={self.alpha!r}, groups={groups}"
        if isinstance(self, SparseGroupLasso):
            text += f", l1_ratio={self.l1_ratio!r}"
        if self.group_weights is not None:
            text += f", group_weights={_array_text(self.group_weights)}"
        return text + ")"


@register_penalty(
    examples=[
        {"alpha": 0.0, "groups": 2},
        {"alpha": 0.5, "groups": [0, 0, 1, 1, 1, 2]},
        {"alpha": 2.0, "groups": [[0, 3], [1, 2, 5], [4]], "group_weights": [1.0, 0.0, 2.0]},
    ]
)
@dataclass(frozen=True, eq=False, repr=False)
class GroupLasso(_GroupPenalty):
    r"""Group Lasso penalty over a partition of the columns into groups.

    .. math:: G(w) = \alpha \sum_{g} c_g \|w_g\|_2, \qquad c_g = \sqrt{|g|}
        \text{ unless } \texttt{group\_weights} \text{ is given}

    Parameters
    ----------
    alpha : float, default=1.0
        Strength, ``alpha >= 0``.
    groups : int, array-like of int of shape (n_features,), or list of lists of int
        The partition: a group index per column (as the ``groups`` array of the shared
        ``colon_grouped`` data set; groups are taken in sorted index order), an int ``k``
        (contiguous groups of ``k`` columns), or one list of columns per group.  Every column
        must be in exactly one group.
    group_weights : array-like of shape (n_groups,), optional
        :math:`c_g \ge 0` (0 leaves a group unpenalized); default :math:`\sqrt{|g|}`.

    Notes
    -----
    The prox with step ``t`` is block soft thresholding,
    :math:`\operatorname{prox}(x)_g = \max(1 - t\alpha c_g / \|x_g\|_2, 0)\, x_g`.
    :math:`\partial G_g(0)` is the ball of radius :math:`\alpha c_g`, so
    :math:`\alpha_{\max} = \max_g \|\nabla_g F(0)\|_2 / c_g` and :math:`G^*` is the indicator of
    :math:`\|v_g\|_2 \le \alpha c_g` for every group.

    Examples
    --------
    >>> import numpy as np
    >>> from lpreg import GroupLasso
    >>> GroupLasso(alpha=1.0, groups=[0, 0, 1]).prox(np.array([3.0, 4.0, 0.5]), step=1.0)
    array([2.15147186, 2.86862915, 0.        ])
    """

    alpha: float = 1.0
    groups: object = None
    group_weights: object = None

    def __post_init__(self):
        self._validate_groups()


@register_penalty(
    examples=[
        {"alpha": 0.5, "groups": [0, 0, 1, 1, 1, 2], "l1_ratio": 0.0},
        {"alpha": 0.5, "groups": 3, "l1_ratio": 0.5},
        {"alpha": 1.0, "groups": [[0, 3], [1, 2, 5], [4]], "l1_ratio": 1.0},
        {
            "alpha": 0.3,
            "groups": [2, 0, 0, 1, 1, 1],
            "l1_ratio": 0.9,
            "group_weights": [0.0, 1.0, 3.0],
        },
    ]
)
@dataclass(frozen=True, eq=False, repr=False)
class SparseGroupLasso(_GroupPenalty):
    r"""Sparse Group Lasso: L1 plus Group Lasso, mixed by ``l1_ratio``.

    .. math::
        G(w) = \alpha \Big( r \|w\|_1 + (1 - r) \sum_{g} c_g \|w_g\|_2 \Big),
        \qquad r = \mathrm{l1\_ratio} \in [0, 1]

    Parameters
    ----------
    alpha : float, default=1.0
        Strength, ``alpha >= 0``.
    groups : int, array-like of int of shape (n_features,), or list of lists of int
        The partition, as for :class:`GroupLasso`.
    l1_ratio : float, default=0.5
        ``r``: 1 is L1, 0 is Group Lasso.
    group_weights : array-like of shape (n_groups,), optional
        :math:`c_g \ge 0`; default :math:`\sqrt{|g|}`.  ``c_g = 0`` keeps the L1 part only.

    Notes
    -----
    The prox with step ``t`` is exact as a composition: soft thresholding at
    :math:`t\alpha r`, then block soft thresholding at :math:`t\alpha(1-r)c_g`,
    :math:`\operatorname{prox}(x)_g = \max(1 - t\alpha(1-r)c_g / \|u_g\|_2, 0)\, u_g` with
    :math:`u = S_{t\alpha r}(x)`.  :math:`\partial G_g(0)` is the box
    :math:`[-\alpha r, \alpha r]^{|g|}` plus the ball of radius :math:`\alpha(1-r)c_g`, so
    :math:`G^*` is the indicator of :math:`\|S_{\alpha r}(v_g)\|_2 \le \alpha(1-r)c_g`, and
    :math:`\alpha_{\max}` is the largest per-group root :math:`\lambda_g` of
    :math:`\|S_{\lambda r}(\nabla_g F(0))\|_2 = \lambda(1-r)c_g`, solved exactly on the sorted
    gradient (``group_critical_alpha``).

    References
    ----------
    N. Simon, J. Friedman, T. Hastie and R. Tibshirani, "A sparse-group lasso", Journal of
    Computational and Graphical Statistics 22(2), 2013.

    Examples
    --------
    >>> import numpy as np
    >>> from lpreg import SparseGroupLasso
    >>> penalty = SparseGroupLasso(alpha=1.0, groups=[0, 0, 1], l1_ratio=0.5)
    >>> penalty.prox(np.array([3.0, 4.0, 0.2]), step=1.0)
    array([2.08900253, 2.92460354, 0.        ])
    """

    alpha: float = 1.0
    groups: object = None
    l1_ratio: float = 0.5
    group_weights: object = None

    def __post_init__(self):
        ratio = check_real_scalar(
            self.l1_ratio,
            "l1_ratio",
            type(self).__name__,
            low=0.0,
            high=1.0,
            hint="l1_ratio=1 is L1, l1_ratio=0 is GroupLasso.",
        )
        object.__setattr__(self, "l1_ratio", ratio)
        self._validate_groups()

    @property
    def l1_part(self):
        return self.l1_ratio
