"""``Flatten``: (batch, d1, d2, ...) -> (batch, d1 * d2 * ...), e.g. 28x28 images to 784-vectors."""
import math

from numpynn.layers.base import Layer


class Flatten(Layer):
    """Reshape each sample to a vector; backward reshapes the gradient back.

    Example::

        >>> Flatten()(np.zeros((5, 28, 28))).shape
        (5, 784)
    """

    def compute_output_shape(self, input_shape):
        if any(d is None for d in input_shape[1:]):
            return (input_shape[0], None)
        return (input_shape[0], math.prod(input_shape[1:]))  # Python ints: no overflow

    def forward(self, x, training=False):
        self._shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad_out):
        return grad_out.reshape(self._shape)
