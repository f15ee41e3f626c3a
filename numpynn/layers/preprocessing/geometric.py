"""``RandomRotation``, ``RandomZoom`` and ``RandomTranslation``: random affine warps of each
image while training (identity in inference), through the shared sampler in
``affine_sampler``. Angles are fractions of a full turn (2 pi), zooms and shifts fractions of
the image's size, as in Keras."""
import math

from numpynn.layers.preprocessing import affine_sampler
from numpynn.layers.preprocessing.image_layer import RandomImageLayer, factor_range


class AffineImageLayer(RandomImageLayer):
    """A random warp per image; a subclass writes ``matrices(batch, height, width)``, the
    (batch, 3, 3) output -> input matrices of one batch.

    Args:
        fill_mode: how points outside the image are read: ``"reflect"``, ``"wrap"``,
            ``"constant"`` or ``"nearest"``. Defaults to `"reflect"`.
        interpolation: ``"bilinear"`` or ``"nearest"``. Defaults to `"bilinear"`.
        seed: seed of this layer's own generator; defaults to `None` (global generator).
        fill_value: the value outside the image with ``fill_mode="constant"``. Defaults to
            `0.0`.
        data_format: `None` or ``"channels_last"``.
    """

    def __init__(self, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        affine_sampler.check_options(fill_mode, interpolation, type(self).__name__)
        self.fill_mode, self.interpolation = fill_mode, interpolation
        self.fill_value = float(fill_value)

    def forward_batch(self, images, training):
        if not training:
            self._warp = None
            return images
        batch, height, width = images.shape[:3]
        transforms = affine_sampler.to_transforms(self.matrices(batch, height, width))
        warp = affine_sampler.Warp(images.shape, transforms, self.interpolation,
                                   self.fill_mode, self.fill_value)
        self._warp = warp
        return warp.apply(images)

    def backward_batch(self, grad):
        return grad if self._warp is None else self._warp.backward(grad)

    def matrices(self, batch, height, width):
        raise NotImplementedError

    def get_config(self):
        return {**super().get_config(), "fill_mode": self.fill_mode,
                "interpolation": self.interpolation, "fill_value": self.fill_value}


class RandomRotation(AffineImageLayer):
    """While training, rotates each image about its centre by a random angle drawn from
    U[lower, upper] * 2 pi (positive: counter-clockwise). Backward: each output pixel's
    gradient goes back to the input pixels it was read from, with the same weights.

    Args:
        factor: a fraction of a full turn: f gives angles in [-f, f] * 2 pi, a pair
            (lower, upper) in [lower, upper] * 2 pi; e.g. 0.1 rotates by up to 36 degrees.
        fill_mode, interpolation, seed, fill_value, data_format: see ``AffineImageLayer``.
    """

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.factor = factor_range(factor, "factor", "RandomRotation")

    def matrices(self, batch, height, width):
        angle = self._uniform(*self.factor, batch) * 2 * math.pi
        return affine_sampler.about_center(affine_sampler.rotation(angle), height, width)

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor)}


class RandomZoom(AffineImageLayer):
    """While training, zooms each image about its centre: the output shows the input
    scaled by 1 / z, z = 1 + U[lower, upper] per axis (z > 1, a positive factor, zooms
    out; z < 1 zooms in). Backward: as ``RandomRotation``.

    Args:
        height_factor: f gives z in [1 - f, 1 + f]; a pair (lower, upper) gives
            [1 + lower, 1 + upper]; each in (-1, 1].
        width_factor: the same for the width; `None` (default) zooms both axes by the
            height's z, keeping the aspect ratio.
        fill_mode, interpolation, seed, fill_value, data_format: see ``AffineImageLayer``.
    """

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.height_factor = factor_range(height_factor, "height_factor", "RandomZoom",
                                          low_open=True)
        self.width_factor = None if width_factor is None else factor_range(
            width_factor, "width_factor", "RandomZoom", low_open=True)

    def matrices(self, batch, height, width):
        zoom_y = 1 + self._uniform(*self.height_factor, batch)
        zoom_x = zoom_y if self.width_factor is None else 1 + self._uniform(
            *self.width_factor, batch)
        return affine_sampler.about_center(affine_sampler.scaling(zoom_x, zoom_y),
                                           height, width)

    def get_config(self):
        return {**super().get_config(), "height_factor": list(self.height_factor),
                "width_factor": None if self.width_factor is None else list(self.width_factor)}


class RandomTranslation(AffineImageLayer):
    """While training, shifts each image by U[lower, upper] * height rows down and
    U[lower, upper] * width columns right (negative: up, left). Backward: as
    ``RandomRotation``.

    Args:
        height_factor: f gives shifts in [-f, f] * height; a pair (lower, upper) in
            [lower, upper] * height; each in [-1, 1].
        width_factor: the same for the width.
        fill_mode, interpolation, seed, fill_value, data_format: see ``AffineImageLayer``.
    """

    def __init__(self, height_factor, width_factor, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.height_factor = factor_range(height_factor, "height_factor", "RandomTranslation")
        self.width_factor = factor_range(width_factor, "width_factor", "RandomTranslation")

    def matrices(self, batch, height, width):
        down = self._uniform(*self.height_factor, batch) * height
        right = self._uniform(*self.width_factor, batch) * width
        return affine_sampler.shift(-right, -down)

    def get_config(self):
        return {**super().get_config(), "height_factor": list(self.height_factor),
                "width_factor": list(self.width_factor)}
