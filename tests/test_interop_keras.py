"""Keras model files in numpynn and back: the recorded fixtures (tests/data/keras_*, made by
tests/reference/make_keras_fixtures.py) need only h5py; the round trips through live Keras
are skipped where Keras is absent."""
import io
import json
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

import numpynn
from numpynn import layers as L
from numpynn.interop.keras_config import KerasFileError, NotExportableError
from numpynn.saving import ModelFileError
from tests import references

DATA = Path(__file__).parent / "data"
RECORDED = np.load(DATA / "keras_fixtures.npz")
FIXTURES = [f"keras_{name}.{ext}" for name in ("mlp", "cnn", "functional", "nested")
            for ext in ("keras", "h5")]


def _recorded(name, key):
    """The recorded array, or the list of them for a model with several inputs/outputs."""
    if f"{name}_{key}" in RECORDED:
        return RECORDED[f"{name}_{key}"]
    return [RECORDED[f"{name}_{key}{i}"] for i in range(2)]


@pytest.fixture(autouse=True)
def _h5py():
    references.h5py()


@pytest.mark.parametrize("fixture", FIXTURES)
def test_keras_fixture_predicts_as_keras(fixture):
    model = numpynn.models.load_model(DATA / fixture)
    name = fixture.split("_")[1].split(".")[0]
    got, want = model.predict(_recorded(name, "x"), verbose=0), _recorded(name, "y")
    assert type(got) is type(want)
    for g, w in zip(got if isinstance(got, list) else [got], want if isinstance(want, list)
                    else [want]):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("ext", ["keras", "h5"])
def test_compile_settings_are_restored(ext):
    mlp = numpynn.models.load_model(DATA / f"keras_mlp.{ext}")
    assert type(mlp.optimizer).__name__ == "Adam" and mlp.optimizer.learning_rate == 0.01
    assert type(mlp.loss).__name__ == "CategoricalCrossentropy"
    assert mlp.metrics_names == ["loss", "accuracy"]
    assert mlp.layers[2].regularizers["kernel"].get_config() == {"l2": 0.01}
    cnn = numpynn.models.load_model(DATA / f"keras_cnn.{ext}")
    assert type(cnn.optimizer).__name__ == "SGD"
    assert (cnn.optimizer.learning_rate, cnn.optimizer.momentum) == (0.05, 0.9)
    assert cnn.loss.label_smoothing == pytest.approx(0.1)
    assert not numpynn.models.load_model(DATA / f"keras_cnn.{ext}", compile=False).compiled


def test_content_decides_not_the_name(tmp_path):
    shutil.copy(DATA / "keras_mlp.h5", tmp_path / "model.bin")
    shutil.copy(DATA / "keras_mlp.keras", tmp_path / "model.npnn")
    expected = RECORDED["mlp_y"]
    for name in ("model.bin", "model.npnn"):
        got = numpynn.models.load_model(tmp_path / name).predict(RECORDED["mlp_x"], verbose=0)
        np.testing.assert_allclose(got, expected, rtol=1e-5)
    own = numpynn.models.load_model(tmp_path / "model.bin")
    own.save(tmp_path / "own.npnn")
    shutil.copy(tmp_path / "own.npnn", tmp_path / "own.keras")  # numpynn's format, any name
    assert numpynn.models.load_model(tmp_path / "own.keras").epochs_trained == 0


def _cnn():
    numpynn.utils.set_random_seed(3)
    model = numpynn.Sequential([
        numpynn.Input(shape=(9, 9, 2)),
        L.Conv2D(4, 3, padding="same", activation="relu", kernel_regularizer="l2"),
        L.BatchNormalization(),
        L.DepthwiseConv2D(3, depth_multiplier=2),
        L.SeparableConv2D(3, 2, activation="elu"),
        L.ZeroPadding2D(1),
        L.Conv2DTranspose(2, 3, strides=2, padding="same"),
        L.AveragePooling2D(2),
        L.Conv2D(3, 2, dilation_rate=2, use_bias=False),
        L.GlobalMaxPooling2D(),
        L.Dense(5, kernel_constraint="max_norm"),
        L.LeakyReLU(0.1),
        L.Dropout(0.3),
        L.Dense(3, activation="softmax"),
    ])
    model.compile(optimizer=numpynn.optimizers.RMSprop(0.002, momentum=0.5),
                  loss="categorical_crossentropy", metrics=["accuracy"])
    x = np.random.default_rng(0).normal(size=(16, 9, 9, 2)).astype("float32")
    model.fit(x, np.eye(3)[np.arange(16) % 3], epochs=1, batch_size=8, verbose=0)
    return model, x


