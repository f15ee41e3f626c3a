"""``Identity``: y = x, dL/dx = dL/dy (a placeholder layer)."""
from numpynn.layers.base import Layer


class Identity(Layer):
    """Returns its input unchanged; backward returns the incoming gradient."""

    def forward(self, x, training=False):
        return x

    def backward(self, grad_out):
        return grad_out
