"""Global pooling: one value per channel over all spatial positions, channels last.

``GlobalAveragePooling2D``, ``GlobalMaxPooling2D`` and their 1-D forms (over steps)."""
import numpy as np

from numpynn.layers import layer_arguments
from numpynn.layers.base import Layer


class _GlobalPooling(Layer):
    """What the global pooling layers share: arguments, output shape, the pooled axes."""

    rank = 2
    expected_input = "(batch, height, width, channels)"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = layer_arguments.data_format(data_format, type(self).__name__)
        self.keepdims = bool(keepdims)
        self._axes = tuple(range(1, self.rank + 1))

    def build(self, input_shape):
        layer_arguments.check_rank(input_shape, self.rank + 2, type(self).__name__,
                                   self.expected_input)

    def compute_output_shape(self, input_shape):
        kept = (1,) * self.rank if self.keepdims else ()
        return (input_shape[0],) + kept + (input_shape[-1],)

    def _with_spatial_axes(self, grad_out):
        """dL/dy as (batch, 1, ..., 1, C), to broadcast against the input."""
        return grad_out if self.keepdims else grad_out.reshape(
            (len(grad_out),) + (1,) * self.rank + grad_out.shape[-1:])

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format,
                "keepdims": self.keepdims}


class GlobalAveragePooling2D(_GlobalPooling):
    """Mean over the spatial axes: x (batch, H, W, C) -> y (batch, C), or (batch, 1, 1, C)
    with ``keepdims=True``. y[n, c] = sum_{h, w} x[n, h, w, c] / (H W);
    dL/dx[n, h, w, c] = dL/dy[n, c] / (H W).

    Args:
        data_format: `None` or ``"channels_last"`` (the only layout).
        keepdims: keep the spatial axes with size 1. Defaults to `False`.
    """

    def forward(self, x, training=False):
        self._input_shape = x.shape
        return x.mean(axis=self._axes, keepdims=self.keepdims)

    def backward(self, grad_out):
        if not self.input_grad_needed:
            return None
        count = np.prod(self._input_shape[1:-1])
        grad_x = self._buffer("grad_x", self._input_shape, grad_out.dtype)
        return np.divide(self._with_spatial_axes(grad_out), count, out=grad_x)


class GlobalMaxPooling2D(_GlobalPooling):
    """Maximum over the spatial axes: x (batch, H, W, C) -> y (batch, C), or (batch, 1, 1, C)
    with ``keepdims=True``. y[n, c] = max_{h, w} x[n, h, w, c].
    Backward as TensorFlow's reduce_max: dL/dy[n, c] is shared equally by the positions
    where x[n, :, :, c] equals its maximum (all of it to the maximum when there is one).

    Args:
        data_format: `None` or ``"channels_last"`` (the only layout).
        keepdims: keep the spatial axes with size 1. Defaults to `False`.
    """

    def forward(self, x, training=False):
        self._x = x
        self._y = x.max(axis=self._axes, keepdims=True)
        return self._y if self.keepdims else self._y.reshape(len(x), -1)

    def backward(self, grad_out):
        if not self.input_grad_needed:
            return None
        is_max = self._x == self._y
        ties = is_max.sum(axis=self._axes, keepdims=True, dtype=grad_out.dtype)  # not int64
        return is_max * (self._with_spatial_axes(grad_out) / ties)


class GlobalAveragePooling1D(GlobalAveragePooling2D):
    """Mean over steps: x (batch, steps, C) -> y (batch, C), or (batch, 1, C) with
    ``keepdims=True``; as ``GlobalAveragePooling2D`` (no masks).

    Args:
        data_format: `None` or ``"channels_last"`` (the only layout).
        keepdims: keep the steps axis with size 1. Defaults to `False`.
    """

    rank = 1
    expected_input = "(batch, steps, channels)"


class GlobalMaxPooling1D(GlobalMaxPooling2D):
    """Maximum over steps: x (batch, steps, C) -> y (batch, C), or (batch, 1, C) with
    ``keepdims=True``; as ``GlobalMaxPooling2D``.

    Args:
        data_format: `None` or ``"channels_last"`` (the only layout).
        keepdims: keep the steps axis with size 1. Defaults to `False`.
    """

    rank = 1
    expected_input = "(batch, steps, channels)"
