"""Convolutional models in numpynn's own file: after training (BatchNormalization's moving
statistics and the optimizer's slots no longer at their initial values) they save, load and
predict bit for bit, and training resumed from a file repeats uninterrupted training."""
import json

import numpy as np
import pytest

import numpynn as keras
from tests.cnn_models import CASES, make_data


def _trained(name, epochs=1, optimizer="adam"):
    """The case's model, compiled and trained for ``epochs`` on its small data set."""
    build, loss = CASES[name]
    model = build(keras)
    model.compile(optimizer=optimizer, loss=loss)
    x, y = make_data(model, loss)
    history = model.fit(x, y, batch_size=8, epochs=epochs, verbose=0)
    return model, x, y, history


@pytest.mark.parametrize("name", sorted(CASES))
def test_saved_model_loads_and_predicts_identically(tmp_path, name):
    keras.utils.set_random_seed(0)
    model, x, y, _ = _trained(name)
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):  # training moved them
            assert np.all(layer.params["moving_mean"] != 0)
            assert np.all(layer.params["moving_variance"] != 1)
    model.save(tmp_path / "cnn.npnn")

    loaded = keras.models.load_model(tmp_path / "cnn.npnn")
    assert json.loads(loaded.to_json())["config"] == json.loads(model.to_json())["config"]
    assert [w.shape for w in loaded.get_weights()] == [w.shape for w in model.get_weights()]
    for mine, saved in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(mine, saved)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.optimizer.iterations == model.optimizer.iterations == 2
    assert sorted(loaded.optimizer.slots) == sorted(model.optimizer.slots)
    for slot, values in model.optimizer.slots.items():
        np.testing.assert_array_equal(loaded.optimizer.slots[slot], values)
    assert loaded.evaluate(x, y, verbose=0) == model.evaluate(x, y, verbose=0)


@pytest.mark.parametrize("name", sorted(CASES))
def test_resumed_training_is_bit_identical(tmp_path, name):
    """fit 2 epochs == fit 1, save, load, fit 1 more; shuffling and dropout masks included."""
    keras.utils.set_random_seed(4)
    straight, x, y, history = _trained(name, epochs=2)

    keras.utils.set_random_seed(4)
    first, *_ = _trained(name, epochs=1)
    first.save(tmp_path / "half.npnn")
    keras.utils.set_random_seed(99)  # whatever is drawn meanwhile must not matter
    keras.backend.rng().random(7)
    resumed = keras.models.load_model(tmp_path / "half.npnn")
    assert resumed.epochs_trained == 1
    rest = resumed.fit(x, y, batch_size=8, epochs=2, initial_epoch=resumed.epochs_trained,
                       verbose=0)

    assert rest.epoch == [1]
    assert rest.history["loss"] == history.history["loss"][1:]
    for mine, expected in zip(resumed.get_weights(), straight.get_weights()):
        np.testing.assert_array_equal(mine, expected)
    for slot, values in straight.optimizer.slots.items():
        np.testing.assert_array_equal(resumed.optimizer.slots[slot], values)


def test_resume_with_seeded_spatial_dropout_and_momentum(tmp_path):
    """A SpatialDropout2D with its own seed keeps its generator in the file, and SGD's
    momentum its velocity."""
    def build():
        model = keras.Sequential([
            keras.Input(shape=(8, 8, 2)),
            keras.layers.Conv2D(4, 3, padding="same", activation="relu"),
            keras.layers.SpatialDropout2D(0.5, seed=11),
            keras.layers.BatchNormalization(),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
            keras.layers.Dense(3, activation="softmax")])
        model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9),
                      loss="sparse_categorical_crossentropy")
        return model

    rng = np.random.default_rng(3)
    x = rng.normal(size=(24, 8, 8, 2)).astype("float32")
    y = rng.integers(0, 3, size=24)
    keras.utils.set_random_seed(5)
    straight = build()
    straight.fit(x, y, batch_size=8, epochs=3, verbose=0)
    keras.utils.set_random_seed(5)
    first = build()
    first.fit(x, y, batch_size=8, epochs=2, verbose=0)
    first.save(tmp_path / "m.npnn")
    resumed = keras.models.load_model(tmp_path / "m.npnn")
    resumed.fit(x, y, batch_size=8, epochs=3, initial_epoch=2, verbose=0)
    for mine, expected in zip(resumed.get_weights(), straight.get_weights()):
        np.testing.assert_array_equal(mine, expected)
