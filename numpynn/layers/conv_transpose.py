"""``Conv2DTranspose``: the transposed ("deconvolution") layer, a convolution's backward pass
run forward."""
import numpy as np

from numpynn import constraints, initializers, regularizers
from numpynn.layers import conv_utils, layer_arguments
from numpynn.layers.conv_base import BaseConv


class Conv2DTranspose(BaseConv):
    """Transposed 2-D convolution (channels_last): the adjoint of a ``Conv2D`` that maps
    (N, Ho, Wo, filters) to (N, H, W, C) with this layer's kernel, strides and padding.

    Every input pixel spreads its channels, through the kernel, over a window of the output::

        cols = x.reshape(N H W, C) @ kernel.reshape(kh kw filters, C)^T     (N H W, kh kw filters)
        z = col2im(cols) cropped to (N, Ho, Wo, filters) + bias,   y = activation(z)

    Backward, with g = dL/dz: gcols = im2col(g, zero-padded), dL/dkernel = gcols^T x,
    dL/dbias = sum of g over N, Ho, Wo, dL/dx = gcols kernel.

    Output size per axis (k_eff = d (k - 1) + 1): valid (L - 1) s + k_eff + output_padding
    (None: max(s - k_eff, 0)); same L s, or (L - 1) s + k_eff mod 2 + output_padding.

    Shapes: x (N, H, W, C) -> y (N, Ho, Wo, filters); kernel (kh, kw, filters, C), as Keras;
    bias (filters,).

    Args:
        filters: output channels.
        kernel_size: an int or 2 ints.
        strides: defaults to `1`.
        padding: ``"valid"`` (default) or ``"same"``.
        output_padding: `None` (default) or ints, each smaller than its stride: extra rows and
            columns at the bottom/right of the output.
        data_format: `None` or ``"channels_last"``.
        dilation_rate: defaults to `1`; > 1 cannot go with strides > 1.
        activation: defaults to `None` (linear).
        use_bias: defaults to `True`.
        kernel_initializer: defaults to `"glorot_uniform"`.
        bias_initializer: defaults to `"zeros"`.
        kernel_regularizer, bias_regularizer: penalties on the weights; default `None`.
        activity_regularizer: penalty on the output, divided by the batch size; `None`.
        kernel_constraint, bias_constraint: applied after each optimizer step; default
            `None`.
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(2, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, bias_initializer,
                         bias_regularizer=bias_regularizer, bias_constraint=bias_constraint,
                         activity_regularizer=activity_regularizer, **kwargs)
        if not layer_arguments.is_whole(filters) or filters < 1:
            raise ValueError(f"`filters` must be a positive integer, got filters={filters!r}.")
        self.filters = int(filters)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.output_padding = None
        if output_padding is not None:
            self.output_padding = conv_utils.normalize_tuple(output_padding, 2, "output_padding",
                                                             allow_zero=True)
            if any(p >= s for p, s in zip(self.output_padding, self.strides)):
                raise ValueError(f"Each `output_padding` must be smaller than its stride: got "
                                 f"output_padding={self.output_padding}, "
                                 f"strides={self.strides}.")

    def _output_padding(self):
        return self.output_padding or (None, None)

    def compute_output_shape(self, input_shape):
        self._check_input_shape(input_shape)
        spatial = tuple(conv_utils.transpose_output_length(n, k, s, self.padding, p, d)
                        for n, k, s, p, d in zip(input_shape[1:3], self.kernel_size,
                                                 self.strides, self._output_padding(),
                                                 self.dilation_rate))
        return (input_shape[0],) + spatial + (self.filters,)

    def build(self, input_shape):
        self._check_input_shape(input_shape)
        self.add_weight("kernel", self.kernel_size + (self.filters, input_shape[-1]),
                        self.kernel_initializer, regularizer=self.kernel_regularizer,
                        constraint=self.kernel_constraint)
        if self.use_bias:
            self._add_bias(self.filters)

    def _transpose_geometry(self, height, width):
        """Output size (Ho, Wo), the crop's start (top, left), and the size of the
        uncropped canvas every window fits in."""
        out_size = self.compute_output_shape((None, height, width, 1))[1:3]
        starts, canvas = [], []
        for n, out, k, s, d in zip((height, width), out_size, self.kernel_size, self.strides,
                                   self.dilation_rate):
            start = conv_utils.transpose_padding_before(n, out, k, s, self.padding, d)
            windows_end = (n - 1) * s + conv_utils.effective_size(k, d)
            starts.append(start)
            canvas.append(max(windows_end, start + out))
        return out_size, tuple(starts), tuple(canvas)

    def forward(self, x, training=False):
        self._x = x
        n, height, width, channels = x.shape
        (out_h, out_w), (top, left), canvas = self._transpose_geometry(height, width)
        self._layout = (out_h, out_w), (top, left), canvas
        kernel = self.params["kernel"].reshape(-1, channels)        # (kh kw filters, C)
        dtype = np.promote_types(x.dtype, kernel.dtype)
        cols = self._buffer("cols", (n * height * width, len(kernel)), dtype)
        np.matmul(x.reshape(-1, channels), kernel.T, out=cols)
        padded = self._buffer("padded", (n,) + canvas + (self.filters,), dtype)
        conv_utils.col2im(cols.reshape((n, height, width) + self.kernel_size + (self.filters,)),
                          self.kernel_size, self.strides, self.dilation_rate, padded)
        z = self._buffer("z", (n * out_h * out_w, self.filters), dtype)
        z.reshape(n, out_h, out_w, self.filters)[...] = \
            padded[:, top:top + out_h, left:left + out_w]
        return self._finish(z, training).reshape(n, out_h, out_w, self.filters)

    def backward(self, grad_out):
        grad_z = self._grad_z(grad_out)
        n, height, width, channels = self._x.shape
        (out_h, out_w), (top, left), canvas = self._layout
        pads = ((top, canvas[0] - top - out_h), (left, canvas[1] - left - out_w))
        padded = self._buffer("grad_padded", (n,) + canvas + (self.filters,), grad_z.dtype)
        conv_utils.pad_into(grad_z.reshape(n, out_h, out_w, self.filters), pads, padded)
        grad_cols = self._buffer("grad_cols", (n, height, width) + self.kernel_size
                                 + (self.filters,), grad_z.dtype)
        conv_utils.im2col(padded, self.kernel_size, self.strides, self.dilation_rate,
                          (height, width), grad_cols)
        grad_cols = grad_cols.reshape(n * height * width, -1)
        x2 = self._x.reshape(-1, channels)
        kernel = self.params["kernel"].reshape(-1, channels)
        np.matmul(grad_cols.T, x2, out=self.grads["kernel"].reshape(kernel.shape))
        if not self.input_grad_needed:
            return None
        grad_x = self._buffer("grad_x", (len(x2), channels), grad_z.dtype)
        return np.matmul(grad_cols, kernel, out=grad_x).reshape(self._x.shape)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "output_padding": self.output_padding,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint)}
