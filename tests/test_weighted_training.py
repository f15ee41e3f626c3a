"""Weighted training against Keras 3: ``sample_weight`` and ``class_weight`` in ``fit``
(also in ``validation_data``), ``sample_weight`` in ``evaluate``, ``weighted_metrics``.
Each case copies Keras' weights, takes one full-batch SGD step in both libraries and
compares the weights after it and every reported value."""
import numpy as np
import pytest

import numpynn as keras

import references
from graph_models import case_data, multi_io

N = 12


def _classifier(lib, activation):
    return lib.Sequential([lib.Input(shape=(5,)), lib.layers.Dense(6, activation="tanh"),
                           lib.layers.Dense(4, activation=activation)])


def _pair(build, rng, loss, **compile_args):
    """The same model in Keras and numpynn, with Keras' (random) weights, compiled alike
    (``loss`` may be a function of the library)."""
    reference = references.keras()
    theirs, ours = build(reference), build(keras)
    theirs.set_weights([rng.normal(size=w.shape).astype("float32") for w in
                        theirs.get_weights()])
    ours.set_weights(theirs.get_weights())
    for lib, model in ((reference, theirs), (keras, ours)):
        model.compile(lib.optimizers.SGD(0.1), loss=loss(lib) if callable(loss) else loss,
                      **compile_args)
    return theirs, ours


def _same_step(theirs, ours, x, y, **fit_args):
    history = {lib: model.fit(x, y, batch_size=N, epochs=1, shuffle=False, verbose=0,
                              **fit_args).history
               for lib, model in (("keras", theirs), ("numpynn", ours))}
    assert sorted(history["numpynn"]) == sorted(history["keras"])
    for key, values in history["keras"].items():
        assert history["numpynn"][key][0] == pytest.approx(values[0], rel=1e-5), key
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    return history["numpynn"]


def _data(rng):
    return rng.normal(size=(N, 5)).astype("float32"), rng.integers(0, 4, N)


@pytest.mark.parametrize("activation, loss", [
    ("softmax", "sparse_categorical_crossentropy"),  # the fused softmax gradient
    (None, "sparse_categorical_crossentropy_logits"),
    ("sigmoid", "mse")])
def test_one_sgd_step_with_sample_weight_matches_keras(activation, loss):
    rng = np.random.default_rng(0)
    x, labels = _data(rng)
    y = labels if loss.startswith("sparse") else np.eye(4, dtype="float32")[labels]
    if loss.endswith("_logits"):
        loss = lambda lib: lib.losses.SparseCategoricalCrossentropy(from_logits=True)  # noqa
    theirs, ours = _pair(lambda lib: _classifier(lib, activation), rng, loss,
                         metrics=["accuracy"], weighted_metrics=["accuracy"])
    if activation == "softmax":
        assert ours._compiled_outputs.fused == [True]
    weights = rng.uniform(0.0, 3.0, N).astype("float32")
    logs = _same_step(theirs, ours, x, y, sample_weight=weights)
    assert set(logs) == {"loss", "accuracy", "weighted_accuracy"}


def test_one_sgd_step_with_class_weight_matches_keras():
    rng = np.random.default_rng(1)
    x, labels = _data(rng)
    theirs, ours = _pair(lambda lib: _classifier(lib, "softmax"), rng,
                         loss="categorical_crossentropy", weighted_metrics=["accuracy"])
    one_hot = np.eye(4, dtype="float32")[labels]
    logs = _same_step(theirs, ours, x, one_hot, class_weight={0: 4.0, 1: 0.5, 3: 2.0})
    assert set(logs) == {"loss", "accuracy"}


