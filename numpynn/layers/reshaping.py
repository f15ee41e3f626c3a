"""Layers that only move entries: ``Reshape``, ``Permute`` and ``RepeatVector``."""
import math
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
        size = math.prod(sample_shape)  # Python ints: no overflow
        known = math.prod(d for d in self.target_shape if d != -1)
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


class Permute(Layer):
    """Reorder the non-batch axes: y = x.transpose(0, *dims); backward applies the inverse
    permutation to dL/dy.

    Args:
        dims: a permutation of 1..rank (the batch axis 0 stays first), e.g. ``(2, 1)``
            swaps the two axes of a (batch, steps, features) input.
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        dims = tuple(int(d) for d in dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(f"Permute dims must be a permutation of 1..{len(dims)} (the batch "
                             f"axis 0 is not permuted), got {dims}.")
        self.dims = dims
        self._order = (0,) + dims
        self._inverse = tuple(int(i) for i in np.argsort(self._order))

    def compute_output_shape(self, input_shape):
        if len(input_shape) != len(self._order):
            raise ValueError(f"Permute{self.dims} needs inputs of rank {len(self._order)}, "
                             f"got shape {tuple(input_shape)}.")
        return tuple(input_shape[d] for d in self._order)

    def forward(self, x, training=False):
        return x.transpose(self._order)

    def backward(self, grad_out):
        return grad_out.transpose(self._inverse)

    def get_config(self):
        return {**super().get_config(), "dims": list(self.dims)}


class RepeatVector(Layer):
    """Repeat a (batch, features) input n times: y[:, i, :] = x for i < n, shape
    (batch, n, features); dL/dx = sum over i of dL/dy[:, i, :].

    Args:
        n: number of repetitions (a positive integer).
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if isinstance(n, bool) or int(n) != n or n < 1:
            raise ValueError(f"RepeatVector n must be a positive integer, got {n!r}.")
        self.n = int(n)

    def compute_output_shape(self, input_shape):
        if len(input_shape) != 2:
            raise ValueError("RepeatVector needs (batch, features) inputs, got shape "
                             f"{tuple(input_shape)}.")
        return (input_shape[0], self.n, input_shape[1])

    def forward(self, x, training=False):
        return np.repeat(x[:, None, :], self.n, axis=1)

    def backward(self, grad_out):
        return grad_out.sum(axis=1)

    def get_config(self):
        return {**super().get_config(), "n": self.n}
