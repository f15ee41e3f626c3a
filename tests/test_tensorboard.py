"""``callbacks.TensorBoard``: event files read back with tensorboard's own reader."""
import json
import os

import numpy as np
import pytest

import numpynn as keras

pytest.importorskip("tensorboardX", reason="the TensorBoard callback needs tensorboardX")
event_accumulator = pytest.importorskip(
    "tensorboard.backend.event_processing.event_accumulator",
    reason="reading event files back needs tensorboard")


def _read(folder):
    reader = event_accumulator.EventAccumulator(
        str(folder), size_guidance={"scalars": 0, "histograms": 0, "tensors": 0})
    reader.Reload()
    return reader


def _fit(log_dir, epochs=3, tensorboard_first=True, **options):
    keras.backend.seed_rng(0)
    model = keras.Sequential([keras.layers.Input((5,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(keras.optimizers.SGD(0.1), "categorical_crossentropy", metrics=["accuracy"])
    data = np.random.default_rng(0)
    x = data.normal(size=(40, 5)).astype("float32")
    y = keras.utils.to_categorical(data.integers(0, 3, 40), 3)
    callbacks = [keras.callbacks.TensorBoard(log_dir, **options),
                 keras.callbacks.ReduceLROnPlateau("loss", patience=0, factor=0.5, min_delta=1)]
    if not tensorboard_first:  # then the logs it sees hold ReduceLROnPlateau's learning_rate
        callbacks.reverse()
    history = model.fit(x, y, batch_size=8, epochs=epochs, verbose=0, validation_split=0.25,
                        callbacks=callbacks)
    return model, history.history


def _scalars(reader, tag):
    events = reader.Scalars(tag)
    assert [e.step for e in events] == list(range(len(events)))  # one per epoch, from 0
    return [e.value for e in events]


@pytest.mark.parametrize("tensorboard_first", [True, False])
def test_every_epoch_scalar_equals_the_history_value(tmp_path, tensorboard_first):
    _, history = _fit(tmp_path, tensorboard_first=tensorboard_first)
    train, validation = _read(tmp_path / "train"), _read(tmp_path / "validation")
    assert set(train.Tags()["scalars"]) == {"epoch_loss", "epoch_accuracy",
                                            "epoch_learning_rate"}
    assert set(validation.Tags()["scalars"]) == {"epoch_loss", "epoch_accuracy"}
    for name in ("loss", "accuracy", "learning_rate"):  # stored as float32, as Keras' are
        assert _scalars(train, f"epoch_{name}") == [np.float32(v) for v in history[name]]
    for name in ("loss", "accuracy"):
        assert _scalars(validation, f"epoch_{name}") == \
            [np.float32(v) for v in history[f"val_{name}"]]
    assert history["learning_rate"] == [0.1, 0.1, 0.05]  # reduced after epoch 1


def test_histograms_every_histogram_freq_epochs(tmp_path):
    model, _ = _fit(tmp_path, epochs=5, histogram_freq=2)
    train = _read(tmp_path / "train")
    tags = [f"{layer.name}/{name}/histogram" for layer in model.layers
            for name, _ in layer.named_weights()]
    assert sorted(train.Tags()["histograms"]) == sorted(tags)
    for tag, weight in zip(tags, model.get_weights()):
        events = train.Histograms(tag)
        assert [e.step for e in events] == [0, 2, 4]
        assert events[-1].histogram_value.num == weight.size
    last = train.Histograms(tags[0])[-1].histogram_value
    kernel = model.get_weights()[0]
    assert last.min == pytest.approx(kernel.min()) and last.max == pytest.approx(kernel.max())


@pytest.mark.parametrize("update_freq, steps", [("batch", list(range(1, 16))),
                                                (4, [4, 8, 12]), ("epoch", None)])
def test_batch_scalars_follow_update_freq(tmp_path, update_freq, steps):
    _fit(tmp_path, update_freq=update_freq)  # 30 training samples: 4 batches, 3 epochs
    train = _read(tmp_path / "train")
    if steps is None:
        assert "batch_loss" not in train.Tags()["scalars"]
        return
    steps = [s for s in steps if s <= 12]
    assert [e.step for e in train.Scalars("batch_loss")] == steps
    assert [e.step for e in train.Scalars("batch_accuracy")] == steps


def test_write_graph_stores_the_model_config(tmp_path):
    model, _ = _fit(tmp_path)
    tensor = _read(tmp_path / "train").Tensors("keras")[0].tensor_proto
    assert json.loads(tensor.string_val[0]) == json.loads(model.to_json())
    _fit(tmp_path / "no_graph", write_graph=False)
    assert "keras" not in _read(tmp_path / "no_graph" / "train").Tags()["tensors"]


@pytest.mark.parametrize("options, message", [({"histogram_freq": -1}, "histogram_freq"),
                                              ({"update_freq": "often"}, "update_freq"),
                                              ({"update_freq": 0}, "update_freq")])
def test_bad_arguments_say_what_to_pass(tmp_path, options, message):
    with pytest.raises(ValueError, match=message):
        keras.callbacks.TensorBoard(tmp_path, **options)


def test_unsupported_keras_options_raise(tmp_path):
    with pytest.raises(NotImplementedError, match="profile_batch"):
        keras.callbacks.TensorBoard(tmp_path, profile_batch=2)
    keras.callbacks.TensorBoard(tmp_path, write_images=False, embeddings_freq=0)
    assert not os.path.exists(tmp_path / "train")  # nothing written before fit
