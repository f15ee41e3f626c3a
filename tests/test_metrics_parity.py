"""Every metric class against Keras 3: several batches through update_state/result, with and
without sample_weight, on random and edge inputs (predictions on the thresholds, ties)."""
import zlib

import numpy as np
import pytest

import numpynn
from tests import references

SIZES = (7, 16, 5)


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def make_batch(kind, n, rng):
    """(y_true, y_pred) of one batch for a kind of task."""
    if kind == "binary":
        return rng.integers(0, 2, (n, 1)).astype("float32"), rng.uniform(size=(n, 1)).astype("float32")
    if kind == "binary_1d":
        return rng.integers(0, 2, n).astype("float32"), rng.uniform(size=(n, 1)).astype("float32")
    if kind == "multilabel":
        return rng.integers(0, 2, (n, 4)).astype("float32"), rng.uniform(size=(n, 4)).astype("float32")
    if kind == "edge":  # predictions on the thresholds 0, 0.25, 0.5, 0.75, 1; ties
        return (rng.integers(0, 2, (n, 4)).astype("float32"),
                rng.choice([0.0, 0.25, 0.5, 0.75, 1.0], (n, 4)).astype("float32"))
    if kind == "logits":
        return rng.integers(0, 2, (n, 3)).astype("float32"), rng.normal(size=(n, 3)).astype("float32") * 3
    if kind in ("categorical", "sparse", "ties"):
        labels = rng.integers(0, 5, n)
        p = _softmax(rng.normal(size=(n, 5)) * 2).astype("float32")
        if kind == "ties":
            p = np.round(p * 4).astype("float32") / 4
        return (labels if kind == "sparse" else np.eye(5, dtype="float32")[labels]), p
    if kind == "regression":
        return rng.normal(size=(n, 3)).astype("float32"), rng.normal(size=(n, 3)).astype("float32")
    if kind == "positive":
        return rng.uniform(0, 2, (n, 3)).astype("float32"), rng.uniform(0.1, 2, (n, 3)).astype("float32")
    if kind == "hinge":
        return (rng.choice([-1.0, 1.0], (n, 3)).astype("float32"),
                rng.normal(size=(n, 3)).astype("float32"))
    raise ValueError(kind)


