"""Regression losses: each the mean over the last axis of an element-wise error (cosine
similarity: a sum over ``axis``). e = p - y, k = outputs per sample."""
import numpy as np

from numpynn import backend
from numpynn.losses.base import ElementwiseLoss, Loss

LOG_2 = np.log(2.0)


class MeanSquaredError(ElementwiseLoss):
    """L = mean(e^2);  dL/dp = 2 e / k."""
    name = "mean_squared_error"

    def elementwise(self, y_true, y_pred):
        diff = y_pred - y_true
        return diff * diff

    def elementwise_gradient(self, y_true, y_pred):
        return 2.0 * (y_pred - y_true)


class MeanAbsoluteError(ElementwiseLoss):
    """L = mean(|e|);  dL/dp = sign(e) / k."""
    name = "mean_absolute_error"

    def elementwise(self, y_true, y_pred):
        return np.abs(y_pred - y_true)

    def elementwise_gradient(self, y_true, y_pred):
        return np.sign(y_pred - y_true)


class MeanAbsolutePercentageError(ElementwiseLoss):
    """L = 100 mean(|e| / max(|y|, eps));  dL/dp = 100 sign(e) / max(|y|, eps) / k."""
    name = "mean_absolute_percentage_error"

    def elementwise(self, y_true, y_pred):
        return 100.0 * np.abs(y_pred - y_true) / np.maximum(np.abs(y_true), backend.epsilon())

    def elementwise_gradient(self, y_true, y_pred):
        return 100.0 * np.sign(y_pred - y_true) / np.maximum(np.abs(y_true), backend.epsilon())


def _float32_epsilon():
    """Keras' MSLE keeps epsilon a float32 constant (1.0000000116860974e-07), also in float64."""
    return float(np.float32(backend.epsilon()))


class MeanSquaredLogarithmicError(ElementwiseLoss):
    """L = mean((log(1 + max(p, eps)) - log(1 + max(y, eps)))^2);
    dL/dp = 2 (log(1 + max(p, eps)) - log(1 + max(y, eps))) / (1 + p) / k where p >= eps, else 0.
    """
    name = "mean_squared_logarithmic_error"

    def _log_gap(self, y_true, y_pred):
        eps = _float32_epsilon()
        return np.log1p(np.maximum(y_pred, eps)) - np.log1p(np.maximum(y_true, eps))

    def elementwise(self, y_true, y_pred):
        return self._log_gap(y_true, y_pred) ** 2

    def elementwise_gradient(self, y_true, y_pred):
        eps = _float32_epsilon()
        slope = np.where(y_pred >= eps, 1.0 / (1.0 + np.maximum(y_pred, eps)), 0.0)
        return 2.0 * self._log_gap(y_true, y_pred) * slope


class Huber(ElementwiseLoss):
    """L = mean(e^2 / 2 where |e| <= delta, else delta |e| - delta^2 / 2);
    dL/dp = clip(e, -delta, delta) / k.

    Args:
        delta: where the loss turns from quadratic to linear. Defaults to `1.0`.
    """
    name = "huber_loss"

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name=None):
        super().__init__(name=name, reduction=reduction)
        if delta < 0:
            raise ValueError(f"Huber needs delta >= 0, got {delta}.")
        self.delta = float(delta)

    def elementwise(self, y_true, y_pred):
        error = np.abs(y_pred - y_true)
        return np.where(error <= self.delta, 0.5 * error * error,
                        self.delta * error - 0.5 * self.delta * self.delta)

    def elementwise_gradient(self, y_true, y_pred):
        return np.clip(y_pred - y_true, -self.delta, self.delta)

    def get_config(self):
        return {**super().get_config(), "delta": self.delta}


class LogCosh(ElementwiseLoss):
    """L = mean(log cosh e), computed as |e| + log(1 + e^{-2|e|}) - log 2;  dL/dp = tanh(e) / k."""
    name = "log_cosh"

    def elementwise(self, y_true, y_pred):
        error = np.abs(y_pred - y_true)
        return error + np.log1p(np.exp(-2.0 * error)) - LOG_2

    def elementwise_gradient(self, y_true, y_pred):
        return np.tanh(y_pred - y_true)


class CosineSimilarity(Loss):
    """L = -sum(y_n p_n) over ``axis``, x_n = x min(1 / |x|, 1 / eps) (so a zero vector gives 0).

    dL/dp = r (g - r^2 (g . p) p) with g = dL/dp_n = -y_n and r = 1 / |p|
    (where 1 / |p| > 1 / eps, r = 1 / eps is a constant and dL/dp = g / eps).

    Args:
        axis: the axis along which the similarity is computed. Defaults to `-1`.
    """
    name = "cosine_similarity"

    def __init__(self, axis=-1, reduction="sum_over_batch_size", name=None):
        super().__init__(name=name, reduction=reduction)
        self.axis = int(axis)

    def _inverse_norm(self, x):
        """(min(1 / |x|, 1 / eps), where 1 / |x| is the smaller one), along ``axis``."""
        with np.errstate(divide="ignore"):
            inverse = 1.0 / np.sqrt(np.sum(x * x, axis=self.axis, keepdims=True))
        limit = 1.0 / backend.epsilon()
        return np.minimum(inverse, limit), inverse <= limit

    def call(self, y_true, y_pred):
        y_unit = y_true * self._inverse_norm(y_true)[0]
        return -np.sum(y_unit * y_pred * self._inverse_norm(y_pred)[0], axis=self.axis)

    def backward(self, y_true, y_pred, grad_values):
        g = -y_true * self._inverse_norm(y_true)[0] * np.expand_dims(grad_values, self.axis)
        r, scaled = self._inverse_norm(y_pred)
        along = np.sum(g * y_pred, axis=self.axis, keepdims=True)
        return r * g - np.where(scaled, r ** 3 * along, 0.0) * y_pred

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
