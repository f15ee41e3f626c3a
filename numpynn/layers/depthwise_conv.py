"""``DepthwiseConv2D``: each input channel convolved with its own ``depth_multiplier`` filters."""
import numpy as np

from numpynn import constraints, initializers, regularizers
from numpynn.layers import layer_arguments
from numpynn.layers.conv_base import BaseConv


class DepthwiseConv2D(BaseConv):
    """Depthwise 2-D convolution (channels_last): no sum over channels.

    For channel c and multiplier m (output channel c D + m, D = depth_multiplier)::

        z[n, p, q, c D + m] = sum_{i, j} xp[n, p sh + i dh, q sw + j dw, c] kernel[i, j, c, m]
                              + bias[c D + m]

    With im2col's cols viewed as (N Ho Wo, kh kw, C): z = einsum("rkc,kcm->rcm", cols, kernel).
    Backward, with g = dL/dz as (N Ho Wo, C, D): dL/dkernel = einsum("rkc,rcm->kcm", cols, g),
    dL/dcols = einsum("rcm,kcm->rkc", g, kernel), dL/dx = col2im(dL/dcols).

    Shapes: x (N, H, W, C) -> y (N, Ho, Wo, C D); kernel (kh, kw, C, D); bias (C D,).
    Keras 3 names the weight ``kernel``.

    Args:
        kernel_size: an int or 2 ints.
        strides: defaults to `1`.
        padding: ``"valid"`` (default) or ``"same"``.
        depth_multiplier: filters per input channel. Defaults to `1`.
        data_format: `None` or ``"channels_last"``.
        dilation_rate: defaults to `1`.
        activation: defaults to `None` (linear).
        use_bias: defaults to `True`.
        depthwise_initializer: defaults to `"glorot_uniform"`.
        bias_initializer: defaults to `"zeros"`.
        depthwise_regularizer, bias_regularizer: penalties on the weights; default `None`.
        activity_regularizer: penalty on the output, divided by the batch size; `None`.
        depthwise_constraint, bias_constraint: applied after each optimizer step; default
            `None`.
    """

    #: name of the depthwise weight (``SeparableConv2D`` calls it ``depthwise_kernel``)
    depthwise_name = "kernel"

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(2, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, bias_initializer,
                         bias_regularizer=bias_regularizer, bias_constraint=bias_constraint,
                         activity_regularizer=activity_regularizer, strided_dilation=True,
                         **kwargs)
        if not layer_arguments.is_whole(depth_multiplier) or depth_multiplier < 1:
            raise ValueError(f"`depth_multiplier` must be a positive integer, got "
                             f"depth_multiplier={depth_multiplier!r}.")
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)

    def _output_channels(self, channels):
        return channels * self.depth_multiplier

    def _add_depthwise_kernel(self, channels):
        self.add_weight(self.depthwise_name,
                        self.kernel_size + (channels, self.depth_multiplier),
                        self.depthwise_initializer, regularizer=self.depthwise_regularizer,
                        constraint=self.depthwise_constraint)

    def build(self, input_shape):
        self._check_input_shape(input_shape)
        self._add_depthwise_kernel(input_shape[-1])
        if self.use_bias:
            self._add_bias(self._output_channels(input_shape[-1]))

    def _depthwise_kernel(self, params):
        kh, kw, channels, depth = params[self.depthwise_name].shape
        return params[self.depthwise_name].reshape(kh * kw, channels, depth)

    def _depthwise(self, x):
        """The depthwise convolution without bias: x (N, H, W, C) -> (N Ho Wo, C D)."""
        self._x_shape = x.shape
        kernel = self._depthwise_kernel(self.params)
        dtype = np.promote_types(x.dtype, kernel.dtype)
        cols = self._unfold(x, dtype)
        self._cols = cols.reshape(len(cols), -1, x.shape[-1])
        out = self._buffer("depthwise", (len(cols),) + kernel.shape[1:], dtype)
        np.einsum("rkc,kcm->rcm", self._cols, kernel, out=out)
        return out.reshape(len(cols), -1)

    def _depthwise_backward(self, grad):
        """Given dL/d(depthwise output) (N Ho Wo, C D): write dL/dkernel, return dL/dx."""
        kernel = self._depthwise_kernel(self.params)
        grad = grad.reshape((len(grad),) + kernel.shape[1:])
        np.einsum("rkc,rcm->kcm", self._cols, grad,
                  out=self._depthwise_kernel(self.grads))
        if not self.input_grad_needed:
            return None
        grad_cols = self._buffer("grad_cols", self._cols.shape, grad.dtype)
        np.einsum("rcm,kcm->rkc", grad, kernel, out=grad_cols)
        return self._input_grad(grad_cols.reshape(len(grad_cols), -1), self._x_shape)

    def forward(self, x, training=False):
        return self._spatial_output(self._finish(self._depthwise(x), training))

    def backward(self, grad_out):
        return self._depthwise_backward(self._grad_z(grad_out))

    def get_config(self):
        return {**super().get_config(), "depth_multiplier": self.depth_multiplier,
                "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
                "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
                "depthwise_constraint": constraints.serialize(self.depthwise_constraint)}
