"""The image preprocessing layers on their own: training-only randomness, seeds, geometry
conventions, configs, saving with a model, and argument errors."""
import json

import numpy as np
import pytest

import numpynn as keras
from numpynn import layers

IMAGES = np.random.default_rng(0).uniform(0, 255, (4, 9, 11, 3)).astype(np.float32)

RANDOM_LAYERS = {
    "RandomFlip": lambda seed=None: layers.RandomFlip(seed=seed),
    "RandomRotation": lambda seed=None: layers.RandomRotation(0.2, seed=seed),
    "RandomZoom": lambda seed=None: layers.RandomZoom(0.3, seed=seed),
    "RandomTranslation": lambda seed=None: layers.RandomTranslation(0.2, 0.3, seed=seed),
    "RandomContrast": lambda seed=None: layers.RandomContrast(0.5, seed=seed),
    "RandomBrightness": lambda seed=None: layers.RandomBrightness(0.3, seed=seed),
    "RandomCrop": lambda seed=None: layers.RandomCrop(6, 7, seed=seed),
}
ALL_LAYERS = [
    layers.Rescaling(1 / 255), layers.Rescaling([0.5, 1.0, 2.0], offset=[1.0, 0.0, -1.0]),
    layers.Resizing(5, 6, "nearest", crop_to_aspect_ratio=True),
    layers.Resizing(12, 4, "area", pad_to_aspect_ratio=True, fill_value=3.0),
    layers.CenterCrop(5, 5), layers.RandomCrop(3, 4, seed=1), layers.RandomFlip("vertical"),
    layers.RandomRotation((-0.1, 0.3), "constant", "nearest", seed=2, fill_value=1.0),
    layers.RandomZoom((0.1, 0.2), (-0.5, 0.5), "wrap"),
    layers.RandomTranslation(0.1, (0.0, 0.4), "nearest", seed=3),
    layers.RandomContrast((0.2, 0.4), value_range=(0, 1), seed=4),
    layers.RandomBrightness((-0.2, 0.1), value_range=[-1, 1]), layers.Grayscale(3),
]


@pytest.mark.parametrize("name", sorted(RANDOM_LAYERS))
def test_random_layers_change_images_only_while_training(name):
    layer = RANDOM_LAYERS[name](seed=5)
    inference = layer(IMAGES)
    if name == "RandomCrop":  # the deterministic crop-and-resize
        assert inference.shape == (4, 6, 7, 3)
    else:
        np.testing.assert_array_equal(inference, IMAGES)
        np.testing.assert_array_equal(layer.backward(IMAGES), IMAGES)
    assert not np.allclose(layer(IMAGES, training=True), inference)


@pytest.mark.parametrize("name", sorted(RANDOM_LAYERS))
def test_a_seed_repeats_the_same_augmentations(name):
    first, second = RANDOM_LAYERS[name](seed=11), RANDOM_LAYERS[name](seed=11)
    a1, a2 = first(IMAGES, training=True), first(IMAGES, training=True)
    np.testing.assert_array_equal(a1, second(IMAGES, training=True))
    np.testing.assert_array_equal(a2, second(IMAGES, training=True))
    assert not np.array_equal(a1, a2)  # the next batch gets new draws
    first.reset_rng()
    np.testing.assert_array_equal(first(IMAGES, training=True), a1)


@pytest.mark.parametrize("name", sorted(RANDOM_LAYERS))
def test_without_a_seed_the_global_seed_decides(name):
    keras.utils.set_random_seed(3)
    a = RANDOM_LAYERS[name]()(IMAGES, training=True)
    keras.utils.set_random_seed(3)
    np.testing.assert_array_equal(RANDOM_LAYERS[name]()(IMAGES, training=True), a)


@pytest.mark.parametrize("layer", ALL_LAYERS, ids=lambda l: l.name)
def test_a_single_image_is_a_batch_of_one(layer):
    def restart():
        keras.utils.set_random_seed(0)
        if hasattr(layer, "reset_rng"):
            layer.reset_rng()
    restart()
    batch = layer(IMAGES[:1], training=True)
    restart()
    single = layer(IMAGES[0], training=True)
    np.testing.assert_allclose(single, batch[0], rtol=1e-6)
    assert layer.backward(np.ones_like(single)).shape == IMAGES[0].shape


@pytest.mark.parametrize("layer", ALL_LAYERS, ids=lambda l: l.name)
def test_config_roundtrip_through_json_and_the_registry(layer):
    clone = layers.deserialize(json.loads(json.dumps(layers.serialize(layer))))
    assert type(clone) is type(layer) and clone.get_config() == layer.get_config()
    if getattr(layer, "seed", None) is not None:
        layer.reset_rng()
        np.testing.assert_array_equal(clone(IMAGES, training=True), layer(IMAGES, training=True))


def test_output_shapes_are_computed_before_the_data():
    for layer, shape in [(layers.Resizing(5, 6), (None, 5, 6, 3)),
                         (layers.CenterCrop(4, 4), (None, 4, 4, 3)),
                         (layers.RandomCrop(2, 3), (None, 2, 3, 3)),
                         (layers.Grayscale(), (None, 9, 11, 1)),
                         (layers.RandomZoom(0.1), (None, 9, 11, 3))]:
        assert layer.build_for((None, 9, 11, 3)) == shape
        assert layer(IMAGES).shape[1:] == shape[1:]


def _blob(size=15):
    """One image, a bright 5 x 5 square in the middle of a dark one."""
    image = np.zeros((1, size, size, 1), np.float32)
    middle = size // 2
    image[0, middle - 2:middle + 3, middle - 2:middle + 3] = 1.0
    return image


