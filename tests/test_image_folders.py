"""``image_dataset_from_directory``: against Keras' on the same folder, labels and batches,
and bad folders and files."""
import threading
import warnings

import numpy as np
import pytest

from numpynn.data import image_dataset_from_directory
from numpynn.datasets import DatasetError
from tests import references
from tests.image_folder_helpers import FORMATS, make_image_folder, write_image

pytest.importorskip("PIL", reason="image files need Pillow: pip install -e '.[images]'")
OPTIONS = dict(image_size=(16, 18), verbose=False)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return make_image_folder(tmp_path_factory.mktemp("images") / "photos")


def load(directory, **options):
    return image_dataset_from_directory(str(directory), **{**OPTIONS, **options})


def keras_load(keras, directory, **options):
    return keras.utils.image_dataset_from_directory(str(directory), **{**OPTIONS, **options})


# Which formats TensorFlow decodes to 1 or 4 channels (Pillow converts all of them).
KERAS_DECODES = {"rgb": ("png", "jpg", "jpeg", "bmp", "gif"), "grayscale": ("png", "jpg", "jpeg"),
                 "rgba": ("png", "bmp")}


@pytest.mark.parametrize("color_mode, options", [
    ("rgb", {}), ("rgb", {"interpolation": "nearest"}), ("rgb", {"crop_to_aspect_ratio": True}),
    ("rgb", {"pad_to_aspect_ratio": True}), ("rgb", {"interpolation": "area"}),
    ("grayscale", {}), ("rgba", {})])
def test_same_files_and_pixels_as_keras(tmp_path, color_mode, options):
    """PNG, BMP and GIF pixels match Keras' to float precision. JPEG: TensorFlow decodes with
    libjpeg's fast integer DCT, Pillow with the accurate one, about 1 grey level apart.
    RGB to grey: TensorFlow's and Pillow's integer conversions round apart by up to 1."""
    keras = references.keras()
    formats = [f for f in FORMATS if f[0] in KERAS_DECODES[color_mode]]
    directory = make_image_folder(tmp_path / "photos", formats=formats)
    theirs = keras_load(keras, directory, shuffle=False, batch_size=None,
                        color_mode=color_mode, **options)
    ours = load(directory, shuffle=False, batch_size=None, color_mode=color_mode, **options)
    assert ours.class_names == theirs.class_names == ["birds", "cats", "dogs"]
    assert ours.file_paths == theirs.file_paths
    for path, (their_x, their_y), (x, y) in zip(ours.file_paths, theirs, ours):
        their_x = np.asarray(their_x)
        assert x.shape == their_x.shape == (16, 18, {"rgb": 3, "grayscale": 1, "rgba": 4}[
            color_mode]) and x.dtype == np.float32
        assert y == np.asarray(their_y) and y.dtype == np.int32
        difference = np.abs(x - their_x)
        if path.endswith(("jpg", "jpeg")):
            assert difference.mean() < 1.5 and difference.max() <= 5, path
        elif color_mode == "grayscale":
            assert difference.max() <= 1.01, path
        else:
            assert difference.max() < 1e-3, path


def test_shuffled_order_and_split_files_are_keras(folder):
    keras = references.keras()
    for subset in ("training", "validation"):
        options = dict(seed=7, validation_split=0.3, subset=subset)
        assert load(folder, **options).file_paths == keras_load(keras, folder, **options).file_paths
    ours = load(folder, seed=7, validation_split=0.3, subset="both")
    theirs = keras_load(keras, folder, seed=7, validation_split=0.3, subset="both")
    assert [d.file_paths for d in ours] == [d.file_paths for d in theirs]
    assert len(ours[0].file_paths) + len(ours[1].file_paths) == 24
    assert not set(ours[0].file_paths) & set(ours[1].file_paths)


@pytest.mark.parametrize("label_mode, shape, dtype", [
    ("int", (5,), np.int32), ("categorical", (5, 3), np.float32), (None, None, None)])
def test_label_modes_and_batches(folder, label_mode, shape, dtype):
    ds = load(folder, label_mode=label_mode, batch_size=5, seed=1)
    assert len(ds) == 5
    first = next(iter(ds))
    if label_mode is None:  # Keras' class_names then: None
        assert first.shape == (5, 16, 18, 3) and ds.class_names is None
        return
    assert ds.class_names == ["birds", "cats", "dogs"]
    x, y = first
    assert x.shape == (5, 16, 18, 3) and y.shape == shape and y.dtype == dtype
    labels = np.concatenate([np.asarray(batch[1]) for batch in ds])
    assert len(labels) == 24
    expected = [ds.class_names.index(p.split("/")[-2]) for p in ds.file_paths]
    if label_mode == "categorical":
        labels = labels.argmax(axis=1)
    assert sorted(labels.tolist()) == sorted(expected)


