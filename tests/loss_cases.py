"""One table of loss configurations and their inputs, shared by the loss tests.

``CASES[id] = (class name, kwargs, data kind)``; ``inputs(kind, rng)`` gives ``(y_true,
y_pred)`` in float64, away from clip bounds and kinks (the edge inputs have their own tests).
"""
import numpy as np

N, K = 6, 4


def _softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def inputs(kind, rng):
    z = rng.normal(size=(N, K))
    labels = rng.integers(0, K, size=N)
    if kind == "regression":
        return rng.normal(size=(N, K)), z
    if kind == "positive":  # counts and positive predictions (Poisson, MSLE, MAPE's y near 0)
        return rng.poisson(2.0, size=(N, K)).astype(float), rng.uniform(0.1, 4.0, size=(N, K))
    if kind == "distribution":  # soft labels against probabilities
        return rng.dirichlet(np.ones(K), size=N), _softmax(z)
    if kind == "binary":
        return (rng.random((N, K)) > 0.5).astype(float), rng.uniform(0.05, 0.95, size=(N, K))
    if kind == "binary_logits":
        return (rng.random((N, K)) > 0.5).astype(float), 2.0 * z
    if kind == "signed":  # hinge labels -1/+1 (0/1 labels are the binary kind)
        return np.where(rng.random((N, K)) > 0.5, 1.0, -1.0), z
    if kind == "one_hot":  # probabilities, rows not normalised: Keras renormalises them
        return np.eye(K)[labels], _softmax(z) * rng.uniform(0.5, 2.0, size=(N, 1))
    if kind == "one_hot_logits":
        return np.eye(K)[labels], 2.0 * z
    if kind == "one_hot_axis1":  # classes on axis 1 of (N, K, 3)
        seq = rng.normal(size=(N, K, 3))
        return np.moveaxis(np.eye(K)[rng.integers(0, K, (N, 3))], -1, 1), _softmax(seq, 1)
    if kind == "sparse":
        return labels, _softmax(z)
    if kind == "sparse_logits":
        return labels, 2.0 * z
    if kind == "sparse_sequence":  # (N, 3) labels, (N, 3, K) predictions, some ignored (-1)
        seq_labels = rng.integers(-1, K, size=(N, 3))
        return seq_labels, _softmax(rng.normal(size=(N, 3, K)))
    raise ValueError(kind)


CASES = {
    "mse": ("MeanSquaredError", {}, "regression"),
    "mae": ("MeanAbsoluteError", {}, "regression"),
    "mape": ("MeanAbsolutePercentageError", {}, "regression"),
    "mape_zero_targets": ("MeanAbsolutePercentageError", {}, "positive"),
    "msle": ("MeanSquaredLogarithmicError", {}, "positive"),
    "msle_negative": ("MeanSquaredLogarithmicError", {}, "regression"),
    "cosine": ("CosineSimilarity", {}, "regression"),
    "cosine_axis0": ("CosineSimilarity", {"axis": 0}, "regression"),
    "huber": ("Huber", {}, "regression"),
    "huber_delta": ("Huber", {"delta": 0.4}, "regression"),
    "log_cosh": ("LogCosh", {}, "regression"),
    "hinge": ("Hinge", {}, "signed"),
    "hinge_01": ("Hinge", {}, "binary_logits"),
    "squared_hinge": ("SquaredHinge", {}, "signed"),
    "squared_hinge_01": ("SquaredHinge", {}, "binary_logits"),
    "categorical_hinge": ("CategoricalHinge", {}, "one_hot_logits"),
    "kld": ("KLDivergence", {}, "distribution"),
    "poisson": ("Poisson", {}, "positive"),
    "bce": ("BinaryCrossentropy", {}, "binary"),
    "bce_logits": ("BinaryCrossentropy", {"from_logits": True}, "binary_logits"),
    "bce_smoothing": ("BinaryCrossentropy", {"label_smoothing": 0.2}, "binary"),
    "bce_axis0": ("BinaryCrossentropy", {"axis": 0, "from_logits": True}, "binary_logits"),
    "bfce": ("BinaryFocalCrossentropy", {}, "binary"),
    "bfce_balanced_logits": ("BinaryFocalCrossentropy",
                             {"apply_class_balancing": True, "alpha": 0.3, "gamma": 1.5,
                              "from_logits": True}, "binary_logits"),
    "bfce_smoothing_gamma0": ("BinaryFocalCrossentropy",
                              {"gamma": 0.0, "label_smoothing": 0.1}, "binary"),
    "cce": ("CategoricalCrossentropy", {}, "one_hot"),
    "cce_logits": ("CategoricalCrossentropy", {"from_logits": True}, "one_hot_logits"),
    "cce_smoothing": ("CategoricalCrossentropy", {"label_smoothing": 0.1}, "one_hot"),
    "cce_soft_labels": ("CategoricalCrossentropy", {}, "distribution"),
    "cce_axis1": ("CategoricalCrossentropy", {"axis": 1}, "one_hot_axis1"),
    "cce_axis1_logits": ("CategoricalCrossentropy", {"axis": 1, "from_logits": True},
                         "one_hot_axis1"),
    "cfce": ("CategoricalFocalCrossentropy", {}, "one_hot"),
    "cfce_logits_smoothing": ("CategoricalFocalCrossentropy",
                              {"alpha": 0.5, "gamma": 3.0, "from_logits": True,
                               "label_smoothing": 0.1}, "one_hot_logits"),
    "scce": ("SparseCategoricalCrossentropy", {}, "sparse"),
    "scce_logits": ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_logits"),
    "scce_ignore_class": ("SparseCategoricalCrossentropy", {"ignore_class": -1},
                          "sparse_sequence"),
    "scce_ignore_class_logits": ("SparseCategoricalCrossentropy",
                                 {"ignore_class": 2, "from_logits": True}, "sparse_logits"),
    "gce": ("CategoricalGeneralizedCrossEntropy", {}, "sparse"),
    "gce_q": ("CategoricalGeneralizedCrossEntropy", {"q": 0.8}, "sparse"),
}
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None]


def sample_weight(values_shape, rng):
    """One weight per sample (shape (n,), or (n, 1, ...) for sequences), the first one 0."""
    weights = rng.uniform(0.0, 2.0, size=values_shape[:1] + (1,) * (len(values_shape) - 1))
    weights[0] = 0.0
    return weights
