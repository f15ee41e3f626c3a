"""Read and write IDX files, the format of MNIST and Fashion-MNIST.

An IDX file is a header followed by the array's elements in C order, big-endian:

    byte 0, 1   0x00 0x00
    byte 2      element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
                0x0D float32, 0x0E float64
    byte 3      number of dimensions, ndim
    then        ndim sizes, each a big-endian uint32

Read as one big-endian integer, the first four bytes are the "magic number":
2051 (0x00000803) for MNIST's uint8 3-D image files, 2049 (0x00000801) for its
uint8 1-D label files. Files may be gzip-compressed; `read_idx` looks at the
content, not the file name, to tell.
"""
import gzip
import os
import struct
import zlib

import numpy as np

from numpynn.datasets.errors import DatasetError

# IDX type code -> NumPy dtype as stored (big-endian).
_DTYPES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODES = {dtype.newbyteorder("="): code for code, dtype in _DTYPES.items()}
_GZIP_MAGIC = b"\x1f\x8b"


def magic_number(dtype, ndim):
    """The IDX magic number of an array of `dtype` with `ndim` dimensions."""
    return _type_code(np.dtype(dtype)) << 8 | ndim


def read_idx(path, dtype=None, ndim=None):
    """Read an IDX file (plain or gzip-compressed) into a NumPy array.

    Args:
        path: the file to read.
        dtype: the element type the file must hold, e.g. `np.uint8`, or `None`
            to accept any. Defaults to `None`.
        ndim: the number of dimensions the file must hold, or `None` to accept
            any. Defaults to `None`.

    Returns:
        A writable array in native byte order with the shape the header declares.

    Raises:
        DatasetError: the file is not IDX, is truncated (the header, the data or
            the gzip stream), holds more bytes than its header declares, or
            does not hold the expected `dtype`/`ndim`.
    """
    content = _read_bytes(path)
    if len(content) < 4:
        raise DatasetError(f"{path}: truncated: {len(content)} bytes, too short for the 4-byte IDX magic number")
    zero0, zero1, code, file_ndim = content[:4]
    magic = int.from_bytes(content[:4], "big")
    if zero0 or zero1:
        raise DatasetError(
            f"{path}: not an IDX file: magic number {magic} (0x{magic:08x}) does not start with two zero bytes"
        )
    if code not in _DTYPES:
        raise DatasetError(
            f"{path}: magic number {magic} (0x{magic:08x}) names unknown IDX element type 0x{code:02x}; "
            f"known types: {', '.join(f'0x{c:02x} {d.name}' for c, d in _DTYPES.items())}"
        )
    if file_ndim == 0:
        raise DatasetError(f"{path}: magic number {magic} (0x{magic:08x}) declares 0 dimensions")
    file_dtype = _DTYPES[code]
    _check_expected(path, magic, file_dtype, file_ndim, dtype, ndim)

    header_size = 4 + 4 * file_ndim
    if len(content) < header_size:
        raise DatasetError(
            f"{path}: truncated header: {file_ndim} dimensions need a {header_size}-byte header, "
            f"the file has only {len(content)} bytes; delete it and fetch it again"
        )
    shape = struct.unpack(f">{file_ndim}I", content[4:header_size])
    expected = int(np.prod(shape, dtype=np.int64)) * file_dtype.itemsize
    found = len(content) - header_size
    if found != expected:
        problem = "truncated" if found < expected else "too long"
        raise DatasetError(
            f"{path}: {problem}: the header declares shape {shape} of {file_dtype.newbyteorder('=').name}, "
            f"which is {expected} bytes of data, but {found} bytes follow the header; "
            f"the file is damaged or incomplete: delete it and fetch it again"
        )
    data = np.frombuffer(content, dtype=file_dtype, offset=header_size)
    return data.astype(file_dtype.newbyteorder("="), copy=True).reshape(shape)


def write_idx(path, array):
    """Write `array` as an IDX file; gzip-compress it if `path` ends with `.gz`.

    Args:
        path: the file to write.
        array: array-like of uint8, int8, int16, int32, float32 or float64 with
            at least one dimension.

    Returns:
        `path`.
    """
    array = np.asarray(array)
    code = _type_code(array.dtype)
    if array.ndim == 0 or array.ndim > 255:
        raise ValueError(f"write_idx needs an array with 1 to 255 dimensions, got ndim={array.ndim}")
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    payload = header + np.ascontiguousarray(array, dtype=_DTYPES[code]).tobytes()
    if os.fspath(path).endswith(".gz"):
        # No file name and mtime=0 in the gzip header: the same array always
        # gives the same bytes, and so the same checksum.
        with open(path, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as f:
            f.write(payload)
    else:
        with open(path, "wb") as f:
            f.write(payload)
    return path


def _type_code(dtype):
    try:
        return _CODES[dtype.newbyteorder("=")]
    except KeyError:
        names = ", ".join(d.name for d in _CODES)
        raise ValueError(f"IDX files hold {names}; got {dtype}; convert with array.astype(...)") from None


def _read_bytes(path):
    """The file's bytes, gunzipped if it is gzip-compressed."""
    with open(path, "rb") as f:
        content = f.read()
    if not content.startswith(_GZIP_MAGIC):
        return content
    try:
        return gzip.decompress(content)
    except (EOFError, OSError, zlib.error) as exc:
        raise DatasetError(
            f"{path}: the gzip stream is truncated or corrupt ({exc}); delete the file and fetch it again"
        ) from exc


def _check_expected(path, magic, file_dtype, file_ndim, dtype, ndim):
    file_dtype = file_dtype.newbyteorder("=")
    want_dtype = file_dtype if dtype is None else np.dtype(dtype)
    want_ndim = file_ndim if ndim is None else ndim
    if (want_dtype, want_ndim) != (file_dtype, file_ndim):
        want = magic_number(want_dtype, want_ndim)
        raise DatasetError(
            f"{path}: magic number {magic} (0x{magic:08x}) means a {file_ndim}-D {file_dtype.name} array, "
            f"expected a {want_ndim}-D {want_dtype.name} array (magic number {want} (0x{want:08x}))"
        )
