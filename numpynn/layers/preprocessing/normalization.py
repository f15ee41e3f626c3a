"""``Normalization``: standardize features with a mean and variance given or learned by
``adapt(data)``."""
import numpy as np

from numpynn import backend
from numpynn.layers.base import Layer


class Normalization(Layer):
    """y = (x - mean) / max(sqrt(variance), epsilon), per entry of the kept ``axis``;
    with ``invert=True``, y = mean + x * max(sqrt(variance), epsilon).
    Backward: dL/dx = dL/dy / max(sqrt(variance), epsilon) (times it when inverted).

    Without ``mean``/``variance`` the layer has three non-trainable weights, as Keras:
    ``mean`` and ``variance`` (shape: the input's sizes on ``axis``), set by ``adapt``,
    and ``count``, the number of values each statistic was computed from.

    Args:
        axis: axis or axes that keep their own statistics (the others are reduced);
            `None` for one scalar mean and variance. Defaults to `-1` (per feature).
        mean, variance: fixed statistics (scalars or arrays broadcast over the kept
            axes), both or neither. Default `None`: learn them with ``adapt``.
        invert: undo the normalization instead. Defaults to `False`.

    Example::

        >>> layer = Normalization()
        >>> layer.adapt(np.array([[0.0, 10.0], [2.0, 30.0]]))
        >>> layer(np.array([[1.0, 20.0]]))
        array([[0., 0.]], dtype=float32)
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = () if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
        if (mean is None) != (variance is None):
            raise ValueError("Normalization needs both mean and variance or neither, got "
                             f"mean={mean!r} and variance={variance!r}.")
        if mean is not None and np.shape(mean) != np.shape(variance):
            raise ValueError(f"Normalization mean and variance must have the same shape, got "
                             f"{np.shape(mean)} and {np.shape(variance)}.")
        self.input_mean, self.input_variance = mean, variance
        self.invert = bool(invert)

    def build(self, input_shape):
        ndim = len(input_shape)
        if any(not -ndim <= a < ndim for a in self.axis):
            raise ValueError(f"Normalization axis {self.axis} is out of range for inputs of "
                             f"shape {tuple(input_shape)}.")
        keep = sorted(a % ndim for a in self.axis)
        if any(input_shape[a] is None for a in keep):
            raise ValueError(f"Normalization needs known sizes on axis {self.axis}, got input "
                             f"shape {tuple(input_shape)}.")
        self._reduce_axes = tuple(d for d in range(ndim) if d not in keep)
        self._broadcast = tuple(input_shape[d] if d in keep else 1 for d in range(ndim))
        shape = tuple(input_shape[a] for a in keep)
        if self.input_mean is None:
            self.add_weight("mean", shape, "zeros", trainable=False)
            self.add_weight("variance", shape, "ones", trainable=False)
            self.add_weight("count", (), "zeros", trainable=False)
        else:  # fixed statistics: their trailing axes are the last kept axes
            self._fixed = [self._expand(np.asarray(v, dtype=self.dtype), keep, ndim)
                           for v in (self.input_mean, self.input_variance)]

    def _expand(self, value, keep, ndim):
        shape = [1] * ndim
        for i in range(1, value.ndim + 1):
            shape[keep[-i]] = value.shape[-i]
        return np.broadcast_to(value.reshape(shape), self._broadcast)

    def adapt(self, data):
        """Set ``mean`` and ``variance`` to those of ``data`` (an array of samples) over all
        axes except ``axis``."""
        if self.input_mean is not None:
            raise ValueError("This Normalization was given mean and variance; adapt() "
                             "learns them only for a layer created without.")
        data = np.asarray(data, dtype=np.float64)
        if not self.built:
            self.build_for((None,) + data.shape[1:])
        elif data.ndim != len(self._broadcast) or any(
                b != 1 and b != s for b, s in zip(self._broadcast, data.shape)):
            raise ValueError(f"adapt() got data of shape {data.shape}; this layer was built "
                             f"for inputs of shape {self.input_shape}.")
        self.params["mean"][...] = data.mean(axis=self._reduce_axes).reshape(
            self.params["mean"].shape)
        self.params["variance"][...] = data.var(axis=self._reduce_axes).reshape(
            self.params["variance"].shape)
        self.params["count"][...] = data.size // int(np.prod(self._broadcast))

    def _statistics(self):
        if self.input_mean is not None:
            return self._fixed
        return [self.params[n].reshape(self._broadcast) for n in ("mean", "variance")]

    def forward(self, x, training=False):
        mean, variance = self._statistics()
        self._scale = np.maximum(np.sqrt(variance), x.dtype.type(backend.epsilon()))
        if self.invert:
            return mean + x * self._scale
        return (x - mean) / self._scale

    def backward(self, grad_out):
        return grad_out * self._scale if self.invert else grad_out / self._scale

    def get_config(self):
        def listed(value):
            return None if value is None else np.asarray(value).tolist()
        return {**super().get_config(), "axis": list(self.axis), "invert": self.invert,
                "mean": listed(self.input_mean), "variance": listed(self.input_variance)}
