"""IDX reader and writer: round trips and every way a file can be broken."""
import gzip

import numpy as np
import pytest

from numpynn.datasets import DatasetError, read_idx, write_idx
from numpynn.datasets.idx import magic_number


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "float32", "float64"])
@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 5), (1, 2, 1, 3)])
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_round_trip(tmp_path, dtype, shape, suffix):
    rng = np.random.default_rng(0)
    array = (rng.standard_normal(shape) * 100).astype(dtype)
    path = write_idx(tmp_path / f"a.idx{suffix}", array)
    result = read_idx(path)
    assert result.dtype == np.dtype(dtype) and result.dtype.isnative
    assert result.shape == shape
    np.testing.assert_array_equal(result, array)
    result[...] = 0  # a writable copy, as Keras returns


def test_mnist_magic_numbers(tmp_path):
    assert magic_number(np.uint8, 3) == 2051
    assert magic_number(np.uint8, 1) == 2049
    images = write_idx(tmp_path / "images", np.zeros((2, 28, 28), np.uint8))
    labels = write_idx(tmp_path / "labels", np.zeros(2, np.uint8))
    assert images.read_bytes()[:4] == (2051).to_bytes(4, "big")
    assert labels.read_bytes()[:4] == (2049).to_bytes(4, "big")


def test_big_endian_on_disk(tmp_path):
    path = write_idx(tmp_path / "a", np.array([1, 256], np.int16))
    assert path.read_bytes() == bytes([0, 0, 0x0B, 1, 0, 0, 0, 2, 0, 1, 1, 0])


def test_gzip_is_detected_by_content_not_name(tmp_path):
    array = np.arange(12, dtype=np.uint8).reshape(3, 4)
    gz = write_idx(tmp_path / "a.gz", array)
    renamed = gz.rename(tmp_path / "no-suffix")
    np.testing.assert_array_equal(read_idx(renamed), array)


def test_gzip_output_is_reproducible(tmp_path):
    array = np.arange(10, dtype=np.uint8)
    first = write_idx(tmp_path / "a.gz", array).read_bytes()
    second = write_idx(tmp_path / "b.gz", array).read_bytes()
    assert first == second


@pytest.mark.parametrize("array", [np.zeros(3, np.int64), np.zeros(3, bool), np.float32(1.0)])
def test_writer_rejects_what_idx_cannot_hold(tmp_path, array):
    with pytest.raises(ValueError, match="IDX|dimensions"):
        write_idx(tmp_path / "a", array)


def _write_bytes(path, content, compress=False):
    path.write_bytes(gzip.compress(content) if compress else content)
    return path


def _header(code, *shape):
    return bytes([0, 0, code, len(shape)]) + b"".join(n.to_bytes(4, "big") for n in shape)


# (bytes of a broken file, words its error message must contain)
BROKEN = {
    "empty": (b"", ["truncated", "0 bytes"]),
    "short magic": (b"\x00\x00", ["truncated", "magic number"]),
    "nonzero first bytes": (b"\x01\x00\x08\x01" + bytes(8), ["not an IDX file", "two zero bytes"]),
    "text file": (b"hello world\n", ["not an IDX file"]),
    "unknown type": (b"\x00\x00\x07\x01" + (1).to_bytes(4, "big") + b"x", ["unknown IDX element type 0x07"]),
    "zero dimensions": (b"\x00\x00\x08\x00", ["0 dimensions"]),
    "truncated header": (_header(0x08, 5, 5, 5)[:10], ["truncated header", "3 dimensions", "16-byte header"]),
    "truncated data": (_header(0x08, 2, 3) + bytes(5), ["truncated", "shape (2, 3)", "6 bytes", "5 bytes follow"]),
    "too long": (_header(0x08, 2, 3) + bytes(9), ["too long", "6 bytes", "9 bytes follow"]),
    "truncated int32 data": (_header(0x0C, 3) + bytes(11), ["truncated", "int32", "12 bytes", "11 bytes follow"]),
}


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("case", BROKEN)
def test_broken_files_raise_dataset_error_naming_file_and_problem(tmp_path, case, compress):
    content, words = BROKEN[case]
    path = _write_bytes(tmp_path / "broken-file", content, compress)
    with pytest.raises(DatasetError) as info:
        read_idx(path)
    message = str(info.value)
    assert str(path) in message
    for word in words:
        assert word in message


def test_dataset_error_is_a_value_error():
    assert issubclass(DatasetError, ValueError)


@pytest.mark.parametrize("keep", [0.2, 0.5, 0.9, 0.999])
def test_truncated_gzip_stream(tmp_path, keep):
    rng = np.random.default_rng(1)
    whole = write_idx(tmp_path / "whole.gz", rng.integers(0, 256, (50, 28, 28), dtype=np.uint8)).read_bytes()
    path = _write_bytes(tmp_path / "cut.gz", whole[: int(len(whole) * keep)])
    with pytest.raises(DatasetError, match="gzip stream is truncated or corrupt") as info:
        read_idx(path)
    assert str(path) in str(info.value)
    assert "fetch it again" in str(info.value)


def test_corrupt_gzip_stream(tmp_path):
    whole = bytearray(write_idx(tmp_path / "whole.gz", np.arange(1000, dtype=np.int32)).read_bytes())
    whole[-6] ^= 0xFF  # flips bits of the stored CRC-32
    path = _write_bytes(tmp_path / "corrupt.gz", bytes(whole))
    with pytest.raises(DatasetError, match="truncated or corrupt"):
        read_idx(path)


@pytest.mark.parametrize(
    "array, dtype, ndim, words",
    [
        (np.zeros((2, 28, 28), np.uint8), np.uint8, 1, ["2051", "3-D uint8", "expected a 1-D uint8", "2049"]),
        (np.zeros(4, np.uint8), np.uint8, 3, ["2049", "1-D uint8", "expected a 3-D uint8", "2051"]),
        (np.zeros((2, 2), np.float32), np.uint8, 2, ["2-D float32", "expected a 2-D uint8"]),
    ],
)
def test_expected_dtype_and_ndim(tmp_path, array, dtype, ndim, words):
    path = write_idx(tmp_path / "a", array)
    with pytest.raises(DatasetError) as info:
        read_idx(path, dtype=dtype, ndim=ndim)
    for word in words:
        assert word in str(info.value)


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_idx(tmp_path / "nothing-here")
