"""``Concatenate``: join a list of tensors along one axis."""
import numpy as np

from numpynn.layers.base import Layer


class Concatenate(Layer):
    """y = [x_1, x_2, ...] joined along ``axis``; backward splits dL/dy at the same places.

    Shapes: inputs (batch, ..., d_i, ...) equal on every axis but ``axis``;
    y (batch, ..., d_1 + d_2 + ..., ...).

    Args:
        axis: the axis to join along. Defaults to `-1`.

    Example::

        >>> Concatenate()([np.zeros((2, 3)), np.ones((2, 4))]).shape
        (2, 7)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or int(axis) != axis:
            raise TypeError(f"Concatenate axis must be an integer, got {axis!r}.")
        self.axis = int(axis)

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, list) or not input_shape:
            raise ValueError("A Concatenate layer is called on a list of tensors, e.g. "
                             f"Concatenate()([x, y]); got input shape {input_shape}.")
        shapes = [tuple(s) for s in input_shape]
        rank = len(shapes[0])
        if any(len(s) != rank for s in shapes) or not -rank <= self.axis < rank:
            raise ValueError(f"Concatenate layer {self.name!r}: inputs of shapes {shapes} "
                             f"cannot be joined along axis {self.axis}; they need one rank "
                             "and an axis within it.")
        axis = self.axis % rank
        out = list(shapes[0])
        for i in range(rank):
            sizes = [s[i] for s in shapes]
            if i == axis:
                out[i] = None if None in sizes else sum(sizes)
            elif len({d for d in sizes if d is not None}) > 1:
                raise ValueError(f"Concatenate layer {self.name!r}: inputs of shapes {shapes} "
                                 f"differ on axis {i}; only axis {self.axis} may differ.")
        return tuple(out)

    def forward(self, inputs, training=False):
        self._sizes = [x.shape[self.axis] for x in inputs]
        return np.concatenate(inputs, axis=self.axis)

    def backward(self, grad_out):
        cuts = np.cumsum(self._sizes)[:-1]
        return np.split(grad_out, cuts, axis=self.axis)  # views of separate parts

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def concatenate(inputs, axis=-1, **kwargs):
    """``Concatenate(axis)(inputs)``, the function form Keras examples use."""
    return Concatenate(axis=axis, **kwargs)(inputs)
