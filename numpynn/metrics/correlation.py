"""Correlation metrics: running means of per-sample correlations along ``axis``.

- ``pearson_correlation``: mean(zy * zp), z = (x - mean x) / std x
- ``concordance_correlation``: mean(2 (y - mean p)(p - mean p) / (var y + var p + (mean y
  - mean p)^2 + eps)) (Keras' formula; Lin's coefficient when averaged)
"""
import numpy as np

from numpynn import backend
from numpynn.metrics.base import MeanWrapperWithConfig, metric_function, same_rank


def _pair(y_true, y_pred):
    y_pred = np.asarray(y_pred)
    return same_rank(np.asarray(y_true, dtype=y_pred.dtype), y_pred)


@metric_function
def pearson_correlation(y_true, y_pred, axis=-1):
    """Pearson's r of y and p along ``axis``."""
    y_true, y_pred = _pair(y_true, y_pred)

    def standardized(x):
        centred = x - np.mean(x, axis=axis, keepdims=True)
        return centred / np.std(centred, axis=axis, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.mean(standardized(y_true) * standardized(y_pred), axis=axis)


@metric_function
def concordance_correlation(y_true, y_pred, axis=-1):
    """Concordance of y and p along ``axis`` (1 when p == y)."""
    y_true, y_pred = _pair(y_true, y_pred)
    mean_true = np.mean(y_true, axis=axis, keepdims=True)
    mean_pred = np.mean(y_pred, axis=axis, keepdims=True)
    var_true = np.var(y_true - mean_true, axis=axis, keepdims=True)
    var_pred = np.var(y_pred - mean_pred, axis=axis, keepdims=True)
    covariance = (y_true - mean_pred) * (y_pred - mean_pred)
    norm = var_true + var_pred + (mean_true - mean_pred) ** 2
    return np.mean(2 * covariance / (norm + backend.epsilon()), axis=axis)


class PearsonCorrelation(MeanWrapperWithConfig):
    """Mean of ``pearson_correlation``.

    Args:
        axis: defaults to `-1`.
    """
    config_keys = ("axis",)

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        self.axis = axis
        super().__init__(pearson_correlation, name, dtype, axis=axis)


class ConcordanceCorrelation(MeanWrapperWithConfig):
    """Mean of ``concordance_correlation``.

    Args:
        axis: defaults to `-1`.
    """
    config_keys = ("axis",)

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        self.axis = axis
        super().__init__(concordance_correlation, name, dtype, axis=axis)
