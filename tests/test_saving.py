import json
import zipfile

import numpy as np
import pytest

import numpynn as keras
from numpynn.saving import ModelFileError
from tests.saving_helpers import make_data, make_model


@pytest.fixture(autouse=True)
def _seed():
    keras.utils.set_random_seed(1)


def test_model_file_holds_the_documented_members(tmp_path):
    x, y = make_data()
    model = make_model()
    model.fit(x, y, epochs=1, verbose=0)
    path = tmp_path / "m.npnn"
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == sorted(
            ["metadata.json", "config.json", "compile.json", "weights.npz", "optimizer.npz",
             "training.json"])
        meta = json.loads(zf.read("metadata.json"))
        compiled = json.loads(zf.read("compile.json"))
    assert meta["format"] == "numpynn.model" and meta["numpy_version"] == np.__version__
    assert compiled["optimizer"]["class_name"] == "Adam"
    assert compiled["loss"]["class_name"] == "SparseCategoricalCrossentropy"
    assert compiled["metrics"] == ["accuracy"]
    # the weights part is a plain .npz that NumPy opens without pickle
    with zipfile.ZipFile(path) as zf:
        zf.extract("weights.npz", tmp_path)
    with np.load(tmp_path / "weights.npz", allow_pickle=False) as npz:
        assert sorted(npz.files) == ["layers/0/0", "layers/0/1", "layers/2/0", "layers/2/1"]
        np.testing.assert_array_equal(npz["layers/0/0"], model.layers[0].params["kernel"])


@pytest.mark.parametrize("optimizer", ["adam", "sgd", "rmsprop",
                                       keras.optimizers.SGD(0.05, momentum=0.9, nesterov=True)])
def test_load_restores_predictions_and_optimizer_exactly(tmp_path, optimizer):
    x, y = make_data()
    model = make_model(optimizer)
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    model.save(tmp_path / "m.npnn")
    loaded = keras.models.load_model(tmp_path / "m.npnn")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.epochs_trained == 2
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert loaded.optimizer.iterations == model.optimizer.iterations == 8
    for name, slot in model.optimizer.slots.items():
        np.testing.assert_array_equal(loaded.optimizer.slots[name], slot)
    assert loaded.evaluate(x, y, verbose=0) == model.evaluate(x, y, verbose=0)


@pytest.mark.parametrize("dropout_seed", [None, 7])
def test_resumed_training_is_bit_identical_to_uninterrupted(tmp_path, dropout_seed):
    x, y = make_data()
    keras.utils.set_random_seed(3)
    straight = make_model(dropout_seed=dropout_seed)
    straight.fit(x, y, epochs=4, batch_size=16, verbose=0, validation_split=0.2)

    keras.utils.set_random_seed(3)
    first = make_model(dropout_seed=dropout_seed)
    first.fit(x, y, epochs=2, batch_size=16, verbose=0, validation_split=0.2)
    first.save(tmp_path / "half.npnn")
    keras.utils.set_random_seed(999)  # anything drawn meanwhile must not matter
    keras.backend.rng().random(10)
    resumed = keras.models.load_model(tmp_path / "half.npnn")
    history = resumed.fit(x, y, epochs=4, batch_size=16, verbose=0, validation_split=0.2,
                          initial_epoch=resumed.epochs_trained)
    assert history.epoch == [2, 3]
    for a, b in zip(resumed.get_weights(), straight.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert history.history["loss"] == straight.history.history["loss"][2:]


def test_restore_rng_false_leaves_global_generator_alone(tmp_path):
    model = make_model()
    model.fit(*make_data(), epochs=1, verbose=0)
    model.save(tmp_path / "m.npnn")
    keras.utils.set_random_seed(5)
    expected = np.random.default_rng(5).permutation(10)
    keras.models.load_model(tmp_path / "m.npnn", restore_rng=False)
    np.testing.assert_array_equal(keras.backend.rng().permutation(10), expected)


def test_load_without_compile_gives_uncompiled_model(tmp_path):
    model = make_model()
    model.save(tmp_path / "m.npnn")
    loaded = keras.models.load_model(tmp_path / "m.npnn", compile=False)
    assert not loaded.compiled
    x, _ = make_data()
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_class_names_are_kept_in_the_metadata(tmp_path):
    model = make_model()
    model.class_names = ["cats", "dogs", "birds"]
    model.save(tmp_path / "m.npnn")
    with zipfile.ZipFile(tmp_path / "m.npnn") as zf:
        assert json.loads(zf.read("metadata.json"))["class_names"] == ["cats", "dogs", "birds"]
    assert keras.models.load_model(tmp_path / "m.npnn").class_names == ["cats", "dogs", "birds"]
    make_model().save(tmp_path / "plain.npnn")
    assert not hasattr(keras.models.load_model(tmp_path / "plain.npnn"), "class_names")


def test_uncompiled_float64_model_round_trips(tmp_path):
    model = keras.Sequential([keras.Input(shape=(3,)),
                              keras.layers.Dense(4, activation="tanh", dtype="float64"),
                              keras.layers.Maxout(2, pieces=3, dtype="float64")])
    model.save(tmp_path / "m.npnn")
    loaded = keras.saving.load_model(tmp_path / "m.npnn")
    assert not loaded.compiled and loaded.dtype == np.float64
    x = np.random.default_rng(0).normal(size=(5, 3))
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_unbuilt_model_cannot_be_saved(tmp_path):
    model = keras.Sequential([keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="not built"):
        model.save(tmp_path / "m.npnn")


def test_save_weights_and_load_weights_by_position(tmp_path):
    x, y = make_data()
    model = make_model()
    model.fit(x, y, epochs=1, verbose=0)
    model.save_weights(tmp_path / "m.weights.npz")
    other = make_model()  # new automatic names (dense_2...), fresh weights
    assert other.layers[0].name != model.layers[0].name
    other.load_weights(tmp_path / "m.weights.npz")
    np.testing.assert_array_equal(other.predict(x, verbose=0), model.predict(x, verbose=0))
    # a whole model file is accepted too
    model.save(tmp_path / "m.npnn")
    third = make_model()
    third.load_weights(tmp_path / "m.npnn")
    np.testing.assert_array_equal(third.predict(x, verbose=0), model.predict(x, verbose=0))


def test_load_weights_into_a_different_architecture_fails_clearly(tmp_path):
    make_model().save_weights(tmp_path / "w.npz")
    bigger = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(9),
                               keras.layers.Dropout(0.1), keras.layers.Dense(3)])
    with pytest.raises(ModelFileError, match=r"shape \(5, 8\), expected \(5, 9\)"):
        bigger.load_weights(tmp_path / "w.npz")


def test_to_json_and_model_from_json(tmp_path):
    model = make_model()
    text = model.to_json()
    rebuilt = keras.models.model_from_json(text)
    assert json.loads(rebuilt.to_json())["config"] == json.loads(text)["config"]
    assert [type(l) for l in rebuilt.layers] == [type(l) for l in model.layers]
    assert rebuilt.count_params() == model.count_params()


def test_overwrite_false_refuses_existing_file(tmp_path):
    model = make_model()
    model.save(tmp_path / "m.npnn")
    with pytest.raises(FileExistsError):
        model.save(tmp_path / "m.npnn", overwrite=False)


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        keras.models.load_model(tmp_path / "nope.npnn")
