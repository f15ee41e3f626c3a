"""Zip archives of JSON and ``.npy`` arrays, written plainly and read defensively.

Reading never trusts the file: member names are checked (no absolute paths, ``..``,
backslashes or duplicates), every member's *declared* uncompressed size is compared with a
limit before a single byte is inflated (zip bombs), arrays must carry the exact dtype and
shape the model expects (checked in the ``.npy`` header before the data is read) and are
read with ``allow_pickle=False``. Whatever the zip or JSON parsers raise on damaged bytes
becomes a :class:`ModelFileError`.
"""
import io
import json
import math
import re
import zipfile

import numpy as np
from numpy.lib import format as npy_format

from numpynn.saving.errors import ModelFileError

#: Largest JSON member read (config, compile settings, metadata).
JSON_LIMIT = 16 * 2**20
#: Largest ``.npy`` header accepted (NumPy itself writes a few hundred bytes).
NPY_HEADER_LIMIT = 2**16
MAX_MEMBERS = 10_000
#: Deflate expands its data at most about 1032 times: the most bytes of weights a loader
#: accepts per byte of the weights member (numpynn stores arrays uncompressed, 1 to 1).
MAX_INFLATION = 1032
_SAFE_NAME = re.compile(r"[A-Za-z0-9_\-][A-Za-z0-9_.\-]*(/[A-Za-z0-9_\-][A-Za-z0-9_.\-]*)*")


