"""join_parts: rebuild files stored as NAME.part-00, NAME.part-01, ..."""
import pytest

from numpynn.datasets import DatasetError, join_parts


def _split(path, content, size):
    """Store `content` as `path.part-NN` pieces of `size` bytes, like `split -d -a 2`."""
    for index, start in enumerate(range(0, len(content), size)):
        path.with_name(f"{path.name}.part-{index:02d}").write_bytes(content[start:start + size])


def test_joins_parts_in_numeric_order_and_copies_whole_files(tmp_path):
    src, dst = tmp_path / "src", tmp_path / "dst"
    src.mkdir()
    big = bytes(range(256)) * 50
    _split(src / "big.gz", big, 1000)  # 13 parts: part-10 must follow part-09
    (src / "small.gz").write_bytes(b"whole file")
    (src / "sub").mkdir()

    written = join_parts(src, dst)

    assert written == [dst / "big.gz", dst / "small.gz"]
    assert (dst / "big.gz").read_bytes() == big
    assert (dst / "small.gz").read_bytes() == b"whole file"
    assert sorted(p.name for p in dst.iterdir()) == ["big.gz", "small.gz"]


def test_numbering_beyond_two_digits(tmp_path):
    for index in (0, 1, 100):
        (tmp_path / f"f.part-{index}").write_bytes(b"x")
    with pytest.raises(DatasetError, match=r"f is missing part\(s\) \[2, 3"):
        join_parts(tmp_path, tmp_path / "out")


def test_missing_part_is_reported(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    _split(src / "a.gz", bytes(30), 10)
    (src / "a.gz.part-01").unlink()
    with pytest.raises(DatasetError, match=r"a.gz is missing part\(s\) \[1\]; found parts \[0, 2\]"):
        join_parts(src, tmp_path / "dst")


def test_missing_source_folder(tmp_path):
    with pytest.raises(DatasetError, match="not a folder"):
        join_parts(tmp_path / "absent", tmp_path / "dst")


def test_rerun_overwrites_and_leaves_no_temporary_files(tmp_path):
    src, dst = tmp_path / "src", tmp_path / "dst"
    src.mkdir()
    _split(src / "a", b"0123456789", 4)
    join_parts(src, dst)
    _split(src / "a", b"abcdefghij", 4)
    join_parts(src, dst)
    assert (dst / "a").read_bytes() == b"abcdefghij"
    assert [p.name for p in dst.iterdir()] == ["a"]
