"""Evidence for ``BackupAndRestore``: a run killed with SIGKILL at 5 random moments and started
again each time ends with the weights of an uninterrupted run, bit for bit."""
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "backup_run.py")

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")


def _command(kind, backup_dir, save_freq, out):
    return [sys.executable, SCRIPT, kind, str(backup_dir), str(save_freq), str(out)]


def _start(command):
    """Start ``command``; return it once its training has started, and that moment."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline() == "training\n"
    return process, time.monotonic()


def _killed_run(command, kills, duration, seed):
    """Run ``command`` ``kills`` times, each killed with SIGKILL a random time (up to
    ``duration`` s) after its training started, then once to the end; returns how many
    kills hit a running process."""
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(kills):
        process, _ = _start(command)
        try:
            process.wait(rng.uniform(0, duration))
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            hits += 1
        process.wait()
        process.stdout.close()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return hits


@pytest.mark.parametrize("kind, save_freq", [("mlp", "epoch"), ("mlp", 3), ("cnn", 2)])
def test_sigkill_and_restart_gives_the_uninterrupted_weights(tmp_path, kind, save_freq):
    reference, resumed = tmp_path / "reference.npz", tmp_path / "resumed.npz"
    # the same command, never killed (its own backup folder)
    process, started = _start(_command(kind, tmp_path / "uninterrupted", save_freq, reference))
    assert process.wait() == 0
    process.stdout.close()
    duration = 1.2 * (time.monotonic() - started)  # kills land anywhere in the training
    backup_dir = tmp_path / "backup"
    hits = _killed_run(_command(kind, backup_dir, save_freq, resumed), 5, duration, seed=25)
    assert hits >= 3, f"only {hits} of the 5 kills hit a running process"
    assert not os.listdir(backup_dir)  # the finished run deletes its backup
    with np.load(reference) as a, np.load(resumed) as b:
        weights = [key for key in a.files if key.startswith("arr_")]
        assert weights
        for key in weights:
            np.testing.assert_array_equal(a[key], b[key])
            assert a[key].tobytes() == b[key].tobytes()
        if save_freq == "epoch":  # mid-epoch resumes log the resumed epoch's later batches only
            np.testing.assert_array_equal(a["loss"], b["loss"])
            np.testing.assert_array_equal(a["val_loss"], b["val_loss"])
