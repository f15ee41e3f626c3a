"""Metric configs round-trip, match Keras' keys, and numpynn has every keras.metrics class
except the IoU family."""
import inspect

import numpy as np
import pytest

import numpynn
from tests import references
from numpynn import metrics

IOU_FAMILY = {"IoU", "BinaryIoU", "MeanIoU", "OneHotIoU", "OneHotMeanIoU"}
REQUIRED = {"PrecisionAtRecall": {"recall": 0.4}, "RecallAtPrecision": {"precision": 0.6},
            "SensitivityAtSpecificity": {"specificity": 0.3},
            "SpecificityAtSensitivity": {"sensitivity": 0.7},
            "MeanMetricWrapper": {"fn": metrics.binary_accuracy, "threshold": 0.3}}
NON_DEFAULT = {"AUC": {"curve": "PR", "thresholds": [0.2, 0.7], "multi_label": True,
                       "label_weights": [1.0, 2.0]},
               "Precision": {"thresholds": [0.3, 0.6], "top_k": 2, "class_id": 1},
               "FBetaScore": {"beta": 2.0, "average": "weighted", "threshold": 0.4},
               "R2Score": {"class_aggregation": None, "num_regressors": 1},
               "SparseTopKCategoricalAccuracy": {"k": 3, "from_sorted_ids": True},
               "TruePositives": {"thresholds": [0.1, 0.9]}}
CLASSES = sorted(name for name in metrics.ALL if name != "Metric")


def keras_metric_classes(keras):
    return {name for name, obj in vars(keras.metrics).items()
            if inspect.isclass(obj) and issubclass(obj, keras.metrics.Metric)}


def test_numpynn_has_every_keras_metric_class_but_the_iou_family():
    keras = references.keras()
    missing = sorted(keras_metric_classes(keras) - IOU_FAMILY - set(metrics.ALL))
    assert not missing, (f"keras.metrics has classes that numpynn.metrics lacks: {missing}. "
                         "Add them to numpynn/metrics/ (and to metrics.ALL) or, for a family "
                         "left out on purpose, to IOU_FAMILY with the reason.")


@pytest.mark.parametrize("name", CLASSES)
def test_config_round_trips_through_the_registry(name):
    kwargs = {**REQUIRED.get(name, {}), **NON_DEFAULT.get(name, {})}
    metric = getattr(metrics, name)(name="m", **kwargs)
    config = metric.get_config()
    again = metrics.deserialize(metrics.serialize(metric))
    assert type(again) is type(metric) and again.get_config() == config
    assert metrics.NAMES[numpynn.backend.to_snake_case(name)] is type(metric)


@pytest.mark.parametrize("name", CLASSES)
def test_config_keys_and_default_name_are_keras(name):
    keras = references.keras()
    kwargs = {**REQUIRED.get(name, {}), **NON_DEFAULT.get(name, {})}
    keras_kwargs = dict(kwargs)
    if name == "MeanMetricWrapper":
        keras_kwargs["fn"] = keras.metrics.binary_accuracy
    ours, theirs = getattr(metrics, name)(**kwargs), getattr(keras.metrics, name)(**keras_kwargs)
    expected = theirs.get_config()
    if name == "CosineSimilarity":  # Keras leaves out the axis and so cannot rebuild it
        expected["axis"] = -1
    config = ours.get_config()
    assert sorted(config) == sorted(expected)
    assert ours.name.split("_")[0] == theirs.name.split("_")[0]
    for key, value in expected.items():
        if key not in ("name", "fn"):
            assert np.all(np.asarray(config[key], dtype=object) == np.asarray(value, dtype=object)), key


@pytest.mark.parametrize("identifier", ["auc", "AUC", "precision", "mse", "MSE", "bce", "mape",
                                        "msle", "top_k_categorical_accuracy", "r2_score",
                                        "f1_score", "kl_divergence", "log_cosh_error"])
def test_names_resolve_to_keras_classes(identifier):
    keras = references.keras()
    assert type(metrics.get(identifier)).__name__ == type(keras.metrics.get(identifier)).__name__


def test_compile_names_and_accuracy_resolution():
    """Keras picks "accuracy" from the shapes: one output -> binary, integer labels ->
    sparse, otherwise categorical (also for multi-label sigmoid outputs)."""
    bce, sparse = numpynn.losses.get("binary_crossentropy"), numpynn.losses.get(
        "sparse_categorical_crossentropy")
    assert type(metrics.compile_metric("acc", bce, 1)).__name__ == "BinaryAccuracy"
    assert type(metrics.compile_metric("accuracy", sparse, 5)).__name__ == "SparseCategoricalAccuracy"
    assert type(metrics.compile_metric("accuracy", bce, 3)).__name__ == "CategoricalAccuracy"
    named = metrics.compile_metrics(["mse", metrics.mean_absolute_error, metrics.Recall,
                                     metrics.Precision(name="p"), "auc", "auc"], bce, 1)
    names = [m.name for m in named]
    assert names[:2] + names[3:] == ["mse", "mean_absolute_error", "p", "auc", "auc_1"]
    assert names[2].startswith("recall") and type(named[2]).__name__ == "Recall"


@pytest.mark.parametrize("make, match", [
    (lambda: metrics.get("aucc"), "Unknown metric 'aucc'. Did you mean 'auc'"),
    (lambda: metrics.get(3), "Could not interpret metric identifier"),
    (lambda: metrics.AUC(curve="roc_curve"), "Invalid AUC curve"),
    (lambda: metrics.AUC(num_thresholds=1), "num_thresholds"),
    (lambda: metrics.Precision(thresholds=[0.2, 1.5]), r"Threshold values must be in \[0, 1\]"),
    (lambda: metrics.FBetaScore(beta=2), "beta"),
    (lambda: metrics.F1Score(average="mean"), "average"),
    (lambda: metrics.R2Score(class_aggregation="sum"), "class_aggregation"),
    (lambda: metrics.PrecisionAtRecall(recall=1.2), "recall"),
    (lambda: metrics.MeanMetricWrapper(fn="mse"), "function"),
])
def test_bad_arguments_say_what_to_do(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()


def test_metric_call_updates_and_returns_the_running_result():
    metric = metrics.BinaryAccuracy()
    assert metric([[1], [0]], [[0.9], [0.8]]) == 0.5
    assert metric([[1], [1]], [[0.9], [0.8]]) == 0.75
    metric.reset_state()
    assert metric.result() == 0.0
