"""Every loss against Keras 3 on TensorFlow, in float64: the value, and the gradient by
tf.GradientTape, for every reduction with and without sample weights, and on edge inputs
(clip bounds, saturated outputs, kinks) where Keras' exact rules matter."""
import numpy as np
import pytest

from numpynn import losses
from tests import references
from tests.loss_cases import CASES, REDUCTIONS, inputs, sample_weight

EPS = 1e-7
# Keras' catalogue minus the losses numpynn leaves out: CTC (sequence alignment) and the
# segmentation and similarity losses (Dice, Tversky, Circle).
EXCLUDED = {"CTC", "ctc", "Dice", "dice", "Tversky", "tversky", "Circle", "circle"}
NOT_LOSSES = {"Loss", "get", "serialize", "deserialize"}


def keras_value_and_gradient(loss, y_true, y_pred, weights=None):
    import tensorflow as tf
    pred = tf.Variable(np.asarray(y_pred, dtype=np.float64))
    with tf.GradientTape() as tape:
        value = loss(tf.constant(y_true), pred, sample_weight=weights)
    return value.numpy(), tape.gradient(value, pred).numpy()


def assert_matches_keras(ours, keras_loss, y_true, y_pred, weights=None):
    expected_value, expected_grad = keras_value_and_gradient(keras_loss, y_true, y_pred, weights)
    value = ours(y_true, y_pred, sample_weight=weights)
    grad = ours.gradient(y_true, y_pred, sample_weight=weights)
    np.testing.assert_allclose(value, expected_value, rtol=1e-6, atol=1e-12)
    assert np.shape(value) == np.shape(expected_value)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-6, atol=1e-12)


def pair(class_name, **kwargs):
    """(numpynn loss, Keras loss computing in float64)."""
    keras = references.keras()
    return (getattr(losses, class_name)(**kwargs),
            getattr(keras.losses, class_name)(dtype="float64", **kwargs))


@pytest.mark.parametrize("case", sorted(CASES))
def test_value_and_gradient_match_keras_for_every_reduction(case):
    class_name, kwargs, kind = CASES[case]
    rng = np.random.default_rng(sorted(CASES).index(case))
    y_true, y_pred = inputs(kind, rng)
    values_shape = getattr(losses, class_name)(**kwargs).values(y_true, y_pred).shape
    weights = sample_weight(values_shape, rng)
    for reduction in REDUCTIONS:
        ours, theirs = pair(class_name, reduction=reduction, **kwargs)
        assert_matches_keras(ours, theirs, y_true, y_pred)
        assert_matches_keras(ours, theirs, y_true, y_pred, weights)


