"""``Reshape``: give each sample a new shape with the same number of entries."""
from numbers import Integral

import numpy as np

from numpynn.layers.base import Layer


class Reshape(Layer):
    """Reshape each sample (row-major order), the batch axis untouched.

    Shapes: x (batch, *s) -> y (batch, *target_shape), where prod(s) = prod(target_shape);
    one entry of ``target_shape`` may be -1, inferred from the others. Backward: dL/dx is
    dL/dy reshaped back to x's shape.

    Args:
        target_shape: the shape of one output sample, without the batch axis.

    Example::

        >>> Reshape((-1, 4))(np.zeros((2, 3, 8))).shape
        (2, 6, 4)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        shape = tuple(target_shape) if isinstance(target_shape, (tuple, list)) else None
        if shape is None or not all(isinstance(d, Integral) and not isinstance(d, bool)
                                    and (d >= 1 or d == -1) for d in shape):
            raise ValueError("Reshape target_shape must be a tuple of positive ints, one of "
                             f"which may be -1, got {target_shape!r}.")
        if shape.count(-1) > 1:
            raise ValueError(f"Reshape target_shape may hold at most one -1, got {shape}.")
        self.target_shape = tuple(int(d) for d in shape)

    def _resolved(self, sample_shape):
        """``target_shape`` with its -1 worked out for samples of ``sample_shape``."""
        size = int(np.prod(sample_shape))
        known = int(np.prod([d for d in self.target_shape if d != -1]))
        fits = size % known == 0 if -1 in self.target_shape else size == known
        if not fits:
            raise ValueError(f"Reshape {self.name!r} cannot reshape samples of shape "
                             f"{tuple(sample_shape)} ({size} entries) to {self.target_shape}; "
                             "the number of entries must stay the same.")
        return tuple(size // known if d == -1 else d for d in self.target_shape)

    def compute_output_shape(self, input_shape):
        if None in input_shape[1:]:
            return (input_shape[0],) + tuple(None if d == -1 else d for d in self.target_shape)
        return (input_shape[0],) + self._resolved(input_shape[1:])

    def forward(self, x, training=False):
        self._input_shape = x.shape
        return x.reshape((len(x),) + self._resolved(x.shape[1:]))

    def backward(self, grad_out):
        return grad_out.reshape(self._input_shape)

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}
