"""Activations over a whole axis: softmax, log_softmax, sparsemax, glu. Their Jacobians are
not diagonal, so each defines ``backward`` as the vector-Jacobian product."""
import numpy as np

from numpynn.activations.base import ActivationFunction
from numpynn.activations.sigmoids import logistic

#: Up to this many columns a 2-D softmax reduces its transposed copy along the first axis.
FEW_COLUMNS = 64


def reduce_rows(ufunc, x, axis):
    """``ufunc.reduce(x, axis, keepdims=True)``. NumPy reduces a short, contiguous last axis
    slowly, one row at a time (the max of 1024 x 10 float32: about 80 us); for a 2-D x of at
    most ``FEW_COLUMNS`` columns (a softmax over classes) it reduces ``x.T`` as a contiguous
    array along its first axis instead, whole rows of it at a time (about 7 us, the copy
    included; no copy where x is already the transpose of a contiguous array)."""
    if x.ndim == 2 and axis in (1, -1) and x.shape[1] <= FEW_COLUMNS:
        return ufunc.reduce(np.ascontiguousarray(x.T), axis=0)[:, None]
    return ufunc.reduce(x, axis=axis, keepdims=True)


class AxisActivation(ActivationFunction):
    """An activation along ``axis`` (defaults to `-1`): no elementwise derivative."""

    def __init__(self, axis=-1):
        self.axis = int(axis)

    def derivative(self, x):
        raise TypeError(f"{self.name} has no elementwise derivative: each output depends on "
                        "the whole axis. Use backward(grad, x, y) for backpropagation.")

    def get_config(self):
        return {"axis": self.axis}


class Softmax(AxisActivation):
    """y_i = e^{x_i} / sum_j e^{x_j} along ``axis`` (computed as e^{x - max x}: no overflow).

    Backward (vector-Jacobian product): dL/dx = y * (g - sum_j g_j y_j).
    """
    name = "softmax"

    def forward(self, x):
        return self._exp_normalised(x - reduce_rows(np.maximum, x, self.axis))

    def forward_inplace(self, x):
        if x.dtype.kind != "f":
            return self.forward(x)
        x -= reduce_rows(np.maximum, x, self.axis)
        return self._exp_normalised(x)

    def _exp_normalised(self, shifted):
        """e^s / sum e^s for s = x - max x, in s's memory."""
        np.exp(shifted, out=shifted)
        shifted /= reduce_rows(np.add, shifted, self.axis)
        return shifted

    def backward(self, grad, x, y):
        grad -= reduce_rows(np.add, grad * y, self.axis)
        grad *= y
        return grad


class LogSoftmax(AxisActivation):
    """y = x - log sum_j e^{x_j} along ``axis`` (as x - m - log sum e^{x - m}, m = max x).

    Backward: dL/dx = g - e^y sum_j g_j  (e^y is the softmax).
    """
    name = "log_softmax"

    def forward(self, x):
        shifted = x - np.max(x, axis=self.axis, keepdims=True)
        return shifted - np.log(np.sum(np.exp(shifted), axis=self.axis, keepdims=True))

    def backward(self, grad, x, y):
        grad -= np.exp(y) * np.sum(grad, axis=self.axis, keepdims=True)
        return grad


class Sparsemax(AxisActivation):
    """The Euclidean projection of x onto the probability simplex along ``axis``
    (Martins & Astudillo, 2016): y = max(x - tau, 0), with tau such that sum y = 1.

    With z sorted in decreasing order, the support is the first k entries where
    1 + i z_i > z_1 + ... + z_i, and tau = (z_1 + ... + z_k - 1) / k.
    Backward: dL/dx_i = g_i - mean of g over the support, for i in the support; else 0.

    Keras 3.15's sparsemax takes tau from the sum of the cumulative sums over the support,
    which gives outputs that do not sum to 1 when the support has more than one entry
    (keras-team/keras#23425, fixed upstream by #23469); this is the paper's formula.
    """
    name = "sparsemax"

    def forward(self, x):
        axis = self.axis
        z = -np.sort(-x, axis=axis)
        positions = np.arange(1, x.shape[axis] + 1).reshape(
            [-1 if i == axis % x.ndim else 1 for i in range(x.ndim)])
        support = z - (np.cumsum(z, axis=axis) - 1) / positions > 0
        k = np.sum(support, axis=axis, keepdims=True)
        tau = (np.sum(np.where(support, z, 0), axis=axis, keepdims=True) - 1) / k
        return np.maximum(x - tau, 0).astype(np.result_type(x, np.float32), copy=False)

    def backward(self, grad, x, y):
        support = y > 0
        mean = (np.sum(grad * support, axis=self.axis, keepdims=True)
                / np.sum(support, axis=self.axis, keepdims=True))
        grad -= mean
        grad *= support
        return grad


class GLU(AxisActivation):
    """Gated linear unit (Dauphin et al., 2017): x = [a, b] split in halves along ``axis``,
    y = a * sigmoid(b), so the axis halves: (..., 2n) -> (..., n).

    Backward: dL/da = g s, dL/db = g a s (1 - s) with s = sigmoid(b); joined back to 2n.
    """
    name = "glu"
    needs_input = True

    def _halves(self, x):
        if x.shape[self.axis] % 2:
            raise ValueError(f"glu splits axis {self.axis} in two halves: its size must be "
                             f"even, got shape {x.shape}.")
        return np.split(x, 2, axis=self.axis)

    def forward(self, x):
        a, b = self._halves(x)
        return a * logistic(b)

    def backward(self, grad, x, y):
        a, b = self._halves(x)
        s = logistic(b)
        return np.concatenate([grad * s, grad * a * s * (1.0 - s)], axis=self.axis)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        size = shape[self.axis]
        if size is not None:
            if size % 2:
                raise ValueError(f"glu splits axis {self.axis} in two halves: its size must "
                                 f"be even, got input shape {tuple(input_shape)}.")
            shape[self.axis] = size // 2
        return tuple(shape)
