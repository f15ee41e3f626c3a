"""Small convolutional models written once for both libraries, shared by the CNN model tests.

Each builder takes the library (``numpynn`` or ``keras``) and returns an uncompiled
``Sequential``; ``CASES`` pairs it with the loss it trains with.
"""
import numpy as np

from benchmarks.workloads import FASHION_CNN


def conv_bn_gap(lib):
    layers = lib.layers
    return lib.Sequential([
        lib.Input(shape=(28, 28, 1)),
        layers.Conv2D(8, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(16, 3, padding="same", strides=2),
        layers.BatchNormalization(),
        layers.ReLU(),
        layers.GlobalAveragePooling2D(),
        layers.Dense(10, activation="softmax")])


def separable_bn_transpose(lib):
    layers = lib.layers
    return lib.Sequential([
        lib.Input(shape=(17, 15, 3)),
        layers.ZeroPadding2D(),
        layers.SeparableConv2D(8, 3),
        layers.BatchNormalization(),
        layers.AveragePooling2D(3, strides=2, padding="same"),
        layers.DepthwiseConv2D(3, depth_multiplier=2),
        layers.Conv2DTranspose(4, 3, strides=2),
        layers.Flatten(),
        layers.Dense(3, activation="softmax")])


def benchmark_convnet(lib):
    """The benchmarks' Fashion-MNIST convnet, with its Dropout(0.5)."""
    return FASHION_CNN.keras_model(lib)


def conv1d_dilated(lib):
    layers = lib.layers
    return lib.Sequential([
        lib.Input(shape=(20, 4)),
        layers.Conv1D(6, 3, dilation_rate=2),
        layers.MaxPooling1D(),
        layers.GlobalMaxPooling1D(),
        layers.Dense(3, activation="softmax")])


def reshape_spatial_dropout(lib):
    layers = lib.layers
    return lib.Sequential([
        lib.Input(shape=(48,)),
        layers.Reshape((4, 6, 2)),
        layers.Conv2D(6, (2, 3), padding="same", dilation_rate=(1, 2), activation="tanh"),
        layers.SpatialDropout2D(0.3),
        layers.MaxPooling2D((2, 3), strides=(1, 2), padding="same"),
        layers.BatchNormalization(momentum=0.9, epsilon=1e-5),
        layers.GlobalMaxPooling2D(),
        layers.Dense(2, activation="sigmoid")])


def conv1d_causal(lib):
    layers = lib.layers
    return lib.Sequential([
        lib.Input(shape=(24, 3)),
        layers.Conv1D(5, 4, strides=2, padding="same", activation="relu"),
        layers.AveragePooling1D(2, padding="same"),
        layers.Conv1D(4, 3, padding="causal", dilation_rate=2),
        layers.GlobalAveragePooling1D(),
        layers.Dense(1)])


#: name -> (builder, loss)
CASES = {
    "conv_bn_gap": (conv_bn_gap, "categorical_crossentropy"),
    "separable_bn_transpose": (separable_bn_transpose, "sparse_categorical_crossentropy"),
    "benchmark_convnet": (benchmark_convnet, "categorical_crossentropy"),
    "conv1d_dilated": (conv1d_dilated, "mean_squared_error"),
    "reshape_spatial_dropout": (reshape_spatial_dropout, "binary_crossentropy"),
    "conv1d_causal": (conv1d_causal, "mean_squared_error"),
}


def make_data(model, loss, n=16, seed=0):
    """Random float32 inputs for ``model`` and targets that suit ``loss``."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n,) + tuple(model.input_shape[1:])).astype("float32")
    units = model.output_shape[-1]
    if loss == "sparse_categorical_crossentropy":
        return x, rng.integers(0, units, size=n)
    if loss == "categorical_crossentropy":
        return x, np.eye(units, dtype="float32")[rng.integers(0, units, size=n)]
    if loss == "binary_crossentropy":
        return x, rng.integers(0, 2, size=(n, units)).astype("float32")
    return x, rng.normal(size=(n, units)).astype("float32")