@pytest.mark.parametrize("case", sorted(CASES))
def test_function_matches_keras_function(case):
    keras = references.keras()
    class_name, kwargs, kind = CASES[case]
    y_true, y_pred = inputs(kind, np.random.default_rng(7))
    function = next(f for f, cls in losses.FUNCTIONS.items() if cls.__name__ == class_name)
    if function == "categorical_generalized_cross_entropy":
        kwargs = {"q": 0.5, **kwargs}  # Keras' function has no default q
    ours = getattr(losses, function)(y_true, y_pred, **kwargs)
    theirs = getattr(keras.losses, function)(y_true, y_pred, **kwargs)
    np.testing.assert_allclose(ours, np.asarray(theirs), rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("shape", ["scalar", "per_sample", "column", "per_value"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_sample_weight_shapes_broadcast_as_keras(shape, reduction):
    rng = np.random.default_rng(3)
    y_true, y_pred = rng.normal(size=(5, 3, 2)), rng.normal(size=(5, 3, 2))
    weights = {"scalar": 1.5, "per_sample": rng.uniform(size=5)[:, None],
               "column": rng.uniform(size=(5, 3, 1)), "per_value": rng.uniform(size=(5, 3))}
    ours, theirs = pair("MeanSquaredError", reduction=reduction)
    assert_matches_keras(ours, theirs, y_true, y_pred, weights[shape])


def test_unit_axis_targets_meet_vector_predictions_as_keras():
    rng = np.random.default_rng(4)
    for y_shape, p_shape in [((6,), (6, 1)), ((6, 1), (6,)), ((6, 3), (6, 3, 1))]:
        ours, theirs = pair("Huber", reduction="none")
        assert_matches_keras(ours, theirs, rng.normal(size=y_shape), rng.normal(size=p_shape),
                             rng.uniform(size=y_shape[:1]))


def test_sample_weight_that_does_not_broadcast_says_what_to_pass():
    with pytest.raises(ValueError, match=r"one weight per sample, shape \(4,\)"):
        losses.MeanSquaredError()(np.zeros((4, 2)), np.ones((4, 2)), sample_weight=np.ones(3))


# -- edge inputs ----------------------------------------------------------------------------
def test_binary_crossentropy_at_and_beyond_the_clip_bounds():
    y_true = np.array([[1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]])
    y_pred = np.array([[EPS, EPS, 1 - EPS, 1 - EPS, 0.0, 1e-9, 1.0, 1 - 1e-9]])
    for kwargs in ({}, {"label_smoothing": 0.1}):
        assert_matches_keras(*pair("BinaryCrossentropy", **kwargs), y_true, y_pred)
    assert_matches_keras(*pair("BinaryFocalCrossentropy", apply_class_balancing=True),
                         y_true, y_pred)


def test_categorical_crossentropy_at_the_clip_bounds_and_saturated():
    y_true = np.array([[1.0, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]])
    y_pred = np.array([[EPS, 0.5, 0.5 - EPS], [1.0, 0.0, 0.0], [0.0, 1 - EPS, EPS],
                       [1 - EPS, EPS, 0.0]])
    for name in ("CategoricalCrossentropy", "CategoricalFocalCrossentropy"):
        assert_matches_keras(*pair(name), y_true, y_pred)
    # a saturated softmax whose true class got exactly 0 reports -log(eps)
    assert losses.CategoricalCrossentropy()(y_true[1:2], y_pred[1:2]) == pytest.approx(
        -np.log(EPS), rel=1e-12)


def test_sparse_categorical_crossentropy_on_edge_probabilities():
    labels = np.array([0, 1, 2, 0, 1])
    y_pred = np.array([[0.0, 1.0, 0.0],        # all clipped: the true class got 0
                       [EPS, 1 - EPS, 0.3],    # exactly at both bounds
                       [0.2, 0.3, EPS],        # the label's probability at eps
                       [0.5, 0.9, 0.7],        # not normalised
                       [2.0, 3.0, 0.1]])       # above 1: clipped, then normalised
    for reduction in ("sum_over_batch_size", "none"):
        assert_matches_keras(*pair("SparseCategoricalCrossentropy", reduction=reduction),
                             labels, y_pred)
    assert losses.SparseCategoricalCrossentropy(reduction="none")(labels, y_pred)[0] == \
        pytest.approx(-np.log(EPS / (2 * EPS + 1 - EPS)), rel=1e-12)


EDGE_CASES = [
    ("KLDivergence", [[0.5, 0.5, 0.0]], [[EPS, 1.0, 0.0]]),
    ("MeanSquaredLogarithmicError", [[1.0, 0.0, 2.0]], [[float(np.float32(EPS)), EPS, -1.0]]),
    ("MeanAbsolutePercentageError", [[0.0, 1.0, -2.0]], [[0.5, 1.0, -1.0]]),
    ("MeanAbsoluteError", [[0.0, 1.0]], [[0.0, 2.0]]),
    ("Hinge", [[1.0, 0.0, 1.0]], [[1.0, -1.0, 0.5]]),  # exactly on the margin
    ("SquaredHinge", [[1.0, 0.0]], [[1.0, -1.0]]),
    ("CategoricalHinge", [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], [[0.2, 0.5, 0.5], [0.0, 1.0, 0.0]]),
    ("Huber", [[0.0, 0.0, 0.0]], [[1.0, -1.0, 0.5]]),  # exactly at delta
    ("CosineSimilarity", [[1.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [1.0, 2.0]]),  # zero vectors
    ("Poisson", [[0.0, 3.0]], [[0.0, 1e-3]]),
    ("LogCosh", [[0.0, 0.0, 0.0]], [[1e-9, 30.0, -400.0]]),
]


@pytest.mark.parametrize("class_name, y_true, y_pred", EDGE_CASES)
def test_edge_inputs_match_keras(class_name, y_true, y_pred):
    assert_matches_keras(*pair(class_name), np.array(y_true), np.array(y_pred))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_ignore_class_counts_only_the_other_samples(reduction):
    labels = np.array([[0, -1, 2], [-1, -1, -1]])
    y_pred = np.random.default_rng(5).dirichlet(np.ones(3), size=(2, 3))
    ours, theirs = pair("SparseCategoricalCrossentropy", ignore_class=-1, reduction=reduction)
    assert_matches_keras(ours, theirs, labels, y_pred)
    assert_matches_keras(ours, theirs, labels, y_pred, np.array([[2.0], [1.0]]))


def test_categorical_crossentropy_from_logits_with_labels_not_summing_to_one():
    """The exact derivative q sum(y) - y; TF's fused op gives q - y, the same only where the
    labels sum to 1 (checked above): here finite differences are the reference."""
    y_true, z = np.array([[0.5, 0.2, 0.0]]), np.array([[1.0, 2.0, 3.0]])
    loss, h = losses.CategoricalCrossentropy(from_logits=True), 1e-6
    numerical = [(loss(y_true, z + h * e) - loss(y_true, z - h * e)) / (2 * h)
                 for e in np.eye(3)[:, None, :]]
    np.testing.assert_allclose(loss.gradient(y_true, z)[0], numerical, rtol=1e-7)


# -- names ----------------------------------------------------------------------------------
def test_numpynn_has_every_keras_loss_but_the_excluded_ones():
    keras = references.keras()
    public = {n for n in dir(keras.losses) if not n.startswith("_")} - NOT_LOSSES - EXCLUDED
    missing = sorted(n for n in public if not hasattr(losses, n))
    assert not missing, (f"keras.losses has {missing}, which numpynn.losses lacks: add them, "
                         "or list them in EXCLUDED with the reason.")


def test_every_keras_loss_name_resolves_to_the_same_loss():
    references.keras()
    from keras.src.losses import ALL_OBJECTS_DICT
    for name, obj in ALL_OBJECTS_DICT.items():
        if name in EXCLUDED | NOT_LOSSES | {"LossFunctionWrapper"}:
            continue
        ours = losses.get(name)
        theirs = obj() if isinstance(obj, type) else None
        if theirs is not None:
            assert type(ours).__name__ == type(theirs).__name__, name
            assert ours.name == theirs.name, name
        else:
            assert losses.FUNCTIONS[obj.__name__] is type(ours), name
