"""Checks of the arguments that layers share: numbers, tuples of sizes, padding modes and
the data format, normalised as Keras stores them in ``get_config()``."""
import math
from numbers import Integral, Real


def is_number(value):
    """Whether ``value`` is a real number (an int or a float; a bool is not a number here)."""
    return isinstance(value, Real) and not isinstance(value, bool)


def is_whole(value):
    """Whether ``value`` is a finite number without a fractional part (3, or 3.0)."""
    return is_number(value) and math.isfinite(value) and value == int(value)


def int_tuple(value, rank, name, layer, minimum=1):
    """``value`` (an int, or ``rank`` ints) as a tuple of ``rank`` ints >= ``minimum``."""
    items = (value,) * rank if isinstance(value, Integral) else tuple(value) \
        if isinstance(value, (tuple, list)) else None
    if items is None or len(items) != rank or any(
            isinstance(v, bool) or not isinstance(v, Integral) or v < minimum for v in items):
        kind = "positive int" if minimum == 1 else f"int >= {minimum}"
        raise ValueError(f"{layer} {name} must be a {kind} or a tuple of {rank} of them, "
                         f"got {value!r}.")
    return tuple(int(v) for v in items)


def padding_mode(value, layer):
    """``"valid"`` or ``"same"`` (any case), lower-cased."""
    mode = value.lower() if isinstance(value, str) else value
    if mode not in ("valid", "same"):
        raise ValueError(f"{layer} padding must be 'valid' or 'same', got {value!r}.")
    return mode


def data_format(value, layer):
    """``"channels_last"`` for ``None`` or ``"channels_last"``; numpynn has no other layout."""
    if value is None or value == "channels_last":
        return "channels_last"
    if value == "channels_first":
        raise ValueError(f"{layer} supports only data_format='channels_last' (batch, ..., "
                         "channels); transpose channels-first data first, e.g. "
                         "np.moveaxis(x, 1, -1).")
    raise ValueError(f"{layer} data_format must be None or 'channels_last', got {value!r}.")


def check_rank(input_shape, rank, layer, expected):
    """Raise unless ``input_shape`` (with its batch axis) has ``rank`` axes."""
    if len(input_shape) != rank:
        raise ValueError(f"{layer} expects inputs of shape {expected}, got an input of shape "
                         f"{tuple(input_shape)}.")
