"""Pooling and shape layers: float64 gradient checks over odd sizes, the window rules on small
hand-worked inputs, config round-trips, argument errors, and a small model that trains and
saves."""
import itertools
import json

import numpy as np
import pytest

import numpynn as keras
from numpynn import layers
from numpynn.utils import gradient_check

POOL_CONFIGS = list(itertools.product([(2, 2), (3, 3), (2, 3)], [1, 2, 3], ["valid", "same"]))

# (layer factory, input shape); inputs are standard normal, so windows hold no ties.
LAYER_CASES = {
    "max_pooling_2d_tiles": (lambda: layers.MaxPooling2D((2, 3)), (2, 6, 9, 3)),
    "average_pooling_2d_tiles": (lambda: layers.AveragePooling2D((3, 3)), (2, 6, 9, 3)),
    "max_pooling_1d_same": (lambda: layers.MaxPooling1D(3, strides=2, padding="same"), (2, 9, 3)),
    "average_pooling_1d": (lambda: layers.AveragePooling1D(2, strides=1), (2, 9, 3)),
    "average_pooling_1d_same": (lambda: layers.AveragePooling1D(3, padding="same"), (2, 8, 3)),
    "global_max_2d": (lambda: layers.GlobalMaxPooling2D(), (2, 7, 9, 3)),
    "global_max_2d_keepdims": (lambda: layers.GlobalMaxPooling2D(keepdims=True), (2, 7, 9, 3)),
    "global_average_2d": (lambda: layers.GlobalAveragePooling2D(), (2, 7, 9, 3)),
    "global_max_1d": (lambda: layers.GlobalMaxPooling1D(), (2, 9, 3)),
    "global_average_1d_keepdims": (lambda: layers.GlobalAveragePooling1D(keepdims=True),
                                   (2, 9, 3)),
    "zero_padding": (lambda: layers.ZeroPadding2D(((1, 2), (0, 3))), (2, 7, 9, 3)),
    "reshape": (lambda: layers.Reshape((3, -1)), (2, 7, 9, 3)),
    "spatial_dropout_seeded": (lambda: layers.SpatialDropout2D(0.5, seed=4), (3, 7, 9, 5)),
    "spatial_dropout_global_rng": (lambda: layers.SpatialDropout2D(0.3), (3, 7, 9, 5)),
}


@pytest.mark.parametrize("pool, strides, padding", POOL_CONFIGS)
@pytest.mark.parametrize("kind", [layers.MaxPooling2D, layers.AveragePooling2D])
def test_pooling_2d_gradients(kind, pool, strides, padding):
    x = np.random.default_rng(1).standard_normal((2, 7, 9, 3))
    result = gradient_check(kind(pool, strides=strides, padding=padding), x)
    assert result.passed, repr(result)


@pytest.mark.parametrize("pool, strides, padding",
                         itertools.product([2, 3], [1, 2, 3], ["valid", "same"]))
def test_max_pooling_1d_gradients(pool, strides, padding):
    x = np.random.default_rng(2).standard_normal((2, 9, 3))
    result = gradient_check(layers.MaxPooling1D(pool, strides=strides, padding=padding), x)
    assert result.passed, repr(result)


@pytest.mark.parametrize("case", sorted(LAYER_CASES))
def test_layer_gradients(case):
    factory, shape = LAYER_CASES[case]
    x = np.random.default_rng(3).standard_normal(shape)
    result = gradient_check(factory(), x)
    assert result.passed, repr(result)


def _image(rows):
    return np.array(rows, dtype="float64")[None, :, :, None]


def test_max_pooling_gradient_goes_to_the_first_maximum_in_row_major_order():
    layer = layers.MaxPooling2D(2, dtype="float64")
    layer(_image([[0, 1], [1, 0]]))
    grad = layer.backward(np.full((1, 1, 1, 1), 5.0))
    np.testing.assert_array_equal(grad[0, :, :, 0], [[0, 5], [0, 0]])


def test_a_maximum_shared_by_overlapping_windows_gets_each_window_gradient():
    layer = layers.MaxPooling2D(2, strides=1, dtype="float64")
    y = layer(_image([[0, 0, 0], [0, 9, 0], [0, 0, 0]]))
    np.testing.assert_array_equal(y[0, :, :, 0], [[9, 9], [9, 9]])
    grad = layer.backward(_image([[1, 2], [3, 4]]))
    np.testing.assert_array_equal(grad[0, :, :, 0], [[0, 0, 0], [0, 10, 0], [0, 0, 0]])


