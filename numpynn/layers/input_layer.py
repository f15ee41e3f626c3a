"""``Input`` / ``InputLayer``: declares the shape of one sample at the start of a model."""
from numpynn.layers.base import Layer


class InputLayer(Layer):
    """Marks a model's input shape; passes data through unchanged.

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

    def forward(self, x, training=False):
        return x

    def backward(self, grad_out):
        return grad_out

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "shape": list(self.shape),
                "batch_size": self.batch_size}


def Input(shape=None, batch_size=None, name=None, dtype=None):
    """``keras.Input``: put it first in a ``Sequential`` list to fix the input shape::

        model = Sequential([Input(shape=(28, 28)), Flatten(), Dense(10, activation="softmax")])
    """
    return InputLayer(shape=shape, batch_size=batch_size, name=name, dtype=dtype)
