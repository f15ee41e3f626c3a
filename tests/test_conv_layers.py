"""Convolution layers: im2col/col2im against direct loops, float64 gradient checks, configs,
argument errors, and a small convnet that trains, saves and loads."""
import json

import numpy as np
import pytest

import numpynn as keras
from numpynn import layers
from numpynn.layers import conv_utils
from numpynn.utils import gradient_check


@pytest.fixture(autouse=True)
def _seed():
    keras.utils.set_random_seed(3)


# -- arithmetic ----------------------------------------------------------------------------
@pytest.mark.parametrize("length, kernel, stride, padding, dilation, out, pads", [
    (7, 3, 1, "valid", 1, 5, (0, 0)),
    (7, 3, 2, "valid", 1, 3, (0, 0)),
    (7, 3, 2, "same", 1, 4, (1, 1)),
    (8, 3, 2, "same", 1, 4, (0, 1)),      # TF puts the odd pixel after
    (9, 2, 1, "same", 1, 9, (0, 1)),
    (9, 3, 1, "same", 2, 9, (2, 2)),
    (9, 3, 1, "valid", 2, 5, (0, 0)),
    (9, 3, 2, "causal", 2, 5, (4, 0)),
])
def test_output_length_and_padding(length, kernel, stride, padding, dilation, out, pads):
    assert conv_utils.output_length(length, kernel, stride, padding, dilation) == out
    assert conv_utils.padding_amounts(length, kernel, stride, padding, dilation) == pads


def _im2col_by_loops(xp, kernel, strides, dilation, out_size):
    n, _, _, c = xp.shape
    cols = np.zeros((n,) + out_size + kernel + (c,))
    for b, p, q, i, j in np.ndindex(n, *out_size, *kernel):
        cols[b, p, q, i, j] = xp[b, p * strides[0] + i * dilation[0],
                                 q * strides[1] + j * dilation[1]]
    return cols


@pytest.mark.parametrize("shape, kernel, strides, dilation", [
    ((2, 7, 9, 3), (3, 3), (1, 1), (1, 1)),
    ((2, 7, 9, 3), (2, 3), (2, 2), (1, 1)),
    ((1, 9, 8, 2), (3, 1), (1, 3), (1, 1)),
    ((2, 9, 9, 1), (3, 3), (1, 1), (2, 2)),
    ((2, 9, 10, 3), (3, 2), (1, 1), (2, 3)),
    ((2, 11, 10, 4), (3, 2), (2, 3), (1, 1)),
])
def test_im2col_matches_loops_and_col2im_is_its_adjoint(shape, kernel, strides, dilation):
    rng = np.random.default_rng(0)
    xp = rng.standard_normal(shape)
    out_size = tuple((n - d * (k - 1) - 1) // s + 1
                     for n, k, s, d in zip(shape[1:3], kernel, strides, dilation))
    cols = np.empty((shape[0],) + out_size + kernel + (shape[3],))
    conv_utils.im2col(xp, kernel, strides, dilation, out_size, cols)
    np.testing.assert_array_equal(cols, _im2col_by_loops(xp, kernel, strides, dilation,
                                                         out_size))
    c = rng.standard_normal(cols.shape)
    back = conv_utils.col2im(c, kernel, strides, dilation, np.full(shape, np.nan))
    assert np.vdot(cols, c) == pytest.approx(np.vdot(xp, back), rel=1e-12)


def test_conv2d_equals_a_direct_sliding_dot_product():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 6, 7, 3))
    layer = layers.Conv2D(4, (3, 2), strides=(2, 1), padding="same", dtype="float64")
    y = layer(x)
    kernel, bias = layer.get_weights()
    xp = np.pad(x, ((0, 0), (0, 1), (0, 1), (0, 0)))  # "same": one row and column, after
    expected = np.zeros(y.shape)
    for n, p, q, f in np.ndindex(*y.shape):
        expected[n, p, q, f] = np.sum(xp[n, 2 * p:2 * p + 3, q:q + 2] * kernel[..., f]) + bias[f]
    np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-12)


