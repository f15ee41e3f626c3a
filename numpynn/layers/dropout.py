"""``Dropout``: randomly zero a fraction of inputs while training (Srivastava et al., 2014)."""
import numpy as np

from numpynn import backend
from numpynn.layers import layer_arguments
from numpynn.layers.base import Layer


class Dropout(Layer):
    """Inverted dropout: while training, y = x * m / (1 - rate) with m ~ Bernoulli(1 - rate);
    at inference y = x. Backward: dL/dx = dL/dy * m / (1 - rate).

    Args:
        rate: fraction of inputs to drop, in [0, 1).
        noise_shape: shape of the mask, broadcast against the input (``None`` entries take
            the input's size); defaults to `None` (the input's shape).
        seed: seed of this layer's own generator; defaults to `None`, which draws from
            the global generator set by ``numpynn.utils.set_random_seed``.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not layer_arguments.is_number(rate) or not 0 <= rate < 1:
            raise ValueError(f"Dropout rate must be in [0, 1), got {rate!r}.")
        if noise_shape is not None and (not isinstance(noise_shape, (tuple, list)) or not all(
                d is None or layer_arguments.is_whole(d) and d >= 1 for d in noise_shape)):
            raise ValueError("Dropout noise_shape must be None or a tuple of positive ints and "
                             f"Nones (the input's size), got {noise_shape!r}.")
        if seed is not None and not (layer_arguments.is_whole(seed) and seed >= 0):
            raise ValueError(f"Dropout seed must be None or an integer >= 0, got {seed!r}.")
        self.rate = float(rate)
        self.noise_shape = None if noise_shape is None else tuple(
            None if d is None else int(d) for d in noise_shape)
        self.seed = None if seed is None else int(seed)
        self.reset_rng()

    def reset_rng(self):
        """Restart this layer's own generator (only when it was given a seed)."""
        self._rng = None if self.seed is None else np.random.default_rng(self.seed)

    def forward(self, x, training=False):
        if not training or self.rate == 0:
            self._mask = None
            return x
        shape = x.shape if self.noise_shape is None else tuple(
            x.shape[i] if d is None else d for i, d in enumerate(self.noise_shape))
        rng = self._rng or backend.rng()
        dtype = np.float64 if x.dtype == np.float64 else np.float32
        if self.noise_shape is None or self.noise_shape[0] is None:  # one draw per sample
            keep = backend.batch_noise(lambda s: rng.random(s, dtype=dtype), shape)
        else:
            keep = rng.random(shape, dtype=dtype)
        # the mask m / (1 - rate), made in the array of draws: no temporaries
        mask = np.greater_equal(keep, self.rate, out=keep, casting="unsafe")
        mask /= mask.dtype.type(1.0 - self.rate)
        self._mask = mask if mask.dtype == x.dtype else mask.astype(x.dtype)
        return x * self._mask

    def backward(self, grad_out):
        if self._mask is None:
            return grad_out
        return grad_out * self._mask

    def get_config(self):
        return {**super().get_config(), "rate": self.rate,
                "noise_shape": None if self.noise_shape is None else list(self.noise_shape),
                "seed": self.seed}