# -- writing --------------------------------------------------------------------------------
def npz_bytes(arrays):
    """An ``.npz`` (uncompressed zip of ``.npy``; ``numpy.load`` reads it) of ``{key: array}``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        for key, array in arrays.items():
            array = np.asarray(array, order="C")  # ascontiguousarray makes 0-d arrays 1-d
            with zf.open(key + ".npy", "w", force_zip64=array.nbytes > 2**30) as member:
                npy_format.write_array(member, array, allow_pickle=False)
    return buffer.getvalue()


def json_bytes(obj):
    """Strict JSON (no NaN/Infinity), UTF-8."""
    return json.dumps(obj, indent=1, allow_nan=False).encode("utf-8")


def write_zip(fileobj, members):
    """Write ``{name: bytes}``; ``.json`` members deflated, arrays stored as they are."""
    with zipfile.ZipFile(fileobj, "w") as zf:
        for name, data in members.items():
            compression = zipfile.ZIP_DEFLATED if name.endswith(".json") else zipfile.ZIP_STORED
            zf.writestr(name, data, compress_type=compression)


# -- reading --------------------------------------------------------------------------------
def _reject_constant(name):
    raise ValueError(f"non-standard JSON constant {name}")


class SafeZip:
    """Read-only view of a zip archive that refuses anything suspicious.

    Args:
        source: a file name, a binary file object, or ``bytes``.
        what: how error messages name the archive, e.g. ``"model file 'm.npnn'"``.
    """

    def __init__(self, source, what):
        self.what = what
        if isinstance(source, (bytes, bytearray)):
            source = io.BytesIO(source)
        try:
            size = source.seek(0, io.SEEK_END)
            source.seek(0)
            self.zip = zipfile.ZipFile(source)
            infos = self.zip.infolist()
        except Exception as err:  # any parser failure means: not a (valid) zip
            raise ModelFileError(f"{what} is not a valid zip archive ({err}).") from err
        if len(infos) > MAX_MEMBERS:
            raise ModelFileError(f"{what} has {len(infos)} members; at most {MAX_MEMBERS} "
                                 "are accepted.")
        self.infos = {}
        for info in infos:
            name = info.filename
            if not _SAFE_NAME.fullmatch(name) or ".." in name.split("/"):
                raise ModelFileError(f"{what} contains a member with an unsafe name {name!r} "
                                     "(absolute path, '..', or unusual characters).")
            if name in self.infos:
                raise ModelFileError(f"{what} contains the member {name!r} twice.")
            if info.compress_size > size:
                raise ModelFileError(f"{what}: member {name!r} declares {info.compress_size} "
                                     f"compressed bytes, more than the archive's {size}.")
            self.infos[name] = info

    def __contains__(self, name):
        return name in self.infos

    def names(self):
        return list(self.infos)

    def _info(self, name):
        info = self.infos.get(name)
        if info is None:
            raise ModelFileError(f"{self.what} has no member {name!r} (members: "
                                 f"{', '.join(self.infos) or 'none'}).")
        return info

    def unpacked_bound(self, name):
        """The most bytes member ``name`` can unpack to: its declared size, and no more than
        ``MAX_INFLATION`` times its compressed bytes (nothing is read)."""
        info = self._info(name)
        return min(info.file_size, MAX_INFLATION * info.compress_size)

    def read(self, name, limit):
        """The bytes of member ``name``, refusing a declared size over ``limit`` bytes."""
        info = self._info(name)
        if info.file_size > limit:
            raise ModelFileError(f"{self.what}: member {name!r} declares {info.file_size} bytes "
                                 f"uncompressed, more than the {limit} expected.")
        try:
            with self.zip.open(info) as member:
                data = member.read(limit + 1)
        except Exception as err:  # bad CRC, bad deflate stream, encrypted, unknown method...
            raise ModelFileError(f"{self.what}: member {name!r} is damaged ({err}).") from err
        if len(data) != info.file_size:
            raise ModelFileError(f"{self.what}: member {name!r} holds {len(data)} bytes but "
                                 f"declares {info.file_size}.")
        return data

    def read_json(self, name):
        """Parse a JSON member (strict: UTF-8, no NaN/Infinity)."""
        data = self.read(name, JSON_LIMIT)
        try:
            return json.loads(data.decode("utf-8"), parse_constant=_reject_constant)
        except (ValueError, RecursionError) as err:
            raise ModelFileError(f"{self.what}: {name!r} is not valid JSON ({err}).") from err

    def read_array(self, key, shape, dtype):
        """The array stored as ``key + ".npy"``; it must have exactly ``shape`` and ``dtype``."""
        shape, dtype = tuple(shape), np.dtype(dtype)
        nbytes = math.prod(shape) * dtype.itemsize
        data = self.read(key + ".npy", nbytes + NPY_HEADER_LIMIT)
        return parse_npy(data, shape, dtype, f"{self.what}: array {key!r}")


def parse_npy(data, shape, dtype, where):
    """Check an ``.npy`` header against ``shape``/``dtype``, then read it without pickle."""
    stream = io.BytesIO(data)
    try:
        version = npy_format.read_magic(stream)
        read_header = {(1, 0): npy_format.read_array_header_1_0,
                       (2, 0): npy_format.read_array_header_2_0}.get(version)
        if read_header is None:
            raise ValueError(f"unsupported .npy version {version}")
        file_shape, _, file_dtype = read_header(stream, max_header_size=NPY_HEADER_LIMIT)
    except Exception as err:
        raise ModelFileError(f"{where} has no valid .npy header ({err}).") from err
    if file_dtype.hasobject or file_dtype != dtype:
        raise ModelFileError(f"{where} has dtype {file_dtype}, expected {dtype}.")
    if tuple(file_shape) != shape:
        raise ModelFileError(f"{where} has shape {tuple(file_shape)}, expected {shape}.")
    if len(data) - stream.tell() != math.prod(shape) * dtype.itemsize:
        raise ModelFileError(f"{where} holds {len(data) - stream.tell()} data bytes, expected "
                             f"{math.prod(shape) * dtype.itemsize}.")
    stream.seek(0)
    try:
        return npy_format.read_array(stream, allow_pickle=False,
                                     max_header_size=NPY_HEADER_LIMIT)
    except Exception as err:
        raise ModelFileError(f"{where} cannot be read ({err}).") from err
