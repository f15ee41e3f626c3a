"""BatchNormalization: gradients, the moving statistics, configs, and a model around it
(summary counts, optimizer, saving, freezing). Parity with Keras 3 is in
tests/test_batch_normalization_parity.py."""
import numpy as np
import pytest

import numpynn as keras
from numpynn import layers
from numpynn.utils import gradient_check

# (arguments, input shape); inputs are 3 * N(0, 1) + 1, so the batch statistics are not (0, 1)
GRADIENT_CASES = {
    "2d": ({}, (6, 4)),
    "2d_axis_1": ({"axis": 1}, (6, 4)),
    "4d_channels_last": ({}, (3, 4, 5, 2)),
    "4d_axis_1": ({"axis": 1}, (3, 4, 5, 2)),
    "4d_axis_2": ({"axis": -2}, (2, 3, 4, 2)),
    "no_center": ({"center": False}, (6, 4)),
    "no_scale": ({"scale": False}, (3, 2, 2, 3)),
    "no_center_no_scale": ({"center": False, "scale": False}, (6, 4)),
    "frozen": ({"trainable": False}, (6, 4)),
}


def _draw(name, shape, rng):
    """gamma and moving variance in [0.5, 2.5), beta and moving mean N(0, 1): away from the
    initial 1, 0, 0, 1."""
    if name in ("gamma", "moving_variance"):
        return rng.uniform(0.5, 2.5, shape)
    return rng.normal(size=shape)


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("case", sorted(GRADIENT_CASES))
def test_gradients(case, training):
    kwargs, shape = GRADIENT_CASES[case]
    rng = np.random.default_rng(11)
    x = 3 * rng.standard_normal(shape) + 1
    layer = layers.BatchNormalization(dtype="float64", **kwargs)
    layer(x)
    layer.set_weights([_draw(name, w.shape, rng) for name, w in layer.named_weights()])
    # A step of 1e-5: the loss sums many outputs, and with 1e-6 its rounding error
    # (~1e-16 |L| / h) reaches 1e-5 of the smaller input gradients that normalising makes.
    result = gradient_check(layer, x, epsilon=1e-5, training=training)
    assert result.passed, repr(result)
    checked = {key.split("/")[1] for key in result.errors if key != "input"}
    expected = {name for name, on in (("gamma", kwargs.get("scale", True)),
                                      ("beta", kwargs.get("center", True))) if on}
    assert "input" in result.errors and checked == expected  # moving statistics: no gradient


def test_gradient_check_catches_a_batch_gradient_without_the_mean_terms():
    class AffineOnlyBackward(layers.BatchNormalization):
        def backward(self, grad_out):
            self._batch_statistics = False  # pretends the statistics were constants
            return super().backward(grad_out)

    x = np.random.default_rng(0).standard_normal((6, 3))
    assert not gradient_check(AffineOnlyBackward(), x).passed


def test_training_forward_normalises_with_the_biased_batch_variance():
    x = np.random.default_rng(1).normal(3.0, 2.0, size=(16, 5)).astype("float32")
    layer = layers.BatchNormalization(epsilon=1e-3)
    y = layer(x, training=True)
    expected = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3)
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)
    mean, variance = layer.params["moving_mean"], layer.params["moving_variance"]
    np.testing.assert_allclose(mean, 0.01 * x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(variance, 0.99 + 0.01 * x.var(0), rtol=1e-5)


def test_moving_statistics_converge_and_inference_uses_them():
    rng = np.random.default_rng(2)
    layer = layers.BatchNormalization(momentum=0.5, axis=1)
    for _ in range(40):
        layer(rng.normal(0, 1, size=(64, 3, 2, 2)) * [[[2.0]], [[1.0]], [[0.5]]]
              + np.array([1.0, -2.0, 0.0])[:, None, None], training=True)
    np.testing.assert_allclose(layer.params["moving_mean"], [1, -2, 0], atol=0.3)
    np.testing.assert_allclose(layer.params["moving_variance"], [4, 1, 0.25], rtol=0.3)
    x = rng.normal(size=(4, 3, 2, 2)).astype("float32")
    before = layer.get_weights()
    mean = layer.params["moving_mean"][:, None, None]
    sigma = np.sqrt(layer.params["moving_variance"][:, None, None] + 1e-3)
    np.testing.assert_allclose(layer(x), (x - mean) / sigma, rtol=1e-5, atol=1e-6)
    for a, b in zip(layer.get_weights(), before):  # inference changes nothing
        np.testing.assert_array_equal(a, b)


def test_weights_names_order_and_trainability():
    layer = layers.BatchNormalization()
    layer(np.zeros((2, 3)))
    assert [n for n, _ in layer.named_weights()] == ["gamma", "beta", "moving_mean",
                                                     "moving_variance"]
    assert layer.count_params(trainable=True) == 6
    assert layer.count_params(trainable=False) == 6
    off = layers.BatchNormalization(center=False, scale=False)
    off(np.zeros((2, 3)))
    assert [n for n, _ in off.named_weights()] == ["moving_mean", "moving_variance"]


def test_config_round_trip_and_registry():
    layer = layers.BatchNormalization(axis=1, momentum=0.9, epsilon=1e-5, center=False,
                                      gamma_initializer="random_normal", name="bn")
    config = layer.get_config()
    assert config["beta_regularizer"] is None and config["gamma_constraint"] is None
    again = layers.deserialize(layers.serialize(layer))
    assert type(again) is layers.BatchNormalization and again.get_config() == config


@pytest.mark.parametrize("kwargs, error", [
    ({"momentum": 1.5}, ValueError),
    ({"epsilon": 0}, ValueError),
    ({"axis": 1.5}, TypeError),
])
def test_bad_arguments(kwargs, error):
    with pytest.raises(error, match="BatchNormalization"):
        layers.BatchNormalization(**kwargs)


def test_axis_out_of_range_is_a_clear_error():
    with pytest.raises(ValueError, match="axis=3 is out of range"):
        layers.BatchNormalization(axis=3)(np.zeros((2, 4)))


def _model(momentum=0.99):
    return keras.Sequential([keras.Input(shape=(5,)), layers.Dense(4),
                             layers.BatchNormalization(momentum=momentum),
                             layers.Dense(3, activation="softmax")])


def _data(n=32, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 5)).astype("float32")
    return x, (x[:, 0] > 0).astype(int) + (x[:, 1] > 0.5)


