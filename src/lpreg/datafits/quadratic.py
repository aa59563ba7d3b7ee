r"""Least squares: :math:`F(w, b) = \frac{1}{2} \sum_i c_i (y_i - x_i^\top w - b)^2`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numba import njit

from lpreg.datafits.base import Datafit, DatafitKernels, normalized_sample_weight

__all__ = ["Quadratic"]


@njit(cache=True)
def quadratic_loss_scalar(y, z, params):
    residual = y - z
    return 0.5 * residual * residual


@njit(cache=True)
def quadratic_derivative_scalar(y, z, params):
    return z - y


@dataclass(frozen=True)
class Quadratic(Datafit):
    r"""Quadratic datafit (least squares), scikit-learn's ``Lasso`` scaling.

    .. math::
        F(w, b) = \frac{1}{2} \sum_{i=1}^{n} c_i (y_i - x_i^\top w - b)^2,
        \qquad c_i = \frac{s_i}{\sum_k s_k}

    Without sample weights this is :math:`\frac{1}{2n}\|y - Xw - b\|_2^2`.

    Notes
    -----
    :math:`f(y, z) = \frac12 (y - z)^2` has :math:`f'' = 1`, so :math:`L_j = \sum_i c_i
    x_{ij}^2`.  Its conjugate is :math:`f^*(y, u) = u y + u^2 / 2`, finite everywhere, so any
    rescaled residual is a feasible dual point.
    """

    curvature_bound: ClassVar[float] = 1.0
    scalar_kernels: ClassVar = DatafitKernels(
        loss=quadratic_loss_scalar, derivative=quadratic_derivative_scalar
    )

    def _loss(self, y, z):
        residual = y - z
        return 0.5 * residual * residual

    def _derivative(self, y, z):
        return z - y

    def _conjugate(self, y, u):
        return u * y + 0.5 * u * u

    def intercept_at_zero(self, y, sample_weight=None):
        c = normalized_sample_weight(sample_weight, len(y), type(self).__name__)
        return float(np.dot(c, y))
