"""Every Keras 3 activation: names, values and gradients against Keras on TensorFlow (float64,
tf.GradientTape), the sigmoid's left tail, argument checks and config round-trips."""
import json
from decimal import Decimal, localcontext

import numpy as np
import pytest

from numpynn import activations
from tests import references

# Points where a piece ends, an argument takes effect, or a tail starts: every case is
# checked on these and on random values.
EDGES = [0.0, -0.5, 0.5, -1.0, 1.0, -2.5, 2.5, -3.0, 3.0, -6.0, 6.0, -20.0, 20.0,
         -50.0, 50.0, -700.0, 700.0, 1e-9, -1e-9]

# (Keras name, arguments by keyword, or a tuple of positional arguments)
ELEMENTWISE = [
    ("relu", {}), ("relu", {"negative_slope": 0.1}), ("relu", {"max_value": 6.0}),
    ("relu", {"max_value": 2.5}), ("relu", {"threshold": 0.5}), ("relu", {"threshold": -0.5}),
    ("relu", {"threshold": -0.5, "max_value": 2.5}),
    ("relu", {"negative_slope": 0.2, "max_value": 6.0}),
    ("relu", {"negative_slope": 0.1, "max_value": 2.5, "threshold": 0.5}),
    ("relu6", {}), ("leaky_relu", {}), ("leaky_relu", {"negative_slope": 0.5}),
    ("elu", {}), ("elu", {"alpha": 0.5}), ("selu", {}), ("celu", {}), ("celu", {"alpha": 2.0}),
    ("sigmoid", {}), ("hard_sigmoid", {}), ("sparse_sigmoid", {}), ("log_sigmoid", {}),
    ("silu", {}), ("swish", {}), ("hard_silu", {}), ("hard_swish", {}),
    ("linear", {}), ("exponential", {}), ("tanh", {}), ("tanh_shrink", {}), ("softplus", {}),
    ("softsign", {}), ("squareplus", {}), ("squareplus", {"b": 1.0}), ("sparse_plus", {}),
    ("gelu", {}), ("gelu", {"approximate": True}), ("mish", {}),
    ("hard_tanh", {}), ("hard_shrink", {}), ("hard_shrink", {"threshold": 1.0}),
    ("soft_shrink", {}), ("soft_shrink", {"threshold": 1.0}), ("threshold", (0.5, -2.0)),
]
OVER_AN_AXIS = [("softmax", {}), ("softmax", {"axis": 0}), ("log_softmax", {}),
                ("log_softmax", {"axis": 0}), ("glu", {}), ("glu", {"axis": 0})]


def case_id(case):
    name, args = case
    if not args:
        return name
    if isinstance(args, tuple):
        return f"{name}{args}"
    return name + "(" + ",".join(f"{k}={v}" for k, v in args.items()) + ")"


def call(module, name, x, args):
    function = getattr(module, name)
    return function(x, *args) if isinstance(args, tuple) else function(x, **args)


def keras_value_and_gradient(name, args, x, probe):
    """Keras' y(x) and d sum(y * probe) / dx, through tf.GradientTape, in float64."""
    keras = references.keras()
    import tensorflow as tf
    tensor = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(tensor)
        y = call(keras.activations, name, tensor, args)
        total = tf.reduce_sum(y * probe)
    return np.asarray(y), np.asarray(tape.gradient(total, tensor))


def numpynn_value_and_gradient(name, args, x, probe):
    if isinstance(args, tuple):
        fn = activations.ALL[name](*args)
    else:
        fn = type(activations.get(name))(**args)
    y = fn.forward(x.copy())
    return y, fn.backward(probe.copy(), x.copy(), y.copy())


# Where TensorFlow's own float64 result is a difference of nearly equal numbers, it is off by
# a few 1e-16 in absolute terms: the approximate gelu's 1 + tanh(u) left of -2, and the
# tanh_shrink gradient, which TensorFlow forms as 1 - (1 - tanh(x)^2) (0 at x = 1e-9, where
# numpynn's tanh(x)^2 gives 1e-18). And TensorFlow's erfc(14.14) is 7e-6 too large relative
# to the exact value (gelu(-20) = -5.5072482e-88 by Python's math.erfc and SciPy, against
# TensorFlow's -5.5072860e-88).
ABSOLUTE_TOLERANCE = {"gelu(approximate=True)": 1e-14, "tanh_shrink": 1e-15, "gelu": 1e-90}


