"""Numerical gradient checks in float64: declare a case once, get its check for free."""
import numpy as np
import pytest

import numpynn as keras
from numpynn import activations, layers, losses
from numpynn.layers import dense
from numpynn.utils import gradient_check

# (layer factory, input shape). Inputs are standard normal: kinks (ReLU at 0, maxout ties)
# are hit with probability ~0 at a finite-difference step of 1e-6.
LAYER_CASES = {
    "dense_linear": (lambda: layers.Dense(4), (5, 3)),
    "dense_no_bias": (lambda: layers.Dense(4, use_bias=False), (5, 3)),
    "dense_3d_input": (lambda: layers.Dense(2, activation="tanh"), (3, 4, 5)),
    # above dense.TRANSPOSED_MAX_BATCH rows: the products are formed (batch, units)
    "dense_large_batch": (lambda: layers.Dense(3, activation="tanh"),
                          (dense.TRANSPOSED_MAX_BATCH + 8, 3)),
    "flatten": (lambda: layers.Flatten(), (4, 3, 2)),
    "activation_sigmoid": (lambda: layers.Activation("sigmoid"), (4, 6)),
    "relu": (lambda: layers.ReLU(), (4, 6)),
    "relu_options": (lambda: layers.ReLU(max_value=0.8, negative_slope=0.1, threshold=0.2), (6, 6)),
    "leaky_relu": (lambda: layers.LeakyReLU(), (4, 6)),
    "elu": (lambda: layers.ELU(alpha=0.7), (4, 6)),
    "softmax": (lambda: layers.Softmax(), (4, 6)),
    "dropout": (lambda: layers.Dropout(0.4), (8, 5)),
    "dropout_seeded": (lambda: layers.Dropout(0.5, seed=3), (8, 5)),
    "maxout": (lambda: layers.Maxout(3, pieces=4), (5, 4)),
    "prelu": (lambda: layers.PReLU(alpha_initializer="random_normal"), (4, 6)),
    "prelu_shared_axes": (lambda: layers.PReLU(alpha_initializer="random_normal",
                                               shared_axes=[1]), (4, 3, 5)),
    "thresholded_relu": (lambda: layers.ThresholdedReLU(theta=0.3), (4, 6)),
    "activation_glu": (lambda: layers.Activation("glu"), (4, 6)),
    # over an axis other than the last (in a Dense, the batch axis would make the bias's
    # gradient exactly 0)
    "activation_softmax_axis_1": (lambda: layers.Activation(activations.Softmax(1)), (2, 4, 3)),
    "activation_log_softmax_axis_1": (lambda: layers.Activation(activations.LogSoftmax(1)),
                                      (2, 4, 3)),
    "activation_sparsemax_axis_1": (lambda: layers.Activation(activations.Sparsemax(1)),
                                    (2, 4, 3)),
    "activation_glu_axis_1": (lambda: layers.Activation(activations.GLU(1)), (2, 4, 3)),
    # image preprocessing, checked while training (their random choices fixed by the seed);
    # inputs of about 0-255 (the brightness and contrast layers clip to that range)
    "rescaling": (lambda: layers.Rescaling([0.5, -2.0, 3.0], offset=1.0), (2, 3, 4, 3)),
    "resizing_bilinear": (lambda: layers.Resizing(5, 3), (2, 4, 6, 2)),
    "resizing_bicubic_crop": (lambda: layers.Resizing(3, 3, "bicubic", crop_to_aspect_ratio=True),
                              (2, 4, 6, 1)),
    "resizing_area_pad": (lambda: layers.Resizing(2, 4, "area", pad_to_aspect_ratio=True),
                          (2, 5, 4, 1)),
    "center_crop": (lambda: layers.CenterCrop(3, 2), (2, 5, 5, 2)),
    "center_crop_upscaled": (lambda: layers.CenterCrop(6, 4), (2, 4, 4, 1)),
    "random_crop": (lambda: layers.RandomCrop(3, 4, seed=1), (3, 5, 6, 2)),
    "random_flip": (lambda: layers.RandomFlip("horizontal", seed=2), (6, 3, 4, 2)),
    "random_flip_both": (lambda: layers.RandomFlip(seed=3), (6, 3, 4, 1)),
    "random_rotation_reflect": (lambda: layers.RandomRotation(0.2, seed=4), (2, 5, 6, 2)),
    "random_rotation_constant_nearest": (lambda: layers.RandomRotation(
        0.3, "constant", "nearest", seed=5, fill_value=0.5), (2, 5, 5, 1)),
    "random_zoom_wrap": (lambda: layers.RandomZoom(0.3, (-0.2, 0.4), "wrap", seed=6),
                         (2, 6, 5, 1)),
    "random_translation_nearest": (lambda: layers.RandomTranslation(
        0.3, 0.3, "nearest", seed=7), (2, 5, 6, 2)),
    "random_contrast": (lambda: layers.RandomContrast(0.4, value_range=(-50, 50), seed=8),
                        (3, 4, 5, 2)),
    "random_brightness": (lambda: layers.RandomBrightness(0.1, value_range=(-2, 2), seed=9),
                          (3, 4, 5, 2)),
    "grayscale": (lambda: layers.Grayscale(), (2, 3, 4, 3)),
    "grayscale_3_channels": (lambda: layers.Grayscale(3), (2, 3, 4, 3)),
}
# every activation by name (all of Keras'), and the ones with arguments configured
ACTIVATIONS = sorted(n for n in activations.ALL
                     if n.islower() and n not in activations.NEEDS_ARGUMENTS)
