"""BatchNormalization against Keras 3 (TensorFlow backend), in float32: the layer's forward
pass in both modes, its moving statistics, summary counts, and one SGD step of small models
whose weights are copied from Keras."""
import numpy as np
import pytest

import numpynn as keras
import references

RTOL, ATOL = 1e-5, 1e-6


def _weights_like(layer, rng):
    """Random gamma and moving variance in [0.5, 2.5), beta and moving mean N(0, 1)."""
    return [rng.uniform(0.5, 2.5, w.shape).astype("float32")
            if w.path.endswith(("gamma", "moving_variance"))
            else rng.normal(size=w.shape).astype("float32") for w in layer.weights]


def _assert_all_close(ours, theirs):
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, np.asarray(b), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("shape, kwargs", [
    ((8, 5), {}),
    ((8, 5), {"momentum": 0.9, "epsilon": 1e-5}),
    ((4, 3, 3, 2), {}),
    ((4, 3, 3, 2), {"axis": 1}),
    ((4, 3, 3, 2), {"center": False}),
    ((4, 3, 3, 2), {"scale": False, "axis": 2}),
])
def test_layer_matches_keras(shape, kwargs):
    reference = references.keras()
    rng = np.random.default_rng(0)
    x = (rng.normal(size=shape) * 2 + 1).astype("float32")
    theirs = reference.layers.BatchNormalization(**kwargs)
    theirs.build(shape)
    theirs.set_weights(_weights_like(theirs, rng))
    ours = keras.layers.BatchNormalization(**kwargs)
    ours(x)
    ours.set_weights(theirs.get_weights())

    _assert_all_close([ours(x, training=False)], [theirs(x, training=False)])
    _assert_all_close([ours(x, training=True)], [theirs(x, training=True)])
    _assert_all_close(ours.get_weights(), theirs.get_weights())  # moving statistics updated
    _assert_all_close([ours(x, training=False)], [theirs(x, training=False)])


def _dense_model(lib, frozen=False):
    model = lib.Sequential([lib.Input(shape=(5,)), lib.layers.Dense(6),
                            lib.layers.BatchNormalization(momentum=0.8),
                            lib.layers.Dense(3, activation="softmax")])
    model.layers[1].trainable = not frozen
    return model


def _image_model(lib, frozen=False):
    model = lib.Sequential([lib.Input(shape=(3, 3, 2)),
                            lib.layers.BatchNormalization(axis=1, momentum=0.5),
                            lib.layers.Flatten(), lib.layers.Dense(4),
                            lib.layers.BatchNormalization(),
                            lib.layers.Dense(3, activation="softmax")])
    model.layers[0].trainable = not frozen
    return model


@pytest.mark.parametrize("frozen", [False, True], ids=["trainable", "frozen"])
@pytest.mark.parametrize("make", [_dense_model, _image_model], ids=["dense", "image"])
def test_one_sgd_step_matches_keras(make, frozen):
    reference = references.keras()
    rng = np.random.default_rng(1)
    theirs = make(reference, frozen)
    theirs.set_weights(_model_weights(theirs, rng))
    x = rng.normal(size=(16,) + theirs.input_shape[1:]).astype("float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, size=16)]
    ours = make(keras, frozen)
    ours.set_weights(theirs.get_weights())
    for model, lib in ((theirs, reference), (ours, keras)):
        model.compile(optimizer=lib.optimizers.SGD(learning_rate=0.1),
                      loss="categorical_crossentropy")
    _assert_all_close([ours.predict(x, verbose=0)], [theirs.predict(x, verbose=0)])

    theirs.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    ours.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    _assert_all_close(ours.get_weights(), theirs.get_weights())
    _assert_all_close([ours.predict(x, verbose=0)], [theirs.predict(x, verbose=0)])


def _model_weights(model, rng):
    """The model's weights, with random BatchNormalization weights."""
    weights = []
    for layer in model.layers:
        if "batch_normalization" in layer.name:
            weights += _weights_like(layer, rng)
        else:
            weights += [w.numpy() for w in layer.weights]
    return weights


@pytest.mark.parametrize("make", [_dense_model, _image_model], ids=["dense", "image"])
@pytest.mark.parametrize("frozen", [False, True], ids=["trainable", "frozen"])
def test_summary_counts_match_keras(make, frozen):
    reference = references.keras()
    lines = {}
    for lib in (reference, keras):
        printed = []
        make(lib, frozen).summary(print_fn=lambda line, *_, **__: printed.append(line))
        lines[lib] = "\n".join(printed).splitlines()[-3:]
    assert lines[keras] == lines[reference]
    assert lines[keras][0].startswith(" Total params:")
