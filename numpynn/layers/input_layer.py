"""``Input`` / ``InputLayer``: the symbolic tensor a model starts from."""
from numpynn.layers.base import Layer
from numpynn.layers.node import Node


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
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
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
