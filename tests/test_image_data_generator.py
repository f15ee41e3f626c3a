"""``ImageDataGenerator``: its transforms against tf.keras' (Keras 3's legacy module, which
runs SciPy) for fixed choices, its iterators, seeds and errors."""
import numpy as np
import pytest

from numpynn.data import EpochIterator
from numpynn.preprocessing.image import ImageDataGenerator
from tests import references
from tests.image_folder_helpers import FORMATS, make_image_folder

pytestmark = pytest.mark.filterwarnings(  # raised inside tf.keras' legacy module
    "ignore::DeprecationWarning", "ignore:This ImageDataGenerator specifies")
SQUARE = np.random.default_rng(0).uniform(0, 255, (12, 12, 3)).astype(np.float32)


def keras_generator(**options):
    references.keras()
    legacy = pytest.importorskip("keras.src.legacy.preprocessing.image",
                                 reason="tf.keras' ImageDataGenerator is Keras' legacy module")
    return legacy.ImageDataGenerator(**options)


@pytest.mark.parametrize("fill_mode", ["nearest", "reflect"])
@pytest.mark.parametrize("params", [
    {"theta": 30.0}, {"theta": -90.0}, {"shear": 20.0}, {"zx": 0.8, "zy": 1.3},
    {"theta": 15.0, "shear": -10.0, "zx": 1.2, "zy": 0.9, "tx": 1.5, "ty": -2.0},
    {"flip_horizontal": True, "flip_vertical": True}])
def test_transforms_are_tf_keras_on_square_images(fill_mode, params):
    """tf.keras applies its height shift ``tx`` to columns and its width shift ``ty`` to rows
    (its axes are swapped); numpynn shifts rows by ``tx`` and columns by ``ty``."""
    theirs = keras_generator(fill_mode=fill_mode).apply_transform(
        SQUARE.copy(), {**params, "tx": params.get("ty", 0), "ty": params.get("tx", 0)})
    ours = ImageDataGenerator(fill_mode=fill_mode).apply_transform(SQUARE, params)
    np.testing.assert_allclose(ours, theirs, atol=1e-3)


def test_shifts_move_rows_for_height_and_columns_for_width():
    image = np.zeros((6, 8, 1), np.float32)
    image[2, 3] = 1
    moved = ImageDataGenerator(fill_mode="constant").apply_transform(image, {"tx": 1, "ty": 2})
    assert np.argwhere(moved[..., 0] > 0.5).tolist() == [[1, 1]]


def test_constant_fill_with_whole_pixel_moves_is_tf_keras():
    params = {"theta": 90.0, "tx": 2.0, "ty": -3.0}
    theirs = keras_generator(fill_mode="constant", cval=7.0).apply_transform(
        SQUARE.copy(), {"theta": 90.0, "tx": -3.0, "ty": 2.0})
    ours = ImageDataGenerator(fill_mode="constant", cval=7.0).apply_transform(SQUARE, params)
    np.testing.assert_allclose(ours, theirs, atol=1e-3)


def test_colour_changes_are_tf_keras():
    image = np.round(SQUARE)
    theirs = keras_generator().apply_transform(image.copy(), {"channel_shift_intensity": 30.0})
    ours = ImageDataGenerator().apply_transform(image, {"channel_shift_intensity": 30.0})
    np.testing.assert_allclose(ours, theirs, atol=1e-3)
    theirs = keras_generator().apply_transform(image.copy(), {"brightness": 1.4})
    ours = ImageDataGenerator().apply_transform(image, {"brightness": 1.4})
    np.testing.assert_allclose(ours, theirs, atol=1.0)  # tf.keras rounds through 8-bit PIL


def test_standardization_and_fit_are_tf_keras():
    x = np.random.default_rng(1).uniform(0, 255, (20, 6, 6, 3)).astype(np.float32)
    for options in ({"rescale": 1 / 255, "samplewise_center": True,
                     "samplewise_std_normalization": True},
                    {"featurewise_center": True, "featurewise_std_normalization": True},
                    {"zca_whitening": True, "rescale": 0.01}):
        theirs, ours = keras_generator(**options), ImageDataGenerator(**options)
        theirs.fit(x)
        ours.fit(x)
        np.testing.assert_allclose(ours.standardize(x[3].copy()), theirs.standardize(x[3].copy()),
                                   rtol=1e-3, atol=1e-3)


def test_random_choices_stay_in_their_ranges():
    generator = ImageDataGenerator(rotation_range=25, width_shift_range=0.2,
                                   height_shift_range=3, shear_range=8, zoom_range=(0.7, 1.1),
                                   horizontal_flip=True, brightness_range=(0.5, 1.5))
    params = generator.random_parameters(np.random.default_rng(0), 500, 10, 20)
    assert np.abs(params["theta"]).max() <= 25 and np.abs(params["shear"]).max() <= 8
    assert np.abs(params["ty"]).max() <= 0.2 * 20 and np.abs(params["ty"]).std() > 1
    assert set(np.abs(params["tx"]).tolist()) == {0.0, 1.0, 2.0}  # an int: whole pixels < 3
    assert params["zx"].min() >= 0.7 and params["zy"].max() <= 1.1
    assert 0.4 < params["flip_horizontal"].mean() < 0.6 and not params["flip_vertical"].any()
    single = generator.get_random_transform((10, 20, 1), seed=3)
    assert single == generator.get_random_transform((10, 20, 1), seed=3)
    assert set(single) == {"theta", "tx", "ty", "shear", "zx", "zy", "flip_horizontal",
                           "flip_vertical", "channel_shift_intensity", "brightness"}


