"""Pooling layers: ``MaxPooling2D``, ``AveragePooling2D`` and their 1-D forms, channels last.

The arithmetic (windows, TensorFlow's padding, the tie rule of max pooling's gradient) is in
``pooling_windows``; a 1-D input (N, L, C) is pooled as the image (N, 1, L, C).
"""
import numpy as np

from numpynn import blas, kernels, parallel
from numpynn.layers import layer_arguments
from numpynn.layers.base import Layer
from numpynn.layers.pooling_windows import (Windows, average_pool, average_pool_backward,
                                            max_pool, max_pool_backward, pooled_length)


class _Pooling(Layer):
    """What the pooling layers share: arguments, output shape, 1-D inputs seen as 2-D."""

    rank = 2
    expected_input = "(batch, height, width, channels)"

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(**kwargs)
        kind = type(self).__name__
        self.pool_size = layer_arguments.int_tuple(pool_size, self.rank, "pool_size", kind)
        self.strides = self.pool_size if strides is None else layer_arguments.int_tuple(
            strides, self.rank, "strides", kind)
        self.padding = layer_arguments.padding_mode(padding, kind)
        self.data_format = layer_arguments.data_format(data_format, kind)
        self._windows = None

    def build(self, input_shape):
        layer_arguments.check_rank(input_shape, self.rank + 2, type(self).__name__,
                                   self.expected_input)

    def compute_output_shape(self, input_shape):
        spatial = tuple(None if n is None else pooled_length(n, p, s, self.padding)
                        for n, p, s in zip(input_shape[1:-1], self.pool_size, self.strides))
        if any(n is not None and n < 1 for n in spatial):
            raise ValueError(f"{type(self).__name__} {self.name!r}: pool_size {self.pool_size} "
                             f"does not fit in inputs of shape {tuple(input_shape)} with "
                             "padding='valid'; use a smaller pool_size or padding='same'.")
        return (input_shape[0],) + spatial + (input_shape[-1],)

    def _planar(self, x):
        """(N, H, W, C) as it is; (N, L, C) as the view (N, 1, L, C)."""
        return x if self.rank == 2 else x[:, None]

    def _unplanar(self, x):
        return x if self.rank == 2 else x[:, 0]

    def _windows_for(self, x):
        """The Windows of a planar input, kept while its spatial size stays the same."""
        if self._windows is None or self._windows.input_hw != x.shape[1:3]:
            self._windows = Windows(x.shape[1:3], *self._planar_pool(), self.padding)
        return self._windows

    def _planar_pool(self):
        """(pool_size, strides) over two axes: a rank-1 layer's first is 1."""
        lead = (1,) * (2 - self.rank)
        return lead + self.pool_size, lead + self.strides

    def read_extent(self, hw):
        """(h, w): how many leading rows and columns of an input of spatial size ``hw`` the
        windows read; with ``"valid"`` padding the last (H - ph) mod sh rows never reach the
        output (1 of 11 for 2x2 pooling). A rank-1 layer's ``hw`` is (1, L)."""
        if self.padding != "valid":
            return tuple(hw)
        return tuple(min(n, (pooled_length(n, p, s, "valid") - 1) * s + p)
                     for n, p, s in zip(hw, *self._planar_pool()))

    def _padded_input(self, x, fill):
        """x itself, or a copy with the windows' padding set to ``fill``."""
        windows = self._windows_for(x)
        if not windows.padded:
            return x
        return windows.pad(x, fill, self._buffer("padded_x", windows.padded_shape(x), x.dtype))

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "padding": self.padding,
                "strides": self.strides, "data_format": self.data_format}


