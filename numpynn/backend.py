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
#: (start, stop, rows) when this process trains on rows start:stop of a global batch of
#: ``rows`` (data-parallel training, see ``numpynn.distribute``); None otherwise
_BATCH_ROWS = None


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


def set_batch_rows(rows):
    """Declare that the batches now trained are rows ``start:stop`` of global batches of
    ``total`` rows (``rows = (start, stop, total)``), or ``None`` for whole batches."""
    global _BATCH_ROWS
    _BATCH_ROWS = None if rows is None else tuple(int(r) for r in rows)


def batch_noise(draw, shape):
    """``draw(shape)``: a random layer's values for a batch, axis 0 being the batch axis.

    Under data-parallel training (``set_batch_rows``) each process draws the values of the
    whole global batch and keeps its own rows: so every process takes the same numbers from
    the generator as one process training on the whole batch, and the masks are that
    process's, row for row."""
    if _BATCH_ROWS is None:
        return draw(shape)
    start, stop, total = _BATCH_ROWS
    return draw((total,) + tuple(shape[1:]))[start:stop]


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
