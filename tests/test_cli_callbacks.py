"""`numpynn train --tensorboard DIR --backup-dir DIR`."""
import os

import pytest

from numpynn import callbacks, cli, cli_callbacks
from tests.cli_helpers import run

pytest.importorskip("sklearn", reason="the small data sets need scikit-learn (numpynn[data])")

TRAIN = ("train", "--dataset", "iris", "--layers", "8", "--epochs", "4", "--verbose", "0",
         "--validation-split", "0.2", "--seed", "5")


class _Interrupt(callbacks.Callback):
    """Stops the run as Ctrl-C would, at the end of epoch ``epoch``."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.epoch:
            raise KeyboardInterrupt


def test_tensorboard_option_writes_the_train_and_validation_logs(capsys, tmp_path):
    accumulator = pytest.importorskip(
        "tensorboard.backend.event_processing.event_accumulator",
        reason="reading event files back needs tensorboard")
    pytest.importorskip("tensorboardX", reason="the TensorBoard callback needs tensorboardX")
    assert run(capsys, *TRAIN, "--tensorboard", str(tmp_path))[0] == 0
    for folder in ("train", "validation"):
        reader = accumulator.EventAccumulator(str(tmp_path / folder))
        reader.Reload()
        assert [e.step for e in reader.Scalars("epoch_loss")] == [0, 1, 2, 3]


def test_backup_dir_option_resumes_an_interrupted_run(capsys, tmp_path, monkeypatch):
    uninterrupted = run(capsys, *TRAIN)[1]
    backup = str(tmp_path / "backup")
    options = cli_callbacks.callbacks_of
    monkeypatch.setattr(cli, "callbacks_of", lambda args: options(args) + [_Interrupt(1)])
    assert run(capsys, *TRAIN, "--backup-dir", backup)[0] == 130
    assert os.listdir(backup) == ["backup.npnn"]
    monkeypatch.setattr(cli, "callbacks_of", options)
    code, resumed, _ = run(capsys, *TRAIN, "--backup-dir", backup)
    assert code == 0 and not os.listdir(backup)
    assert resumed.splitlines()[-1] == uninterrupted.splitlines()[-1]  # the test score
    assert "Test" in resumed.splitlines()[-1]


def test_train_help_describes_the_options(capsys):
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["train", "--help"])
    out = capsys.readouterr().out
    assert "--tensorboard DIR" in out and "--backup-dir DIR" in out
