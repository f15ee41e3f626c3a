"""Regression metrics: running means of per-sample errors, RMSE and R^2.

The per-sample functions are the losses of ``numpynn.losses`` (as in Keras, where
``keras.metrics.mean_squared_error`` is ``keras.losses.mean_squared_error``):
``mean_squared_error``, ``mean_absolute_error``, ``mean_absolute_percentage_error``,
``mean_squared_logarithmic_error``, ``log_cosh``, ``huber``; ``cosine_similarity`` is
sum(y / ||y|| * p / ||p||) over the last axis, the cosine loss with its sign turned.
``RootMeanSquaredError`` = sqrt(weighted mean of (y - p)^2); ``R2Score`` = 1 - SS_res / SS_tot
per output column.
"""
import warnings

import numpy as np

from numpynn import losses
from numpynn.metrics.base import (Mean, MeanWrapperWithConfig, Metric, as_result,
                                  metric_function, same_rank)


def _pair(y_true, y_pred):
    y_pred = np.asarray(y_pred)
    return same_rank(np.asarray(y_true, dtype=y_pred.dtype), y_pred)


mean_squared_error = metric_function(losses.mean_squared_error)
mean_absolute_error = metric_function(losses.mean_absolute_error)
mean_absolute_percentage_error = metric_function(losses.mean_absolute_percentage_error)
mean_squared_logarithmic_error = metric_function(losses.mean_squared_logarithmic_error)
log_cosh = metric_function(losses.log_cosh)
huber = metric_function(losses.huber)


@metric_function
def cosine_similarity(y_true, y_pred, axis=-1):
    """sum(y/||y|| * p/||p||) along ``axis``: 1 for the same direction, -1 for opposite (the
    loss ``losses.cosine_similarity`` with the sign turned)."""
    return -losses.cosine_similarity(y_true, y_pred, axis=axis)


class MeanSquaredError(MeanWrapperWithConfig):
    """Mean of ``mean_squared_error``."""

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name, dtype)


class MeanAbsoluteError(MeanWrapperWithConfig):
    """Mean of ``mean_absolute_error``."""

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name, dtype)


class MeanAbsolutePercentageError(MeanWrapperWithConfig):
    """Mean of ``mean_absolute_percentage_error``."""

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name, dtype)


class MeanSquaredLogarithmicError(MeanWrapperWithConfig):
    """Mean of ``mean_squared_logarithmic_error``."""

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, name, dtype)


class LogCoshError(MeanWrapperWithConfig):
    """Mean of ``log_cosh``."""

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(log_cosh, name, dtype)


class CosineSimilarity(MeanWrapperWithConfig):
    """Mean of ``cosine_similarity``.

    Args:
        axis: the axis of the vectors. Defaults to `-1`.
    """
    config_keys = ("axis",)

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        self.axis = axis
        super().__init__(cosine_similarity, name, dtype, axis=axis)


class RootMeanSquaredError(Mean):
    """sqrt of the weighted mean of (y - p)^2 over every batch so far."""

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name, dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = _pair(np.asarray(y_true, dtype=self.dtype),
                               np.asarray(y_pred, dtype=self.dtype))
        super().update_state((y_pred - y_true) ** 2, sample_weight)

    def result(self):
        return float(np.sqrt(super().result()))


class R2Score(Metric):
    """Coefficient of determination per output: 1 - sum w (y - p)^2 / sum w (y - mean y)^2.

    Args:
        class_aggregation: `"uniform_average"` (mean over outputs),
            `"variance_weighted_average"` (weighted by each output's variance) or None (one
            score per output). Defaults to `"uniform_average"`.
        num_regressors: p of the adjusted R^2, 1 - (1 - R^2)(n - 1)/(n - p - 1), n the
            number of target values. Defaults to `0` (plain R^2).
    """

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score",
                 dtype=None):
        if class_aggregation not in (None, "uniform_average", "variance_weighted_average"):
            raise ValueError("Invalid value for argument `class_aggregation`. Expected one of "
                             "None, 'uniform_average', 'variance_weighted_average'. Received: "
                             f"class_aggregation={class_aggregation}")
        if num_regressors < 0:
            raise ValueError("Invalid value for argument `num_regressors`: expected a value "
                             f">= 0. Received: num_regressors={num_regressors}")
        self.class_aggregation, self.num_regressors = class_aggregation, num_regressors
        super().__init__(name, dtype)

    def reset_state(self):
        self.num_samples = 0
        self.sum = self.squared_sum = self.total_mse = self.count = np.float64(0.0)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = _pair(np.asarray(y_true, dtype=self.dtype),
                               np.asarray(y_pred, dtype=self.dtype))
        if y_true.ndim != 2 or y_pred.ndim != 2:
            raise ValueError("R2Score expects 2D inputs with shape (batch_size, output_dim). "
                             f"Received input shapes: y_pred.shape={y_pred.shape} and "
                             f"y_true.shape={y_true.shape}.")
        weight = np.asarray(1.0 if sample_weight is None else sample_weight, dtype=self.dtype)
        if weight.ndim == 1:
            weight = weight[:, None]
        weight = np.broadcast_to(weight, y_true.shape)
        self.sum = self.sum + np.sum(y_true * weight, axis=0, dtype=np.float64)
        self.squared_sum = self.squared_sum + np.sum(y_true * y_true * weight, axis=0,
                                                     dtype=np.float64)
        self.total_mse = self.total_mse + np.sum((y_true - y_pred) ** 2 * weight, axis=0,
                                                 dtype=np.float64)
        self.count = self.count + np.sum(weight, axis=0, dtype=np.float64)
        self.num_samples += y_true.size

    def result(self):
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = self.sum / self.count
            total = self.squared_sum - self.sum * mean
            scores = 1 - self.total_mse / total
        scores = np.where(np.isinf(scores), 0.0, scores)
        if self.class_aggregation == "uniform_average":
            score = np.mean(scores)
        elif self.class_aggregation == "variance_weighted_average":
            score = np.sum(total * scores) / np.sum(total)
        else:
            score = scores
        n, p = self.num_samples, self.num_regressors
        if p and p > n - 1:
            warnings.warn("More independent predictors than datapoints in adjusted R2 score. "
                          "Falling back to standard R2 score.", stacklevel=2)
        elif p and p == n - 1:
            warnings.warn("Division by zero in Adjusted R2 score. Falling back to standard R2 "
                          "score.", stacklevel=2)
        elif p:
            score = 1 - (1 - score) * (n - 1) / (n - p - 1)
        return as_result(score)

    def get_config(self):
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}