def test_same_padding_puts_the_extra_row_and_column_at_the_bottom_right():
    x = _image(np.arange(9).reshape(3, 3))
    y = layers.MaxPooling2D(2, padding="same", dtype="float64")(x)
    np.testing.assert_array_equal(y[0, :, :, 0], [[4, 5], [7, 8]])
    y = layers.AveragePooling2D(2, padding="same", dtype="float64")(x)
    np.testing.assert_array_equal(y[0, :, :, 0], [[2, 3.5], [6.5, 8]])


def test_average_pooling_counts_only_real_pixels():
    layer = layers.AveragePooling2D((3, 3), strides=2, padding="same", dtype="float64")
    y = layer(np.ones((2, 5, 6, 3)))
    np.testing.assert_array_equal(y, np.ones((2, 3, 3, 3)))
    grad = layer.backward(np.ones_like(y))
    # "same" pads 1 row on top, 1 at the bottom, 1 column on the right: the corner pixel lies
    # in one window only, of 2 real rows by 3 real columns
    assert grad[0, 0, 0, 0] == 1 / 6


def test_global_max_pooling_shares_the_gradient_among_ties_as_tensorflow():
    layer = layers.GlobalMaxPooling2D(dtype="float64")
    layer(_image([[3, 1], [3, 3]]))
    grad = layer.backward(np.array([[6.0]]))
    np.testing.assert_array_equal(grad[0, :, :, 0], [[2, 0], [2, 2]])


def test_pooling_layers_keep_working_on_reused_buffers_and_new_sizes():
    layer = layers.MaxPooling2D(3, strides=2, padding="same", dtype="float64")
    layer.reuse_buffers = True
    rng = np.random.default_rng(4)
    for shape in [(2, 7, 9, 3), (2, 7, 9, 3), (1, 4, 4, 2)]:
        x = rng.standard_normal(shape)
        y = layer(x).copy()
        reference = layers.MaxPooling2D(3, strides=2, padding="same", dtype="float64")(x)
        np.testing.assert_array_equal(y, reference)


def test_spatial_dropout_drops_whole_channels_and_rescales():
    layer = layers.SpatialDropout2D(0.5, seed=0, dtype="float64")
    x = np.ones((8, 4, 5, 16))
    y = layer(x, training=True)
    per_map = y.reshape(8, 20, 16)
    assert np.all(per_map == per_map[:, :1])  # one value per (sample, channel)
    assert set(np.unique(y)) == {0.0, 2.0}
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), y)
    np.testing.assert_array_equal(layer(x, training=False), x)


def test_spatial_dropout_with_a_seed_repeats_its_masks():
    first, second = (layers.SpatialDropout2D(0.4, seed=7) for _ in range(2))
    x = np.ones((4, 3, 3, 8), dtype="float32")
    np.testing.assert_array_equal(first(x, training=True), second(x, training=True))


NEW_LAYERS = [
    layers.MaxPooling2D((2, 3), strides=(1, 2), padding="SAME"),
    layers.AveragePooling2D(3),
    layers.MaxPooling1D(3, strides=1, padding="same"),
    layers.AveragePooling1D(),
    layers.GlobalMaxPooling2D(keepdims=True), layers.GlobalAveragePooling2D(),
    layers.GlobalMaxPooling1D(), layers.GlobalAveragePooling1D(keepdims=True),
    layers.ZeroPadding2D((2, 1)), layers.Reshape((-1, 4)),
    layers.SpatialDropout2D(0.3, seed=5),
]


@pytest.mark.parametrize("layer", NEW_LAYERS, ids=lambda l: type(l).__name__)
def test_config_roundtrip_through_json_and_the_registry(layer):
    spec = json.loads(json.dumps(layers.serialize(layer)))
    clone = layers.deserialize(spec)
    assert type(clone) is type(layer)
    assert clone.get_config() == layer.get_config()


def test_keras_short_names_are_the_same_classes():
    assert layers.MaxPool2D is layers.MaxPooling2D and layers.AvgPool1D is layers.AveragePooling1D
    assert layers.GlobalAvgPool2D is layers.GlobalAveragePooling2D
    assert layers.GlobalMaxPool1D is layers.GlobalMaxPooling1D


def test_default_arguments_as_keras():
    pool = layers.MaxPooling2D()
    assert (pool.pool_size, pool.strides, pool.padding, pool.data_format) == \
        ((2, 2), (2, 2), "valid", "channels_last")
    assert layers.MaxPooling1D(3).strides == (3,)
    assert layers.ZeroPadding2D().padding == ((1, 1), (1, 1))
    assert layers.ZeroPadding2D(((1, 0), 2)).padding == ((1, 0), (2, 2))


