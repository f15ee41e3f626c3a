"""``ZeroPadding2D``: rows and columns of zeros around each image, channels last."""
from numbers import Integral

from numpynn.layers import layer_arguments
from numpynn.layers.base import Layer
from numpynn.layers.pooling_windows import pad_spatial


class ZeroPadding2D(Layer):
    """Add zero rows at the top and bottom and zero columns at the left and right.

    Shapes: x (batch, H, W, C) -> y (batch, top + H + bottom, left + W + right, C).
    y[n, top + h, left + w, c] = x[n, h, w, c], zero elsewhere. Backward: dL/dx is dL/dy
    without the border.

    Args:
        padding: an int p (p rows and columns on every side), (ph, pw) (ph rows at the top
            and at the bottom, pw columns on each side) or ((top, bottom), (left, right)).
            Defaults to `(1, 1)`.
        data_format: `None` or ``"channels_last"`` (the only layout).

    Example::

        >>> ZeroPadding2D(((1, 0), 2))(np.ones((1, 3, 3, 4))).shape
        (1, 4, 7, 4)
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(padding, Integral) and not isinstance(padding, bool):
            padding = (padding, padding)
        if not isinstance(padding, (tuple, list)) or len(padding) != 2:
            raise ValueError("ZeroPadding2D padding must be an int, (rows, columns) or "
                             f"((top, bottom), (left, right)), got {padding!r}.")
        self.padding = tuple(
            layer_arguments.int_tuple(p, 2, f"padding {axis}", "ZeroPadding2D", minimum=0)
            for p, axis in zip(padding, ("(top, bottom)", "(left, right)")))
        self.data_format = layer_arguments.data_format(data_format, "ZeroPadding2D")

    def build(self, input_shape):
        layer_arguments.check_rank(input_shape, 4, "ZeroPadding2D",
                                   "(batch, height, width, channels)")

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        (top, bottom), (left, right) = self.padding
        return (batch, None if height is None else top + height + bottom,
                None if width is None else left + width + right, channels)

    def forward(self, x, training=False):
        self._input_hw = x.shape[1:3]
        out = self._buffer("y", self.compute_output_shape(x.shape), x.dtype)
        return pad_spatial(x, self.padding, 0, out)

    def backward(self, grad_out):
        (top, _), (left, _) = self.padding
        height, width = self._input_hw
        return grad_out[:, top:top + height, left:left + width]

    def get_config(self):
        return {**super().get_config(), "padding": self.padding,
                "data_format": self.data_format}