CONFIGURED_ACTIVATIONS = {
    "relu_all_options": activations.ReLU(negative_slope=0.1, max_value=1.0, threshold=0.3),
    "relu_negative_threshold": activations.ReLU(threshold=-0.4, max_value=0.9),
    "leaky_relu_0.5": activations.LeakyReLU(0.5), "elu_0.4": activations.ELU(0.4),
    "celu_2": activations.CELU(2.0), "squareplus_1": activations.Squareplus(1.0),
    "hard_shrink_0.3": activations.HardShrink(0.3), "soft_shrink_0.3": activations.SoftShrink(0.3),
    "threshold": activations.Threshold(0.2, -0.7),
}


@pytest.mark.parametrize("case", sorted(LAYER_CASES))
def test_layer_gradients(case):
    factory, shape = LAYER_CASES[case]
    x = np.random.default_rng(1).standard_normal(shape)
    result = gradient_check(factory(), x)
    assert result.passed, repr(result)
    assert "input" in result.errors


@pytest.mark.parametrize("name", ACTIVATIONS + sorted(CONFIGURED_ACTIVATIONS))
def test_activation_gradients_inside_dense(name):
    keras.utils.set_random_seed(2)  # the kernel's initial values
    x = np.random.default_rng(2).standard_normal((5, 4))
    activation = CONFIGURED_ACTIVATIONS.get(name, name)
    result = gradient_check(layers.Dense(4, activation=activation), x)
    assert result.passed, repr(result)
    assert set(result.errors) >= {"input", f"{result_layer_name(result)}/kernel"}


def result_layer_name(result):
    return next(k for k in result.errors if k != "input").split("/")[0]


def test_gelu_approximate_gradient():
    x = np.random.default_rng(3).standard_normal((4, 5))
    layer = layers.Activation(activations.GELU(approximate=True))
    assert gradient_check(layer, x).passed


@pytest.mark.parametrize("name", [a for a in ACTIVATIONS if not isinstance(
    activations.get(a), activations.AxisActivation)])
def test_activation_derivative_matches_finite_difference(name):
    fn = activations.get(name)
    x = np.linspace(-3, 3, 61) + 0.013  # avoid the kink at exactly 0
    h = 1e-6
    numerical = (fn(x + h) - fn(x - h)) / (2 * h)
    np.testing.assert_allclose(fn.derivative(x), numerical, rtol=1e-6, atol=1e-8)


