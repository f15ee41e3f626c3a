"""Hinge losses for maximum-margin classifiers. Labels 0/1 become -1/+1 (only where every
label of the batch is 0 or 1, as Keras does); k = outputs per sample.

TF's max(x, 0) passes the gradient where x = 0, so the margins below count with ``>= 0``.
"""
import numpy as np

from numpynn.losses.base import ElementwiseLoss, Loss


def signed_labels(y_true):
    """2 y - 1 where every label is 0 or 1, else the labels unchanged."""
    if np.all((y_true == 0) | (y_true == 1)):
        return 2.0 * y_true - 1.0
    return y_true


class Hinge(ElementwiseLoss):
    """L = mean(max(1 - y p, 0));  dL/dp = -y [1 - y p >= 0] / k."""
    name = "hinge"

    def elementwise(self, y_true, y_pred):
        return np.maximum(1.0 - signed_labels(y_true) * y_pred, 0.0)

    def elementwise_gradient(self, y_true, y_pred):
        y = signed_labels(y_true)
        return np.where(1.0 - y * y_pred >= 0.0, -y, 0.0)


class SquaredHinge(ElementwiseLoss):
    """L = mean(max(1 - y p, 0)^2);  dL/dp = -2 y max(1 - y p, 0) / k."""
    name = "squared_hinge"

    def elementwise(self, y_true, y_pred):
        return np.maximum(1.0 - signed_labels(y_true) * y_pred, 0.0) ** 2

    def elementwise_gradient(self, y_true, y_pred):
        y = signed_labels(y_true)
        return -2.0 * y * np.maximum(1.0 - y * y_pred, 0.0)


class CategoricalHinge(Loss):
    """L = max(max_k((1 - y_k) p_k) - sum_k y_k p_k + 1, 0), y one-hot.

    dL/dp = [margin >= 0] ((1 - y) t - y), t = 1 at the largest (1 - y_k) p_k (shared equally
    among ties, as TF's max does).
    """
    name = "categorical_hinge"

    @staticmethod
    def _parts(y_true, y_pred):
        others = (1.0 - y_true) * y_pred
        negative = np.max(others, axis=-1)
        return others, negative, negative - np.sum(y_true * y_pred, axis=-1) + 1.0

    def call(self, y_true, y_pred):
        return np.maximum(self._parts(y_true, y_pred)[2], 0.0)

    def backward(self, y_true, y_pred, grad_values):
        others, negative, margin = self._parts(y_true, y_pred)
        top = others == negative[..., None]
        top = top / np.sum(top, axis=-1, keepdims=True)
        scale = np.where(margin >= 0.0, grad_values, 0.0)[..., None]
        return ((1.0 - y_true) * top - y_true) * scale
