"""Weight regularizers and constraints on every layer that has weights: each argument reaches
its weight, survives the config round trip, and a model's float64 gradient check (which
differentiates the loss plus the penalties) passes with them."""
import json

import numpy as np
import pytest

import numpynn as keras
from numpynn import constraints, layers, regularizers
from numpynn.utils import gradient_check

# layer -> (factory taking the penalty arguments, sample shape, argument prefix -> weight)
WIRED = {
    "Dense": (lambda **kw: layers.Dense(3, **kw), (4,), {"kernel": "kernel", "bias": "bias"}),
    "Conv1D": (lambda **kw: layers.Conv1D(3, 2, **kw), (6, 2),
               {"kernel": "kernel", "bias": "bias"}),
    "Conv2D": (lambda **kw: layers.Conv2D(3, 2, strides=2, padding="same", **kw), (5, 5, 2),
               {"kernel": "kernel", "bias": "bias"}),
    "DepthwiseConv2D": (lambda **kw: layers.DepthwiseConv2D(2, depth_multiplier=2, **kw),
                        (4, 4, 2), {"depthwise": "kernel", "bias": "bias"}),
    "SeparableConv2D": (lambda **kw: layers.SeparableConv2D(3, 2, depth_multiplier=2, **kw),
                        (4, 4, 2), {"depthwise": "depthwise_kernel",
                                    "pointwise": "pointwise_kernel", "bias": "bias"}),
    "Conv2DTranspose": (lambda **kw: layers.Conv2DTranspose(2, 3, strides=2, **kw), (3, 3, 2),
                        {"kernel": "kernel", "bias": "bias"}),
    "BatchNormalization": (lambda **kw: layers.BatchNormalization(**kw), (3, 3, 2),
                           {"gamma": "gamma", "beta": "beta"}),
    "LayerNormalization": (lambda **kw: layers.LayerNormalization(**kw), (5,),
                           {"gamma": "gamma", "beta": "beta"}),
    "PReLU": (lambda **kw: layers.PReLU(shared_axes=[1], **kw), (3, 4), {"alpha": "alpha"}),
    "Embedding": (lambda **kw: layers.Embedding(10, 3, **kw), (4,),
                  {"embeddings": "embeddings"}),
    "Maxout": (lambda **kw: layers.Maxout(3, pieces=2, **kw), (5,),
               {"kernel": "kernel", "bias": "bias"}),
}
CONSTRAINTS = [constraints.MaxNorm(1.5), constraints.NonNeg(), constraints.UnitNorm(),
               constraints.MinMaxNorm(0.5, 2.0, rate=0.5)]


def _penalty_arguments(prefixes):
    """Every regularizer and constraint argument of the layer, each a different object, and
    an activity regularizer."""
    arguments = {"activity_regularizer": regularizers.L2(0.05)}
    for i, prefix in enumerate(prefixes):
        arguments[f"{prefix}_regularizer"] = regularizers.L1L2(0.01 * (i + 1), 0.02)
        arguments[f"{prefix}_constraint"] = CONSTRAINTS[i]
    return arguments


def _layer(name):
    factory, shape, weights = WIRED[name]
    return factory(**_penalty_arguments(weights)), shape, weights


@pytest.mark.parametrize("name", sorted(WIRED))
def test_config_round_trip_keeps_every_penalty_argument(name):
    layer, _, weights = _layer(name)
    config = layer.get_config()
    for key, value in _penalty_arguments(weights).items():
        module = regularizers if "regularizer" in key else constraints
        assert config[key] == module.serialize(value), key
    clone = layers.deserialize(json.loads(json.dumps(layers.serialize(layer))))
    assert type(clone) is type(layer) and clone.get_config() == config


@pytest.mark.parametrize("name", sorted(WIRED))
def test_each_argument_reaches_its_weight(name):
    """After the config round trip too: the model collects penalties and constraints from
    ``layer.regularizers`` and ``layer.constraints``."""
    layer, shape, weights = _layer(name)
    clone = layers.deserialize(layers.serialize(layer))
    for built in (layer, clone):
        built.build_for((None,) + shape)
        assert {w: type(r).__name__ for w, r in built.regularizers.items()} == \
            {w: "L1L2" for w in weights.values()}
        assert {w: c.get_config() for w, c in built.constraints.items()} == \
            {w: CONSTRAINTS[i].get_config() for i, w in enumerate(weights.values())}
        assert [built.regularizers[w].l1 for w in weights.values()] == \
            pytest.approx([0.01 * (i + 1) for i in range(len(weights))])
        assert isinstance(built.activity_regularizer, regularizers.L2)


def _inputs(name, shape, rng):
    if name == "Embedding":
        return rng.integers(0, 10, (6,) + shape).astype(np.float64)
    return rng.standard_normal((6,) + shape)


@pytest.mark.parametrize("name", sorted(WIRED))
def test_model_gradient_with_the_layer_regularized(name):
    """loss = mse + weight penalties + activity penalty; random weights, so no L1 term sits
    at its kink."""
    factory, shape, weights = WIRED[name]
    arguments = {k: v for k, v in _penalty_arguments(weights).items() if "regularizer" in k}
    model = keras.Sequential([keras.Input(shape=shape), factory(**arguments), layers.Flatten(),
                              layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    rng = np.random.default_rng(0)
    model.set_weights([rng.uniform(0.2, 1.0, w.shape) * rng.choice([-1, 1], w.shape)
                       for w in model.get_weights()])
    result = gradient_check(model, _inputs(name, shape, rng), rng.standard_normal((6, 2)),
                            epsilon=1e-5, tolerance=1e-5)
    assert result.passed, repr(result)
    checked = {key.split("/")[1] for key in result.errors
               if key.split("/")[0] == model.layers[0].name}
    assert checked == set(weights.values())
    assert ("input" in result.errors) == (name != "Embedding")