def assert_matches_keras(name, args, x, probe):
    y_keras, grad_keras = keras_value_and_gradient(name, args, x, probe)
    y, grad = numpynn_value_and_gradient(name, args, x, probe)
    atol = ABSOLUTE_TOLERANCE.get(case_id((name, args)), 1e-300)
    np.testing.assert_allclose(y, y_keras, rtol=1e-6, atol=atol, err_msg="value")
    np.testing.assert_allclose(grad, grad_keras, rtol=1e-6, atol=atol, err_msg="gradient")


def keras_function_names():
    keras = references.keras()
    return sorted(n for n in dir(keras.activations) if not n.startswith("_")
                  and n not in ("get", "serialize", "deserialize")
                  and callable(getattr(keras.activations, n)))


def test_numpynn_has_every_keras_activation():
    missing = [n for n in keras_function_names()
               if n not in activations.ALL or not callable(getattr(activations, n, None))]
    assert not missing, (
        f"keras.activations has {missing}, which numpynn.activations lacks: add each as a "
        "class with forward and its derivative/backward, its module-level function, and its "
        "name in numpynn.activations.ALL")


def test_every_keras_activation_is_compared_with_keras():
    tested = {name for name, _ in ELEMENTWISE + OVER_AN_AXIS} | {"sparsemax"}
    assert set(keras_function_names()) <= tested


@pytest.mark.parametrize("case", ELEMENTWISE, ids=case_id)
def test_elementwise_value_and_gradient_equal_keras(case):
    name, args = case
    rng = np.random.default_rng(0)
    x = np.concatenate([EDGES, rng.normal(scale=3.0, size=40)])
    if name == "exponential":
        x = np.clip(x, -700, 700)
    assert_matches_keras(name, args, x, rng.normal(size=x.shape))


@pytest.mark.parametrize("case", OVER_AN_AXIS, ids=case_id)
def test_axis_value_and_gradient_equal_keras(case):
    name, args = case
    rng = np.random.default_rng(1)
    x = rng.normal(scale=3.0, size=(6, 8))
    x[0] = 0.0
    x[1, :4], x[1, 4:] = 700.0, -700.0
    x[2, ::2] = 1.0
    probe_shape = activations.get(name).__class__(**args).compute_output_shape(x.shape)
    assert_matches_keras(name, args, x, rng.normal(size=probe_shape))


def test_sparsemax_equals_keras_where_one_entry_is_kept():
    """Keras 3.15's sparsemax is only right for a support of one entry (see Sparsemax)."""
    rng = np.random.default_rng(2)
    x = rng.normal(size=(5, 6))
    x[np.arange(5), rng.integers(0, 6, 5)] += 5.0
    assert_matches_keras("sparsemax", {}, x, rng.normal(size=x.shape))


def simplex_projection(row):
    """max(row - tau, 0) with sum 1, tau found by bisection."""
    low, high = row.min() - 1.0, row.max()
    for _ in range(200):
        tau = (low + high) / 2
        low, high = (tau, high) if np.maximum(row - tau, 0).sum() > 1 else (low, tau)
    return np.maximum(row - (low + high) / 2, 0)


@pytest.mark.parametrize("axis", [-1, 0])
def test_sparsemax_is_the_projection_onto_the_simplex(axis):
    rng = np.random.default_rng(3)
    x = rng.normal(scale=0.5, size=(7, 7))
    y = activations.sparsemax(x, axis=axis)
    expected = np.apply_along_axis(simplex_projection, axis, x)
    np.testing.assert_allclose(y, expected, atol=1e-12)
    np.testing.assert_allclose(y.sum(axis=axis), 1.0, rtol=1e-12)
    assert ((y > 0).sum(axis=axis) > 1).any(), "the check needs supports of several entries"