LOSS_CASES = {
    "mse": (losses.MeanSquaredError(), "regression"),
    "mae": (losses.MeanAbsoluteError(), "regression"),
    "bce": (losses.BinaryCrossentropy(), "binary"),
    "bce_logits": (losses.BinaryCrossentropy(from_logits=True), "binary_logits"),
    "bce_smoothing": (losses.BinaryCrossentropy(label_smoothing=0.2), "binary"),
    "cce": (losses.CategoricalCrossentropy(), "categorical"),
    "cce_logits": (losses.CategoricalCrossentropy(from_logits=True), "categorical_logits"),
    "cce_smoothing": (losses.CategoricalCrossentropy(label_smoothing=0.1), "categorical"),
    "scce": (losses.SparseCategoricalCrossentropy(), "sparse"),
    "scce_logits": (losses.SparseCategoricalCrossentropy(from_logits=True), "sparse_logits"),
}


def _loss_problem(kind, rng):
    """Predictions and targets for one loss kind; probabilities stay inside the clip range."""
    n, k = 6, 4
    if kind == "regression":
        return rng.standard_normal((n, k)), rng.standard_normal((n, k))
    if kind.startswith("binary"):
        logits = rng.standard_normal((n, k))
        pred = logits if kind.endswith("logits") else 1 / (1 + np.exp(-logits))
        return pred, (rng.random((n, k)) > 0.5).astype(float)
    logits = rng.standard_normal((n, k))
    labels = rng.integers(0, k, size=n)
    if kind.endswith("logits"):
        pred = logits
    else:
        pred = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    target = labels if kind.startswith("sparse") else np.eye(k)[labels]
    return pred, target


@pytest.mark.parametrize("case", sorted(LOSS_CASES))
def test_loss_gradients(case):
    loss, kind = LOSS_CASES[case]
    pred, target = _loss_problem(kind, np.random.default_rng(4))
    analytical = loss.gradient(target, pred)
    numerical = np.zeros_like(pred)
    h = 1e-6
    for index in np.ndindex(pred.shape):
        plus, minus = pred.copy(), pred.copy()
        plus[index] += h
        minus[index] -= h
        numerical[index] = (loss(target, plus) - loss(target, minus)) / (2 * h)
    np.testing.assert_allclose(analytical, numerical, rtol=1e-5, atol=1e-9)


@pytest.mark.parametrize("loss_name, activation, kind", [
    ("categorical_crossentropy", "softmax", "categorical"),
    ("sparse_categorical_crossentropy", "softmax", "sparse"),
    ("binary_crossentropy", "sigmoid", "binary"),
])
def test_fused_output_gradient_equals_composition(loss_name, activation, kind):
    """(p - y) / batch at the logits equals the loss gradient sent through the activation."""
    rng = np.random.default_rng(5)
    _, target = _loss_problem(kind, rng)
    loss = losses.get(loss_name)
    logits = rng.standard_normal((6, 4))
    fn = activations.get(activation)
    p = fn(logits)
    composed = fn.backward(loss.gradient(target, p), logits, p)
    np.testing.assert_allclose(loss.logits_gradient(target, p), composed, rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("loss, last_activation, kind", [
    ("mse", None, "regression"),
    ("binary_crossentropy", "sigmoid", "binary"),
    ("categorical_crossentropy", "softmax", "categorical"),
    ("sparse_categorical_crossentropy", "softmax", "sparse"),
])
def test_whole_model_gradient(loss, last_activation, kind):
    """Backpropagation through a small network matches finite differences of the loss."""
    rng = np.random.default_rng(6)
    _, y = _loss_problem(kind, rng)
    x = rng.standard_normal((6, 5))
    model = keras.Sequential([
        keras.Input(shape=(5,)),
        layers.Dense(7, activation="tanh"),
        layers.Maxout(5, pieces=2),
        layers.Dense(6, activation="elu"),
        layers.Dense(4, activation=last_activation),
    ])
    model.compile(optimizer="sgd", loss=loss)
    result = gradient_check(model, x, y)
    assert result.passed, repr(result)
    assert len(result.errors) == 1 + 2 * 4


def test_gradient_check_detects_a_wrong_backward():
    class BrokenDense(layers.Dense):
        def backward(self, grad_out):
            grad_in = super().backward(grad_out)
            self.grads["kernel"] *= 1.01  # a 1% error in the weight gradient
            return grad_in

    result = gradient_check(BrokenDense(3), np.random.default_rng(7).standard_normal((4, 2)))
    assert not result.passed
    assert result.errors[next(k for k in result.errors if k.endswith("/kernel"))] > 1e-3
