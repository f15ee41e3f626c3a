"""The training hot path: reused buffers, in-place activations, fused sparse cross-entropy.

Speed itself is measured by ``benchmarks/run.py``; these tests check that the fast paths
compute exactly what the plain ones do.
"""
import numpy as np
import pytest

import numpynn as keras
from numpynn import activations, layers, losses


def mlp(activation="relu", output="softmax", classes=3):
    return keras.Sequential([keras.Input(shape=(5,)),
                             layers.Dense(7, activation=activation),
                             layers.Dense(6, activation=activation),
                             layers.Dense(classes, activation=output)])


def data(n=10, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 5)).astype(np.float32), rng.integers(0, classes, n)


@pytest.mark.parametrize("activation, output, loss", [
    ("relu", "softmax", "sparse_categorical_crossentropy"),
    ("sigmoid", "softmax", "sparse_categorical_crossentropy"),
    ("tanh", "sigmoid", "binary_crossentropy"),
    ("swish", "linear", "mse"),
])
def test_fit_with_reused_buffers_equals_plain_train_steps(activation, output, loss):
    """fit (buffers reused, batches of 4 then a last batch of 2) takes the same steps as
    calling train_step on freshly allocated arrays."""
    classes = 1 if output in ("sigmoid", "linear") else 3
    x, y = data(classes=max(classes, 2))
    y = y.astype(np.float32) if classes == 1 else y
    keras.utils.set_random_seed(0)
    fast, plain = mlp(activation, output, classes), mlp(activation, output, classes)
    for model in (fast, plain):
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss)
        model.build((None, 5))
    plain.set_weights(fast.get_weights())
    fast.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    plain._prepare(x, y)
    for _ in range(2):
        for start in range(0, len(x), 4):
            plain.train_step(x[start:start + 4], y[start:start + 4])
    for a, b in zip(fast.get_weights(), plain.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_outputs_given_to_the_user_are_never_overwritten():
    x, y = data()
    model = mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)
    first = model(x)
    kept = first.copy()
    second = model(x * 2)
    predicted = model.predict(x, batch_size=3, verbose=0)
    model.fit(x, y, epochs=1, verbose=0)
    assert not np.shares_memory(first, second)
    np.testing.assert_array_equal(first, kept)
    assert predicted.shape == (10, 3) and not np.shares_memory(predicted, first)


def test_batch_logs_reach_callbacks_that_ask_for_them():
    x, y = data()
    seen = []
    model = mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, batch_size=4, epochs=1, verbose=0, callbacks=[keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: seen.append(dict(logs)))])
    assert len(seen) == 3 and all(set(logs) == {"loss", "accuracy"} for logs in seen)


@pytest.mark.parametrize("name", ["linear", "relu", "sigmoid", "tanh", "softmax", "elu",
                                  "leaky_relu", "swish", "gelu"])
def test_forward_inplace_equals_forward(name):
    activation = activations.get(name)
    x = np.random.default_rng(1).normal(size=(4, 6)).astype(np.float32)
    expected = activation.forward(x.copy())
    z = x.copy()
    y = activation.forward_inplace(z)
    np.testing.assert_allclose(y, expected, rtol=1e-6)
    if activation.needs_input:  # its backward needs x: x must survive
        np.testing.assert_array_equal(z, x)


@pytest.mark.parametrize("layout", ["C", "F", "strided", "large C", "large F", "float64"])
def test_relu_equals_the_formula_in_every_layout(layout):
    """Small arrays in one block (C or Fortran order) are compared flat with kept zeros;
    strided and large ones against a row of zeros. Same values either way, NaN kept."""
    rows = activations.SMALL_RELU // 64 + 1 if layout.startswith("large") else 32
    dtype = np.float64 if layout == "float64" else np.float32
    x = np.random.default_rng(5).normal(size=(rows, 128)).astype(dtype)
    x[1, 2] = np.nan
    z = {"F": np.asfortranarray(x), "large F": np.asfortranarray(x),
         "strided": x.copy()[:, ::2]}.get(layout, x.copy())

    def formula(a):
        return np.where((a > 0) | np.isnan(a), a, 0.0)
    expected = formula(z)
    y = activations.relu.forward_inplace(z)
    assert y is z
    np.testing.assert_array_equal(y, expected)
    np.testing.assert_array_equal(activations.relu.forward(x), formula(x))


