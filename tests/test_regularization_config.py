"""Regularizers, constraints, initializers and the new layers: names, configs, saving,
errors, and what training does with penalties and constraints."""
import json

import numpy as np
import pytest

import numpynn as keras
from numpynn import constraints, initializers, layers, regularizers

REGULARIZERS = [regularizers.L1(0.2), regularizers.L2(1e-4), regularizers.L1L2(0.1, 0.3),
                regularizers.OrthogonalRegularizer(0.5, mode="columns")]
CONSTRAINTS = [constraints.MaxNorm(3, axis=[0, 1]), constraints.NonNeg(),
               constraints.MinMaxNorm(0.5, 2.0, rate=0.5, axis=1), constraints.UnitNorm()]
NEW_LAYERS = [
    layers.LayerNormalization(axis=[1, 2], epsilon=1e-5, center=False, beta_regularizer="l1",
                              gamma_constraint="non_neg"),
    layers.Normalization(axis=None, mean=1.0, variance=2.0, invert=True),
    layers.Normalization(axis=(1, 2)),
    layers.GaussianNoise(0.2, seed=3), layers.GaussianDropout(0.4),
    layers.AlphaDropout(0.3, noise_shape=(None, 1), seed=2),
    layers.ActivityRegularization(l1=0.1, l2=0.2),
    layers.Embedding(10, 4, embeddings_initializer="orthogonal", embeddings_regularizer="l2",
                     embeddings_constraint=constraints.UnitNorm(axis=1)),
    layers.Permute((2, 1)), layers.RepeatVector(3), layers.Identity(),
    layers.Dense(3, kernel_regularizer="l1_l2", bias_regularizer=regularizers.L2(0.5),
                 activity_regularizer="l1", kernel_constraint="max_norm",
                 bias_constraint=constraints.NonNeg()),
]


@pytest.mark.parametrize("obj", REGULARIZERS + CONSTRAINTS, ids=lambda o: type(o).__name__)
def test_regularizer_and_constraint_roundtrip(obj):
    module = regularizers if isinstance(obj, regularizers.Regularizer) else constraints
    clone = module.get(json.loads(json.dumps(module.serialize(obj))))
    assert type(clone) is type(obj) and clone.get_config() == obj.get_config()


@pytest.mark.parametrize("name, cls, config", [
    ("l1", regularizers.L1, {"l1": 0.01}), ("l2", regularizers.L2, {"l2": 0.01}),
    ("l1_l2", regularizers.L1L2, {"l1": 0.0, "l2": 0.0}),
    ("orthogonal_regularizer", regularizers.OrthogonalRegularizer,
     {"factor": 0.01, "mode": "rows"}),
    ("max_norm", constraints.MaxNorm, {"max_value": 2, "axis": 0}),
    ("min_max_norm", constraints.MinMaxNorm,
     {"min_value": 0.0, "max_value": 1.0, "rate": 1.0, "axis": 0}),
    ("non_neg", constraints.NonNeg, {}), ("unit_norm", constraints.UnitNorm, {"axis": 0}),
])
def test_keras_names_and_defaults(name, cls, config):
    module = regularizers if issubclass(cls, regularizers.Regularizer) else constraints
    obj = module.get(name)
    assert type(obj) is cls and obj.get_config() == config
    assert getattr(module, name) is cls  # keras.regularizers.l2(1e-4) style


@pytest.mark.parametrize("name, cls", [("orthogonal", initializers.Orthogonal),
                                       ("truncated_normal", initializers.TruncatedNormal),
                                       ("identity", initializers.Identity)])
def test_initializer_names_and_roundtrip(name, cls):
    init = initializers.get(name)
    assert type(init) is cls
    clone = initializers.get(json.loads(json.dumps(initializers.serialize(init))))
    assert clone.get_config() == init.get_config()


def test_initializer_values():
    q = initializers.Orthogonal(gain=2.0, seed=1)((3, 2, 5))
    flat = q.reshape(6, 5)
    np.testing.assert_allclose(flat.T @ flat, 4 * np.eye(5), atol=1e-5)
    np.testing.assert_array_equal(initializers.Identity(0.5)((2, 3)), 0.5 * np.eye(2, 3))
    t = initializers.TruncatedNormal(mean=1.0, stddev=0.1, seed=0)((2000,))
    assert t.dtype == np.float32 and 0.8 <= t.min() and t.max() <= 1.2
    assert abs(t.mean() - 1.0) < 0.01 and 0.08 < t.std() < 0.09  # truncated: 0.088 sigma
    with pytest.raises(ValueError, match="2-D"):
        initializers.Identity()((3,))


@pytest.mark.parametrize("layer", NEW_LAYERS, ids=lambda l: type(l).__name__)
def test_layer_config_roundtrip_through_json(layer):
    clone = layers.deserialize(json.loads(json.dumps(layers.serialize(layer))))
    assert type(clone) is type(layer) and clone.get_config() == layer.get_config()


def _regularized_model(noise=True):
    return keras.Sequential([
        keras.Input(shape=(4,)),
        layers.Normalization(),
        layers.Dense(6, activation="relu", kernel_regularizer=regularizers.L2(0.01),
                     activity_regularizer="l1", kernel_constraint=constraints.MaxNorm(1.0)),
        layers.LayerNormalization(),
        layers.GaussianNoise(0.1 if noise else 0.0, seed=0),
        layers.Dense(2, kernel_regularizer="orthogonal_regularizer",
                     kernel_initializer="orthogonal"),
    ])


