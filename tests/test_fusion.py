"""Conv -> ReLU -> MaxPooling runs as Conv -> MaxPooling -> ReLU inside a model's loops, the
bias added after the pooling in inference and only the convolution's pixels that the pooling
reads computed (numpynn.layers.fusion): the same numbers, to the last bit, as the layers run
one by one."""
import numpy as np
import pytest

import numpynn as keras
from numpynn import layers
from numpynn import kernels
from numpynn.layers import conv_pooled, fusion


def convnet(rank=2, pool_padding="valid", activation="relu", use_bias=True):
    conv, pool = ((layers.Conv2D, layers.MaxPooling2D) if rank == 2
                  else (layers.Conv1D, layers.MaxPooling1D))
    shape = (11, 9, 2) if rank == 2 else (15, 2)
    return keras.Sequential([
        keras.Input(shape=shape),
        conv(4, 3, activation=activation, use_bias=use_bias),
        pool(2, padding=pool_padding),
        conv(3, 2, padding="same", activation=activation),
        pool(2, strides=1),
        layers.Flatten(),
        layers.Dense(3, activation="softmax"),
    ])


def train(model, x, y, fused):
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.set_weights(convnet_weights(model))
    history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    return model.get_weights(), history.history, model.predict(x, verbose=0)


def convnet_weights(model):
    rng = np.random.default_rng(5)
    return [rng.normal(0, 0.5, w.shape).astype(w.dtype) for w in model.get_weights()]


@pytest.mark.parametrize("rank, pool_padding, use_bias", [(2, "valid", True), (2, "same", True),
                                                         (1, "valid", True),
                                                         (2, "valid", False)])
def test_fused_training_equals_the_layers_one_by_one(monkeypatch, rank, pool_padding,
                                                     use_bias):
    # bit for bit without the one-pass Conv -> ReLU -> pooling (tests/test_conv_pool.py)
    monkeypatch.setattr(conv_pooled, "ENABLED", False)
    rng = np.random.default_rng(0)
    shape = (11, 9, 2) if rank == 2 else (15, 2)
    x = rng.normal(size=(20,) + shape).astype(np.float32)
    x[:, ::3] = 0  # ties inside windows, at zero and among positive values
    x[:, 1::3] = 0.5
    y = rng.integers(0, 3, 20)
    fused = train(convnet(rank, pool_padding, use_bias=use_bias), x, y, fused=True)
    monkeypatch.setattr(fusion, "fusable", lambda conv, pool: False)
    plain = train(convnet(rank, pool_padding, use_bias=use_bias), x, y, fused=False)
    for a, b in zip(fused[0], plain[0]):
        np.testing.assert_array_equal(a, b)
    assert fused[1] == plain[1]
    np.testing.assert_array_equal(fused[2], plain[2])


@pytest.mark.parametrize("make", [lambda: layers.DepthwiseConv2D(3, activation="relu"),
                                  lambda: layers.SeparableConv2D(4, 3, activation="relu")])
def test_depthwise_and_separable_convolutions_fuse_as_well(monkeypatch, make):
    def model():  # 9 x 7 maps, of which the pooling reads 8 x 6
        return keras.Sequential([keras.Input((11, 9, 2)), make(), layers.MaxPooling2D(2),
                                 layers.Flatten(), layers.Dense(3, activation="softmax")])
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(20, 11, 9, 2)).astype(np.float32), rng.integers(0, 3, 20)
    fused = train(model(), x, y, fused=True)
    monkeypatch.setattr(fusion, "fusable", lambda conv, pool: False)
    plain = train(model(), x, y, fused=False)
    for a, b in zip(fused[0], plain[0]):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(fused[2], plain[2])


def test_the_pairs_fuse_only_inside_the_loops_and_only_plain_relu():
    model = convnet()
    model.build((None, 11, 9, 2))
    with model._reusing_buffers():
        assert [l.activation_deferred for l in model.layers[:4:2]] == [True, True]
        # the first pooling (2x2, valid) reads 8 x 6 of its 9 x 7 inputs, the second all
        assert model.layers[1].read_extent((9, 7)) == (8, 6)
        assert model.layers[3].read_extent((4, 3)) == (4, 3)
        x = np.random.default_rng(1).normal(size=(2, 11, 9, 2)).astype(np.float32)
        with kernels.use("numpy"):
            assert model.layers[0].forward(x, training=True).shape == (2, 8, 6, 4)
    assert not any(getattr(l, "activation_deferred", False) for l in model.layers)
    assert all(l.fused_pool is None for l in model.layers[:4:2])
    assert all(getattr(l, "post_activation", None) is None
               and getattr(l, "post_bias_from", None) is None for l in model.layers)
    assert (model.layers[0](x) >= 0).all()  # a layer called on its own applies its ReLU
    for activation in ("tanh", keras.activations.ReLU(negative_slope=0.1)):
        assert not fusion.fusable(layers.Conv2D(2, 3, activation=activation),
                                  layers.MaxPooling2D())
    assert not fusion.fusable(layers.Conv2D(2, 3, activation="relu"),
                              layers.AveragePooling2D())
    assert not fusion.fusable(layers.Conv2D(2, 3, activation="relu",
                                            activity_regularizer="l2"), layers.MaxPooling2D())


def test_validation_inside_fit_leaves_the_pairs_fused():
    # fit's validation enters the fused state again: leaving it must not undo fit's
    model = convnet()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(16, 11, 9, 2)).astype(np.float32), rng.integers(0, 3, 16)
    fused_at_epoch_start = []

    class Watch(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            fused_at_epoch_start.append(model.layers[0].activation_deferred)
    model.fit(x, y, epochs=2, batch_size=8, validation_data=(x, y), callbacks=[Watch()],
              verbose=0)
    assert fused_at_epoch_start == [True, True]
    assert not model.layers[0].activation_deferred
