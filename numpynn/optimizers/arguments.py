"""Checks of optimizer arguments, each a ``ValueError`` that names the argument and what
it accepts."""
import math
import numbers

import numpy as np


def check_range(name, value, low=0.0, high=math.inf, low_closed=True, high_closed=False):
    """``float(value)``, or a ``ValueError`` naming the argument and its allowed interval."""
    interval = f"{'[' if low_closed else '('}{low:g}, {high:g}{']' if high_closed else ')'}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"`{name}` must be a number in {interval}, got {value!r}.")
    value = float(value)
    above = value >= low if low_closed else value > low
    below = value <= high if high_closed else value < high
    if not (above and below):  # also catches NaN
        raise ValueError(f"`{name}` must be in {interval}, got {value!r}.")
    return value


def check_optional(name, value, low=0.0, low_closed=False):
    """Like ``check_range`` on [low or (low, inf), but ``None`` passes through."""
    return None if value is None else check_range(name, value, low, low_closed=low_closed)


def check_integer(name, value, low, none_means):
    """``value`` if it is None or an integer >= ``low``, else a ``ValueError`` (``none_means``:
    what None does, for the message)."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, numbers.Integral)
                              or value < low):
        raise ValueError(f"`{name}` must be an integer >= {low}, or None {none_means}; "
                         f"got {value!r}.")
    return None if value is None else int(value)


def weight_layout(buffer):
    """``(offsets, shapes)`` of the weights in ``buffer`` (see ``Optimizer.build``), checked:
    without ``offsets`` the buffer is one weight, without ``shapes`` each weight is 1-D."""
    size = int(buffer.size)
    offsets = getattr(buffer, "offsets", None)
    offsets = [0, size] if offsets is None else [int(o) for o in offsets]
    if offsets[0] != 0 or offsets[-1] != size or np.any(np.diff(offsets) < 0):
        raise ValueError(f"offsets must rise from 0 to {size}, got {offsets}.")
    shapes = getattr(buffer, "shapes", None)
    shapes = [(b - a,) for a, b in zip(offsets[:-1], offsets[1:])] if shapes is None \
        else [tuple(int(n) for n in shape) for shape in shapes]
    if [math.prod(shape) for shape in shapes] != list(np.diff(offsets)):
        raise ValueError(f"shapes {shapes} do not fit the offsets {offsets}.")
    return offsets, shapes
