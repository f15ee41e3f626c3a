"""``callbacks.BackupAndRestore`` in one process: arguments, restoring, double checkpoints."""
import os

import numpy as np
import pytest

import numpynn as keras
from numpynn.saving import ModelFileError


class _Interrupt(keras.callbacks.Callback):
    """Raises at the end of batch ``batch`` of epoch ``epoch``, as a crash would."""

    def __init__(self, epoch, batch):
        super().__init__()
        self.at, self.epoch = (epoch, batch), None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            raise KeyboardInterrupt


def _fit(backup_dir=None, interrupt=None, epochs=4, extra=(), **options):
    keras.backend.seed_rng(3)
    model = keras.Sequential([keras.layers.Input((4,)), keras.layers.Dense(6, activation="tanh"),
                              keras.layers.Dropout(0.3), keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.01), "mse", metrics=["mae"])
    data = np.random.default_rng(0)
    x = data.normal(size=(40, 4)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    callbacks = [keras.callbacks.EarlyStopping("val_loss", patience=2)] + list(extra)
    if backup_dir is not None:
        callbacks.insert(0, keras.callbacks.BackupAndRestore(backup_dir, **options))
    if interrupt:
        callbacks.append(_Interrupt(*interrupt))
    try:
        history = model.fit(x, y, batch_size=8, epochs=epochs, verbose=0,
                            validation_split=0.25, callbacks=callbacks)
    except KeyboardInterrupt:
        return None, None
    return model.get_weights(), history


@pytest.mark.parametrize("save_freq, interrupt", [("epoch", (2, 1)), (2, (1, 2)), (1, (0, 1)),
                                                   (3, (3, 3))])
def test_an_interrupted_fit_continues_to_the_same_weights(tmp_path, save_freq, interrupt):
    reference, reference_history = _fit(tmp_path / "reference", save_freq=save_freq)
    assert _fit(tmp_path / "b", interrupt, save_freq=save_freq)[0] is None
    assert os.path.exists(tmp_path / "b" / "backup.npnn")
    weights, history = _fit(tmp_path / "b", save_freq=save_freq)
    for a, b in zip(reference, weights):
        assert a.tobytes() == b.tobytes()
    assert history.epoch == reference_history.epoch == [0, 1, 2, 3]
    if save_freq == "epoch":
        assert history.history == reference_history.history
    else:  # the resumed epoch's totals came with the backup: equal up to summation order
        assert history.history.keys() == reference_history.history.keys()
        for key, values in reference_history.history.items():
            np.testing.assert_allclose(history.history[key], values, rtol=1e-6, err_msg=key)
    assert not os.path.exists(tmp_path / "b" / "backup.npnn")  # delete_checkpoint=True


def test_a_learning_rate_schedule_is_not_applied_twice_to_a_resumed_epoch(tmp_path):
    def schedule():
        return [keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5)]
    reference, reference_history = _fit(tmp_path / "reference", extra=schedule(), save_freq=2)
    assert _fit(tmp_path / "b", (1, 2), extra=schedule(), save_freq=2)[0] is None
    weights, history = _fit(tmp_path / "b", extra=schedule(), save_freq=2)
    for a, b in zip(reference, weights):
        assert a.tobytes() == b.tobytes()
    assert history.history["learning_rate"] == reference_history.history["learning_rate"]


def test_a_fit_on_a_data_set_resumes_in_the_middle_of_an_epoch(tmp_path):
    def fit(backup_dir, interrupt=None):
        keras.backend.seed_rng(3)
        model = keras.Sequential([keras.layers.Input((4,)), keras.layers.Dense(3),
                                  keras.layers.Dense(1)])
        model.compile(keras.optimizers.SGD(0.05), "mse")
        x = np.random.default_rng(0).normal(size=(40, 4)).astype("float32")
        # the same order every pass: a new Dataset (the restarted run's) counts passes from 0
        data = keras.data.Dataset.from_tensor_slices((x, x[:, :1])).shuffle(
            40, seed=1, reshuffle_each_iteration=False).batch(8)
        callbacks = [keras.callbacks.BackupAndRestore(backup_dir, save_freq=3)]
        try:
            model.fit(data, epochs=3, verbose=0,
                      callbacks=callbacks + ([_Interrupt(*interrupt)] if interrupt else []))
        except KeyboardInterrupt:
            return None
        return model.get_weights()
    reference = fit(tmp_path / "reference")
    assert fit(tmp_path / "b", (1, 3)) is None
    for a, b in zip(reference, fit(tmp_path / "b")):
        assert a.tobytes() == b.tobytes()


def test_delete_checkpoint_false_keeps_the_backup_and_a_new_fit_starts_after_it(tmp_path):
    _fit(tmp_path, delete_checkpoint=False)
    assert os.listdir(tmp_path) == ["backup.npnn"]
    _, history = _fit(tmp_path, delete_checkpoint=False)
    assert len(history.history["loss"]) == 4 and history.epoch == [0, 1, 2, 3]


def test_double_checkpoint_falls_back_to_the_previous_backup(tmp_path):
    _fit(tmp_path, (2, 3), double_checkpoint=True)
    assert sorted(os.listdir(tmp_path)) == ["backup.npnn", "backup.npnn.bkp"]
    with open(tmp_path / "backup.npnn", "r+b") as f:  # the latest is damaged
        f.truncate(100)
    reference, _ = _fit(tmp_path / "reference")
    weights, _ = _fit(tmp_path, double_checkpoint=True)
    for a, b in zip(reference, weights):
        assert a.tobytes() == b.tobytes()


def test_a_damaged_backup_without_a_previous_one_raises(tmp_path):
    _fit(tmp_path, (1, 3))
    with open(tmp_path / "backup.npnn", "r+b") as f:
        f.truncate(100)
    with pytest.raises(ModelFileError):
        _fit(tmp_path)


def test_other_callbacks_than_the_interrupted_run_are_refused(tmp_path):
    _fit(tmp_path, (1, 3))
    with pytest.raises(ValueError, match="same callbacks"):
        _fit(tmp_path, extra=[keras.callbacks.ReduceLROnPlateau()])


@pytest.mark.parametrize("options, message", [({"backup_dir": ""}, "backup_dir"),
                                              ({"backup_dir": "b", "save_freq": 0}, "save_freq"),
                                              ({"backup_dir": "b", "save_freq": "batch"},
                                               "save_freq")])
def test_bad_arguments_say_what_to_pass(options, message):
    with pytest.raises(ValueError, match=message):
        keras.callbacks.BackupAndRestore(**options)
