"""ModelCheckpoint, EarlyStopping, TerminateOnNaN and CSVLogger."""
import csv

import numpy as np
import pytest

import numpynn as keras
from numpynn.callbacks import (CSVLogger, EarlyStopping, LambdaCallback, ModelCheckpoint,
                               TerminateOnNaN)
from tests.saving_helpers import make_data, make_model


class _FakeModel:
    """Just what EarlyStopping touches; ``weights`` are the epoch index."""

    def __init__(self):
        self.stop_training, self.epoch, self.restored = False, -1, None

    def get_weights(self):
        return [self.epoch]

    def set_weights(self, weights):
        self.restored = weights[0]


# Recorded from keras.callbacks.EarlyStopping (Keras 3.15.1) driven by the same values:
# (arguments, val_loss per epoch, epochs run, stopped_epoch, best_epoch, restored epoch)
KERAS_EARLY_STOPPING = [
    (dict(patience=0), [1.0, 0.9, 0.95, 0.8], 3, 2, 1, None),
    (dict(patience=2), [1.0, 0.9, 0.95, 0.92, 0.91, 0.5], 4, 3, 1, None),
    (dict(patience=2, restore_best_weights=True), [1.0, 0.9, 0.95, 0.92, 0.91, 0.5], 4, 3, 1, 1),
    (dict(patience=3, restore_best_weights=True), [1.0, 0.9, 0.8, 0.7], 4, 0, 3, 3),
    (dict(patience=1, min_delta=0.05), [1.0, 0.97, 0.96, 0.5], 2, 1, 0, None),
    (dict(patience=2, baseline=0.5, restore_best_weights=True), [1.0, 0.9, 0.8, 0.7, 0.6],
     5, 0, 4, 4),
    (dict(patience=1, start_from_epoch=2, restore_best_weights=True),
     [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 4, 3, 2, 2),
    (dict(patience=1, mode="max", monitor="val_accuracy"), [0.5, 0.6, 0.6, 0.7], 3, 2, 1, None),
]


@pytest.mark.parametrize("kwargs, values, epochs_run, stopped, best, restored",
                         KERAS_EARLY_STOPPING)
def test_early_stopping_matches_keras(kwargs, values, epochs_run, stopped, best, restored):
    callback, model = EarlyStopping(**kwargs), _FakeModel()
    callback.set_model(model)
    callback.on_train_begin()
    run = 0
    for epoch, value in enumerate(values):
        model.epoch = epoch
        callback.on_epoch_end(epoch, {callback.monitor: value})
        run += 1
        if model.stop_training:
            break
    callback.on_train_end()
    assert (run, callback.stopped_epoch, callback.best_epoch, model.restored) == (
        epochs_run, stopped, best, restored)


def test_early_stopping_in_fit_restores_best_weights_at_the_end():
    keras.utils.set_random_seed(0)
    x, y = make_data(n=40)
    model = make_model(optimizer=keras.optimizers.SGD(2.0))  # large steps: val_loss jumps
    snapshots = []
    record = LambdaCallback(on_epoch_end=lambda epoch, logs: snapshots.append(
        (logs["val_loss"], model.get_weights())))
    stop = EarlyStopping(patience=2, restore_best_weights=True)
    history = model.fit(x, y, epochs=30, validation_split=0.25, verbose=0,
                        callbacks=[record, stop])
    losses = [loss for loss, _ in snapshots]
    assert len(losses) < 30 and stop.stopped_epoch == len(losses) - 1
    best = int(np.argmin(losses))
    assert stop.best_epoch == best != len(losses) - 1
    for restored, saved in zip(model.get_weights(), snapshots[best][1]):
        np.testing.assert_array_equal(restored, saved)
    assert history.history["val_loss"] == losses


def test_monitor_direction_must_be_known():
    callback = EarlyStopping(monitor="weirdness")
    callback.set_model(_FakeModel())
    callback.on_train_begin()
    with pytest.raises(ValueError, match="mode='max' or mode='min'"):
        callback.on_epoch_end(0, {"weirdness": 1.0})


def test_missing_monitor_warns():
    callback = EarlyStopping(monitor="val_loss")
    callback.set_model(_FakeModel())
    with pytest.warns(UserWarning, match="'val_loss', which is not available"):
        callback.on_epoch_end(0, {"loss": 1.0})


def test_checkpoint_formats_names_from_epoch_and_logs(tmp_path):
    x, y = make_data()
    model = make_model()
    pattern = str(tmp_path / "ckpt" / "m-{epoch:02d}-{val_loss:.2f}.npnn")
    history = model.fit(x, y, epochs=3, validation_split=0.2, verbose=0,
                        callbacks=[ModelCheckpoint(pattern)])
    expected = sorted(f"m-{e + 1:02d}-{v:.2f}.npnn"
                      for e, v in enumerate(history.history["val_loss"]))
    assert sorted(p.name for p in (tmp_path / "ckpt").iterdir()) == expected
    last = keras.models.load_model(tmp_path / "ckpt" / expected[-1])
    assert last.epochs_trained == 3
    np.testing.assert_array_equal(last.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize("monitor, mode", [("val_loss", "auto"), ("val_accuracy", "max"),
                                           ("loss", "min")])
def test_checkpoint_save_best_only_keeps_best_epoch(tmp_path, monitor, mode):
    keras.utils.set_random_seed(2)
    x, y = make_data()
    model = make_model(optimizer=keras.optimizers.SGD(1.5))
    saved = []
    path = str(tmp_path / "best.npnn")
    checkpoint = ModelCheckpoint(path, monitor=monitor, mode=mode, save_best_only=True)
    record = LambdaCallback(on_epoch_end=lambda epoch, logs: saved.append(model.get_weights()))
    history = model.fit(x, y, epochs=8, validation_split=0.25, verbose=0,
                        callbacks=[checkpoint, record])
    values = history.history[monitor]
    best = int(np.argmax(values) if "acc" in monitor else np.argmin(values))
    best_model = keras.models.load_model(path)
    assert best_model.epochs_trained == best + 1
    for loaded, expected in zip(best_model.get_weights(), saved[best]):
        np.testing.assert_array_equal(loaded, expected)


def test_checkpoint_weights_only_and_batch_frequency(tmp_path):
    x, y = make_data(n=64)
    model = make_model()
    model.fit(x, y, epochs=2, batch_size=16, verbose=0, callbacks=[
        ModelCheckpoint(str(tmp_path / "w-{epoch}-{batch}.weights.npz"), save_weights_only=True,
                        save_freq=3)])
    # 4 batches per epoch, a save every 3 batches: epoch 1 batch 3, epoch 2 batches 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w-1-3.weights.npz",
                                                          "w-2-2.weights.npz"]
    with np.load(tmp_path / "w-2-2.weights.npz", allow_pickle=False) as npz:
        assert len(npz.files) == 4


def test_resume_from_checkpoint_equals_uninterrupted_run(tmp_path):
    x, y = make_data()
    keras.utils.set_random_seed(4)
    straight = make_model()
    straight.fit(x, y, epochs=5, batch_size=8, verbose=0)

    keras.utils.set_random_seed(4)
    interrupted = make_model()
    pattern = str(tmp_path / "e{epoch}.npnn")
    interrupted.fit(x, y, epochs=5, batch_size=8, verbose=0,
                    callbacks=[ModelCheckpoint(pattern, monitor="loss")])
    resumed = keras.models.load_model(tmp_path / "e2.npnn")
    resumed.fit(x, y, epochs=5, batch_size=8, verbose=0, initial_epoch=resumed.epochs_trained)
    for a, b in zip(resumed.get_weights(), straight.get_weights()):
        np.testing.assert_array_equal(a, b)


def _diverging_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(10.0), loss="mse")
    x = np.random.default_rng(0).normal(size=(64, 3)) * 100
    return model, x, x.sum(axis=1)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_terminate_on_nan_stops_training(capsys):
    model, x, y = _diverging_model()
    history = model.fit(x, y, epochs=50, batch_size=8, verbose=0, callbacks=[TerminateOnNaN()])
    assert len(history.history["loss"]) < 50
    assert not np.isfinite(history.history["loss"][-1])
    assert "Invalid loss, terminating training" in capsys.readouterr().out


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_terminate_on_nan_can_raise():
    model, x, y = _diverging_model()
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered"):
        model.fit(x, y, epochs=50, batch_size=8, verbose=0,
                  callbacks=[TerminateOnNaN(raise_error=True)])


def test_csv_logger_writes_and_appends(tmp_path):
    x, y = make_data()
    model = make_model()
    path = tmp_path / "log.csv"
    first = model.fit(x, y, epochs=2, validation_split=0.2, verbose=0,
                      callbacks=[CSVLogger(path, separator=";")])
    model.fit(x, y, epochs=3, initial_epoch=2, validation_split=0.2, verbose=0,
              callbacks=[CSVLogger(path, separator=";", append=True)])
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    assert [row["epoch"] for row in rows] == ["0", "1", "2"]
    assert list(rows[0]) == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert float(rows[1]["val_loss"]) == first.history["val_loss"][1]


def test_csv_logger_without_validation_keeps_val_columns(tmp_path):
    model = make_model()
    model.fit(*make_data(), epochs=1, verbose=0, callbacks=[CSVLogger(tmp_path / "l.csv")])
    header, row = (tmp_path / "l.csv").read_text().splitlines()
    assert header == "epoch,accuracy,loss,val_accuracy,val_loss"
    assert row.endswith(",NA,NA")
