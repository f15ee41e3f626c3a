"""The activation layers against Keras 3 on TensorFlow (values and gradients in float64),
their configs, a saved model that uses them, and their argument checks."""
import json

import numpy as np
import pytest

import numpynn
from numpynn import activations, layers
from tests import references

EDGES = np.array([0.0, 0.3, -0.3, 0.5, 1.0, 2.0, 6.0, -1.0, -20.0, 20.0])
# TensorFlow's leaky_relu takes its slope as a float32 attribute (0.1 becomes
# 0.10000000149), so its float64 results differ from the exact ones by up to 1.5e-8
RTOL = 1e-6


def keras_layer_value_and_gradients(layer, x, probe):
    """y, dL/dx and dL/dw for L = sum(y * probe), through tf.GradientTape."""
    import tensorflow as tf
    tensor = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(tensor)
        total = tf.reduce_sum(layer(tensor) * probe)
    y = layer(tensor)
    grads = tape.gradient(total, [tensor] + list(layer.trainable_variables))
    return np.asarray(y), [np.asarray(g) for g in grads]


def numpynn_layer_value_and_gradients(layer, x, probe):
    y = layer(x).copy()
    grad_x = layer.backward(probe.copy())
    return y, [grad_x] + [layer.grads[name] for name in layer.params]


def inputs(shape, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(scale=2.0, size=shape)
    x.reshape(-1)[:len(EDGES)] = EDGES
    return x, rng.normal(size=shape)


RELU_CASES = [{}, {"max_value": 6.0}, {"max_value": 1.5}, {"negative_slope": 0.1},
              {"threshold": 0.3}, {"max_value": 1.5, "negative_slope": 0.1, "threshold": 0.3}]
OTHER_CASES = [("LeakyReLU", {}), ("LeakyReLU", {"negative_slope": 0.05}),
               ("ELU", {"alpha": 0.5}), ("Softmax", {"axis": 1})]
PRELU_SHARED_AXES = [None, [1], [1, 2]]


@pytest.mark.parametrize("kwargs", RELU_CASES,
                         ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()) or "plain")
def test_relu_layer_equals_keras(kwargs):
    keras = references.keras()
    x, probe = inputs((4, 6))
    expected = keras_layer_value_and_gradients(keras.layers.ReLU(dtype="float64", **kwargs),
                                               x, probe)
    got = numpynn_layer_value_and_gradients(layers.ReLU(dtype="float64", **kwargs), x, probe)
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_allclose(a, b, rtol=RTOL)


@pytest.mark.parametrize("name, kwargs", OTHER_CASES)
def test_other_activation_layers_equal_keras(name, kwargs):
    keras = references.keras()
    x, probe = inputs((2, 4, 3))
    expected = keras_layer_value_and_gradients(
        getattr(keras.layers, name)(dtype="float64", **kwargs), x, probe)
    got = numpynn_layer_value_and_gradients(getattr(layers, name)(dtype="float64", **kwargs),
                                            x, probe)
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=1e-300)


@pytest.mark.parametrize("shared_axes", PRELU_SHARED_AXES)
def test_prelu_value_and_gradients_equal_keras(shared_axes):
    keras = references.keras()
    x, probe = inputs((4, 3, 5))
    theirs = keras.layers.PReLU(shared_axes=shared_axes, dtype="float64")
    theirs.build(x.shape)
    alpha = np.random.default_rng(1).normal(size=theirs.get_weights()[0].shape)
    theirs.set_weights([alpha])
    ours = layers.PReLU(shared_axes=shared_axes, dtype="float64")
    ours.build_for((None,) + x.shape[1:])
    ours.set_weights([alpha])
    y, (grad_x, grad_alpha) = numpynn_layer_value_and_gradients(ours, x, probe)
    y_keras, (grad_x_keras, grad_alpha_keras) = keras_layer_value_and_gradients(theirs, x, probe)
    np.testing.assert_allclose(y, y_keras, rtol=1e-12)
    np.testing.assert_allclose(grad_x, grad_x_keras, rtol=1e-12)
    np.testing.assert_allclose(grad_alpha, grad_alpha_keras, rtol=1e-10)


def test_thresholded_relu_is_keras_threshold_with_default_zero():
    keras = references.keras()
    import tensorflow as tf
    x, probe = inputs((4, 6))
    x[0, :2] = 0.7  # exactly theta
    tensor = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(tensor)
        y_keras = keras.activations.threshold(tensor, 0.7, 0.0)
        total = tf.reduce_sum(y_keras * probe)
    y, (grad_x,) = numpynn_layer_value_and_gradients(
        layers.ThresholdedReLU(theta=0.7, dtype="float64"), x, probe)
    np.testing.assert_array_equal(y, np.asarray(y_keras))
    np.testing.assert_array_equal(grad_x, np.asarray(tape.gradient(total, tensor)))
    assert y[0, 0] == 0.0


NEW_LAYERS = [layers.ReLU(max_value=2.0, negative_slope=0.1, threshold=0.5),
              layers.PReLU(alpha_initializer="ones", shared_axes=[1]),
              layers.ThresholdedReLU(theta=0.25), layers.Activation("hard_silu"),
              layers.Activation(activations.Threshold(0.5, -1.0))]


@pytest.mark.parametrize("layer", NEW_LAYERS, ids=lambda layer: type(layer).__name__)
def test_layer_config_roundtrips_through_json(layer):
    clone = layers.deserialize(json.loads(json.dumps(layers.serialize(layer))))
    assert type(clone) is type(layer) and clone.get_config() == layer.get_config()


def test_relu_layer_config_has_keras_keys():
    config = layers.ReLU(max_value=6.0).get_config()
    assert {k: config[k] for k in ("max_value", "negative_slope", "threshold")} == {
        "max_value": 6.0, "negative_slope": 0.0, "threshold": 0.0}


def test_saved_model_with_the_new_activations_predicts_the_same(tmp_path):
    numpynn.utils.set_random_seed(0)
    model = numpynn.Sequential([
        numpynn.Input(shape=(3, 4)),
        layers.Dense(6, activation=activations.ReLU(0.1, 2.0, 0.2)),
        layers.PReLU(alpha_initializer="random_normal", shared_axes=[1]),
        layers.Dense(8, activation="glu"),
        layers.ThresholdedReLU(0.1),
        layers.Flatten(),
        layers.Dense(3, activation=activations.Threshold(0.0, -1.0)),
    ])
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).normal(size=(5, 3, 4)).astype("float32")
    model.fit(x, np.zeros((5, 3)), epochs=1, verbose=0)
    assert model.layers[2].output_shape == (None, 3, 4)  # glu halved 8 units
    model.save(tmp_path / "m.npnn")
    loaded = numpynn.models.load_model(tmp_path / "m.npnn")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_bad_layer_arguments_say_what_to_do():
    with pytest.raises(ValueError, match="threshold must be a number >= 0"):
        layers.ReLU(threshold=-1.0)
    with pytest.raises(ValueError, match="max_value must be >= 0"):
        layers.ReLU(max_value=-1.0)
    with pytest.raises(ValueError, match="theta must be a number >= 0"):
        layers.ThresholdedReLU(theta=-0.5)
    with pytest.raises(TypeError, match="gradient"):
        layers.PReLU(alpha_regularizer=lambda alpha: 0.0)
    with pytest.raises(ValueError, match="count from 1"):
        layers.PReLU(shared_axes=[0])
    with pytest.raises(ValueError, match="does not exist"):
        layers.PReLU(shared_axes=[3]).build_for((None, 4, 5))