def test_sigmoid_left_tail_is_exp_sized_in_float64():
    x = np.linspace(-700.0, -20.0, 137)
    with localcontext() as context:
        context.prec = 40
        exact = np.array([float(Decimal(v).exp() / (1 + Decimal(v).exp())) for v in x])
    y = activations.sigmoid(x)
    np.testing.assert_allclose(y, exact, rtol=1e-14)
    z = x.copy()
    np.testing.assert_allclose(activations.sigmoid.forward_inplace(z), exact, rtol=1e-14)


def test_sigmoid_left_tail_is_exp_sized_in_float32():
    x = np.linspace(-87.0, -20.0, 68, dtype=np.float32)  # e^x stays a normal float32
    with localcontext() as context:
        context.prec = 40
        exact = np.array([float(Decimal(float(v)).exp() / (1 + Decimal(float(v)).exp()))
                          for v in x])
    y = activations.sigmoid(x)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, exact, rtol=1e-6)
    np.testing.assert_allclose(activations.sigmoid.forward_inplace(x.copy()), exact, rtol=1e-6)


@pytest.mark.parametrize("name", sorted(n for n in activations.ALL
                                        if n not in activations.NEEDS_ARGUMENTS))
def test_forward_inplace_equals_forward_and_keeps_what_backward_needs(name):
    fn = activations.get(name)
    x = np.random.default_rng(4).normal(size=(4, 6)).astype(np.float32)
    z = x.copy()
    np.testing.assert_allclose(fn.forward_inplace(z), fn.forward(x.copy()), rtol=1e-6)
    if fn.needs_input:
        np.testing.assert_array_equal(z, x)


CONFIGURED = [activations.ReLU(0.1, 2.5, 0.5), activations.LeakyReLU(0.4), activations.ELU(0.3),
              activations.CELU(2.0), activations.Squareplus(1.0), activations.GELU(True),
              activations.HardShrink(1.0), activations.SoftShrink(0.25),
              activations.Threshold(0.5, -2.0), activations.Softmax(0),
              activations.LogSoftmax(0), activations.Sparsemax(0), activations.GLU(0)]


@pytest.mark.parametrize("fn", CONFIGURED, ids=lambda fn: fn.name)
def test_configured_activation_roundtrips_through_json(fn):
    spec = json.loads(json.dumps(activations.serialize(fn)))
    assert isinstance(spec, dict)
    clone = activations.get(spec)
    assert type(clone) is type(fn) and clone.get_config() == fn.get_config()
    x = np.random.default_rng(5).normal(size=(4, 6))
    np.testing.assert_array_equal(clone(x), fn(x))


def test_default_activations_serialize_to_their_keras_name():
    assert activations.serialize(activations.get("relu")) == "relu"
    assert activations.serialize(activations.get("hard_swish")) == "hard_silu"
    assert activations.serialize(activations.LeakyReLU(0.2)) == "leaky_relu"


def test_functions_take_keras_arguments():
    x = np.array([-2.0, 0.25, 0.75, 3.0])
    np.testing.assert_allclose(activations.relu(x, 0.5, 2.0, 0.5), [-1.25, -0.125, 0.75, 2.0])
    np.testing.assert_allclose(activations.threshold(x, 0.5, -1.0), [-1, -1, 0.75, 3])
    np.testing.assert_allclose(activations.elu(x, alpha=2.0)[0], 2 * np.expm1(-2.0))


def test_bad_arguments_say_what_to_do():
    with pytest.raises(ValueError, match="Threshold\\(threshold=..., default_value=...\\)"):
        activations.get("threshold")
    with pytest.raises(ValueError, match="must be even"):
        activations.glu(np.ones((2, 3)))
    with pytest.raises(ValueError, match="nonzero alpha"):
        activations.CELU(0.0)
    with pytest.raises(ValueError, match="b >= 0"):
        activations.Squareplus(-1.0)
    with pytest.raises(TypeError, match="no elementwise derivative"):
        activations.sparsemax.derivative(np.ones(3))
