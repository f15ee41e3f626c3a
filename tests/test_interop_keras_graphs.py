"""Functional and nested models in Keras files: the recorded fixtures (two inputs, a shared
layer, Concatenate and Add, two outputs; models inside models) read without Keras, and round
trips through live Keras, skipped where Keras is absent."""
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

import numpynn
from numpynn import layers as L
from numpynn.interop.keras_config import KerasFileError
from numpynn.interop.keras_model_config import model_from_keras
from tests import references

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _h5py():
    references.h5py()


@pytest.mark.parametrize("ext", ["keras", "h5"])
def test_functional_fixture_keeps_its_graph(ext):
    model = numpynn.models.load_model(DATA / f"keras_functional.{ext}")
    assert model.input_names == ["a", "b"] and model.output_names == ["first", "second"]
    assert len(model.get_layer("shared").inbound_nodes) == 2  # one layer, called twice
    assert [type(layer).__name__ for layer in model.layers].count("Dense") == 3


@pytest.mark.parametrize("ext", ["keras", "h5"])
def test_nested_fixture_holds_models(ext):
    model = numpynn.models.load_model(DATA / f"keras_nested.{ext}")
    assert [type(layer).__name__ for layer in model.layers] == ["Sequential", "Functional",
                                                                 "Dense"]
    assert model.count_params() == (6 * 8 + 8) + 4 * 8 + (8 * 8 + 8) + (8 * 3 + 3)


def _graph():
    """Two inputs, a shared Dense, merges, a nested Sequential and a nested functional."""
    a, b = numpynn.Input((5,), name="a"), numpynn.Input((5,), name="b")
    shared = L.Dense(6, activation="relu", name="shared")
    ha, hb = shared(a), shared(b)
    x = numpynn.Input((6,))
    block = numpynn.Model(x, L.Multiply()([x, L.Dense(6, activation="sigmoid")(x)]),
                          name="gate")
    stem = numpynn.Sequential([L.Dense(6), L.BatchNormalization()], name="stem")
    merged = L.Concatenate()([ha, L.Subtract()([ha, hb]), stem(L.Average()([ha, hb]))])
    first = L.Dense(3, activation="softmax", name="first")(merged)
    second = L.Dot(axes=1)([block(L.Add()([ha, hb])), hb])
    model = numpynn.Model([a, b], [first, second], name="graph")
    model.compile(optimizer="adam", loss=["mse", "mae"], loss_weights=[1.0, 0.5])
    rng = np.random.default_rng(0)
    xs = [rng.normal(size=(32, 5)).astype("float32") for _ in range(2)]
    model.fit(xs, [rng.normal(size=(32, 3)), rng.normal(size=(32, 1))], epochs=1,
              batch_size=8, verbose=0)
    return model, xs


def _assert_close(got, want, rtol=1e-5):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=rtol, atol=1e-6)


def test_functional_round_trip_in_numpynn(tmp_path):
    model, xs = _graph()
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        config = json.loads(archive.read("config.json"))
    assert config["class_name"] == "Functional"
    loaded = numpynn.models.load_model(tmp_path / "m.keras")
    _assert_close(loaded.predict(xs, verbose=0), model.predict(xs, verbose=0), rtol=0)
    assert [type(l).__name__ for l in loaded.loss] == ["MeanSquaredError", "MeanAbsoluteError"]
    assert loaded._compile_args["loss_weights"] == [1.0, 0.5]


def test_keras_loads_numpynn_graphs(tmp_path):
    keras = references.keras()
    model, xs = _graph()
    model.save(tmp_path / "m.keras")
    theirs = keras.models.load_model(tmp_path / "m.keras")
    _assert_close(theirs.predict(xs, verbose=0), model.predict(xs, verbose=0))
    assert [type(l).__name__ for l in theirs.loss] == ["MeanSquaredError", "MeanAbsoluteError"]


def test_numpynn_reads_keras_graphs(tmp_path):
    keras = references.keras()
    a = keras.Input((4,), name="a")
    inner = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4, activation="tanh")],
                             name="inner")
    shared = keras.layers.Dense(4, name="shared")
    h = keras.layers.Maximum()([shared(a), inner(shared(a))])
    theirs = keras.Model(a, {"out": keras.layers.Dense(2, name="out")(h)}, name="k")
    theirs.compile(optimizer="sgd", loss={"out": "mse"})
    x = np.random.default_rng(1).normal(size=(6, 4)).astype("float32")
    for ext in ("keras", "h5"):
        theirs.save(tmp_path / f"k.{ext}")
        ours = numpynn.models.load_model(tmp_path / f"k.{ext}")
        np.testing.assert_allclose(ours.predict(x, verbose=0)["out"],
                                   theirs.predict(x, verbose=0)["out"], rtol=1e-5, atol=1e-6)
        assert type(ours.loss["out"]).__name__ == "MeanSquaredError"