CASES = [  # (class name, constructor arguments, kinds of data)
    ("Accuracy", {}, ["edge"]),
    ("BinaryAccuracy", {}, ["binary", "binary_1d", "multilabel", "edge"]),
    ("BinaryAccuracy", {"threshold": 0.7}, ["multilabel"]),
    ("CategoricalAccuracy", {}, ["categorical", "ties"]),
    ("SparseCategoricalAccuracy", {}, ["sparse"]),
    ("TopKCategoricalAccuracy", {}, ["categorical"]),
    ("TopKCategoricalAccuracy", {"k": 2}, ["categorical", "ties"]),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, ["sparse"]),
    ("TruePositives", {}, ["binary", "edge"]),
    ("FalsePositives", {"thresholds": [0.25, 0.5, 0.9]}, ["multilabel", "edge"]),
    ("TrueNegatives", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]}, ["edge", "multilabel"]),
    ("FalseNegatives", {"thresholds": 0.3}, ["binary_1d", "edge"]),
    ("Precision", {}, ["binary", "multilabel", "edge"]),
    ("Precision", {"thresholds": [0.1, 0.5, 0.75]}, ["multilabel"]),
    ("Precision", {"top_k": 2}, ["categorical"]),
    ("Precision", {"class_id": 2}, ["multilabel", "categorical"]),
    ("Recall", {}, ["binary", "edge"]),
    ("Recall", {"top_k": 1, "class_id": 1}, ["categorical"]),
    ("Recall", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]}, ["edge"]),
    ("AUC", {}, ["binary", "multilabel", "edge"]),
    ("AUC", {"curve": "PR"}, ["binary", "multilabel", "edge"]),
    ("AUC", {"curve": "PR", "summation_method": "minoring"}, ["multilabel"]),
    ("AUC", {"summation_method": "majoring", "num_thresholds": 13}, ["multilabel"]),
    ("AUC", {"curve": "PRGAIN"}, ["multilabel"]),
    ("AUC", {"thresholds": [0.1, 0.3, 0.6]}, ["multilabel", "edge"]),
    ("AUC", {"multi_label": True}, ["multilabel"]),
    ("AUC", {"multi_label": True, "label_weights": [1.0, 0.5, 2.0, 0.0], "curve": "PR"},
     ["multilabel"]),
    ("AUC", {"from_logits": True}, ["logits"]),
    ("PrecisionAtRecall", {"recall": 0.6}, ["binary", "multilabel"]),
    ("RecallAtPrecision", {"precision": 0.5}, ["multilabel"]),
    ("SensitivityAtSpecificity", {"specificity": 0.7}, ["multilabel"]),
    ("SpecificityAtSensitivity", {"sensitivity": 0.4, "class_id": 3}, ["categorical"]),
    ("SpecificityAtSensitivity", {"sensitivity": 0.4, "num_thresholds": 1}, ["multilabel"]),
    ("F1Score", {}, ["categorical", "multilabel"]),
    ("F1Score", {"average": "micro", "threshold": 0.5}, ["multilabel"]),
    ("F1Score", {"average": "macro"}, ["categorical"]),
    ("FBetaScore", {"beta": 2.0, "average": "weighted", "threshold": 0.3}, ["multilabel"]),
    ("MeanSquaredError", {}, ["regression"]),
    ("RootMeanSquaredError", {}, ["regression"]),
    ("MeanAbsoluteError", {}, ["regression"]),
    ("MeanAbsolutePercentageError", {}, ["regression"]),
    ("MeanSquaredLogarithmicError", {}, ["positive"]),
    ("LogCoshError", {}, ["regression"]),
    ("CosineSimilarity", {}, ["regression"]),
    ("R2Score", {}, ["regression"]),
    ("R2Score", {"class_aggregation": "variance_weighted_average", "num_regressors": 2},
     ["regression"]),
    ("R2Score", {"class_aggregation": None}, ["regression"]),
    ("PearsonCorrelation", {}, ["regression"]),
    ("ConcordanceCorrelation", {}, ["regression"]),
    ("Hinge", {}, ["hinge", "multilabel"]),
    ("SquaredHinge", {}, ["hinge", "multilabel"]),
    ("CategoricalHinge", {}, ["categorical"]),
    ("KLDivergence", {}, ["categorical"]),
    ("Poisson", {}, ["positive"]),
    ("BinaryCrossentropy", {}, ["binary", "multilabel"]),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, ["logits"]),
    ("CategoricalCrossentropy", {}, ["categorical"]),
    ("CategoricalCrossentropy", {"label_smoothing": 0.2}, ["categorical"]),
    ("SparseCategoricalCrossentropy", {}, ["sparse"]),
    ("SparseCategoricalCrossentropy", {"ignore_class": 1}, ["sparse"]),
]


def _params():
    for name, kwargs, kinds in CASES:
        for kind in kinds:
            for weighted in (False, True):
                yield pytest.param(name, kwargs, kind, weighted,
                                   id=f"{name}-{kwargs}-{kind}-{'weighted' if weighted else 'plain'}")


