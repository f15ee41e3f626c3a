"""Keras 3's catalogue, name by name: which test compares each name with Keras, or why
numpynn leaves it out.

The names come from the installed Keras (``keras_names``); the checks from the case tables
of the family tests and of this folder (``checks``), so a case added to a table shows up
here, and a name Keras adds shows up as neither checked nor excused (``unaccounted``).
``make_table.py`` prints the result as docs/keras-compatibility.md.
"""
import functools
import inspect
import pathlib
from collections import Counter

import numpynn
from tests import (loss_cases, references, test_activation_layers, test_activations_catalogue,
                   test_layer_penalties_parity, test_losses_catalogue, test_metrics_parity,
                   test_optimizers_parity, test_regularization_parity)
from tests.conformance import (tables, test_conformance_initializers, test_conformance_layers,
                               test_conformance_metrics, test_conformance_penalties)

ROOT = pathlib.Path(__file__).resolve().parents[2]
#: the families in the order of the table; ``schedules`` is keras.optimizers.schedules
FAMILIES = ("activations", "losses", "metrics", "optimizers", "schedules", "regularizers",
            "constraints", "initializers", "layers")
#: the lookup functions every family module has
UTILITIES = ("get", "serialize", "deserialize")
#: each family's base class, for user subclasses
BASES = {"losses": "Loss", "metrics": "Metric", "optimizers": "Optimizer",
         "schedules": "LearningRateSchedule", "regularizers": "Regularizer",
         "constraints": "Constraint", "initializers": "Initializer"}

# The layers the catalogue covers: the activation layers, the layers with regularizer and
# constraint options, the catalogue's other layers, and Keras' recurrent layers, which numpynn
# does not have. Keras 3 has no ThresholdedReLU: numpynn keeps Keras 2's layer.
LAYERS = ("Activation", "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax", "ThresholdedReLU",
          "Dense", "Conv1D", "Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Conv2DTranspose",
          "BatchNormalization", "LayerNormalization", "Normalization", "GaussianNoise",
          "GaussianDropout", "AlphaDropout", "ActivityRegularization", "Embedding", "Permute",
          "RepeatVector", "Identity")
NOT_IN_KERAS = {"ThresholdedReLU": "Keras 2's layer, which Keras 3 dropped: y = x where x > "
                                   "theta, else 0 (keras.activations.threshold(x, theta, 0))"}
RECURRENT = ("RNN", "LSTM", "GRU", "Bidirectional")

_RECURRENT_REASON = "not implemented: numpynn has no recurrent layers yet"
_IOU_REASON = "left out: the IoU family scores segmentation, which numpynn's catalogue leaves out"
NOT_SUPPORTED = {
    "losses": {
        **dict.fromkeys(["CTC", "ctc"], "left out: connectionist temporal classification "
                                        "(the alignment of label sequences)"),
        **dict.fromkeys(["Dice", "dice", "Tversky", "tversky"],
                        "left out: a segmentation loss"),
        **dict.fromkeys(["Circle", "circle"], "left out: a similarity loss for metric "
                                              "learning, grouped with the segmentation ones"),
    },
    "metrics": dict.fromkeys(["IoU", "BinaryIoU", "MeanIoU", "OneHotIoU", "OneHotMeanIoU"],
                             _IOU_REASON),
    "optimizers": {
        "Muon": "left out: orthogonalised updates of 2-D weights, made for the distributed "
                "training of large models",
        "LossScaleOptimizer": "left out: loss scaling for mixed precision (float16) training; "
                              "numpynn trains in float32 and float64",
        "legacy": "left out: Keras 2's optimizers, which Keras 3 names only to raise an error",
    },
}


def keras_module(family):
    keras = references.keras()
    if family == "schedules":
        return keras.optimizers.schedules
    return getattr(keras, family)


def numpynn_module(family):
    return numpynn.optimizers.schedules if family == "schedules" else getattr(numpynn, family)


