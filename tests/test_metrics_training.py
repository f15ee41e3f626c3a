"""Metrics in compile(): fit and evaluate report the same keys and numbers as Keras 3, for
metrics given by name, as objects, classes and functions (weights copied from Keras)."""
import numpy as np
import pytest

import numpynn
from tests import references

# (output units, output activation, loss, kind of targets, metric specs); a spec is a name,
# ("object", class name, kwargs), ("class", class name) or ("function", function name)
TASKS = {
    "binary": (1, "sigmoid", "binary_crossentropy", "binary",
               ["accuracy", "acc", "auc", "precision", "recall", "mse", "mae", "AUC",
                "binary_accuracy", ("object", "BinaryAccuracy", {}),
                ("object", "AUC", {"curve": "PR", "name": "pr_auc"}),
                ("object", "TruePositives", {"name": "tp"}),
                ("object", "F1Score", {"average": "micro", "threshold": 0.5}),
                ("object", "PrecisionAtRecall", {"recall": 0.5, "name": "p_at_r"}), ("function", "binary_accuracy")]),
    "multilabel": (3, "sigmoid", "binary_crossentropy", "multilabel",
                   ["accuracy", "binary_accuracy",
                    ("object", "AUC", {"multi_label": True, "name": "ml_auc"}),
                    ("object", "Recall", {"class_id": 1, "name": "recall_of_1"})]),
    "sparse": (4, "softmax", "sparse_categorical_crossentropy", "sparse",
               ["accuracy", "sparse_top_k_categorical_accuracy", "sparse_categorical_crossentropy",
                ("object", "SparseTopKCategoricalAccuracy", {"k": 2, "name": "top2"})]),
    "categorical": (4, "softmax", "categorical_crossentropy", "categorical",
                    ["accuracy", "top_k_categorical_accuracy", "Precision", "kl_divergence",
                     ("class", "CategoricalHinge"), ("function", "categorical_accuracy"),
                     ("object", "F1Score", {"average": "macro"})]),
    "regression": (2, "linear", "mse", "regression",
                   ["mae", "mape", "r2_score", "RootMeanSquaredError", "cosine_similarity",
                    "log_cosh_error", "pearson_correlation", ("function", "mean_squared_error")]),
}


def targets(kind, n, rng):
    if kind == "binary":
        return rng.integers(0, 2, (n, 1)).astype("float32")
    if kind == "multilabel":
        return rng.integers(0, 2, (n, 3)).astype("float32")
    if kind == "sparse":
        return rng.integers(0, 4, n)
    if kind == "categorical":
        return np.eye(4, dtype="float32")[rng.integers(0, 4, n)]
    return rng.normal(size=(n, 2)).astype("float32")


def specs_for(library, specs):
    made = []
    for spec in specs:
        if isinstance(spec, str):
            made.append(spec)
        elif spec[0] == "object":
            made.append(getattr(library.metrics, spec[1])(**spec[2]))
        elif spec[0] == "class":
            made.append(getattr(library.metrics, spec[1]))
        else:
            made.append(getattr(library.metrics, spec[1]))
    return made


def models(library, units, activation, loss, specs):
    model = library.Sequential([library.Input(shape=(5,)), library.layers.Dense(6, activation="tanh"),
                                library.layers.Dense(units, activation=activation)])
    model.compile(optimizer=library.optimizers.SGD(0.1), loss=loss, metrics=specs_for(library, specs))
    return model


def assert_same_logs(ours, theirs):
    assert sorted(ours) == sorted(theirs)
    for key, value in theirs.items():
        np.testing.assert_allclose(np.asarray(ours[key]).squeeze(), np.asarray(value).squeeze(),
                                   rtol=1e-4, atol=1e-5, err_msg=key)


@pytest.mark.parametrize("task", list(TASKS))
def test_evaluate_and_one_epoch_of_fit_report_what_keras_reports(task):
    keras = references.keras()
    units, activation, loss, kind, specs = TASKS[task]
    rng = np.random.default_rng(7)
    x = rng.normal(size=(45, 5)).astype("float32")
    y = targets(kind, 45, rng)
    theirs = models(keras, units, activation, loss, specs)
    ours = models(numpynn, units, activation, loss, specs)
    ours.set_weights(theirs.get_weights())
    assert_same_logs(ours.evaluate(x, y, batch_size=8, verbose=0, return_dict=True),
                     theirs.evaluate(x, y, batch_size=8, verbose=0, return_dict=True))
    ours_history = ours.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0).history
    theirs_history = theirs.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0).history
    assert_same_logs({k: v[0] for k, v in ours_history.items()},
                     {k: v[0] for k, v in theirs_history.items()})
    values = ours.evaluate(x, y, batch_size=16, verbose=0)
    assert len(values) == len(specs) + 1 and ours.metrics_names[0] == "loss"


def test_compiled_metric_objects_survive_saving(tmp_path):
    model = models(numpynn, 1, "sigmoid", "binary_crossentropy", TASKS["binary"][4])
    x = np.random.default_rng(0).normal(size=(20, 5)).astype("float32")
    y = targets("binary", 20, np.random.default_rng(1))
    expected = model.evaluate(x, y, verbose=0, return_dict=True)
    model.save(tmp_path / "model.numpynn")
    loaded = numpynn.models.load_model(tmp_path / "model.numpynn")
    assert loaded.evaluate(x, y, verbose=0, return_dict=True) == pytest.approx(expected)


def test_the_fast_running_accuracy_is_a_plain_mean_of_matches():
    """The default accuracy is a mean of per-sample matches, computed on blocks of rows."""
    model = models(numpynn, 4, "softmax", "sparse_categorical_crossentropy", ["accuracy"])
    x = np.random.default_rng(0).normal(size=(30, 5)).astype("float32")
    y = targets("sparse", 30, np.random.default_rng(1))
    expected = np.mean(np.argmax(model.predict(x, verbose=0), axis=-1) == y)
    assert type(model.metrics[0]).__name__ == "SparseCategoricalAccuracy"
    assert model.evaluate(x, y, batch_size=7, verbose=0)[1] == pytest.approx(expected)
