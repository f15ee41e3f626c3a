"""``Dot``: the dot product of two tensors sample by sample (Keras' ``batch_dot``)."""
import numpy as np

from numpynn import backend
from numpynn.layers.base import Layer

_LETTERS = "bcdefghijklmnopqrstuvwxyz"


class Dot(Layer):
    """Sum of products over one axis of each input, for every sample::

        y[n, i.., j..] = sum_k x1[n, i.., k] * x2[n, k, j..]     (axes moved into place)

    The output keeps x1's other axes, then x2's other axes; a result with no axis left
    but the batch gets shape (batch, 1). With ``normalize=True`` each input is first
    L2-normalised along its axis, u = x * min(1 / |x|, 1 / epsilon), so that y is the
    cosine similarity. Backward: dL/dx1 and dL/dx2 are the same sums with dL/dy in place of
    the other input; through the normalisation, dL/dx = (g - u * sum(g * u)) / |x|.

    Args:
        axes: the axis of each input to sum over: an integer for both, or a pair. The
            batch axis (0) cannot be one.
        normalize: whether to L2-normalise the inputs first. Defaults to `False`.

    Example::

        >>> Dot(axes=1)([np.ones((2, 3)), np.ones((2, 3))])
        array([[3.],
               [3.]], dtype=float32)
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        pair = (axes, axes) if isinstance(axes, int) else axes
        if (not isinstance(pair, (list, tuple)) or len(pair) != 2
                or not all(isinstance(a, int) and not isinstance(a, bool) for a in pair)):
            raise TypeError(f"Dot axes must be an integer or a pair of integers, got {axes!r}.")
        self.axes = axes if isinstance(axes, int) else list(axes)
        self.normalize = bool(normalize)

    def _axes(self, ranks):
        pair = (self.axes, self.axes) if isinstance(self.axes, int) else self.axes
        axes = [a % rank if a < 0 else a for a, rank in zip(pair, ranks)]
        if any(a == 0 or a >= rank for a, rank in zip(axes, ranks)):
            raise ValueError(f"Dot layer {self.name!r}: axes {self.axes} do not fit inputs of "
                             f"ranks {ranks}; pick axes from 1 to the last axis of each.")
        return axes

    def _subscripts(self, ranks):
        """einsum subscripts ``(x1, x2, y)``: batch axis ``a``, summed axis shared."""
        a1, a2 = self._axes(ranks)
        letters = iter(_LETTERS)
        x1 = ["a"] + [next(letters) for _ in range(ranks[0] - 1)]
        x2 = ["a"] + [next(letters) for _ in range(ranks[1] - 1)]
        x2[a2] = x1[a1]
        y = [c for i, c in enumerate(x1) if i != a1] + [c for i, c in enumerate(x2)
                                                       if i not in (0, a2)]
        return "".join(x1), "".join(x2), "".join(y)

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, list) or len(input_shape) != 2:
            raise ValueError("A Dot layer is called on a list of two tensors, e.g. "
                             f"Dot(axes=1)([x, y]); got input shape {input_shape}.")
        s1, s2 = (tuple(s) for s in input_shape)
        a1, a2 = self._axes([len(s1), len(s2)])
        if s1[a1] is not None and s2[a2] is not None and s1[a1] != s2[a2]:
            raise ValueError(f"Dot layer {self.name!r}: axis {a1} of the first input has size "
                             f"{s1[a1]} but axis {a2} of the second has size {s2[a2]} "
                             f"(shapes {s1} and {s2}); they must be equal.")
        out = s1[:a1] + s1[a1 + 1:] + tuple(d for i, d in enumerate(s2) if i not in (0, a2))
        return out if len(out) > 1 else out + (1,)

    def forward(self, inputs, training=False):
        x1, x2 = inputs
        self._terms = self._subscripts([x1.ndim, x2.ndim])
        if self.normalize:
            a1, a2 = self._axes([x1.ndim, x2.ndim])
            (x1, self._scale1), (x2, self._scale2) = _unit(x1, a1), _unit(x2, a2)
        self._x1, self._x2 = x1, x2
        s1, s2, sy = self._terms
        y = np.einsum(f"{s1},{s2}->{sy}", x1, x2)
        return y if y.ndim > 1 else y[:, None]

    def backward(self, grad_out):
        s1, s2, sy = self._terms
        grad = grad_out.reshape(grad_out.shape[:1]) if len(sy) == 1 else grad_out
        g1 = np.einsum(f"{sy},{s2}->{s1}", grad, self._x2)
        g2 = np.einsum(f"{sy},{s1}->{s2}", grad, self._x1)
        if self.normalize:
            a1, a2 = self._axes([self._x1.ndim, self._x2.ndim])
            g1 = _unit_backward(g1, self._x1, self._scale1, a1)
            g2 = _unit_backward(g2, self._x2, self._scale2, a2)
        return [g1, g2]

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def _unit(x, axis):
    """``(u, scale)``: u = x * scale, scale = min(1 / |x|, 1 / epsilon) along ``axis``."""
    with np.errstate(divide="ignore"):
        scale = 1.0 / np.sqrt(np.sum(x * x, axis=axis, keepdims=True))
    scale = np.minimum(scale, 1.0 / backend.epsilon()).astype(x.dtype, copy=False)
    return x * scale, scale


def _unit_backward(grad_u, u, scale, axis):
    """dL/dx = scale * (g - u * sum(g * u)) where the norm counts, scale * g where the
    scale is capped at 1 / epsilon (a constant there)."""
    capped = scale >= 1.0 / backend.epsilon()
    along = np.sum(grad_u * u, axis=axis, keepdims=True)
    return scale * (grad_u - np.where(capped, 0.0, u * along))


def dot(inputs, axes=-1, normalize=False, **kwargs):
    """``Dot(axes, normalize)(inputs)``, the function form Keras examples use."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
