"""Convolution layers against Keras 3: same weights (copied with set_weights), same outputs,
output shapes and parameter counts."""
import numpy as np
import pytest

import numpynn
from tests import references

CASES = [
    ("Conv2D", dict(filters=4, kernel_size=3), (2, 7, 9, 3)),
    ("Conv2D", dict(filters=4, kernel_size=3, strides=2, padding="same", activation="relu"),
     (2, 7, 9, 3)),
    ("Conv2D", dict(filters=5, kernel_size=(2, 3), strides=(2, 1), padding="same"),
     (2, 8, 9, 3)),
    ("Conv2D", dict(filters=4, kernel_size=(3, 1), dilation_rate=2, padding="same"),
     (2, 7, 9, 3)),
    ("Conv2D", dict(filters=6, kernel_size=1, use_bias=False), (2, 5, 4, 3)),
    ("Conv1D", dict(filters=4, kernel_size=3), (2, 9, 3)),
    ("Conv1D", dict(filters=4, kernel_size=3, padding="causal", dilation_rate=2), (2, 9, 3)),
    ("Conv1D", dict(filters=4, kernel_size=4, strides=3, padding="same", activation="tanh"),
     (2, 10, 3)),
    ("DepthwiseConv2D", dict(kernel_size=3), (2, 7, 9, 3)),
    ("DepthwiseConv2D", dict(kernel_size=3, depth_multiplier=2, padding="same", strides=2),
     (2, 7, 9, 3)),
    ("DepthwiseConv2D", dict(kernel_size=(2, 3), dilation_rate=2), (2, 7, 9, 3)),
    ("SeparableConv2D", dict(filters=5, kernel_size=(3, 2), depth_multiplier=2,
                             padding="same"), (2, 7, 9, 3)),
    ("SeparableConv2D", dict(filters=4, kernel_size=3, strides=2, activation="relu"),
     (2, 7, 9, 3)),
    ("Conv2DTranspose", dict(filters=4, kernel_size=3), (2, 5, 6, 3)),
    ("Conv2DTranspose", dict(filters=4, kernel_size=3, strides=2, padding="same"),
     (2, 5, 6, 3)),
    ("Conv2DTranspose", dict(filters=4, kernel_size=3, strides=2, output_padding=1),
     (2, 5, 6, 3)),
    ("Conv2DTranspose", dict(filters=4, kernel_size=(2, 3), strides=2, padding="same",
                             output_padding=(1, 0)), (2, 5, 6, 3)),
    ("Conv2DTranspose", dict(filters=4, kernel_size=4, strides=3, padding="same",
                             output_padding=2), (2, 5, 6, 3)),
    ("Conv2DTranspose", dict(filters=4, kernel_size=2, strides=3), (2, 5, 6, 3)),
    ("Conv2DTranspose", dict(filters=4, kernel_size=3, dilation_rate=2, padding="same"),
     (2, 5, 6, 3)),
]


def _case_id(case):
    name, kwargs, _ = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items())


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_forward_matches_keras(case):
    keras = references.keras()
    name, kwargs, shape = case
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype("float32")
    theirs = getattr(keras.layers, name)(**kwargs)
    theirs(x)  # builds
    # a non-zero bias, so that it is checked too
    weights = [w if w.ndim > 1 else rng.standard_normal(w.shape).astype("float32")
               for w in theirs.get_weights()]
    theirs.set_weights(weights)
    ours = getattr(numpynn.layers, name)(**kwargs)
    ours(x)
    ours.set_weights(weights)
    expected = np.asarray(theirs(x))
    got = ours(x)
    assert got.dtype == np.float32 and got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    batchless = (None,) + shape[1:]
    assert ours.compute_output_shape(batchless) == tuple(theirs.compute_output_shape(batchless))
    assert ours.count_params() == theirs.count_params()
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in weights]


def test_convnet_takes_keras_weights_and_predicts_the_same():
    keras = references.keras()

    def stack(lib):
        return [lib.Input(shape=(12, 12, 2)),
                lib.layers.Conv2D(6, 3, activation="relu"),
                lib.layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same"),
                lib.layers.SeparableConv2D(5, 3, strides=2, activation="tanh"),
                lib.layers.Conv2DTranspose(3, 3, strides=2, padding="same"),
                lib.layers.Flatten(),
                lib.layers.Dense(4, activation="softmax")]

    theirs = keras.Sequential(stack(keras))
    ours = numpynn.Sequential(stack(numpynn))
    ours.build((None, 12, 12, 2))
    ours.set_weights(theirs.get_weights())
    x = np.random.default_rng(1).standard_normal((3, 12, 12, 2)).astype("float32")
    np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)
    assert ours.count_params() == theirs.count_params()
    for mine, keras_layer in zip(ours.layers, theirs.layers):
        assert mine.output_shape == tuple(keras_layer.output.shape)
        assert mine.count_params() == keras_layer.count_params()
