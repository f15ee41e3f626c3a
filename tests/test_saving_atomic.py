"""Atomic writes: a crash or SIGKILL during ``save`` leaves the previous file loadable."""
import os
import pathlib
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import numpynn as keras
from numpynn.saving import archive

REPO = pathlib.Path(__file__).resolve().parents[1]

# Saves a ~9 MB model over and over, every weight equal to the round number.
SAVER = """
import sys
import numpynn as keras
model = keras.Sequential([keras.Input(shape=(1500,)), keras.layers.Dense(1500)])
model.build()
path = sys.argv[1]
for round_number in range(1, 10**6):
    model.set_weights([w * 0 + round_number for w in model.get_weights()])
    print(round_number, flush=True)
    model.save(path)
"""


# Writes half of the file, then waits to be killed.
HALF_SAVER = """
import io, sys, time
import numpynn as keras
from numpynn.saving import archive
write_zip = archive.write_zip
def write_half_and_hang(fileobj, members):
    whole = io.BytesIO()
    write_zip(whole, members)
    fileobj.write(whole.getvalue()[:len(whole.getvalue()) // 2])
    fileobj.flush()
    print("half", flush=True)
    time.sleep(60)
archive.write_zip = write_half_and_hang
model = keras.Sequential([keras.Input(shape=(1500,)), keras.layers.Dense(1500)])
model.build()
model.save(sys.argv[1])
"""


def _start(script, path):
    return subprocess.Popen([sys.executable, "-c", script, str(path)], cwd=REPO,
                            stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})


def _constant_model(value):
    model = keras.Sequential([keras.Input(shape=(1500,)), keras.layers.Dense(1500)])
    model.build()
    model.set_weights([w * 0 + value for w in model.get_weights()])
    return model


def _stored_value(path):
    weights = keras.models.load_model(path).get_weights()
    values = {float(v) for w in weights for v in np.unique(w)}
    assert len(values) == 1, "a loaded file mixes two saves"
    return values.pop()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_sigkill_during_save_leaves_a_complete_file(tmp_path):
    path = tmp_path / "big.npnn"
    _constant_model(0).save(path)
    for delay in (0.05, 0.3):
        child = _start(SAVER, path)
        started = int(child.stdout.readline())  # the child is inside its first save now
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        rounds = max([started] + [int(n) for n in child.stdout.read().split()])
        child.stdout.close()
        # the file is the previous file or one of the child's complete saves, never a mix
        value = _stored_value(path)
        assert value == 0 or 1 <= value <= rounds
        for stray in tmp_path.glob(".big.npnn.*.tmp"):  # what a kill may leave behind
            stray.unlink()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_sigkill_with_half_written_file_keeps_previous_file(tmp_path):
    path = tmp_path / "big.npnn"
    _constant_model(7).save(path)
    size = path.stat().st_size
    child = _start(HALF_SAVER, path)
    try:
        assert child.stdout.readline().strip() == "half"
        (partial,) = tmp_path.glob(".big.npnn.*.tmp")
        assert 0 < partial.stat().st_size < size
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    assert _stored_value(path) == 7


def test_exception_during_save_keeps_old_file_and_removes_temporary(tmp_path, monkeypatch):
    path = tmp_path / "m.npnn"
    _constant_model(1).save(path)
    before = path.read_bytes()

    def crash(fileobj, members):
        fileobj.write(b"partial data")
        raise KeyboardInterrupt

    monkeypatch.setattr(archive, "write_zip", crash)
    with pytest.raises(KeyboardInterrupt):
        _constant_model(2).save(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npnn"]


def test_saved_file_gets_normal_permissions(tmp_path):
    path = tmp_path / "m.npnn"
    _constant_model(1).save(path)
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
