"""Join files stored as numbered parts (`split -b 3M -d -a 2 FILE FILE.part-`)."""
import os
import re
import shutil
import tempfile
from pathlib import Path

from numpynn.datasets.errors import DatasetError

_PART = re.compile(r"^(?P<name>.+)\.part-(?P<index>\d+)$")


def join_parts(src_dir, dst_dir):
    """Rebuild whole files from `src_dir` in `dst_dir`.

    Every group `NAME.part-00`, `NAME.part-01`, ... is concatenated in numeric
    order into `dst_dir/NAME`; every other regular file is copied unchanged.
    Each output is written to a temporary file and renamed into place, so a
    reader never sees half a file.

    Args:
        src_dir: folder holding the parts (and maybe whole files).
        dst_dir: folder to write the whole files to; created if missing.

    Returns:
        The sorted list of `Path`s written in `dst_dir`.

    Example:
        >>> join_parts("shared/datasets/fashion-mnist", "fashion-mnist")  # doctest: +SKIP
        >>> fashion_mnist.load_data(path="fashion-mnist")                 # doctest: +SKIP
    """
    src_dir, dst_dir = Path(src_dir), Path(dst_dir)
    if not src_dir.is_dir():
        raise DatasetError(f"{src_dir}: not a folder; join_parts needs the folder that holds the .part-NN files")
    parts, whole = {}, []
    for entry in sorted(src_dir.iterdir()):
        if not entry.is_file():
            continue
        match = _PART.match(entry.name)
        if match:
            parts.setdefault(match["name"], []).append((int(match["index"]), entry))
        else:
            whole.append(entry)

    dst_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, numbered in parts.items():
        numbered.sort()
        indices = [index for index, _ in numbered]
        if indices != list(range(len(indices))):
            missing = sorted(set(range(max(indices) + 1)) - set(indices))
            raise DatasetError(f"{src_dir}: {name} is missing part(s) {missing}; found parts {indices}")
        written.append(_write_atomically(dst_dir / name, [path for _, path in numbered]))
    for path in whole:
        written.append(_write_atomically(dst_dir / path.name, [path]))
    return sorted(written)


def _write_atomically(target, sources):
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            for source in sources:
                with open(source, "rb") as f:
                    shutil.copyfileobj(f, out)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise
    return target
