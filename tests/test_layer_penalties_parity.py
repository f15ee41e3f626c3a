"""Weight regularizers and constraints on every layer family that has weights, against Keras 3
(TensorFlow backend, float32): the config each layer writes, and one SGD step of a small
model whose weights are copied from Keras."""
import numpy as np
import pytest

import numpynn
from tests import references


def _conv1d(api):
    return [api.layers.Conv1D(3, 3, kernel_regularizer=api.regularizers.L1L2(0.01, 0.02),
                              bias_regularizer=api.regularizers.L2(0.03),
                              activity_regularizer=api.regularizers.L2(0.01),
                              kernel_constraint=api.constraints.MaxNorm(1.0, axis=[0, 1]),
                              bias_constraint=api.constraints.NonNeg()),
            api.layers.Flatten()]


def _conv2d(api):
    return [api.layers.Conv2D(3, 2, strides=2, padding="same",
                              kernel_regularizer=api.regularizers.L2(0.1),
                              bias_regularizer=api.regularizers.L1(0.03),
                              kernel_constraint=api.constraints.MaxNorm(1.0, axis=[0, 1, 2]),
                              bias_constraint=api.constraints.NonNeg()),
            api.layers.Flatten()]


def _depthwise(api):
    return [api.layers.DepthwiseConv2D(2, depth_multiplier=2,
                                       depthwise_regularizer=api.regularizers.L1L2(0.01, 0.02),
                                       bias_regularizer=api.regularizers.L2(0.03),
                                       activity_regularizer=api.regularizers.L1(0.01),
                                       depthwise_constraint=api.constraints.MaxNorm(0.8),
                                       bias_constraint=api.constraints.NonNeg()),
            api.layers.Flatten()]


def _separable(api):
    return [api.layers.SeparableConv2D(3, 2, depth_multiplier=2,
                                       depthwise_regularizer=api.regularizers.L2(0.02),
                                       pointwise_regularizer=api.regularizers.L1L2(0.01, 0.02),
                                       bias_regularizer=api.regularizers.L2(0.03),
                                       depthwise_constraint=api.constraints.NonNeg(),
                                       pointwise_constraint=api.constraints.MaxNorm(
                                           0.5, axis=[0, 1, 2]),
                                       bias_constraint=api.constraints.NonNeg()),
            api.layers.Flatten()]


def _conv_transpose(api):
    return [api.layers.Conv2DTranspose(2, 3, strides=2, padding="same",
                                       kernel_regularizer=api.regularizers.L1L2(0.01, 0.02),
                                       bias_regularizer=api.regularizers.L2(0.03),
                                       kernel_constraint=api.constraints.MaxNorm(
                                           1.0, axis=[0, 1, 3]),
                                       bias_constraint=api.constraints.NonNeg()),
            api.layers.Flatten()]


def _batch_norm(api):
    return [api.layers.BatchNormalization(momentum=0.8,
                                          gamma_regularizer=api.regularizers.L2(0.5),
                                          beta_regularizer=api.regularizers.L1(0.2),
                                          gamma_constraint=api.constraints.MaxNorm(0.2),
                                          beta_constraint=api.constraints.NonNeg()),
            api.layers.Flatten()]


def _layer_norm(api):
    return [api.layers.LayerNormalization(gamma_regularizer=api.regularizers.L2(0.05),
                                          beta_regularizer=api.regularizers.L1L2(0.01, 0.02),
                                          gamma_constraint=api.constraints.MaxNorm(0.2),
                                          beta_constraint=api.constraints.NonNeg())]


def _prelu(api):
    return [api.layers.PReLU(shared_axes=[1], alpha_regularizer=api.regularizers.L2(0.5),
                             alpha_constraint=api.constraints.NonNeg()),
            api.layers.Flatten()]


def _embedding(api):
    return [api.layers.Embedding(10, 3,
                                 embeddings_regularizer=api.regularizers.L1L2(0.01, 0.02),
                                 activity_regularizer=api.regularizers.L2(0.01),
                                 embeddings_constraint=api.constraints.MaxNorm(1.0, axis=1)),
            api.layers.Flatten()]


def _maxout(api):
    """Keras 3 has no Maxout: there it is a Dense layer of units * pieces outputs, viewed as
    (units, pieces), and the max over the pieces."""
    penalties = {"kernel_regularizer": api.regularizers.L1L2(0.01, 0.02),
                 "bias_regularizer": api.regularizers.L2(0.03),
                 "kernel_constraint": api.constraints.MaxNorm(1.0),
                 "bias_constraint": api.constraints.NonNeg()}
    if api is numpynn:
        return [api.layers.Maxout(3, pieces=2, **penalties)]
    return [api.layers.Dense(6, **penalties), api.layers.Reshape((3, 2)),
            api.layers.Lambda(lambda t: api.ops.max(t, axis=-1))]