def test_save_and_load_keep_regularizers_constraints_and_statistics(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((20, 4)).astype(np.float32) * 4 + 2, rng.standard_normal((20, 2))
    model = _regularized_model()
    model.layers[0].adapt(x)
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=2, verbose=0)
    model.save(tmp_path / "m.npnn")
    loaded = keras.models.load_model(tmp_path / "m.npnn")
    assert [layers.serialize(l) for l in loaded.layers] == [layers.serialize(l)
                                                           for l in model.layers]
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert loaded.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0))
    np.testing.assert_allclose(loaded.losses, model.losses)


def test_fit_reports_the_penalty_and_applies_constraints():
    """The reported loss is the data loss plus sum(model.losses) (a zero learning rate keeps
    the weights, and evaluate gives the data loss of a copy without regularizers); the
    constraints hold after the step."""
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((16, 4)).astype(np.float32), rng.standard_normal((16, 2))
    model = _regularized_model(noise=False)
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    plain = keras.Sequential([keras.Input(shape=(4,))] + [
        layers.deserialize({"class_name": type(l).__name__,
                            "config": {k: v for k, v in l.get_config().items()
                                       if "regularizer" not in k and k != "name"}})
        for l in model.layers])
    plain.compile(optimizer="sgd", loss="mse")
    plain.set_weights(model.get_weights())
    data_loss = plain.evaluate(x, y, verbose=0)
    model(x)
    penalty = sum(model.losses)  # at the weights the step starts from
    logs = model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0).history
    assert penalty > 0.01
    assert logs["loss"][0] == pytest.approx(data_loss + penalty, rel=1e-5)
    norms = np.linalg.norm(model.layers[1].params["kernel"], axis=0)
    assert norms.max() <= 1.0 + 1e-6


def test_model_without_penalties_has_none():
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2)])
    model.build()
    assert model.penalties is None and model.losses == []


def test_frozen_layers_are_neither_regularized_nor_constrained():
    model = keras.Sequential([keras.Input(shape=(3,)),
                              layers.Dense(2, kernel_regularizer="l2", kernel_constraint="non_neg",
                                           trainable=False)])
    model.build()
    assert model.penalties is None


def test_embedding_in_a_model_trains_its_table_only():
    rng = np.random.default_rng(2)
    x = rng.integers(0, 5, (12, 3)).astype(np.float32)
    y = rng.standard_normal((12, 3, 2))
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Embedding(5, 4), layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    before = model.get_weights()[0].copy()
    model.fit(x, y, epochs=1, verbose=0)
    used = np.unique(x.astype(int))
    unused = np.setdiff1d(np.arange(5), used)
    after = model.get_weights()[0]
    assert not np.allclose(after[used], before[used])
    np.testing.assert_array_equal(after[unused], before[unused])


@pytest.mark.parametrize("make, error, match", [
    (lambda: regularizers.L2(-1.0), ValueError, "non-negative"),
    (lambda: regularizers.OrthogonalRegularizer(mode="diagonal"), ValueError, "rows"),
    (lambda: regularizers.get(lambda w: 0.0), TypeError, "gradient"),
    (lambda: regularizers.OrthogonalRegularizer()(np.ones((2, 2, 2))), ValueError, "2-D"),
    (lambda: constraints.get(3), TypeError, "Constraint"),
    (lambda: constraints.MinMaxNorm(2.0, 1.0), ValueError, "min_value"),
    (lambda: layers.Embedding(5, 2, mask_zero=True), NotImplementedError, "mask_zero"),
    (lambda: layers.Embedding(0, 2), ValueError, "input_dim"),
    (lambda: layers.Embedding(5, 2)(np.array([[5.0]])), ValueError, "outside"),
    (lambda: layers.Permute((1, 3)), ValueError, "permutation"),
    (lambda: layers.RepeatVector(0), ValueError, "positive"),
    (lambda: layers.GaussianDropout(1.0), ValueError, r"\[0, 1\)"),
    (lambda: layers.GaussianNoise(2.0), ValueError, "stddev"),
    (lambda: layers.Normalization(mean=1.0), ValueError, "both"),
    (lambda: layers.Normalization(mean=1.0, variance=1.0).adapt(np.ones((2, 1))),
     ValueError, "adapt"),
    (lambda: layers.LayerNormalization(axis="last"), TypeError, "axis"),
])
def test_bad_arguments_say_what_to_do(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_noise_layers_keep_their_statistics_while_training():
    x = np.random.default_rng(3).standard_normal((4000, 50)).astype(np.float32)
    alpha = layers.AlphaDropout(0.3, seed=0)  # keeps mean 0 and variance 1
    y = alpha(x, training=True)
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1.0) < 0.02
    gaussian = layers.GaussianDropout(0.3, seed=0)  # multiplies by N(1, 0.3 / 0.7)
    factor = gaussian(x, training=True) / x
    assert abs(factor.mean() - 1.0) < 0.02 and abs(factor.std() - np.sqrt(0.3 / 0.7)) < 0.02
    for layer in (alpha, gaussian):
        np.testing.assert_array_equal(layer(x), x)
    noisy = layers.GaussianNoise(0.5, seed=0)(x, training=True) - x
    assert abs(noisy.std() - 0.5) < 0.01
