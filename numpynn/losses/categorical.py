"""Cross-entropies over classes: one-hot (categorical, focal) and integer labels (sparse,
generalized). eps = 1e-7.

With probabilities p, Keras first renormalises them, q = p / sum(p), and clips q to
[eps, 1 - eps]; TF's clip passes the gradient at the bounds themselves, so only q outside
[eps, 1 - eps] gets a zero gradient. Through the renormalisation,
dL/dp_k = (g_k - sum_j g_j q_j) / sum(p) with g = dL/dq.
"""
import numbers

import numpy as np

from numpynn import backend
from numpynn.losses.base import Loss, check_probability_targets, clip_mask, log_softmax
from numpynn.losses.probabilistic import check_label_smoothing


def _through_normalisation(g, y_pred, axis):
    """dL/dp from g = dL/dq, q = p / sum(p) along ``axis``."""
    total = np.sum(y_pred, axis=axis, keepdims=True)
    q = y_pred / total
    return (g - np.sum(g * q, axis=axis, keepdims=True)) / total


class CategoricalCrossentropy(Loss):
    """L = -sum_k y_k log q_k over ``axis``, y one-hot (or a distribution);
    q = softmax(z) with ``from_logits``, else clip(p / sum(p), eps, 1 - eps).

    With logits dL/dz = q sum(y) - y; fused with a softmax output, the same at the logits.
    (TF's fused op gives q - y, equal wherever the labels sum to 1.)

    Args:
        from_logits: defaults to `False`.
        label_smoothing: y -> y (1 - s) + s / C, C = the size of the last axis (as Keras,
            whatever ``axis`` is). Defaults to `0.0`.
        axis: the class axis. Defaults to `-1`.
    """
    name = "categorical_crossentropy"
    fuses_with = "softmax"

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name=None):
        super().__init__(name=name, reduction=reduction)
        if isinstance(axis, bool):
            raise TypeError(f"axis must be an int, got {axis!r}.")
        self.from_logits = bool(from_logits)
        self.label_smoothing = check_label_smoothing(label_smoothing)
        self.axis = int(axis)

    def smooth(self, y_true):
        if self.label_smoothing:
            classes = y_true.shape[-1]
            return y_true * (1.0 - self.label_smoothing) + self.label_smoothing / classes
        return y_true

    def log_q(self, y_pred):
        """log of the class probabilities q (clipped where they come from probabilities)."""
        if self.from_logits:
            return log_softmax(y_pred, self.axis)
        eps = backend.epsilon()
        return np.log(np.clip(y_pred / np.sum(y_pred, axis=self.axis, keepdims=True),
                              eps, 1.0 - eps))

    def call(self, y_true, y_pred):
        return -np.sum(self.smooth(y_true) * self.log_q(y_pred), axis=self.axis)

    def backward(self, y_true, y_pred, grad_values):
        y = self.smooth(y_true)
        scale = np.expand_dims(grad_values, self.axis)
        if self.from_logits:
            return self._softmax_gradient(y, np.exp(log_softmax(y_pred, self.axis))) * scale
        eps = backend.epsilon()
        q = y_pred / np.sum(y_pred, axis=self.axis, keepdims=True)
        g = np.where(clip_mask(q, eps, 1.0 - eps), -y / np.clip(q, eps, 1.0 - eps), 0.0)
        return _through_normalisation(g * scale, y_pred, self.axis)

    def _softmax_gradient(self, y, q):
        return q * np.sum(y, axis=self.axis, keepdims=True) - y

    def logits_gradient(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = self._aligned(y_true, y_pred)
        scale = np.expand_dims(self._values_gradient(y_true, y_pred, sample_weight), self.axis)
        return self._softmax_gradient(self.smooth(y_true), y_pred) * scale

    def check_targets(self, y_true, output_shape):
        classes = output_shape[-1]
        if y_true.shape[1:] in ((), (1,)) and classes > 1:
            raise ValueError(
                f"{self.name} expects one-hot labels of shape (n, {classes}), but "
                f"got labels of shape {y_true.shape}. Use loss='sparse_categorical_crossentropy' "
                f"for integer labels, or convert them with "
                f"numpynn.utils.to_categorical(y, {classes}).")
        super().check_targets(y_true, output_shape)
        check_probability_targets(self.name, y_true)

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing, "axis": self.axis}