@pytest.mark.parametrize("make, message", [
    (lambda: layers.MaxPooling2D(data_format="channels_first"), "channels_last"),
    (lambda: layers.GlobalAveragePooling2D(data_format="channels_first"), "channels_last"),
    (lambda: layers.AveragePooling2D(2, data_format="NHWC"), "data_format"),
    (lambda: layers.MaxPooling2D((2, 0)), "pool_size"),
    (lambda: layers.MaxPooling2D((2, 2, 2)), "pool_size"),
    (lambda: layers.MaxPooling1D(2.5), "pool_size"),
    (lambda: layers.AveragePooling2D(2, strides=0), "strides"),
    (lambda: layers.MaxPooling2D(padding="full"), "'valid' or 'same'"),
    (lambda: layers.ZeroPadding2D(-1), "padding"),
    (lambda: layers.ZeroPadding2D((1, 2, 3)), "padding"),
    (lambda: layers.Reshape((-1, -1)), "at most one -1"),
    (lambda: layers.Reshape((0, 3)), "positive ints"),
    (lambda: layers.Reshape(12), "tuple"),
    (lambda: layers.SpatialDropout2D(1.0), "rate"),
])
def test_bad_arguments_raise_value_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_spatial_dropout_refuses_a_noise_shape():
    with pytest.raises(TypeError, match="whole channels"):
        layers.SpatialDropout2D(0.5, noise_shape=(None, 1, 1, 3))


@pytest.mark.parametrize("layer, shape, message", [
    (layers.MaxPooling2D(3), (2, 2, 5, 1), "padding='same'"),
    (layers.MaxPooling2D(), (2, 8, 1), r"\(batch, height, width, channels\)"),
    (layers.GlobalMaxPooling1D(), (2, 8, 8, 1), r"\(batch, steps, channels\)"),
    (layers.ZeroPadding2D(), (2, 8), "height, width"),
    (layers.SpatialDropout2D(0.5), (2, 8, 3), "height, width"),
    (layers.Reshape((5, -1)), (2, 3, 4), "12 entries"),
    (layers.Reshape((5, 3)), (2, 3, 4), "must stay the same"),
])
def test_inputs_that_do_not_fit_raise_value_errors(layer, shape, message):
    with pytest.raises(ValueError, match=message):
        layer(np.zeros(shape))


def _small_convnet():
    """Per-pixel Dense layers (1x1 convolutions) around every new layer."""
    return keras.Sequential([
        keras.Input(shape=(7, 9, 2)),
        layers.Dense(4, activation="tanh"),
        layers.ZeroPadding2D(((1, 0), (0, 1))),
        layers.MaxPooling2D((3, 3), strides=2, padding="same"),
        layers.SpatialDropout2D(0.25, seed=1),
        layers.AveragePooling2D((2, 2), strides=1, padding="same"),
        layers.Dense(4, activation="relu"),
        layers.Reshape((-1, 4)),
        layers.MaxPooling1D(2, padding="same"),
        layers.AveragePooling1D(2, strides=1),
        layers.GlobalMaxPooling1D(keepdims=True),
        layers.Reshape((1, 1, 4)),
        layers.GlobalAveragePooling2D(),
        layers.Dense(3, activation="softmax"),
    ])


def _images(n=48, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 7, 9, 2)).astype("float32")
    y = (x[:, :4, :, 0].mean(axis=(1, 2)) > 0).astype(int) + (x[..., 1].max(axis=(1, 2)) > 2)
    return x, y


def test_small_convnet_shapes_gradient_fit_save_and_load(tmp_path):
    keras.utils.set_random_seed(0)
    model = _small_convnet()
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy")
    model.build((None, 7, 9, 2))
    assert [layer.output_shape for layer in model.layers] == [
        (None, 7, 9, 4), (None, 8, 10, 4), (None, 4, 5, 4), (None, 4, 5, 4), (None, 4, 5, 4),
        (None, 4, 5, 4), (None, 20, 4), (None, 10, 4), (None, 9, 4), (None, 1, 4),
        (None, 1, 1, 4), (None, 4), (None, 3)]
    x, y = _images()
    result = gradient_check(model, x[:4], y[:4])
    assert result.passed, repr(result)

    history = model.fit(x, y, epochs=5, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    model.save(tmp_path / "convnet.npnn")
    loaded = keras.models.load_model(tmp_path / "convnet.npnn")
    assert [type(l) for l in loaded.layers] == [type(l) for l in model.layers]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize("layer", [layers.GlobalMaxPooling2D(), layers.GlobalMaxPooling1D()])
def test_global_max_pooling_gradient_keeps_its_dtype(layer):
    x = np.zeros((2, 3, 3, 4) if layer.rank == 2 else (2, 3, 4), "float32")  # ties everywhere
    layer(x)
    assert layer.backward(np.ones((2, 4), "float32")).dtype == np.float32
