r"""Logistic loss: :math:`F(w, b) = \sum_i c_i \log(1 + e^{-y_i (x_i^\top w + b)})`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numba import njit
from scipy.special import expit, xlogy

from lpreg.datafits.base import Datafit, DatafitKernels, normalized_sample_weight

__all__ = ["Logistic"]

# slack allowed on the conjugate's domain [0, 1] before a point counts as infeasible
_DOMAIN_SLACK = 1e-12


@njit(cache=True)
def logistic_loss_scalar(y, z, params):
    """Return :math:`\\log(1 + e^{-yz})` without overflow for large ``|z|``."""
    margin = -y * z
    if margin > 0.0:
        return margin + math.log1p(math.exp(-margin))
    return math.log1p(math.exp(margin))


@njit(cache=True)
def logistic_derivative_scalar(y, z, params):
    """Return :math:`-y\\,\\sigma(-yz)` with :math:`\\sigma(m) = 1 / (1 + e^{-m})`."""
    margin = -y * z
    if margin >= 0.0:
        sigma = 1.0 / (1.0 + math.exp(-margin))
    else:
        exp_margin = math.exp(margin)
        sigma = exp_margin / (1.0 + exp_margin)
    return -y * sigma


@dataclass(frozen=True)
class Logistic(Datafit):
    r"""Logistic datafit (binary classification, labels encoded as :math:`y_i \in \{-1, +1\}`).

    .. math::
        F(w, b) = \sum_{i=1}^{n} c_i \log\big(1 + e^{-y_i (x_i^\top w + b)}\big),
        \qquad c_i = \frac{s_i}{\sum_k s_k}

    Without sample weights this is the mean log-loss, scikit-learn's ``log_loss`` of the
    probabilities :math:`\sigma(x_i^\top w + b)`.  With an L1 penalty :math:`\alpha\|w\|_1` the
    minimiser is scikit-learn's ``LogisticRegression(penalty="l1", C=C)`` for
    :math:`\alpha = 1 / (C \sum_i s_i)` (``1 / (C n)`` without weights).

    Notes
    -----
    With :math:`m = -y z` the loss is computed as :math:`m + \log(1 + e^{-m})` for
    :math:`m > 0` and :math:`\log(1 + e^{m})` otherwise, so it never overflows.  Its derivative
    is :math:`f'(y, z) = -y\,\sigma(-yz)` and :math:`f'' = \sigma(z)(1 - \sigma(z)) \le 1/4`
    (attained at :math:`z = 0`), so :math:`L_j = \frac14 \sum_i c_i x_{ij}^2`.

    The conjugate of the unweighted loss is, with :math:`t = -y u`,

    .. math::
        f^*(y, u) = t \log t + (1 - t) \log(1 - t) \quad (t \in [0, 1],\ 0 \log 0 = 0),

    and :math:`+\infty` otherwise; :math:`t` up to ``1e-12`` outside :math:`[0, 1]` is clipped
    back in, to absorb rounding.  At the dual point :math:`u_i = f'(y_i, z_i)`,
    :math:`t = \sigma(-y_i z_i) \in (0, 1)`.

    Labels: :meth:`prepare_target` maps any two distinct values to :math:`\{-1, +1\}` (the
    larger of ``np.unique`` is :math:`+1`); :meth:`encode_labels` also returns the classes.

    Examples
    --------
    >>> import numpy as np
    >>> from lpreg import Logistic
    >>> y = Logistic().prepare_target(np.array(["no", "yes", "yes"]))
    >>> y
    array([-1.,  1.,  1.])
    >>> round(Logistic().value(y, np.zeros(3)), 6)  # log(2)
    0.693147
    """

    curvature_bound: ClassVar[float] = 0.25
    scalar_kernels: ClassVar = DatafitKernels(
        loss=logistic_loss_scalar, derivative=logistic_derivative_scalar
    )

    # ---- targets ------------------------------------------------------------------------
    @classmethod
    def encode_labels(cls, y):
        """Return ``(y_pm1, classes)``: labels mapped to ``{-1., +1.}`` and the two classes.

        ``classes = np.unique(y)`` holds exactly two values; ``classes[0]`` becomes ``-1`` and
        ``classes[1]`` becomes ``+1``.  Labels already in ``{-1, +1}`` or ``{0, 1}`` keep their
        meaning (``+1`` and ``1`` are the positive class).

        Raises
        ------
        ValueError
            If ``y`` is not 1-D, holds NaN or infinite values, or does not have exactly two
            distinct values.
        """
        owner = cls.__name__
        array = np.asarray(y)
        if array.ndim != 1:
            raise ValueError(
                f"{owner}: y must be a 1-D array of labels, got an array of shape {array.shape}."
            )
        if array.dtype.kind in "fc" and not np.all(np.isfinite(array)):
            bad = np.flatnonzero(~np.isfinite(array))
            raise ValueError(
                f"{owner}: y must hold finite labels, got {len(bad)} NaN or infinite entries "
                f"(first at index {int(bad[0])}). Remove or impute them before fitting."
            )
        try:
            classes, codes = np.unique(array, return_inverse=True)
        except TypeError as exc:
            raise TypeError(
                f"{owner}: y must hold comparable labels (numbers or strings), got {exc}."
            ) from None
        if classes.shape[0] != 2:
            shown = ", ".join(repr(c) for c in classes[:5].tolist())
            more = ", ..." if classes.shape[0] > 5 else ""
            raise ValueError(
                f"{owner}: y must have exactly 2 classes, got {classes.shape[0]} "
                f"({shown}{more}); for multiclass use one-vs-rest (one Logistic fit per "
                "class), and for a single class there is nothing to separate."
            )
        y_pm1 = np.where(codes.ravel() == 1, 1.0, -1.0)
        return y_pm1, classes

    def prepare_target(self, y):
        """Return ``y`` as float64 labels in ``{-1, +1}`` (see :meth:`encode_labels`)."""
        return self.encode_labels(y)[0]

    # ---- loss ---------------------------------------------------------------------------
    def _loss(self, y, z):
        return np.logaddexp(0.0, -y * z)

    def _derivative(self, y, z):
        return -y * expit(-y * z)

    def _conjugate(self, y, u):
        t = -np.asarray(y, dtype=np.float64) * np.asarray(u, dtype=np.float64)
        outside = (t < -_DOMAIN_SLACK) | (t > 1.0 + _DOMAIN_SLACK)
        t = np.clip(t, 0.0, 1.0)
        values = xlogy(t, t) + xlogy(1.0 - t, 1.0 - t)
        return np.where(outside, np.inf, values)

    # ---- intercept ----------------------------------------------------------------------
    def intercept_at_zero(self, y, sample_weight=None):
        r"""Return :math:`\log(p / (1 - p))`, :math:`p = \sum_{i: y_i = +1} c_i`.

        This solves :math:`\sum_i c_i f'(y_i, b) = 0`, the optimal intercept at ``w = 0``.
        """
        owner = type(self).__name__
        y = np.asarray(y, dtype=np.float64)
        c = normalized_sample_weight(sample_weight, len(y), owner)
        positive = float(np.sum(c[y > 0]))
        negative = float(np.sum(c[y <= 0]))
        if positive <= 0.0 or negative <= 0.0:
            raise ValueError(
                f"{owner}: the samples with positive weight all belong to one class "
                f"(weighted fraction of +1 labels p={positive!r}), so the optimal intercept is "
                "infinite; give both classes some weight."
            )
        return math.log(positive) - math.log(negative)
