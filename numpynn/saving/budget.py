"""How much memory a model file's config asks for, known before any weight exists.

A hostile config can ask for ``Dense(10**9)`` in a file of a few bytes. Loaders therefore
build the layers once with weights that take no memory (zero-stride views), add up the
bytes the real weights will need, and refuse the file when that sum is over
:data:`MAX_WEIGHT_BYTES` or over what the file's own arrays hold, before building the
model for real.
"""
import math
import types

import numpy as np

from numpynn.saving.errors import ModelFileError

#: The most weight bytes a loaded model may have (4 GiB); raise it to load larger models.
MAX_WEIGHT_BYTES = 4 * 2**30


#: weights up to this size get real (zero) arrays in the dry build, so that a layer whose
#: ``build`` writes into its weights builds; larger ones are read-only views of one zero
_WRITABLE_BYTES = 2**20


def _shape_only_weight(layer, name, shape, initializer="zeros", trainable=True,
                       regularizer=None, constraint=None):
    """``Layer.add_weight`` for the dry build: records the shape, allocates (almost)
    nothing."""
    shape, dtype = tuple(int(n) for n in shape), np.dtype(layer.dtype)
    if math.prod(shape) * dtype.itemsize <= _WRITABLE_BYTES:
        values = np.zeros(shape, dtype)
    else:
        values = np.broadcast_to(np.zeros((), dtype), shape)
    layer.params[name] = values
    return values


def weight_bytes(model):
    """Bytes of all weights ``model`` (a fresh, unbuilt model) would have, found by a dry
    build: its layers are left built with placeholder weights, so throw the model away."""
    if model.input_shape is None:
        raise ModelFileError("the config does not give the model's input shape.")
    shape = model.input_shape
    total = 0
    for layer in model.layers:
        layer.add_weight = types.MethodType(_shape_only_weight, layer)
        try:
            shape = layer.build_for(shape)
        except ValueError as err:
            if "read-only" not in str(err):
                raise
            # a (custom) layer wrote into a large placeholder: count what it created
            shape = tuple(layer.compute_output_shape(shape))
        total += sum(math.prod(w.shape) * w.dtype.itemsize for w in layer.params.values())
        if total > MAX_WEIGHT_BYTES:  # stop before building further layers
            break
    return total


def check(model, present_bytes, what):
    """Raise :class:`ModelFileError` unless the weights of ``model`` (fresh, unbuilt; see
    :func:`weight_bytes`) fit the absolute cap and the ``present_bytes`` of arrays the file
    holds."""
    try:
        needed = weight_bytes(model)
    except ModelFileError:
        raise
    except Exception as err:  # a config whose layers cannot be built
        raise ModelFileError(f"{what}: the config does not describe a model numpynn can "
                             f"build ({type(err).__name__}: {err}).") from err
    if needed > MAX_WEIGHT_BYTES:
        raise ModelFileError(f"{what}: the config asks for more than {MAX_WEIGHT_BYTES} bytes "
                             "of weights (numpynn.saving.budget.MAX_WEIGHT_BYTES); refused "
                             "before allocating them.")
    if needed > present_bytes:
        raise ModelFileError(f"{what}: the config asks for {needed} bytes of weights but the "
                             f"file holds only {present_bytes} bytes of arrays.")
    return needed
