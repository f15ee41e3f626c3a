"""Weight initializers, by name or as objects (Keras' names and formulas).

For a kernel of shape ``(fan_in, fan_out)``:
- ``glorot_uniform``: U(-l, l), l = sqrt(6 / (fan_in + fan_out))   (Glorot & Bengio, 2010)
- ``glorot_normal``: truncated N(0, s^2), s = sqrt(2 / (fan_in + fan_out))
- ``he_uniform``: U(-l, l), l = sqrt(6 / fan_in);  ``he_normal``: s = sqrt(2 / fan_in)  (He et al., 2015)
- ``lecun_uniform``: l = sqrt(3 / fan_in);  ``lecun_normal``: s = sqrt(1 / fan_in)
- ``truncated_normal``: N(mean, stddev^2) redrawn outside mean +- 2 stddev
- ``orthogonal``: gain * Q of the QR decomposition of a normal matrix (Saxe et al., 2014)
- ``identity``: gain * I (2-D only)
- ``stft``: windowed cosines or sines of a short-time Fourier transform (``STFT``)
All draw from the global generator seeded by ``numpynn.utils.set_random_seed``.
"""
import numpy as np

from numpynn import backend, registry


def _fans(shape, input_axes=None, output_axes=None):
    """(fan_in, fan_out) of a kernel: the products of the sizes of ``input_axes`` and
    ``output_axes`` where both are given, else the last axis is the output axis and the ones
    before the last two make the receptive field."""
    if input_axes is not None and output_axes is not None:
        return (int(np.prod([shape[a] for a in input_axes])),
                int(np.prod([shape[a] for a in output_axes])))
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return shape[-2] * receptive, shape[-1] * receptive


class Initializer:
    """Base class: ``init(shape, dtype) -> array``."""

    def __call__(self, shape, dtype=None):
        raise NotImplementedError

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def _generator(self):
        """The global generator, or a fresh one from this initializer's own ``seed``."""
        seed = getattr(self, "seed", None)
        return backend.rng() if seed is None else np.random.default_rng(seed)


class Zeros(Initializer):
    def __call__(self, shape, dtype=None):
        return np.zeros(shape, dtype=dtype or backend.floatx())


class Ones(Initializer):
    def __call__(self, shape, dtype=None):
        return np.ones(shape, dtype=dtype or backend.floatx())


class Constant(Initializer):
    def __init__(self, value=0.0):
        self.value = float(value)

    def __call__(self, shape, dtype=None):
        return np.full(shape, self.value, dtype=dtype or backend.floatx())

    def get_config(self):
        return {"value": self.value}


class RandomUniform(Initializer):
    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def __call__(self, shape, dtype=None):
        rng = self._generator()
        return rng.uniform(self.minval, self.maxval, size=shape).astype(dtype or backend.floatx())

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class RandomNormal(Initializer):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape, dtype=None):
        rng = self._generator()
        return rng.normal(self.mean, self.stddev, size=shape).astype(dtype or backend.floatx())

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class TruncatedNormal(Initializer):
    """N(mean, stddev^2) samples, each redrawn until it lies within two stddev of the mean."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape, dtype=None):
        values = self.mean + _truncated_normal(self._generator(), self.stddev, shape)
        return values.astype(dtype or backend.floatx())

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class Orthogonal(Initializer):
    """A random orthogonal matrix times ``gain``, for a kernel seen as a
    (prod(shape[:-1]), shape[-1]) matrix: Q of the QR decomposition of a standard normal
    (max(rows, cols), min(rows, cols)) matrix, its columns' signs made those of diag(R),
    transposed when rows < cols. Orthonormal rows or columns, whichever are fewer."""

    def __init__(self, gain=1.0, seed=None):
        self.gain, self.seed = gain, seed

    def __call__(self, shape, dtype=None):
        if len(shape) < 2:
            raise ValueError(f"Orthogonal initializes arrays of at least 2 dimensions, got "
                             f"shape {tuple(shape)}.")
        rows, cols = int(np.prod(shape[:-1])), shape[-1]
        normal = self._generator().standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(normal)
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return (self.gain * q.reshape(shape)).astype(dtype or backend.floatx())

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    """``gain`` times the identity matrix (ones on the main diagonal of a 2-D shape). Keras'
    config leaves ``gain`` out (and so loses it); numpynn's keeps it."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError(f"Identity initializes 2-D matrices only, got shape {tuple(shape)}.")
        return (self.gain * np.eye(*shape)).astype(dtype or backend.floatx())

    def get_config(self):
        return {"gain": self.gain}


