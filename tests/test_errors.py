"""Bad input gets a clear error that says what to do, never a NumPy traceback from deep inside."""
import warnings

import numpy as np
import pytest

import numpynn as keras
from numpynn import layers
from numpynn.models import data


def mnist_like_model(loss="categorical_crossentropy"):
    model = keras.Sequential([keras.Input(shape=(28, 28)), layers.Flatten(),
                              layers.Dense(16, activation="relu"),
                              layers.Dense(10, activation="softmax")])
    model.compile("adam", loss, metrics=["accuracy"])
    return model


def images(n=8):
    return np.random.default_rng(0).random((n, 28, 28))


def test_wrong_input_shape_says_what_is_expected_and_how_to_reshape():
    model = mnist_like_model()
    with pytest.raises(ValueError, match=r"expects samples of shape \(28, 28\).*x.reshape\(-1, 28, 28\)"):
        model.fit(images().reshape(8, 784), keras.utils.to_categorical(np.arange(8), 10), verbose=0)
    with pytest.raises(ValueError, match="expects samples of shape"):
        model.predict(np.zeros((2, 5)), verbose=0)


def test_nan_and_inf_in_data_are_reported_with_their_position():
    model = mnist_like_model()
    x = images()
    x[3, 4, 5] = np.nan
    with pytest.raises(ValueError, match=r"x contains NaN or infinite values in 1 of 8 samples \(first at index 3\)"):
        model.fit(x, keras.utils.to_categorical(np.arange(8), 10), verbose=0)
    y = keras.utils.to_categorical(np.arange(8), 10)
    y[0, 0] = np.inf
    with pytest.raises(ValueError, match="y contains NaN or infinite"):
        model.fit(images(), y, verbose=0)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_the_row_sum_screen_finds_every_bad_value_and_passes_huge_finite_ones(dtype):
    """``fit`` screens its data by row sums (one matrix-vector product); rows of finite values
    that add up past the largest float must still pass, and every NaN or inf be caught."""
    big = np.finfo(dtype).max
    base = np.random.default_rng(1).random((7, 4, 5)).astype(dtype)
    layouts = {"2-D": lambda a: a.reshape(7, 20), "3-D": lambda a: a,
               "3-D strided": lambda a: a.transpose(0, 2, 1),
               "2-D Fortran": lambda a: np.asfortranarray(a.reshape(7, 20)),
               "1-D": lambda a: a.reshape(-1)}
    for layout, arrange in layouts.items():
        for bad in [(), (np.nan,), (np.inf,), (-np.inf,), (np.inf, -np.inf), (big, big)]:
            x = arrange(base.copy())
            for position, value in zip([41, 42], bad):  # in one row of 20 values
                x[np.unravel_index(position, x.shape)] = value
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # no overflow warnings for the user
                assert data._all_finite(x) == bool(np.isfinite(x).all()), (layout, bad)
    assert data._all_finite(np.empty((0, 3), dtype))


def test_integer_labels_with_categorical_crossentropy_suggest_both_fixes():
    model = mnist_like_model()
    with pytest.raises(ValueError) as error:
        model.fit(images(), np.arange(8), verbose=0)
    message = str(error.value)
    assert "one-hot labels of shape (n, 10)" in message
    assert "sparse_categorical_crossentropy" in message and "to_categorical(y, 10)" in message


def test_one_hot_labels_with_sparse_loss_and_out_of_range_labels():
    model = mnist_like_model("sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="expects integer labels of shape \\(n,\\).*categorical_crossentropy"):
        model.fit(images(), keras.utils.to_categorical(np.arange(8), 10), verbose=0)
    with pytest.raises(ValueError, match=r"integer labels in \[0, 10\).*from 5 to 12"):
        model.fit(images(), np.arange(8) + 5, verbose=0)
    with pytest.raises(ValueError, match="targets in \\[0, 1\\]"):
        binary = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1, activation="sigmoid")])
        binary.compile("sgd", "binary_crossentropy")
        binary.fit(np.zeros((4, 3)), np.array([0, 1, 2, 1]), verbose=0)


def test_mismatched_lengths():
    model = mnist_like_model()
    with pytest.raises(ValueError, match="same number of samples, got 8 inputs and 7 targets"):
        model.fit(images(), keras.utils.to_categorical(np.arange(7), 10), verbose=0)


@pytest.mark.parametrize("make, match", [
    (lambda: layers.Dense(10, activation="rleu"), "Unknown activation 'rleu'. Did you mean 'relu'"),
    (lambda: keras.optimizers.get("adm"), "Unknown optimizer 'adm'. Did you mean 'adam'"),
    (lambda: keras.losses.get("categorical_crossentropi"),
     "Did you mean 'categorical_crossentropy'"),
    (lambda: layers.Dense(3, kernel_initializer="glorot_unifrom"), "Did you mean 'glorot_uniform'"),
    (lambda: keras.metrics.get("acuracy"), "Unknown metric 'acuracy'"),
])
def test_unknown_names_suggest_close_matches(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_unknown_name_error_names_both_fixes():
    with pytest.raises(ValueError, match=r"@numpynn.register\(\).*custom_objects="):
        keras.layers.deserialize({"class_name": "MyLayer", "config": {}})


def test_unsupported_or_invalid_arguments():
    with pytest.raises(ValueError, match="Dense units must be a positive integer"):
        layers.Dense(0)
    with pytest.raises(ValueError, match=r"Dropout rate must be in \[0, 1\)"):
        layers.Dropout(1.0)
    with pytest.raises(TypeError, match="unexpected argument"):
        layers.Dense(3, activaton="relu")
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        model = mnist_like_model("sparse_categorical_crossentropy")
        model.fit(images(), np.arange(8), batch_size=0, verbose=0)
    with pytest.raises(RuntimeError, match=r"Call model.compile"):
        keras.Sequential([keras.Input(shape=(2,)), layers.Dense(1)]).fit(np.zeros((2, 2)),
                                                                         np.zeros(2))
    with pytest.raises(ValueError, match="must be numeric"):
        mnist_like_model().fit(np.array([["a"] * 3]), np.zeros((1, 10)), verbose=0)
    with pytest.raises(TypeError, match="needs its derivative"):
        layers.Dense(3, activation=np.tanh)


def test_unbuilt_summary_explains_how_to_build():
    model = keras.Sequential([layers.Dense(3)])
    with pytest.raises(ValueError, match="not built yet"):
        model.summary()


def test_suspicious_pairings_warn():
    with pytest.warns(UserWarning, match="binary_crossentropy on a 10-unit softmax"):
        mnist_like_model("binary_crossentropy")
    with pytest.warns(UserWarning, match="softmax over a single unit"):
        model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1, activation="softmax")])
        model.compile("adam", "binary_crossentropy")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mnist_like_model()
