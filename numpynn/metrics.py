"""Metrics: numbers reported during training, averaged over the samples seen so far.

``"accuracy"`` is resolved as Keras does, from the loss and the output shape:
binary (one output or binary cross-entropy: p > 0.5 vs label), sparse categorical
(integer labels: argmax p == label) or categorical (one-hot labels: argmax p == argmax y).
"""
import numpy as np

from numpynn import losses, registry


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Per-sample mean of (p > threshold) == y, shape (batch,)."""
    y_true = losses._as_2d(np.asarray(y_true), y_pred)
    return np.mean((y_pred > threshold) == (y_true > 0.5), axis=-1)


def categorical_accuracy(y_true, y_pred):
    """1.0 where argmax p == argmax y (one-hot labels), shape (batch,)."""
    return (np.argmax(y_pred, axis=-1) == np.argmax(y_true, axis=-1)).astype(np.float64)


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where argmax p == label (integer labels), shape (batch,)."""
    labels = np.asarray(y_true).reshape(y_pred.shape[:-1])
    return (np.argmax(y_pred, axis=-1) == labels).astype(np.float64)


def mean_squared_error(y_true, y_pred):
    return losses.mean_squared_error(y_true, y_pred)


def mean_absolute_error(y_true, y_pred):
    return losses.mean_absolute_error(y_true, y_pred)


class Mean:
    """Running, sample-weighted mean of per-sample values of ``fn(y_true, y_pred)``.

    Args:
        fn: function returning per-sample values, shape (batch,).
        name: the key under which ``fit`` reports it.
    """

    def __init__(self, fn, name):
        self.fn, self.name = fn, name
        self.reset_state()

    def reset_state(self):
        self.total, self.count = 0.0, 0

    def update_state(self, y_true, y_pred):
        values = self.fn(y_true, y_pred)
        self.total += float(np.sum(values))
        self.count += int(np.size(values))

    def result(self):
        return self.total / self.count if self.count else 0.0

    def get_config(self):
        return {"name": self.name, "fn": self.fn.__name__}


FUNCTIONS = {f.__name__: f for f in (binary_accuracy, categorical_accuracy,
                                     sparse_categorical_accuracy, mean_squared_error,
                                     mean_absolute_error)}
FUNCTIONS.update({"mse": mean_squared_error, "mae": mean_absolute_error})


def get(identifier, loss=None, output_units=None):
    """A ``Mean`` metric from a name, resolving ``"accuracy"``/``"acc"`` from the loss and
    output size as Keras does. The reported name is the one given."""
    if isinstance(identifier, Mean):
        return identifier
    if callable(identifier):
        return Mean(identifier, identifier.__name__)
    if identifier in ("accuracy", "acc"):
        if output_units == 1 or isinstance(loss, losses.BinaryCrossentropy):
            fn = binary_accuracy
        elif isinstance(loss, losses.SparseCategoricalCrossentropy):
            fn = sparse_categorical_accuracy
        else:
            fn = categorical_accuracy
        return Mean(fn, identifier)
    return Mean(registry.lookup(identifier, "metric", FUNCTIONS), identifier)
