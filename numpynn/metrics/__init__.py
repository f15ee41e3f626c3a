"""Metrics: numbers reported during training, as ``keras.metrics``.

Modules by family: ``base`` (Metric, Mean, Sum, MeanMetricWrapper), ``accuracy``,
``confusion`` (TruePositives..., Precision, Recall), ``curves`` (AUC, PrecisionAtRecall...),
``f_score``, ``regression``, ``correlation``, ``hinge``, ``probabilistic``.

In ``compile(metrics=[...])`` a name is looked up as Keras does (class names, their snake-case
form, and ``mse``/``mae``/``mape``/``msle``/``bce``), and is the key ``fit`` reports;
``"accuracy"``/``"acc"`` becomes binary accuracy for one output unit, sparse categorical
accuracy for integer labels, categorical accuracy otherwise.
"""
import inspect

from numpynn import backend, losses, registry
from numpynn.metrics.accuracy import (Accuracy, BinaryAccuracy, CategoricalAccuracy,
                                      SparseCategoricalAccuracy, SparseTopKCategoricalAccuracy,
                                      TopKCategoricalAccuracy, accuracy, binary_accuracy,
                                      categorical_accuracy, sparse_categorical_accuracy,
                                      sparse_top_k_categorical_accuracy,
                                      top_k_categorical_accuracy)
from numpynn.metrics.base import FUNCTIONS, Mean, MeanMetricWrapper, Metric, Sum
from numpynn.metrics.confusion import (FalseNegatives, FalsePositives, Precision, Recall,
                                       TrueNegatives, TruePositives)
from numpynn.metrics.correlation import (ConcordanceCorrelation, PearsonCorrelation,
                                         concordance_correlation, pearson_correlation)
from numpynn.metrics.curves import (AUC, PrecisionAtRecall, RecallAtPrecision,
                                    SensitivityAtSpecificity, SpecificityAtSensitivity)
from numpynn.metrics.f_score import F1Score, FBetaScore
from numpynn.metrics.hinge import (CategoricalHinge, Hinge, SquaredHinge, categorical_hinge,
                                   hinge, squared_hinge)
from numpynn.metrics.probabilistic import (BinaryCrossentropy, CategoricalCrossentropy,
                                           KLDivergence, Poisson, SparseCategoricalCrossentropy,
                                           binary_crossentropy, binary_focal_crossentropy,
                                           categorical_crossentropy,
                                           categorical_focal_crossentropy, kl_divergence,
                                           poisson, sparse_categorical_crossentropy)
from numpynn.metrics.regression import (CosineSimilarity, LogCoshError, MeanAbsoluteError,
                                        MeanAbsolutePercentageError, MeanSquaredError,
                                        MeanSquaredLogarithmicError, R2Score,
                                        RootMeanSquaredError, cosine_similarity, huber,
                                        log_cosh,
                                        mean_absolute_error, mean_absolute_percentage_error,
                                        mean_squared_error, mean_squared_logarithmic_error)

ALL = {cls.__name__: cls for cls in (
    Metric, Mean, Sum, MeanMetricWrapper,
    MeanSquaredError, RootMeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, CosineSimilarity, LogCoshError, R2Score,
    AUC, FalseNegatives, FalsePositives, Precision, PrecisionAtRecall, Recall,
    RecallAtPrecision, SensitivityAtSpecificity, SpecificityAtSensitivity, TrueNegatives,
    TruePositives, ConcordanceCorrelation, PearsonCorrelation, Hinge, SquaredHinge,
    CategoricalHinge, KLDivergence, Poisson, BinaryCrossentropy, CategoricalCrossentropy,
    SparseCategoricalCrossentropy, Accuracy, BinaryAccuracy, CategoricalAccuracy,
    SparseCategoricalAccuracy, TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,
    F1Score, FBetaScore)}
#: names a string may give, as in Keras: class names, snake-case class names, short aliases
NAMES = {**ALL, **{backend.to_snake_case(name): cls for name, cls in ALL.items()}}
for _alias, _cls in (("bce", BinaryCrossentropy), ("mse", MeanSquaredError),
                     ("mae", MeanAbsoluteError), ("mape", MeanAbsolutePercentageError),
                     ("msle", MeanSquaredLogarithmicError)):
    NAMES[_alias] = NAMES[_alias.upper()] = _cls


def serialize(metric):
    """``{"class_name": ..., "config": {...}}`` of a metric object, or a function's name."""
    if isinstance(metric, Metric):
        return registry.serialize(metric)
    return metric.__name__


def deserialize(config, custom_objects=None):
    """A metric object from ``serialize``'s output; a name that is no class's but a metric
    function's gives the function."""
    if isinstance(config, str) and config not in NAMES and config in FUNCTIONS:
        return FUNCTIONS[config]
    return registry.deserialize(config, "metric", NAMES, custom_objects)


def get(identifier):
    """A metric object from a name (``"auc"``, ``"Precision"``, ``"mse"``), a config dict
    or a class; a ``Metric`` or a function is returned as it is."""
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if inspect.isclass(identifier) and issubclass(identifier, Metric):
        return identifier()
    if isinstance(identifier, Metric) or callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret metric identifier: {identifier!r}. Pass a name "
                     "such as 'accuracy' or 'auc', a numpynn.metrics.Metric or a function "
                     "fn(y_true, y_pred).")


def _accuracy_for(loss, output_units, name):
    """Keras' choice for "accuracy", from the target and output shapes: binary for one
    output, sparse for integer labels (a sparse loss), categorical otherwise."""
    if output_units == 1:
        return BinaryAccuracy(name=name)
    if isinstance(loss, losses.SparseCategoricalCrossentropy):
        return SparseCategoricalAccuracy(name=name)
    return CategoricalAccuracy(name=name)


def compile_metric(identifier, loss=None, output_units=None):
    """The metric object that ``compile(metrics=[identifier])`` reports, named as Keras
    names it: a string's own text, a function's name, an object's name."""
    if isinstance(identifier, str) and identifier.lower() in ("accuracy", "acc"):
        return _accuracy_for(loss, output_units, identifier)
    metric = get(identifier)
    if not isinstance(metric, Metric):
        metric = MeanMetricWrapper(metric, name=metric.__name__)
    if isinstance(identifier, str):
        metric.name = identifier
    return metric


def compile_metrics(identifiers, loss=None, output_units=None):
    """``compile_metric`` of each, with repeated names made unique (``auc``, ``auc_1``)."""
    metrics, seen = [], {}
    for identifier in identifiers:
        metric = compile_metric(identifier, loss, output_units)
        name = metric.name
        while name in seen:  # auc, auc_1, auc_2, ... (never a name already taken)
            seen[metric.name] += 1
            name = f"{metric.name}_{seen[metric.name] - 1}"
        seen.setdefault(name, 1)
        metric.name = name
        metrics.append(metric)
    return metrics
