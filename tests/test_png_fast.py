"""numpynn.data.png_fast against Pillow: the same pixels for every row filter, colour type and
size it takes, None (Pillow's turn) for everything else and for damaged files."""
import io
import struct
import zlib

import numpy as np
import pytest

from numpynn import kernels
from numpynn.data import image_files, png_fast
from numpynn.datasets import DatasetError

pytest.importorskip("PIL", reason="the reference decoder is Pillow: pip install -e '.[images]'")
pytest.importorskip("numba", reason="the short path runs on the compiled kernels: "
                                    "pip install -e '.[fast]'")
from PIL import Image  # noqa: E402

MODES = {1: "L", 3: "RGB", 4: "RGBA"}
COLOR_TYPES = {1: 0, 3: 2, 4: 6}


def pillow_png(pixels, **options):
    """``pixels`` (h, w, c) uint8 written by Pillow (which picks the row filters itself)."""
    channels = pixels.shape[2]
    image = Image.fromarray(pixels[..., 0] if channels == 1 else pixels, MODES[channels])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", **options)
    return buffer.getvalue()


def _chunk(kind, body):
    return (struct.pack(">I", len(body)) + kind + body
            + struct.pack(">I", zlib.crc32(body, zlib.crc32(kind))))


def _predict(kind, a, b, c):
    if kind == 0:
        return 0
    if kind == 1:
        return a
    if kind == 2:
        return b
    if kind == 3:
        return (a + b) // 2
    p = a + b - c
    return min((abs(p - a), 0, a), (abs(p - b), 1, b), (abs(p - c), 2, c))[2]


def filtered_png(pixels, filters, interlace=0, depth=8):
    """A PNG of ``pixels`` whose row r is stored with filter ``filters[r % len(filters)]``,
    encoded here from the specification (independently of Pillow and of png_fast)."""
    height, width, channels = pixels.shape
    rows = pixels.reshape(height, width * channels).astype(int)
    raw = bytearray()
    for r in range(height):
        kind = filters[r % len(filters)]
        raw.append(kind)
        for i in range(width * channels):
            a = rows[r, i - channels] if i >= channels else 0
            b = rows[r - 1, i] if r > 0 else 0
            c = rows[r - 1, i - channels] if r > 0 and i >= channels else 0
            raw.append((rows[r, i] - _predict(kind, a, b, c)) % 256)
    header = struct.pack(">IIBBBBB", width, height, depth, COLOR_TYPES[channels], 0, 0,
                         interlace)
    return (png_fast.SIGNATURE + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(bytes(raw))) + _chunk(b"IEND", b""))


def pillow_pixels(data, channels):
    pixels = np.asarray(Image.open(io.BytesIO(data)).convert(MODES[channels]))
    return pixels.reshape(pixels.shape[:2] + (channels,))


@pytest.mark.parametrize("channels", [1, 3, 4])
@pytest.mark.parametrize("size", [(1, 1), (1, 7), (6, 1), (28, 28), (13, 40)])
def test_every_filter_gives_pillows_pixels(channels, size):
    rng = np.random.default_rng(sum(size) * channels)
    pixels = rng.integers(0, 256, size + (channels,), dtype=np.uint8)
    pixels[: size[0] // 2] //= 7  # smooth and noisy parts: every filter has work to do
    for filters in ([0], [1], [2], [3], [4], [0, 1, 2, 3, 4], [4, 3, 2, 1, 0]):
        data = filtered_png(pixels, filters)
        np.testing.assert_array_equal(pillow_pixels(data, channels), pixels)  # the encoder
        np.testing.assert_array_equal(png_fast.decode(data, channels), pixels)


@pytest.mark.parametrize("channels", [1, 3, 4])
def test_files_written_by_pillow_decode_to_the_same_pixels(channels):
    rng = np.random.default_rng(channels)
    y, x = np.mgrid[0:28, 0:31]
    for k in range(8):
        smooth = 120 + 100 * np.sin((k + 1) * 0.3 * y + rng.uniform(0, 1) * x)
        pixels = np.clip(smooth[..., None] + rng.normal(0, 5 * k, (28, 31, channels)),
                         0, 255).astype(np.uint8)
        for options in ({}, {"optimize": True}, {"compress_level": 0}):
            data = pillow_png(pixels, **options)
            np.testing.assert_array_equal(png_fast.decode(data, channels), pixels)


def test_what_it_does_not_take_goes_to_pillow():
    pixels = np.random.default_rng(0).integers(0, 256, (5, 6, 3), dtype=np.uint8)
    good = filtered_png(pixels, [4])
    assert png_fast.decode(good, 3) is not None
    assert png_fast.decode(good, 1) is None  # an RGB file asked for in grey
    assert png_fast.decode(good, 4) is None
    assert png_fast.decode(filtered_png(pixels, [4], interlace=1), 3) is None
    sixteen = io.BytesIO()
    Image.fromarray(pixels[..., 0].astype(np.uint16) * 250).save(sixteen, format="PNG")
    assert png_fast.decode(sixteen.getvalue(), 1) is None
    palette = io.BytesIO()
    Image.fromarray(pixels).convert("P").save(palette, format="PNG")
    assert png_fast.decode(palette.getvalue(), 3) is None
    jpeg = io.BytesIO()
    Image.fromarray(pixels).save(jpeg, format="JPEG")
    assert png_fast.decode(jpeg.getvalue(), 3) is None


def test_damaged_files_give_none():
    pixels = np.random.default_rng(1).integers(0, 256, (5, 6, 1), dtype=np.uint8)
    good = filtered_png(pixels, [1])
    idat = good.index(b"IDAT")
    flipped = bytearray(good)
    flipped[idat + 6] ^= 0xFF  # a byte of the compressed data: the CRC no longer matches
    raw = bytearray(zlib.decompress(good[idat + 4:good.index(b"IEND") - 8]))
    raw[0] = 9  # no such filter
    bad_filter = (good[:idat - 4] + _chunk(b"IDAT", zlib.compress(bytes(raw)))
                  + _chunk(b"IEND", b""))
    short_rows = (good[:idat - 4] + _chunk(b"IDAT", zlib.compress(bytes(raw[:-1])))
                  + _chunk(b"IEND", b""))
    not_zlib = good[:idat - 4] + _chunk(b"IDAT", b"not zlib") + _chunk(b"IEND", b"")
    for data in (bytes(flipped), good[:len(good) // 2], good[:-12], bad_filter, short_rows,
                 not_zlib, png_fast.SIGNATURE, b""):
        assert png_fast.decode(data, 1) is None


def test_read_image_takes_the_short_path_only_on_the_compiled_kernels(tmp_path, monkeypatch):
    pixels = np.random.default_rng(2).integers(0, 256, (9, 8, 1), dtype=np.uint8)
    path = tmp_path / "grey.png"
    path.write_bytes(pillow_png(pixels))
    calls = []
    decode = png_fast.decode
    monkeypatch.setattr(png_fast, "decode", lambda *a: calls.append(a) or decode(*a))
    for name in kernels.BACKENDS:
        with kernels.use(name):
            np.testing.assert_array_equal(image_files.read_image(path, "grayscale"), pixels)
            np.testing.assert_array_equal(image_files.read_image(path, "rgb"),
                                          np.repeat(pixels, 3, axis=2))
    assert len(calls) == 2  # numba: grayscale decoded here, rgb handed on to Pillow
    damaged = tmp_path / "damaged.png"
    damaged.write_bytes(path.read_bytes()[:60])  # cut inside the image data
    with kernels.use("numba"), pytest.raises(DatasetError, match="damaged.png"):
        image_files.read_image(damaged, "grayscale")
