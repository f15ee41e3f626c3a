"""Image files <-> NumPy arrays, as ``keras.utils``: ``load_img``, ``img_to_array``,
``array_to_img``, ``save_img``, and ``read_image`` (a whole decode with errors that name the
file). PNG, JPEG, BMP and GIF (its first frame), through Pillow, an optional dependency
(``pip install numpynn[images]``) imported when an image is first read or written."""
import io
import os
import pathlib
import warnings

import numpy as np

from numpynn import backend
from numpynn.data import png_fast
from numpynn.datasets.errors import DatasetError

COLOR_MODES = {"grayscale": 1, "rgb": 3, "rgba": 4}
PIL_INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def pillow():
    """Pillow's ``Image`` module, or an ImportError that says how to install it."""
    try:
        from PIL import Image
    except ImportError as error:
        raise ImportError("Reading and writing image files needs Pillow: pip install "
                          "'numpynn[images]' (or pip install pillow).") from error
    return Image


def check_color_mode(color_mode):
    if color_mode not in COLOR_MODES:
        raise ValueError(f"color_mode must be 'grayscale', 'rgb' or 'rgba', got {color_mode!r}.")
    return COLOR_MODES[color_mode]


def _data_format(data_format):
    if data_format not in (None, "channels_last"):
        raise ValueError(f"numpynn's images are channels_last (height, width, channels); got "
                         f"data_format={data_format!r}. Move the axis with np.moveaxis.")


#: Pillow's format for a file's extension, tried first: a guess Pillow then need not make
EXTENSION_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".bmp": "BMP",
                     ".gif": "GIF"}


def _open(path, data=None):
    """A fully decoded Pillow image of ``path`` (a path or a file object); ``data``: the
    file's bytes, where they were read already."""
    image_module = pillow()
    name = path if isinstance(path, (str, pathlib.Path)) else getattr(path, "name", "<file>")
    try:
        if isinstance(path, (str, pathlib.Path, bytes)):
            if data is None:
                with open(path, "rb") as file:
                    data = file.read()
            image = _open_bytes(image_module, data, os.fsdecode(path))
        elif hasattr(path, "read"):
            image = image_module.open(path)
        else:
            raise TypeError(f"path should be a path or a file object, not "
                            f"{type(path).__name__}.")
        image.load()
    except (FileNotFoundError, IsADirectoryError, TypeError):
        raise
    except (OSError, SyntaxError, ValueError, EOFError,
            image_module.DecompressionBombError) as error:
        raise DatasetError(f"{name}: cannot read this image ({type(error).__name__}: {error}); "
                           "the file is damaged, truncated, or not a PNG, JPEG, BMP or GIF "
                           "image. Replace it or remove it from the folder.") from error
    return image


def _open_bytes(image_module, data, path):
    """Pillow's image of a file's bytes: read as its extension says, else (no extension we
    know, or one that does not match the contents) as Pillow recognises it."""
    guess = EXTENSION_FORMATS.get(os.path.splitext(path)[1].lower())
    if guess is not None:
        try:
            return image_module.open(io.BytesIO(data), formats=[guess])
        except image_module.UnidentifiedImageError:
            pass
    return image_module.open(io.BytesIO(data))


def _pixels(image):
    """A decoded Pillow image's pixels, (height, width, channels). 8-bit images come
    straight from their bytes: NumPy's route through Pillow's array interface takes as
    long as decoding a small PNG."""
    if image.mode in ("L", "RGB", "RGBA"):
        pixels = np.frombuffer(bytearray(image.tobytes()), np.uint8)
        return pixels.reshape(image.height, image.width, len(image.mode))
    pixels = np.asarray(image)
    return pixels[:, :, None] if pixels.ndim == 2 else pixels


