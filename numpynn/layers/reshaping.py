"""Layers that only move entries: ``Permute`` and ``RepeatVector``."""
import numpy as np

from numpynn.layers.base import Layer


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
