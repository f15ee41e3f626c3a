"""Argument checks that a damaged model file reaches through the config of a convolutional
model: each bad value gets a clear ValueError or TypeError from numpynn, and the weight
allowance refuses weights before allocating them."""
import numpy as np
import pytest

import numpynn as keras
from numpynn import layers, losses, registry
from numpynn.layers.base import WeightAllowanceError, weight_allowance


@pytest.mark.parametrize("make, error, message", [
    (lambda: layers.Conv2D("4", 3), ValueError, "`filters` must be a positive integer"),
    (lambda: layers.Conv2D(None, 3), ValueError, "`filters` must be a positive integer"),
    (lambda: layers.Conv2D(float("inf"), 3), ValueError, "`filters` must be"),
    (lambda: layers.Conv2D(4, 2.5), ValueError, "`kernel_size` must be"),
    (lambda: layers.Conv2D(4, None), ValueError, "`kernel_size` must be"),
    (lambda: layers.Conv2D(4, (True, 3)), ValueError, "`kernel_size` must be"),
    (lambda: layers.Conv1D(4, 3, strides="2"), ValueError, "`strides` must be"),
    (lambda: layers.Conv2DTranspose([4], 3), ValueError, "`filters` must be"),
    (lambda: layers.SeparableConv2D({}, 3), ValueError, "`filters` must be"),
    (lambda: layers.DepthwiseConv2D(3, depth_multiplier="2"), ValueError, "`depth_multiplier`"),
    (lambda: layers.Dense("3"), ValueError, "Dense units must be a positive integer"),
    (lambda: layers.Dense(None), ValueError, "Dense units must be a positive integer"),
    (lambda: layers.BatchNormalization(momentum="high"), ValueError, "momentum must be a number"),
    (lambda: layers.BatchNormalization(epsilon=None), ValueError, "epsilon must be a positive"),
    (lambda: layers.BatchNormalization(axis="1"), TypeError, "axis must be an integer"),
    (lambda: layers.Dropout("0.5"), ValueError, r"Dropout rate must be in \[0, 1\)"),
    (lambda: layers.Dropout(0.5, noise_shape=3), ValueError, "noise_shape must be None or"),
    (lambda: layers.Dropout(0.5, noise_shape=(None, -1)), ValueError, "noise_shape must be"),
    (lambda: layers.Dropout(0.5, seed=-1), ValueError, "seed must be None or an integer >= 0"),
    (lambda: layers.SpatialDropout2D(0.5, seed=2.5), ValueError, "seed must be None or"),
    (lambda: layers.ReLU(negative_slope="0.1"), ValueError, "negative_slope must be a number"),
    (lambda: layers.ReLU(max_value=[6]), ValueError, "max_value must be >= 0 or None"),
    (lambda: layers.Dense(3, dtype="int32"), ValueError, "dtype must be a floating-point type"),
    (lambda: layers.Conv2D(3, 3, dtype="banana"), ValueError, "dtype must be a floating-point"),
    (lambda: keras.Input(shape=(17.5, 3)), ValueError, "input shape is a tuple of integers"),
    (lambda: keras.Input(shape="28"), ValueError, "input shape is a tuple of integers"),
    (lambda: keras.Input(shape=(-1, 3)), ValueError, "input shape is a tuple of integers"),
    (lambda: losses.SparseCategoricalCrossentropy(ignore_class="0"), ValueError,
     "ignore_class must be None or an integer"),
    (lambda: layers.deserialize({"class_name": "Dense", "config": [3]}), ValueError,
     "Cannot build a layer"),
    (lambda: layers.deserialize({"class_name": ["Dense"], "config": {}}), ValueError,
     "Unknown layer"),
    (lambda: keras.Sequential.from_config({"layers": None}), ValueError,
     "holds its layers as a list"),
])
def test_bad_argument(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_values_that_stay_accepted():
    assert layers.Conv2D(4.0, 3).filters == 4
    assert layers.Dropout(0.5, seed=3.0).get_config()["seed"] == 3
    assert layers.Dropout(0.5, noise_shape=[None, 1.0]).noise_shape == (None, 1)
    assert keras.Input(shape=np.int64(5)).shape == (None, 5)
    assert keras.Input(shape=(None, np.int32(3))).shape == (None, None, 3)
    assert layers.Dense(2, dtype=np.float64).dtype == "float64"
    assert layers.Flatten().compute_output_shape((None, 10**10, 10**10)) == (None, 10**20)
    with pytest.raises(registry.UnknownObjectError):
        registry.lookup(["adam"], "optimizer", {})


def test_weight_allowance_refuses_before_allocating():
    layer = layers.Dense(4, name="small")  # kernel (3, 4) and bias (4,): 64 bytes in float32
    with weight_allowance(63, "the test's budget"):
        with pytest.raises(WeightAllowanceError, match=(
                r"Layer 'small': weight 'bias' of shape \(4,\) needs 16 bytes, more than the 15 "
                "bytes left of the test's budget")):
            layer.build_for((None, 3))
    with weight_allowance(64, "the test's budget"):
        layers.Dense(4).build_for((None, 3))
    layers.Dense(10**4).build_for((None, 10))  # no limit outside the block
