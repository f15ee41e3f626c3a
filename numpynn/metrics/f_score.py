"""F-scores: F_beta = (1 + beta^2) P R / (beta^2 P + R), from TP, FP, FN per class.

A prediction is positive when above ``threshold``, or (threshold None) when it is its row's
maximum (and nonzero). ``average``: None (one score per class), ``"micro"`` (counts pooled
over classes), ``"macro"`` (mean of the class scores), ``"weighted"`` (class scores weighted
by each class's number of true labels).
"""
import numpy as np

from numpynn import backend
from numpynn.metrics.base import Metric, as_result

AVERAGES = (None, "micro", "macro", "weighted")


class FBetaScore(Metric):
    """F_beta score of multi-class or multi-label predictions, shape (batch, classes).

    Args:
        average: None, `"micro"`, `"macro"` or `"weighted"`. Defaults to `None`.
        beta: weight of recall against precision, a float > 0. Defaults to `1.0`.
        threshold: float in (0, 1], or None for the row maximum. Defaults to `None`.
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        if average not in AVERAGES:
            raise ValueError("Invalid `average` argument value. Expected one of: None, "
                             f"'micro', 'macro', 'weighted'. Received: average={average}")
        if not isinstance(beta, float) or beta <= 0.0:
            raise ValueError(f"Invalid `beta` argument value: it should be a Python float > 0. "
                             f"Received: beta={beta!r}")
        if threshold is not None and (not isinstance(threshold, float)
                                      or not 0.0 < threshold <= 1.0):
            raise ValueError("Invalid `threshold` argument value: it should be a Python float "
                             f"with 0 < threshold <= 1. Received: threshold={threshold!r}")
        self.average, self.beta, self.threshold = average, beta, threshold
        self.axis = None if average == "micro" else 0
        super().__init__(name, dtype)

    def reset_state(self):
        self.true_positives = self.false_positives = 0.0
        self.false_negatives = self.intermediate_weights = 0.0

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = np.asarray(y_true, dtype=self.dtype)
        y_pred = np.asarray(y_pred, dtype=self.dtype)
        if y_true.ndim != 2 or y_pred.ndim != 2:
            raise ValueError(f"{type(self).__name__} expects 2D inputs with shape (batch_size, "
                             f"output_dim). Received input shapes: y_pred.shape={y_pred.shape} "
                             f"and y_true.shape={y_true.shape}.")
        if self.threshold is None:
            positive = (y_pred >= y_pred.max(axis=-1, keepdims=True)) & (np.abs(y_pred) > 1e-9)
        else:
            positive = y_pred > self.threshold
        positive = positive.astype(self.dtype)
        weight = 1.0 if sample_weight is None else np.asarray(sample_weight,
                                                              dtype=self.dtype)[:, None]

        def weighted_sum(values):
            return np.sum(values * weight, axis=self.axis, dtype=np.float64)
        self.true_positives = self.true_positives + weighted_sum(positive * y_true)
        self.false_positives = self.false_positives + weighted_sum(positive * (1 - y_true))
        self.false_negatives = self.false_negatives + weighted_sum((1 - positive) * y_true)
        self.intermediate_weights = self.intermediate_weights + weighted_sum(y_true)

    def result(self):
        eps = backend.epsilon()
        tp = np.asarray(self.true_positives, dtype=np.float64)
        precision = tp / (tp + self.false_positives + eps)
        recall = tp / (tp + self.false_negatives + eps)
        beta2 = self.beta ** 2
        f_score = (1 + beta2) * precision * recall / (beta2 * precision + recall + eps)
        if self.average == "weighted":
            weights = self.intermediate_weights / (np.sum(self.intermediate_weights) + eps)
            return float(np.sum(f_score * weights))
        if self.average is not None:
            return float(np.mean(f_score))
        return as_result(f_score)

    def get_config(self):
        return {**super().get_config(), "average": self.average, "beta": self.beta,
                "threshold": self.threshold}


class F1Score(FBetaScore):
    """F_1 = 2 P R / (P + R). Args as ``FBetaScore`` without ``beta``."""

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