# -- gradients -----------------------------------------------------------------------------
GRADIENT_CASES = {
    "conv2d_valid": (lambda: layers.Conv2D(3, 3), (2, 7, 9, 2)),
    "conv2d_same_stride2_tanh": (lambda: layers.Conv2D(3, 3, strides=2, padding="same",
                                                       activation="tanh"), (2, 7, 9, 2)),
    "conv2d_valid_stride2": (lambda: layers.Conv2D(3, 3, strides=2), (2, 7, 9, 2)),
    "conv2d_dilation2_same": (lambda: layers.Conv2D(3, 3, dilation_rate=2, padding="same"),
                              (2, 7, 9, 2)),
    "conv2d_kernel_2x3": (lambda: layers.Conv2D(3, (2, 3), padding="same", strides=(2, 1)),
                          (2, 7, 9, 2)),
    "conv2d_kernel_3x1_relu": (lambda: layers.Conv2D(3, (3, 1), activation="relu"),
                               (2, 7, 9, 2)),
    "conv2d_pointwise_no_bias": (lambda: layers.Conv2D(3, 1, use_bias=False), (2, 5, 4, 3)),
    "conv1d_valid": (lambda: layers.Conv1D(3, 3), (2, 9, 2)),
    "conv1d_same_stride2": (lambda: layers.Conv1D(3, 4, strides=2, padding="same"), (2, 9, 2)),
    "conv1d_causal_dilation2": (lambda: layers.Conv1D(3, 3, padding="causal", dilation_rate=2),
                                (2, 9, 2)),
    "depthwise_valid": (lambda: layers.DepthwiseConv2D(3), (2, 7, 9, 2)),
    "depthwise_multiplier2_same_stride2": (
        lambda: layers.DepthwiseConv2D((2, 3), strides=2, padding="same", depth_multiplier=2,
                                       activation="tanh"), (2, 7, 9, 2)),
    "depthwise_dilation2": (lambda: layers.DepthwiseConv2D(3, dilation_rate=2), (2, 7, 9, 2)),
    "separable_same": (lambda: layers.SeparableConv2D(4, 3, padding="same",
                                                      depth_multiplier=2), (2, 7, 9, 2)),
    "separable_stride2": (lambda: layers.SeparableConv2D(4, (3, 1), strides=2), (2, 7, 9, 2)),
    "transpose_valid": (lambda: layers.Conv2DTranspose(3, 3), (2, 4, 5, 2)),
    "transpose_same_stride2": (lambda: layers.Conv2DTranspose(3, 3, strides=2, padding="same"),
                               (2, 4, 5, 2)),
    "transpose_output_padding": (lambda: layers.Conv2DTranspose(3, (2, 3), strides=2,
                                                                output_padding=1),
                                 (2, 4, 5, 2)),
    "transpose_same_output_padding": (
        lambda: layers.Conv2DTranspose(3, 3, strides=(2, 3), padding="same",
                                       output_padding=(1, 0)), (2, 4, 5, 2)),
    "transpose_dilation2": (lambda: layers.Conv2DTranspose(3, 3, dilation_rate=2,
                                                           padding="same"), (2, 4, 5, 2)),
}


@pytest.mark.parametrize("case", sorted(GRADIENT_CASES))
def test_layer_gradients(case):
    factory, shape = GRADIENT_CASES[case]
    x = np.random.default_rng(2).standard_normal(shape)
    result = gradient_check(factory(), x)
    assert result.passed, repr(result)
    assert "input" in result.errors and any(k.endswith("kernel") for k in result.errors)


def test_gradient_check_catches_a_wrong_conv_backward():
    class Broken(layers.Conv2D):
        def backward(self, grad_out):
            grad_in = super().backward(grad_out)
            grad_in[:, 0] *= 1.05  # the top row's input gradient 5% off
            return grad_in

    x = np.random.default_rng(3).standard_normal((2, 5, 5, 2))
    assert not gradient_check(Broken(2, 3, padding="same"), x).passed