def keras_names(family):
    """The public names of Keras' module of ``family`` (for layers: those of ``LAYERS`` that
    Keras has, and its recurrent layers)."""
    module = keras_module(family)
    if family == "layers":
        return sorted({n for n in LAYERS if n not in NOT_IN_KERAS}
                      | {n for n in dir(module) if any(r in n for r in RECURRENT)})
    names = {n for n in dir(module) if not n.startswith("_")}
    if family == "optimizers":
        names.discard("schedules")  # a family of its own
    return sorted(names)


def not_supported(family):
    """{Keras name: why numpynn leaves it out}."""
    if family == "layers":
        return {n: _RECURRENT_REASON for n in keras_names("layers")
                if any(r in n for r in RECURRENT)}
    return dict(NOT_SUPPORTED.get(family, {}))


# -- what checks each name --------------------------------------------------------------------
class Checks:
    """{name: Counter((test module, test function) -> number of cases)}."""

    def __init__(self):
        self.by_name = {}

    def add(self, name, module, test, cases=1):
        assert callable(getattr(module, test, None)), f"{module.__name__} has no {test}"
        self.by_name.setdefault(name, Counter())[(module, test)] += cases


def _activation_checks(checks):
    module = test_activations_catalogue
    for name, _ in module.ELEMENTWISE:
        checks.add(name, module, "test_elementwise_value_and_gradient_equal_keras")
    for name, _ in module.OVER_AN_AXIS:
        checks.add(name, module, "test_axis_value_and_gradient_equal_keras")
    checks.add("sparsemax", module, "test_sparsemax_equals_keras_where_one_entry_is_kept")


#: the loss tests on edge inputs written for particular losses
LOSS_EDGE_TESTS = {
    "test_binary_crossentropy_at_and_beyond_the_clip_bounds": ("BinaryCrossentropy",
                                                               "BinaryFocalCrossentropy"),
    "test_categorical_crossentropy_at_the_clip_bounds_and_saturated": (
        "CategoricalCrossentropy", "CategoricalFocalCrossentropy"),
    "test_sparse_categorical_crossentropy_on_edge_probabilities": (
        "SparseCategoricalCrossentropy",),
    "test_ignore_class_counts_only_the_other_samples": ("SparseCategoricalCrossentropy",),
}


def _loss_checks(checks):
    module = test_losses_catalogue
    for class_name, _, _ in module.EDGE_CASES:
        checks.add(class_name, module, "test_edge_inputs_match_keras")
    for test, class_names in LOSS_EDGE_TESTS.items():
        for class_name in class_names:
            checks.add(class_name, module, test)
    for class_name, _, _ in loss_cases.CASES.values():
        checks.add(class_name, module, "test_value_and_gradient_match_keras_for_every_reduction")
        function = next(f for f, cls in numpynn.losses.FUNCTIONS.items()
                        if cls.__name__ == class_name)
        checks.add(function, module, "test_function_matches_keras_function")


def _metric_checks(checks):
    module = test_metrics_parity
    for name, _, kinds in module.CASES:
        checks.add(name, module, "test_update_state_and_result_equal_keras", 2 * len(kinds))
    for name, _ in module.FUNCTIONS:
        checks.add(name, module, "test_metric_functions_equal_keras")
    for name in ("Mean", "Sum", "MeanMetricWrapper"):
        checks.add(name, module, "test_mean_and_sum_of_values_equal_keras")
    for *_, specs in tables.EVALUATED.values():
        for spec in specs:
            checks.add(spec[1], test_conformance_metrics,
                       "test_evaluate_reports_what_keras_reports")


def _optimizer_checks(checks, schedules):
    module = test_optimizers_parity
    for case in module.META["cases"]:
        optimizer = case["optimizer"]
        checks.add(optimizer["class_name"], module, "test_trajectory_matches_reference")
        optimizer_map = optimizer["config"].get("optimizer_map", {})
        if optimizer_map.get("class_name") == "OptimizerMap":  # a MultiOptimizer's
            checks.add("OptimizerMap", module, "test_trajectory_matches_reference")
        lr = optimizer["config"].get("learning_rate")
        if isinstance(lr, dict):
            schedules.add(lr["class_name"], module, "test_trajectory_matches_reference")
    for schedule in module.META["schedules"]:
        schedules.add(schedule["class_name"], module, "test_schedule_matches_keras")


