"""``SeparableConv2D``: a depthwise convolution followed by a pointwise (1x1) one."""
import numpy as np

from numpynn import constraints, initializers, regularizers
from numpynn.layers import layer_arguments
from numpynn.layers.depthwise_conv import DepthwiseConv2D


class SeparableConv2D(DepthwiseConv2D):
    """Depthwise-separable 2-D convolution (channels_last)::

        d = depthwise(x, depthwise_kernel)                 (N Ho Wo, C D), see DepthwiseConv2D
        z = d @ pointwise_kernel.reshape(C D, filters) + bias,   y = activation(z)

    Backward, with g = dL/dz: dL/dpointwise = d^T g, dL/dbias = sum of g over N, Ho, Wo,
    dL/dd = g pointwise^T, then the depthwise backward gives dL/ddepthwise and dL/dx.

    Shapes: x (N, H, W, C) -> y (N, Ho, Wo, filters); depthwise_kernel (kh, kw, C, D);
    pointwise_kernel (1, 1, C D, filters); bias (filters,). D = depth_multiplier.

    Args:
        filters: output channels.
        kernel_size, strides, padding, data_format, dilation_rate, depth_multiplier,
        activation, use_bias, depthwise_initializer, bias_initializer: as ``DepthwiseConv2D``.
        pointwise_initializer: defaults to `"glorot_uniform"`.
        depthwise_regularizer, pointwise_regularizer, bias_regularizer: penalties on the
            weights; default `None`.
        activity_regularizer: penalty on the output, divided by the batch size; `None`.
        depthwise_constraint, pointwise_constraint, bias_constraint: applied after each
            optimizer step; default `None`.
    """

    depthwise_name = "depthwise_kernel"

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(kernel_size, strides, padding, depth_multiplier, data_format,
                         dilation_rate, activation, use_bias, depthwise_initializer,
                         bias_initializer, depthwise_regularizer=depthwise_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         depthwise_constraint=depthwise_constraint,
                         bias_constraint=bias_constraint, **kwargs)
        if not layer_arguments.is_whole(filters) or filters < 1:
            raise ValueError(f"`filters` must be a positive integer, got filters={filters!r}.")
        self.filters = int(filters)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def _output_channels(self, channels):
        return self.filters

    def build(self, input_shape):
        self._check_input_shape(input_shape)
        channels = input_shape[-1]
        self._add_depthwise_kernel(channels)
        self.add_weight("pointwise_kernel",
                        (1, 1, channels * self.depth_multiplier, self.filters),
                        self.pointwise_initializer, regularizer=self.pointwise_regularizer,
                        constraint=self.pointwise_constraint)
        if self.use_bias:
            self._add_bias(self.filters)

    def forward(self, x, training=False):
        self._d = self._depthwise(x)
        pointwise = self.params["pointwise_kernel"].reshape(-1, self.filters)
        z = self._buffer("z", (len(self._d), self.filters), self._d.dtype)
        np.matmul(self._d, pointwise, out=z)
        return self._spatial_output(self._finish(z, training))

    def backward(self, grad_out):
        grad_z = self._grad_z(grad_out)
        pointwise = self.params["pointwise_kernel"].reshape(-1, self.filters)
        np.matmul(self._d.T, grad_z,
                  out=self.grads["pointwise_kernel"].reshape(pointwise.shape))
        grad_d = self._buffer("grad_depthwise", self._d.shape, grad_z.dtype)
        np.matmul(grad_z, pointwise.T, out=grad_d)
        return self._depthwise_backward(grad_d)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
                "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer),
                "pointwise_constraint": constraints.serialize(self.pointwise_constraint)}