def test_binary_labels_and_explicit_class_names(folder):
    ds = load(folder, label_mode="binary", class_names=["dogs", "cats"], shuffle=False,
              batch_size=None)
    assert ds.class_names == ["dogs", "cats"] and len(ds) == 16
    labels = [float(y[0]) for _, y in ds]
    assert labels == [0.0] * 8 + [1.0] * 8 and ds.file_paths[0].endswith("dogs/img0.png")


def test_explicit_labels_and_image_size_as_int(folder):
    labels = list(range(24))
    ds = load(folder, labels=labels, shuffle=False, batch_size=4, image_size=10)
    x, y = next(iter(ds))
    assert x.shape == (4, 10, 10, 3) and y.tolist() == [0, 1, 2, 3]
    assert ds.class_names == [str(i) for i in range(24)]


def test_shuffle_gives_each_epoch_a_new_order_repeatably(folder):
    def orders():
        ds = load(folder, seed=3, batch_size=None, label_mode=None)
        return [[x.sum() for x in ds] for _ in range(2)]
    first, second = orders(), orders()
    assert first == second and first[0] != first[1] and sorted(first[0]) == sorted(first[1])


def test_bad_arguments(folder, tmp_path):
    with pytest.raises(ValueError, match="is not a folder"):
        load(tmp_path / "missing")
    with pytest.raises(ValueError, match="needs exactly 2 classes, found 3"):
        load(folder, label_mode="binary")
    with pytest.raises(ValueError, match="pass a seed"):
        load(folder, validation_split=0.2, subset="training")
    with pytest.raises(ValueError, match="Pass validation_split and subset together"):
        load(folder, validation_split=0.2, seed=1)
    with pytest.raises(ValueError, match="color_mode must be"):
        load(folder, color_mode="cmyk")
    with pytest.raises(ValueError, match="labels has 3 entries but .* holds 24 image files"):
        load(folder, labels=[0, 1, 0])
    with pytest.raises(ValueError, match=r"class_names \['fish'\] must be subfolders"):
        load(folder, class_names=["fish"])
    with pytest.raises(ValueError, match="image_size must be"):
        load(folder, image_size=(0, 4))
    (tmp_path / "empty" / "a").mkdir(parents=True)
    with pytest.warns(UserWarning, match="hold no image"), \
            pytest.raises(ValueError, match="No images found"):
        load(tmp_path / "empty")


def test_other_files_are_skipped_with_a_warning_and_empty_classes_named(tmp_path):
    directory = make_image_folder(tmp_path / "photos", classes=("a", "b"), formats=FORMATS[:2])
    (directory / "a" / "notes.txt").write_text("not a picture")
    (directory / "a" / ".DS_Store").write_bytes(b"\0")
    (directory / "c").mkdir()
    with pytest.warns(UserWarning) as caught:
        ds = load(directory, shuffle=False, batch_size=None)
    messages = " ".join(str(w.message) for w in caught)
    assert "Skipped 1 file(s)" in messages and "a/notes.txt" in messages
    assert "DS_Store" not in messages and "Class folder(s) c" in messages
    assert ds.class_names == ["a", "b", "c"] and len(ds) == 4


@pytest.mark.parametrize("damage", ["text", "truncated", "empty"])
def test_a_damaged_image_is_named_when_its_batch_is_read(tmp_path, damage):
    directory = make_image_folder(tmp_path / "photos", classes=("a", "b"), formats=FORMATS[:3])
    bad = directory / "b" / "img0.png"
    if damage == "text":
        bad.write_text("this is not a PNG")
    elif damage == "truncated":
        bad.write_bytes(bad.read_bytes()[:-60])
    else:
        bad.write_bytes(b"")
    threads = threading.active_count()
    ds = load(directory, shuffle=False, batch_size=2)
    with pytest.raises(DatasetError, match=f"{bad}: cannot read this image"):
        for _ in ds:
            pass
    for _ in range(100):  # the read-ahead and decoding threads end
        if threading.active_count() <= threads:
            break
        threading.Event().wait(0.01)
    assert threading.active_count() <= threads


def test_mixed_sizes_and_colour_modes_become_one_shape(tmp_path):
    rng = np.random.default_rng(0)
    (tmp_path / "mix" / "only").mkdir(parents=True)
    for i, (mode, size) in enumerate([("L", (5, 9)), ("RGBA", (40, 31)), ("P", (12, 12)),
                                      ("RGB", (64, 3))]):
        write_image(tmp_path / "mix" / "only" / f"{i}.png", mode, size, rng)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x, y = next(iter(load(tmp_path / "mix", batch_size=4, image_size=(7, 7), seed=0)))
    assert x.shape == (4, 7, 7, 3) and np.isfinite(x).all() and y.tolist() == [0] * 4
