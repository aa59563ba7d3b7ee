"""Regression estimators: each names one (datafit, penalty) pair in scikit-learn's terms."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from lpreg.estimators.base import (
    ALPHA_CONSTRAINT,
    COMMON_CONSTRAINTS,
    GeneralizedLinearEstimator,
    check_penalty_factor,
)

__all__ = [
    "ElasticNet",
    "HuberRegression",
    "Lasso",
    "LpRegression",
    "MCPRegression",
    "Ridge",
    "SCADRegression",
]


L1_RATIO_CONSTRAINT = {
    "low": 0.0,
    "high": 1.0,
    "hint": "To weight L1 by a and squared L2 by b, pass alpha=a+b, l1_ratio=a/(a+b).",
}


class _PenalizedRegression(GeneralizedLinearEstimator):
    """Shared parameters of the named estimators: alpha, positive, penalty_factor."""

    _constraints: ClassVar[dict] = {
        **COMMON_CONSTRAINTS,
        "alpha": ALPHA_CONSTRAINT,
        "positive": "boolean",
    }

    def __init__(
        self,
        alpha=1.0,
        *,
        fit_intercept=True,
        positive=False,
        penalty_factor=None,
        warm_start=False,
        max_iter=1000,
        tol=1e-4,
        solver="auto",
    ):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.positive = positive
        self.penalty_factor = penalty_factor
        self.warm_start = warm_start
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver

    def _datafit(self):
        from lpreg.datafits import Quadratic

        return Quadratic()

    def _base_penalty(self, alpha):
        raise NotImplementedError

    def _check_params(self):
        super()._check_params()
        check_penalty_factor(self.penalty_factor, type(self).__name__)

    def _penalty(self, n_features, sample_weight_sum, n_samples):
        from lpreg.penalties.factor import compose_penalty

        return compose_penalty(
            self._base_penalty(float(self.alpha)),
            n_features,
            positive=self.positive,
            penalty_factor=self.penalty_factor,
            owner=type(self).__name__,
        )


class Lasso(_PenalizedRegression):
    r"""Linear regression with an L1 penalty: scikit-learn's ``Lasso`` objective, certified.

    .. math::
        \min_{w, b}\; \frac{1}{2 n} \sum_{i=1}^{n} s_i (y_i - x_i^\top w - b)^2
        + \alpha \sum_j c_j |w_j|

    with sample weights :math:`s_i` rescaled to sum to ``n`` (none: all 1) and penalty factors
    :math:`c_j` (``penalty_factor``, default 1).  This is the very function scikit-learn's
    ``Lasso(alpha)`` minimises, so ``from lpreg import Lasso`` gives the same model.

    Parameters
    ----------
    alpha : float, default=1.0
        Penalty strength, ``>= 0``.
    fit_intercept : bool, default=True
    positive : bool, default=False
        Constrain the coefficients to be ``>= 0``.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature multipliers :math:`c_j \ge 0` of the penalty (0: unpenalised), as in
        glmnet.
    warm_start : bool, default=False
    max_iter : int, default=1000
    tol : float, default=1e-4
        Duality gap target, relative to the objective at ``w = 0``.
    solver : str, default="auto"

    Examples
    --------
    >>> import numpy as np
    >>> from lpreg import Lasso
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
    >>> y = np.array([0.0, 1.0, 2.0, 3.0])
    >>> model = Lasso(alpha=0.1).fit(X, y)
    >>> np.round(model.coef_, 3)
    array([0.92, 0.  ])
    """

    def _base_penalty(self, alpha):
        from lpreg.penalties import L1

        return L1(alpha)


class ElasticNet(_PenalizedRegression):
    r"""Linear regression with the Elastic-Net penalty: scikit-learn's ``ElasticNet``.

    .. math::
        \min_{w, b}\; \frac{1}{2 n} \sum_i s_i (y_i - x_i^\top w - b)^2
        + \alpha \sum_j c_j \Big(r |w_j| + \frac{1 - r}{2} w_j^2\Big)

    ``r = l1_ratio`` in [0, 1]; the same function as scikit-learn's
    ``ElasticNet(alpha, l1_ratio)``.  Other parameters as :class:`Lasso`.
    """

    _constraints: ClassVar[dict] = {
        **_PenalizedRegression._constraints,
        "l1_ratio": L1_RATIO_CONSTRAINT,
    }

    def __init__(
        self,
        alpha=1.0,
        *,
        l1_ratio=0.5,
        fit_intercept=True,
        positive=False,
        penalty_factor=None,
        warm_start=False,
        max_iter=1000,
        tol=1e-4,
        solver="auto",
    ):
        super().__init__(
            alpha,
            fit_intercept=fit_intercept,
            positive=positive,
            penalty_factor=penalty_factor,
            warm_start=warm_start,
            max_iter=max_iter,
            tol=tol,
            solver=solver,
        )
        self.l1_ratio = l1_ratio

    def _base_penalty(self, alpha):
        from lpreg.penalties import ElasticNet as ElasticNetPenalty

        return ElasticNetPenalty(alpha, l1_ratio=self.l1_ratio)


class Ridge(_PenalizedRegression):
    r"""Ridge regression in scikit-learn's scaling.

    .. math::
        \min_{w, b}\; \sum_i s_i (y_i - x_i^\top w - b)^2 + \alpha \sum_j c_j w_j^2

    exactly scikit-learn's ``Ridge(alpha)`` objective (no division by ``n``; raw sample
    weights).  Internally this is ``Quadratic`` plus ``L2(alpha / sum(s))``.
    """

    def __init__(
        self,
        alpha=1.0,
        *,
        fit_intercept=True,
        positive=False,
        penalty_factor=None,
        warm_start=False,
        max_iter=1000,
        tol=1e-4,
        solver="auto",
    ):
        super().__init__(
            alpha,
            fit_intercept=fit_intercept,
            positive=positive,
            penalty_factor=penalty_factor,
            warm_start=warm_start,
            max_iter=max_iter,
            tol=tol,
            solver=solver,
        )

    def _penalty(self, n_features, sample_weight_sum, n_samples):
        self._weight_sum = sample_weight_sum
        return super()._penalty(n_features, sample_weight_sum, n_samples)

    def _base_penalty(self, alpha):
        from lpreg.penalties import L2

        # sum_i s_i r_i^2 + alpha ||w||^2 = 2 S [ (1/2) sum_i c_i r_i^2 + (alpha / S)/2 ||w||^2 ]
        return L2(alpha / self._weight_sum)


class LpRegression(_PenalizedRegression):
    r"""Linear regression with an Lp penalty, any ``p > 0``.

    .. math::
        \min_{w, b}\; \frac{1}{2 n} \sum_i s_i (y_i - x_i^\top w - b)^2
        + \alpha \sum_j c_j |w_j|^p

    ``p < 1`` is non-convex and sparser than the lasso (certified by the KKT violation of the
    exact prox); ``p = 1`` is :class:`Lasso`; ``p > 1`` is smooth and never gives exact zeros.
    ``p`` must be > 0 (``p = 0``, best subset, is not supported).  Other parameters as
    :class:`Lasso`.
    """

    _constraints: ClassVar[dict] = {
        **_PenalizedRegression._constraints,
        "p": {
            "low": 0.0,
            "high": np.inf,
            "low_inclusive": False,
            "high_inclusive": False,
            "hint": "p = 0 (best subset) is not supported; for sparser fits than L1 use "
            "p=0.5 or MCPRegression.",
        },
    }

    def __init__(
        self,
        alpha=1.0,
        *,
        p=0.5,
        fit_intercept=True,
        positive=False,
        penalty_factor=None,
        warm_start=False,
        max_iter=1000,
        tol=1e-4,
        solver="auto",
    ):
        super().__init__(
            alpha,
            fit_intercept=fit_intercept,
            positive=positive,
            penalty_factor=penalty_factor,
            warm_start=warm_start,
            max_iter=max_iter,
            tol=tol,
            solver=solver,
        )
        self.p = p

    def _base_penalty(self, alpha):
        from lpreg.penalties import Lp

        return Lp(alpha, p=self.p)


class MCPRegression(_PenalizedRegression):
    r"""Linear regression with the minimax concave penalty (Zhang 2010).

    .. math::
        \min_{w, b}\; \frac{1}{2 n} \sum_i s_i (y_i - x_i^\top w - b)^2
        + \sum_j c_j\, \mathrm{MCP}_{\alpha, \gamma}(w_j)

    with ``gamma > 1`` (see :class:`lpreg.penalties.MCP`).  Other parameters as
    :class:`Lasso`.
    """

    _constraints: ClassVar[dict] = {
        **_PenalizedRegression._constraints,
        "gamma": {
            "low": 1.0,
            "high": np.inf,
            "low_inclusive": False,
            "high_inclusive": False,
            "hint": "gamma -> 1 approaches hard thresholding, large gamma approaches L1; "
            "gamma=3 is a common choice.",
        },
    }

    def __init__(
        self,
        alpha=1.0,
        *,
        gamma=3.0,
        fit_intercept=True,
        positive=False,
        penalty_factor=None,
        warm_start=False,
        max_iter=1000,
        tol=1e-4,
        solver="auto",
    ):
        super().__init__(
            alpha,
            fit_intercept=fit_intercept,
            positive=positive,
            penalty_factor=penalty_factor,
            warm_start=warm_start,
            max_iter=max_iter,
            tol=tol,
            solver=solver,
        )
        self.gamma = gamma

    def _base_penalty(self, alpha):
        from lpreg.penalties import MCP

        return MCP(alpha, gamma=self.gamma)


class SCADRegression(MCPRegression):
    r"""Linear regression with the SCAD penalty (Fan & Li 2001).

    .. math::
        \min_{w, b}\; \frac{1}{2 n} \sum_i s_i (y_i - x_i^\top w - b)^2
        + \sum_j c_j\, \mathrm{SCAD}_{\alpha, \gamma}(w_j)

    with ``gamma > 2`` (see :class:`lpreg.penalties.SCAD`).  Other parameters as
    :class:`Lasso`.
    """

    _constraints: ClassVar[dict] = {
        **_PenalizedRegression._constraints,
        "gamma": {
            "low": 2.0,
            "high": np.inf,
            "low_inclusive": False,
            "high_inclusive": False,
            "hint": "Fan & Li recommend gamma=3.7; larger gamma approaches L1.",
        },
    }

    def __init__(
        self,
        alpha=1.0,
        *,
        gamma=3.7,
        fit_intercept=True,
        positive=False,
        penalty_factor=None,
        warm_start=False,
        max_iter=1000,
        tol=1e-4,
        solver="auto",
    ):
        super().__init__(
            alpha,
            gamma=gamma,
            fit_intercept=fit_intercept,
            positive=positive,
            penalty_factor=penalty_factor,
            warm_start=warm_start,
            max_iter=max_iter,
            tol=tol,
            solver=solver,
        )

    def _base_penalty(self, alpha):
        from lpreg.penalties import SCAD

        return SCAD(alpha, gamma=self.gamma)


class HuberRegression(_PenalizedRegression):
    r"""Robust linear regression: Huber loss plus an Elastic-Net penalty.

    .. math::
        \min_{w, b}\; \frac{1}{n} \sum_i s_i\, h_\delta(y_i - x_i^\top w - b)
        + \alpha \sum_j c_j \Big(r |w_j| + \frac{1 - r}{2} w_j^2\Big)

    with :math:`h_\delta(r) = r^2/2` for :math:`|r| \le \delta`, else
    :math:`\delta |r| - \delta^2 / 2` (no scale estimate, unlike scikit-learn's
    ``HuberRegressor``), ``delta > 0`` and ``r = l1_ratio`` in [0, 1].  Other parameters as
    :class:`Lasso`.
    """

    _constraints: ClassVar[dict] = {
        **_PenalizedRegression._constraints,
        "delta": {
            "low": 0.0,
            "high": np.inf,
            "low_inclusive": False,
            "high_inclusive": False,
            "hint": "delta is the residual size where the loss turns from squared to linear.",
        },
        "l1_ratio": L1_RATIO_CONSTRAINT,
    }

    def __init__(
        self,
        alpha=1.0,
        *,
        delta=1.35,
        l1_ratio=1.0,
        fit_intercept=True,
        positive=False,
        penalty_factor=None,
        warm_start=False,
        max_iter=1000,
        tol=1e-4,
        solver="auto",
    ):
        super().__init__(
            alpha,
            fit_intercept=fit_intercept,
            positive=positive,
            penalty_factor=penalty_factor,
            warm_start=warm_start,
            max_iter=max_iter,
            tol=tol,
            solver=solver,
        )
        self.delta = delta
        self.l1_ratio = l1_ratio

    def _datafit(self):
        from lpreg.datafits import Huber

        return Huber(delta=self.delta)

    def _base_penalty(self, alpha):
        from lpreg.penalties import ElasticNet as ElasticNetPenalty

        return ElasticNetPenalty(alpha, l1_ratio=self.l1_ratio)