def test_model_gradient_check_through_batch_normalization():
    x, y = _data(8)
    model = _model()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    result = gradient_check(model, x, y)
    assert result.passed, repr(result)
    assert len(result.errors) == 1 + 2 + 2 + 2  # input, both kernels and biases, gamma, beta


def test_optimizer_never_touches_the_moving_statistics():
    """With momentum=1 the layer keeps its moving statistics: a change would be the optimizer's."""
    x, y = _data()
    model = _model(momentum=1.0)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    bn = model.layers[1]
    bn.set_weights([np.ones(4), np.zeros(4), np.full(4, 0.5), np.full(4, 2.0)])
    model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    assert model.optimizer.size == model.n_trainable == 24 + 8 + 15
    np.testing.assert_array_equal(bn.params["moving_mean"], 0.5)
    np.testing.assert_array_equal(bn.params["moving_variance"], 2.0)
    assert not np.allclose(bn.params["gamma"], 1.0)  # the trainable ones did move


def test_frozen_layer_runs_in_inference_mode_and_keeps_its_weights():
    x, y = _data()
    model = _model()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    bn = model.layers[1]
    bn.trainable = False
    before = bn.get_weights()
    dense_before = model.layers[0].get_weights()
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    for a, b in zip(bn.get_weights(), before):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(model.layers[0].get_weights()[0], dense_before[0])
    h = model.layers[0](x)
    np.testing.assert_array_equal(bn.forward(h, training=True), bn.forward(h, training=False))
    assert model.n_trainable == 24 + 15 and bn.count_params(trainable=False) == 16


def test_summary_counts_non_trainable_weights():
    model = _model()
    lines = []
    model.summary(print_fn=lines.append)
    assert lines[-3:] == [" Total params: 55 (220.00 B)", " Trainable params: 47 (188.00 B)",
                          " Non-trainable params: 8 (32.00 B)"]


def test_get_weights_lists_each_layers_weights_in_creation_order():
    model = _model()
    shapes = [w.shape for w in model.get_weights()]
    assert shapes == [(5, 4), (4,), (4,), (4,), (4,), (4,), (4, 3), (3,)]
    new = [np.full(s, i, dtype="float32") for i, s in enumerate(shapes)]
    model.set_weights(new)
    for a, b in zip(model.get_weights(), new):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(model.layers[1].params["moving_variance"], 5)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_resumed_training_is_bit_identical(tmp_path, optimizer):
    x, y = _data(48)
    keras.utils.set_random_seed(5)
    straight = _model()
    straight.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    straight.fit(x, y, epochs=4, batch_size=16, verbose=0)

    keras.utils.set_random_seed(5)
    first = _model()
    first.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    first.fit(x, y, epochs=2, batch_size=16, verbose=0)
    first.save(tmp_path / "half.npnn")
    loaded = keras.models.load_model(tmp_path / "half.npnn")
    for a, b in zip(loaded.get_weights(), first.get_weights()):  # moving statistics included
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), first.predict(x, verbose=0))
    loaded.fit(x, y, epochs=4, batch_size=16, verbose=0, initial_epoch=loaded.epochs_trained)
    for a, b in zip(loaded.get_weights(), straight.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_frozen_state_survives_saving(tmp_path):
    model = _model()
    model.layers[1].trainable = False
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.save(tmp_path / "frozen.npnn")
    loaded = keras.models.load_model(tmp_path / "frozen.npnn")
    assert loaded.layers[1].trainable is False and loaded.n_trainable == 24 + 15