class CategoricalFocalCrossentropy(CategoricalCrossentropy):
    """L = -sum_k alpha (1 - q_k)^gamma y_k log q_k over ``axis`` (Lin et al., 2017,
    arXiv:1708.02002); q as in ``CategoricalCrossentropy`` (from logits: the softmax,
    renormalised and clipped too).

    dL/dq_k = -alpha (1 - q_k)^(gamma - 1) y_k ((1 - q_k) / q_k - gamma log q_k), then through
    the clip, the renormalisation and (with logits) the softmax.

    Args:
        alpha: weight of every class. Defaults to `0.25`.
        gamma: focusing parameter, >= 0. Defaults to `2.0`.
        from_logits, label_smoothing, axis: as in ``CategoricalCrossentropy``.
    """
    name = "categorical_focal_crossentropy"
    fuses_with = None
    logits_gradient = Loss.logits_gradient

    def __init__(self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name=None):
        super().__init__(from_logits=from_logits, label_smoothing=label_smoothing, axis=axis,
                         reduction=reduction, name=name)
        if gamma < 0:
            raise ValueError(f"{type(self).__name__} needs gamma >= 0, got {gamma}.")
        self.alpha, self.gamma = float(alpha), float(gamma)

    def _probabilities(self, y_pred):
        return np.exp(log_softmax(y_pred, self.axis)) if self.from_logits else y_pred

    def call(self, y_true, y_pred):
        p = self._probabilities(y_pred)
        eps = backend.epsilon()
        q = np.clip(p / np.sum(p, axis=self.axis, keepdims=True), eps, 1.0 - eps)
        focal = self.alpha * (1.0 - q) ** self.gamma * -self.smooth(y_true) * np.log(q)
        return np.sum(focal, axis=self.axis)

    def backward(self, y_true, y_pred, grad_values):
        y = self.smooth(y_true)
        p = self._probabilities(y_pred)
        eps = backend.epsilon()
        raw = p / np.sum(p, axis=self.axis, keepdims=True)
        q = np.clip(raw, eps, 1.0 - eps)
        d_focal = self.gamma * (1.0 - q) ** (self.gamma - 1.0) * np.log(q) if self.gamma else 0.0
        g = self.alpha * y * (d_focal - (1.0 - q) ** self.gamma / q)
        g = np.where(clip_mask(raw, eps, 1.0 - eps), g, 0.0)
        g = _through_normalisation(g * np.expand_dims(grad_values, self.axis), p, self.axis)
        if self.from_logits:  # softmax backward: p (g - sum(g p))
            g = p * (g - np.sum(g * p, axis=self.axis, keepdims=True))
        return g

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha, "gamma": self.gamma}


