"""Regularizers (the penalty and its gradient, tf.GradientTape) and constraints (the projected
weights) against Keras 3 on TensorFlow, in float64, on random weights and on edge ones:
exact zeros, a row of zeros, norms exactly at a bound (``tables.REGULARIZERS``,
``tables.CONSTRAINTS``)."""
import numpy as np
import pytest

from numpynn import constraints, regularizers
from tests import references
from tests.conformance.tables import CONSTRAINTS, REGULARIZER_INPUTS, REGULARIZERS


def regularizer_input(kind, rng):
    if kind == "cube":
        return rng.normal(size=(3, 4, 2))
    w = rng.normal(size=(5, 4))
    if kind == "zero_row":
        w[2] = 0.0
        w[0, 1] = 0.0
    return w


# the orthogonal regularizer takes 2-D kernels only (in Keras too)
PENALTY_CASES = [(case, kind) for case in sorted(REGULARIZERS) for kind in REGULARIZER_INPUTS
                 if not (REGULARIZERS[case][0] == "OrthogonalRegularizer" and kind == "cube")]


@pytest.mark.parametrize("case, kind", PENALTY_CASES)
def test_penalty_and_gradient_equal_keras(case, kind):
    keras = references.keras()
    import tensorflow as tf
    name, kwargs = REGULARIZERS[case]
    w = regularizer_input(kind, np.random.default_rng(sorted(REGULARIZERS).index(case)))
    variable = tf.Variable(w)
    theirs = getattr(keras.regularizers, name)(**kwargs)
    if name == "OrthogonalRegularizer":  # Keras holds the factor as a float32 tensor
        theirs.factor = tf.constant(kwargs["factor"], tf.float64)
    with tf.GradientTape() as tape:
        penalty = theirs(variable)
    gradient = tape.gradient(penalty, variable)
    expected_gradient = np.zeros_like(w) if gradient is None else np.asarray(gradient)
    ours = getattr(regularizers, name)(**kwargs)
    assert ours(w) == pytest.approx(float(penalty), rel=1e-6, abs=1e-300)
    np.testing.assert_allclose(ours.gradient(w), expected_gradient, rtol=1e-6, atol=1e-15)


def constraint_input(rng, max_value):
    """(3, 4, 5) weights: random, a slice of zeros, and columns whose norm (over axis 0) is
    exactly ``max_value``."""
    w = rng.normal(size=(3, 4, 5))
    w[:, 1, :] = 0.0
    w[:, 2, :] *= max_value / np.linalg.norm(w[:, 2, :], axis=0)
    return w


@pytest.mark.parametrize("case", sorted(CONSTRAINTS))
def test_projection_equals_keras(case):
    keras = references.keras()
    name, kwargs = CONSTRAINTS[case]
    w = constraint_input(np.random.default_rng(sorted(CONSTRAINTS).index(case)),
                         kwargs.get("max_value", 1.0))
    expected = np.asarray(getattr(keras.constraints, name)(**kwargs)(
        keras.ops.convert_to_tensor(w)))
    np.testing.assert_allclose(getattr(constraints, name)(**kwargs)(w), expected,
                               rtol=1e-6, atol=1e-15)
