"""``keras.ops`` on NumPy arrays: the functions Keras scripts call between layers, such as
``keras.ops.expand_dims(img_array, 0)`` before ``predict`` and
``keras.ops.sigmoid(predictions[0][0])`` after it.

A numpynn tensor is a NumPy array, so most ops are NumPy's own functions under Keras' name
and arguments (``NUMPY_OPS``); the activations are numpynn's (``numpynn.activations``), and
the few whose Keras arguments differ from NumPy's are written out below. Every op takes
arrays, lists or numbers and returns NumPy arrays (or numbers).

Example::

    >>> from numpynn import ops
    >>> ops.expand_dims(np.zeros((28, 28, 1)), 0).shape
    (1, 28, 28, 1)
    >>> float(ops.sigmoid(0.0))
    0.5
"""
import numpy as np

from numpynn import activations

#: ops that are NumPy's function of the same name, with the same leading arguments
NUMPY_OPS = ("abs", "absolute", "add", "all", "any", "arange", "argmax", "argmin", "argsort",
             "ceil", "clip", "concatenate", "cos", "cumsum", "divide", "equal", "exp",
             "expand_dims", "eye", "floor", "full", "full_like", "greater", "greater_equal",
             "less", "less_equal", "linspace", "log", "logical_and", "logical_not",
             "logical_or", "matmul", "max", "maximum", "mean", "min", "minimum", "multiply",
             "negative", "not_equal", "ones", "ones_like", "power", "prod", "repeat",
             "reshape", "round", "sign", "sin", "sort", "split", "sqrt", "square", "squeeze",
             "stack", "std", "subtract", "sum", "take", "tile", "transpose", "var", "where",
             "zeros", "zeros_like")
#: ops that are the activation of the same name (``numpynn.activations``)
ACTIVATION_OPS = ("elu", "hard_sigmoid", "leaky_relu", "log_sigmoid", "log_softmax",
                  "relu", "relu6", "selu", "sigmoid", "softmax", "softplus", "softsign",
                  "tanh")

for _name in NUMPY_OPS:
    globals()[_name] = getattr(np, _name)
for _name in ACTIVATION_OPS:
    globals()[_name] = getattr(activations, _name)
silu = swish = activations.swish


def gelu(x, approximate=True):
    """GELU; as ``keras.ops.gelu``, the tanh approximation by default (the activation
    ``keras.activations.gelu`` defaults to the exact form)."""
    return activations.gelu(x, approximate=approximate)


def convert_to_tensor(x, dtype=None):
    """``x`` as a NumPy array (numpynn's tensors are NumPy arrays)."""
    return np.asarray(x, dtype=dtype)


def convert_to_numpy(x):
    """``x`` as a NumPy array."""
    return np.asarray(x)


def cast(x, dtype):
    """``x`` as an array of ``dtype``."""
    return np.asarray(x).astype(dtype)


def shape(x):
    """The shape of ``x``, a tuple of ints."""
    return np.shape(x)


def one_hot(x, num_classes, axis=-1, dtype="float32"):
    """Integer labels ``x`` (any shape) -> one-hot vectors along ``axis``; a label outside
    [0, num_classes) gives a row of zeros, as in Keras."""
    x = np.asarray(x)
    hot = (x[..., None] == np.arange(num_classes)).astype(dtype)
    return np.moveaxis(hot, -1, axis)


def top_k(x, k, sorted=True):
    """``(values, indices)`` of the ``k`` largest entries along the last axis, largest
    first (``sorted`` is accepted for Keras' signature; the result is always sorted)."""
    x = np.asarray(x)
    indices = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, indices, axis=-1), indices
