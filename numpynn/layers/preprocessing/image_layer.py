"""``ImageLayer``: the base of the image preprocessing and augmentation layers.

They take a batch of images (batch, height, width, channels) or one image (height, width,
channels), have no weights, and draw their random choices from their own generator when
given a ``seed`` (so the same seed gives the same augmentations), else from the global one
set by ``numpynn.utils.set_random_seed``.
"""
import numpy as np

from numpynn import backend
from numpynn.layers import layer_arguments
from numpynn.layers.base import Layer


class ImageLayer(Layer):
    """Base class: batch handling and ``data_format`` (``"channels_last"`` only).

    A subclass writes ``forward_batch(images, training)`` and ``backward_batch(grad)`` for
    4-D arrays; ``forward``/``backward`` add and remove the batch axis of a single image.
    ``forward_batch`` computes from local values and keeps what ``backward_batch`` needs
    only at its end, so threads of a parallel ``Dataset.map`` may call one layer at once.
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = layer_arguments.data_format(data_format, type(self).__name__)

    def forward(self, x, training=False):
        if x.ndim not in (3, 4):
            raise ValueError(f"{type(self).__name__} expects images of shape (batch, height, "
                             f"width, channels) or (height, width, channels), got an input of "
                             f"shape {x.shape}.")
        single = x.ndim == 3
        out = self.forward_batch(x[None] if single else x, training)
        self._single = single
        return out[0] if single else out

    def backward(self, grad_out):
        grad = self.backward_batch(grad_out[None] if self._single else grad_out)
        return grad[0] if self._single else grad

    def forward_batch(self, images, training):
        raise NotImplementedError

    def backward_batch(self, grad):
        raise NotImplementedError

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class RandomImageLayer(ImageLayer):
    """An ``ImageLayer`` that draws random choices while training (identity in inference
    unless the subclass says otherwise), from its own generator when given a ``seed``."""

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        if seed is not None and (not isinstance(seed, (int, np.integer)) or seed < 0):
            raise ValueError(f"{type(self).__name__} seed must be a non-negative integer or "
                             f"None, got {seed!r}.")
        self.seed = None if seed is None else int(seed)
        self.reset_rng()

    def reset_rng(self):
        """Restart this layer's own generator (only when it was given a seed)."""
        self._rng = None if self.seed is None else np.random.default_rng(self.seed)

    def _generator(self):
        return self._rng or backend.rng()

    def _uniform(self, low, high, size):
        """One draw per image of a batch of ``size`` from U[low, high) (exactly ``low``
        when low == high); see ``backend.batch_noise``."""
        if high <= low:
            return np.full(size, low)
        generator = self._generator()
        return backend.batch_noise(lambda shape: generator.uniform(low, high, shape), (size,))

    def _integers(self, low, high, size):
        """One draw per image of a batch of ``size`` from {low, ..., high - 1}."""
        generator = self._generator()
        return backend.batch_noise(lambda shape: generator.integers(low, high, shape), (size,))

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


def factor_range(factor, name, owner, bounds=(-1.0, 1.0), low_open=False):
    """``(lower, upper)`` from a number f (-> (-|f|, |f|)) or a pair, each inside ``bounds``
    (the lower bound excluded with ``low_open``), as Keras' image layers read factors."""
    if isinstance(factor, (list, tuple)) and len(factor) == 2:
        pair = sorted(float(f) for f in factor)
    elif isinstance(factor, (int, float, np.number)) and not isinstance(factor, bool):
        pair = [-abs(float(factor)), abs(float(factor))]
    else:
        raise ValueError(f"{owner} {name} must be a number or a pair (lower, upper), got "
                         f"{factor!r}.")
    low, high = bounds
    if any(f > high or f < low or (low_open and f == low) for f in pair):
        side = "(" if low_open else "["
        raise ValueError(f"{owner} {name} must lie in {side}{low}, {high}], got {factor!r}.")
    return tuple(pair)
