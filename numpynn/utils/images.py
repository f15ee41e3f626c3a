"""Read a picture file as a model input, the way MNIST-style training images look.

MNIST and Fashion-MNIST images are light objects on a black background, scaled here to
[0, 1]. A photo or drawing usually shows a dark object on a light background, so it is
inverted first (automatically when its border is mostly light). Needs Pillow
(`pip install numpynn[images]`), imported only when an image is read.
"""
import numpy as np


def _pillow():
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError as exc:
        raise ImportError("reading image files needs Pillow; install it with "
                          "`pip install numpynn[images]` (or `pip install pillow`)") from exc
    return Image, UnidentifiedImageError


def has_light_background(pixels):
    """Whether the border pixels of a [0, 1] grayscale image are mostly light (mean > 0.5)."""
    border = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    return float(border.mean()) > 0.5


def load_image(path, shape, invert=None):
    """A PNG/JPEG/... file as a float32 array of `shape`, values in [0, 1], 1 = ink.

    The image is converted to grayscale, inverted if asked (or, with `invert=None`, if
    its background is light), padded with background to a square so it keeps its aspect
    ratio, and resized to `shape` (height, width).

    Args:
        path: the image file.
        shape: `(height, width)` of the model's input, e.g. `(28, 28)`.
        invert: `True` to map 1 - x, `False` to keep, `None` to decide from the border.
            Defaults to `None`.

    Returns:
        float32 array of `shape`.
    """
    Image, UnidentifiedImageError = _pillow()
    try:
        with Image.open(path) as image:
            gray = image.convert("L")
    except UnidentifiedImageError:
        raise ValueError(f"{path} is not an image file Pillow can read.") from None
    pixels = np.asarray(gray, dtype=np.float32) / 255.0
    if invert is None:
        invert = has_light_background(pixels)
    if invert:
        pixels = 1.0 - pixels
    pixels = _pad_to_square(pixels)
    height, width = shape
    resized = Image.fromarray(np.round(pixels * 255).astype(np.uint8)).resize(
        (width, height), Image.Resampling.LANCZOS)
    return np.asarray(resized, dtype=np.float32) / 255.0


def _pad_to_square(pixels):
    """Pad a (h, w) image with 0 (the background after inversion) to a centred square."""
    height, width = pixels.shape
    side = max(height, width)
    top, left = (side - height) // 2, (side - width) // 2
    square = np.zeros((side, side), dtype=pixels.dtype)
    square[top:top + height, left:left + width] = pixels
    return square
