"""Image preprocessing layers against Keras 3 (TensorFlow backend) on their deterministic
parts: the fixed operations, and the random ones with a factor range of one value."""
import numpy as np
import pytest

from numpynn import layers
from tests import references

RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(0, 255, (3, 9, 11, 3)).astype(np.float32)
SQUARE = RNG.uniform(0, 255, (2, 8, 8, 2)).astype(np.float32)


def keras_output(layer, x, training=True):
    return np.asarray(layer(x, training=training))


def assert_close(ours, theirs, atol=1e-5 * 255):
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=atol)


@pytest.mark.parametrize("scale, offset", [(1 / 255, 0.0), (1 / 127.5, -1.0),
                                           ([0.5, 1.0, 2.0], [1.0, 0.0, -1.0])])
def test_rescaling(scale, offset):
    keras = references.keras()
    ours = layers.Rescaling(scale, offset)(IMAGES)
    assert_close(ours, keras_output(keras.layers.Rescaling(np.array(scale), np.array(offset)),
                                    IMAGES), atol=1e-4)


@pytest.mark.parametrize("size", [(4, 5), (13, 17), (9, 11), (3, 20)])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest", "area"])
@pytest.mark.parametrize("aspect", [None, "crop", "pad"])
def test_resizing(size, interpolation, aspect):
    keras = references.keras()
    options = {"crop_to_aspect_ratio": aspect == "crop", "pad_to_aspect_ratio": aspect == "pad",
               "fill_value": 7.0 if aspect == "pad" else 0.0}
    ours = layers.Resizing(*size, interpolation, **options)(IMAGES)
    theirs = keras_output(keras.layers.Resizing(*size, interpolation, **options), IMAGES)
    assert_close(ours, theirs, atol=1e-3)


def test_resizing_bicubic_within_tensorflows_coefficient_table():
    """TensorFlow reads Keys' cubic from a table of 1024 steps; numpynn computes it exactly:
    a difference of a fraction of a grey level on 0-255 images."""
    keras = references.keras()
    ours = layers.Resizing(13, 7, "bicubic")(IMAGES)
    theirs = keras_output(keras.layers.Resizing(13, 7, "bicubic"), IMAGES)
    np.testing.assert_allclose(ours, theirs, atol=0.3)


@pytest.mark.parametrize("size", [(5, 6), (9, 11), (4, 11), (12, 12), (10, 4)])
def test_center_crop(size):
    keras = references.keras()
    ours = layers.CenterCrop(*size)(IMAGES)
    assert_close(ours, keras_output(keras.layers.CenterCrop(*size), IMAGES), atol=1e-3)


def test_random_crop_in_inference_is_keras_smart_resize():
    """Keras documents a centred aspect-ratio crop resized to the target at inference (its
    3.x code returns the input unchanged): compare with its ``smart_resize``."""
    keras = references.keras()
    ours = layers.RandomCrop(5, 4)(IMAGES)
    theirs = np.asarray(keras.preprocessing.image.smart_resize(IMAGES, (5, 4)))
    assert_close(ours, theirs, atol=1e-3)


def test_grayscale_is_rgb_to_grayscale():
    keras = references.keras()
    theirs = np.asarray(keras.ops.image.rgb_to_grayscale(IMAGES))
    assert_close(layers.Grayscale()(IMAGES), theirs, atol=1e-3)
    assert_close(layers.Grayscale()(IMAGES[..., :1]), IMAGES[..., :1])


def _flip_kinds(x, y):
    """Per image: 0 unchanged, 1 left-right, 2 upside down, 3 both."""
    kinds = []
    for a, b in zip(x, y):
        options = [a, a[:, ::-1], a[::-1], a[::-1, ::-1]]
        kinds.append(next(i for i, o in enumerate(options) if np.array_equal(o, b)))
    return set(kinds)


@pytest.mark.parametrize("mode, kinds", [("horizontal", {0, 1}), ("vertical", {0, 2}),
                                         ("horizontal_and_vertical", {0, 3})])
def test_random_flip_flips_the_same_axes(mode, kinds):
    keras = references.keras()
    x = RNG.uniform(size=(40, 3, 4, 1)).astype(np.float32)
    theirs = keras_output(keras.layers.RandomFlip(mode, seed=1), x)
    ours = layers.RandomFlip(mode, seed=1)(x, training=True)
    assert _flip_kinds(x, theirs) == kinds == _flip_kinds(x, ours)


FILLS = [("reflect", "bilinear"), ("constant", "bilinear"), ("nearest", "bilinear"),
         ("reflect", "nearest"), ("constant", "nearest"), ("nearest", "nearest")]


@pytest.mark.parametrize("fill_mode, interpolation", FILLS)
@pytest.mark.parametrize("factor", [0.25, -0.1, 0.37])
def test_random_rotation_by_a_fixed_angle(factor, fill_mode, interpolation):
    keras = references.keras()
    options = dict(fill_mode=fill_mode, interpolation=interpolation, fill_value=3.0)
    ours = layers.RandomRotation((factor, factor), **options)(IMAGES, training=True)
    theirs = keras_output(keras.layers.RandomRotation((factor, factor), **options), IMAGES)
    assert_close(ours, theirs, atol=2e-3)


