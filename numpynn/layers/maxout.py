"""``Maxout``: each unit outputs the max of ``pieces`` linear functions (Goodfellow et al., 2013)."""
import numpy as np

from numpynn import constraints, initializers, regularizers
from numpynn.layers.base import Layer


class Maxout(Layer):
    """Dense maxout layer.

    z = x @ kernel + bias, viewed as (batch, units, pieces);  y = max over pieces of z.
    Shapes: x (batch, in) -> y (batch, units); kernel (in, units * pieces); bias
    (units * pieces,). Backward: dL/dz is dL/dy at the winning piece of each unit, 0 at the
    others; then as in ``Dense``.

    Args:
        units: number of output units.
        pieces: linear pieces per unit (``k`` in the paper), at least 2.
        kernel_initializer: defaults to `"glorot_uniform"`.
        bias_initializer: defaults to `"zeros"`.
        kernel_regularizer, bias_regularizer: penalties on the weights; default `None`.
        kernel_constraint, bias_constraint: applied after each optimizer step; default
            `None`. Keras 3 has no Maxout: these are ``Dense``'s names, as the weights are.
    """

    def __init__(self, units, pieces=2, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if int(units) != units or units < 1:
            raise ValueError(f"Maxout units must be a positive integer, got {units!r}.")
        if int(pieces) != pieces or pieces < 2:
            raise ValueError(f"Maxout pieces must be an integer >= 2, got {pieces!r}.")
        self.units, self.pieces = int(units), int(pieces)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        width = self.units * self.pieces
        self.add_weight("kernel", (input_shape[-1], width), self.kernel_initializer,
                        regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.add_weight("bias", (width,), self.bias_initializer,
                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def forward(self, x, training=False):
        self._x = x
        z = (x @ self.params["kernel"] + self.params["bias"])
        z = z.reshape(x.shape[0], self.units, self.pieces)
        self._winner = z.argmax(axis=-1)[..., None]          # (batch, units, 1)
        return np.take_along_axis(z, self._winner, axis=-1)[..., 0]

    def backward(self, grad_out):
        batch = grad_out.shape[0]
        grad_z = np.zeros((batch, self.units, self.pieces), dtype=grad_out.dtype)
        np.put_along_axis(grad_z, self._winner, grad_out[..., None], axis=-1)
        grad_z = grad_z.reshape(batch, -1)
        np.matmul(self._x.T, grad_z, out=self.grads["kernel"])
        self._sum_over_batch(grad_z, self.grads["bias"])
        if not self.input_grad_needed:
            return None
        return grad_z @ self.params["kernel"].T

    def get_config(self):
        return {**super().get_config(), "units": self.units, "pieces": self.pieces,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint)}
