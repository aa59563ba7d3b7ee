r"""The penalty interface, its generic numba loops and the one registry of penalties.

A penalty :math:`G` is a small frozen dataclass holding its parameters.  A *separable* penalty
is :math:`G(w) = \sum_j c_j g(w_j)` restricted to a box :math:`l_j \le w_j \le u_j`, where
``g`` is described by three numba-compiled scalar kernels (its :class:`ScalarKernels`):

``value(x, params) -> float``
    :math:`g(x)`.
``prox(x, step, params) -> float``
    :math:`\operatorname{argmin}_z \tfrac12 (z - x)^2 + \mathrm{step}\, g(z)`, the *global*
    minimiser (for non-convex ``g`` too).
``subdiff_interval(x, params) -> (low, high)``
    the (Fréchet) subdifferential of ``g`` at ``x``, an interval; ``(-inf, inf)`` where it is
    the whole line (``|x|^p`` with ``p < 1`` at 0).

``params`` is a small float64 array built by the penalty (``alpha`` first).  The per-coordinate
weights :math:`c_j \ge 0` (``coordinate_weights``, e.g. :class:`~lpreg.WeightedL1` or an
estimator's ``penalty_factor``) and bounds (``coordinate_bounds``, :class:`~lpreg.Bounded`)
are applied by the generic helpers below, so one kernel serves every weighting: the prox of
:math:`c\,g` with step ``t`` is the prox of ``g`` with step ``c t``.

Solvers call :func:`prox_coordinate` and :func:`subdiff_distance_coordinate` in their inner
loops, passing the kernels as arguments; numba specialises the loop per kernel.  Functions that
take kernels as arguments are not decorated with ``cache=True``: numba's cache index keys them
by dispatcher objects that do not survive the process, and a stale index then fails to save
("underlying object has vanished").  Instead, :class:`CompiledCall` has
:mod:`lpreg._kernel_cache` generate, per (loop, kernels) pair, a copy of the loop with the
kernels as globals, which numba caches on disk like any other function.  The scalar kernels
themselves are cached.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numba import njit
from numba.core.dispatcher import Dispatcher

__all__ = [
    "Penalty",
    "ScalarKernels",
    "penalty_classes",
    "penalty_examples",
    "prox_coordinate",
    "register_penalty",
    "subdiff_distance_coordinate",
]


logger = logging.getLogger("lpreg")


@dataclass(frozen=True)
class ScalarKernels:
    """The numba scalar kernels describing one separable penalty term ``g``."""

    value: Callable
    prox: Callable
    subdiff_interval: Callable


# --------------------------------------------------------------------------------------------
# generic numba helpers shared by every separable penalty and every solver
# --------------------------------------------------------------------------------------------


@njit
def prox_coordinate(prox, value, x, step, params, weight, lower, upper, is_convex):
    r"""Return :math:`\operatorname{argmin}_{l \le z \le u} \tfrac12 (z-x)^2 + t\,c\,g(z)`.

    ``t = step``, ``c = weight``, ``l = lower <= 0 <= u = upper``.  For convex ``g`` the
    constrained prox is the clipped prox.  For non-convex ``g`` (increasing in ``|z|``) the
    constrained minimiser is either the clipped prox or 0, and the two are compared.
    """
    scaled_step = step * weight
    if scaled_step == 0.0:
        z = x
    else:
        z = prox(x, scaled_step, params)
    if z >= lower and z <= upper:
        return z
    clipped = min(max(z, lower), upper)
    if is_convex or scaled_step == 0.0:
        return clipped
    objective_clipped = 0.5 * (clipped - x) ** 2 + scaled_step * value(clipped, params)
    objective_zero = 0.5 * x * x + scaled_step * value(0.0, params)
    if objective_zero < objective_clipped:
        return 0.0 * abs(clipped)
    return clipped


@njit
def subdiff_distance_coordinate(subdiff_interval, x, grad, params, weight, lower, upper):
    r"""Distance of ``-grad`` to :math:`c\,\partial g(x) + N_{[l,u]}(x)`.

    This is the coordinate's optimality violation: 0 iff ``x`` is a (Fréchet) stationary
    point of ``grad * z + c g(z)`` restricted to ``[l, u]``.
    """
    if weight > 0.0:
        low, high = subdiff_interval(x, params)
        low = low * weight
        high = high * weight
    else:
        low = 0.0
        high = 0.0
    if x <= lower:
        low = -np.inf
    if x >= upper:
        high = np.inf
    target = -grad
    if target < low:
        return low - target
    if target > high:
        return target - high
    return 0.0


class CompiledCall:
    """Call a numba dispatcher through the compiled overload its arguments select.

    Calling a dispatcher from Python types every argument, and typing a jitted function passed
    as an argument (a penalty or datafit kernel) goes through numba's Python-level
    ``typeof`` each time: a call of the coordinate descent epoch loop (22 arguments, 4 of them
    kernels) with no work to do took 31 us through the dispatcher and 0.8 us through the
    compiled entry point, plus about 4 us for the fingerprint below.  The loops taking kernels
    are called thousands of times with arguments of the same types, so the overload is looked
    up once per argument
    fingerprint (for an ndarray: dtype, ndim, C/F contiguity and writeability, which fix its
    numba type; for a bool/int/float: its Python type; for a jitted function: the function
    itself) and its ``entry_point`` is called directly.  Any other argument, or a call whose
    overload is not found, goes through the dispatcher.  The results are those of the
    dispatcher: the same compiled code runs.
    """

    __slots__ = ("dispatcher", "entries")

    def __init__(self, dispatcher):
        self.dispatcher = dispatcher
        self.entries = {}

    def __call__(self, *args):
        key = _fingerprint(args)
        entry = self.entries.get(key) if key is not None else None
        if entry is not None:
            return entry(*args)
        if key is not None:
            specialized = _specialized_entry(self.dispatcher, args)
            if specialized is not None:
                self.entries[key] = specialized
                return specialized(*args)
        result = self.dispatcher(*args)
        if key is not None and not _has_one_column(args):
            signature = tuple(self.dispatcher.typeof_pyval(a) for a in args)
            compiled = self.dispatcher.overloads.get(signature)
            # no exact overload (numba converted an argument): keep calling the dispatcher
            self.entries[key] = self.dispatcher if compiled is None else compiled.entry_point
        return result


def _specialized_entry(dispatcher, args):
    """A callable of ``args`` running ``dispatcher`` with its kernel arguments bound as
    globals of a generated, disk-cached module (see :mod:`lpreg._kernel_cache`), or None."""
    positions = tuple(i for i, a in enumerate(args) if isinstance(a, Dispatcher))
    if not positions:
        return None
    from lpreg._kernel_cache import specialize

    bound = specialize(dispatcher, positions, tuple(args[i] for i in positions), len(args))
    if bound is None:
        return None
    keep = tuple(i for i in range(len(args)) if i not in positions)
    signature = tuple(_as_fortran_type(bound.typeof_pyval(args[i]), args[i]) for i in keep)
    try:  # compile, or load from disk, without running
        bound.compile(signature)
    except Exception as exc:  # a numba typing error: let the dispatcher report it as usual
        logger.debug("lpreg kernel cache: %s not compiled (%s)", dispatcher, exc)
        return None
    compiled = bound.overloads.get(signature)
    target = bound if compiled is None else compiled.entry_point
    pick = operator.itemgetter(*keep)
    if len(keep) == 1:
        return lambda *call_args: target(pick(call_args))
    return lambda *call_args: target(*pick(call_args))


def _as_fortran_type(numba_type, value):
    """numba's type of ``value``, with layout "F" for a 2-D array that is both C- and
    F-contiguous (one column of a Fortran design: a one-feature working set).

    numba types such an array as "C" and would compile every loop a second time for it; it is
    a Fortran array too, so the loop compiled for Fortran designs runs it unchanged."""
    if (
        isinstance(value, np.ndarray)
        and value.ndim > 1
        and value.flags.num & _BOTH == _BOTH
        and getattr(numba_type, "layout", None) == "C"
    ):
        return numba_type.copy(layout="F")
    return numba_type


def _has_one_column(args):
    """Whether an argument is a 2-D array both C- and F-contiguous (fingerprinted as F)."""
    return any(
        isinstance(a, np.ndarray) and a.ndim > 1 and a.flags.num & _BOTH == _BOTH for a in args
    )


# the ndarray flags that decide numba's array type: C_CONTIGUOUS, F_CONTIGUOUS, WRITEABLE
_TYPE_FLAGS = 0x0001 | 0x0002 | 0x0400
_C_CONTIGUOUS = 0x0001
_BOTH = 0x0001 | 0x0002
# how each argument kind is fingerprinted (filled in by _argument_role for new kinds)
_ARRAY, _SCALAR, _INT, _FUNCTION, _OTHER = range(5)
_ROLES = {
    np.ndarray: _ARRAY,
    bool: _SCALAR,
    float: _SCALAR,
    np.float64: _SCALAR,
    np.int64: _SCALAR,
    np.bool_: _SCALAR,
    int: _INT,
}


def _argument_role(kind):
    """The role of a new argument kind: ndarray subclasses without
    ``__numba_array_subtype_dispatch__`` (such as ``NormalizedWeights``) are typed by numba as
    plain arrays; masked arrays and other objects are left to the dispatcher."""
    if issubclass(kind, Dispatcher):
        role = _FUNCTION
    elif (
        issubclass(kind, np.ndarray)
        and not issubclass(kind, np.ma.MaskedArray)
        and not hasattr(kind, "__numba_array_subtype_dispatch__")
    ):
        role = _ARRAY
    else:
        role = _OTHER
    _ROLES[kind] = role
    return role


def _fingerprint(args):
    """What fixes the numba types of ``args``, or None when an argument is of another kind."""
    key = []
    for a in args:
        kind = type(a)
        role = _ROLES.get(kind)
        if role is None:
            role = _argument_role(kind)
        if role == _ARRAY:
            flags = a.flags.num & _TYPE_FLAGS
            if a.ndim > 1 and flags & _BOTH == _BOTH:
                # one column (or row): typed as F, see _as_fortran_type
                flags &= ~_C_CONTIGUOUS
            key.append((a.dtype, a.ndim, flags))
        elif role == _SCALAR:
            key.append(kind)
        elif role == _FUNCTION:
            key.append(a)
        elif role == _INT:
            # numba types a Python int as int64 when it fits, else uint64
            key.append((kind, -(2**63) <= a < 2**63))
        else:
            return None
    return tuple(key)


@njit
def _prox_vector(prox, value, w, step, params, weights, lower, upper, is_convex, out):
    for j in range(w.shape[0]):
        out[j] = prox_coordinate(
            prox, value, w[j], step, params, weights[j], lower[j], upper[j], is_convex
        )
    return out


@njit
def _value_vector(value, w, params, weights):
    total = 0.0
    for j in range(w.shape[0]):
        if weights[j] != 0.0:
            total += weights[j] * value(w[j], params)
    return total


@njit
def _subdiff_distance_vector(subdiff_interval, w, grad, params, weights, lower, upper, out):
    for j in range(w.shape[0]):
        out[j] = subdiff_distance_coordinate(
            subdiff_interval, w[j], grad[j], params, weights[j], lower[j], upper[j]
        )
    return out


# the vector loops called from Python, typed once per argument fingerprint (see CompiledCall)
_prox_vector_call = CompiledCall(_prox_vector)
_value_vector_call = CompiledCall(_value_vector)
_subdiff_distance_vector_call = CompiledCall(_subdiff_distance_vector)


# --------------------------------------------------------------------------------------------
# registry
# --------------------------------------------------------------------------------------------

_REGISTRY: dict[type, list[dict]] = {}


def register_penalty(examples):
    """Class decorator adding a penalty class and its example parameter sets to the registry.

    ``examples`` is a list of keyword dicts; it should include the edges (``alpha=0``, ``p``
    near 1, ``l1_ratio`` 0 and 1 ...).  Registry tests build one penalty per example.
    """

    def decorator(cls):
        _REGISTRY[cls] = [dict(example) for example in examples]
        return cls

    return decorator


def penalty_classes():
    """Every registered penalty class, in registration order."""
    _import_all_penalties()
    return list(_REGISTRY)


def penalty_examples(*, separable=None, convex=None):
    """One penalty instance per registered example, optionally filtered.

    Parameters
    ----------
    separable, convex : bool or None
        Keep only penalties whose ``is_separable`` / ``is_convex`` equals this (None: all).
    """
    _import_all_penalties()
    penalties = []
    for cls, examples in _REGISTRY.items():
        for kwargs in examples:
            penalty = cls(**kwargs)
            if separable is not None and penalty.is_separable != separable:
                continue
            if convex is not None and penalty.is_convex != convex:
                continue
            penalties.append(penalty)
    return penalties


def _import_all_penalties():
    # importing the package registers every family
    import lpreg.penalties  # noqa: F401


# --------------------------------------------------------------------------------------------
# base class
# --------------------------------------------------------------------------------------------


def _as_float_vector(w, owner, name="w"):
    array = np.asarray(w)
    if array.dtype.kind not in "fiub":
        raise TypeError(
            f"{owner}: {name} must be a numeric array, got dtype {array.dtype}. "
            "Convert it with np.asarray(w, dtype=float)."
        )
    if array.dtype not in (np.float32, np.float64):
        array = array.astype(np.float64)
    if array.ndim != 1:
        raise ValueError(
            f"{owner}: {name} must be a 1-D array of coefficients, got shape {array.shape}."
        )
    return np.ascontiguousarray(array)


class Penalty:
    r"""Base class of every penalty: :math:`G(w)`, its prox, subdifferential and conjugate.

    Subclasses are frozen dataclasses; separable ones set ``scalar_kernels`` and implement
    :meth:`_params`, :meth:`_conjugate` and :meth:`_conjugate_radius`.  Non-separable ones
    (group penalties) override the vectorised methods directly.
    """

    is_convex: ClassVar[bool] = True
    is_separable: ClassVar[bool] = True
    scalar_kernels: ClassVar[ScalarKernels | None] = None

    # ---- parameters seen by the kernels -------------------------------------------------
    @property
    def params(self) -> np.ndarray:
        """The float64 parameter array passed to the scalar kernels (``alpha`` first)."""
        return np.asarray(self._params(), dtype=np.float64)

    def _params(self):
        raise NotImplementedError

    def coordinate_weights(self, n_features):
        """Per-coordinate weights :math:`c_j` (ones unless the penalty is weighted)."""
        return np.ones(n_features, dtype=np.float64)

    def coordinate_bounds(self, n_features):
        """Per-coordinate bounds ``(lower, upper)`` (unbounded unless wrapped in Bounded)."""
        return (
            np.full(n_features, -np.inf, dtype=np.float64),
            np.full(n_features, np.inf, dtype=np.float64),
        )

    def _check_length(self, n_features):
        """Hook for penalties whose parameters depend on the number of features."""

    @property
    def n_features_required(self):
        """Number of coefficients the parameters fix (None: any length).

        Penalties holding per-feature data (``WeightedL1`` weights, array bounds, groups)
        return its length, so that registry tests and solvers can build ``w`` to match.
        """
        return None

    # ---- vectorised API -----------------------------------------------------------------
    def value(self, w):
        r"""Return :math:`G(w)` (``inf`` outside the bounds)."""
        owner = type(self).__name__
        w = _as_float_vector(w, owner)
        self._check_length(w.shape[0])
        lower, upper = self.coordinate_bounds(w.shape[0])
        if np.any(w < lower) or np.any(w > upper):
            return math.inf
        kernels = self.scalar_kernels
        return float(
            _value_vector_call(kernels.value, w, self.params, self.coordinate_weights(w.shape[0]))
        )

    def prox(self, w, step):
        r"""Return :math:`\operatorname{argmin}_z \tfrac12\|z - w\|^2 + \mathrm{step}\,G(z)`.

        Exact and vectorised; the output has the dtype of ``w`` (float32 or float64).
        """
        owner = type(self).__name__
        w = _as_float_vector(w, owner)
        step = _check_step(step, owner)
        n_features = w.shape[0]
        self._check_length(n_features)
        lower, upper = self.coordinate_bounds(n_features)
        kernels = self.scalar_kernels
        out = np.empty_like(w)
        return _prox_vector_call(
            kernels.prox,
            kernels.value,
            w,
            step,
            self.params,
            self.coordinate_weights(n_features),
            lower,
            upper,
            self.is_convex,
            out,
        )

    def subdiff_distance(self, w, grad):
        r"""Per-coordinate distance of ``-grad`` to :math:`\partial G(w)`.

        At a solution of :math:`\min F + G` with ``grad`` :math:`= \nabla F(w)` every entry is
        0; its maximum is the KKT violation solvers stop on and grow working sets by.
        """
        owner = type(self).__name__
        w = _as_float_vector(w, owner)
        grad = _as_float_vector(grad, owner, name="grad").astype(np.float64)
        if grad.shape != w.shape:
            raise ValueError(
                f"{owner}: grad must have the shape of w {w.shape}, got {grad.shape}."
            )
        n_features = w.shape[0]
        self._check_length(n_features)
        lower, upper = self.coordinate_bounds(n_features)
        kernels = self.scalar_kernels
        out = np.empty(n_features, dtype=np.float64)
        return _subdiff_distance_vector_call(
            kernels.subdiff_interval,
            w.astype(np.float64),
            grad,
            self.params,
            self.coordinate_weights(n_features),
            lower,
            upper,
            out,
        )

    # ---- duality ------------------------------------------------------------------------
    @property
    def has_conjugate(self) -> bool:
        """Whether :meth:`conjugate` is available (convex penalties), so a duality gap exists."""
        return self.is_convex

    def _conjugate(self, v):
        """Elementwise :math:`g^*(v)` of the unweighted term, for ``|v| <= radius``."""
        raise NotImplementedError

    def _conjugate_radius(self):
        """``R`` such that :math:`g^*(v) < \\infty` iff ``|v| <= R`` (``inf``: everywhere)."""
        raise NotImplementedError

    def _conjugate_sides(self, n_features):
        """Which signs of ``v`` the bounds make free: (cap_positive, cap_negative) masks."""
        lower, upper = self.coordinate_bounds(n_features)
        return upper > 0, lower < 0

    def conjugate(self, v):
        r"""Return :math:`G^*(v) = \sup_w v^\top w - G(w)` (``inf`` outside its domain).

        Coordinates with weight :math:`c_j = 0` (unpenalized) are left out: their optimality
        is certified by the KKT violation instead (``v_j`` must be 0 there).
        """
        if not self.has_conjugate:
            raise NotImplementedError(
                f"{type(self).__name__} is not convex: no conjugate, use the KKT violation."
            )
        v = np.asarray(v, dtype=np.float64)
        n_features = v.shape[0]
        self._check_length(n_features)
        weights = self.coordinate_weights(n_features)
        pos_free, neg_free = self._conjugate_sides(n_features)
        # sup over z in a half-line starting at 0 only sees the matching sign of v
        v_eff = np.where(v > 0, np.where(pos_free, v, 0.0), np.where(neg_free, v, 0.0))
        active = weights > 0
        if not np.any(active):
            return 0.0
        scaled = v_eff[active] / weights[active]
        radius = self._conjugate_radius()
        if np.any(np.abs(scaled) > radius * (1 + 1e-12)):
            return math.inf
        scaled = np.clip(scaled, -radius, radius)
        return float(np.sum(weights[active] * self._conjugate(scaled)))

    def dual_scaling(self, v):
        r"""Largest ``s`` in (0, 1] with :math:`G^*(s v) < \infty` (rescales a dual point)."""
        v = np.asarray(v, dtype=np.float64)
        radius = self._conjugate_radius()
        if math.isinf(radius):
            return 1.0
        n_features = v.shape[0]
        weights = self.coordinate_weights(n_features)
        pos_free, neg_free = self._conjugate_sides(n_features)
        v_eff = np.where(v > 0, np.where(pos_free, v, 0.0), np.where(neg_free, v, 0.0))
        active = weights > 0
        if not np.any(active):
            return 1.0
        with np.errstate(divide="ignore", invalid="ignore"):  # radius 0 (alpha=0): ratio inf
            ratio = np.max(np.abs(v_eff[active]) / (weights[active] * radius))
        if np.isnan(ratio):
            ratio = 0.0 if not np.any(v_eff[active]) else math.inf
        return 1.0 if ratio <= 1.0 else float(1.0 / ratio)

    def with_alpha(self, alpha):
        """A copy with strength ``alpha`` (wrappers rescale the penalty they wrap)."""
        if "alpha" not in {f.name for f in dataclasses.fields(self)}:
            raise ValueError(f"{type(self).__name__} has no alpha parameter.")
        return dataclasses.replace(self, alpha=alpha)

    # ---- alpha_max ----------------------------------------------------------------------
    def alpha_max(self, X, y, datafit, *, sample_weight=None, fit_intercept=False):
        r"""Smallest ``alpha`` for which ``w = 0`` solves :math:`\min_w F(w) + G(w)`.

        With the intercept (if fitted) at its optimum for ``w = 0``,
        :math:`\alpha_{\max} = \max_j |\nabla_j F(0)| / (c_j\,k)` where ``k`` is the
        half-width of :math:`\partial g(0)` per unit ``alpha`` (1 for L1, ``l1_ratio`` for
        Elastic Net).  Penalties without a kink at 0 (``Lp`` with ``p > 1``, ridge) or with an
        infinite one (``p < 1``) have no alpha_max and raise ``ValueError``.
        """
        owner = type(self).__name__
        unit = self.with_alpha(1.0)
        low, high = unit.scalar_kernels.subdiff_interval(0.0, unit.params)
        if (low == 0.0 and high == 0.0) or math.isinf(low) or math.isinf(high):
            raise ValueError(
                f"{owner}: alpha_max does not exist for {self!r}: "
                + (
                    "the penalty is differentiable at 0, so no finite alpha gives w = 0."
                    if low == 0.0 and high == 0.0
                    else "w = 0 is a local minimiser for every alpha > 0 (infinite slope at 0)."
                )
                + " Use L1(...).alpha_max(...) as the scale of an alpha grid instead."
            )
        grad = datafit.gradient_at_zero(
            X, y, sample_weight=sample_weight, fit_intercept=fit_intercept
        )
        n_features = grad.shape[0]
        weights = self.coordinate_weights(n_features)
        lower, upper = self.coordinate_bounds(n_features)
        # w_j = 0 is optimal iff -grad_j lies in c_j * alpha * [low, high] (+ normal cone)
        target = -grad
        need = np.zeros(n_features)
        up = (target > 0) & (upper > 0)
        down = (target < 0) & (lower < 0)
        need[up] = target[up] / high
        need[down] = target[down] / low
        penalized = weights > 0
        if np.any(~penalized & (up | down) & (np.abs(target) > 0)):
            raise ValueError(
                f"{owner}: alpha_max with unpenalized coordinates (weight 0) and a non-zero "
                "gradient on them needs the unpenalized fit first; it is not supported yet."
            )
        if not np.any(penalized):
            return 0.0
        return float(np.max(need[penalized] / weights[penalized]))


def _check_step(step, owner):
    from lpreg._validation import check_real_scalar

    return check_real_scalar(
        step, "step", f"{owner}.prox", low=0.0, hint="The step is a (positive) step size."
    )