@pytest.mark.parametrize("columns", [1, 10, activations.FEW_COLUMNS,
                                     activations.FEW_COLUMNS + 1])
@pytest.mark.parametrize("transposed_view", [False, True])
def test_softmax_of_few_columns_equals_the_formula(columns, transposed_view):
    """Up to FEW_COLUMNS columns softmax reduces a transposed copy (or, for a transposed
    view as Dense returns for small batches, the contiguous array itself)."""
    rng = np.random.default_rng(4)
    x = rng.normal(scale=30.0, size=(37, columns))
    e = np.exp(x - x.max(axis=1, keepdims=True))
    expected = e / e.sum(axis=1, keepdims=True)
    grad = rng.normal(size=x.shape)
    expected_grad = expected * (grad - (grad * expected).sum(axis=1, keepdims=True))
    z = x.T.copy().T if transposed_view else x.copy()
    assert z.T.flags.c_contiguous if transposed_view else z.flags.c_contiguous
    y = activations.softmax.forward_inplace(z)
    np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(activations.softmax.forward(x), expected, rtol=1e-12,
                               atol=1e-300)
    np.testing.assert_allclose(activations.softmax.backward(grad.copy(), x, y), expected_grad,
                               rtol=1e-10, atol=1e-12)
    assert np.isnan(activations.softmax.forward(np.where(x > 1, np.nan, x))).sum() > 0


@pytest.mark.parametrize("shape", [(6, 4), (2, 3, 4)])
def test_sparse_fused_gradient_equals_one_hot_form(shape):
    rng = np.random.default_rng(2)
    p = activations.softmax(rng.normal(size=shape))
    labels = rng.integers(0, shape[-1], shape[:-1])
    one_hot = np.eye(shape[-1])[labels]
    np.testing.assert_allclose(
        losses.SparseCategoricalCrossentropy().logits_gradient(labels, p),
        losses.CategoricalCrossentropy().logits_gradient(one_hot, p), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("batch", [1, 16, 32, 128])
def test_dense_transposed_products_equal_the_plain_ones(monkeypatch, batch):
    """Small batches are multiplied as (units, batch) arrays; the numbers must not change."""
    from numpynn.layers import dense
    rng = np.random.default_rng(0)
    x, grad = rng.standard_normal((batch, 6)), rng.standard_normal((batch, 4))
    results = []
    for limit in (dense.TRANSPOSED_MAX_BATCH, 0):
        monkeypatch.setattr(dense, "TRANSPOSED_MAX_BATCH", limit)
        keras.utils.set_random_seed(3)
        layer = layers.Dense(4, activation="tanh", dtype="float64")
        layer.input_grad_needed = True
        y = layer(x).copy()
        grad_x = layer.backward(grad.copy()).copy()
        results.append((y, grad_x, layer.grads["kernel"].copy(), layer.grads["bias"].copy()))
    for transposed, plain in zip(*results):
        np.testing.assert_allclose(transposed, plain, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(results[0][0], np.tanh(x @ layer.kernel + layer.bias), rtol=1e-12)


def test_predict_passes_nan_inputs_through_while_fit_rejects_them():
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((4, 3), dtype="float32")
    x[1, 0] = np.nan
    out = model.predict(x, verbose=0)
    assert np.isnan(out[1]).all() and np.isfinite(out[[0, 2, 3]]).all()
    with pytest.raises(ValueError, match="NaN or infinite"):
        model.fit(x, np.zeros((4, 2)), verbose=0)