def test_evaluate_and_validation_data_with_sample_weight_match_keras():
    rng = np.random.default_rng(2)
    x, y = _data(rng)
    x_val, y_val = _data(rng)
    w, w_val = (rng.uniform(0.0, 2.0, N).astype("float32") for _ in range(2))
    theirs, ours = _pair(lambda lib: _classifier(lib, "softmax"), rng,
                         loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                         weighted_metrics=["accuracy"])
    logs = _same_step(theirs, ours, x, y, sample_weight=w,
                      validation_data=(x_val, y_val, w_val))
    assert "val_weighted_accuracy" in logs
    results = [model.evaluate(x_val, y_val, sample_weight=w_val, verbose=0, return_dict=True)
               for model in (theirs, ours)]
    assert sorted(results[1]) == sorted(results[0])
    for key, value in results[0].items():
        assert results[1][key] == pytest.approx(value, rel=1e-5), key
    plain = ours.evaluate(x_val, y_val, verbose=0, return_dict=True)
    assert plain["loss"] != pytest.approx(results[1]["loss"])


@pytest.mark.parametrize("per_output", [False, True])
def test_several_outputs_with_sample_weights_match_keras(per_output):
    rng = np.random.default_rng(3)
    theirs, ours = _pair(multi_io, rng, loss=["binary_crossentropy",
                                              "sparse_categorical_crossentropy"],
                         loss_weights=[0.5, 2.0], weighted_metrics=[["mae"], ["accuracy"]])
    xs, ys = case_data(theirs, ["binary", "sparse"], rng)
    weights = [rng.uniform(0.0, 2.0, len(ys[0])).astype("float32") for _ in ys]
    _same_step(theirs, ours, xs, ys,
               sample_weight=weights if per_output else weights[0])


def test_validation_split_splits_the_sample_weights():
    rng = np.random.default_rng(4)
    x, y = _data(rng)
    model = _classifier(keras, "softmax")
    model.compile("sgd", loss="sparse_categorical_crossentropy")
    weights = np.ones(N, dtype="float32")
    weights[-3:] = 0.0  # the validation samples: their loss weighs nothing
    history = model.fit(x, y, sample_weight=weights, validation_split=0.25, verbose=0)
    assert history.history["val_loss"] == [0.0]


def test_bad_weights_raise_clear_errors():
    rng = np.random.default_rng(5)
    x, y = _data(rng)
    model = _classifier(keras, "softmax")
    model.compile("sgd", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="either sample_weight or class_weight"):
        model.fit(x, y, sample_weight=np.ones(N), class_weight={0: 2.0}, verbose=0)
    with pytest.raises(ValueError, match="one weight per sample"):
        model.fit(x, y, sample_weight=np.ones(N - 1), verbose=0)
    with pytest.raises(TypeError, match="class_weight must be a dict"):
        model.fit(x, y, class_weight=[1.0, 2.0], verbose=0)
    two = multi_io(keras)
    two.compile("sgd", loss=["binary_crossentropy", "sparse_categorical_crossentropy"])
    xs, ys = case_data(two, ["binary", "sparse"], rng)
    with pytest.raises(ValueError, match="single output"):
        two.fit(xs, ys, class_weight={0: 2.0}, verbose=0)


def test_weighted_metrics_are_saved_with_the_model(tmp_path):
    rng = np.random.default_rng(6)
    x, y = _data(rng)
    model = _classifier(keras, "softmax")
    model.compile("sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  weighted_metrics=["accuracy"])
    model.save(tmp_path / "m.npnn")
    loaded = keras.models.load_model(tmp_path / "m.npnn")
    weights = rng.uniform(0.0, 2.0, N)
    expected = model.evaluate(x, y, sample_weight=weights, verbose=0, return_dict=True)
    assert loaded.evaluate(x, y, sample_weight=weights, verbose=0, return_dict=True) == \
        pytest.approx(expected)
    assert set(expected) == {"loss", "accuracy", "weighted_accuracy"}


def test_class_weight_does_not_weigh_the_validation_split_as_keras():
    rng = np.random.default_rng(7)
    x, y = _data(rng)
    theirs, ours = _pair(lambda lib: _classifier(lib, "softmax"), rng,
                         loss="sparse_categorical_crossentropy")
    _same_step(theirs, ours, x, y, class_weight={0: 3.0, 2: 0.25}, validation_split=0.25)
