r"""The weighted L1 penalty :math:`\alpha \sum_j c_j |w_j|` (adaptive lasso, penalty factors)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from lpreg._validation import check_nonnegative_array
from lpreg.penalties.base import Penalty, ScalarKernels, register_penalty
from lpreg.penalties.l1 import (
    check_alpha,
    l1_prox_scalar,
    l1_subdiff_interval,
    l1_value_scalar,
)

__all__ = ["WeightedL1"]


def _array_text(array, max_items=8):
    """Readable text of a 1-D array for a repr: the list if short, else a summary."""
    array = np.asarray(array)
    if array.size <= max_items:
        return "[" + ", ".join(repr(item.item()) for item in array) + "]"
    head = ", ".join(repr(item.item()) for item in array[:3])
    tail = ", ".join(repr(item.item()) for item in array[-2:])
    return f"[{head}, ..., {tail}] ({array.size} entries)"


def _readonly(array):
    array = np.array(array, copy=True)
    array.setflags(write=False)
    return array


@register_penalty(
    examples=[
        {"alpha": 0.0, "weights": [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]},
        {"alpha": 0.5, "weights": [0.0, 1.0, 2.0, 0.5, 3.0, 1.0]},
        {"alpha": 2.0, "weights": [1e-3, 0.0, 0.0, 10.0, 1.0, 0.2]},
    ]
)
@dataclass(frozen=True, eq=False, repr=False)
class WeightedL1(Penalty):
    r"""Weighted L1 penalty (adaptive lasso, glmnet's ``penalty.factor``).

    .. math:: G(w) = \alpha \sum_{j=1}^{n_\mathrm{features}} c_j |w_j|, \qquad c_j \ge 0

    Parameters
    ----------
    alpha : float, default=1.0
        Strength, ``alpha >= 0``.
    weights : array-like of shape (n_features,)
        The weights :math:`c_j \ge 0`, one per feature (column of ``X``); ``c_j = 0`` leaves
        coordinate ``j`` unpenalized.  Stored as a read-only float64 array.

    Notes
    -----
    The prox with step ``t`` is coordinatewise soft thresholding at :math:`\alpha c_j t`
    (L1's kernel with the step scaled by :math:`c_j`).  The subdifferential at 0 is
    :math:`[-\alpha c_j, \alpha c_j]`, so
    :math:`\alpha_{\max} = \max_{c_j > 0} |\nabla_j F(0)| / c_j` (unpenalized coordinates
    must have a zero gradient at ``w = 0``).  The conjugate is the indicator of
    :math:`|v_j| \le \alpha c_j` over the penalized coordinates; unpenalized coordinates are
    certified by the KKT violation (``v_j = 0``).

    Examples
    --------
    >>> import numpy as np
    >>> from lpreg import WeightedL1
    >>> WeightedL1(alpha=1.0, weights=[0.0, 1.0, 2.0]).prox(np.array([3.0, 3.0, 3.0]), 1.0)
    array([3., 2., 1.])
    """

    alpha: float = 1.0
    weights: object = None

    is_convex: ClassVar[bool] = True
    # L1's kernels: the weights enter through coordinate_weights (step scaled by c_j)
    scalar_kernels: ClassVar = ScalarKernels(
        value=l1_value_scalar, prox=l1_prox_scalar, subdiff_interval=l1_subdiff_interval
    )

    def __post_init__(self):
        owner = type(self).__name__
        object.__setattr__(self, "alpha", check_alpha(self.alpha, owner))
        if self.weights is None:
            raise TypeError(
                f"{owner}: weights is required, one weight c_j >= 0 per feature; "
                "use L1(alpha) for equal weights."
            )
        weights = check_nonnegative_array(
            self.weights, "weights", owner, zero_meaning="0 leaves a coordinate unpenalized"
        )
        if weights.size == 0:
            raise ValueError(f"{owner}: weights must have one entry per feature, got none.")
        object.__setattr__(self, "weights", _readonly(weights))

    def _params(self):
        return (self.alpha,)

    def _conjugate(self, v):
        return np.zeros_like(v)

    def _conjugate_radius(self):
        return self.alpha

    # ---- per-feature data ---------------------------------------------------------------
    @property
    def n_features_required(self):
        return int(self.weights.shape[0])

    def _check_length(self, n_features):
        if n_features != self.weights.shape[0]:
            raise ValueError(
                f"{type(self).__name__}: weights has {self.weights.shape[0]} entries but w "
                f"has {n_features} coefficients; pass one weight per feature (column of X)."
            )

    def coordinate_weights(self, n_features):
        self._check_length(n_features)
        return self.weights

    # ---- value semantics for an array field ---------------------------------------------
    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return self.alpha == other.alpha and np.array_equal(self.weights, other.weights)

    def __hash__(self):
        return hash((type(self).__name__, self.alpha, self.weights.tobytes()))

    def __repr__(self):
        return f"{type(self).__name__}(alpha={self.alpha!r}, weights={_array_text(self.weights)})"
