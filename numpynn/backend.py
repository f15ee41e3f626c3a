"""Global settings shared by every numpynn object: float type, epsilon, random generator, names.

Mirrors ``keras.config`` / ``keras.backend``: ``floatx()`` is float32 unless changed with
``set_floatx("float64")``; ``epsilon()`` is Keras' 1e-7 fuzz factor.
"""
import re
from collections import defaultdict

import numpy as np

_FLOATX = "float32"
_EPSILON = 1e-7
_NAME_COUNTS = defaultdict(int)
_RNG = np.random.default_rng()


def floatx():
    """The default float type name of new weights and data: ``"float32"`` unless changed."""
    return _FLOATX


def set_floatx(value):
    """Set the default float type: ``"float32"`` (default) or ``"float64"``."""
    global _FLOATX
    if value not in ("float32", "float64"):
        raise ValueError(f"floatx must be 'float32' or 'float64', got {value!r}.")
    _FLOATX = value


def epsilon():
    """The fuzz factor used to clip probabilities and avoid division by zero (1e-7)."""
    return _EPSILON


def set_epsilon(value):
    """Set the fuzz factor returned by :func:`epsilon`."""
    global _EPSILON
    _EPSILON = float(value)


def rng():
    """The global ``numpy.random.Generator`` used for initialisation, shuffling and dropout."""
    return _RNG


def seed_rng(seed):
    """Replace the global generator with ``numpy.random.default_rng(seed)``."""
    global _RNG
    _RNG = np.random.default_rng(seed)


def set_rng(generator):
    """Replace the global generator with ``generator`` (a ``numpy.random.Generator``)."""
    global _RNG
    if not isinstance(generator, np.random.Generator):
        raise TypeError(f"set_rng expects a numpy.random.Generator, got {generator!r}.")
    _RNG = generator


def to_snake_case(name):
    """``"LeakyReLU"`` -> ``"leaky_re_lu"``, ``"Dense"`` -> ``"dense"`` (Keras' naming rule)."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(prefix):
    """Keras-style automatic names: ``dense``, ``dense_1``, ``dense_2``, ..."""
    count = _NAME_COUNTS[prefix]
    _NAME_COUNTS[prefix] += 1
    return prefix if count == 0 else f"{prefix}_{count}"


def clear_session():
    """Reset automatic layer and model names (``dense``, ``dense_1``, ...)."""
    _NAME_COUNTS.clear()
