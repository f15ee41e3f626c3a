"""Regularizers, constraints, the new layers and a regularized training step against Keras 3
(TensorFlow backend, float32), from the same weights and data."""
import numpy as np
import pytest

import numpynn
from numpynn import constraints, layers, regularizers
from tests import references

RNG = np.random.default_rng(0)
W = RNG.standard_normal((5, 4)).astype(np.float32)

REGULARIZERS = [("L1", {"l1": 0.03}), ("L2", {"l2": 0.02}), ("L1L2", {"l1": 0.01, "l2": 0.05}),
                ("OrthogonalRegularizer", {"factor": 0.3}),
                ("OrthogonalRegularizer", {"factor": 0.3, "mode": "columns"})]


@pytest.mark.parametrize("name, kwargs", REGULARIZERS, ids=lambda v: str(v))
def test_penalty_values_match_keras(name, kwargs):
    keras = references.keras()
    # a tensor: Keras' NumPy branch of normalize() fails on mode="columns"
    expected = float(getattr(keras.regularizers, name)(**kwargs)(keras.ops.convert_to_tensor(W)))
    assert getattr(regularizers, name)(**kwargs)(W) == pytest.approx(expected, rel=1e-5)


CONSTRAINTS = [("MaxNorm", {"max_value": 1.5}), ("MaxNorm", {"max_value": 2, "axis": 1}),
               ("MinMaxNorm", {"min_value": 1.9, "max_value": 2.2, "rate": 0.7}),
               ("NonNeg", {}), ("UnitNorm", {}), ("UnitNorm", {"axis": [0, 1]})]


@pytest.mark.parametrize("name, kwargs", CONSTRAINTS, ids=lambda v: str(v))
def test_constraint_results_match_keras(name, kwargs):
    keras = references.keras()
    expected = np.asarray(getattr(keras.constraints, name)(**kwargs)(W))
    np.testing.assert_allclose(getattr(constraints, name)(**kwargs)(W), expected,
                               rtol=1e-6, atol=1e-7)


def _random_weights(keras_layer):
    weights = [RNG.standard_normal(w.shape).astype(np.float32) for w in keras_layer.get_weights()]
    keras_layer.set_weights(weights)
    return weights


LAYERS = {
    "layer_norm": ("LayerNormalization", {}, (4, 6)),
    "layer_norm_axes": ("LayerNormalization", {"axis": [1, 2], "epsilon": 1e-2}, (3, 4, 5)),
    "layer_norm_rms": ("LayerNormalization", {"rms_scaling": True}, (4, 6)),
    "layer_norm_no_beta": ("LayerNormalization", {"center": False}, (4, 6)),
    "normalization_fixed": ("Normalization", {"mean": [1.0, -2.0, 0.5],
                                              "variance": [4.0, 0.25, 1e-20]}, (4, 3)),
    "normalization_inverted": ("Normalization", {"mean": 2.0, "variance": 9.0, "invert": True},
                               (4, 3)),
    "normalization_axis_none": ("Normalization", {"axis": None, "mean": 1.0, "variance": 2.0},
                                (4, 3)),
    "permute": ("Permute", {"dims": (2, 1)}, (3, 4, 5)),
    "repeat_vector": ("RepeatVector", {"n": 3}, (4, 5)),
    "identity": ("Identity", {}, (3, 4)),
    "gaussian_noise_inference": ("GaussianNoise", {"stddev": 0.5}, (3, 4)),
    "gaussian_dropout_inference": ("GaussianDropout", {"rate": 0.5}, (3, 4)),
    "alpha_dropout_inference": ("AlphaDropout", {"rate": 0.5}, (3, 4)),
    "activity_regularization": ("ActivityRegularization", {"l1": 0.1}, (3, 4)),
}


@pytest.mark.filterwarnings("ignore:You passed `rms_scaling=True`")
@pytest.mark.parametrize("case", sorted(LAYERS))
def test_layer_forward_matches_keras(case):
    keras = references.keras()
    name, kwargs, shape = LAYERS[case]
    x = RNG.standard_normal(shape).astype(np.float32) * 3 + 1
    theirs = getattr(keras.layers, name)(**kwargs)
    theirs.build((None,) + shape[1:])
    ours = getattr(layers, name)(**kwargs)
    ours.build_for((None,) + shape[1:])
    ours.set_weights(_random_weights(theirs))
    np.testing.assert_allclose(ours(x), np.asarray(theirs(x)), rtol=1e-5, atol=1e-5)


def test_adapted_normalization_matches_keras():
    keras = references.keras()
    data = RNG.standard_normal((50, 3, 2)).astype(np.float32) * [[1], [5], [0.1]]
    theirs, ours = keras.layers.Normalization(axis=1), layers.Normalization(axis=1)
    theirs.adapt(data)
    ours.adapt(data)
    for a, b in zip(ours.get_weights()[:2], theirs.get_weights()[:2]):
        np.testing.assert_allclose(a, b, rtol=1e-5)
    np.testing.assert_allclose(ours(data[:4]), np.asarray(theirs(data[:4])), rtol=1e-5,
                               atol=1e-5)


def test_embedding_matches_keras():
    keras = references.keras()
    theirs = keras.layers.Embedding(10, 3)
    theirs.build((None, 4))
    ours = layers.Embedding(10, 3)
    ours.build_for((None, 4))
    ours.set_weights(_random_weights(theirs))
    x = RNG.integers(0, 10, (5, 4))
    np.testing.assert_array_equal(ours(x.astype(np.float32)), np.asarray(theirs(x)))


def _models(api):
    """The same small regularized, constrained model in numpynn or Keras."""
    return api.Sequential([
        api.Input(shape=(3,)),
        api.layers.Dense(4, activation="tanh",
                         kernel_regularizer=api.regularizers.L1L2(l1=0.01, l2=0.02),
                         bias_regularizer=api.regularizers.L2(0.03),
                         activity_regularizer=api.regularizers.L2(0.05),
                         kernel_constraint=api.constraints.MaxNorm(0.6)),
        api.layers.LayerNormalization(gamma_regularizer=api.regularizers.L1(0.01)),
        api.layers.Dense(2, kernel_regularizer=api.regularizers.OrthogonalRegularizer(0.1),
                         bias_constraint=api.constraints.NonNeg()),
    ])


def test_sgd_step_with_regularizers_and_constraints_matches_keras():
    """Weights after one SGD step, the loss fit reports, evaluate's loss and model.losses."""
    keras = references.keras()
    x = RNG.standard_normal((8, 3)).astype(np.float32)
    y = RNG.standard_normal((8, 2)).astype(np.float32)
    theirs, ours = _models(keras), _models(numpynn)
    ours.set_weights(theirs.get_weights())
    for model, api in ((theirs, keras), (ours, numpynn)):
        model.compile(optimizer=api.optimizers.SGD(0.5), loss="mse")
    their_fit = theirs.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    our_fit = ours.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    assert our_fit.history["loss"][0] == pytest.approx(their_fit.history["loss"][0], rel=1e-5)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert np.linalg.norm(ours.get_weights()[0], axis=0).max() <= 0.6 + 1e-6
    assert ours.evaluate(x, y, verbose=0) == pytest.approx(theirs.evaluate(x, y, verbose=0),
                                                           rel=1e-5)
    theirs(x)
    ours(x)
    np.testing.assert_allclose(ours.losses, [float(v) for v in theirs.losses], rtol=1e-5)
