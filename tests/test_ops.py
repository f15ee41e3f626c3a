"""``numpynn.ops``: Keras' ``keras.ops`` names on NumPy arrays, checked against Keras' own."""
import numpy as np
import pytest

import numpynn as keras
from numpynn import ops
from tests import references

X = np.array([[-2.0, 0.0, 0.5], [3.0, -1.0, 1.0]], dtype=np.float32)


def test_the_tutorial_lines_run():
    image = np.zeros((32, 32, 3), np.float32)
    batch = keras.ops.expand_dims(image, 0)
    assert batch.shape == (1, 32, 32, 3)
    assert float(keras.ops.sigmoid(np.float32(0.0))) == 0.5
    assert isinstance(ops.convert_to_numpy([1, 2]), np.ndarray)


def test_one_hot_and_top_k():
    np.testing.assert_array_equal(ops.one_hot([2, 0, 5], 3),
                                  [[0, 0, 1], [1, 0, 0], [0, 0, 0]])
    assert ops.one_hot([[1]], 2, axis=0).shape == (2, 1, 1)
    values, indices = ops.top_k(np.array([1.0, 3.0, 2.0, 3.0]), 2)
    np.testing.assert_array_equal(values, [3.0, 3.0])
    np.testing.assert_array_equal(indices, [1, 3])


@pytest.mark.parametrize("name, args", [
    ("sigmoid", ()), ("softmax", ()), ("relu", ()), ("tanh", ()), ("elu", ()),
    ("leaky_relu", ()), ("log_softmax", ()), ("softplus", ()), ("silu", ()), ("gelu", ()),
    ("expand_dims", (0,)), ("squeeze", ()), ("argmax", (-1,)), ("sum", (1,)),
    ("mean", ()), ("max", (0,)), ("transpose", ()), ("reshape", ((3, 2),)),
    ("clip", (-1.0, 1.0)), ("exp", ()), ("square", ()), ("abs", ()), ("cumsum", (1,))])
def test_ops_equal_keras_ops(name, args):
    keras_ops = references.keras().ops
    theirs = np.asarray(getattr(keras_ops, name)(X, *args))
    ours = getattr(ops, name)(X, *args)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    assert np.shape(ours) == theirs.shape


def test_one_hot_and_top_k_equal_keras():
    keras_ops = references.keras().ops
    labels = np.array([[0, 2], [1, 7]])
    np.testing.assert_array_equal(ops.one_hot(labels, 3), np.asarray(keras_ops.one_hot(labels, 3)))
    x = np.array([[0.1, 0.9, 0.5], [2.0, -1.0, 2.5]], np.float32)
    for ours, theirs in zip(ops.top_k(x, 2), keras_ops.top_k(x, 2)):
        np.testing.assert_array_equal(ours, np.asarray(theirs))
