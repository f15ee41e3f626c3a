"""``Dense``: the fully connected layer, y = activation(x W + b)."""
import numpy as np

from numpynn import activations, blas, constraints, initializers, regularizers
from numpynn.layers import layer_arguments
from numpynn.layers.base import Layer

#: Up to this batch size a 2-D batch's products are formed transposed, as (units, batch)
#: arrays, of which the layer returns the (batch, units) view. Same numbers, another memory
#: order: OpenBLAS splits the work better across threads this way for few rows. For the
#: Fashion-MNIST MLP's products on a 2-core AVX-512 machine: 0.65-0.72 of the time at 8-32
#: rows, 0.72-0.81 at 64, 0.87-1.01 at 128, 1.05-1.12 from 512
#: (``python benchmarks/matmul_layout.py``). One-epoch ``fit`` calls against the plain
#: order (``benchmarks/compare_checkouts.py``, medians of 12-16 pairs): 0.96-0.99x the time
#: at batch 128 (five runs), 0.93-1.01x at 64, 1.00x at 48 and 256.
TRANSPOSED_MAX_BATCH = 128


class Dense(Layer):
    """Fully connected layer: ``z = x @ kernel + bias``, ``y = activation(z)``.

    Shapes: x (batch, in) -> y (batch, units); kernel (in, units); bias (units,).
    Backward, with g = dL/dz (the activation's backward applied to dL/dy):
    dL/dkernel = x^T g,  dL/dbias = sum_batch g,  dL/dx = g kernel^T.

    Args:
        units: number of output units.
        activation: name or object; defaults to `None` (linear).
        use_bias: whether to add a bias. Defaults to `True`.
        kernel_initializer: defaults to `"glorot_uniform"`.
        bias_initializer: defaults to `"zeros"`.
        kernel_regularizer, bias_regularizer: penalties on the weights (e.g. `"l2"`,
            ``L2(1e-4)``); default `None`.
        activity_regularizer: penalty on the output, divided by the batch size; `None`.
        kernel_constraint, bias_constraint: applied after each optimizer step (e.g.
            ``MaxNorm(3)``); default `None`.

    Example::

        >>> layer = Dense(3, activation="relu")
        >>> layer(np.ones((2, 4))).shape
        (2, 3)
    """

    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if not layer_arguments.is_whole(units) or units < 1:
            raise ValueError(f"Dense units must be a positive integer, got {units!r}.")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        if input_shape[-1] is None:
            raise ValueError(f"Dense layer {self.name!r} needs a known input size, "
                             f"got input shape {input_shape}.")
        self.kernel = self.add_weight("kernel", (input_shape[-1], self.units),
                                      self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.units,), self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def bind(self, value_views, grad_views):
        super().bind(value_views, grad_views)
        self.kernel = self.params["kernel"]
        self.bias = self.params.get("bias")

    def compute_output_shape(self, input_shape):
        return self.activation.compute_output_shape(tuple(input_shape[:-1]) + (self.units,))

    def _transposed(self, x):
        return x.ndim == 2 and len(x) <= TRANSPOSED_MAX_BATCH

    def forward(self, x, training=False):
        self._x = x
        dtype = np.promote_types(x.dtype, self.kernel.dtype)  # 0.1 us; result_type 0.8 us
        if self._transposed(x):  # z^T = kernel^T x^T
            z = self._buffer("z_t", (self.units, len(x)), dtype).T
            np.matmul(self.kernel.T, x.T, out=z.T)
        else:
            z = self._buffer("z", x.shape[:-1] + (self.units,), dtype)
            np.matmul(x, self.kernel, out=z)
        if self.use_bias:
            blas.add_row(self.bias, z)  # z += bias, on the BLAS's threads for large batches
        self._z = z
        # An activation whose backward needs only y (relu, softmax, sigmoid, ...) computes y
        # in z's memory; the others return a new array and keep z.
        self._y = self.activation.forward_inplace(z)
        return self._y

    def backward(self, grad_out):
        grad_z = self.activation.backward(grad_out, self._z, self._y)
        return self.backward_from_logits(grad_z)

    def backward_from_logits(self, grad_z):
        """Backward pass given dL/dz, the gradient at the pre-activation (the logits)."""
        x2 = self._x.reshape(-1, self._x.shape[-1])
        g2 = grad_z.reshape(-1, self.units)
        np.matmul(x2.T, g2, out=self.grads["kernel"])
        if self.use_bias:
            self._sum_over_batch(g2, self.grads["bias"])
        if not self.input_grad_needed:
            return None
        # dL/dx in x's memory order, so that the elementwise passes before this layer read
        # both in step: transposed where x is (a transposed product's output)
        if self._transposed(self._x) and not self._x.flags.c_contiguous:
            # (dL/dx)^T = kernel g^T
            grad_x = self._buffer("grad_x_t", self._x.shape[::-1], grad_z.dtype).T
            np.matmul(self.kernel, grad_z.T, out=grad_x.T)
            return grad_x
        grad_x = self._buffer("grad_x", self._x.shape, grad_z.dtype)
        return np.matmul(grad_z, self.kernel.T, out=grad_x)

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint)}
