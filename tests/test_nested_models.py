"""A model is a layer: models inside models share one buffer and their weights, train,
freeze, save and load with the outer model; and every graph model round-trips through its
file and its config."""
import json
import zipfile

import numpy as np
import pytest

import numpynn as keras
from numpynn import layers
from numpynn.utils import gradient_check

from graph_models import CASES, case_data, encoder, sequential_in_sequential


def test_inner_weights_live_in_the_outer_buffer():
    outer = sequential_in_sequential(keras)
    inner = outer.layers[0]
    assert [l.name for l in outer.layers] == ["inner", outer.layers[1].name]
    outer.build()
    leaves = inner.layers + [outer.layers[1]]
    for layer in leaves:
        for value in layer.params.values():
            assert value.base is outer.buffer.values
    assert outer.buffer.values.size == outer.count_params() == inner.count_params() + 12 == 55
    assert [w.shape for w in outer.get_weights()] == [(4, 5), (5,), (5, 3), (3,), (3, 3), (3,)]


def test_an_inner_model_used_alone_still_shares_its_weights():
    outer = sequential_in_sequential(keras)
    inner = outer.layers[0]
    x = np.random.default_rng(0).standard_normal((6, 4)).astype("float32")
    y = np.eye(3, dtype="float32")[[0, 1, 2, 0, 1, 2]]
    outer.compile(keras.optimizers.SGD(0.5), "categorical_crossentropy")
    before = inner.predict(x, verbose=0)
    outer.fit(x, y, epochs=2, verbose=0)
    after = inner.predict(x, verbose=0)  # the inner model rebinds to its own buffer
    assert not np.allclose(before, after)
    inner.compile(keras.optimizers.SGD(0.5), "mse")
    inner.fit(x, np.zeros((6, 3)), verbose=0)
    head = outer.layers[1]
    np.testing.assert_allclose(outer.predict(x, verbose=0), head(inner.predict(x, verbose=0)),
                               rtol=1e-5)


def test_a_model_used_twice_has_one_set_of_weights():
    enc = encoder(keras)
    a, b = keras.Input(shape=(4,)), keras.Input(shape=(4,))
    model = keras.Model([a, b], layers.Dense(1)(layers.subtract([enc(a), enc(b)])))
    assert len(model.get_weights()) == len(enc.get_weights()) + 2
    model.build()
    owners = [step.owner for step in model._plan.steps]
    assert owners.count(enc.layers[1]) == 2  # each of the encoder's layers is called twice
    result = gradient_check(model, [np.random.default_rng(1).standard_normal((5, 4))] * 2,
                            np.zeros((5, 1)))
    assert result.passed, repr(result)


def test_trainable_false_on_a_model_freezes_its_layers_at_the_next_compile():
    outer = sequential_in_sequential(keras)
    inner = outer.layers[0]
    inner.trainable = False
    assert all(layer.trainable is False for layer in inner.layers)
    outer.compile("sgd", "categorical_crossentropy")
    assert outer.count_params(trainable=True) == 12 and outer.n_trainable == 12
    inner.trainable = True
    assert outer.count_params(trainable=True) == outer.count_params()  # as the flags stand
    assert outer.n_trainable == 12  # the buffer changes at the next compile
    outer.compile("sgd", "categorical_crossentropy")
    assert outer.n_trainable == outer.count_params()


def test_models_and_layers_called_on_arrays_return_arrays():
    x = keras.Input(shape=(3,))
    model = keras.Model(x, layers.Dropout(0.5, seed=1)(layers.Dense(4)(x)))
    data = np.ones((64, 3), dtype="float32")
    inference = model(data, training=False)
    assert isinstance(inference, np.ndarray) and inference.shape == (64, 4)
    np.testing.assert_array_equal(model(data), inference)
    dropped = model(data, training=True)
    assert (dropped == 0).any() and not (inference == 0).any()
    assert isinstance(layers.Dense(2)(data), np.ndarray)


def test_input_in_a_sequential_list_and_add():
    listed = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2)])
    added = keras.Sequential()
    added.add(keras.Input(shape=(3,)))
    added.add(layers.Dense(2))
    for model in (listed, added):
        assert model.input_shape == (None, 3) and model.count_params() == 8
    with pytest.raises(TypeError, match="a layer, a model or an Input"):
        added.add("dense")


