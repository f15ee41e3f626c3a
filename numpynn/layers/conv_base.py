"""``BaseConv``: what every convolution layer shares: its arguments, output shape, and the
padded ``im2col``/``col2im`` over reused buffers.

A rank-1 layer (``Conv1D``) works on its (batch, length, channels) input as a
(batch, 1, length, channels) image, so all the arithmetic below is 2-D.
"""
import numpy as np

from numpynn import (activations, blas, constraints, initializers, kernels, parallel,
                     regularizers)
from numpynn.layers import conv_utils
from numpynn.layers.base import Layer


class BaseConv(Layer):
    """Base of the convolution layers (channels_last).

    While ``activation_deferred`` is set (by ``numpynn.layers.fusion`` inside a model's
    loops, when a max pooling follows), the layer returns its pre-activation and the pooling
    applies the ReLU; ``fused_pool`` is then that pooling, and only the part of the output
    that it reads is computed (``MaxPooling2D.read_extent``).

    Subclasses create their weights in ``build``, define ``_output_channels(channels)`` and
    the forward/backward passes, using ``_unfold`` (padding + im2col) and ``_fold`` (col2im
    + cropping) for the sliding windows.

    Args:
        rank: 1 or 2 spatial axes.
        kernel_size, strides, dilation_rate: an int or ``rank`` ints.
        padding: ``"valid"``, ``"same"``, or ``"causal"`` where ``allow_causal`` (rank 1).
        data_format: ``None`` or ``"channels_last"``.
        activation: name or object; defaults to `None` (linear).
        use_bias: whether to add a bias. Defaults to `True`.
        bias_initializer: defaults to `"zeros"`.
        bias_regularizer: penalty on the bias (e.g. `"l2"`). Defaults to `None`.
        bias_constraint: applied to the bias after each optimizer step. Defaults to `None`.
        activity_regularizer: penalty on the output, divided by the batch size. Defaults
            to `None`.
        strided_dilation: whether strides > 1 may go with dilation > 1 (Keras forbids it
            for ``Conv`` and ``ConvTranspose``, allows it for depthwise convolutions).
    """

    activation_deferred = False
    fused_pool = None

    def __init__(self, rank, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, bias_initializer="zeros",
                 bias_regularizer=None, bias_constraint=None, activity_regularizer=None,
                 allow_causal=False, strided_dilation=False, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.kernel_size = conv_utils.normalize_tuple(kernel_size, rank, "kernel_size")
        self.strides = conv_utils.normalize_tuple(strides, rank, "strides")
        self.dilation_rate = conv_utils.normalize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = conv_utils.normalize_padding(padding, allow_causal)
        self.data_format = conv_utils.check_data_format(data_format)
        if not strided_dilation and max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"`strides > 1` is not supported together with `dilation_rate > 1`"
                             f" (as in Keras): got strides={self.strides} and "
                             f"dilation_rate={self.dilation_rate}. Use one or the other.")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.bias_initializer = initializers.get(bias_initializer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.bias_constraint = constraints.get(bias_constraint)
        # the same geometry on two axes: a rank-1 layer has a height of 1
        lead = (1,) * (2 - rank)
        self._kernel_2d = lead + self.kernel_size
        self._strides_2d = lead + self.strides
        self._dilation_2d = lead + self.dilation_rate

    # -- weights --------------------------------------------------------------------------
    def _add_bias(self, size):
        """The bias (size,), with its initializer, regularizer and constraint."""
        self.add_weight("bias", (size,), self.bias_initializer,
                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    # -- shapes ---------------------------------------------------------------------------
    def _output_channels(self, channels):
        raise NotImplementedError

    def _check_input_shape(self, input_shape):
        if len(input_shape) != self.rank + 2 or input_shape[-1] is None:
            raise ValueError(f"{type(self).__name__} {self.name!r} expects inputs of shape "
                             f"(batch, {'length' if self.rank == 1 else 'height, width'}, "
                             f"channels) with known channels, got {tuple(input_shape)}.")

    def compute_output_shape(self, input_shape):
        self._check_input_shape(input_shape)
        spatial = tuple(conv_utils.output_length(n, k, s, self.padding, d) for n, k, s, d
                        in zip(input_shape[1:-1], self.kernel_size, self.strides,
                               self.dilation_rate))
        if any(n is not None and n < 1 for n in spatial):
            raise ValueError(f"{type(self).__name__} {self.name!r}: input shape "
                             f"{tuple(input_shape)} is smaller than the (dilated) kernel "
                             f"{self.kernel_size} with padding 'valid'; the output would be "
                             f"empty. Use larger inputs or padding='same'.")
        return (input_shape[0],) + spatial + (self._output_channels(input_shape[-1]),)

    def _images(self, x):
        """``x`` as (N, H, W, C): a rank-1 input gets a height of 1."""
        return x[:, None] if self.rank == 1 else x

    def _geometry(self, height, width):
        """((Ho, Wo), ((top, bottom), (left, right))) for images of ``height`` x ``width``."""
        sizes, pads = [], []
        for n, k, s, d in zip((height, width), self._kernel_2d, self._strides_2d,
                              self._dilation_2d):
            # a rank-1 layer's height axis (k = s = d = 1) gets no padding in any mode
            sizes.append(conv_utils.output_length(n, k, s, self.padding, d))
            pads.append(conv_utils.padding_amounts(n, k, s, self.padding, d))
        return tuple(sizes), tuple(pads)

    # -- sliding windows ------------------------------------------------------------------
    def _is_pointwise(self, pads):
        """A 1x1 kernel with stride 1 and no padding: the columns are the pixels."""
        return self._kernel_2d == (1, 1) and self._strides_2d == (1, 1) and pads == ((0, 0),) * 2

    def _unfold(self, images, dtype, ones=False):
        """im2col of zero-padded ``images`` (N, H, W, C) -> cols (N Ho Wo, kh kw C), a
        C-contiguous array (in reused buffers while a model's loop runs); also remembers the
        geometry for ``_fold``. With ``ones``, cols gets a last column of ones:
        (N Ho Wo, kh kw C + 1), except for a pointwise layer, whose cols are the pixels."""
        n, height, width, channels = images.shape
        out_size, pads = self._geometry(height, width)
        if self.fused_pool is not None and not self._is_pointwise(pads):
            out_size = self.fused_pool.read_extent(out_size)
        self._window_state = (images.shape, out_size, pads)
        if self._is_pointwise(pads):
            return np.ascontiguousarray(images, dtype=dtype).reshape(-1, channels)
        padded = self._padded(images, pads)
        size = self._kernel_2d[0] * self._kernel_2d[1] * channels
        rows = self._buffer("cols", (n,) + out_size + (size + ones,), dtype)
        if ones and rows is not self.__dict__.get("_rows_with_ones"):  # a new buffer
            rows[..., size] = 1
            self._rows_with_ones = rows
        cols = rows[..., :size].reshape((n,) + out_size + self._kernel_2d + (channels,))
        geometry = (self._kernel_2d, self._strides_2d, self._dilation_2d)
        parallel.run_rows(lambda a, b: conv_utils.im2col(padded[a:b], *geometry, out_size,
                                                         cols[a:b]),
                          n, cols[0].size)
        return rows.reshape(n * out_size[0] * out_size[1], -1)

    def _padded(self, images, pads):
        """``images`` (N, H, W, C) with ``pads`` ((top, bottom), (left, right)) zeros around
        (in a reused buffer), or themselves without padding."""
        (top, bottom), (left, right) = pads
        if not (top or bottom or left or right):
            return images
        n, height, width, channels = images.shape
        padded = self._buffer("padded", (n, height + top + bottom, width + left + right,
                                         channels), images.dtype)
        return conv_utils.pad_into(images, pads, padded)

    def _fold(self, grad_cols):
        """col2im: dL/dcols (N Ho Wo, kh kw C), or any (N, Ho, Wo, kh, kw, C) view of it, ->
        dL/dimages (N, H, W, C), padding cropped."""
        shape, out_size, pads = self._window_state
        n, height, width, channels = shape
        if self._is_pointwise(pads):
            return grad_cols.reshape(shape)
        (top, bottom), (left, right) = pads
        grad_padded = self._buffer("grad_padded", (n, height + top + bottom,
                                                   width + left + right, channels),
                                   grad_cols.dtype)
        col2im = kernels.select(conv_utils.col2im, "col2im")
        grad_cols = grad_cols.reshape((n,) + out_size + self._kernel_2d + (channels,))
        geometry = (self._kernel_2d, self._strides_2d, self._dilation_2d)
        parallel.run_rows(lambda a, b: col2im(grad_cols[a:b], *geometry, grad_padded[a:b]),
                          n, grad_cols[0].size)
        return conv_utils.unpad(grad_padded, pads)

    def _spatial_output(self, y):
        """``y`` (N Ho Wo, F) reshaped to the layer's output (N, Ho, Wo, F) or (N, Lo, F)."""
        (n, _, _, _), out_size, _ = self._window_state
        return y.reshape((n,) + out_size[2 - self.rank:] + (y.shape[-1],))

    def _input_grad(self, grad_cols, x_shape):
        """dL/dx in ``x``'s own shape from dL/dcols."""
        return self._fold(grad_cols).reshape(x_shape)

    # -- bias and activation --------------------------------------------------------------
    def _finish(self, z, training=False, bias_added=False):
        """Add the bias and apply the activation to the pre-activation ``z`` (M, F), in
        place where the activation allows; returns y (M, F).

        While the activation is deferred, inference defers the bias as well: adding a
        constant per channel commutes with a maximum too (rounding never changes the order
        of two numbers), so the pooling adds it to a quarter of the values, the same sums.
        Training adds it here, where backward forms its gradient. ``bias_added``: z holds
        it already."""
        if self.use_bias and not bias_added and not (self.activation_deferred and not training):
            blas.add_row(self.params["bias"], z)
        self._z = z
        self._y = z if self.activation_deferred else self.activation.forward_inplace(z)
        return self._y

    def _grad_z(self, grad_out, bias_gradient=True):
        """dL/dz as (M, F) from dL/dy, and dL/dbias written (unless not ``bias_gradient``)."""
        grad_z = grad_out.reshape(self._z.shape)
        if not self.activation_deferred:
            grad_z = self.activation.backward(grad_z, self._z, self._y)
        if self.use_bias and bias_gradient:
            self._sum_over_batch(grad_z, self.grads["bias"])
        return grad_z

    def get_config(self):
        return {**super().get_config(), "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding,
                "data_format": self.data_format, "dilation_rate": self.dilation_rate,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "bias_constraint": constraints.serialize(self.bias_constraint)}