def test_zoom_factor_sign_positive_zooms_out():
    out = layers.RandomZoom((0.5, 0.5), fill_mode="constant")(_blob(), training=True)
    inward = layers.RandomZoom((-0.5, -0.5), fill_mode="constant")(_blob(), training=True)
    assert out.sum() < _blob().sum() < inward.sum()


def test_translation_moves_content_down_and_right_for_positive_factors():
    image = _blob()
    out = layers.RandomTranslation((0.2, 0.2), (-0.2, -0.2), "constant")(image, training=True)
    rows, cols = np.nonzero(out[0, ..., 0] > 0.5)
    assert rows.min() == 5 + 3 and cols.min() == 5 - 3


def test_random_crop_takes_a_window_of_each_image_at_its_own_place():
    x = np.arange(20 * 30, dtype=np.float32).reshape(1, 20, 30, 1).repeat(8, axis=0)
    out = layers.RandomCrop(4, 5, seed=0)(x, training=True)
    corners = set()
    for window in out:
        top, left = divmod(int(window[0, 0, 0]), 30)
        np.testing.assert_array_equal(window, x[0, top:top + 4, left:left + 5])
        corners.add((top, left))
    assert len(corners) > 1


def test_contrast_keeps_the_channel_mean_and_scales_deviations():
    x = np.random.default_rng(1).uniform(0.3, 0.7, (5, 6, 6, 2))
    layer = layers.RandomContrast(0.5, value_range=(0, 1), seed=1)
    out = layer(x, training=True)
    np.testing.assert_allclose(out.mean(axis=(1, 2)), x.mean(axis=(1, 2)).astype(np.float32),
                               rtol=1e-5)
    ratio = out.std(axis=(1, 2)) / x.std(axis=(1, 2))
    assert np.all((ratio >= 0.5 - 1e-5) & (ratio <= 1.5 + 1e-5)) and ratio.std() > 0.01


def test_brightness_shifts_by_up_to_the_factor_of_the_range_and_clips():
    x = np.full((50, 2, 2, 1), 0.5, np.float32)
    out = layers.RandomBrightness(0.3, value_range=(0, 1), seed=2)(x, training=True)
    shift = out[:, 0, 0, 0] - 0.5
    assert np.all(np.abs(shift) <= 0.3 + 1e-6) and shift.min() < -0.1 and shift.max() > 0.1
    top = layers.RandomBrightness((1.0, 1.0), value_range=(0, 1))(x, training=True)
    np.testing.assert_array_equal(top, 1.0)


def test_a_model_trains_with_augmentation_and_predicts_without(tmp_path):
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).uniform(0, 255, (24, 8, 8, 1)).astype(np.float32)
    y = (x.mean(axis=(1, 2, 3)) > 127).astype(int)
    model = keras.Sequential([
        keras.Input(shape=(8, 8, 1)), layers.Rescaling(1 / 255),
        layers.RandomFlip("horizontal", seed=1), layers.RandomRotation(0.1, seed=2),
        layers.RandomZoom(0.1, seed=3), layers.RandomTranslation(0.1, 0.1, seed=4),
        layers.RandomContrast(0.2, value_range=(0, 1), seed=5), layers.Flatten(),
        layers.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    prediction = model.predict(x, verbose=0)
    np.testing.assert_array_equal(model.predict(x, verbose=0), prediction)
    model.save(tmp_path / "augmented.npnn")
    loaded = keras.models.load_model(tmp_path / "augmented.npnn")
    assert [type(l).__name__ for l in loaded.layers] == [type(l).__name__ for l in model.layers]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), prediction)
    assert loaded.layers[2].get_config() == model.layers[2].get_config()


@pytest.mark.parametrize("make, words", [
    (lambda: layers.RandomRotation(1.5), "factor must lie in [-1.0, 1.0]"),
    (lambda: layers.RandomRotation("much"), "a number or a pair"),
    (lambda: layers.RandomZoom(-1.0), "height_factor must lie in (-1.0, 1.0]"),
    (lambda: layers.RandomTranslation(0.1, (0.1, 0.2, 0.3)), "width_factor must be a number"),
    (lambda: layers.RandomContrast(1.5), "factor must lie in [0.0, 1.0]"),
    (lambda: layers.RandomBrightness(0.1, value_range=255), "value_range must be a pair"),
    (lambda: layers.RandomRotation(0.1, fill_mode="mirror"), "fill_mode must be one of"),
    (lambda: layers.RandomZoom(0.1, interpolation="bicubic"), "interpolation must be one of"),
    (lambda: layers.Resizing(5, 5, "lanczos3"), "interpolation must be one of"),
    (lambda: layers.Resizing(0, 5), "height must be a positive integer"),
    (lambda: layers.CenterCrop(4, 2.5), "width must be a positive integer"),
    (lambda: layers.Resizing(4, 4, antialias=True), "(antialias=True) is not supported"),
    (lambda: layers.Resizing(4, 4, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True),
     "only one of"),
    (lambda: layers.RandomFlip("diagonal"), "mode must be"),
    (lambda: layers.RandomFlip(seed=-1), "seed must be a non-negative integer"),
    (lambda: layers.Grayscale(2), "num_output_channels must be 1 or 3"),
    (lambda: layers.RandomFlip(data_format="channels_first"), "channels_last"),
    (lambda: layers.Rescaling("half"), "scale must be a number"),
])
def test_bad_arguments_say_what_to_do(make, words):
    with pytest.raises((ValueError, TypeError), ) as info:
        make()
    assert words in str(info.value)


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match=r"expects images of shape \(batch, height, width, "):
        layers.RandomFlip()(np.zeros((4, 5)))
    with pytest.raises(ValueError, match="got images of shape .* drop an alpha channel"):
        layers.Grayscale()(np.zeros((1, 4, 5, 4)))
