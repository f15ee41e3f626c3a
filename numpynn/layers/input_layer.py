"""``Input`` / ``InputLayer``: the symbolic tensor a model starts from."""
from numbers import Integral

from numpynn.layers.base import Layer
from numpynn.layers.node import Node


def sample_shape(shape):
    """One sample's shape (no batch axis) as a tuple of ints >= 0 and Nones (sizes that
    vary), as Keras accepts it; an int ``n`` means ``(n,)``."""
    def is_size(d):
        return d is None or isinstance(d, Integral) and not isinstance(d, bool) and d >= 0

    if isinstance(shape, Integral) and not isinstance(shape, bool):
        shape = (shape,)
    if isinstance(shape, (str, bytes, dict)) or not hasattr(shape, "__iter__") or not all(
            is_size(d) for d in shape):
        raise ValueError("An input shape is a tuple of integers >= 0 (None for a size that "
                         f"varies) without the batch axis, e.g. (28, 28, 1); got {shape!r}.")
    return tuple(None if d is None else int(d) for d in shape)


class InputLayer(Layer):
    """The layer behind an ``Input``: it makes the model's input tensor (its one node, with
    no inputs) and passes data through unchanged.

    Args:
        shape: shape of one sample, without the batch axis, e.g. ``(28, 28)``.
        batch_size: optional fixed batch size (informational).
    """

    def __init__(self, shape=None, batch_size=None, name=None, dtype=None, **kwargs):
        shape = kwargs.pop("input_shape", shape)
        if shape is None:
            raise ValueError("InputLayer needs shape=, e.g. Input(shape=(784,)).")
        shape = sample_shape(shape)
        super().__init__(name=name, dtype=dtype, input_shape=shape, **kwargs)
        self.shape = shape
        self.batch_size = batch_size
        self.built = True
        self.output_shape = self.input_shape
        #: the symbolic tensor ``Input(...)`` returns
        self.output = Node(self, [], self.input_shape).output

    def forward(self, x, training=False):
        return x

    def backward(self, grad_out):
        return grad_out

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "shape": list(self.shape),
                "batch_size": self.batch_size}


def Input(shape=None, batch_size=None, name=None, dtype=None):
    """``keras.Input``: a symbolic tensor of samples of ``shape`` (batch axis ``None``).

    Call layers on it to build a graph, then make a ``Model(inputs, outputs)``; or put it
    first in a ``Sequential`` list to fix the input shape::

        x = Input(shape=(784,))
        model = Model(x, Dense(10, activation="softmax")(Dense(64, activation="relu")(x)))
        model = Sequential([Input(shape=(28, 28)), Flatten(), Dense(10)])
    """
    return InputLayer(shape=shape, batch_size=batch_size, name=name, dtype=dtype).output
