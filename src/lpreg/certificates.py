r"""Optimality certificates: the duality gap (convex problems) and the KKT violation.

For :math:`P(w, b) = F(w, b) + G(w)` with :math:`F = \sum_i \varphi_i(x_i^\top w + b)`, the
dual point built from the per-sample derivatives :math:`g = \varphi'(Xw + b)` is rescaled by
:math:`s \in (0, 1]` so that :math:`G^*(-s X^\top g) < \infty`, and

.. math::
    D = -\sum_i \varphi_i^*(s g_i) + s b \sum_i g_i - G^*(-s X^\top g),
    \qquad \mathrm{gap} = P(w, b) - D \ge P(w, b) - P^\star_b \ge 0,

where :math:`P^\star_b` is the optimum over ``w`` with the intercept held at ``b``.  With a
fitted intercept the KKT condition :math:`\sum_i g_i = 0` is checked on top (it makes
:math:`P^\star_b` the joint optimum at the solution); unpenalized coordinates are certified by
their subdifferential distance.  Both are part of :func:`kkt_violation`.

Every solver stops on one of these numbers, relative to the objective at ``w = 0``
(``relative_to``), and tests recompute them from the returned coefficients.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "duality_gap",
    "duality_gap_from_gradient",
    "kkt_violation",
    "objective",
    "objective_at_zero",
]


def _linear_predictor(X, w, intercept):
    return np.asarray(X @ w, dtype=np.float64).ravel() + intercept


def objective(X, y, w, intercept, datafit, penalty, sample_weight=None):
    """Primal objective :math:`F(w, b) + G(w)`."""
    Xw = _linear_predictor(X, w, intercept)
    return datafit.value(y, Xw, sample_weight) + penalty.value(w)


def objective_at_zero(X, y, datafit, penalty, sample_weight=None, fit_intercept=False):
    """Objective at ``w = 0`` (intercept optimal if fitted): the scale of relative tolerances."""
    intercept = datafit.intercept_at_zero(y, sample_weight) if fit_intercept else 0.0
    Xw = np.full(X.shape[0], intercept)
    zero = np.zeros(X.shape[1])
    return datafit.value(y, Xw, sample_weight) + penalty.value(zero)


def duality_gap(X, y, w, intercept, datafit, penalty, sample_weight=None):
    """Return ``(gap, primal, dual)`` for a convex separable problem (see module docstring).

    ``y`` must already be in the datafit's encoding (``datafit.prepare_target``).
    """
    w = np.asarray(w, dtype=np.float64)
    Xw = _linear_predictor(X, w, intercept)
    g = datafit.raw_gradient(y, Xw, sample_weight)
    grad = np.asarray(X.T @ g, dtype=np.float64).ravel()
    return duality_gap_from_gradient(y, w, intercept, Xw, g, grad, datafit, penalty, sample_weight)


def duality_gap_from_gradient(y, w, intercept, Xw, g, grad, datafit, penalty, sample_weight=None):
    """:func:`duality_gap` from an already computed ``Xw + b``, ``g = F'(Xw + b)`` and
    ``grad = X.T @ g`` (solvers have them at hand; this saves two products with X)."""
    primal = datafit.value(y, Xw, sample_weight) + penalty.value(w)
    v = -grad
    scale = penalty.dual_scaling(v)
    g = scale * g
    dual = -datafit.conjugate(y, g, sample_weight) + intercept * float(g.sum())
    dual = float(dual - penalty.conjugate(scale * v))
    if not math.isfinite(dual):
        return math.inf, primal, dual
    return max(primal - dual, 0.0), primal, dual


def kkt_violation(X, y, w, intercept, datafit, penalty, sample_weight=None, fit_intercept=False):
    """Largest optimality violation: ``max_j dist(-grad_j, dG_j(w_j))`` and the intercept's."""
    w = np.asarray(w, dtype=np.float64)
    Xw = _linear_predictor(X, w, intercept)
    g = datafit.raw_gradient(y, Xw, sample_weight)
    grad = np.asarray(X.T @ g, dtype=np.float64).ravel()
    violation = float(np.max(penalty.subdiff_distance(w, grad), initial=0.0))
    if fit_intercept:
        violation = max(violation, abs(float(g.sum())))
    return violation
