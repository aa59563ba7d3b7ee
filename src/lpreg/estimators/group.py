"""Group-sparse regression: the quadratic datafit with the (sparse) Group Lasso penalty."""

from __future__ import annotations

import re
from typing import ClassVar

import numpy as np

from lpreg.estimators.base import (
    ALPHA_CONSTRAINT,
    COMMON_CONSTRAINTS,
    GeneralizedLinearEstimator,
    check_penalty_factor,
)

__all__ = ["GroupLassoRegression"]


def _reowned(exc, owner):
    """The penalty's error, re-raised as the estimator's (its ``Penalty:`` prefix dropped)."""
    message = re.sub(r"^(Sparse)?GroupLasso: ", "", str(exc))
    return type(exc)(f"{owner}: {message}")


class GroupLassoRegression(GeneralizedLinearEstimator):
    r"""Linear regression with the Group Lasso (or Sparse Group Lasso) penalty.

    .. math::
        \min_{w, b}\; \frac{1}{2 n} \sum_{i=1}^{n} s_i (y_i - x_i^\top w - b)^2
        + \alpha \Big( r \|w\|_1 + (1 - r) \sum_{g} c_g \|w_g\|_2 \Big)

    with sample weights :math:`s_i` rescaled to sum to ``n`` (none: all 1), ``r = l1_ratio``
    (0, the default, is the Group Lasso) and group weights :math:`c_g` (``group_weights``,
    default :math:`\sqrt{|g|}`, each multiplied by the group's ``penalty_factor``).  Whole
    groups enter or leave the model together; ``r > 0`` also zeroes single coefficients inside
    active groups.  The datafit is :class:`Lasso`'s, so ``groups=1`` (every column its own
    group, :math:`c_g = 1`) is exactly ``Lasso(alpha)``.

    This is the *estimator*; the penalty of the same name is
    :class:`lpreg.penalties.GroupLasso` (``lpreg.GroupLasso``), which this class builds
    (:class:`lpreg.penalties.SparseGroupLasso` when ``l1_ratio > 0``).  It is named
    ``GroupLassoRegression`` so that both can live at the top level of ``lpreg``.

    Parameters
    ----------
    alpha : float, default=1.0
        Penalty strength, ``>= 0``.
    groups : int, array-like of int of shape (n_features,), or list of lists of int
        Required.  A group index per column, an int ``k`` (contiguous groups of ``k``
        columns; it must divide ``n_features``), or one list of columns per group.  Every
        column must be in exactly one group.
    l1_ratio : float, default=0.0
        ``r`` in [0, 1]: 0 is the Group Lasso, 1 the Lasso.
    group_weights : array-like of shape (n_groups,), default=None
        :math:`c_g \ge 0`, in sorted group order; default :math:`\sqrt{|g|}`.
    fit_intercept : bool, default=True
    positive : bool, default=False
        Only ``False``: sign constraints are not implemented for group penalties (a
        ``ValueError`` says so); use :class:`Lasso` with ``positive=True``.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature multipliers, which must be equal within each group (a group is penalised
        as a whole); they multiply the group weights (0: the group is unpenalised).  Only with
        ``l1_ratio=0``.
    warm_start : bool, default=False
    max_iter : int, default=1000
    tol : float, default=1e-4
        Duality gap target, relative to the objective at ``w = 0``.
    solver : str, default="auto"
        ``"auto"`` picks block coordinate descent.

    Attributes
    ----------
    coef_, intercept_, n_iter_, dual_gap_, kkt_violation_, converged_, solver_,
    n_features_in_, feature_names_in_
        As :class:`GeneralizedLinearEstimator`.

    Notes
    -----
    :math:`w = 0` is optimal iff :math:`\alpha \ge \max_g \|X_g^\top C (y - \bar y)\|_2 / c_g`
    (Group Lasso, ``C`` the normalised sample weights), see
    :meth:`lpreg.penalties.GroupLasso.alpha_max`.

    Examples
    --------
    >>> import numpy as np
    >>> from lpreg import GroupLassoRegression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 4))
    >>> y = X[:, 0] + X[:, 1] + 0.01 * rng.standard_normal(50)
    >>> model = GroupLassoRegression(alpha=0.1, groups=[0, 0, 1, 1]).fit(X, y)
    >>> (model.coef_[2:] == 0).tolist(), bool(model.dual_gap_ <= 1e-4)
    ([True, True], True)
    """

    _constraints: ClassVar[dict] = {
        **COMMON_CONSTRAINTS,
        "alpha": ALPHA_CONSTRAINT,
        "positive": "boolean",
        "l1_ratio": {
            "low": 0.0,
            "high": 1.0,
            "hint": "l1_ratio=0 is the Group Lasso, l1_ratio=1 the Lasso.",
        },
    }

    def __init__(
        self,
        alpha=1.0,
        *,
        groups=None,
        l1_ratio=0.0,
        group_weights=None,
        fit_intercept=True,
        positive=False,
        penalty_factor=None,
        warm_start=False,
        max_iter=1000,
        tol=1e-4,
        solver="auto",
    ):
        self.alpha = alpha
        self.groups = groups
        self.l1_ratio = l1_ratio
        self.group_weights = group_weights
        self.fit_intercept = fit_intercept
        self.positive = positive
        self.penalty_factor = penalty_factor
        self.warm_start = warm_start
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver

    def _check_params(self):
        super()._check_params()
        owner = type(self).__name__
        if self.groups is None:
            raise ValueError(
                f"{owner}: groups is required: a group index per column (int array of length "
                "n_features), an int k (contiguous groups of k columns) or a list of column "
                "lists; got groups=None."
            )
        if self.positive:
            raise ValueError(
                f"{owner}: positive=True is not supported with group penalties (got "
                "positive=True); use lpreg.Lasso(positive=True) for sign-constrained sparsity."
            )
        check_penalty_factor(self.penalty_factor, owner)
        if self.penalty_factor is not None and self.l1_ratio != 0:
            raise ValueError(
                f"{owner}: penalty_factor needs l1_ratio=0 (got l1_ratio={self.l1_ratio}); "
                "with an L1 part pass group_weights instead."
            )
        self._group_penalty(float(self.alpha))  # checks groups and group_weights early

    def _group_penalty(self, alpha, group_weights=None):
        from lpreg.penalties import GroupLasso, SparseGroupLasso

        owner = type(self).__name__
        weights = self.group_weights if group_weights is None else group_weights
        try:
            if self.l1_ratio == 0:
                return GroupLasso(alpha, groups=self.groups, group_weights=weights)
            return SparseGroupLasso(
                alpha, groups=self.groups, l1_ratio=float(self.l1_ratio), group_weights=weights
            )
        except (TypeError, ValueError) as exc:
            raise _reowned(exc, owner) from None

    def _datafit(self):
        from lpreg.datafits import Quadratic

        return Quadratic()

    def _penalty(self, n_features, sample_weight_sum, n_samples):
        owner = type(self).__name__
        penalty = self._group_penalty(float(self.alpha))
        try:
            structure = penalty.group_structure(n_features)
        except (TypeError, ValueError) as exc:
            raise _reowned(exc, owner) from None
        if self.penalty_factor is None:
            return penalty
        factors = np.asarray(self.penalty_factor, dtype=np.float64)
        if factors.shape != (n_features,):
            raise ValueError(
                f"{owner}: penalty_factor must have one entry per feature ({n_features}), got "
                f"shape {factors.shape}."
            )
        group_factors = np.empty(structure.n_groups)
        for g in range(structure.n_groups):
            members = structure.indices[structure.ptr[g] : structure.ptr[g + 1]]
            values = factors[members]
            if np.any(values != values[0]):
                raise ValueError(
                    f"{owner}: penalty_factor must be equal within each group (a group is "
                    f"penalised as a whole), but group {g} (columns "
                    f"{members.tolist()[:6]}) has factors {values.tolist()[:6]}; give one "
                    "factor per group through group_weights."
                )
            group_factors[g] = values[0]
        return self._group_penalty(float(self.alpha), structure.weights * group_factors)