# -- configs and errors --------------------------------------------------------------------
CONFIG_LAYERS = [
    lambda: layers.Conv2D(8, (3, 2), strides=2, padding="same", activation="relu",
                          use_bias=False, kernel_initializer="he_normal"),
    lambda: layers.Conv1D(4, 5, padding="causal", dilation_rate=2),
    lambda: layers.DepthwiseConv2D(3, depth_multiplier=2, depthwise_initializer="zeros"),
    lambda: layers.SeparableConv2D(6, 3, depth_multiplier=3, pointwise_initializer="ones"),
    lambda: layers.Conv2DTranspose(5, 3, strides=2, padding="same", output_padding=1),
]


@pytest.mark.parametrize("factory", CONFIG_LAYERS)
def test_config_round_trips_through_json_and_the_registry(factory):
    layer = factory()
    text = json.dumps(layers.serialize(layer))
    again = layers.deserialize(json.loads(text))
    assert type(again) is type(layer)
    assert json.dumps(layers.serialize(again)) == text


def test_config_has_keras_keys_and_tuples():
    config = layers.Conv2D(8, 3).get_config()
    assert config["kernel_size"] == (3, 3) and config["strides"] == (1, 1)
    assert config["dilation_rate"] == (1, 1) and config["data_format"] == "channels_last"
    assert {"filters", "padding", "groups", "activation", "use_bias", "kernel_initializer",
            "bias_initializer", "kernel_regularizer", "bias_constraint"} <= set(config)
    assert layers.Conv1D(2, 3).get_config()["kernel_size"] == (3,)
    assert layers.Conv2DTranspose(2, 3).get_config()["output_padding"] is None


@pytest.mark.parametrize("make, error, words", [
    (lambda: layers.Conv2D(-1, 3), ValueError, "filters"),
    (lambda: layers.Conv2D(2.5, 3), ValueError, "filters"),
    (lambda: layers.Conv2D(4, 0), ValueError, "kernel_size"),
    (lambda: layers.Conv2D(4, (3, 3, 3)), ValueError, "kernel_size"),
    (lambda: layers.Conv2D(4, 3, strides=0), ValueError, "strides"),
    (lambda: layers.Conv2D(4, 3, padding="full"), ValueError, "padding"),
    (lambda: layers.Conv2D(4, 3, padding="causal"), ValueError, "padding"),
    (lambda: layers.Conv2D(4, 3, data_format="channels_first"), ValueError, "channels_last"),
    (lambda: layers.Conv2D(4, 3, strides=2, dilation_rate=2), ValueError, "dilation_rate"),
    (lambda: layers.Conv2D(4, 3, groups=2), NotImplementedError, "groups"),
    (lambda: layers.Conv2D(4, 3, kernel_regularizer=lambda w: 0.0), TypeError, "gradient"),
    (lambda: layers.Conv1D(4, 3, bias_constraint=3), TypeError, "constraint"),
    (lambda: layers.DepthwiseConv2D(3, depth_multiplier=0), ValueError, "depth_multiplier"),
    (lambda: layers.SeparableConv2D(4, 3, pointwise_regularizer="l3"), ValueError,
     "Unknown regularizer 'l3'"),
    (lambda: layers.Conv2DTranspose(4, 3, strides=2, output_padding=2), ValueError,
     "output_padding"),
    (lambda: layers.Conv2D(4, 3, unknown=1), TypeError, "unknown"),
])
def test_bad_arguments_raise_clear_errors(make, error, words):
    with pytest.raises(error, match=words):
        make()


def test_input_smaller_than_the_kernel_is_a_clear_error():
    with pytest.raises(ValueError, match="smaller than"):
        layers.Conv2D(2, 5).compute_output_shape((None, 4, 9, 1))
    with pytest.raises(ValueError, match="channels"):
        layers.Conv2D(2, 3).compute_output_shape((None, 8, 1))