def test_a_model_needs_its_inputs_and_outputs():
    with pytest.raises(ValueError, match="needs both"):
        keras.Model(keras.Input(shape=(2,)))
    with pytest.raises(ValueError, match="subclass with its own call"):
        keras.Model()


def test_nested_summary_is_one_row_per_model():
    outer = sequential_in_sequential(keras)
    lines = []
    outer.summary(print_fn=lines.append)
    assert any(line.startswith("│ inner (Sequential)") and "│            43 │" in line
               for line in lines)
    assert " Total params: 55 (220.00 B)" in lines


# -- saving ---------------------------------------------------------------------------------
def _trained(case, rng):
    build, loss, loss_weights, kinds = CASES[case]
    model = build(keras)
    model.compile(keras.optimizers.Adam(0.01), loss=loss, loss_weights=loss_weights)
    xs, ys = case_data(model, kinds, rng)
    model.fit(xs, ys, epochs=2, batch_size=4, verbose=0)
    return model, xs, ys


@pytest.mark.parametrize("case", sorted(CASES))
def test_save_and_load_round_trip(case, tmp_path):
    model, xs, ys = _trained(case, np.random.default_rng(0))
    model.save(tmp_path / "model.npnn")
    loaded = keras.models.load_model(tmp_path / "model.npnn")
    assert type(loaded) is type(model) and loaded.get_config() == model.get_config()
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(_listed(loaded.predict(xs, verbose=0)), _listed(model.predict(xs, verbose=0))):
        np.testing.assert_array_equal(a, b)
    assert loaded.evaluate(xs, ys, verbose=0) == model.evaluate(xs, ys, verbose=0)
    assert loaded.count_params(trainable=True) == model.count_params(trainable=True)
    # training resumes where it stopped: the same step from the same optimizer state
    for m in (model, loaded):
        m.fit(xs, ys, epochs=1, batch_size=4, shuffle=False, verbose=0)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


def _listed(outputs):
    return outputs if isinstance(outputs, list) else [outputs]


@pytest.mark.parametrize("case", sorted(CASES))
def test_architecture_round_trips_through_json(case):
    model = CASES[case][0](keras)
    again = keras.models.model_from_json(model.to_json())
    assert again.get_config() == model.get_config()
    assert [w.shape for w in again.get_weights()] == [w.shape for w in model.get_weights()]


def test_nested_weights_are_stored_under_their_path(tmp_path):
    outer = sequential_in_sequential(keras)
    outer.save_weights(tmp_path / "w.weights.npz")
    with zipfile.ZipFile(tmp_path / "w.weights.npz") as zf:
        names = sorted(zf.namelist())
    assert names == ["layers/0/layers/0/0.npy", "layers/0/layers/0/1.npy",
                     "layers/0/layers/1/0.npy", "layers/0/layers/1/1.npy",
                     "layers/1/0.npy", "layers/1/1.npy"]


def test_compile_settings_per_output_are_saved(tmp_path):
    model, xs, ys = _trained("multi_io", np.random.default_rng(1))
    model.compile("sgd", loss={"out1": "binary_crossentropy",
                               "out2": "sparse_categorical_crossentropy"},
                  loss_weights={"out1": 0.3, "out2": 1.5},
                  metrics={"out2": ["accuracy"]})
    model.save(tmp_path / "m.npnn")
    with zipfile.ZipFile(tmp_path / "m.npnn") as zf:
        settings = json.loads(zf.read("compile.json"))
    assert settings["loss_weights"] == {"out1": 0.3, "out2": 1.5}
    assert settings["metrics"] == {"out2": ["accuracy"]}
    loaded = keras.models.load_model(tmp_path / "m.npnn")
    assert loaded.evaluate(xs, ys, verbose=0, return_dict=True) == \
        model.evaluate(xs, ys, verbose=0, return_dict=True)


def test_a_model_made_frozen_freezes_its_layers():
    x = keras.Input(shape=(3,))
    dense = layers.Dense(2)
    model = keras.Model(x, dense(x), trainable=False)
    assert dense.trainable is False and model.count_params(trainable=True) == 0
