"""``RandomContrast``, ``RandomBrightness`` and ``Grayscale``: changes of pixel values that
keep each pixel in place."""
import numpy as np

from numpynn.layers.preprocessing.image_layer import ImageLayer, RandomImageLayer, factor_range

#: ITU-R 601 luma weights of R, G and B, as tf.image.rgb_to_grayscale.
LUMA_WEIGHTS = (0.2989, 0.5870, 0.1140)


def _value_range(value_range, owner):
    if not isinstance(value_range, (list, tuple)) or len(value_range) != 2:
        raise ValueError(f"{owner} value_range must be a pair (min, max) of the pixel values, "
                         f"e.g. (0, 255) or (0, 1); got {value_range!r}.")
    low, high = sorted(float(v) for v in value_range)
    return low, high


class _ClippedAdjustment(RandomImageLayer):
    """A random per-image change, clipped to ``value_range``, active only while training."""

    def __init__(self, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.value_range = _value_range(value_range, type(self).__name__)

    def _clip(self, values):
        """``values`` clipped to the value range, and where they were inside it."""
        inside = (values > self.value_range[0]) & (values < self.value_range[1])
        return np.clip(values, *self.value_range), inside

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor),
                "value_range": list(self.value_range)}


class RandomContrast(_ClippedAdjustment):
    """While training, y = clip((x - m) * c + m) per image and channel, m the channel's
    mean over the image and c ~ U[1 - lower, 1 + upper] per image; clip to
    ``value_range``. Identity in inference. Backward: with g the gradient where y was not
    clipped, dL/dx = c g + (1 - c) mean(g) (the mean over the image).

    Args:
        factor: f in [0, 1] gives c in [1 - f, 1 + f]; a pair (lower, upper) gives
            [1 - lower, 1 + upper] (Keras' documented meaning).
        value_range: (min, max) of the pixel values. Defaults to `(0, 255)`.
        seed: seed of this layer's own generator; defaults to `None` (global generator).
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(value_range, seed, **kwargs)
        pair = factor if isinstance(factor, (list, tuple)) else (factor, factor)
        self.factor = factor_range(pair, "factor", "RandomContrast", bounds=(0.0, 1.0))

    def forward_batch(self, images, training):
        if not training:
            self._state = None
            return images
        lower, upper = self.factor
        contrast = self._uniform(1 - lower, 1 + upper, len(images)).astype(
            images.dtype).reshape(-1, 1, 1, 1)
        mean = images.mean(axis=(1, 2), keepdims=True)
        out, inside = self._clip((images - mean) * contrast + mean)
        self._state = contrast, inside
        return out

    def backward_batch(self, grad):
        if self._state is None:
            return grad
        contrast, inside = self._state
        grad = grad * inside
        return contrast * grad + (1 - contrast) * grad.mean(axis=(1, 2), keepdims=True)


class RandomBrightness(_ClippedAdjustment):
    """While training, y = clip(x + d) with d ~ U[lower, upper] * (max - min) of
    ``value_range`` per image; identity in inference. Backward: dL/dx = dL/dy where y was
    not clipped, else 0.

    Args:
        factor: f in [-1, 1] gives d in [-|f|, |f|] of the value range; a pair (lower,
            upper) gives [lower, upper].
        value_range: (min, max) of the pixel values. Defaults to `(0, 255)`.
        seed: seed of this layer's own generator; defaults to `None` (global generator).
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(value_range, seed, **kwargs)
        self.factor = factor_range(factor, "factor", "RandomBrightness")

    def forward_batch(self, images, training):
        if not training:
            self._inside = None
            return images
        low, high = self.value_range
        delta = self._uniform(*self.factor, len(images)) * (high - low)
        out, inside = self._clip(images + delta.astype(images.dtype).reshape(-1, 1, 1, 1))
        self._inside = inside
        return out

    def backward_batch(self, grad):
        return grad if self._inside is None else grad * self._inside


class Grayscale(ImageLayer):
    """RGB to gray, y = 0.2989 R + 0.5870 G + 0.1140 B (``tf.image.rgb_to_grayscale``), in
    training and inference; one-channel images pass unchanged. Not a Keras layer: Keras 3
    has the function ``keras.ops.image.rgb_to_grayscale`` and ``RandomGrayscale``.
    Backward: dL/dRGB = (sum of dL/dy over the output channels) * the weights.

    Args:
        num_output_channels: 1, or 3 for the gray value repeated in R, G and B (so a model
            built for colour images takes it). Defaults to `1`.
        data_format: `None` or ``"channels_last"``.
    """

    def __init__(self, num_output_channels=1, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if num_output_channels not in (1, 3):
            raise ValueError(f"Grayscale num_output_channels must be 1 or 3, got "
                             f"{num_output_channels!r}.")
        self.num_output_channels = num_output_channels

    def forward_batch(self, images, training):
        channels = images.shape[-1]
        if channels not in (1, 3):
            raise ValueError(f"Grayscale expects 1 (gray) or 3 (RGB) channels, got images of "
                             f"shape {images.shape}; drop an alpha channel with x[..., :3].")
        gray = images if channels == 1 else images @ np.asarray(
            LUMA_WEIGHTS, dtype=images.dtype)[:, None]
        self._channels = channels
        return np.repeat(gray, self.num_output_channels, axis=-1)

    def backward_batch(self, grad):
        grad = grad.sum(axis=-1, keepdims=True)
        if self._channels == 1:
            return grad
        return grad * np.asarray(LUMA_WEIGHTS, dtype=grad.dtype)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.num_output_channels,)

    def get_config(self):
        return {**super().get_config(), "num_output_channels": self.num_output_channels}