def test_quarter_turn_is_rot90():
    """(Not "wrap": TensorFlow's float32 coordinates land a hair past the last pixel, where
    its wrap jumps to the first; see test_wrap_agrees_on_whole_pixel_shifts.)"""
    keras = references.keras()
    for fill_mode in ("reflect", "constant", "nearest"):
        ours = layers.RandomRotation((0.25, 0.25), fill_mode)(SQUARE, training=True)
        theirs = keras_output(keras.layers.RandomRotation((0.25, 0.25), fill_mode), SQUARE)
        assert_close(ours, theirs, atol=2e-3)
        assert_close(ours, np.rot90(SQUARE, 1, axes=(1, 2)), atol=2e-3)  # counter-clockwise


@pytest.mark.parametrize("fill_mode, interpolation", FILLS)
@pytest.mark.parametrize("height_factor, width_factor", [(0.5, None), (-0.3, 0.2)])
def test_random_zoom_by_a_fixed_factor(height_factor, width_factor, fill_mode, interpolation):
    keras = references.keras()
    pair = (lambda f: None if f is None else (f, f))
    options = dict(fill_mode=fill_mode, interpolation=interpolation, fill_value=3.0)
    ours = layers.RandomZoom(pair(height_factor), pair(width_factor), **options)(
        IMAGES, training=True)
    theirs = keras_output(keras.layers.RandomZoom(pair(height_factor), pair(width_factor),
                                                  **options), IMAGES)
    assert_close(ours, theirs, atol=2e-3)


@pytest.mark.parametrize("fill_mode, interpolation", FILLS)
@pytest.mark.parametrize("height_factor, width_factor", [(0.25, -0.3), (-0.12, 0.41)])
def test_random_translation_by_a_fixed_shift(height_factor, width_factor, fill_mode,
                                             interpolation):
    keras = references.keras()
    options = dict(fill_mode=fill_mode, interpolation=interpolation, fill_value=3.0)
    ours = layers.RandomTranslation((height_factor,) * 2, (width_factor,) * 2, **options)(
        IMAGES, training=True)
    theirs = keras_output(keras.layers.RandomTranslation((height_factor,) * 2,
                                                         (width_factor,) * 2, **options), IMAGES)
    assert_close(ours, theirs, atol=2e-3)


def test_wrap_agrees_on_whole_pixel_shifts():
    """Keras' "wrap" on TensorFlow jumps back to the first pixel between the last pixel and
    the next period (and loses the period far out); numpynn's wrap is periodic throughout.
    Shifts by whole pixels read the same pixels in both."""
    keras = references.keras()
    x = RNG.uniform(0, 255, (2, 8, 10, 1)).astype(np.float32)
    ours = layers.RandomTranslation((0.25, 0.25), (-0.3, -0.3), "wrap")(x, training=True)
    theirs = keras_output(keras.layers.RandomTranslation((0.25, 0.25), (-0.3, -0.3), "wrap"), x)
    assert_close(ours, theirs, atol=2e-3)
    assert_close(ours, np.roll(x, (2, -3), axis=(1, 2)))


def test_random_brightness_by_a_fixed_delta():
    keras = references.keras()
    for factor in (0.2, -0.35):
        ours = layers.RandomBrightness((factor, factor))(IMAGES, training=True)
        theirs = keras_output(keras.layers.RandomBrightness((factor, factor)), IMAGES)
        assert_close(ours, theirs, atol=1e-3)


def test_random_contrast_formula_with_a_fixed_factor(monkeypatch):
    """Keras' and numpynn's contrast adjustment for the same drawn factor c."""
    keras = references.keras()
    theirs_layer = keras.layers.RandomContrast(0.5, value_range=(0, 255))
    ours_layer = layers.RandomContrast(0.5, value_range=(0, 255))
    for c in (0.6, 1.4):
        monkeypatch.setattr(ours_layer, "_uniform", lambda low, high, size, c=c: np.full(size, c))
        factor = np.full((len(IMAGES), 1, 1, 1), c, dtype=np.float32)
        theirs = np.asarray(theirs_layer.transform_images(IMAGES, {"contrast_factor": factor}))
        assert_close(ours_layer(IMAGES, training=True), theirs, atol=1e-3)


@pytest.mark.parametrize("name", ["RandomRotation", "RandomZoom", "RandomTranslation",
                                  "RandomContrast", "RandomBrightness", "RandomFlip",
                                  "RandomCrop"])
def test_config_keys_are_keras_keys(name):
    keras = references.keras()
    args = {"RandomRotation": (0.1,), "RandomZoom": (0.1,), "RandomTranslation": (0.1, 0.2),
            "RandomContrast": (0.1,), "RandomBrightness": (0.1,), "RandomFlip": (),
            "RandomCrop": (3, 4)}[name]
    ours = set(getattr(layers, name)(*args).get_config())
    theirs = set(getattr(keras.layers, name)(*args).get_config())
    assert theirs - ours == set()