def _table_checks(checks, table, module, test):
    for entry in table.values():
        checks.add(entry[0], module, test)


def _initializer_checks(checks):
    module = test_conformance_initializers
    for name, _, _ in tables.INITIALIZERS.values():
        test = ("test_fixed_values_equal_keras" if name in tables.DETERMINISTIC
                else "test_distribution_equals_keras")
        checks.add(name, module, test)
    for name in {entry[0] for entry in tables.INITIALIZERS.values()}:
        checks.add(name, module, "test_config_keys_and_defaults_equal_keras")


def _layer_checks(checks):
    _table_checks(checks, tables.LAYERS, test_conformance_layers,
                  "test_value_and_gradients_equal_keras")
    checks.add("ActivityRegularization", test_conformance_layers,
               "test_activity_penalty_equals_keras_model_losses")
    module = test_activation_layers
    checks.add("ReLU", module, "test_relu_layer_equals_keras", len(module.RELU_CASES))
    for name, _ in module.OTHER_CASES:
        checks.add(name, module, "test_other_activation_layers_equal_keras")
    checks.add("PReLU", module, "test_prelu_value_and_gradients_equal_keras",
               len(module.PRELU_SHARED_AXES))
    checks.add("ThresholdedReLU", module,
               "test_thresholded_relu_is_keras_threshold_with_default_zero")
    penalties = test_layer_penalties_parity
    for make, _ in penalties.FAMILIES.values():
        checks.add(type(make(numpynn)[0]).__name__, penalties,
                   "test_sgd_step_with_penalties_and_constraints_matches_keras")
    checks.add("Dense", test_regularization_parity,
               "test_sgd_step_with_regularizers_and_constraints_matches_keras")


@functools.lru_cache(maxsize=None)
def checks():
    """{family: {name: Counter((module, test) -> cases)}} of every check that compares a
    name with Keras (aliases and utilities not included: see ``rows``)."""
    families = {family: Checks() for family in FAMILIES}
    _activation_checks(families["activations"])
    _loss_checks(families["losses"])
    _metric_checks(families["metrics"])
    _optimizer_checks(families["optimizers"], families["schedules"])
    for case, _ in test_conformance_penalties.PENALTY_CASES:
        families["regularizers"].add(tables.REGULARIZERS[case][0], test_conformance_penalties,
                                     "test_penalty_and_gradient_equal_keras")
    _table_checks(families["constraints"], tables.CONSTRAINTS, test_conformance_penalties,
                  "test_projection_equals_keras")
    _initializer_checks(families["initializers"])
    _layer_checks(families["layers"])
    return {family: checked.by_name for family, checked in families.items()}


# -- one row per Keras name ------------------------------------------------------------------
def alias_target(family, name, checked):
    """The checked name whose Keras object ``name`` also names (``l2`` -> ``L2``), if any."""
    module = keras_module(family)
    obj = getattr(module, name)
    return next((other for other in sorted(checked) if other != name
                 and getattr(module, other, None) is obj), None)


def rows(family):
    """[(Keras name, status, detail)]; status is "checked", "alias", "utility", "base
    class", "not supported" or "unaccounted" (detail: the checks, the alias' target, the
    reason)."""
    checked = checks()[family]
    excused = not_supported(family)
    result = []
    for name in keras_names(family):
        if name in checked:
            result.append((name, "checked", checked[name]))
        elif name in excused:
            result.append((name, "not supported", excused[name]))
        elif name in UTILITIES:
            result.append((name, "utility", None))
        elif BASES.get(family) == name:
            result.append((name, "base class", None))
        elif alias_target(family, name, checked):
            result.append((name, "alias", alias_target(family, name, checked)))
        else:
            result.append((name, "unaccounted", None))
    if family == "layers":
        result += [(name, "checked", checked[name]) for name in sorted(NOT_IN_KERAS)]
    return result


def unaccounted(family):
    return [name for name, status, _ in rows(family) if status == "unaccounted"]


def test_path(module):
    return pathlib.Path(inspect.getfile(module)).resolve().relative_to(ROOT).as_posix()