def _functional_spec(layer_extra=None, **config):
    dense = {"class_name": "Dense", "config": {"name": "d", "units": 2},
             "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {
                 "keras_history": ["x", 0, 0]}}], "kwargs": {}}], **(layer_extra or {})}
    inputs = {"class_name": "InputLayer", "config": {"name": "x", "batch_shape": [None, 3]},
              "inbound_nodes": []}
    return {"class_name": "Functional",
            "config": {"name": "m", "layers": [inputs, dense], "input_layers": [["x", 0, 0]],
                       "output_layers": [["d", 0, 0]], **config}}


def test_functional_config_translates():
    spec = model_from_keras(_functional_spec())
    assert spec["config"]["layers"][1]["inbound_nodes"] == [["x", 0, 0]]
    model = numpynn.models.Functional.from_config(spec["config"])
    assert model.output_shape == (None, 2)


@pytest.mark.parametrize("spec, message", [
    (_functional_spec({"inbound_nodes": [{"args": [{"class_name": "__keras_tensor__",
                                                    "config": {"keras_history": ["x", 0, 0]}}],
                                          "kwargs": {"training": True}}]}), "training"),
    (_functional_spec({"inbound_nodes": [{"args": ["x"], "kwargs": {}}]}), "names a tensor"),
    ({"class_name": "Functional", "config": {"name": "sub"}}, "subclassed"),
    ({"class_name": "MyModel", "config": {"layers": []}}, "MyModel"),
    ({**_functional_spec(), "registered_name": "Custom>Net"}, "Custom>Net"),
])
def test_graph_configs_numpynn_cannot_read_are_refused(spec, message):
    with pytest.raises(KerasFileError, match=message):
        model_from_keras(spec)


def _image_model(library):
    """The image CNN of Keras' tutorials: augmentation layers, Rescaling, a convolution.
    (RandomCrop is left out: in inference Keras 3's code returns its input unchanged, where
    Keras documents, and numpynn returns, the centred window resized.)"""
    layers = library.layers
    return library.Sequential([
        library.Input((12, 10, 3)), layers.RandomFlip("horizontal", seed=1),
        layers.RandomRotation(0.1, seed=2), layers.RandomZoom(0.1, seed=3),
        layers.RandomTranslation(0.1, 0.2, seed=4), layers.RandomContrast(0.2, seed=5),
        layers.RandomBrightness(0.1, seed=6), layers.Resizing(8, 8), layers.CenterCrop(6, 6),
        layers.Rescaling(1 / 255, offset=-0.5),
        layers.Conv2D(4, 3, activation="relu"), layers.Flatten(), layers.Dense(2)])


def test_augmentation_layers_move_to_keras_and_back(tmp_path):
    keras = references.keras()
    images = np.random.default_rng(2).uniform(0, 255, (3, 12, 10, 3)).astype("float32")
    ours = _image_model(numpynn)
    ours.save(tmp_path / "ours.keras")
    theirs = keras.models.load_model(tmp_path / "ours.keras")
    assert [type(layer).__name__ for layer in theirs.layers] == [
        type(layer).__name__ for layer in ours.layers]
    assert list(theirs.layers[1].get_config()["factor"]) == [-0.1, 0.1]  # RandomRotation(0.1)
    np.testing.assert_allclose(theirs.predict(images, verbose=0),
                               ours.predict(images, verbose=0), rtol=1e-5, atol=1e-6)
    keras_model = _image_model(keras)
    keras_model.save(tmp_path / "theirs.keras")
    back = numpynn.models.load_model(tmp_path / "theirs.keras")
    np.testing.assert_allclose(back.predict(images, verbose=0),
                               keras_model.predict(images, verbose=0), rtol=1e-5, atol=1e-6)
    assert back.layers[5].seed == 6 and back.layers[7].get_config()["height"] == 6
    crop = numpynn.Sequential([numpynn.Input((12, 10, 3)), L.RandomCrop(10, 9, seed=7)])
    crop.save(tmp_path / "crop.keras")
    config = keras.models.load_model(tmp_path / "crop.keras").layers[0].get_config()
    assert (config["height"], config["width"], config["seed"]) == (10, 9, 7)
