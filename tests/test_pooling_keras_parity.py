"""Pooling and shape layers against Keras 3 on the TensorFlow backend: outputs, output shapes,
config keys, and input gradients taken with tf.GradientTape (ties included)."""
import itertools

import numpy as np
import pytest

from numpynn import layers
from tests import references

POOLS_2D = [(2, 2), (3, 3), (2, 3)]
STRIDES_2D = [None, 1, 2, 3, (1, 2)]
CONFIGS_2D = list(itertools.product(POOLS_2D, STRIDES_2D, ["valid", "same"]))
CONFIGS_1D = list(itertools.product([2, 3], [None, 1, 2, 3], ["valid", "same"]))


def _keras_layer(name, **kwargs):
    return getattr(references.keras().layers, name)(**kwargs)


def _forward_and_input_grad(keras_layer, x, probe):
    """Keras' y and d(sum(y * probe))/dx."""
    import tensorflow as tf
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = keras_layer(xt)
        loss = tf.reduce_sum(y * probe)
    return np.asarray(y), np.asarray(tape.gradient(loss, xt))


def _ours(layer, x, probe):
    y = layer(x)
    return y, layer.backward(probe.astype(y.dtype))


def _check(name, kwargs, x, rtol):
    """Same y and same dL/dx as Keras for L = sum(y * probe), probe random."""
    ours = getattr(layers, name)(dtype=x.dtype.name, **kwargs)
    theirs = _keras_layer(name, dtype=x.dtype.name, **kwargs)
    shape = ours.compute_output_shape((None,) + x.shape[1:])
    assert shape == tuple(theirs.compute_output_shape((None,) + x.shape[1:]))
    probe = np.random.default_rng(0).standard_normal((len(x),) + shape[1:]).astype(x.dtype)
    y_ref, grad_ref = _forward_and_input_grad(theirs, x, probe)
    y, grad = _ours(ours, x, probe)
    np.testing.assert_allclose(y, y_ref, rtol=rtol, atol=rtol)
    np.testing.assert_allclose(grad, grad_ref, rtol=rtol, atol=rtol)


def _ties(shape, seed):
    """Small integers: most windows hold several equal maxima."""
    return np.random.default_rng(seed).integers(0, 3, size=shape).astype("float32")


@pytest.mark.parametrize("pool, strides, padding", CONFIGS_2D)
@pytest.mark.parametrize("name", ["MaxPooling2D", "AveragePooling2D"])
def test_pooling_2d_matches_keras(name, pool, strides, padding):
    kwargs = dict(pool_size=pool, strides=strides, padding=padding)
    x = np.random.default_rng(1).standard_normal((2, 7, 9, 3)).astype("float32")
    _check(name, kwargs, x, rtol=1e-6)


@pytest.mark.parametrize("pool, strides, padding", CONFIGS_2D)
def test_max_pooling_2d_gradient_with_ties_matches_tensorflow(pool, strides, padding):
    kwargs = dict(pool_size=pool, strides=strides, padding=padding)
    _check("MaxPooling2D", kwargs, _ties((2, 7, 9, 3), 2), rtol=1e-6)
    _check("AveragePooling2D", kwargs, _ties((2, 7, 9, 3), 2), rtol=1e-6)


@pytest.mark.parametrize("pool", [(2, 2), (2, 3), (3, 3)])
@pytest.mark.parametrize("name", ["MaxPooling2D", "AveragePooling2D"])
def test_windows_that_tile_the_input_match_keras(name, pool):
    """Sizes that the windows divide: no padding, each pixel in one window."""
    x = np.random.default_rng(11).standard_normal((2, 6, 12, 3)).astype("float32")
    _check(name, dict(pool_size=pool), x, rtol=1e-6)
    _check(name, dict(pool_size=pool), _ties((2, 6, 12, 3), 12), rtol=1e-6)


@pytest.mark.parametrize("pool, strides, padding", CONFIGS_1D)
@pytest.mark.parametrize("name", ["MaxPooling1D", "AveragePooling1D"])
def test_pooling_1d_matches_keras_with_and_without_ties(name, pool, strides, padding):
    kwargs = dict(pool_size=pool, strides=strides, padding=padding)
    x = np.random.default_rng(3).standard_normal((3, 10, 4)).astype("float32")
    _check(name, kwargs, x, rtol=1e-6)
    _check(name, kwargs, _ties((3, 10, 4), 4), rtol=1e-6)


def test_max_pooling_in_float64_matches_keras():
    x = np.random.default_rng(5).standard_normal((2, 7, 9, 3))
    _check("MaxPooling2D", dict(pool_size=(3, 3), strides=2, padding="same"), x, rtol=1e-12)
    _check("AveragePooling2D", dict(pool_size=(2, 3), strides=1, padding="same"), x,
           rtol=1e-12)


@pytest.mark.parametrize("name", ["GlobalMaxPooling2D", "GlobalAveragePooling2D",
                                  "GlobalMaxPooling1D", "GlobalAveragePooling1D"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pooling_matches_keras_with_and_without_ties(name, keepdims):
    shape = (3, 5, 7, 4) if name.endswith("2D") else (3, 7, 4)
    x = np.random.default_rng(6).standard_normal(shape).astype("float32")
    _check(name, dict(keepdims=keepdims), x, rtol=1e-6)
    _check(name, dict(keepdims=keepdims), _ties(shape, 7), rtol=1e-6)


@pytest.mark.parametrize("padding", [1, (2, 0), ((1, 2), (0, 3)), ((0, 1), 2)])
def test_zero_padding_matches_keras(padding):
    x = np.random.default_rng(8).standard_normal((2, 7, 9, 3)).astype("float32")
    _check("ZeroPadding2D", dict(padding=padding), x, rtol=0)


@pytest.mark.parametrize("target_shape", [(9, 21), (-1, 3), (3, -1, 7), (189,)])
def test_reshape_matches_keras(target_shape):
    x = np.random.default_rng(9).standard_normal((2, 7, 9, 3)).astype("float32")
    _check("Reshape", dict(target_shape=target_shape), x, rtol=0)


def test_spatial_dropout_in_inference_matches_keras():
    x = np.random.default_rng(10).standard_normal((2, 7, 9, 3)).astype("float32")
    _check("SpatialDropout2D", dict(rate=0.4, seed=1), x, rtol=0)


@pytest.mark.parametrize("name, kwargs", [
    ("MaxPooling2D", dict(pool_size=(2, 3), strides=1, padding="same")),
    ("AveragePooling2D", dict(pool_size=2)),
    ("MaxPooling1D", dict(pool_size=3)),
    ("AveragePooling1D", dict(pool_size=2, strides=1)),
    ("GlobalMaxPooling2D", dict(keepdims=True)),
    ("GlobalAveragePooling1D", dict()),
    ("ZeroPadding2D", dict(padding=((1, 2), 3))),
    ("Reshape", dict(target_shape=(-1, 3))),
    ("SpatialDropout2D", dict(rate=0.25, seed=3)),
])
def test_config_keys_and_values_match_keras(name, kwargs):
    ours = getattr(layers, name)(**kwargs).get_config()
    theirs = _keras_layer(name, **kwargs).get_config()
    shared = set(theirs) - {"name", "dtype", "trainable"}
    assert set(ours) - {"name", "dtype", "trainable"} == shared
    assert {k: ours[k] for k in shared} == {k: theirs[k] for k in shared}