def test_flow_batches_subsets_and_seeds():
    x = np.random.default_rng(2).uniform(0, 255, (10, 8, 8, 1)).astype(np.float32)
    y, weights = np.arange(10) % 2, np.linspace(0, 1, 10)
    generator = ImageDataGenerator(rotation_range=30, horizontal_flip=True, rescale=1 / 255,
                                   validation_split=0.4)
    iterator = generator.flow(x, y, batch_size=4, seed=1)
    assert len(iterator) == 3 and [len(iterator[i][0]) for i in range(3)] == [4, 4, 2]
    again = generator.flow(x, y, batch_size=4, seed=1)
    np.testing.assert_array_equal(iterator[1][0], again[1][0])
    first_epoch = [iterator[i][1].tolist() for i in range(3)]
    iterator.on_epoch_end()
    assert [iterator[i][1].tolist() for i in range(3)] != first_epoch  # reshuffled
    assert iterator[0][0].max() <= 1.0
    validation = generator.flow(x, y, batch_size=10, shuffle=False, subset="validation")
    training = generator.flow(x, y, batch_size=10, shuffle=False, sample_weight=weights,
                              subset="training")
    assert validation.n == 4 and training.n == 6
    np.testing.assert_array_equal(training[0][2], weights[4:])
    np.testing.assert_array_equal(generator.flow(x, batch_size=3, shuffle=False)[0].shape,
                                  (3, 8, 8, 1))


def test_iterators_run_forever_like_tf_keras_and_feed_epochs_of_fit():
    x = np.zeros((5, 4, 4, 1), np.float32)
    iterator = ImageDataGenerator().flow(x, np.arange(5), batch_size=2, shuffle=False)
    sizes = [len(next(iterator)[0]) for _ in range(7)]
    assert sizes == [2, 2, 1, 2, 2, 1, 2]
    epochs = EpochIterator(ImageDataGenerator(horizontal_flip=True).flow(
        x, np.arange(5), batch_size=2))
    assert [len(b[0]) for _, b in epochs.epoch()] == [2, 2, 1]


def test_flow_from_directory_lists_files_as_tf_keras(tmp_path):
    formats = [f for f in FORMATS if f[0] in ("png", "jpg", "bmp")]
    directory = make_image_folder(tmp_path / "photos", formats=formats)
    for subset in (None, "training", "validation"):
        theirs = keras_generator(validation_split=0.34).flow_from_directory(
            directory, target_size=(10, 12), subset=subset, shuffle=False)
        ours = ImageDataGenerator(validation_split=0.34).flow_from_directory(
            directory, target_size=(10, 12), subset=subset, shuffle=False)
        assert ours.filenames == theirs.filenames and ours.class_indices == theirs.class_indices
        np.testing.assert_array_equal(ours.classes, theirs.classes)
        x, y = ours[0]
        their_x, their_y = theirs[0]
        np.testing.assert_array_equal(x, their_x)
        np.testing.assert_array_equal(y, their_y)
        assert x.shape[1:] == (10, 12, 3) and y.shape[1] == 3


@pytest.mark.parametrize("class_mode, check", [
    ("binary", lambda x, y: y.dtype == np.float32 and y.ndim == 1),
    ("sparse", lambda x, y: set(y.tolist()) <= {0.0, 1.0}),
    ("input", lambda x, y: np.array_equal(x, y)),
    (None, lambda x, y: y is None)])
def test_flow_from_directory_class_modes(tmp_path, class_mode, check):
    directory = make_image_folder(tmp_path / "photos", classes=("a", "b"), formats=FORMATS[:3])
    iterator = ImageDataGenerator(rotation_range=10).flow_from_directory(
        directory, target_size=(7, 7), color_mode="grayscale", class_mode=class_mode,
        batch_size=6, seed=0)
    batch = iterator[0]
    x, y = batch if isinstance(batch, tuple) else (batch, None)
    assert x.shape == (6, 7, 7, 1) and check(x, y)


def test_bad_arguments_and_inputs():
    with pytest.raises(ValueError, match="fill_mode must be one of"):
        ImageDataGenerator(fill_mode="mirror")
    with pytest.raises(ValueError, match="zoom_range must be a float or a pair"):
        ImageDataGenerator(zoom_range=(0.5, 1.0, 2.0))
    with pytest.raises(ValueError, match="interpolation_order must be 0"):
        ImageDataGenerator(interpolation_order=3)
    with pytest.raises(ValueError, match="validation_split must be strictly between"):
        ImageDataGenerator(validation_split=1.5)
    with pytest.raises(ValueError, match=r"add a channel axis with x\[..., None\]"):
        ImageDataGenerator().flow(np.zeros((4, 8, 8)))
    with pytest.raises(ValueError, match="x and y must have the same length"):
        ImageDataGenerator().flow(np.zeros((4, 8, 8, 1)), np.arange(3))
    with pytest.raises(ValueError, match="hold different classes after the split"):
        ImageDataGenerator(validation_split=0.5).flow(
            np.zeros((4, 2, 2, 1)), np.array([0, 0, 1, 1]), subset="training")
    with pytest.raises(IndexError, match="Asked for batch 2"):
        ImageDataGenerator().flow(np.zeros((4, 2, 2, 1)), batch_size=2)[2]
    with pytest.raises(ValueError, match="class_mode must be one of"):
        ImageDataGenerator().flow_from_directory(".", class_mode="raw")