@pytest.mark.filterwarnings("ignore:More independent predictors")  # R2 after reset_state
@pytest.mark.parametrize("name, kwargs, kind, weighted", list(_params()))
def test_update_state_and_result_equal_keras(name, kwargs, kind, weighted):
    keras = references.keras()
    rng = np.random.default_rng(zlib.crc32(f"{name}{kwargs}{kind}".encode()))
    ours = getattr(numpynn.metrics, name)(**kwargs)
    theirs = getattr(keras.metrics, name)(**kwargs)
    for n in SIZES:
        y, p = make_batch(kind, n, rng)
        weight = None
        if weighted:
            weight = rng.uniform(0, 2, n).astype("float32")
            weight[0] = 0.0
        ours.update_state(y, p, sample_weight=weight)
        theirs.update_state(y, p, sample_weight=weight)
        expected = np.asarray(theirs.result())
        # Keras sums in float32: counts near 0 left by a subtraction (tn = negatives - fp)
        # carry an error of about 1e-7 of the largest count
        scale = max(1.0, float(np.max(np.abs(np.nan_to_num(expected)))))
        np.testing.assert_allclose(ours.result(), expected, rtol=2e-5, atol=2e-6 * scale)
    ours.reset_state()
    theirs.reset_state()
    np.testing.assert_allclose(ours.result(), np.asarray(theirs.result()), atol=1e-7)


FUNCTIONS = [("binary_accuracy", "multilabel"), ("categorical_accuracy", "categorical"),
             ("sparse_categorical_accuracy", "sparse"), ("top_k_categorical_accuracy", "ties"),
             ("sparse_top_k_categorical_accuracy", "sparse"), ("mean_squared_error", "regression"),
             ("mean_absolute_error", "regression"), ("mean_absolute_percentage_error", "regression"),
             ("mean_squared_logarithmic_error", "positive"), ("log_cosh", "regression"),
             ("hinge", "hinge"), ("squared_hinge", "multilabel"), ("categorical_hinge", "categorical"),
             ("kl_divergence", "categorical"), ("poisson", "positive"),
             ("binary_crossentropy", "multilabel"), ("categorical_crossentropy", "categorical"),
             ("sparse_categorical_crossentropy", "sparse"), ("pearson_correlation", "regression"),
             ("concordance_correlation", "regression"), ("huber", "regression"),
             ("binary_focal_crossentropy", "multilabel"),
             ("categorical_focal_crossentropy", "categorical")]


@pytest.mark.parametrize("name, kind", FUNCTIONS)
def test_metric_functions_equal_keras(name, kind):
    keras = references.keras()
    y, p = make_batch(kind, 9, np.random.default_rng(3))
    np.testing.assert_allclose(getattr(numpynn.metrics, name)(y, p),
                               np.asarray(getattr(keras.metrics, name)(y, p)), rtol=2e-5, atol=2e-6)


def test_sparse_top_k_from_sorted_ids_equals_keras():
    keras = references.keras()
    rng = np.random.default_rng(4)
    ids = np.argsort(-rng.uniform(size=(12, 6)), axis=-1).astype("float32")
    labels = rng.integers(0, 6, 12).astype("float32")
    ours = numpynn.metrics.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True)
    theirs = keras.metrics.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True)
    ours.update_state(labels, ids)
    theirs.update_state(labels, ids)
    assert ours.result() == pytest.approx(float(theirs.result()))


def test_mean_and_sum_of_values_equal_keras():
    keras = references.keras()
    rng = np.random.default_rng(5)
    for name in ("Mean", "Sum"):
        ours, theirs = getattr(numpynn.metrics, name)(), getattr(keras.metrics, name)()
        for values, weight in [(rng.normal(size=(4, 3)), None), (rng.normal(size=(5, 3)),
                                                                 rng.uniform(size=5)),
                               (rng.normal(size=(2, 3)), rng.uniform(size=(2, 3))), (2.5, None)]:
            ours.update_state(values, sample_weight=weight)
            theirs.update_state(values, sample_weight=weight)
            assert ours.result() == pytest.approx(float(theirs.result()), rel=1e-5)
    wrapper = numpynn.metrics.MeanMetricWrapper(numpynn.metrics.binary_accuracy, threshold=0.3)
    reference = keras.metrics.MeanMetricWrapper(keras.metrics.binary_accuracy, threshold=0.3)
    y, p = make_batch("multilabel", 10, rng)
    assert wrapper(y, p) == pytest.approx(float(reference(y, p)))
