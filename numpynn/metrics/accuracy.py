"""Accuracy metrics: the fraction of predictions that match the labels.

- ``accuracy``: y_pred == y_true exactly.
- ``binary_accuracy``: (y_pred > threshold) == y_true, per output.
- ``categorical_accuracy``: argmax y_pred == argmax y_true (one-hot labels).
- ``sparse_categorical_accuracy``: argmax y_pred == y_true (integer labels).
- ``top_k_categorical_accuracy`` / ``sparse_top_k_categorical_accuracy``: the label is
  among the k highest predictions (ties at the k-th place count as in).
"""
import numpy as np

from numpynn import backend
from numpynn.metrics.base import MeanWrapperWithConfig, metric_function, same_rank


def _floats(matches):
    return matches.astype(backend.floatx())


@metric_function
def accuracy(y_true, y_pred):
    """1.0 where y_pred == y_true, elementwise."""
    y_pred = np.asarray(y_pred)
    y_true, y_pred = same_rank(np.asarray(y_true, dtype=y_pred.dtype), y_pred)
    return _floats(y_true == y_pred)


@metric_function
def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where (y_pred > threshold) == y_true, elementwise."""
    y_true, y_pred = same_rank(np.asarray(y_true), np.asarray(y_pred))
    return _floats(y_true == (y_pred > threshold).astype(y_true.dtype))


@metric_function
def categorical_accuracy(y_true, y_pred):
    """1.0 where argmax y_pred == argmax y_true (one-hot labels), shape (batch, ...)."""
    return _floats(np.argmax(y_pred, axis=-1) == np.argmax(y_true, axis=-1))


def _sparse_labels(y_true, y_pred):
    """Integer labels shaped like y_pred without its class axis."""
    y_true = np.asarray(y_true)
    if y_true.ndim == np.ndim(y_pred) and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    return y_true


@metric_function
def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where argmax y_pred == y_true (integer labels), shape (batch, ...)."""
    labels = _sparse_labels(y_true, y_pred)
    matches = _floats(np.argmax(y_pred, axis=-1) == labels)
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = matches[..., 0]
    return matches


def _in_top_k(labels, y_pred, k):
    """Whether fewer than k classes score higher than the label (as tf.math.in_top_k)."""
    scores = np.asarray(y_pred).reshape(-1, np.shape(y_pred)[-1])
    labels = np.asarray(labels).reshape(-1).astype(np.intp)
    at_label = scores[np.arange(len(labels)), labels]
    higher = np.sum(scores > at_label[:, None], axis=-1)
    return (higher < k) & np.isfinite(at_label)


@metric_function
def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot label's class is among the k highest predictions."""
    labels = np.argmax(y_true, axis=-1)
    return _floats(_in_top_k(labels, y_pred, k)).reshape(labels.shape)


@metric_function
def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1.0 where the integer label is among the k highest predictions; with
    ``from_sorted_ids`` y_pred holds class ids sorted by score and the label must be in
    its first k columns."""
    labels = np.asarray(y_true)
    shape = labels.shape
    if from_sorted_ids:
        ids = np.asarray(y_pred).reshape(-1, np.shape(y_pred)[-1])
        matches = np.any(ids[:, :k] == labels.reshape(-1, 1), axis=1)
    else:
        matches = _in_top_k(labels, y_pred, k)
    return _floats(matches).reshape(shape)


class Accuracy(MeanWrapperWithConfig):
    """Mean of ``accuracy``: how often y_pred equals y_true exactly."""

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name, dtype)


class BinaryAccuracy(MeanWrapperWithConfig):
    """Mean of ``binary_accuracy``.

    Args:
        threshold: a prediction above it counts as 1. Defaults to `0.5`.
    """
    config_keys = ("threshold",)

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        self.threshold = threshold
        super().__init__(binary_accuracy, name, dtype, threshold=threshold)


class CategoricalAccuracy(MeanWrapperWithConfig):
    """Mean of ``categorical_accuracy`` (one-hot labels)."""

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name, dtype)


class SparseCategoricalAccuracy(MeanWrapperWithConfig):
    """Mean of ``sparse_categorical_accuracy`` (integer labels)."""

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name, dtype)


class TopKCategoricalAccuracy(MeanWrapperWithConfig):
    """Mean of ``top_k_categorical_accuracy``.

    Args:
        k: how many top predictions to look at. Defaults to `5`.
    """
    config_keys = ("k",)

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        self.k = k
        super().__init__(top_k_categorical_accuracy, name, dtype, k=k)


class SparseTopKCategoricalAccuracy(MeanWrapperWithConfig):
    """Mean of ``sparse_top_k_categorical_accuracy``.

    Args:
        k: defaults to `5`.
        from_sorted_ids: y_pred holds class ids sorted by score. Defaults to `False`.
    """

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None,
                 from_sorted_ids=False):
        self.k, self.from_sorted_ids = k, from_sorted_ids
        super().__init__(sparse_top_k_categorical_accuracy, name, dtype, k=k,
                         from_sorted_ids=from_sorted_ids)

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config
