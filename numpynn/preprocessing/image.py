"""``ImageDataGenerator``: tf.keras' augmenting image generator, drawing a random affine
transform, flips and colour changes per image and applying them to a whole batch at once
with the sampler of the augmentation layers (``layers.preprocessing.affine_sampler``).

Geometry as tf.keras: ``rotation_range`` and ``shear_range`` in degrees, shifts as fractions
of the size (< 1) or pixels (>= 1), zooms as factors 1 +- ``zoom_range``, all about the image
centre; ``fill_mode`` ``"nearest"`` (default), ``"reflect"``, ``"wrap"`` or ``"constant"``
(with ``cval``). Two differences from tf.keras, both where tf.keras mixes up its axes:
``height_shift_range`` shifts rows and ``width_shift_range`` columns (tf.keras 2.9+ swapped
them), and non-square images turn about their true centre.
"""
import math
import warnings

import numpy as np

from numpynn import backend
from numpynn.data.image_files import array_to_img, img_to_array, load_img, save_img
from numpynn.layers.preprocessing import affine_sampler
from numpynn.preprocessing.image_iterators import DirectoryIterator, NumpyArrayIterator

__all__ = ["DirectoryIterator", "ImageDataGenerator", "NumpyArrayIterator", "array_to_img",
           "img_to_array", "load_img", "save_img"]


def _shift_range(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float, list, tuple, np.ndarray)):
        raise ValueError(f"{name} must be a float, an int or a list of pixel shifts, got "
                         f"{value!r}.")
    return value


def _draw_shifts(rng, shift_range, size, n):
    """tf.keras' shifts: U(-r, r) for a float r (times ``size`` when r < 1), a random
    element of ``range(r)`` (an int) or of the list, with a random sign."""
    if not np.any(shift_range):
        return np.zeros(n)
    if isinstance(shift_range, (float, np.floating)):
        shifts = rng.uniform(-shift_range, shift_range, n)
    else:
        choices = np.arange(shift_range) if np.ndim(shift_range) == 0 else np.asarray(
            shift_range, dtype=np.float64)
        shifts = rng.choice(choices, n) * rng.choice([-1, 1], n)
    return shifts * size if np.max(shift_range) < 1 else shifts


