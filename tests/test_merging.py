"""Merge layers: float64 gradient checks, forward values against Keras 3, shapes, configs and
the errors of bad inputs."""
import numpy as np
import pytest

import numpynn as keras
from numpynn import layers
from numpynn.utils import gradient_check

import references

# (layer factory, input shapes). Inputs are standard normal: ties of Maximum/Minimum are
# hit with probability ~0 at a finite-difference step of 1e-6.
MERGE_CASES = {
    "add": (lambda: layers.Add(), [(4, 3), (4, 3)]),
    "add_three": (lambda: layers.Add(), [(4, 3), (4, 3), (4, 3)]),
    "add_broadcast_axis": (lambda: layers.Add(), [(4, 2, 3), (4, 1, 3)]),
    "add_lower_rank": (lambda: layers.Add(), [(4, 2, 3), (4, 3)]),
    "subtract": (lambda: layers.Subtract(), [(4, 3), (4, 3)]),
    "multiply": (lambda: layers.Multiply(), [(4, 3), (4, 3), (4, 3)]),
    "multiply_broadcast": (lambda: layers.Multiply(), [(4, 2, 3), (4, 2, 1)]),
    "average": (lambda: layers.Average(), [(4, 3), (4, 3)]),
    "maximum": (lambda: layers.Maximum(), [(4, 3), (4, 3), (4, 3)]),
    "minimum": (lambda: layers.Minimum(), [(4, 5), (4, 5)]),
    "concatenate": (lambda: layers.Concatenate(), [(4, 2), (4, 3)]),
    "concatenate_axis_1": (lambda: layers.Concatenate(axis=1), [(4, 2, 3), (4, 1, 3)]),
    "dot": (lambda: layers.Dot(axes=1), [(4, 3), (4, 3)]),
    "dot_3d": (lambda: layers.Dot(axes=(2, 1)), [(4, 2, 3), (4, 3, 5)]),
    "dot_3d_2d": (lambda: layers.Dot(axes=(1, 1)), [(4, 3, 2), (4, 3)]),
    "dot_normalize": (lambda: layers.Dot(axes=-1, normalize=True), [(4, 3), (4, 3)]),
}


def _inputs(shapes, seed=1):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for shape in shapes]


@pytest.mark.parametrize("case", sorted(MERGE_CASES))
def test_merge_gradients(case):
    factory, shapes = MERGE_CASES[case]
    result = gradient_check(factory(), _inputs(shapes))
    assert result.passed, repr(result)
    assert {f"input_{i}" for i in range(len(shapes))} <= set(result.errors)


@pytest.mark.parametrize("case", sorted(MERGE_CASES))
def test_merge_forward_matches_keras(case):
    reference = references.keras()
    factory, shapes = MERGE_CASES[case]
    xs = [x.astype("float32") for x in _inputs(shapes, seed=2)]
    ours = factory()
    theirs = getattr(reference.layers, type(ours).__name__)(**{
        k: v for k, v in ours.get_config().items() if k in ("axis", "axes", "normalize")})
    expected = np.asarray(theirs(xs))
    got = ours(xs)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)
    symbolic = factory()([keras.Input(shape=s[1:]) for s in shapes])
    assert symbolic.shape == (None,) + expected.shape[1:]


@pytest.mark.parametrize("function, cls", [
    (layers.add, layers.Add), (layers.subtract, layers.Subtract),
    (layers.multiply, layers.Multiply), (layers.average, layers.Average),
    (layers.maximum, layers.Maximum), (layers.minimum, layers.Minimum),
    (layers.concatenate, layers.Concatenate), (layers.dot, layers.Dot)])
def test_function_forms_call_the_layers(function, cls):
    a, b = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    out = function([a, b], name=f"merged_{cls.__name__.lower()}")
    assert isinstance(out.node.layer, cls)
    assert out.node.layer.name == f"merged_{cls.__name__.lower()}"
    assert out.node.inputs == [a, b]
    x = np.ones((2, 3), dtype="float32")
    assert function([x, 2 * x]).shape[0] == 2


def test_ties_send_the_gradient_to_the_first_input():
    x = np.array([[1.0, 2.0, 3.0]])
    layer = layers.Maximum()
    layer([x, np.array([[1.0, 5.0, 0.0]])])
    first, second = layer.backward(np.ones((1, 3)))
    np.testing.assert_array_equal(first, [[1.0, 0.0, 1.0]])
    np.testing.assert_array_equal(second, [[0.0, 1.0, 0.0]])


def test_gradients_of_one_merge_are_separate_arrays():
    """A model adds other gradients into each: they must not share memory."""
    layer = layers.Add()
    layer([np.ones((2, 3)), np.ones((2, 3)), np.ones((2, 3))])
    grads = layer.backward(np.ones((2, 3)))
    assert not any(np.shares_memory(g, h) for i, g in enumerate(grads) for h in grads[i + 1:])


@pytest.mark.parametrize("layer", [layers.Add(), layers.Concatenate(axis=1),
                                   layers.Dot(axes=[1, 2], normalize=True), layers.Maximum()])
def test_config_round_trip(layer):
    config = layer.get_config()
    again = layers.deserialize({"class_name": type(layer).__name__, "config": config})
    assert type(again) is type(layer) and again.get_config() == config


@pytest.mark.parametrize("make, shapes, message", [
    (layers.Add, [(None, 3), (None, 4)], "do not broadcast"),
    (layers.Subtract, [(None, 3)] * 3, "exactly 2 inputs"),
    (layers.Concatenate, [(None, 2, 3), (None, 3, 3)], "differ on axis 1"),
    (lambda: layers.Dot(axes=1), [(None, 3), (None, 4)], "must be equal"),
    (lambda: layers.Dot(axes=0), [(None, 3), (None, 3)], "do not fit"),
])
def test_incompatible_inputs_are_refused(make, shapes, message):
    with pytest.raises(ValueError, match=message):
        make()([keras.Input(shape=s[1:]) for s in shapes])


def test_a_merge_layer_needs_a_list():
    with pytest.raises(ValueError, match="called on a list"):
        layers.Add()(keras.Input(shape=(3,)))
    with pytest.raises(TypeError, match="axes must be an integer"):
        layers.Dot(axes="last")