# -- in a model ----------------------------------------------------------------------------
def _convnet():
    model = keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(4, 3, activation="relu", padding="same"),
        layers.Conv2D(4, 3, strides=2, activation="relu"),
        layers.Flatten(),
        layers.Dense(3, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    return model


def test_small_convnet_learns_and_saves(tmp_path):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((48, 8, 8, 1)).astype("float32")
    y = (x[:, :4].sum(axis=(1, 2, 3)) > 0).astype(int) + (x[:, 4:, :4].mean(axis=(1, 2, 3)) > 0.2)
    model = _convnet()
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=8, batch_size=16, verbose=0)
    after = model.evaluate(x, y, verbose=0)
    assert after < 0.8 * before
    assert model.layers[0].output_shape == (None, 8, 8, 4)
    assert model.layers[1].output_shape == (None, 3, 3, 4)
    model.save(tmp_path / "convnet.npnn")
    loaded = keras.models.load_model(tmp_path / "convnet.npnn")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_predict_with_reused_buffers_matches_a_direct_call():
    x = np.random.default_rng(5).standard_normal((10, 8, 8, 1)).astype("float32")
    model = _convnet()
    first = model.predict(x, batch_size=4, verbose=0)
    np.testing.assert_allclose(model.predict(x, batch_size=4, verbose=0), first)
    np.testing.assert_allclose(model.forward(x), first, rtol=1e-6, atol=1e-7)


def test_fit_with_reused_buffers_equals_plain_train_steps():
    """fit (buffers reused, batches of 4 then a last batch of 2) takes the same steps as
    train_step on freshly allocated arrays."""
    rng = np.random.default_rng(6)
    x = rng.standard_normal((10, 8, 8, 1)).astype("float32")
    y = rng.integers(0, 3, 10)
    fast, plain = _convnet(), _convnet()
    for model in (fast, plain):
        model.build((None, 8, 8, 1))
    plain.set_weights(fast.get_weights())
    fast.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    plain._prepare(x, y)
    for _ in range(2):
        for start in range(0, len(x), 4):
            plain.train_step(x[start:start + 4], y[start:start + 4])
    for a, b in zip(fast.get_weights(), plain.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_a_training_step_allocates_nothing_big():
    """With reused buffers, a step allocates less than a third of the first layer's im2col
    buffer: NumPy's fixed-size ufunc buffers and ReLU's boolean masks, no copy of cols or
    of an output."""
    import tracemalloc
    x = np.random.default_rng(7).standard_normal((128, 8, 8, 1)).astype("float32")
    y = np.arange(128) % 3
    model = _convnet()
    model.fit(x, y, batch_size=128, epochs=1, verbose=0)  # builds the buffers once
    with model._reusing_buffers():
        model.train_step(x, y)
        tracemalloc.start()
        model.train_step(x, y)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    cols_bytes = model.layers[0]._cols.nbytes  # (128 * 8 * 8, 3 * 3 * 1 + 1) float32
    assert cols_bytes == 128 * 64 * 10 * 4
    assert peak < cols_bytes / 3, (peak, cols_bytes)


def test_the_kernel_gradient_image_by_image_equals_the_single_product(monkeypatch):
    """A small kernel over many output pixels takes the per-image products (conv.PER_IMAGE_ROWS):
    the same gradient as the single product, and right by finite differences."""
    from numpynn.layers import conv as conv_module
    x = np.random.default_rng(4).normal(size=(4, 16, 16, 1))
    layer = layers.Conv2D(2, 3, dtype="float64")
    layer(x)
    assert len(x) * 14 * 14 >= conv_module.PER_IMAGE_ROWS * 3 * 3 * 2  # the per-image path
    grad = np.random.default_rng(5).normal(size=(4, 14, 14, 2))
    layer.forward(x)
    layer.backward(grad.copy())
    per_image = layer.grads["kernel"].copy()
    monkeypatch.setattr(conv_module, "PER_IMAGE_ROWS", 10**9)
    layer.backward(grad.copy())
    np.testing.assert_allclose(per_image, layer.grads["kernel"], rtol=1e-12)
    monkeypatch.undo()
    result = gradient_check(layers.Conv2D(2, 3), x)
    assert result.passed, repr(result)
