"""Atomic file replacement: a reader sees the old file or the new one, never half of one.

The data goes to a temporary file in the destination's folder (same file system, so the
final rename is atomic), is flushed and ``fsync``-ed, then ``os.replace``-d over the
destination. A crash, ``kill -9`` or full disk during the write leaves the previous file
intact; at worst a stray ``.<name>.*.tmp`` file remains next to it.
"""
import contextlib
import os
import tempfile


def _new_file_mode():
    """Permission bits of a file created normally (0o666 minus the umask)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def atomic_write(path, overwrite=True):
    """Context manager yielding a binary file whose content replaces ``path`` on success.

    Args:
        path: destination file name.
        overwrite: whether an existing ``path`` may be replaced. Defaults to `True`.
    """
    path = os.fspath(path)
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"{path!r} already exists; pass overwrite=True to replace it.")
    folder = os.path.dirname(os.path.abspath(path))
    mode = os.stat(path).st_mode & 0o777 if os.path.exists(path) else _new_file_mode()
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)


def _fsync_folder(folder):
    """Make the rename itself durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
