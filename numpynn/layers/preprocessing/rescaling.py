"""``Rescaling``: y = x * scale + offset, e.g. pixel values 0-255 to [0, 1] or [-1, 1]."""
import numpy as np

from numpynn.layers.base import Layer


class Rescaling(Layer):
    """y = x * scale + offset, in training and inference alike; dL/dx = dL/dy * scale.

    Args:
        scale: the factor, a number or an array broadcast against the input (e.g. one
            per channel).
        offset: the value added after scaling, a number or an array. Defaults to `0.0`.

    Example::

        >>> Rescaling(1 / 127.5, offset=-1)(np.array([[0.0, 255.0]]))
        array([[-1.,  1.]], dtype=float32)
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        for name, value in (("scale", scale), ("offset", offset)):
            array = np.asarray(value)
            if array.dtype.kind not in "biuf":
                raise TypeError(f"Rescaling {name} must be a number or an array of numbers, "
                                f"got {value!r}.")
        self.scale, self.offset = scale, offset

    def forward(self, x, training=False):
        scale = np.asarray(self.scale, dtype=x.dtype)
        self._scale = scale
        return x * scale + np.asarray(self.offset, dtype=x.dtype)

    def backward(self, grad_out):
        return grad_out * self._scale

    def get_config(self):
        return {**super().get_config(), "scale": np.asarray(self.scale).tolist(),
                "offset": np.asarray(self.offset).tolist()}
