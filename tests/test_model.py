"""Sequential: building, training loop, evaluation, prediction, weights, summary, seeding."""
import numpy as np
import pytest

import numpynn as keras
from numpynn import layers


def blobs(n=200, classes=3, features=4, seed=0):
    """Well separated Gaussian blobs: an easy multi-class problem."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=4.0, size=(classes, features))
    labels = rng.integers(0, classes, size=n)
    return centers[labels] + rng.normal(size=(n, features)), labels


def classifier(classes=3, features=4, hidden=16):
    return keras.Sequential([keras.Input(shape=(features,)),
                             layers.Dense(hidden, activation="relu"),
                             layers.Dense(classes, activation="softmax")])


def test_fit_learns_and_reports_keras_history_keys():
    keras.utils.set_random_seed(0)
    x, y = blobs()
    model = classifier()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, keras.utils.to_categorical(y, 3), epochs=15, validation_split=0.2,
                        verbose=0)
    assert list(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert all(len(v) == 15 for v in history.history.values())
    assert history.epoch == list(range(15))
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["val_accuracy"][-1] > 0.9


def test_sparse_labels_and_binary_and_regression_recipes():
    keras.utils.set_random_seed(1)
    x, y = blobs(classes=2)
    sparse = classifier(classes=2)
    sparse.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy",
                   metrics=["accuracy"])
    sparse.fit(x, y, epochs=10, verbose=0)
    assert sparse.evaluate(x, y, verbose=0)[1] > 0.9

    binary = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8, activation="tanh"),
                               layers.Dense(1, activation="sigmoid")])
    binary.compile(keras.optimizers.Adam(0.01), "binary_crossentropy", metrics=["accuracy"])
    binary.fit(x, y, epochs=10, verbose=0)
    loss, accuracy = binary.evaluate(x, y, verbose=0)
    assert accuracy > 0.9 and loss < 0.5

    target = x @ np.array([0.5, -1.0, 2.0, 0.1]) + 1.0
    regression = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1)])
    regression.compile(keras.optimizers.SGD(0.01), "mse", metrics=["mae"])
    history = regression.fit(x, target, epochs=40, verbose=0)
    assert history.history["loss"][-1] < 0.01 * history.history["loss"][0]
    assert set(history.history) == {"loss", "mae"}


def test_one_epoch_is_one_pass_and_full_batch_is_one_step():
    x, y = blobs(n=100)
    model = classifier()
    model.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=3, batch_size=32, verbose=0)
    assert model.optimizer.iterations == 3 * 4  # ceil(100 / 32) steps per epoch
    model.fit(x, y, epochs=2, batch_size=len(x), verbose=0)
    assert model.optimizer.iterations == 12 + 2


def test_full_batch_step_is_plain_gradient_descent():
    """With batch_size=len(x) and shuffle off, one epoch is w <- w - lr * dL/dw on all data."""
    x, y = blobs(n=50)
    model = classifier()
    model.compile(keras.optimizers.SGD(0.5), "sparse_categorical_crossentropy")
    model.build((None, 4))
    before = model.get_weights()
    model.forward(x.astype("float32"), training=True)
    model.backward(model.loss.gradient(y, model.forward(x.astype("float32"))))
    grads = [g.copy() for layer in model.layers for g in layer.grads.values()]
    model.fit(x, y, batch_size=len(x), epochs=1, shuffle=False, verbose=0)
    for w0, g, w1 in zip(before, grads, model.get_weights()):
        np.testing.assert_allclose(w1, w0 - 0.5 * g, rtol=1e-5, atol=1e-6)


def test_parameters_live_in_one_buffer():
    model = classifier()
    model.build((None, 4))
    buffer = model.buffer
    assert buffer.values.dtype == np.float32 and buffer.values.size == model.count_params()
    for layer in model.layers:
        for name, value in layer.params.items():
            assert np.shares_memory(value, buffer.values)
            assert np.shares_memory(layer.grads[name], buffer.grads)
    buffer.values[:] = 0.5
    assert all((w == 0.5).all() for w in model.get_weights())


def test_float64_models():
    keras.backend.set_floatx("float64")
    try:
        model = classifier()
        x, y = blobs(n=40)
        model.compile("adam", "sparse_categorical_crossentropy")
        model.fit(x, y, epochs=1, verbose=0)
        assert model.buffer.values.dtype == np.float64
        assert model.predict(x, verbose=0).dtype == np.float64
    finally:
        keras.backend.set_floatx("float32")


def test_same_seed_gives_bit_identical_training():
    x, y = blobs()

    def run():
        keras.utils.set_random_seed(42)
        model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(16, activation="relu"),
                                  layers.Dropout(0.3), layers.Dense(3, activation="softmax")])
        model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        history = model.fit(x, y, epochs=3, verbose=0, validation_split=0.1)
        return model.get_weights(), history.history

    (w1, h1), (w2, h2) = run(), run()
    assert h1 == h2
    for a, b in zip(w1, w2):
        assert np.array_equal(a, b)
    keras.utils.set_random_seed(43)
    assert not np.array_equal(classifier().predict(x[:2], verbose=0),
                              classifier().predict(x[:2], verbose=0))


def test_predict_is_batched_and_matches_call():
    model = classifier()
    x, _ = blobs(n=70)
    full = model(x)
    np.testing.assert_allclose(model.predict(x, batch_size=16, verbose=0), full, rtol=1e-6)
    assert model.predict(x, verbose=0).shape == (70, 3)


def test_evaluate_return_forms():
    x, y = blobs(n=60)
    model = classifier()
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    loss, accuracy = model.evaluate(x, y, verbose=0)
    assert model.evaluate(x, y, verbose=0, return_dict=True) == {"accuracy": accuracy,
                                                                 "loss": loss}
    assert model.metrics_names == ["loss", "accuracy"]
    plain = classifier()
    plain.compile("sgd", "sparse_categorical_crossentropy")
    assert isinstance(plain.evaluate(x, y, verbose=0), float)


def test_evaluate_loss_equals_mean_of_losses():
    x, y = blobs(n=45)
    model = classifier()
    model.compile("sgd", "sparse_categorical_crossentropy")
    expected = keras.losses.sparse_categorical_crossentropy(y, model.predict(x, verbose=0)).mean()
    assert model.evaluate(x, y, batch_size=8, verbose=0) == pytest.approx(expected, rel=1e-5)


def test_weights_roundtrip_and_count_params():
    model = classifier()
    model.build((None, 4))
    assert model.count_params() == 4 * 16 + 16 + 16 * 3 + 3
    assert [w.shape for w in model.get_weights()] == [(4, 16), (16,), (16, 3), (3,)]
    other = classifier()
    other.set_weights(model.get_weights())
    x, _ = blobs(n=5)
    np.testing.assert_array_equal(model.predict(x, verbose=0), other.predict(x, verbose=0))
    with pytest.raises(ValueError, match="weight 'kernel' has shape"):
        other.layers[0].set_weights([np.zeros((3, 3)), np.zeros(16)])


def test_dense_defaults_match_keras():
    keras.utils.set_random_seed(0)
    layer = layers.Dense(200)
    layer(np.zeros((1, 300)))
    assert layer.kernel.shape == (300, 200) and layer.bias.shape == (200,)
    assert not layer.bias.any()
    limit = np.sqrt(6 / (300 + 200))
    assert np.abs(layer.kernel).max() <= limit
    assert np.abs(layer.kernel).max() > 0.95 * limit
    assert np.std(layer.kernel) == pytest.approx(limit / np.sqrt(3), rel=0.02)


def test_frozen_layer_is_not_updated():
    x, y = blobs(n=64)
    model = classifier()
    model.compile("adam", "sparse_categorical_crossentropy")
    model.build((None, 4))
    model.layers[0].trainable = False
    frozen = model.layers[0].get_weights()
    model.fit(x, y, epochs=2, verbose=0)
    for a, b in zip(frozen, model.layers[0].get_weights()):
        np.testing.assert_array_equal(a, b)
    assert model.n_trainable == 16 * 3 + 3


def test_summary_matches_keras_layout():
    keras.clear_session()
    model = keras.Sequential([keras.Input(shape=(28, 28)), layers.Flatten(),
                              layers.Dense(128, activation="relu"), layers.Dense(10)])
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert lines[0] == 'Model: "sequential"'
    assert "Layer (type)" in lines[2] and "Output Shape" in lines[2] and "Param #" in lines[2]
    assert "flatten (Flatten)" in text and "(None, 784)" in text
    assert "dense (Dense)" in text and "100,480" in text and "dense_1 (Dense)" in text
    assert " Total params: 101,770 (397.54 KB)" in lines
    assert " Non-trainable params: 0 (0.00 B)" in lines


def test_callbacks_see_keras_hooks_and_can_stop_training():
    events = []

    class Recorder(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            events.append("train_begin")

        def on_epoch_begin(self, epoch, logs=None):
            events.append(f"epoch_begin {epoch}")

        def on_train_batch_end(self, batch, logs=None):
            events.append("batch")

        def on_epoch_end(self, epoch, logs=None):
            events.append(f"epoch_end {epoch} {sorted(logs)}")
            if epoch == 1:
                self.model.stop_training = True

        def on_train_end(self, logs=None):
            events.append("train_end")

    x, y = blobs(n=64)
    model = classifier()
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["acc"])
    history = model.fit(x, y, epochs=10, batch_size=32, callbacks=[Recorder()], verbose=0)
    assert events == ["train_begin", "epoch_begin 0", "batch", "batch",
                      "epoch_end 0 ['acc', 'loss']", "epoch_begin 1", "batch", "batch",
                      "epoch_end 1 ['acc', 'loss']", "train_end"]
    assert len(history.history["loss"]) == 2


def test_initial_epoch_and_validation_data():
    x, y = blobs(n=64)
    model = classifier()
    model.compile("sgd", "sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=5, initial_epoch=3, validation_data=(x[:10], y[:10]),
                        verbose=0)
    assert history.epoch == [3, 4] and len(history.history["val_loss"]) == 2


def test_validation_split_takes_the_last_samples():
    x, y = blobs(n=100)
    model = classifier()
    model.compile("sgd", "sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=1, validation_split=0.25, shuffle=False, verbose=0,
                        batch_size=100)
    expected = model.evaluate(x[75:], y[75:], verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(expected, rel=1e-6)
    assert model.optimizer.iterations == 1


def test_sequential_add_pop_and_config_roundtrip():
    model = keras.Sequential(name="jar")
    model.add(layers.Dense(8, activation="relu", input_shape=(5,)))
    model.add(layers.Dense(3))
    model.add(layers.Dropout(0.2))
    assert isinstance(model.pop(), layers.Dropout)
    clone = keras.Sequential.from_config(model.get_config())
    assert [type(l) for l in clone.layers] == [layers.Dense, layers.Dense]
    assert clone.get_config() == model.get_config()
    assert clone.input_shape == (None, 5)


def test_history_records_what_callbacks_add_to_the_logs():
    """As in Keras, History runs after the user's callbacks (e.g. the learning rate)."""
    x, y = blobs(n=64)
    model = classifier()
    model.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
    scheduler = keras.callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
    history = model.fit(x, y, epochs=3, callbacks=[scheduler], verbose=0)
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.1 / 3])


@pytest.mark.parametrize("make, shape", [(lambda: layers.Dense(3), (2, 4)),
                                         (lambda: layers.Conv2D(2, 3), (1, 5, 5, 1)),
                                         (lambda: layers.BatchNormalization(), (2, 4))])
def test_a_layer_built_by_hand_keeps_the_weights_set_on_it(make, shape):
    layer = make()
    layer.build(shape)
    assert layer.built  # as Keras: build() marks the layer built
    weights = [np.full_like(w, 0.5) for w in layer.get_weights()]
    layer.set_weights(weights)
    layer(np.ones(shape, np.float32))  # runs on those weights, no second build
    for got, expected in zip(layer.get_weights(), weights):
        np.testing.assert_array_equal(got, expected)
    model = keras.Sequential([keras.Input(shape[1:]), layer])
    for got, expected in zip(model.get_weights(), weights):
        np.testing.assert_array_equal(got, expected)
