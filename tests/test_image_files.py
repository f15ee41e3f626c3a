"""load_img, img_to_array, array_to_img, save_img and read_image, against Keras' (both run
Pillow), and their errors."""
import io
import sys

import numpy as np
import pytest

import numpynn as keras
from numpynn.data.image_files import read_image
from numpynn.datasets import DatasetError
from tests import references
from tests.image_folder_helpers import FORMATS, write_image

pytest.importorskip("PIL", reason="image files need Pillow: pip install -e '.[images]'")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("files")
    rng = np.random.default_rng(1)
    return [write_image(folder / f"img{i}.{ext}", mode, size, rng)
            for i, (ext, mode, size) in enumerate(FORMATS)]


@pytest.mark.parametrize("color_mode", ["rgb", "grayscale", "rgba"])
@pytest.mark.parametrize("options", [{}, {"target_size": (10, 7)},
                                     {"target_size": (9, 9), "interpolation": "bilinear"},
                                     {"target_size": (6, 12), "keep_aspect_ratio": True}])
def test_load_img_and_img_to_array_are_keras(files, color_mode, options):
    theirs = references.keras().utils
    for path in files:
        ours = keras.utils.img_to_array(keras.utils.load_img(path, color_mode, **options))
        expected = theirs.img_to_array(theirs.load_img(path, color_mode, **options))
        assert ours.dtype == expected.dtype == np.float32
        np.testing.assert_array_equal(ours, expected)


def test_read_image_is_the_pixels_in_the_colour_mode(files):
    for path in files:
        rgb = read_image(path, "rgb")
        assert rgb.dtype == np.uint8 and rgb.ndim == 3 and rgb.shape[2] == 3
        assert read_image(path, "grayscale").shape == rgb.shape[:2] + (1,)
        assert read_image(path, "rgba").shape == rgb.shape[:2] + (4,)
    np.testing.assert_array_equal(read_image(files[0]),
                                  keras.utils.img_to_array(keras.utils.load_img(files[0])))


def test_read_image_is_writable_and_equals_numpy_through_pillow(files):
    from PIL import Image
    for path in files:
        for color_mode, mode in (("rgb", "RGB"), ("grayscale", "L"), ("rgba", "RGBA")):
            pixels = read_image(path, color_mode)
            with Image.open(path) as image:
                expected = np.asarray(image.convert(mode))
            np.testing.assert_array_equal(pixels, expected.reshape(pixels.shape))
            pixels[0, 0] = 0  # the caller's own array


def test_a_file_whose_extension_lies_is_read_by_its_contents(tmp_path, files):
    for path in files:
        renamed = tmp_path / (path.stem + (".png" if path.suffix != ".png" else ".jpg"))
        renamed.write_bytes(path.read_bytes())
        np.testing.assert_array_equal(read_image(renamed), read_image(path))


@pytest.mark.parametrize("shape, scale", [((5, 6, 1), True), ((5, 6, 3), False),
                                          ((5, 6, 4), True), ((4, 4, 1), False)])
def test_array_to_img_and_save_img_are_keras(tmp_path, shape, scale):
    theirs = references.keras().utils
    x = np.random.default_rng(2).uniform(0, 255 if not scale else 3, shape)
    if shape == (4, 4, 1):
        x = x * 1000  # above 255 without scaling: a 32-bit gray image
    ours, expected = keras.utils.array_to_img(x, scale=scale), theirs.array_to_img(x, scale=scale)
    assert ours.mode == expected.mode
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(expected))
    if ours.mode != "I":
        keras.utils.save_img(tmp_path / "a.png", x, scale=scale)
        theirs.save_img(tmp_path / "b.png", x, scale=scale)
        assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()


def test_save_img_as_jpeg_drops_alpha_with_a_warning(tmp_path):
    x = np.random.default_rng(3).uniform(0, 255, (6, 5, 4))
    with pytest.warns(UserWarning, match="JPEG format does not support RGBA"):
        keras.utils.save_img(tmp_path / "a.jpg", x)
    assert keras.utils.load_img(tmp_path / "a.jpg").size == (5, 6)
    buffer = io.BytesIO()
    keras.utils.save_img(buffer, x[..., :3], file_format="png")
    buffer.seek(0)
    assert keras.utils.load_img(buffer).size == (5, 6)


@pytest.mark.parametrize("content", [b"", b"GIF89a", b"\x89PNG\r\n\x1a\n" + b"\0" * 40,
                                     "a text file".encode()])
def test_a_bad_file_is_named(tmp_path, content):
    path = tmp_path / "broken.png"
    path.write_bytes(content)
    with pytest.raises(DatasetError, match=f"{path}: cannot read this image"):
        keras.utils.load_img(path)
    with pytest.raises(DatasetError, match="Replace it or remove it"):
        read_image(str(path))


def test_missing_files_and_bad_arguments(tmp_path, files):
    with pytest.raises(FileNotFoundError):
        keras.utils.load_img(tmp_path / "missing.png")
    with pytest.raises(ValueError, match="color_mode must be"):
        keras.utils.load_img(files[0], color_mode="hsv")
    with pytest.raises(ValueError, match="interpolation must be one of"):
        keras.utils.load_img(files[0], target_size=(3, 3), interpolation="cubic")
    with pytest.raises(ValueError, match="rank 3"):
        keras.utils.array_to_img(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="Unsupported channel number: 2"):
        keras.utils.array_to_img(np.zeros((4, 4, 2)))
    with pytest.raises(ValueError, match="channels_last"):
        keras.utils.img_to_array(keras.utils.load_img(files[0]), data_format="channels_first")


def test_without_pillow_the_error_says_how_to_install_it(monkeypatch, files):
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match=r"pip install 'numpynn\[images\]'"):
        keras.utils.load_img(files[0])
