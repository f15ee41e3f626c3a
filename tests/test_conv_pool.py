"""A convolution followed by a 2x2 max pooling computes both in one compiled pass inside a
model's loops (``numpynn.layers.conv_pooled``): directly over few channels, with Winograd's
F(2x2, 3x3) for 3x3 kernels over more. The same outputs and gradients as the two layers run
one by one, to rounding, and only where the conditions hold."""
import numpy as np
import pytest

import numpynn as keras
from numpynn import kernels, layers
from numpynn.layers import fusion

pytest.importorskip("numba", reason="the compiled kernels need Numba: pip install numpynn[fast]")


def pair(channels, padding="valid", use_bias=True, dtype="float64", pool=None,
         kernel_size=(3, 2), **conv_args):
    conv = layers.Conv2D(5, kernel_size, padding=padding, activation="relu", use_bias=use_bias,
                         bias_initializer="random_normal", dtype=dtype, **conv_args)
    pool = pool or layers.MaxPooling2D(2, dtype=dtype)
    shape = (None, 11, 9, channels)
    conv.build(shape)
    pool.build(conv.compute_output_shape(shape))
    return conv, pool


def run(conv, pool, x, grad_y, fused, training=True, input_grad_needed=False):
    """(y, dL/dkernel, dL/dbias, how the conv pooled itself or None, dL/dx) of one step."""
    conv.input_grad_needed = input_grad_needed
    grad_x = None
    with fusion.conv_relu_pool([(conv, pool)] if fused else []), kernels.use("numba"):
        y = pool.forward(conv.forward(x, training=training), training=training)
        how = conv._pooled and conv._pooled[0]
        if training:
            grad_x = conv.backward(pool.backward(grad_y))
    return (y.copy(), conv.grads["kernel"].copy(),
            conv.grads["bias"].copy() if conv.use_bias else None, how,
            None if grad_x is None else grad_x.copy())


@pytest.mark.parametrize("channels, padding, use_bias", [(1, "valid", True), (3, "same", True),
                                                        (4, "valid", False)])
def test_one_pass_equals_conv_relu_then_pooling(channels, padding, use_bias):
    conv, pool = pair(channels, padding, use_bias)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(6, 11, 9, channels))
    x[:, ::4] = 0  # whole windows of equal pixels: the first of them wins
    grad_y = rng.normal(size=pool.compute_output_shape(conv.compute_output_shape(x.shape)))
    fused, plain = run(conv, pool, x, grad_y, True), run(conv, pool, x, grad_y, False)
    assert fused[3] == "direct" and not plain[3]
    for a, b in zip(fused[:3], plain[:3]):
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    # inference: the same y, with the bias added inside the pass
    y, *_ = run(conv, pool, x, grad_y, True, training=False)
    np.testing.assert_allclose(y, plain[0], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shape, padding, use_bias", [((11, 9, 6), "valid", True),
                                                     ((10, 7, 5), "same", True),
                                                     ((8, 8, 16), "valid", False)])
@pytest.mark.parametrize("input_grad_needed", [True, False])
def test_winograd_equals_conv_relu_then_pooling(shape, padding, use_bias, input_grad_needed):
    conv, pool = pair(shape[-1], padding, use_bias, kernel_size=3)
    rng = np.random.default_rng(2)
    x = rng.normal(size=(5,) + shape)
    x[:2] = np.round(x[:2])  # some windows with equal maxima
    grad_y = rng.normal(size=pool.compute_output_shape(conv.compute_output_shape(x.shape)))
    fused = run(conv, pool, x, grad_y, True, input_grad_needed=input_grad_needed)
    plain = run(conv, pool, x, grad_y, False, input_grad_needed=True)
    assert fused[3] == "winograd"
    for a, b in zip(fused[:3], plain[:3]):
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)
    if input_grad_needed:
        np.testing.assert_allclose(fused[4], plain[4], rtol=1e-10, atol=1e-10)
    else:
        assert fused[4] is None
    y, *_ = run(conv, pool, x, grad_y, True, training=False)
    np.testing.assert_allclose(y, plain[0], rtol=1e-10, atol=1e-10)


def test_ties_and_nan_follow_max_pooling():
    conv, pool = pair(1, dtype="float32")
    conv.set_weights([np.ones((3, 2, 1, 5), np.float32), np.zeros(5, np.float32)])
    x = np.zeros((2, 11, 9, 1), np.float32)  # every pixel ties at 0
    x[1, 4, 4] = np.nan
    grad_y = np.ones(pool.compute_output_shape(conv.compute_output_shape(x.shape)), np.float32)
    fused, plain = run(conv, pool, x, grad_y, True), run(conv, pool, x, grad_y, False)
    np.testing.assert_array_equal(fused[0], plain[0])  # NaN where the plain layers give NaN
    assert np.isnan(fused[0]).any()
    np.testing.assert_array_equal(np.isnan(fused[1]), np.isnan(plain[1]))


@pytest.mark.parametrize("why", ["input gradient", "kernel size", "pool strides",
                                 "conv strides", "numpy kernels"])
def test_the_layers_run_one_by_one_where_the_pass_does_not_apply(why):
    # the direct pass leaves dL/dx out; Winograd's is for 3x3 kernels only
    conv, pool = pair(9 if why == "kernel size" else 1,
                      pool=layers.MaxPooling2D(2, strides=1) if why == "pool strides" else None,
                      strides=2 if why == "conv strides" else 1)
    x = np.random.default_rng(1).normal(size=(2, 11, 9, conv.params["kernel"].shape[2]))
    conv.input_grad_needed = why == "input gradient"
    with fusion.conv_relu_pool([(conv, pool)]), kernels.use(
            "numpy" if why == "numpy kernels" else "numba"):
        pool.forward(conv.forward(x, training=True), training=True)
        assert conv._pooled is None


def test_a_trained_model_matches_the_numpy_kernels():
    def trained(name):
        keras.utils.set_random_seed(3)
        rng = np.random.default_rng(4)
        x, y = rng.normal(size=(48, 14, 14, 1)).astype(np.float32), rng.integers(0, 3, 48)
        with kernels.use(name):
            model = keras.Sequential([keras.Input((14, 14, 1)),
                                      layers.Conv2D(8, 3, activation="relu"),
                                      layers.MaxPooling2D(),  # direct
                                      layers.Conv2D(6, 3, activation="relu"),
                                      layers.MaxPooling2D(),  # Winograd
                                      layers.Flatten(),
                                      layers.Dense(3, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            history = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
            return model.get_weights(), history.history["loss"], model.predict(x, verbose=0)
    one_pass, numpy_run = trained("numba"), trained("numpy")
    for a, b in zip(one_pass[0], numpy_run[0]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(one_pass[1], numpy_run[1], rtol=1e-6)
    np.testing.assert_allclose(one_pass[2], numpy_run[2], rtol=1e-5, atol=1e-6)
