"""The layers of Keras' catalogue that carry no activation function, against Keras 3 on
TensorFlow in float64: the output, dL/dx and dL/dw for L = sum(y * probe) (tf.GradientTape),
from the same weights (``tables.LAYERS``). Noise layers are checked at inference, where
they are the identity; their training statistics are in test_regularization_config."""
import numpy as np
import pytest

import numpynn
from numpynn import layers
from tests import references
from tests.conformance.tables import ADAPTED, LAYERS

RTOL = 1e-6


def make_inputs(case, rng):
    name, kwargs, shape = LAYERS[case]
    if name == "Embedding":
        return rng.integers(0, kwargs["input_dim"], shape)
    x = rng.normal(scale=2.0, size=shape) + 1.0
    x.reshape(-1)[:3] = 0.0  # kinks of the activity penalty's |x|
    return x


def keras_results(layer, x, probe):
    """y, dL/dx (None for indices) and dL/dw of the trainable weights."""
    import tensorflow as tf
    tensor = tf.constant(x)
    with tf.GradientTape() as tape:
        if tensor.dtype.is_floating:
            tape.watch(tensor)
        y = layer(tensor, training=False)
        total = tf.reduce_sum(y * probe)
    grads = tape.gradient(total, [tensor] + list(layer.trainable_variables))
    return np.asarray(y), [None if g is None else np.asarray(tf.convert_to_tensor(g))
                           for g in grads]


def numpynn_results(layer, x, probe):
    y = layer(x, training=False).copy()
    grad_x = layer.backward(probe.copy())
    trainable = [name for name in layer.params if name not in layer.non_trainable_names]
    return y, [grad_x if layer.sends_input_gradient else None] + [
        layer.grads[name].copy() for name in trainable]


def layer_pair(case, x, keras, rng):
    """(Keras layer, numpynn layer) with the same random (or adapted) weights."""
    name, kwargs, _ = LAYERS[case]
    theirs = getattr(keras.layers, name)(dtype="float64", **kwargs)
    ours = getattr(layers, name)(dtype="float64", **kwargs)
    if case in ADAPTED:
        theirs.adapt(x)
        ours.adapt(x)
    theirs(x)
    ours(x)
    if case not in ADAPTED:
        weights = [rng.normal(size=w.shape) for w in theirs.get_weights()]
        theirs.set_weights(weights)
        ours.set_weights(weights)
    return theirs, ours


@pytest.mark.filterwarnings("ignore:You passed `rms_scaling=True`")
@pytest.mark.parametrize("case", sorted(LAYERS))
def test_value_and_gradients_equal_keras(case):
    keras = references.keras()
    rng = np.random.default_rng(sorted(LAYERS).index(case))
    x = make_inputs(case, rng)
    theirs, ours = layer_pair(case, x, keras, rng)
    probe = rng.normal(size=tuple(theirs(x).shape))
    y_keras, grads_keras = keras_results(theirs, x, probe)
    y, grads = numpynn_results(ours, x, probe)
    np.testing.assert_allclose(y, y_keras, rtol=RTOL, atol=1e-12, err_msg="value")
    assert len(grads) == len(grads_keras)
    for got, expected in zip(grads, grads_keras):
        if expected is None:
            assert got is None
        else:
            np.testing.assert_allclose(got, expected, rtol=RTOL, atol=1e-12, err_msg="gradient")


def test_activity_penalty_equals_keras_model_losses():
    """ActivityRegularization's penalty, (l1 sum|x| + l2 sum x^2) / batch, as model.losses."""
    keras = references.keras()
    name, kwargs, shape = LAYERS["activity_regularization"]
    x = make_inputs("activity_regularization", np.random.default_rng(0)).astype("float32")
    values = []
    for library in (keras, numpynn):
        model = library.Sequential([library.Input(shape=shape[1:]),
                                    getattr(library.layers, name)(**kwargs)])
        model(x)
        values.append([float(v) for v in model.losses])
    np.testing.assert_allclose(values[1], values[0], rtol=1e-6)