def test_keras_archive_round_trip_in_numpynn(tmp_path):
    model, x = _cnn()
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        assert sorted(archive.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]
        config = json.loads(archive.read("config.json"))
    assert config["class_name"] == "Sequential" and config["module"] == "keras"
    loaded = numpynn.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.optimizer.get_config() == model.optimizer.get_config()


def test_keras_loads_what_numpynn_writes(tmp_path):
    keras = references.keras()
    model, x = _cnn()
    model.save(tmp_path / "m.keras")
    theirs = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(theirs.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)
    assert type(theirs.optimizer).__name__ == "RMSprop"
    assert float(theirs.optimizer.learning_rate) == pytest.approx(0.002)
    assert theirs.optimizer.momentum == 0.5


def test_numpynn_reads_what_keras_writes(tmp_path):
    keras = references.keras()
    keras.utils.set_random_seed(1)
    kl = keras.layers
    model = keras.Sequential([
        keras.Input(shape=(12, 3)),
        kl.Conv1D(4, 3, padding="causal", activation="selu"),
        kl.MaxPooling1D(2),
        kl.Conv1D(5, 2, strides=2, padding="same"),
        kl.GlobalAveragePooling1D(),
        kl.Dense(6, activation="gelu", bias_regularizer=keras.regularizers.L1L2(0.01, 0.02)),
        kl.LayerNormalization(),
        kl.PReLU(),
        kl.Reshape((3, 2)),
        kl.Flatten(),
        kl.BatchNormalization(center=False),
        kl.Dense(2),
    ])
    model.compile(optimizer=keras.optimizers.Nadam(0.003), loss=keras.losses.Huber(0.5))
    x = np.random.default_rng(2).normal(size=(32, 12, 3)).astype("float32")
    model.fit(x, np.random.default_rng(3).normal(size=(32, 2)), epochs=1, verbose=0)
    expected = model.predict(x, verbose=0)
    for name in ("m.keras", "m.h5"):
        model.save(tmp_path / name)
        ours = numpynn.models.load_model(tmp_path / name)
        np.testing.assert_allclose(ours.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
        # Keras stores no delta in Huber's config: the file cannot say 0.5
        assert type(ours.optimizer).__name__ == "Nadam" and type(ours.loss).__name__ == "Huber"


def _archive_with_layer(layer_spec):
    """A .keras archive whose model holds ``layer_spec`` after a Dense layer."""
    with zipfile.ZipFile(DATA / "keras_mlp.keras") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    config["config"]["layers"].insert(2, layer_spec)
    members["config.json"] = json.dumps(config).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("spec, message", [
    ({"module": "keras.layers", "class_name": "Lambda",
      "config": {"name": "code", "function": {"class_name": "__lambda__", "config": {
          "code": "4wEAAAAAAAAAAAAAAAEAAAADAAAAQwAAAHMIAAAAfABkARQAUwApAk7pAgAAAKkAKQHaAXhyAgAAAHIC"}}},
      "registered_name": None}, "layer 1 \\(Lambda 'code'\\) is a Lambda: it holds Python code"),
    ({"module": "keras.layers", "class_name": "LSTM", "config": {"name": "lstm", "units": 2},
      "registered_name": None}, "numpynn has no LSTM layer"),
    ({"module": "my_package", "class_name": "Scale", "config": {"name": "s"},
      "registered_name": "my_package>Scale"}, "custom object 'my_package>Scale'"),
    ({"module": "keras.layers", "class_name": "Dense",
      "config": {"name": "d", "units": 16, "kernel_initializer": {
          "module": "my_init", "class_name": "Evil", "config": {}, "registered_name": "Evil"}},
      "registered_name": None}, "custom object 'Evil'"),
    ({"module": "keras.layers", "class_name": "Dense",
      "config": {"name": "d", "units": 16, "activation": {
          "module": "my_module", "class_name": "MyAct", "config": {},
          "registered_name": "my_module>MyAct"}},
      "registered_name": None}, "custom object 'my_module>MyAct'"),
    ({"module": "keras.layers", "class_name": "Dense",
      "config": {"name": "d", "units": 16, "quantization_config": {"mode": "int8"}},
      "registered_name": None}, "quantization_config="),
    ({"module": "keras.layers", "class_name": "Dense",
      "config": {"name": "d", "units": 16, "dtype": "mixed_float16"},
      "registered_name": None}, "mixed precision"),
])
def test_files_numpynn_cannot_read_are_refused_by_name(tmp_path, spec, message):
    path = tmp_path / "m.keras"
    path.write_bytes(_archive_with_layer(spec))
    with pytest.raises(KerasFileError, match=message):
        numpynn.models.load_model(path)


def test_models_keras_cannot_hold_are_refused(tmp_path):
    model = numpynn.Sequential([numpynn.Input(shape=(4,)), L.Maxout(2, 3)])
    with pytest.raises(NotExportableError, match="Keras 3 has no Maxout layer"):
        model.save(tmp_path / "m.keras")
    model = numpynn.Sequential([numpynn.Input(shape=(4,)), L.Dense(2)])
    model.compile(optimizer=numpynn.optimizers.Adam(convention="torch"), loss="mse")
    with pytest.raises(NotExportableError, match="convention='torch'"):
        model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="does not write legacy Keras HDF5"):
        model.save(tmp_path / "m.h5")
    assert not list(tmp_path.iterdir())


