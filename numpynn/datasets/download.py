"""Fetch a file from a list of mirrors into the data set cache, checking its SHA-256.

Downloads stream into a temporary file beside the target and are renamed into
place only once their checksum matches, so the cache never holds a partial or
wrong file. A progress bar is drawn on stderr.
"""
import hashlib
import http.client
import os
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from numpynn.datasets.errors import DatasetError

_CHUNK = 1 << 16


def cache_dir(name):
    """The cache folder of data set `name`: `$NUMPYNN_HOME/datasets/<name>`.

    `NUMPYNN_HOME` defaults to `~/.numpynn`. The folder is not created here.
    """
    home = os.environ.get("NUMPYNN_HOME") or os.path.join("~", ".numpynn")
    return Path(home).expanduser() / "datasets" / name


def download(urls, target, sha256, timeout=60):
    """Download the first of `urls` whose content has SHA-256 `sha256` to `target`.

    Each URL is tried in turn; a network error or a checksum mismatch moves on
    to the next one.

    Args:
        urls: candidate URLs of the same file, best first.
        target: where to store the file; its folder is created if missing.
        sha256: expected SHA-256 of the file, as 64 hex digits.
        timeout: seconds to wait for a server before giving up on it.
            Defaults to `60`.

    Returns:
        `target`, as a `Path`.

    Raises:
        DatasetError: every URL failed; the message lists each URL and why.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    failures = []
    for url in urls:
        try:
            _fetch(url, target, sha256, timeout)
            return target
        except (OSError, ValueError, http.client.HTTPException) as exc:
            failures.append(f"{url}: {exc}")
    reasons = "\n  ".join(failures or ["(no mirror is configured)"])
    raise DatasetError(f"{target.name} could not be downloaded from any mirror:\n  {reasons}")


def _fetch(url, target, sha256, timeout):
    print(f"Downloading data from {url}", file=sys.stderr)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".download")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as response:
            total = int(response.headers.get("Content-Length") or 0)
            digest = hashlib.sha256()
            progress = ProgressBar(total)
            while chunk := response.read(_CHUNK):
                out.write(chunk)
                digest.update(chunk)
                progress.update(len(chunk))
            progress.close()
        if digest.hexdigest() != sha256:
            raise DatasetError(f"SHA-256 mismatch: expected {sha256}, got {digest.hexdigest()}")
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


class ProgressBar:
    """A one-line download progress bar, e.g. `12.1/26.4 MB [=====>......]  46%`.

    Args:
        total: expected number of bytes, or 0 when unknown (then only the
            count is shown).
        stream: where to draw. Defaults to `sys.stderr`.
        width: characters inside the brackets. Defaults to `30`.
    """

    def __init__(self, total, stream=None, width=30):
        self.total, self.done, self.width = total, 0, width
        self.stream = stream or sys.stderr
        self._last_draw = 0.0

    def update(self, n):
        """Count `n` more bytes; redraw at most ten times a second."""
        self.done += n
        now = time.monotonic()
        if now - self._last_draw >= 0.1:
            self._last_draw = now
            self._draw()

    def close(self):
        """Draw the final state and end the line."""
        self._draw()
        self.stream.write("\n")
        self.stream.flush()

    def _draw(self):
        mb = self.done / 1e6
        if self.total:
            fraction = min(self.done / self.total, 1.0)
            filled = int(fraction * self.width)
            arrow = ">" if filled < self.width else ""
            bar = ("=" * filled + arrow).ljust(self.width, ".")
            line = f"{mb:.1f}/{self.total / 1e6:.1f} MB [{bar}] {fraction:4.0%}"
        else:
            line = f"{mb:.1f} MB"
        self.stream.write("\r" + line)
        self.stream.flush()