def _convert(image, color_mode):
    check_color_mode(color_mode)
    if color_mode == "grayscale":
        return image if image.mode in ("L", "I;16", "I") else image.convert("L")
    wanted = color_mode.upper()
    return image if image.mode == wanted else image.convert(wanted)


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest",
             keep_aspect_ratio=False):
    """An image file as a Pillow image, converted to ``color_mode`` and optionally resized
    with Pillow, as ``keras.utils.load_img``.

    Args:
        path: path or file object of the image.
        color_mode: ``"grayscale"``, ``"rgb"`` or ``"rgba"``. Defaults to `"rgb"`.
        target_size: `None` (the file's size) or ``(height, width)``.
        interpolation: Pillow's resampling: ``"nearest"`` (default), ``"bilinear"``,
            ``"bicubic"``, ``"hamming"``, ``"box"`` or ``"lanczos"``.
        keep_aspect_ratio: crop the centre to the target's aspect ratio before resizing.
            Defaults to `False`.

    Raises:
        DatasetError: the file is not an image Pillow can read (the message names it).
    """
    image = _convert(_open(path), color_mode)
    if target_size is None or image.size == (target_size[1], target_size[0]):
        return image
    if interpolation not in PIL_INTERPOLATIONS:
        raise ValueError(f"interpolation must be one of {', '.join(PIL_INTERPOLATIONS)}, got "
                         f"{interpolation!r}.")
    resample = getattr(pillow().Resampling, interpolation.upper())
    width, height = image.size
    target_height, target_width = target_size
    box = None
    if keep_aspect_ratio:
        crop_height = min(height, (width * target_height) // target_width)
        crop_width = min(width, (height * target_width) // target_height)
        top, left = (height - crop_height) // 2, (width - crop_width) // 2
        box = (left, top, left + crop_width, top + crop_height)
    return image.resize((target_width, target_height), resample, box=box)


def img_to_array(img, data_format=None, dtype=None):
    """A Pillow image as a (height, width, channels) array of ``dtype`` (default floatx)."""
    _data_format(data_format)
    array = np.asarray(img, dtype=dtype or backend.floatx())
    if array.ndim == 2:
        return array[:, :, None]
    if array.ndim != 3:
        raise ValueError(f"Unsupported image shape: {array.shape}.")
    return array


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A (height, width, channels) array as a Pillow image (1 channel: gray, 3: RGB,
    4: RGBA); with ``scale`` the values are first mapped linearly onto 0-255."""
    _data_format(data_format)
    image_module = pillow()
    x = np.array(x, dtype=dtype or backend.floatx())
    if x.ndim != 3:
        raise ValueError(f"Expected an image array of rank 3 (height, width, channels), got "
                         f"shape {x.shape}.")
    if scale:
        x = x - x.min()
        if x.max() != 0:
            x /= x.max()
        x *= 255
    channels = x.shape[2]
    if channels == 1:
        if x.max() > 255:
            return image_module.fromarray(x[:, :, 0].astype(np.int32), "I")
        return image_module.fromarray(x[:, :, 0].astype(np.uint8), "L")
    if channels in (3, 4):
        return image_module.fromarray(x.astype(np.uint8), "RGB" if channels == 3 else "RGBA")
    raise ValueError(f"Unsupported channel number: {channels} (expected 1, 3 or 4).")


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Save a (height, width, channels) array as an image file; the format comes from the
    file name unless ``file_format`` is given; other arguments go to Pillow's ``save``."""
    if file_format is None and isinstance(path, (str, pathlib.Path)):
        file_format = pathlib.Path(path).suffix[1:].lower()
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    image = array_to_img(x, data_format=data_format, scale=scale)
    if image.mode == "RGBA" and file_format == "jpeg":
        warnings.warn("The JPEG format does not support RGBA images, converting to RGB.")
        image = image.convert("RGB")
    image.save(path, format=file_format, **kwargs)


def read_image(path, color_mode="rgb"):
    """The pixels of an image file as a (height, width, channels) array (uint8; uint16 or
    int32 for 16- and 32-bit gray files in ``"grayscale"``), converted to ``color_mode``.

    With the compiled kernels, a plain 8-bit PNG already in ``color_mode`` is decoded by
    ``numpynn.data.png_fast`` (the same pixels, a third of Pillow's time on small files);
    every other file by Pillow.

    Raises:
        DatasetError: the file is damaged, truncated or not an image (the message names it).
    """
    data = None
    if isinstance(path, (str, pathlib.Path, bytes)) and png_fast.available():
        with open(path, "rb") as file:
            data = file.read()
        pixels = png_fast.decode(data, check_color_mode(color_mode))
        if pixels is not None:
            return pixels
    return _pixels(_convert(_open(path, data), color_mode))