class MaxPooling2D(_Pooling):
    """Max pooling: the largest value of each window, per channel.

    Shapes: x (batch, H, W, C) -> y (batch, Ho, Wo, C), with Ho = floor((H - ph) / sh) + 1
    for ``"valid"``, ceil(H / sh) for ``"same"`` (likewise Wo).
    y[n, a, b, c] = max_{i < ph, j < pw} x[n, a*sh + i - top, b*sw + j - left, c].
    Backward: each window's dL/dy goes to the first of its maxima in row-major order (as
    TensorFlow); pixels of overlapping windows add up what they receive.

    Args:
        pool_size: int or (ph, pw). Defaults to `(2, 2)`.
        strides: int or (sh, sw); defaults to `None`, which means ``pool_size``.
        padding: ``"valid"`` (no padding) or ``"same"`` (pad to ceil(H / sh) windows, the
            extra pixel at the bottom/right). Defaults to `"valid"`.
        data_format: `None` or ``"channels_last"`` (the only layout).

    Example::

        >>> MaxPooling2D()(np.zeros((8, 28, 28, 16))).shape
        (8, 14, 14, 16)
    """

    #: the ReLU of the convolution before, applied here instead while a model's loop runs
    #: (set by ``numpynn.layers.fusion``); None otherwise
    post_activation = None
    #: that convolution, whose bias is added here first in inference (``BaseConv._finish``)
    post_bias_from = None
    #: the output that convolution pooled itself, with ReLU and bias (on the compiled
    #: kernels, ``numpynn.layers.conv_pooled``): passed on as it is, and its gradient back
    passed_on = None

    def forward(self, x, training=False):
        self._passing = x is self.passed_on
        if self._passing:
            return x
        self._x = self._padded_input(self._planar(x), -np.inf)
        windows = self._windows
        x, y = self._x, self._buffer("y", windows.output_shape(self._x), x.dtype)
        pool = kernels.select(max_pool, "max_pool")
        where = self._where = None
        if training and kernels.backend() == "numba" and np.prod(windows.pool) < 255:
            # the compiled pooling notes where each maximum is, so that backward need not
            # read x again (compiled.max_pool_where); NumPy's backward compares x with y
            from numpynn.kernels import compiled
            where = self._where = self._buffer("where", y.shape, np.uint8)
        bias = (self.post_bias_from.params["bias"]
                if self.post_bias_from is not None and not training else None)
        activation = self.post_activation

        def pool_part(a, b):
            if where is None:
                pool(x[a:b], windows, y[a:b])
            else:
                compiled.max_pool_where(x[a:b], windows, y[a:b], where[a:b])
            # the convolution's bias and ReLU, on each part while it is in the core's cache;
            # in place: a window whose maximum the ReLU changes (to 0) gets no gradient
            # anyway, so backward's comparison of x with y may miss it
            if bias is not None:
                blas.add_row(bias, y[a:b].reshape(-1, y.shape[-1]))
            if activation is not None:
                activation.forward_inplace(y[a:b])
        parallel.run_rows(pool_part, len(x), x[0].size)
        self._y = y
        return self._unplanar(self._y)

    def backward(self, grad_out):
        if not self.input_grad_needed:
            return None
        if self._passing:
            return grad_out
        grad_x = self._buffer("grad_x", self._x.shape, grad_out.dtype)
        x, y, windows, grad = self._x, self._y, self._windows, self._planar(grad_out)
        # the fused ReLU's slope is taken in the same pass (y is its output: in place)
        relu = self.post_activation is not None
        if self._where is not None:
            from numpynn.kernels import compiled
            where = self._where

            def backward_part(a, b):
                compiled.max_pool_backward_where(grad[a:b], where[a:b], windows, grad_x[a:b],
                                                 y[a:b] if relu else None)
        else:
            backward = kernels.select(max_pool_backward, "max_pool_backward")

            def backward_part(a, b):
                backward(grad[a:b], x[a:b], y[a:b], windows, grad_x[a:b],
                         y[a:b] if relu else None)
        parallel.run_rows(backward_part, len(x), x[0].size)
        return self._unplanar(self._windows.crop(grad_x))


class AveragePooling2D(_Pooling):
    """Average pooling: the mean of each window, per channel, over its real pixels only.

    Shapes: as ``MaxPooling2D``. y[n, a, b, c] = sum over the window of x / count[a, b],
    count = the number of the window's pixels inside the input (ph * pw for ``"valid"``).
    Backward: dL/dx[pixel] = sum over the windows holding it of dL/dy / count.

    Args:
        pool_size: int or (ph, pw). Defaults to `(2, 2)`.
        strides: int or (sh, sw); defaults to `None`, which means ``pool_size``.
        padding: ``"valid"`` or ``"same"``. Defaults to `"valid"`.
        data_format: `None` or ``"channels_last"`` (the only layout).
    """

    def forward(self, x, training=False):
        x = self._padded_input(self._planar(x), 0)
        windows = self._windows
        y = average_pool(x, windows, self._buffer("y", windows.output_shape(x), x.dtype))
        return self._unplanar(y)

    def backward(self, grad_out):
        if not self.input_grad_needed:
            return None
        windows = self._windows
        grad_out = self._planar(grad_out)
        grad_shape = (len(grad_out),) + windows.padded_hw + (grad_out.shape[-1],)
        grad_x = self._buffer("grad_x", grad_shape, grad_out.dtype)
        average_pool_backward(grad_out, windows, grad_x)
        return self._unplanar(windows.crop(grad_x))


class MaxPooling1D(MaxPooling2D):
    """Max pooling over steps: x (batch, steps, C) -> y (batch, Lo, C), Lo as Ho of
    ``MaxPooling2D``; same rules, same gradient.

    Args:
        pool_size: int. Defaults to `2`.
        strides: int; defaults to `None`, which means ``pool_size``.
        padding: ``"valid"`` or ``"same"``. Defaults to `"valid"`.
        data_format: `None` or ``"channels_last"`` (the only layout).
    """

    rank = 1
    expected_input = "(batch, steps, channels)"


class AveragePooling1D(AveragePooling2D):
    """Average pooling over steps: x (batch, steps, C) -> y (batch, Lo, C); same rules as
    ``AveragePooling2D``.

    Args:
        pool_size: int. Defaults to `2`.
        strides: int; defaults to `None`, which means ``pool_size``.
        padding: ``"valid"`` or ``"same"``. Defaults to `"valid"`.
        data_format: `None` or ``"channels_last"`` (the only layout).
    """

    rank = 1
    expected_input = "(batch, steps, channels)"
