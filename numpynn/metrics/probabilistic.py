"""Probabilistic metrics: running means of cross-entropies, KL divergence and Poisson.

Cross-entropies use numpynn's losses (probabilities clipped to [eps, 1 - eps]). Per sample:
- ``kl_divergence``: sum(y log(y / p)), y and p clipped to [eps, 1]
- ``poisson``: mean(p - y log(p + eps))
"""
import numpy as np

from numpynn import backend, losses
from numpynn.metrics.base import MeanWrapperWithConfig, metric_function


def _targets(y_true, y_pred):
    """Let (n,) targets meet (n, 1) predictions."""
    y_true = np.asarray(y_true, dtype=y_pred.dtype)
    if y_true.ndim == y_pred.ndim - 1 and y_pred.shape[-1] == 1:
        y_true = y_true[..., None]
    return y_true


@metric_function
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """-mean(y log p + (1 - y) log(1 - p)) over ``axis`` (see ``losses.BinaryCrossentropy``)."""
    y_pred = np.moveaxis(np.asarray(y_pred), axis, -1)
    loss = losses.BinaryCrossentropy(from_logits=from_logits, label_smoothing=label_smoothing)
    return loss.call(np.moveaxis(_targets(y_true, y_pred), axis, -1), y_pred)


@metric_function
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """-sum(y log p) over ``axis`` (see ``losses.CategoricalCrossentropy``)."""
    y_pred = np.asarray(y_pred)
    loss = losses.CategoricalCrossentropy(from_logits=from_logits,
                                          label_smoothing=label_smoothing, axis=axis)
    return loss.call(np.asarray(y_true, dtype=y_pred.dtype), y_pred)


@metric_function
def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None,
                                    axis=-1):
    """-log p[label] (see ``losses.SparseCategoricalCrossentropy``); 0 where the label is
    ``ignore_class``."""
    y_pred = np.moveaxis(np.asarray(y_pred), axis, -1)
    labels = np.asarray(y_true)
    if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]
    ignored = None if ignore_class is None else labels == ignore_class
    if ignored is not None:
        labels = np.where(ignored, 0, labels)
    values = losses.SparseCategoricalCrossentropy(from_logits=from_logits).call(labels, y_pred)
    return values if ignored is None else np.where(ignored, 0.0, values)


@metric_function
def kl_divergence(y_true, y_pred):
    """sum(y log(y / p)) over the last axis, y and p clipped to [eps, 1]."""
    y_pred = np.asarray(y_pred)
    eps = backend.epsilon()
    y = np.clip(np.asarray(y_true, dtype=y_pred.dtype), eps, 1)
    p = np.clip(y_pred, eps, 1)
    return np.sum(y * np.log(y / p), axis=-1)


@metric_function
def poisson(y_true, y_pred):
    """mean(p - y log(p + eps)) over the last axis."""
    y_pred = np.asarray(y_pred)
    y = np.asarray(y_true, dtype=y_pred.dtype)
    return np.mean(y_pred - y * np.log(y_pred + backend.epsilon()), axis=-1)


class BinaryCrossentropy(MeanWrapperWithConfig):
    """Mean of ``binary_crossentropy``.

    Args:
        from_logits: predictions are logits. Defaults to `False`.
        label_smoothing: y -> y (1 - s) + s / 2. Defaults to `0`.
    """
    config_keys = ("from_logits", "label_smoothing")

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0):
        self.from_logits, self.label_smoothing = from_logits, label_smoothing
        super().__init__(binary_crossentropy, name, dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)


class CategoricalCrossentropy(MeanWrapperWithConfig):
    """Mean of ``categorical_crossentropy`` (one-hot labels).

    Args:
        from_logits: defaults to `False`.
        label_smoothing: y -> y (1 - s) + s / classes. Defaults to `0`.
        axis: class axis. Defaults to `-1`.
    """
    config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0, axis=-1):
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis
        super().__init__(categorical_crossentropy, name, dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(MeanWrapperWithConfig):
    """Mean of ``sparse_categorical_crossentropy`` (integer labels).

    Args:
        from_logits: defaults to `False`.
        ignore_class: a label whose samples are left out (counted as 0 when there is no
            ``sample_weight``, as in Keras). Defaults to `None`.
        axis: class axis. Defaults to `-1`.
    """
    config_keys = ("from_logits", "ignore_class", "axis")

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False,
                 ignore_class=None, axis=-1):
        self.from_logits, self.ignore_class, self.axis = from_logits, ignore_class, axis
        super().__init__(sparse_categorical_crossentropy, name, dtype, from_logits=from_logits,
                         ignore_class=ignore_class, axis=axis)

    def update_state(self, y_true, y_pred, sample_weight=None):
        # as Keras: ignored samples count as 0 without weights, and not at all with weights
        if sample_weight is not None and self.ignore_class is not None:
            labels = np.asarray(y_true)
            if labels.ndim > 1 and labels.shape[-1] == 1:
                labels = labels[..., 0]
            weight = np.asarray(sample_weight)
            weight = weight.reshape(weight.shape + (1,) * (labels.ndim - weight.ndim))
            sample_weight = weight * (labels != self.ignore_class)
        super().update_state(y_true, y_pred, sample_weight)


class KLDivergence(MeanWrapperWithConfig):
    """Mean of ``kl_divergence``."""

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, name, dtype)


class Poisson(MeanWrapperWithConfig):
    """Mean of ``poisson``."""

    def __init__(self, name="poisson", dtype=None):
        super().__init__(poisson, name, dtype)