class SparseCategoricalCrossentropy(Loss):
    """L = -log q[label] for integer labels in [0, classes).

    With probabilities p, as Keras does: c = clip(p, eps, 1 - eps), q = c / sum(c), so
    dL/dp_k = [eps <= p_k <= 1 - eps] (1 / sum(c) - [k = label] / c_label). With logits z:
    q = softmax(z) and dL/dz = q - onehot(label), also the fused gradient of a softmax output.

    Args:
        from_logits: defaults to `False`.
        ignore_class: a label whose samples count for nothing (e.g. padding). The mean of
            ``"sum_over_batch_size"`` is then over the other samples. Defaults to `None`.
        axis: the class axis; only `-1` (as Keras on TensorFlow).
    """
    name = "sparse_categorical_crossentropy"
    fuses_with = "softmax"
    integer_targets = True

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size",
                 axis=-1, name=None):
        super().__init__(name=name, reduction=reduction)
        if axis != -1:
            raise ValueError(f"{type(self).__name__} supports only axis=-1 (the classes last), "
                             f"got axis={axis}; move the class axis last with np.moveaxis.")
        self.from_logits = bool(from_logits)
        if ignore_class is not None and (isinstance(ignore_class, bool)
                                         or not isinstance(ignore_class, numbers.Integral)):
            raise ValueError(f"{type(self).__name__} ignore_class must be None or an integer "
                             f"label, got {ignore_class!r}.")
        self.ignore_class = None if ignore_class is None else int(ignore_class)

    def _labels(self, y_true, y_pred):
        """Labels shaped like the per-sample losses (ignored ones replaced by 0)."""
        labels = np.asarray(y_true)
        shape = y_pred.shape[:-1]
        if labels.size != int(np.prod(shape)):
            raise ValueError(f"{self.name}: labels of shape {labels.shape} do not fit predictions "
                             f"of shape {y_pred.shape}; pass one integer label per sample, shape "
                             f"{shape}.")
        labels = labels.reshape(shape).astype(np.intp)
        if self.ignore_class is not None:
            labels = np.where(labels == self.ignore_class, 0, labels)
        return labels

    def mask(self, y_true, values_shape):
        if self.ignore_class is None:
            return None
        return np.asarray(y_true).reshape(values_shape) != self.ignore_class

    def _rows(self, y_true, y_pred):
        """(rows of y_pred, index of each row's label entry), ignored rows zeroed as Keras."""
        labels = self._labels(y_true, y_pred).reshape(-1)
        rows = y_pred.reshape(-1, y_pred.shape[-1])
        if self.ignore_class is not None:
            rows = np.where(self.mask(y_true, labels.shape)[:, None], rows, 0.0)
        return rows, (np.arange(labels.size), labels)

    def call(self, y_true, y_pred):
        rows, at_label = self._rows(y_true, y_pred)
        if self.from_logits:
            log_q = log_softmax(rows)[at_label]
        else:  # log(c_label / sum(c)), computed at the label only
            eps = backend.epsilon()
            clipped = np.clip(rows, eps, 1.0 - eps)
            log_q = np.log(clipped[at_label]) - np.log(clipped.sum(axis=-1))
        values = -log_q.reshape(y_pred.shape[:-1])
        mask = self.mask(y_true, values.shape)
        return values if mask is None else np.where(mask, values, 0.0)

    def backward(self, y_true, y_pred, grad_values):
        rows, at_label = self._rows(y_true, y_pred)
        if self.from_logits:
            grad = np.exp(log_softmax(rows))
            grad[at_label] -= 1.0
        else:
            eps = backend.epsilon()
            clipped = np.clip(rows, eps, 1.0 - eps)
            grad = np.broadcast_to(1.0 / clipped.sum(axis=-1, keepdims=True), rows.shape).copy()
            grad[at_label] -= 1.0 / clipped[at_label]
            grad[~clip_mask(rows, eps, 1.0 - eps)] = 0.0
        return grad * grad_values.reshape(-1, 1)  # 0 at ignored labels: their weight is 0

    def logits_gradient(self, y_true, y_pred, sample_weight=None):
        # (p - one_hot(label)) dL/dv, without building the one-hot matrix
        y_pred = np.asarray(y_pred)
        at_label = (np.arange(y_pred.size // y_pred.shape[-1]),
                    self._labels(y_true, y_pred).reshape(-1))
        scale = self._values_gradient(y_true, y_pred, sample_weight).reshape(-1)
        grad = np.empty(y_pred.shape, dtype=y_pred.dtype)  # C order: the reshape is a view
        np.multiply(y_pred.reshape(-1, y_pred.shape[-1]), scale[:, None],
                    out=grad.reshape(-1, y_pred.shape[-1]))
        grad.reshape(-1, y_pred.shape[-1])[at_label] -= scale
        return grad

    def check_targets(self, y_true, output_shape):
        classes = output_shape[-1]
        if y_true.ndim == len(output_shape) and y_true.shape[-1] == classes and classes > 1:
            raise ValueError(
                f"{self.name} expects integer labels of shape (n,), but got "
                f"one-hot labels of shape {y_true.shape}. Use loss='categorical_crossentropy' "
                f"for one-hot labels, or pass y.argmax(axis=-1).")
        check_integer_labels(self.name, y_true, classes, self.ignore_class)

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits,
                "ignore_class": self.ignore_class}


def check_integer_labels(name, y_true, classes, ignore_class=None):
    labels = y_true if ignore_class is None else y_true[y_true != ignore_class]
    if labels.size and (np.any(labels != np.round(labels)) or labels.min() < 0
                        or labels.max() >= classes):
        raise ValueError(
            f"{name} expects integer labels in [0, {classes}) for a model with {classes} "
            f"outputs; got values from {labels.min()} to {labels.max()}.")


class CategoricalGeneralizedCrossEntropy(Loss):
    """L = (1 - p[label]^q) / q for integer labels (Zhang & Sabuncu, 2018, arXiv:1805.07836):
    cross-entropy as q -> 0, mean absolute error at q = 1; robust to noisy labels.
    dL/dp[label] = -p[label]^(q - 1), 0 elsewhere.

    Args:
        q: in (0, 1). Defaults to `0.5`.
    """
    name = "categorical_generalized_cross_entropy"
    integer_targets = True

    def __init__(self, q=0.5, reduction="sum_over_batch_size", name=None):
        super().__init__(name=name, reduction=reduction)
        if not 0 < q < 1:
            raise ValueError(f"q must be in the interval (0, 1), got {q}.")
        self.q = float(q)

    def _at_label(self, y_true, y_pred):
        rows = y_pred.reshape(-1, y_pred.shape[-1])
        labels = np.asarray(y_true).reshape(-1).astype(np.intp)
        return rows, (np.arange(len(rows)), labels)

    def call(self, y_true, y_pred):
        rows, at_label = self._at_label(y_true, y_pred)
        return ((1.0 - rows[at_label] ** self.q) / self.q).reshape(y_pred.shape[:-1])

    def backward(self, y_true, y_pred, grad_values):
        rows, at_label = self._at_label(y_true, y_pred)
        grad = np.zeros_like(rows)
        grad[at_label] = -rows[at_label] ** (self.q - 1.0) * grad_values.reshape(-1)
        return grad

    def check_targets(self, y_true, output_shape):
        check_integer_labels(self.name, y_true, output_shape[-1])

    def get_config(self):
        return {**super().get_config(), "q": self.q}
