r"""Per-feature penalty factors (glmnet's ``penalty.factor``) for any separable penalty.

:math:`G(w) = \sum_j c_j\, g(w_j)` with :math:`c_j \ge 0` multiplying the wrapped penalty's
per-coordinate weights; :math:`c_j = 0` leaves feature ``j`` unpenalised.  The prox of
:math:`c_j g` with step ``t`` is the prox of ``g`` with step :math:`c_j t`, so the wrapped
penalty's kernels serve unchanged (see :mod:`lpreg.penalties.base`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lpreg._validation import check_nonnegative_array
from lpreg.penalties.base import Penalty, register_penalty

__all__ = ["PenaltyFactor", "compose_penalty"]


def _readonly(array):
    array = np.array(array, dtype=np.float64)
    array.setflags(write=False)
    return array


@register_penalty(
    examples=[
        {"penalty": ("L1", {"alpha": 0.5}), "factors": [1.0, 0.0, 2.0, 0.5, 1.0, 3.0]},
        {
            "penalty": ("ElasticNet", {"alpha": 1.0, "l1_ratio": 0.3}),
            "factors": [0.5, 1.0, 1.0, 0.0, 2.0, 1.0],
        },
    ]
)
@dataclass(frozen=True, eq=False, repr=False)
class PenaltyFactor(Penalty):
    r"""A separable penalty with per-feature multipliers ``factors``.

    .. math:: G(w) = \sum_{j=1}^{n_\mathrm{features}} c_j\, g(w_j)

    Parameters
    ----------
    penalty : Penalty
        A separable penalty (``L1``, ``ElasticNet``, ``Lp``, ``MCP`` ...).  For the registry a
        ``(class name, kwargs)`` pair is accepted too.
    factors : array-like of shape (n_features,)
        :math:`c_j \ge 0`; 0 leaves a feature unpenalised.

    Examples
    --------
    >>> import numpy as np
    >>> from lpreg.penalties import L1, PenaltyFactor
    >>> PenaltyFactor(L1(1.0), [1.0, 0.0]).prox(np.array([3.0, 3.0]), step=1.0)
    array([2., 3.])
    """

    penalty: Penalty = None
    factors: np.ndarray = None

    def __post_init__(self):
        owner = type(self).__name__
        penalty = self.penalty
        if isinstance(penalty, tuple):
            import lpreg.penalties as families

            name, kwargs = penalty
            penalty = getattr(families, name)(**kwargs)
            object.__setattr__(self, "penalty", penalty)
        if not isinstance(penalty, Penalty) or not penalty.is_separable:
            raise ValueError(
                f"{owner}: penalty must be a separable Penalty (L1, ElasticNet, Lp, MCP, ...), "
                f"got {penalty!r}; group penalties take group weights instead."
            )
        factors = check_nonnegative_array(
            self.factors, "factors", owner, zero_meaning="0 leaves a feature unpenalised"
        )
        object.__setattr__(self, "factors", _readonly(factors))

    def __repr__(self):
        shown = np.array2string(self.factors, threshold=8, precision=4)
        return f"PenaltyFactor({self.penalty!r}, factors={shown})"

    # delegation to the wrapped penalty
    @property
    def is_convex(self):
        return self.penalty.is_convex

    @property
    def has_conjugate(self):
        return self.penalty.has_conjugate

    @property
    def scalar_kernels(self):
        return self.penalty.scalar_kernels

    @property
    def n_features_required(self):
        return self.factors.shape[0]

    def _params(self):
        return self.penalty.params

    def _check_length(self, n_features):
        if n_features != self.factors.shape[0]:
            raise ValueError(
                f"PenaltyFactor: factors has {self.factors.shape[0]} entries but the problem "
                f"has {n_features} features; pass one factor per feature."
            )
        self.penalty._check_length(n_features)

    def coordinate_weights(self, n_features):
        return self.penalty.coordinate_weights(n_features) * self.factors

    def coordinate_bounds(self, n_features):
        return self.penalty.coordinate_bounds(n_features)

    def _conjugate(self, v):
        return self.penalty._conjugate(v)

    def _conjugate_radius(self):
        return self.penalty._conjugate_radius()

    def with_alpha(self, alpha):
        return PenaltyFactor(self.penalty.with_alpha(alpha), self.factors)


def compose_penalty(penalty, n_features, *, positive=False, penalty_factor=None, owner="model"):
    """Apply an estimator's ``penalty_factor`` and ``positive`` options to a penalty."""
    if penalty_factor is not None:
        factors = np.asarray(penalty_factor, dtype=np.float64)
        if factors.ndim != 1 or factors.shape[0] != n_features:
            raise ValueError(
                f"{owner}: penalty_factor must have one entry per feature ({n_features}), got "
                f"shape {factors.shape}."
            )
        try:
            penalty = PenaltyFactor(penalty, factors)
        except ValueError as exc:
            raise ValueError(f"{owner}: penalty_factor is invalid: {exc}") from None
    if positive:
        from lpreg.penalties.bounded import Bounded

        penalty = Bounded(penalty, lower=0.0)
    return penalty