def test_missing_h5py_is_explained(tmp_path, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "h5py", None)
    with pytest.raises(ImportError, match=r"pip install numpynn\[keras\]"):
        numpynn.models.load_model(DATA / "keras_mlp.keras")


def test_weights_that_do_not_fit_the_config_are_refused(tmp_path):
    with zipfile.ZipFile(DATA / "keras_mlp.keras") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    config["config"]["layers"][1]["config"]["units"] = 17
    members["config.json"] = json.dumps(config).encode()
    path = tmp_path / "m.keras"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ModelFileError, match=r"has shape \(6, 16\), expected \(6, 17\)"):
        numpynn.models.load_model(path)


def _keras2_style(value):
    """A Keras 3 config written as Keras 2 / tf.keras wrote it: dtypes as strings, no
    module or registered name, ``batch_input_shape`` on the InputLayer."""
    if isinstance(value, list):
        return [_keras2_style(v) for v in value]
    if not isinstance(value, dict):
        return value
    if value.get("class_name") == "DTypePolicy":
        return value["config"]["name"]
    value = {k: _keras2_style(v) for k, v in value.items()
             if k not in ("module", "registered_name", "build_config", "optional",
                          "quantization_config")}
    if "batch_shape" in value:
        value["batch_input_shape"] = value.pop("batch_shape")
    return value


def test_keras2_style_h5(tmp_path):
    """tf.keras 2 files: Keras 2 configs, ``Custom>Adam``, nested metric objects and
    ``layer/kernel:0`` weight names."""
    h5py = references.h5py()
    path = tmp_path / "keras2.h5"
    shutil.copy(DATA / "keras_mlp.h5", path)
    with h5py.File(path, "a") as h5:
        h5.attrs["model_config"] = json.dumps(_keras2_style(json.loads(h5.attrs["model_config"])))
        training = json.loads(h5.attrs["training_config"])
        optimizer = _keras2_style(training.pop("optimizer_config"))
        optimizer["class_name"] = "Custom>Adam"
        optimizer["config"].update(jit_compile=True, is_legacy_optimizer=False)
        training.update(optimizer_config=optimizer, metrics=[[{
            "class_name": "MeanMetricWrapper",
            "config": {"name": "accuracy", "dtype": "float32", "fn": "categorical_accuracy"}}]])
        h5.attrs["training_config"] = json.dumps(training)
        for name, group in h5["model_weights"].items():
            paths = [p.decode() if isinstance(p, bytes) else p for p in group.attrs["weight_names"]]
            renamed = [f"{name}/{p.rsplit('/', 1)[1]}:0" for p in paths]
            arrays = [group[p][()] for p in paths]
            for p in {p.split("/")[0] for p in paths}:
                del group[p]
            for new, array in zip(renamed, arrays):
                group.create_dataset(new, data=array)
            group.attrs["weight_names"] = np.array(renamed, dtype="S")
    model = numpynn.models.load_model(path)
    np.testing.assert_allclose(model.predict(RECORDED["mlp_x"], verbose=0), RECORDED["mlp_y"],
                               rtol=1e-5, atol=1e-7)
    assert type(model.optimizer).__name__ == "Adam" and model.metrics_names == ["loss",
                                                                                 "accuracy"]