#: symmetric windows of length n (scipy.signal.get_window's names); a periodic window of
#: length n is the first n values of the symmetric one of length n + 1
WINDOWS = {"hann": np.hanning, "hamming": np.hamming, "blackman": np.blackman,
           "bartlett": np.bartlett, "boxcar": np.ones}


class STFT(Initializer):
    """Kernels of a short-time Fourier transform, for a convolution over time: shape
    ``(frame_length T, channels, bins F)``, F = fft_length / 2 + 1. With N = 2 (F - 1), the
    value at time t and bin k is cos(-2 pi t k / N) (``side="real"``) or sin(-2 pi t k / N)
    (``"imag"``), times ``window[t] / s``, s = sqrt(sum window^2) (``scaling="density"``),
    sum |window| (``"spectrum"``) or 1 (`None`, or no window).

    Args:
        side: `"real"` or `"imag"`. Defaults to `"real"`.
        window: a name among ``WINDOWS`` ("hann", "hamming", "blackman", "bartlett",
            "boxcar"), the T window values, or `None`. Defaults to `"hann"`.
        scaling: `"density"`, `"spectrum"` or `None`. Defaults to `"density"`.
        periodic: a periodic rather than symmetric window. Defaults to `False`.
    """

    def __init__(self, side="real", window="hann", scaling="density", periodic=False):
        if side not in ("real", "imag"):
            raise ValueError(f"side must be 'real' or 'imag', got {side!r}.")
        if isinstance(window, str) and window not in WINDOWS:
            raise ValueError(f"Unknown window {window!r}: use one of {sorted(WINDOWS)}, or "
                             "pass the window's values as a list.")
        if scaling not in (None, "density", "spectrum"):
            raise ValueError(f"scaling must be None, 'density' or 'spectrum', got {scaling!r}.")
        self.side, self.scaling, self.periodic = side, scaling, bool(periodic)
        self.window = window if window is None or isinstance(window, str) \
            else np.asarray(window, dtype=float).tolist()

    def __call__(self, shape, dtype=None):
        if len(shape) != 3:
            raise ValueError("STFT initializes kernels of shape (frame_length, channels, bins), "
                             f"got shape {tuple(shape)}.")
        frames, _, bins = shape
        angle = -2.0 * np.pi * np.arange(frames)[:, None, None] * np.arange(bins) / (2 * (bins - 1))
        kernel = np.cos(angle) if self.side == "real" else np.sin(angle)
        if self.window is not None:
            if isinstance(self.window, str):
                window = WINDOWS[self.window](frames + self.periodic)[:frames]
            else:
                window = np.asarray(self.window, dtype=float)
            if window.shape != (frames,):
                raise ValueError(f"The window has {window.shape} values; the kernel needs "
                                 f"frame_length = {frames}.")
            scale = {"density": np.sqrt(np.sum(window ** 2)), "spectrum": np.sum(np.abs(window)),
                     None: 1.0}[self.scaling]
            kernel = kernel * window[:, None, None] / scale
        return np.broadcast_to(kernel, shape).astype(dtype or backend.floatx())

    def get_config(self):
        return {"side": self.side, "window": self.window, "periodic": self.periodic,
                "scaling": self.scaling}


