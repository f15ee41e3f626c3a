"""Every loss: its gradient against finite differences in float64, its config round trip, and
a short fit with it (loss finite and decreasing)."""
import json

import numpy as np
import pytest

import numpynn as keras
from numpynn import losses
from tests.loss_cases import CASES, inputs, sample_weight

H = 1e-6


def numerical_gradient(loss, y_true, y_pred, weights):
    """Central differences of the reduced loss (of sum(v * w) for "none")."""
    def total(pred):
        return np.sum(loss(y_true, pred, sample_weight=weights))
    grad = np.zeros_like(y_pred)
    for index in np.ndindex(y_pred.shape):
        step = np.zeros_like(y_pred)
        step[index] = H
        grad[index] = (total(y_pred + step) - total(y_pred - step)) / (2 * H)
    return grad


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "mean_with_sample_weight", "none"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_gradient_matches_finite_differences(case, reduction):
    class_name, kwargs, kind = CASES[case]
    rng = np.random.default_rng(sorted(CASES).index(case))
    y_true, y_pred = inputs(kind, rng)
    loss = getattr(losses, class_name)(reduction=reduction, **kwargs)
    for weights in (None, sample_weight(loss.values(y_true, y_pred).shape, rng)):
        analytical = loss.gradient(y_true, y_pred, sample_weight=weights)
        numerical = numerical_gradient(loss, y_true, y_pred, weights)
        scale = np.max(np.abs(numerical))
        np.testing.assert_allclose(analytical, numerical, rtol=1e-5, atol=1e-7 * scale)


@pytest.mark.parametrize("case", ["bce", "cce", "cce_logits", "cce_smoothing", "scce",
                                  "scce_ignore_class_logits"])
def test_fused_logits_gradient_equals_the_loss_gradient_through_the_activation(case):
    class_name, kwargs, kind = CASES[case]
    rng = np.random.default_rng(1)
    y_true, _ = inputs(kind.replace("_logits", ""), rng)
    kwargs = {k: v for k, v in kwargs.items() if k != "from_logits"}
    loss = getattr(losses, class_name)(reduction="sum", **kwargs)
    z = rng.normal(size=np.shape(y_true) + (4,) if "scce" in case else np.shape(y_true))
    activation = keras.activations.get(loss.fuses_with)
    p = activation(z)
    weights = sample_weight(loss.values(y_true, p).shape, rng)
    composed = activation.backward(loss.gradient(y_true, p, sample_weight=weights), z, p)
    np.testing.assert_allclose(loss.logits_gradient(y_true, p, sample_weight=weights), composed,
                               rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("case", sorted(CASES))
def test_config_round_trips_through_json_and_the_registry(case):
    class_name, kwargs, kind = CASES[case]
    loss = getattr(losses, class_name)(reduction="sum", name="my_loss", **kwargs)
    clone = losses.get(json.loads(json.dumps(losses.serialize(loss))))
    assert type(clone) is type(loss) and clone.get_config() == loss.get_config()
    y_true, y_pred = inputs(kind, np.random.default_rng(0))
    assert clone(y_true, y_pred) == loss(y_true, y_pred)


@pytest.mark.parametrize("name", sorted(losses.ALIASES))
def test_every_name_gives_its_loss_and_the_function_gives_its_class(name):
    loss = losses.get(name)
    assert isinstance(loss, losses.ALIASES[name])
    function_name = next(f for f, cls in losses.FUNCTIONS.items() if cls is type(loss))
    assert type(losses.get(getattr(losses, function_name))) is type(loss)


@pytest.mark.parametrize("bad, message", [
    (lambda: losses.MeanSquaredError(reduction="average"), "reduction must be one of"),
    (lambda: losses.Huber(delta=-1.0), "delta >= 0"),
    (lambda: losses.BinaryCrossentropy(label_smoothing=1.5), r"label_smoothing must be in \[0, 1\]"),
    (lambda: losses.CategoricalFocalCrossentropy(gamma=-2.0), "gamma >= 0"),
    (lambda: losses.CategoricalGeneralizedCrossEntropy(q=1.0), r"q must be in the interval"),
    (lambda: losses.SparseCategoricalCrossentropy(axis=1), "only axis=-1"),
])
def test_bad_arguments_say_what_to_do(bad, message):
    with pytest.raises(ValueError, match=message):
        bad()


def _targets(kind, n, rng):
    labels = rng.integers(0, 3, size=n)
    return {"regression": rng.normal(size=(n, 3)), "positive": rng.poisson(2.0, (n, 3)),
            "binary": (rng.random((n, 3)) > 0.5).astype(float), "labels": labels,
            "one_hot": np.eye(3)[labels], "distribution": rng.dirichlet(np.ones(3), size=n),
            "ignored": np.where(rng.random(n) < 0.2, -1, labels)}[kind]


# loss -> (output activation, target kind)
FIT_CASES = {
    "mse": ("linear", "regression"), "mae": ("linear", "regression"),
    "mape": ("linear", "regression"), "msle": ("softplus", "positive"),
    "cosine_similarity": ("linear", "regression"), "huber": ("linear", "regression"),
    "log_cosh": ("linear", "regression"), "poisson": ("softplus", "positive"),
    "hinge": ("tanh", "binary"), "squared_hinge": ("tanh", "binary"),
    "categorical_hinge": ("linear", "one_hot"), "kld": ("softmax", "distribution"),
    "binary_crossentropy": ("sigmoid", "binary"),
    "binary_focal_crossentropy": ("sigmoid", "binary"),
    "categorical_crossentropy": ("softmax", "one_hot"),
    "categorical_focal_crossentropy": ("softmax", "one_hot"),
    "sparse_categorical_crossentropy": ("softmax", "labels"),
    "categorical_generalized_cross_entropy": ("softmax", "labels"),
    losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1): ("linear", "ignored"),
    losses.BinaryCrossentropy(from_logits=True, reduction="sum"): ("linear", "binary"),
}


@pytest.mark.parametrize("loss", FIT_CASES,
                         ids=lambda l: l if isinstance(l, str) else str(l.get_config()))
def test_short_fit_with_each_loss_decreases_it(loss):
    activation, kind = FIT_CASES[loss]
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 5)).astype("float32")
    y = _targets(kind, 64, rng)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(8, activation="tanh"),
                              keras.layers.Dense(3, activation=activation)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss)
    history = model.fit(x, y, batch_size=16, epochs=6, verbose=0).history["loss"]
    assert np.all(np.isfinite(history)), history
    assert history[-1] < history[0], history