# family -> (layers in numpynn or Keras, sample shape)
FAMILIES = {
    "conv1d": (_conv1d, (7, 2)), "conv2d": (_conv2d, (5, 5, 2)),
    "depthwise_conv2d": (_depthwise, (4, 4, 2)), "separable_conv2d": (_separable, (4, 4, 2)),
    "conv2d_transpose": (_conv_transpose, (3, 3, 2)), "batch_norm": (_batch_norm, (3, 3, 4)),
    "layer_norm": (_layer_norm, (5,)), "prelu": (_prelu, (3, 4)),
    "embedding": (_embedding, (4,)), "maxout": (_maxout, (5,)),
}


def _model(api, family):
    make, shape = FAMILIES[family]
    return api.Sequential([api.Input(shape=shape), *make(api), api.layers.Dense(2)])


def _random_like(variable, rng):
    """N(0, 0.5^2) values, except a positive moving variance; kernels and biases drawn
    this way break their MaxNorm and NonNeg constraints."""
    if variable.path.endswith("moving_variance"):
        return rng.uniform(0.5, 2.0, variable.shape).astype("float32")
    return (0.5 * rng.standard_normal(variable.shape)).astype("float32")


def _inputs(family, rng):
    shape = (8,) + FAMILIES[family][1]
    if family == "embedding":
        return rng.integers(0, 10, shape).astype("float32")
    return rng.standard_normal(shape).astype("float32")


def _binds(constraint, weight):
    """Whether ``weight`` lies on the constraint's boundary, as only a projection puts it
    (an unconstrained SGD step lands there with probability 0): an entry at exactly 0 for
    NonNeg, a norm equal to max_value for MaxNorm."""
    if isinstance(constraint, numpynn.constraints.NonNeg):
        return bool(np.any(weight == 0))
    norms = np.sqrt(np.sum(np.square(weight), axis=constraint.axis))
    return bool(np.any(np.isclose(norms, constraint.max_value, rtol=1e-5)))


def _same_serialized(ours, theirs):
    """Whether two serialized regularizers or constraints (or `None`s) name the same class
    with the same config. Keras adds keys, and stores L1's factor as float32."""
    if ours is None or theirs is None:
        return ours is theirs
    return (ours["class_name"] == theirs["class_name"]
            and ours["config"] == pytest.approx(theirs["config"], rel=1e-7))


@pytest.mark.parametrize("family", sorted(set(FAMILIES) - {"maxout"}))
def test_regularizer_and_constraint_configs_match_keras(family):
    keras = references.keras()
    make, _ = FAMILIES[family]
    ours, theirs = make(numpynn)[0].get_config(), make(keras)[0].get_config()
    ours = {k: v for k, v in ours.items() if "regularizer" in k or "constraint" in k}
    theirs = {k: v for k, v in theirs.items() if "regularizer" in k or "constraint" in k}
    assert sorted(ours) == sorted(theirs)
    assert any(value is not None for value in ours.values())
    for key in theirs:
        assert _same_serialized(ours[key], theirs[key]), (key, ours[key], theirs[key])


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_sgd_step_with_penalties_and_constraints_matches_keras(family):
    """The loss fit reports (data loss + penalties) and the weights after one step (the
    constraints applied) equal Keras'. The penalties weigh in the loss and every constraint
    binds after the step, so a layer that dropped one would fail."""
    keras = references.keras()
    rng = np.random.default_rng(0)
    theirs, ours = _model(keras, family), _model(numpynn, family)
    theirs.set_weights([_random_like(w, rng) for w in theirs.weights])
    ours.set_weights(theirs.get_weights())
    x, y = _inputs(family, rng), rng.standard_normal((8, 2)).astype("float32")

    ours(x)
    penalty = sum(ours.losses)
    constrained = [(constraint, layer.params[name]) for layer in ours.layers
                   for name, constraint in layer.constraints.items()]
    assert constrained
    for model, api in ((theirs, keras), (ours, numpynn)):
        model.compile(optimizer=api.optimizers.SGD(0.01), loss="mse")
    their_loss = theirs.fit(x, y, batch_size=8, shuffle=False, verbose=0).history["loss"][0]
    our_loss = ours.fit(x, y, batch_size=8, shuffle=False, verbose=0).history["loss"][0]

    assert penalty > 0.01 * their_loss
    assert our_loss == pytest.approx(their_loss, rel=1e-5)
    for a, b in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    for constraint, weight in constrained:
        assert _binds(constraint, weight), (type(constraint).__name__, weight)
