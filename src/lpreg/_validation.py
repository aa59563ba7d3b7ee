"""Parameter and input validation with messages that say what was wrong and how to fix it.

Every check raises before any compiling or numerical work starts.  Messages are one sentence
each: whose parameter, what was expected, what arrived, and (where useful) what to do.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = [
    "check_finite_array",
    "check_nonnegative_array",
    "check_real_scalar",
]


def _fmt(value):
    if isinstance(value, float):
        return repr(value)
    return str(value)


def check_real_scalar(
    value,
    name,
    owner,
    *,
    low=None,
    high=None,
    low_inclusive=True,
    high_inclusive=True,
    hint="",
):
    """Return ``value`` as a float after checking it is a finite real number in a range.

    Parameters
    ----------
    value : object
        What the user passed.
    name, owner : str
        The parameter's name and the class or function it belongs to, for the message.
    low, high : float or None
        Bounds of the allowed interval (None: unbounded on that side).
    low_inclusive, high_inclusive : bool
        Whether the bounds belong to the interval.
    hint : str
        A sentence appended to the message, saying how to fix the input.

    Raises
    ------
    TypeError
        If ``value`` is not a real number (bool, str, complex, array ...).
    ValueError
        If ``value`` is NaN or outside the interval.
    """
    interval = _interval_text(low, high, low_inclusive, high_inclusive)
    suffix = f" {hint}" if hint else ""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "fiu":
            value = value.item()
        else:
            raise TypeError(
                f"{owner}: {name} must be a real number in {interval}, got "
                f"{type(value).__name__} {value!r}.{suffix}"
            )
    value = float(value)
    if math.isnan(value):
        raise ValueError(f"{owner}: {name} must be a real number in {interval}, got nan.{suffix}")
    too_low = low is not None and (value < low or (not low_inclusive and value == low))
    too_high = high is not None and (value > high or (not high_inclusive and value == high))
    if too_low or too_high:
        raise ValueError(
            f"{owner}: {name} must be in {interval}, got {name}={_fmt(value)}.{suffix}"
        )
    return value


def _interval_text(low, high, low_inclusive, high_inclusive):
    if low is None and high is None:
        return "(-inf, inf)"
    left = "[" if (low_inclusive and low is not None) else "("
    right = "]" if (high_inclusive and high is not None) else ")"
    low_text = "-inf" if low is None else _fmt(low)
    high_text = "inf" if high is None else _fmt(high)
    return f"{left}{low_text}, {high_text}{right}"


def check_finite_array(values, name, owner, *, ndim=1, dtype=np.float64):
    """Return ``values`` as a contiguous array of ``dtype``; reject NaN and inf."""
    try:
        array = np.asarray(values, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{owner}: {name} must be an array of real numbers, got {type(values).__name__} "
            f"that cannot be converted ({exc})."
        ) from None
    if array.ndim != ndim:
        raise ValueError(
            f"{owner}: {name} must be a {ndim}-D array, got an array of shape {array.shape}."
        )
    if not np.all(np.isfinite(array)):
        bad = np.flatnonzero(~np.isfinite(array.ravel()))
        raise ValueError(
            f"{owner}: {name} must be finite, got {len(bad)} NaN or infinite entries "
            f"(first at index {int(bad[0])}). Remove or impute them before fitting."
        )
    return np.ascontiguousarray(array)


def check_nonnegative_array(values, name, owner, *, zero_meaning=""):
    """Return ``values`` as a finite float64 1-D array with every entry >= 0."""
    array = check_finite_array(values, name, owner)
    if np.any(array < 0):
        first = int(np.flatnonzero(array < 0)[0])
        extra = f" ({zero_meaning})" if zero_meaning else ""
        raise ValueError(
            f"{owner}: {name} must be >= 0 entrywise{extra}, got {name}[{first}]="
            f"{_fmt(float(array[first]))}."
        )
    return array
