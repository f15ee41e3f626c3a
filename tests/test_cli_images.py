"""Reading picture files as model inputs (`numpynn.utils.images`), as `numpynn predict` does."""
import numpy as np
import pytest

from numpynn.utils import images

Image = pytest.importorskip("PIL.Image", reason="reading pictures needs Pillow (numpynn[images])")


def save(path, pixels, mode="L"):
    Image.fromarray(np.asarray(pixels, dtype=np.uint8)).convert(mode).save(path)
    return str(path)


def test_a_light_background_is_inverted_to_white_on_black(tmp_path):
    pixels = np.full((28, 28), 255)
    pixels[10:18, 10:18] = 0  # a black square on white
    x = images.load_image(save(tmp_path / "a.png", pixels, "RGB"), (28, 28))
    assert x.dtype == np.float32 and x.shape == (28, 28)
    assert x[14, 14] == pytest.approx(1.0) and x[0, 0] == pytest.approx(0.0)


@pytest.mark.parametrize("invert, corner", [(None, 0.0), (False, 0.0), (True, 1.0)])
def test_a_dark_background_is_kept_unless_inversion_is_asked(tmp_path, invert, corner):
    pixels = np.zeros((28, 28))
    pixels[10:18, 10:18] = 255
    x = images.load_image(save(tmp_path / "a.png", pixels), (28, 28), invert=invert)
    assert x[0, 0] == pytest.approx(corner) and x[14, 14] == pytest.approx(1.0 - corner)


def test_a_wide_picture_keeps_its_aspect_ratio(tmp_path):
    """A white 20x40 rectangle fills the middle half of the rows of a 28x28 input."""
    x = images.load_image(save(tmp_path / "wide.png", np.full((20, 40), 255)), (14, 14),
                          invert=False)
    assert x.shape == (14, 14)
    rows = x.mean(axis=1)
    assert rows[:3].max() < 0.05 and rows[-3:].max() < 0.05 and rows[5:9].min() > 0.95


def test_a_file_that_is_not_a_picture_raises(tmp_path):
    path = tmp_path / "x.png"
    path.write_text("hello")
    with pytest.raises(ValueError, match="is not an image file"):
        images.load_image(str(path), (28, 28))
