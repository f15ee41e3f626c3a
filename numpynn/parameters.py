"""One contiguous buffer for all parameters of a model, and one for their gradients.

Each layer's weights (``kernel``, ``bias``, ...) are *views* into ``ParameterBuffer.values``
and its gradients are views into ``ParameterBuffer.grads``, so an optimizer updates every
parameter of the model with a few vectorised in-place operations on two flat arrays::

    values: [ dense.kernel | dense.bias | dense_1.kernel | dense_1.bias ]
    grads:  [ d kernel     | d bias     | d kernel       | d bias       ]
"""
import numpy as np


class ParameterBuffer:
    """Flat ``values`` and ``grads`` arrays of one dtype, and the named views into them.

    Args:
        arrays: list of ``(name, array)`` with the initial values, in order.
        dtype: float type of both buffers.
    """

    def __init__(self, arrays, dtype):
        self.dtype = np.dtype(dtype)
        self.names = [name for name, _ in arrays]
        self.shapes = [tuple(a.shape) for _, a in arrays]
        sizes = [int(np.prod(s)) for s in self.shapes]
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
        self.size = int(self.offsets[-1])
        self.values = np.empty(self.size, dtype=self.dtype)
        self.grads = np.zeros(self.size, dtype=self.dtype)
        self.value_views = [self._view(self.values, i) for i in range(len(sizes))]
        self.grad_views = [self._view(self.grads, i) for i in range(len(sizes))]
        for view, (_, array) in zip(self.value_views, arrays):
            view[...] = array

    def _view(self, flat, i):
        return flat[self.offsets[i]:self.offsets[i + 1]].reshape(self.shapes[i])
