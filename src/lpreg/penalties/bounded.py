r"""Box constraints :math:`l \le w \le u` (e.g. positivity) composed with a separable penalty."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lpreg.penalties.base import Penalty, register_penalty
from lpreg.penalties.elastic_net import ElasticNet
from lpreg.penalties.l1 import L1
from lpreg.penalties.mcp import MCP
from lpreg.penalties.weighted_l1 import WeightedL1, _array_text, _readonly

__all__ = ["Bounded"]


def _check_bound(value, name, owner):
    """Return a bound as a float or a read-only float64 1-D array, with the right sign."""
    array = np.asarray(value)
    if array.dtype.kind not in "fiu" or array.ndim > 1:
        raise TypeError(
            f"{owner}: {name} must be a real number or a 1-D array of them, got "
            f"{type(value).__name__} {value!r}."
        )
    array = array.astype(np.float64)
    if np.any(np.isnan(array)):
        raise ValueError(f"{owner}: {name} must not contain NaN, got {name}={value!r}.")
    bad = array > 0 if name == "lower" else array < 0
    if np.any(bad):
        sign, where = ("<= 0", "lower=-inf") if name == "lower" else (">= 0", "upper=inf")
        first = float(array[bad].ravel()[0])
        raise ValueError(
            f"{owner}: {name} must be {sign} entrywise (the box must contain w = 0), got "
            f"{name}={first!r}. Shift the problem so that 0 is feasible, or use {where}."
        )
    if array.ndim == 0:
        return float(array)
    if array.size == 0:
        raise ValueError(f"{owner}: {name} must have one entry per feature, got none.")
    return _readonly(array)


@register_penalty(
    examples=[
        {"penalty": L1(alpha=0.5)},
        {"penalty": L1(alpha=1.0), "lower": -math.inf, "upper": 0.0},
        {"penalty": ElasticNet(alpha=1.0, l1_ratio=0.5), "lower": -1.0, "upper": 2.0},
        {"penalty": MCP(alpha=0.5, gamma=3.0)},
        {
            "penalty": WeightedL1(alpha=0.5, weights=[0.0, 1.0, 2.0, 0.5, 3.0, 1.0]),
            "lower": [0.0, -1.0, -math.inf, 0.0, -0.5, -2.0],
            "upper": [math.inf, 1.0, 0.0, 0.3, math.inf, 2.0],
        },
    ]
)
@dataclass(frozen=True, eq=False, repr=False)
class Bounded(Penalty):
    r"""A separable penalty restricted to a box, e.g. non-negative Lasso.

    .. math::
        G(w) = H(w) + \iota_{[l, u]}(w), \qquad
        \iota_{[l, u]}(w) = \begin{cases} 0 & l_j \le w_j \le u_j \ \forall j \\
        +\infty & \text{otherwise} \end{cases}

    Parameters
    ----------
    penalty : Penalty
        A separable penalty :math:`H` (``L1``, ``ElasticNet``, ``WeightedL1``, ``MCP`` ...).
    lower, upper : float or array-like of shape (n_features,), default=0.0 and inf
        The bounds, ``lower <= 0 <= upper`` entrywise (``w = 0`` must be feasible).  A
        non-convex penalty only takes half-lines (``lower`` in {0, -inf}, ``upper`` in
        {0, inf}).

    Notes
    -----
    The constrained prox of a convex term is its prox clipped to :math:`[l_j, u_j]`.  For a
    symmetric non-convex term on a half-line it is the clipped prox too (the unconstrained
    prox keeps the sign of ``x``, and on the wrong side of 0 it is clipped to 0); with a finite
    bound a non-convex term can have its constrained minimiser at an interior local minimum
    that neither the clipped prox nor 0 is (SCAD, ``t >= gamma - 1``), so finite bounds are
    refused for non-convex penalties.

    The conjugate of :math:`H` on a half-line is :math:`H^*` applied to the free sign of
    ``v`` (the base class's ``_conjugate_sides``).  For a finite box
    :math:`\sup_{l \le z \le u} vz - h(z)` depends on ``h`` beyond its conjugate, so
    ``has_conjugate`` is False and solvers certify with the KKT violation.

    Examples
    --------
    >>> import numpy as np
    >>> from lpreg import L1, Bounded
    >>> Bounded(L1(alpha=1.0)).prox(np.array([3.0, -3.0, 0.5]), step=1.0)
    array([2., 0., 0.])
    """

    penalty: Penalty = None
    lower: object = 0.0
    upper: object = math.inf

    def __post_init__(self):
        owner = type(self).__name__
        penalty = self.penalty
        if not isinstance(penalty, Penalty):
            raise TypeError(
                f"{owner}: penalty must be a Penalty such as L1(alpha=0.1), got "
                f"{type(penalty).__name__} {penalty!r}."
            )
        if isinstance(penalty, Bounded):
            raise ValueError(
                f"{owner}: penalty is already Bounded ({penalty!r}); wrap the inner penalty "
                "once with the intersection of the boxes."
            )
        if not penalty.is_separable or penalty.scalar_kernels is None:
            raise ValueError(
                f"{owner}: penalty must be separable (with scalar kernels), got {penalty!r}. "
                "Box constraints on group penalties are not supported."
            )
        lower = _check_bound(self.lower, "lower", owner)
        upper = _check_bound(self.upper, "upper", owner)
        lengths = {np.size(b) for b in (lower, upper) if isinstance(b, np.ndarray)}
        if len(lengths) > 1:
            raise ValueError(
                f"{owner}: lower and upper have {np.size(lower)} and {np.size(upper)} entries; "
                "pass one bound per feature in both, or a scalar."
            )
        if not penalty.is_convex:
            finite = np.isfinite(lower) & (np.asarray(lower) != 0)
            finite = np.any(finite) or np.any(np.isfinite(upper) & (np.asarray(upper) != 0))
            if finite:
                raise ValueError(
                    f"{owner}: a non-convex penalty ({penalty!r}) only takes half-line bounds "
                    f"(lower in {{0, -inf}}, upper in {{0, inf}}), got lower={self.lower!r}, "
                    f"upper={self.upper!r}: its exact constrained prox is not the clipped "
                    "prox. Use lower=0.0 (non-negative) or upper=0.0 (non-positive)."
                )
        required = penalty.n_features_required
        if lengths and required is not None and required not in lengths:
            raise ValueError(
                f"{owner}: the bounds have {lengths.pop()} entries but {penalty!r} needs "
                f"{required} features."
            )
        object.__setattr__(self, "lower", lower)
        object.__setattr__(self, "upper", upper)

    # ---- what the wrapped penalty provides ----------------------------------------------
    @property
    def scalar_kernels(self):
        return self.penalty.scalar_kernels

    @property
    def is_convex(self):
        return self.penalty.is_convex

    @property
    def params(self):
        return self.penalty.params

    def _params(self):
        return self.penalty._params()

    def coordinate_weights(self, n_features):
        return self.penalty.coordinate_weights(n_features)

    def coordinate_bounds(self, n_features):
        self._check_length(n_features)
        lower = np.array(np.broadcast_to(self.lower, (n_features,)), dtype=np.float64)
        upper = np.array(np.broadcast_to(self.upper, (n_features,)), dtype=np.float64)
        return lower, upper

    @property
    def n_features_required(self):
        for bound in (self.lower, self.upper):
            if isinstance(bound, np.ndarray):
                return int(bound.shape[0])
        return self.penalty.n_features_required

    def _check_length(self, n_features):
        self.penalty._check_length(n_features)
        for name in ("lower", "upper"):
            bound = getattr(self, name)
            if isinstance(bound, np.ndarray) and bound.shape[0] != n_features:
                raise ValueError(
                    f"{type(self).__name__}: {name} has {bound.shape[0]} entries but w has "
                    f"{n_features} coefficients; pass one bound per feature or a scalar."
                )

    # ---- duality ------------------------------------------------------------------------
    @property
    def is_half_line(self):
        """Whether every bound is 0 or infinite (the box is a product of half-lines)."""
        lower_ok = np.all((np.asarray(self.lower) == 0) | np.isneginf(self.lower))
        upper_ok = np.all((np.asarray(self.upper) == 0) | np.isposinf(self.upper))
        return bool(lower_ok and upper_ok)

    @property
    def has_conjugate(self):
        return self.penalty.has_conjugate and self.is_half_line

    def conjugate(self, v):
        if self.penalty.has_conjugate and not self.is_half_line:
            raise NotImplementedError(
                f"{self!r} has finite bounds: its conjugate is not implemented, use the KKT "
                "violation (lpreg.certificates.kkt_violation)."
            )
        return super().conjugate(v)

    def dual_scaling(self, v):
        if not self.has_conjugate:
            raise NotImplementedError(
                f"{self!r} has no conjugate: no dual point to rescale, use the KKT violation."
            )
        return super().dual_scaling(v)

    def _conjugate(self, v):
        return self.penalty._conjugate(v)

    def _conjugate_radius(self):
        return self.penalty._conjugate_radius()

    # ---- alpha_max (the base class's, through with_alpha) -------------------------------
    def with_alpha(self, alpha):
        """A copy whose wrapped penalty has strength ``alpha`` (same bounds)."""
        return Bounded(self.penalty.with_alpha(alpha), self.lower, self.upper)

    # ---- value semantics ----------------------------------------------------------------
    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return (
            self.penalty == other.penalty
            and np.array_equal(self.lower, other.lower)
            and np.array_equal(self.upper, other.upper)
        )

    def __hash__(self):
        return hash(
            (
                type(self).__name__,
                self.penalty,
                np.asarray(self.lower).tobytes(),
                np.asarray(self.upper).tobytes(),
            )
        )

    def __repr__(self):
        def text(bound):
            return _array_text(bound) if isinstance(bound, np.ndarray) else repr(bound)

        return (
            f"{type(self).__name__}({self.penalty!r}, lower={text(self.lower)}, "
            f"upper={text(self.upper)})"
        )