class VarianceScaling(Initializer):
    """Samples with variance ``scale / n`` where n is fan_in, fan_out or their average.

    ``distribution="uniform"``: U(-l, l) with l = sqrt(3 * scale / n);
    ``"truncated_normal"`` (or ``"normal"``): N(0, s^2) cut at 2 s, s = sqrt(scale / n) /
    0.87962566; ``"untruncated_normal"``: N(0, scale / n). The fans are those of a Dense or
    convolution kernel (the last axis is the output), or the products of the sizes of
    ``input_axes`` and ``output_axes`` where both are given.
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 input_axes=None, output_axes=None):
        if not scale > 0:
            raise ValueError(f"scale must be a positive number, got {scale!r}.")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"mode must be 'fan_in', 'fan_out' or 'fan_avg', got {mode!r}.")
        distribution = {"normal": "truncated_normal"}.get(str(distribution).lower(),
                                                          str(distribution).lower())
        if distribution not in ("uniform", "truncated_normal", "untruncated_normal"):
            raise ValueError("distribution must be 'uniform', 'truncated_normal' or "
                             f"'untruncated_normal', got {distribution!r}.")
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed
        self.input_axes, self.output_axes = input_axes, output_axes

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = _fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, n)
        rng = self._generator()
        if self.distribution == "uniform":
            limit = np.sqrt(3.0 * variance)
            values = rng.uniform(-limit, limit, size=shape)
        elif self.distribution == "untruncated_normal":
            values = rng.normal(0.0, np.sqrt(variance), size=shape)
        else:
            std = np.sqrt(variance) / 0.87962566103423978  # std of N(0,1) truncated at +-2
            values = _truncated_normal(rng, std, shape)
        return values.astype(dtype or backend.floatx())

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed, "input_axes": self.input_axes,
                "output_axes": self.output_axes}


def _truncated_normal(rng, std, shape):
    """N(0, std^2) samples, redrawn until all lie within two standard deviations."""
    values = rng.normal(0.0, std, size=shape)
    outside = np.abs(values) > 2 * std
    while outside.any():
        values[outside] = rng.normal(0.0, std, size=int(outside.sum()))
        outside = np.abs(values) > 2 * std
    return values


def _scaling(scale, mode, distribution):
    class Named(VarianceScaling):
        def __init__(self, seed=None, input_axes=None, output_axes=None):
            super().__init__(scale, mode, distribution, seed, input_axes, output_axes)

        def get_config(self):
            return {"seed": self.seed, "input_axes": self.input_axes,
                    "output_axes": self.output_axes}
    return Named


class GlorotUniform(_scaling(1.0, "fan_avg", "uniform")):
    pass


class GlorotNormal(_scaling(1.0, "fan_avg", "truncated_normal")):
    pass


class HeUniform(_scaling(2.0, "fan_in", "uniform")):
    pass


class HeNormal(_scaling(2.0, "fan_in", "truncated_normal")):
    pass


class LecunUniform(_scaling(1.0, "fan_in", "uniform")):
    pass


class LecunNormal(_scaling(1.0, "fan_in", "truncated_normal")):
    pass


ALL = {
    "zeros": Zeros, "ones": Ones, "constant": Constant,
    "random_uniform": RandomUniform, "random_normal": RandomNormal,
    "truncated_normal": TruncatedNormal, "orthogonal": Orthogonal, "identity": Identity,
    "uniform": RandomUniform, "normal": RandomNormal,  # Keras' short aliases
    "variance_scaling": VarianceScaling, "stft": STFT,
    "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal,
    "he_uniform": HeUniform, "he_normal": HeNormal,
    "lecun_uniform": LecunUniform, "lecun_normal": LecunNormal,
}
ALL.update({cls.__name__: cls for cls in list(ALL.values())})
ALL.update(IdentityInitializer=Identity, OrthogonalInitializer=Orthogonal,
           STFTInitializer=STFT)

#: Keras' other spellings of the classes (``keras.initializers.glorot_uniform(seed=1)``)
(zeros, ones, constant, random_uniform, random_normal, truncated_normal, orthogonal, identity,
 variance_scaling, stft, glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_uniform,
 lecun_normal) = (Zeros, Ones, Constant, RandomUniform, RandomNormal, TruncatedNormal,
                  Orthogonal, Identity, VarianceScaling, STFT, GlorotUniform, GlorotNormal,
                  HeUniform, HeNormal, LecunUniform, LecunNormal)
IdentityInitializer, OrthogonalInitializer, STFTInitializer = Identity, Orthogonal, STFT


def get(identifier):
    """An initializer from a name (``"glorot_uniform"``), a config dict, a class or an
    instance."""
    if isinstance(identifier, Initializer) or callable(identifier) and not isinstance(identifier, type):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    return registry.deserialize(identifier, "initializer", ALL)


def serialize(initializer):
    return registry.serialize(initializer)


def deserialize(config, custom_objects=None):
    """An initializer from ``serialize``'s output or a name."""
    return registry.deserialize(config, "initializer", ALL, custom_objects)
