"""Noise layers, active only while training: ``GaussianNoise``, ``GaussianDropout`` and
``AlphaDropout`` (Klambauer et al., 2017). At inference each one returns its input."""
import math

import numpy as np

from numpynn import backend
from numpynn.layers.base import Layer


class _RandomLayer(Layer):
    """A layer that draws from its own generator when given a ``seed``, else from the
    global one set by ``numpynn.utils.set_random_seed`` (as ``Dropout``)."""

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.reset_rng()

    def reset_rng(self):
        """Restart this layer's own generator (only when it was given a seed)."""
        self._rng = None if self.seed is None else np.random.default_rng(self.seed)

    def _generator(self):
        return self._rng or backend.rng()

    @staticmethod
    def _draw_dtype(x):
        return np.float64 if x.dtype == np.float64 else np.float32

    def _normal(self, x):
        """Standard normal values shaped like the batch ``x`` (see ``backend.batch_noise``)."""
        rng, dtype = self._generator(), self._draw_dtype(x)
        return backend.batch_noise(lambda s: rng.standard_normal(s, dtype=dtype), x.shape)

    def _uniform(self, x, shape, per_sample):
        """Uniform [0, 1) values of ``shape`` for the batch ``x``; ``per_sample``: axis 0
        is the batch axis (else the values are shared by the samples)."""
        rng, dtype = self._generator(), self._draw_dtype(x)
        if per_sample:
            return backend.batch_noise(lambda s: rng.random(s, dtype=dtype), shape)
        return rng.random(shape, dtype=dtype)


def _fraction(value, name, layer):
    if not 0 <= value < 1:
        raise ValueError(f"{layer} {name} must be in [0, 1), got {value}.")
    return float(value)


class GaussianNoise(_RandomLayer):
    """While training, y = x + n with n ~ N(0, stddev^2); dL/dx = dL/dy.

    Args:
        stddev: standard deviation of the noise, in [0, 1] (as Keras).
        seed: seed of this layer's own generator; defaults to `None` (global generator).
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if not 0 <= stddev <= 1:
            raise ValueError(f"GaussianNoise stddev must be in [0, 1], got {stddev}.")
        self.stddev = float(stddev)

    def forward(self, x, training=False):
        if not training or self.stddev == 0:
            return x
        noise = self._normal(x)
        return x + (self.stddev * noise).astype(x.dtype, copy=False)

    def backward(self, grad_out):
        return grad_out

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class GaussianDropout(_RandomLayer):
    """While training, y = x * m with m ~ N(1, rate / (1 - rate)); dL/dx = dL/dy * m.

    Args:
        rate: drop probability of the equivalent dropout, in [0, 1).
        seed: seed of this layer's own generator; defaults to `None` (global generator).
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.rate = _fraction(rate, "rate", "GaussianDropout")

    def forward(self, x, training=False):
        if not training or self.rate == 0:
            self._noise = None
            return x
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        noise = self._normal(x)
        self._noise = (1.0 + stddev * noise).astype(x.dtype, copy=False)
        return x * self._noise

    def backward(self, grad_out):
        return grad_out if self._noise is None else grad_out * self._noise

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


class AlphaDropout(_RandomLayer):
    """Dropout that keeps SELU's self-normalizing mean and variance. While training, with
    m ~ Bernoulli(1 - rate), alpha' = -1.7580993408473766 (= -alpha * scale of SELU),
    a = ((1 - rate)(1 + rate alpha'^2))^(-1/2) and b = -a alpha' rate:

        y = a (x m + alpha' (1 - m)) + b,    dL/dx = dL/dy * a m

    Args:
        rate: fraction of inputs to drop, in [0, 1).
        noise_shape: shape of the mask, broadcast against the input (``None`` entries take
            the input's size); defaults to `None` (the input's shape).
        seed: seed of this layer's own generator; defaults to `None` (global generator).
    """

    ALPHA_PRIME = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.rate = _fraction(rate, "rate", "AlphaDropout")
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)

    def forward(self, x, training=False):
        if not training or self.rate == 0:
            self._kept_scale = None
            return x
        shape = x.shape if self.noise_shape is None else tuple(
            x.shape[i] if d is None else d for i, d in enumerate(self.noise_shape))
        per_sample = self.noise_shape is None or self.noise_shape[0] is None
        kept = (self._uniform(x, shape, per_sample) >= self.rate).astype(x.dtype)
        alpha_p = self.ALPHA_PRIME
        a = ((1 - self.rate) * (1 + self.rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * self.rate
        self._kept_scale = kept * x.dtype.type(a)
        return x * self._kept_scale + x.dtype.type(a * alpha_p) * (1 - kept) + x.dtype.type(b)

    def backward(self, grad_out):
        return grad_out if self._kept_scale is None else grad_out * self._kept_scale

    def get_config(self):
        return {**super().get_config(), "rate": self.rate,
                "noise_shape": None if self.noise_shape is None else list(self.noise_shape),
                "seed": self.seed}
