"""A short path for the PNG files image folders are mostly made of, with the compiled kernels.

Pillow spends some 30 us of Python on each file it opens, whatever its size: for the small
pictures of a Fashion-MNIST folder (28 x 28 grey PNGs) that is more than the training step
spends on the image. The files most folders hold are simple, though: 8 bits per channel,
grey, RGB or RGBA, not interlaced. For those, ``decode`` walks the chunks (each checked
against its CRC), inflates the image data with zlib, and undoes the row filters with a
compiled loop (``numpynn.kernels.png_rows``): the same pixels in about a third of the time.

Anything else, and anything that does not add up (a bad CRC, a truncated stream, an
unknown filter), gives ``None``: the caller then reads the file with Pillow, which decodes
what this does not and names what is wrong with a damaged file.
"""
import struct
import zlib

import numpy as np

from numpynn import kernels

SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: PNG colour type -> channels, for the types taken here: grey, RGB, RGBA
CHANNELS = {0: 1, 2: 3, 6: 4}
#: larger images go to Pillow (its per-file cost no longer matters, and it guards against
#: decompression bombs)
MAX_PIXELS = 1 << 22


def available():
    """Whether the short path runs: on the compiled kernels only (NumPy cannot vectorise
    the row filters, and Pillow is faster than a Python loop over bytes)."""
    return kernels.backend() == "numba"


def _chunks(data):
    """``(type, body)`` of each chunk up to IEND, or None if a chunk is cut short, fails its
    CRC, or IEND never comes."""
    chunks, position = [], len(SIGNATURE)
    while position + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        end = position + 12 + length
        if end > len(data):
            return None
        body = data[position + 8:end - 4]
        if zlib.crc32(body, zlib.crc32(kind)) != struct.unpack(">I", data[end - 4:end])[0]:
            return None
        if kind == b"IEND":
            return chunks
        chunks.append((kind, body))
        position = end
    return None


def decode(data, channels):
    """The pixels of a PNG file's bytes as a (height, width, ``channels``) uint8 array, or
    None where the file is not an 8-bit, non-interlaced PNG with that many channels (1 grey,
    3 RGB, 4 RGBA), or is damaged."""
    if not data.startswith(SIGNATURE):
        return None
    chunks = _chunks(data)
    if not chunks or chunks[0][0] != b"IHDR" or len(chunks[0][1]) != 13:
        return None
    width, height, depth, color, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", chunks[0][1])
    if (depth != 8 or CHANNELS.get(color) != channels or compression or filtering
            or interlace or not 0 < width * height <= MAX_PIXELS):
        return None
    try:
        raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    except zlib.error:
        return None
    stride = width * channels
    if len(raw) != height * (stride + 1):
        return None
    from numpynn.kernels import png_rows
    pixels = np.empty((height, stride), np.uint8)
    if not png_rows.unfilter(np.frombuffer(raw, np.uint8), height, stride, channels, pixels):
        return None
    return pixels.reshape(height, width, channels)
