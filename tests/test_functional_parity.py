"""Functional and nested models against Keras 3: the same architecture built with both
libraries, Keras' weights copied with set_weights, then predict and one full-batch SGD step
(the weights after it and the reported losses) compared. Also the summary of nested models
and the "classify clothing" tutorial's probability model."""
import numpy as np
import pytest

import numpynn as keras

import references
from graph_models import (CASES, N, case_data, frozen_sub_model, functional_used_twice, multi_io,
                          sequential_in_sequential)


def _random_weights(model, rng):
    """Keras' weights, with BatchNormalization's moving variance away from 1."""
    return [np.abs(w) + 0.5 if "variance" in getattr(v, "path", "") else w
            for v, w in zip(model.weights, [rng.normal(size=w.shape).astype("float32") * 0.5
                                            for w in model.get_weights()])]


@pytest.mark.parametrize("case", sorted(CASES))
def test_predict_and_one_sgd_step_match_keras(case):
    reference = references.keras()
    build, loss, loss_weights, kinds = CASES[case]
    rng = np.random.default_rng(0)
    theirs, ours = build(reference), build(keras)
    theirs.set_weights(_random_weights(theirs, rng))
    ours.set_weights(theirs.get_weights())
    xs, ys = case_data(theirs, kinds, rng)
    _assert_close(ours.predict(xs, verbose=0), theirs.predict(xs, verbose=0))

    theirs.compile(reference.optimizers.SGD(0.1), loss=loss, loss_weights=loss_weights,
                   run_eagerly=True)
    ours.compile(keras.optimizers.SGD(0.1), loss=loss, loss_weights=loss_weights)
    history = {lib: model.fit(xs, ys, batch_size=N, epochs=1, shuffle=False, verbose=0).history
               for lib, model in (("keras", theirs), ("numpynn", ours))}
    assert sorted(history["numpynn"]) == sorted(history["keras"])
    for key, values in history["keras"].items():
        assert history["numpynn"][key][0] == pytest.approx(values[0], rel=1e-5), key
    _assert_close(ours.get_weights(), theirs.get_weights())
    _assert_close(ours.predict(xs, verbose=0), theirs.predict(xs, verbose=0))


def _assert_close(ours, theirs):
    ours = ours if isinstance(ours, list) else [ours]
    theirs = theirs if isinstance(theirs, list) else [theirs]
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, np.asarray(b), rtol=2e-5, atol=2e-6)


def test_frozen_sub_model_keeps_its_weights_and_counts_as_keras():
    reference = references.keras()
    models = {lib: frozen_sub_model(lib) for lib in (reference, keras)}
    ours = models[keras]
    before = ours.get_layer("encoder").get_weights()
    ours.compile("sgd", "binary_crossentropy")
    rng = np.random.default_rng(1)
    ours.fit([rng.standard_normal((N, 4))] * 2, rng.integers(0, 2, (N, 1)), verbose=0)
    for a, b in zip(before, ours.get_layer("encoder").get_weights()):
        np.testing.assert_array_equal(a, b)  # BatchNormalization frozen runs in inference
    assert [w.shape for w in ours.trainable_weights] == \
        [tuple(w.shape) for w in models[reference].trainable_weights]
    assert ours.count_params() == models[reference].count_params()


def test_trainable_changes_take_effect_at_the_next_compile_as_in_keras():
    """compile, fit, freeze, fit: Keras still trains the layer; after compile it does not."""
    reference = references.keras()
    rng = np.random.default_rng(2)
    x = rng.standard_normal((N, 4)).astype("float32")
    y = rng.standard_normal((N, 2)).astype("float32")
    trained = {}
    for lib in (reference, keras):
        model = lib.Sequential([lib.Input(shape=(4,)), lib.layers.Dense(3),
                                lib.layers.Dense(2)])
        model.compile("sgd", "mse")
        model.fit(x, y, verbose=0)
        model.layers[0].trainable = False
        moved = []
        for recompile in (False, True):
            if recompile:
                model.compile("sgd", "mse")
            before = model.layers[0].get_weights()[0].copy()
            model.fit(x, y, verbose=0)
            moved.append(not np.allclose(before, model.layers[0].get_weights()[0]))
        trained[lib] = moved
    assert trained[keras] == trained[reference] == [True, False]


@pytest.mark.parametrize("build", [sequential_in_sequential, functional_used_twice,
                                   frozen_sub_model, multi_io])
def test_summary_text_matches_keras(build, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")  # the layout Keras prints into an 80-column log
    reference = references.keras()
    texts = {}
    for lib in (reference, keras):
        lib.backend.clear_session()
        model = build(lib)
        eagerly = {"run_eagerly": True} if lib is reference else {}
        model.compile(lib.optimizers.Adam(), "mse", **eagerly)
        texts[lib] = [_summary(model)]
        xs, ys = case_data(model, ["regression"] * 2, np.random.default_rng(4))
        model.fit(xs, ys, verbose=0)  # now the optimizer has state: its parameters count
        texts[lib].append(_summary(model))
    assert texts[keras] == texts[reference]


def _summary(model):
    printed = []
    model.summary(print_fn=lambda line, *_, **__: printed.append(line))
    return "\n".join(printed).rstrip("\n").splitlines()


@pytest.mark.filterwarnings("ignore:Do not pass an `input_shape`")  # Keras' advice, kept as
def test_clothing_tutorial_probability_model():                    # the tutorial has it
    """probability_model = keras.Sequential([model, keras.layers.Softmax()])"""
    reference = references.keras()
    rng = np.random.default_rng(3)
    images = rng.random((6, 28, 28)).astype("float32")
    probabilities = {}
    for lib in (reference, keras):
        model = lib.Sequential([lib.layers.Flatten(input_shape=(28, 28)),
                                lib.layers.Dense(16, activation="relu"), lib.layers.Dense(10)])
        model.compile(optimizer="adam", metrics=["accuracy"],
                      loss=lib.losses.SparseCategoricalCrossentropy(from_logits=True))
        if lib is reference:
            weights = [rng.normal(size=w.shape).astype("float32") * 0.1
                       for w in model.get_weights()]
        model.set_weights(weights)
        probability_model = lib.Sequential([model, lib.layers.Softmax()])
        probabilities[lib] = (probability_model.predict(images, verbose=0),
                              probability_model.predict(np.expand_dims(images[1], 0),
                                                        verbose=0))
    for ours, theirs in zip(probabilities[keras], probabilities[reference]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-7)
    assert probabilities[keras][1].shape == (1, 10)
