"""Hinge metrics: running means of margin losses. Labels in {0, 1} become {-1, 1} first.

Per sample: ``hinge`` mean(max(1 - y p, 0)); ``squared_hinge`` mean(max(1 - y p, 0)^2);
``categorical_hinge`` max(max((1 - y) p) - sum(y p) + 1, 0) (one-hot y).
"""
import numpy as np

from numpynn.metrics.base import MeanWrapperWithConfig, metric_function


def _signed_labels(y_true, y_pred):
    y = np.asarray(y_true, dtype=y_pred.dtype)
    return 2.0 * y - 1.0 if np.all((y == 0) | (y == 1)) else y


@metric_function
def hinge(y_true, y_pred):
    """mean(max(1 - y p, 0)) over the last axis."""
    y_pred = np.asarray(y_pred)
    return np.mean(np.maximum(1.0 - _signed_labels(y_true, y_pred) * y_pred, 0.0), axis=-1)


@metric_function
def squared_hinge(y_true, y_pred):
    """mean(max(1 - y p, 0)^2) over the last axis."""
    y_pred = np.asarray(y_pred)
    margin = np.maximum(1.0 - _signed_labels(y_true, y_pred) * y_pred, 0.0)
    return np.mean(margin * margin, axis=-1)


@metric_function
def categorical_hinge(y_true, y_pred):
    """max(neg - pos + 1, 0), pos = sum(y p), neg = max((1 - y) p) (one-hot y)."""
    y_pred = np.asarray(y_pred)
    y = np.asarray(y_true, dtype=y_pred.dtype)
    pos = np.sum(y * y_pred, axis=-1)
    neg = np.max((1.0 - y) * y_pred, axis=-1)
    return np.maximum(neg - pos + 1.0, 0.0)


class Hinge(MeanWrapperWithConfig):
    """Mean of ``hinge`` (labels -1/1, or 0/1 converted)."""

    def __init__(self, name="hinge", dtype=None):
        super().__init__(hinge, name, dtype)


class SquaredHinge(MeanWrapperWithConfig):
    """Mean of ``squared_hinge``."""

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, name, dtype)


class CategoricalHinge(MeanWrapperWithConfig):
    """Mean of ``categorical_hinge``."""

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name, dtype)
