"""Data-parallel training when things go wrong: a rank that raises, is killed or differs
stops every rank within seconds, with a message naming it; checkpoints move between runs
with different numbers of processes; a BackupAndRestore run under ``mpiexec -n 2`` killed
with SIGKILL at random moments and restarted ends with the uninterrupted run's weights."""
import os
import re
import signal
import subprocess
import time

import numpy as np
import pytest

import numpynn as keras
from tests.distribute_helpers import HERE, mpi_run, mpi_start, python_start

FAULTS = os.path.join(HERE, "distribute_faults.py")
RESUME = os.path.join(HERE, "distribute_resume.py")
BACKUP = os.path.join(HERE, "backup_run.py")
ANNOUNCE = re.compile(r"rank (\d+) = pid (\d+)")


@pytest.mark.parametrize("fault, cause", [
    ("raise", r"rank 1 of 2 failed \(RuntimeError: rank one broke on purpose\)"),
    ("model", r"rank 1 has model config .* rank 1 has weight count 55 where rank 0 has 49"),
    ("data", r"rank 1 has data length 63 where rank 0 has 64"),
    ("version", r"rank 1 has numpynn version '0.0.1' where rank 0 has"),
])
def test_a_failing_rank_stops_every_rank_naming_it(fault, cause):
    started = time.monotonic()
    result = mpi_run([FAULTS, fault], timeout=60)
    assert time.monotonic() - started < 30
    assert result.returncode != 0
    assert "finished" not in result.stdout
    assert re.search(cause, result.stderr), result.stderr


def test_a_killed_rank_stops_every_rank_and_its_pid_names_it():
    started = time.monotonic()
    result = mpi_run([FAULTS, "kill"], timeout=60)
    assert time.monotonic() - started < 30
    assert result.returncode != 0 and "finished" not in result.stdout
    pids = dict(ANNOUNCE.findall(result.stderr))  # rank 0 says which pid is which rank
    report = result.stdout + result.stderr  # mpiexec's: the pid and the signal
    assert f"PID {pids['1']}" in report and "Killed (signal 9)" in report


def test_a_checkpoint_moves_between_one_process_and_two(tmp_path):
    whole, first, second, third = (tmp_path / f"{n}.npnn" for n in ("whole", "1", "2", "3"))
    single = python_start([RESUME, "whole", whole])
    assert python_start([RESUME, "start", first]).wait(timeout=120) == 0
    two = mpi_run([RESUME, "continue", first, second])  # epoch 2 on two ranks
    assert two.returncode == 0, two.stderr
    assert python_start([RESUME, "continue", second, third]).wait(timeout=120) == 0
    assert single.wait(timeout=120) == 0
    a, b = keras.models.load_model(whole), keras.models.load_model(third)
    assert b.epochs_trained == 3
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        assert np.max(np.abs(wa - wb)) <= 1e-4 * np.max(np.abs(wa))


def _run_and_kill_a_rank(command, delay, rng):
    """Start ``command``; once it trains (rank 0 names the ranks' pids), SIGKILL a random
    rank after ``delay`` seconds (``None``: never). Returns whether a kill hit a running
    run, and the seconds it trained."""
    process = mpi_start(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    pids = {}
    for line in process.stderr:
        pids = dict(ANNOUNCE.findall(line))
        if pids:
            break
    training = time.monotonic()
    hit = False
    try:
        process.wait(delay)
    except subprocess.TimeoutExpired:
        try:
            os.kill(int(pids[str(rng.integers(0, 2))]), signal.SIGKILL)
            hit = True
        except ProcessLookupError:  # that rank had just finished
            pass
    process.communicate(timeout=60)
    return hit, time.monotonic() - training


def test_sigkill_and_restart_under_mpiexec_gives_the_uninterrupted_weights(tmp_path):
    reference, resumed = tmp_path / "reference.npz", tmp_path / "resumed.npz"
    rng = np.random.default_rng(26)
    _, duration = _run_and_kill_a_rank([BACKUP, "mlp", tmp_path / "uninterrupted", "epoch",
                                        reference], None, rng)
    command = [BACKUP, "mlp", tmp_path / "backup", "epoch", resumed]
    hits, resumable = 0, 0
    for _ in range(5):
        hits += _run_and_kill_a_rank(command, rng.uniform(0, 0.6 * duration), rng)[0]
        resumable += os.path.exists(tmp_path / "backup" / "backup.npnn")
    assert hits >= 3, f"only {hits} of the 5 kills hit a running run"
    assert resumable, "no kill left a backup to resume from"
    assert mpi_run(command).returncode == 0
    assert not os.listdir(tmp_path / "backup")  # the finished run deleted its backup
    with np.load(reference) as a, np.load(resumed) as b:
        weights = [key for key in a.files if key.startswith("arr_")]
        assert weights
        for key in weights + ["loss", "val_loss"]:
            assert a[key].tobytes() == b[key].tobytes(), key