class ImageDataGenerator:
    """Batches of augmented images from arrays (``flow``) or folders
    (``flow_from_directory``), as tf.keras' ``ImageDataGenerator``.

    Args:
        featurewise_center, featurewise_std_normalization: subtract the per-channel mean and
            divide by the standard deviation of the data given to ``fit``.
        samplewise_center, samplewise_std_normalization: the same with each image's own.
        zca_whitening, zca_epsilon: ZCA whitening fitted by ``fit``.
        rotation_range: degrees; rotations drawn from U(-r, r). Defaults to `0`.
        width_shift_range, height_shift_range: horizontal and vertical shifts (see the
            module's docstring). Default `0.0`.
        brightness_range: (low, high): pixel values times U(low, high), clipped to 0-255.
        shear_range: degrees; shear angles drawn from U(-s, s).
        zoom_range: z or (low, high): the output shows the input scaled by 1 / U(low, high)
            (a float z gives [1 - z, 1 + z]), each axis drawn separately.
        channel_shift_range: add U(-r, r) to every channel, clipped to the image's range.
        fill_mode: ``"nearest"`` (default), ``"reflect"``, ``"wrap"`` or ``"constant"``.
        cval: the value outside the image with ``fill_mode="constant"``. Defaults to `0.0`.
        horizontal_flip, vertical_flip: flip half of the images left-right / upside down.
        rescale: multiply the (augmented) pixel values by this, e.g. ``1 / 255``.
        preprocessing_function: called on each image (rank 3) after augmentation, before
            the rescaling.
        data_format: `None` or ``"channels_last"``.
        validation_split: fraction of the data that ``subset="validation"`` takes (the first
            part); ``subset="training"`` takes the rest.
        interpolation_order: 1 (bilinear, default) or 0 (nearest).
        dtype: float type of the batches; defaults to floatx.
    """

    def __init__(self, featurewise_center=False, samplewise_center=False,
                 featurewise_std_normalization=False, samplewise_std_normalization=False,
                 zca_whitening=False, zca_epsilon=1e-6, rotation_range=0, width_shift_range=0.0,
                 height_shift_range=0.0, brightness_range=None, shear_range=0.0, zoom_range=0.0,
                 channel_shift_range=0.0, fill_mode="nearest", cval=0.0, horizontal_flip=False,
                 vertical_flip=False, rescale=None, preprocessing_function=None,
                 data_format=None, validation_split=0.0, interpolation_order=1, dtype=None):
        if data_format not in (None, "channels_last"):
            raise ValueError(f"ImageDataGenerator works on channels_last images; got "
                             f"data_format={data_format!r}.")
        if interpolation_order not in (0, 1):
            raise ValueError(f"interpolation_order must be 0 (nearest) or 1 (bilinear), got "
                             f"{interpolation_order!r}.")
        affine_sampler.check_options(fill_mode, "bilinear", "ImageDataGenerator")
        if validation_split and not 0 < validation_split < 1:
            raise ValueError(f"validation_split must be strictly between 0 and 1, got "
                             f"{validation_split}.")
        if isinstance(zoom_range, (int, float)):
            zoom_range = (1 - zoom_range, 1 + zoom_range)
        elif not (isinstance(zoom_range, (list, tuple)) and len(zoom_range) == 2):
            raise ValueError(f"zoom_range must be a float or a pair (low, high), got "
                             f"{zoom_range!r}.")
        if brightness_range is not None and not (isinstance(brightness_range, (list, tuple))
                                                 and len(brightness_range) == 2):
            raise ValueError(f"brightness_range must be a pair (low, high), got "
                             f"{brightness_range!r}.")
        self.featurewise_center = featurewise_center or featurewise_std_normalization or (
            zca_whitening)
        self.featurewise_std_normalization = featurewise_std_normalization and not zca_whitening
        self.samplewise_center = samplewise_center or samplewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening, self.zca_epsilon = zca_whitening, zca_epsilon
        self.rotation_range, self.shear_range = rotation_range, shear_range
        self.width_shift_range = _shift_range(width_shift_range, "width_shift_range")
        self.height_shift_range = _shift_range(height_shift_range, "height_shift_range")
        self.zoom_range = [float(zoom_range[0]), float(zoom_range[1])]
        self.brightness_range, self.channel_shift_range = brightness_range, channel_shift_range
        self.fill_mode, self.cval = fill_mode, cval
        self.horizontal_flip, self.vertical_flip = horizontal_flip, vertical_flip
        self.rescale, self.preprocessing_function = rescale, preprocessing_function
        self.interpolation_order = interpolation_order
        self.dtype = dtype or backend.floatx()
        self._validation_split = validation_split
        self.mean = self.std = self.zca_whitening_matrix = None

    # -- iterators ---------------------------------------------------------------------------
    def flow(self, x, y=None, batch_size=32, shuffle=True, sample_weight=None, seed=None,
             save_to_dir=None, save_prefix="", save_format="png", ignore_class_split=False,
             subset=None):
        """A ``NumpyArrayIterator``: augmented batches ``(x, y)`` (or ``x``, or
        ``(x, y, sample_weight)``) of the images ``x`` (n, height, width, channels)."""
        return NumpyArrayIterator(x, y, self, batch_size, shuffle, sample_weight, seed,
                                  save_to_dir, save_prefix, save_format, subset,
                                  ignore_class_split, self.dtype)

    def flow_from_directory(self, directory, target_size=(256, 256), color_mode="rgb",
                            classes=None, class_mode="categorical", batch_size=32, shuffle=True,
                            seed=None, save_to_dir=None, save_prefix="", save_format="png",
                            follow_links=False, subset=None, interpolation="nearest",
                            keep_aspect_ratio=False):
        """A ``DirectoryIterator``: augmented batches of the images in ``directory``'s class
        subfolders, resized to ``target_size`` with Pillow's ``interpolation``."""
        return DirectoryIterator(directory, self, target_size, color_mode, classes, class_mode,
                                 batch_size, shuffle, seed, save_to_dir, save_prefix,
                                 save_format, follow_links, subset, interpolation,
                                 keep_aspect_ratio, self.dtype)

    # -- random transforms -------------------------------------------------------------------
    def random_parameters(self, rng, n, height, width):
        """The random choices for ``n`` images, as arrays under tf.keras' names: ``theta``,
        ``shear`` (degrees), ``tx``/``ty`` (vertical/horizontal shift, pixels), ``zx``/``zy``,
        ``flip_horizontal``/``flip_vertical``, ``channel_shift_intensity``, ``brightness``."""
        low, high = self.zoom_range
        zooms = rng.uniform(low, high, (2, n)) if (low, high) != (1, 1) else np.ones((2, n))
        return {
            "theta": rng.uniform(-self.rotation_range, self.rotation_range, n),
            "tx": _draw_shifts(rng, self.height_shift_range, height, n),
            "ty": _draw_shifts(rng, self.width_shift_range, width, n),
            "shear": rng.uniform(-self.shear_range, self.shear_range, n),
            "zx": zooms[0], "zy": zooms[1],
            "flip_horizontal": (rng.random(n) < 0.5) & bool(self.horizontal_flip),
            "flip_vertical": (rng.random(n) < 0.5) & bool(self.vertical_flip),
            "channel_shift_intensity": rng.uniform(-self.channel_shift_range,
                                                   self.channel_shift_range, n),
            "brightness": None if self.brightness_range is None else rng.uniform(
                *self.brightness_range, n)}

    def transform_batch(self, images, params):
        """Apply ``random_parameters``' choices to ``images`` (n, height, width, channels)."""
        images = np.asarray(images, dtype=self.dtype)
        n, height, width = images.shape[:3]

        def get(key, default):
            value = params.get(key)
            return np.broadcast_to(np.asarray(default if value is None else value,
                                              dtype=np.float64), (n,))
        theta, shear = np.deg2rad(get("theta", 0)), np.deg2rad(get("shear", 0))
        zx, zy, tx, ty = get("zx", 1), get("zy", 1), get("tx", 0), get("ty", 0)
        if np.any(theta) or np.any(shear) or np.any(tx) or np.any(ty) or np.any(
                zx != 1) or np.any(zy != 1):
            matrices = (affine_sampler.rotation(theta) @ affine_sampler.shift(ty, tx)
                        @ affine_sampler.shear(shear) @ affine_sampler.scaling(zx, zy))
            matrices = affine_sampler.about_center(matrices, height, width)
            images = affine_sampler.warp(images, affine_sampler.to_transforms(matrices),
                                         ("nearest", "bilinear")[self.interpolation_order],
                                         self.fill_mode, self.cval)
        intensity = get("channel_shift_intensity", 0)
        if np.any(intensity):
            low = images.min(axis=(1, 2, 3), keepdims=True)
            high = images.max(axis=(1, 2, 3), keepdims=True)
            images = np.clip(images + intensity.reshape(-1, 1, 1, 1).astype(images.dtype),
                             low, high)
        for key, axis in (("flip_horizontal", 2), ("flip_vertical", 1)):
            chosen = np.asarray(get(key, 0), dtype=bool)
            if chosen.any():
                images = images.copy()
                images[chosen] = np.flip(images[chosen], axis=axis)
        brightness = get("brightness", 1)
        if np.any(brightness != 1):
            images = np.clip(images * brightness.reshape(-1, 1, 1, 1), 0, 255)
        return images.astype(self.dtype, copy=False)

    def get_random_transform(self, img_shape, seed=None):
        """tf.keras' dict of random choices for one image of shape ``img_shape``."""
        rng = np.random.default_rng(seed) if seed is not None else backend.rng()
        params = self.random_parameters(rng, 1, img_shape[0], img_shape[1])
        return {k: None if v is None else v[0].item() for k, v in params.items()}

    def apply_transform(self, x, transform_parameters):
        """One image (height, width, channels) transformed as ``transform_parameters`` says."""
        return self.transform_batch(np.asarray(x)[None], transform_parameters)[0]

    def random_transform(self, x, seed=None):
        """One image with random choices applied."""
        return self.apply_transform(x, self.get_random_transform(np.shape(x), seed))

    # -- standardization ---------------------------------------------------------------------
    def standardize_batch(self, images):
        """The preprocessing function, rescaling and centering/normalization, in that
        order (tf.keras'), on a batch."""
        images = np.array(images, dtype=self.dtype)
        if self.preprocessing_function is not None:
            images = np.stack([self.preprocessing_function(image) for image in images]).astype(
                self.dtype)
        if self.rescale:
            images *= self.rescale
        if self.samplewise_center:
            images -= images.mean(axis=(1, 2, 3), keepdims=True)
        if self.samplewise_std_normalization:
            images /= images.std(axis=(1, 2, 3), keepdims=True) + 1e-6
        for flag, name in ((self.featurewise_center, "mean"),
                           (self.featurewise_std_normalization, "std"),
                           (self.zca_whitening, "zca_whitening_matrix")):
            if flag and getattr(self, name) is None:
                warnings.warn(f"This ImageDataGenerator's {name} is not set: fit it first "
                              f"on training images with .fit(x).")
        if self.featurewise_center and self.mean is not None:
            images -= self.mean
        if self.featurewise_std_normalization and self.std is not None:
            images /= self.std + 1e-6
        if self.zca_whitening and self.zca_whitening_matrix is not None:
            flat = images.reshape(len(images), -1) @ self.zca_whitening_matrix
            images = flat.reshape(images.shape).astype(self.dtype)
        return images

    def standardize(self, x):
        """``standardize_batch`` of one image."""
        return self.standardize_batch(np.asarray(x)[None])[0]

    def fit(self, x, augment=False, rounds=1, seed=None):
        """Compute ``mean``, ``std`` and the ZCA matrix from images ``x`` (n, height, width,
        channels), rescaled and, with ``augment``, augmented ``rounds`` times."""
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim != 4:
            raise ValueError(f"fit() takes images of shape (n, height, width, channels), got "
                             f"{x.shape}.")
        if self.rescale:
            x = x * self.rescale
        if augment:
            rng = np.random.default_rng(seed)
            x = np.concatenate([self.transform_batch(x, self.random_parameters(
                rng, len(x), *x.shape[1:3])) for _ in range(rounds)])
        if self.featurewise_center:
            self.mean = x.mean(axis=(0, 1, 2)).reshape(1, 1, -1)
            x = x - self.mean
        if self.featurewise_std_normalization:
            self.std = x.std(axis=(0, 1, 2)).reshape(1, 1, -1)
            x = x / (self.std + 1e-6)
        if self.zca_whitening:
            flat = x.reshape(len(x), -1)
            u, s, _ = np.linalg.svd(flat.T, full_matrices=False)
            scale = math.sqrt(len(x)) / (s + self.zca_epsilon)
            self.zca_whitening_matrix = (u * scale) @ u.T
