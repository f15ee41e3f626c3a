"""Every metric class and metric function of keras.metrics (the IoU family aside) through
``compile`` and ``evaluate``: numpynn reports the keys and numbers Keras 3 reports, from the
same weights and data (``tables.EVALUATED``)."""
import numpy as np
import pytest

import numpynn
from tests import references
from tests.conformance.tables import EVALUATED
from tests.test_metrics_training import assert_same_logs
from tests.test_metrics_training import targets as classification_targets

EXACT_BIAS = np.array([0.25, -0.5, 1.0], dtype="float32")


def targets(kind, n, rng):
    if kind == "positive":
        return rng.poisson(2.0, (n, 2)).astype("float32")
    if kind == "exact":  # each value the model's output (the bias) or one more
        return EXACT_BIAS + rng.integers(0, 2, (n, 3)).astype("float32")
    return classification_targets(kind, n, rng)


def metric_objects(library, specs):
    made = []
    for spec in specs:
        if spec[0] == "function":
            made.append(getattr(library.metrics, spec[1]))
            continue
        _, class_name, kwargs = spec
        if "fn" in kwargs:
            kwargs = {**kwargs, "fn": getattr(library.metrics, kwargs["fn"])}
        made.append(getattr(library.metrics, class_name)(**kwargs))
    return made


def compiled_model(library, task):
    """The model; Keras' runs eagerly (tracing a graph of this many metrics takes longer
    than six eager batches)."""
    units, activation, loss, _, specs = EVALUATED[task]
    model = library.Sequential([library.Input(shape=(5,)),
                                library.layers.Dense(6, activation="tanh"),
                                library.layers.Dense(units, activation=activation)])
    eager = {"run_eagerly": True} if library is not numpynn else {}
    model.compile(optimizer=library.optimizers.SGD(0.1), loss=loss,
                  metrics=metric_objects(library, specs), **eager)
    return model


@pytest.mark.parametrize("task", sorted(EVALUATED))
def test_evaluate_reports_what_keras_reports(task):
    keras = references.keras()
    rng = np.random.default_rng(sorted(EVALUATED).index(task))
    x = rng.normal(size=(45, 5)).astype("float32")
    y = targets(EVALUATED[task][3], 45, rng)
    theirs, ours = compiled_model(keras, task), compiled_model(numpynn, task)
    weights = theirs.get_weights()
    if task == "exact":
        weights[-2][...], weights[-1][...] = 0.0, EXACT_BIAS
        theirs.set_weights(weights)
    ours.set_weights(weights)
    expected = theirs.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    got = ours.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    assert_same_logs(got, expected)
    if task == "exact":
        assert 0.2 < expected["exact_acc"] < 0.8, "Accuracy must see both equal and unequal values"


def test_every_spec_names_a_keras_metric():
    keras = references.keras()
    for _, _, _, _, specs in EVALUATED.values():
        for spec in specs:
            assert callable(getattr(keras.metrics, spec[1])), spec
