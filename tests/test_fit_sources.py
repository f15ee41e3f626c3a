"""``fit``, ``evaluate`` and ``predict`` on data sets, generators, iterables and PyDatasets:
the same numbers as on the arrays they hold, Keras' ``steps_per_epoch``/``validation_steps``,
and errors that name the bad batch."""
import warnings

import numpy as np
import pytest

import numpynn as keras
from numpynn.data import Dataset


def _data(n=48, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 5)).astype("float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, n)]
    return x, y


def _model(build=True):
    keras.backend.seed_rng(7)
    layers = [keras.layers.Dense(8, activation="relu"), keras.layers.Dropout(0.2),
              keras.layers.Dense(3, activation="softmax")]
    model = keras.Sequential(([keras.layers.Input((5,))] if build else []) + layers)
    model.compile(keras.optimizers.Adam(0.01), "categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def _generator(x, y, batch_size, passes=1, weights=None):
    for _ in range(passes):
        for start in range(0, len(x), batch_size):
            part = slice(start, start + batch_size)
            yield (x[part], y[part]) if weights is None else (x[part], y[part], weights[part])


class _Batches(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size

    def __len__(self):
        return -(-len(self.x) // self.batch_size)

    def __getitem__(self, i):
        part = slice(i * self.batch_size, (i + 1) * self.batch_size)
        return self.x[part], self.y[part]


class _Reiterable:
    """Any object that ``for`` can walk more than once, as a source of batches."""

    def __init__(self, batches):
        self.batches = batches

    def __iter__(self):
        return iter(self.batches)


def _same_weights(a, b):
    for u, v in zip(a.get_weights(), b.get_weights()):
        assert u.tobytes() == v.tobytes()


def _sources(x, y, batch_size):
    return {"dataset": Dataset.from_tensor_slices((x, y)).batch(batch_size),
            "iterable": _Reiterable(list(_generator(x, y, batch_size))),
            "PyDataset": _Batches(x, y, batch_size),
            "PyDataset with workers": _Batches(x, y, batch_size, workers=2)}


@pytest.mark.parametrize("kind", ["dataset", "iterable", "PyDataset",
                                  "PyDataset with workers"])
def test_fit_on_a_source_equals_fit_on_its_arrays(kind):
    x, y = _data()
    reference = _model()
    expected = reference.fit(x, y, batch_size=10, epochs=3, shuffle=False, verbose=0)
    model = _model(build=False)  # built from the first batch
    history = model.fit(_sources(x, y, 10)[kind], epochs=3, shuffle=False, verbose=0)
    _same_weights(reference, model)
    assert history.history == expected.history
    assert model.evaluate(_sources(x, y, 16)[kind], verbose=0) == \
        pytest.approx(reference.evaluate(x, y, verbose=0), rel=1e-6)
    np.testing.assert_array_equal(model.predict(_sources(x, y, 16)[kind], verbose=0),
                                  reference.predict(x, verbose=0))


def test_a_generator_with_steps_per_epoch_and_sample_weights():
    x, y = _data()
    w = np.linspace(0.5, 2, len(x)).astype("float32")
    reference = _model()
    reference.fit(x, y, sample_weight=w, batch_size=12, epochs=2, shuffle=False, verbose=0)
    model = _model()
    history = model.fit(_generator(x, y, 12, passes=2, weights=w), steps_per_epoch=4, epochs=2,
                        verbose=0)
    _same_weights(reference, model)
    assert len(history.history["loss"]) == 2


def test_class_weight_applies_to_the_batches_of_a_source():
    x, y = _data()
    weights = {0: 2.0, 1: 0.5}
    reference = _model()
    reference.fit(x, y, class_weight=weights, batch_size=16, shuffle=False, verbose=0)
    model = _model()
    model.fit(Dataset.from_tensor_slices((x, y)).batch(16), class_weight=weights, verbose=0)
    _same_weights(reference, model)


def test_validation_data_as_a_source_with_validation_steps():
    x, y = _data()
    x_val, y_val = _data(40, seed=1)
    model = _model()
    history = model.fit(x, y, epochs=2, verbose=0,
                        validation_data=Dataset.from_tensor_slices((x_val, y_val)).batch(10),
                        validation_steps=2)
    first_20 = model.evaluate(x_val[:20], y_val[:20], verbose=0, return_dict=True)
    assert history.history["val_loss"][-1] == pytest.approx(first_20["loss"], rel=1e-6)
    assert history.history["val_accuracy"][-1] == pytest.approx(first_20["accuracy"])


def test_a_used_up_generator_stops_training_with_keras_warning():
    x, y = _data()
    model = _model()
    with pytest.warns(UserWarning, match="ran out of data"):
        history = model.fit(_generator(x, y, 16), epochs=3, verbose=0)
    assert history.epoch == [0]


def test_an_endless_source_needs_steps_per_epoch():
    x, y = _data()
    endless = Dataset.from_tensor_slices((x, y)).batch(16).repeat()
    with pytest.raises(ValueError, match="steps_per_epoch"):
        _model().fit(endless, epochs=1, verbose=0)
    history = _model().fit(endless, steps_per_epoch=5, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_progress_of_a_source_of_unknown_length(capsys):
    x, y = _data()
    _model().fit(_generator(x, y, 16), epochs=1, verbose=2)
    assert "3/Unknown" in capsys.readouterr().out


@pytest.mark.parametrize("make, words", [
    (lambda x, y: _Reiterable([(x[:8], y[:8]), (x[8:16, :4], y[8:16])]),
     "batch 1 of the iterable"),
    (lambda x, y: iter([(x[:8], y[:8]), (x[8:16], y[8:12])]), "batch 1 of the generator"),
    (lambda x, y: _Reiterable([(x[:8, :4], y[:8])]), "batch 0 of the iterable.*shape"),
    (lambda x, y: _Reiterable([(x[:8],)]), "batch 0 of the iterable.*y is None"),
])
def test_bad_batches_are_named(make, words):
    x, y = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match=words):
            _model().fit(make(x, y), epochs=1, verbose=0)


def test_array_only_options_are_refused_for_sources():
    x, y = _data()
    data = Dataset.from_tensor_slices((x, y)).batch(16)
    with pytest.raises(ValueError, match="validation_split applies to array data"):
        _model().fit(data, validation_split=0.2, verbose=0)
    with pytest.raises(ValueError, match="steps_per_epoch applies to data sets"):
        _model().fit(x, y, steps_per_epoch=2, verbose=0)
    with pytest.raises(ValueError, match="pass y inside its batches"):
        _model().fit(data, y, verbose=0)


def test_predict_takes_the_x_of_batches_with_or_without_targets():
    x, y = _data()
    model = _model()
    expected = model.predict(x, verbose=0)
    only_x = Dataset.from_tensor_slices(x).batch(20)
    np.testing.assert_array_equal(model.predict(only_x, verbose=0), expected)
    np.testing.assert_array_equal(model.predict(only_x, steps=1, verbose=0), expected[:20])


def test_an_image_folder_trains_and_predicts(tmp_path):
    pytest.importorskip("PIL", reason="the images extra (Pillow) reads image files")
    from image_folder_helpers import make_image_folder
    make_image_folder(tmp_path / "images")
    train, validation = keras.utils.image_dataset_from_directory(
        tmp_path / "images", image_size=(16, 16), batch_size=4, validation_split=0.25,
        subset="both", seed=1)
    keras.backend.seed_rng(0)
    model = keras.Sequential([keras.layers.Rescaling(1 / 255),
                              keras.layers.Conv2D(4, 3, activation="relu"),
                              keras.layers.GlobalAveragePooling2D(),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(train, validation_data=validation, epochs=2, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert model.predict(validation, verbose=0).shape == (6, 3)
