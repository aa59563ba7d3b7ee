r"""Multinomial (softmax) log-loss :math:`\sum_i c_i [\operatorname{lse}(z_i) - z_{i y_i}]`.

The coefficients are a matrix :math:`W \in \mathbb{R}^{p \times K}` (one column per class)
and the intercepts a vector :math:`b \in \mathbb{R}^K`; the scores of sample ``i`` are the row
:math:`z_i = x_i^\top W + b^\top`.  Unlike the single-output datafits of this package its
arguments are ``(n_samples, n_classes)`` score matrices, so it is used by the multinomial
solver (:mod:`lpreg.solvers.multinomial`), not by :func:`lpreg.solve`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy.special import xlogy

from lpreg.datafits.base import column_sq_norms, normalized_sample_weight

__all__ = ["Multinomial"]

# slack allowed on the conjugate's domain (the simplex) before a point counts as infeasible
_DOMAIN_SLACK = 1e-10


def _shifted_exp(Z):
    """``(exp(Z - m), m)`` with ``m`` the row maxima (no overflow)."""
    largest = Z.max(axis=1)
    return np.exp(Z - largest[:, None]), largest


def softmax_loss(codes, Z, c, *, with_gradient=True):
    r"""Return ``(F, R)``: :math:`F = \sum_i c_i [\operatorname{lse}(z_i) - z_{i y_i}]` and
    :math:`R = c \odot (\operatorname{softmax}(Z) - E)` from one exponential of ``Z``.

    The solver's inner loop: nothing is validated (``codes`` are int64 in ``0..K-1``, ``c`` the
    normalised weights, ``Z`` float64 of shape (n_samples, n_classes)).  With
    ``with_gradient=False``, ``R`` is None.
    """
    exponentials, largest = _shifted_exp(Z)
    sums = exponentials.sum(axis=1)
    rows = np.arange(Z.shape[0])
    loss = float(np.dot(c, largest + np.log(sums) - Z[rows, codes]))
    if not with_gradient:
        return loss, None
    exponentials *= (c / sums)[:, None]
    exponentials[rows, codes] -= c
    return loss, exponentials


@dataclass(frozen=True)
class Multinomial:
    r"""Multinomial logistic datafit, labels encoded as codes :math:`y_i \in \{0, \dots, K-1\}`.

    .. math::
        F(W, b) = \sum_{i=1}^{n} c_i \Big[\log \sum_{k=1}^{K} e^{z_{ik}} - z_{i y_i}\Big],
        \qquad z_{ik} = x_i^\top W_{:k} + b_k, \qquad c_i = \frac{s_i}{\sum_l s_l}

    Without sample weights this is the mean multinomial log-loss, scikit-learn's
    ``log_loss(y, softmax(Z))``.

    Notes
    -----
    *Gradient.*  With :math:`P = \operatorname{softmax}(Z)` row-wise and :math:`E` the one-hot
    labels, :math:`\partial F / \partial Z = R = c \odot (P - E)` (``raw_gradient``),
    :math:`\nabla_W F = X^\top R` and :math:`\nabla_b F = R^\top 1`.

    *Curvature.*  The Hessian of :math:`\operatorname{lse}` at :math:`z` is
    :math:`\operatorname{diag}(p) - p p^\top`, and :math:`u^\top(\operatorname{diag}(p) -
    pp^\top)u = \operatorname{Var}_p(u) \le (\max u - \min u)^2 / 4 \le \|u\|_2^2 / 2`
    (Böhning's bound).  So the block of the ``K`` coefficients of feature ``j`` has the
    Lipschitz constant :math:`L_j = \frac12 \sum_i c_i x_{ij}^2` (``lipschitz_constants``), and
    the intercept block :math:`\frac12`.

    *Conjugate.*  For one sample, :math:`f(z) = \operatorname{lse}(z) - z_y` has

    .. math::
        f^*(v) = \sup_z\, v^\top z - \operatorname{lse}(z) + z_y
        = \operatorname{lse}^*(v + e_y) = \sum_k q_k \log q_k, \qquad q = v + e_y,

    if :math:`q` lies in the simplex (:math:`q \ge 0`, :math:`\sum_k q_k = 1`) and
    :math:`+\infty` otherwise: the negative entropy of the simplex, shifted by the label.
    ``conjugate(y, Theta)`` returns :math:`\sum_i c_i f^*(\theta_i / c_i)`.  At the dual point
    :math:`\Theta = R`, :math:`q_i = p_i` and Fenchel-Young holds with equality:
    :math:`f(z_i) + f^*(p_i - e_{y_i}) = (p_i - e_{y_i})^\top z_i`.

    Examples
    --------
    >>> import numpy as np
    >>> from lpreg.datafits import Multinomial
    >>> round(Multinomial().value(np.array([0, 2]), np.zeros((2, 3))), 6)  # log(3)
    1.098612
    """

    curvature_bound: ClassVar[float] = 0.5

    # ---- targets ------------------------------------------------------------------------
    @staticmethod
    def encode_labels(y):
        """Return ``(codes, classes)``: ``classes = np.unique(y)``, ``classes[codes] == y``."""
        classes, codes = np.unique(np.asarray(y), return_inverse=True)
        return codes.ravel().astype(np.int64), classes

    @staticmethod
    def _codes(y, n_classes=None):
        codes = np.asarray(y)
        if codes.ndim != 1 or codes.dtype.kind not in "iu":
            raise ValueError(
                f"Multinomial: y must be a 1-D array of integer class codes 0..K-1, got dtype "
                f"{codes.dtype} and shape {codes.shape}; encode labels with "
                "Multinomial.encode_labels(y)."
            )
        if codes.size and (
            codes.min() < 0 or (n_classes is not None and codes.max() >= n_classes)
        ):
            raise ValueError(
                f"Multinomial: class codes must lie in 0..{n_classes - 1 if n_classes else 'K-1'}"
                f", got values in [{codes.min()}, {codes.max()}]."
            )
        return codes.astype(np.int64, copy=False)

    # ---- value and gradient -------------------------------------------------------------
    def value(self, y, Z, sample_weight=None):
        r"""Return :math:`\sum_i c_i [\operatorname{lse}(z_i) - z_{i y_i}]`."""
        Z = np.asarray(Z, dtype=np.float64)
        codes = self._codes(y, Z.shape[1])
        c = normalized_sample_weight(sample_weight, Z.shape[0], "Multinomial")
        return softmax_loss(codes, Z, c, with_gradient=False)[0]

    def raw_gradient(self, y, Z, sample_weight=None):
        r"""Return :math:`R = c \odot (\operatorname{softmax}(Z) - E)`, shape (n, K)."""
        Z = np.asarray(Z, dtype=np.float64)
        codes = self._codes(y, Z.shape[1])
        c = normalized_sample_weight(sample_weight, Z.shape[0], "Multinomial")
        return softmax_loss(codes, Z, c)[1]

    def gradient(self, X, y, Z, sample_weight=None):
        r"""Return :math:`\nabla_W F = X^\top R`, shape (n_features, n_classes)."""
        return np.asarray(X.T @ self.raw_gradient(y, Z, sample_weight), dtype=np.float64)

    def lipschitz_constants(self, X, sample_weight=None):
        r"""Block Lipschitz constants :math:`L_j = \frac12 \sum_i c_i x_{ij}^2`."""
        c = normalized_sample_weight(sample_weight, X.shape[0], "Multinomial")
        return self.curvature_bound * column_sq_norms(X, c)

    # ---- duality ------------------------------------------------------------------------
    def conjugate(self, y, Theta, sample_weight=None):
        r"""Return :math:`\sum_i c_i f^*(\theta_i / c_i)` (``inf`` off the shifted simplex).

        Rows with :math:`c_i = 0` need :math:`\theta_i = 0`; the simplex is checked up to
        ``1e-10`` (rounding), the entropy evaluated at the clipped point.
        """
        Theta = np.asarray(Theta, dtype=np.float64)
        n_samples, n_classes = Theta.shape
        codes = self._codes(y, n_classes)
        c = normalized_sample_weight(sample_weight, n_samples, "Multinomial")
        zero = c == 0
        if np.any(np.abs(Theta[zero]) > 0):
            return math.inf
        keep = ~zero
        Q = Theta[keep] / c[keep, None]
        Q[np.arange(Q.shape[0]), codes[keep]] += 1.0
        if np.any(Q < -_DOMAIN_SLACK) or np.any(np.abs(Q.sum(axis=1) - 1.0) > _DOMAIN_SLACK):
            return math.inf
        Q = np.clip(Q, 0.0, 1.0)
        return float(np.dot(c[keep], xlogy(Q, Q).sum(axis=1)))

    # ---- intercept ----------------------------------------------------------------------
    def intercept_at_zero(self, y, n_classes, sample_weight=None):
        r"""Optimal intercepts at :math:`W = 0`: :math:`b_k = \log \pi_k - \frac1K \sum_l
        \log \pi_l`, :math:`\pi_k = \sum_{i: y_i = k} c_i` (centred: ``sum(b) = 0``).

        Raises ``ValueError`` if a class has zero weight (its intercept would be
        :math:`-\infty`).
        """
        codes = self._codes(y, n_classes)
        c = normalized_sample_weight(sample_weight, codes.shape[0], "Multinomial")
        proportions = np.bincount(codes, weights=c, minlength=n_classes)
        if np.any(proportions <= 0):
            empty = np.flatnonzero(proportions <= 0).tolist()
            raise ValueError(
                f"Multinomial: class code(s) {empty} have zero total sample weight, so their "
                "intercept would be -inf; drop them or give them some weight."
            )
        logs = np.log(proportions)
        return logs - logs.mean()
