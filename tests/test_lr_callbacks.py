"""LearningRateScheduler and ReduceLROnPlateau, with Keras' semantics."""
import numpy as np
import pytest

import numpynn as keras
from numpynn.callbacks import LambdaCallback, LearningRateScheduler, ReduceLROnPlateau


def small_model(optimizer):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    return model


def data():
    x = np.random.default_rng(0).normal(size=(16, 2))
    return x, x @ np.array([1.0, -1.0])


def test_scheduler_sets_the_rate_each_epoch_from_epoch_and_rate():
    model = small_model(keras.optimizers.SGD(0.1))
    seen = []
    record = LambdaCallback(on_epoch_end=lambda e, logs: seen.append(
        (model.optimizer.learning_rate, logs["learning_rate"])))
    scheduler = LearningRateScheduler(lambda epoch, lr: lr * 0.5 if epoch else lr)
    model.fit(*data(), epochs=3, verbose=0, callbacks=[scheduler, record])
    assert seen == [(0.1, 0.1), (0.05, 0.05), (0.025, 0.025)]


def test_scheduler_accepts_a_function_of_the_epoch_alone():
    model = small_model("sgd")
    model.fit(*data(), epochs=2, verbose=0, callbacks=[LearningRateScheduler(lambda e: 0.3 + e)])
    assert model.optimizer.learning_rate == 1.3


def test_scheduler_rejects_non_float():
    model = small_model("sgd")
    with pytest.raises(ValueError, match="float"):
        model.fit(*data(), epochs=1, verbose=0,
                  callbacks=[LearningRateScheduler(lambda e: "fast")])


class FakeModel:
    def __init__(self, lr):
        self.optimizer = keras.optimizers.SGD(lr)


def drive(callback, values, lr=1.0):
    """Feed ``values`` as successive epochs' logs; return the learning rate after each."""
    callback.set_model(FakeModel(lr))
    callback.on_train_begin()
    rates = []
    for epoch, value in enumerate(values):
        callback.on_epoch_end(epoch, {"val_loss": value, "val_accuracy": value})
        rates.append(callback.model.optimizer.learning_rate)
    return rates


def test_plateau_reduces_after_patience_epochs_without_improvement():
    callback = ReduceLROnPlateau(factor=0.5, patience=2, min_delta=0.0)
    assert drive(callback, [1.0, 0.9, 0.9, 0.9, 0.8, 0.8, 0.8]) == [
        1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]


def test_plateau_min_delta_cooldown_and_min_lr():
    callback = ReduceLROnPlateau(factor=0.1, patience=1, min_delta=0.05, cooldown=2,
                                 min_lr=0.02)
    # 0.97 is not better than 1.0 by more than min_delta; as in Keras, the cooldown counter
    # is decremented before the check, so cooldown=2 skips one epoch
    assert drive(callback, [1.0, 0.97, 0.96, 0.955, 0.94, 0.93]) == pytest.approx(
        [1.0, 0.1, 0.1, 0.02, 0.02, 0.02])


def test_plateau_auto_mode_maximises_accuracy():
    callback = ReduceLROnPlateau(monitor="val_accuracy", factor=0.5, patience=1)
    assert drive(callback, [0.5, 0.6, 0.55]) == [1.0, 1.0, 0.5]


def test_plateau_warns_when_the_monitored_value_is_missing():
    callback = ReduceLROnPlateau(monitor="val_auc")
    callback.set_model(FakeModel(1.0))
    with pytest.warns(UserWarning, match="val_auc"):
        callback.on_epoch_end(0, {"loss": 1.0})


def test_plateau_rejects_factor_of_one():
    with pytest.raises(ValueError, match="factor"):
        ReduceLROnPlateau(factor=1.0)
