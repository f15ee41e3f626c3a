"""Probabilistic losses over independent outputs: KL divergence, Poisson, binary
cross-entropy and its focal variant. k = outputs per sample, eps = 1e-7.

With probabilities, p is clipped to [eps, 1 - eps] as Keras does; TF's clip passes the
gradient at the bounds themselves, so only p outside [eps, 1 - eps] gets a zero gradient.
"""
import numpy as np

from numpynn import backend
from numpynn.losses.base import ElementwiseLoss, Loss, check_probability_targets, clip_mask, sigmoid


def check_label_smoothing(label_smoothing):
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing}.")
    return float(label_smoothing)


class KLDivergence(Loss):
    """L = sum(y log(y / p)) with y, p clipped to [eps, 1];  dL/dp = -y / p (0 where clipped)."""
    name = "kl_divergence"

    def call(self, y_true, y_pred):
        eps = backend.epsilon()
        y, p = np.clip(y_true, eps, 1.0), np.clip(y_pred, eps, 1.0)
        return np.sum(y * np.log(y / p), axis=-1)

    def backward(self, y_true, y_pred, grad_values):
        eps = backend.epsilon()
        y, p = np.clip(y_true, eps, 1.0), np.clip(y_pred, eps, 1.0)
        return np.where(clip_mask(y_pred, eps, 1.0), -y / p, 0.0) * grad_values[..., None]


class Poisson(ElementwiseLoss):
    """L = mean(p - y log(p + eps));  dL/dp = (1 - y / (p + eps)) / k."""
    name = "poisson"

    def elementwise(self, y_true, y_pred):
        return y_pred - y_true * np.log(y_pred + backend.epsilon())

    def elementwise_gradient(self, y_true, y_pred):
        return 1.0 - y_true / (y_pred + backend.epsilon())


class BinaryCrossentropy(ElementwiseLoss):
    """L = -mean(y log p + (1 - y) log(1 - p)) over ``axis``; p = sigmoid(z) if ``from_logits``.

    dL/dp = (-y / p + (1 - y) / (1 - p)) / k (0 where p is clipped); with logits
    dL/dz = (sigmoid(z) - y) / k, also the fused gradient of a sigmoid output.

    Args:
        from_logits: whether predictions are logits z rather than probabilities. Defaults to `False`.
        label_smoothing: y -> y (1 - s) + s / 2. Defaults to `0.0`.
        axis: the axis of the mean. Defaults to `-1`.
    """
    name = "binary_crossentropy"
    fuses_with = "sigmoid"

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name=None):
        super().__init__(name=name, reduction=reduction)
        self.from_logits = bool(from_logits)
        self.label_smoothing = check_label_smoothing(label_smoothing)
        self.axis = int(axis)

    def smooth(self, y_true):
        if self.label_smoothing:
            return y_true * (1.0 - self.label_smoothing) + 0.5 * self.label_smoothing
        return y_true

    def elementwise(self, y_true, y_pred):
        y = self.smooth(y_true)
        if self.from_logits:  # log(1 + e^z) - y z, written so that e^{-|z|} never overflows
            z = y_pred
            return np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
        eps = backend.epsilon()
        p = np.clip(y_pred, eps, 1.0 - eps)
        return -(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))

    def elementwise_gradient(self, y_true, y_pred):
        y = self.smooth(y_true)
        if self.from_logits:
            return sigmoid(y_pred) - y
        eps = backend.epsilon()
        p = np.clip(y_pred, eps, 1.0 - eps)
        return np.where(clip_mask(y_pred, eps, 1.0 - eps), (1.0 - y) / (1.0 - p) - y / p, 0.0)

    def logits_gradient(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = self._aligned(y_true, y_pred)
        scale = self._values_gradient(y_true, y_pred, sample_weight)
        scale = np.expand_dims(scale, self.axis) / y_pred.shape[self.axis]
        return (y_pred - self.smooth(y_true)) * scale

    def check_targets(self, y_true, output_shape):
        super().check_targets(y_true, output_shape)
        check_probability_targets(self.name, y_true)

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing, "axis": self.axis}


class BinaryFocalCrossentropy(BinaryCrossentropy):
    """L = mean(a (1 - p_t)^gamma bce) over ``axis`` (Lin et al., 2017, arXiv:1708.02002), with
    bce the binary cross-entropy of each output, p_t = y p + (1 - y)(1 - p) (p not clipped),
    a = alpha y + (1 - alpha)(1 - y) with ``apply_class_balancing``, else 1.

    dL/dp = a (1 - p_t)^(gamma - 1) (gamma (1 - 2 y) bce + (1 - p_t) dbce/dp) / k,
    times p (1 - p) with logits (p = sigmoid(z)).

    Args:
        apply_class_balancing: weigh the classes by alpha. Defaults to `False`.
        alpha: weight of the positive class. Defaults to `0.25`.
        gamma: focusing parameter, >= 0. Defaults to `2.0`.
        from_logits, label_smoothing, axis: as in ``BinaryCrossentropy``.
    """
    name = "binary_focal_crossentropy"
    fuses_with = None
    logits_gradient = Loss.logits_gradient

    def __init__(self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                 label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size", name=None):
        super().__init__(from_logits=from_logits, label_smoothing=label_smoothing, axis=axis,
                         reduction=reduction, name=name)
        if gamma < 0:
            raise ValueError(f"{type(self).__name__} needs gamma >= 0, got {gamma}.")
        self.apply_class_balancing = bool(apply_class_balancing)
        self.alpha, self.gamma = float(alpha), float(gamma)

    def _parts(self, y_true, y_pred):
        """(y, p, balance a, 1 - p_t, bce) of each output."""
        y = self.smooth(y_true)
        p = sigmoid(y_pred) if self.from_logits else y_pred
        eps = backend.epsilon()
        clipped = np.clip(p, eps, 1.0 - eps)
        bce = -(y * np.log(clipped) + (1.0 - y) * np.log(1.0 - clipped))
        miss = 1.0 - (y * p + (1.0 - y) * (1.0 - p))
        balance = self.alpha * y + (1.0 - self.alpha) * (1.0 - y) \
            if self.apply_class_balancing else 1.0
        return y, p, balance, miss, bce

    def elementwise(self, y_true, y_pred):
        _, _, balance, miss, bce = self._parts(y_true, y_pred)
        return balance * miss ** self.gamma * bce

    def elementwise_gradient(self, y_true, y_pred):
        y, p, balance, miss, bce = self._parts(y_true, y_pred)
        eps = backend.epsilon()
        clipped = np.clip(p, eps, 1.0 - eps)
        d_bce = np.where(clip_mask(p, eps, 1.0 - eps),
                         (1.0 - y) / (1.0 - clipped) - y / clipped, 0.0)
        d_focal = self.gamma * miss ** (self.gamma - 1.0) * (1.0 - 2.0 * y) if self.gamma else 0.0
        grad = balance * (d_focal * bce + miss ** self.gamma * d_bce)
        return grad * p * (1.0 - p) if self.from_logits else grad

    def get_config(self):
        return {**super().get_config(), "apply_class_balancing": self.apply_class_balancing,
                "alpha": self.alpha, "gamma": self.gamma}
