"""Float64 gradient checks of the layers, regularizers and the penalties inside models."""
import numpy as np
import pytest

import numpynn as keras
from numpynn import layers, registry, regularizers
from numpynn.utils import gradient_check

# (layer factory, input shape, finite-difference step). LayerNormalization's input gradient
# sums to ~0 over the features, so at h=1e-6 rounding in the differences dominates: 1e-4.
LAYER_CASES = {
    "layer_norm": (lambda: layers.LayerNormalization(), (4, 6), 1e-4),
    "layer_norm_two_axes": (lambda: layers.LayerNormalization(axis=[1, 2]), (3, 4, 5), 1e-4),
    "layer_norm_middle_axis": (lambda: layers.LayerNormalization(axis=1), (3, 4, 5), 1e-4),
    "layer_norm_rms": (lambda: layers.LayerNormalization(rms_scaling=True), (4, 6), 1e-4),
    "layer_norm_plain": (lambda: layers.LayerNormalization(center=False, scale=False),
                         (4, 6), 1e-4),
    "normalization_fixed": (lambda: layers.Normalization(mean=[1.0, 2.0, 3.0],
                                                         variance=[4.0, 0.5, 2.0]), (4, 3), 1e-6),
    "normalization_inverted": (lambda: layers.Normalization(mean=1.0, variance=4.0, invert=True),
                               (4, 3), 1e-6),
    "gaussian_noise": (lambda: layers.GaussianNoise(0.3), (4, 5), 1e-6),
    "gaussian_dropout": (lambda: layers.GaussianDropout(0.3, seed=1), (4, 5), 1e-6),
    "alpha_dropout": (lambda: layers.AlphaDropout(0.3, seed=2), (4, 5), 1e-6),
    "alpha_dropout_noise_shape": (lambda: layers.AlphaDropout(0.5, noise_shape=(None, 1)),
                                  (6, 5), 1e-6),
    "activity_regularization": (lambda: layers.ActivityRegularization(0.1, 0.2), (4, 5), 1e-6),
    "permute": (lambda: layers.Permute((2, 1)), (3, 4, 5), 1e-6),
    "repeat_vector": (lambda: layers.RepeatVector(3), (4, 5), 1e-6),
    "identity": (lambda: layers.Identity(), (3, 4), 1e-6),
    "dense_activity_l2": (lambda: layers.Dense(3, activity_regularizer="l2"), (4, 5), 1e-6),
}


@pytest.mark.parametrize("case", sorted(LAYER_CASES))
def test_layer_gradients(case):
    factory, shape, step = LAYER_CASES[case]
    x = np.random.default_rng(1).standard_normal(shape)
    result = gradient_check(factory(), x, epsilon=step)
    assert result.passed, repr(result)
    assert "input" in result.errors


def test_layer_normalization_weights_are_checked():
    result = gradient_check(layers.LayerNormalization(), np.random.default_rng(2)
                            .standard_normal((4, 6)), epsilon=1e-4)
    assert result.passed, repr(result)
    assert {k.split("/")[1] for k in result.errors if "/" in k} == {"gamma", "beta"}


def test_adapted_normalization_checks_the_input_not_its_statistics():
    rng = np.random.default_rng(3)
    layer = layers.Normalization()
    layer.adapt(rng.standard_normal((20, 3)) * 3 + 1)
    result = gradient_check(layer, rng.standard_normal((4, 3)))
    assert result.passed, repr(result)
    assert list(result.errors) == ["input"]  # mean, variance, count are not trainable


def test_embedding_gradient_goes_to_the_table_only():
    x = np.random.default_rng(4).integers(0, 7, (5, 3)).astype(np.float64)
    result = gradient_check(layers.Embedding(7, 4), x)
    assert result.passed, repr(result)
    assert list(result.errors) == [next(iter(result.errors))] and "input" not in result.errors


REGULARIZERS = {
    "l1": lambda: regularizers.L1(0.05),
    "l2": lambda: regularizers.L2(0.05),
    "l1_l2": lambda: regularizers.L1L2(0.03, 0.07),
    "orthogonal_rows": lambda: regularizers.OrthogonalRegularizer(0.5),
    "orthogonal_columns": lambda: regularizers.OrthogonalRegularizer(0.5, mode="columns"),
}


@pytest.mark.parametrize("name", sorted(REGULARIZERS))
def test_penalty_gradient_matches_finite_differences(name):
    regularizer = REGULARIZERS[name]()
    w = np.random.default_rng(5).standard_normal((4, 3))
    numerical = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        plus, minus = w.copy(), w.copy()
        plus[index] += 1e-6
        minus[index] -= 1e-6
        numerical[index] = (regularizer(plus) - regularizer(minus)) / 2e-6
    np.testing.assert_allclose(regularizer.gradient(w), numerical, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", sorted(REGULARIZERS))
def test_model_gradient_includes_the_penalties(name):
    """The model-level check differentiates loss + sum(model.losses); a backward pass
    without the penalty's gradient fails it (see the last test)."""
    rng = np.random.default_rng(6)
    model = keras.Sequential([
        keras.Input(shape=(4,)),
        layers.Dense(5, activation="tanh", kernel_regularizer=REGULARIZERS[name](),
                     bias_regularizer=regularizers.L2(0.1),
                     activity_regularizer=regularizers.L1L2(0.01, 0.02)),
        layers.LayerNormalization(gamma_regularizer="l2"),
        layers.Dense(3, kernel_regularizer=REGULARIZERS[name]()),
    ])
    model.compile(optimizer="sgd", loss="mse")
    result = gradient_check(model, rng.standard_normal((6, 4)), rng.standard_normal((6, 3)),
                            epsilon=1e-5, tolerance=1e-5)
    assert result.passed, repr(result)
    assert len(result.errors) == 1 + 6


def test_gradient_check_fails_when_a_penalty_gradient_is_missing():
    class Unseen(regularizers.L2):
        def gradient(self, x):
            return np.zeros_like(x)

    model = keras.Sequential([keras.Input(shape=(3,)),
                              layers.Dense(2, kernel_regularizer=Unseen(1.0))])
    model.compile(optimizer="sgd", loss="mse")
    rng = np.random.default_rng(7)
    with registry.custom_object_scope({"Unseen": Unseen}):
        result = gradient_check(model, rng.standard_normal((4, 3)), rng.standard_normal((4, 2)))
    assert not result.passed
