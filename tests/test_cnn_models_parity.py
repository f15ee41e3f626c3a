"""Whole convolutional models against Keras 3 (TensorFlow backend), in float32: Keras'
weights copied with ``set_weights``, then the same predictions, the same training step
(every weight, BatchNormalization's moving statistics, the reported loss and the predictions
after it), and the same ``summary()`` shapes and parameter counts.

Dropout layers keep their rate for the predictions (inference ignores it) and get rate 0 for
the training steps, whose random masks no two libraries draw alike.
"""
import contextlib

import numpy as np
import pytest

import numpynn
from tests import references
from tests.cnn_models import CASES, make_data

RTOL, ATOL = 1e-5, 1e-6


def _keras_weights(model, rng):
    """The Keras model's initial weights (Glorot kernels), with random vectors in place of
    its zero biases and of BatchNormalization's unit/zero defaults: gamma and moving
    variance in [0.5, 1.5), the others N(0, 0.1^2)."""
    return [w.numpy() if len(w.shape) > 1
            else rng.uniform(0.5, 1.5, w.shape).astype("float32")
            if w.path.endswith(("gamma", "moving_variance"))
            else (0.1 * rng.normal(size=w.shape)).astype("float32")
            for w in model.weights]


def _twin_models(name, keras):
    """(theirs, ours): the case's model in Keras and in numpynn, with the same weights."""
    build, _ = CASES[name]
    theirs = build(keras)
    theirs.set_weights(_keras_weights(theirs, np.random.default_rng(1)))
    ours = build(numpynn)
    ours.set_weights(theirs.get_weights())
    return theirs, ours


def _without_dropout(*models):
    for model in models:
        for layer in model.layers:
            if isinstance(getattr(layer, "rate", None), float):
                layer.rate = 0.0


def _assert_close(ours, theirs):
    assert len(ours) == len(theirs)
    for mine, reference in zip(ours, theirs):
        assert mine.shape == reference.shape
        np.testing.assert_allclose(mine, reference, rtol=RTOL, atol=ATOL)


def _batch_norm_statistics(model):
    """Each BatchNormalization layer's [moving_mean, moving_variance]."""
    return [w for layer in model.layers if type(layer).__name__ == "BatchNormalization"
            for w in layer.get_weights()[-2:]]


@pytest.mark.parametrize("name", sorted(CASES))
def test_predictions_match_keras(name):
    keras = references.keras()
    theirs, ours = _twin_models(name, keras)
    x, _ = make_data(ours, CASES[name][1], n=10)
    expected = theirs.predict(x, verbose=0)
    got = ours.predict(x, verbose=0)
    assert got.dtype == np.float32
    _assert_close([got], [expected])
    assert np.ptp(expected, axis=0).max() > 1e-3  # the inputs make a difference


def _train_both(theirs, ours, keras, loss, optimizer, batch_size, n=16):
    """Compile both with ``optimizer(library)`` and ``loss``; one epoch of ``fit`` on the
    same data, unshuffled. Returns x and both reported losses."""
    x, y = make_data(ours, loss, n=n, seed=2)
    _without_dropout(theirs, ours)
    losses = []
    for model, lib in ((theirs, keras), (ours, numpynn)):
        model.compile(optimizer=optimizer(lib), loss=loss)
        history = model.fit(x, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
        losses.append(history.history["loss"][0])
    return x, losses


@pytest.mark.parametrize("name", sorted(CASES))
def test_one_sgd_step_matches_keras(name):
    keras = references.keras()
    theirs, ours = _twin_models(name, keras)
    statistics_before = _batch_norm_statistics(ours)
    x, (their_loss, our_loss) = _train_both(
        theirs, ours, keras, CASES[name][1],
        lambda lib: lib.optimizers.SGD(learning_rate=0.1), batch_size=16)

    assert our_loss == pytest.approx(their_loss, rel=1e-6)
    _assert_close(ours.get_weights(), theirs.get_weights())  # moving statistics included
    statistics = _batch_norm_statistics(ours)
    _assert_close(statistics, _batch_norm_statistics(theirs))
    for before, after in zip(statistics_before, statistics):
        assert np.abs(after - before).max() > 1e-4  # the step moved them
    _assert_close([ours.predict(x, verbose=0)], [theirs.predict(x, verbose=0)])


@contextlib.contextmanager
def _float64(keras):
    """Both libraries' default float type set to float64 inside the block (Keras' layers
    take theirs from the global dtype policy, fixed once the first layer was made)."""
    previous = keras.config.dtype_policy(), keras.config.floatx(), numpynn.backend.floatx()
    keras.config.set_floatx("float64")
    keras.config.set_dtype_policy("float64")
    numpynn.backend.set_floatx("float64")
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous[0])
        keras.config.set_floatx(previous[1])
        numpynn.backend.set_floatx(previous[2])


#: Adam's settings, exactly representable in float32: Keras keeps them in float32 even when
#: the model is float64 (0.999 would then be 0.99900001..., which moves every step by 6e-6).
ADAM = {"learning_rate": 2**-10, "beta_1": 0.875, "beta_2": 1 - 2**-10}


def test_adam_steps_match_keras():
    """Two Adam steps on the benchmark convnet, in float64. Adam's first steps move each
    weight by about learning_rate * g / (|g| + 1e-7): for a gradient g near 1e-7 the
    order of float32 sums (which TensorFlow chooses anew in each process) shows in the
    step, so float32 steps agree only to about a hundredth of the rate. (A bias just before
    a BatchNormalization has a gradient of rounding noise only, in any precision: the models
    with one are left to SGD.)"""
    keras = references.keras()
    with _float64(keras):
        theirs, ours = _twin_models("benchmark_convnet", keras)
        x, (their_loss, our_loss) = _train_both(
            theirs, ours, keras, CASES["benchmark_convnet"][1],
            lambda lib: lib.optimizers.Adam(**ADAM), batch_size=8)
        assert ours.dtype == np.float64 and theirs.weights[0].dtype == "float64"
        assert ours.optimizer.iterations == int(theirs.optimizer.iterations) == 2
        assert our_loss == pytest.approx(their_loss, rel=1e-12)
        for mine, reference in zip(ours.get_weights(), theirs.get_weights()):
            np.testing.assert_allclose(mine, reference, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0),
                                   rtol=1e-10, atol=1e-12)


def _summary_table(model):
    """(output shape, parameter count) per layer row of the table, and the three count
    lines. (Keras wraps a long "name (Type)" cell onto a second line with empty cells.)"""
    printed = []
    model.summary(print_fn=lambda line, *_, **__: printed.append(line))
    lines = "\n".join(printed).splitlines()
    rows = []
    for line in lines:
        cells = [cell.strip() for cell in line.strip("\u2502 ").split("\u2502")]
        if line.startswith("\u2502") and len(cells) == 3 and cells[1]:
            rows.append((cells[1], cells[2]))
    counts = [line for line in lines if "params:" in line and "Optimizer" not in line]
    return rows, counts


@pytest.mark.parametrize("name", sorted(CASES))
def test_summary_matches_keras(name):
    keras = references.keras()
    build, _ = CASES[name]
    their_rows, their_counts = _summary_table(build(keras))
    our_rows, our_counts = _summary_table(build(numpynn))
    assert len(our_rows) == len(build(numpynn).layers)
    assert our_rows == their_rows
    assert [line.split(":")[0].strip() for line in our_counts] == [
        "Total params", "Trainable params", "Non-trainable params"]
    assert our_counts == their_counts
