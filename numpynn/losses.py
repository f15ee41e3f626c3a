"""Loss functions: a number to minimise, and its gradient to start backpropagation.

Every loss is the mean over the batch of a per-sample loss (Keras' ``"sum_over_batch_size"``).
``loss(y_true, y_pred)`` returns that mean; ``loss.gradient(y_true, y_pred)`` returns
dL/dy_pred, the error that the model sends back from its output layer.

Per-sample formulas (mean over the last axis where there are several outputs):
- ``mean_squared_error``: mean((y - p)^2)
- ``mean_absolute_error``: mean(|y - p|)
- ``binary_crossentropy``: -mean(y log p + (1 - y) log(1 - p))
- ``categorical_crossentropy``: -sum(y log p)  (y one-hot)
- ``sparse_categorical_crossentropy``: -log p[label]  (integer labels)

With probabilities (``from_logits=False``) p is clipped to [eps, 1 - eps], eps = 1e-7, as in
Keras; with ``from_logits=True`` log-probabilities come from a stable log-sum-exp.
When a softmax (sigmoid) output feeds a categorical (binary) cross-entropy, the model uses
the fused gradient dL/dz = (p - y) / batch at the logits (``logits_gradient``).
"""
import numpy as np

from numpynn import backend, registry
from numpynn.activations import reduce_rows


def _as_2d(y_true, y_pred):
    """Let (n,) targets meet (n, 1) predictions."""
    if y_true.ndim == y_pred.ndim - 1 and y_pred.shape[-1] == 1:
        y_true = y_true[..., None]
    return y_true


def _log_softmax(z, axis=-1):
    shifted = z - reduce_rows(np.maximum, z, axis)
    return shifted - np.log(reduce_rows(np.add, np.exp(shifted), axis))


class Loss:
    """Base class: subclasses define ``call`` (per-sample losses) and ``gradient``.

    Args:
        name: defaults to the snake-case function name.
        reduction: only `"sum_over_batch_size"` (the mean) is supported.
    """

    name = None

    def __init__(self, name=None, reduction="sum_over_batch_size"):
        if reduction != "sum_over_batch_size":
            raise ValueError(f"Only reduction='sum_over_batch_size' is supported, got {reduction!r}.")
        self.name = name or self.name
        self.reduction = reduction

    def __call__(self, y_true, y_pred):
        y_pred = np.asarray(y_pred)
        y_true = _as_2d(np.asarray(y_true), y_pred)
        return float(np.mean(self.call(y_true, y_pred)))

    def call(self, y_true, y_pred):
        """Per-sample losses, shape (batch,)."""
        raise NotImplementedError

    def gradient(self, y_true, y_pred):
        """dL/dy_pred of the batch-mean loss, shape of ``y_pred``."""
        raise NotImplementedError

    #: name of the output activation whose fused gradient ``logits_gradient`` gives, if any.
    fuses_with = None

    def logits_gradient(self, y_true, y_pred):
        """dL/dz at the pre-activation z of a ``fuses_with`` output, given p = f(z)."""
        raise NotImplementedError

    def check_targets(self, y_true, output_shape):
        """Raise a ValueError that says what to do when labels do not fit this loss."""
        n_out = output_shape[-1]
        if y_true.ndim == len(output_shape) - 1 and n_out == 1:
            return
        if y_true.shape[1:] != tuple(output_shape[1:]):
            raise ValueError(f"{self.name}: targets of shape {y_true.shape} do not match the "
                             f"model output shape {tuple(output_shape)}.")

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class MeanSquaredError(Loss):
    """L = mean((y - p)^2);  dL/dp = 2 (p - y) / (batch * outputs)."""
    name = "mean_squared_error"

    def call(self, y_true, y_pred):
        diff = y_pred - y_true
        return np.mean(diff * diff, axis=-1)

    def gradient(self, y_true, y_pred):
        y_true = _as_2d(y_true, y_pred)
        return (2.0 / y_pred.size) * (y_pred - y_true)


class MeanAbsoluteError(Loss):
    """L = mean(|y - p|);  dL/dp = sign(p - y) / (batch * outputs)."""
    name = "mean_absolute_error"

    def call(self, y_true, y_pred):
        return np.mean(np.abs(y_pred - y_true), axis=-1)

    def gradient(self, y_true, y_pred):
        y_true = _as_2d(y_true, y_pred)
        return np.sign(y_pred - y_true) / y_pred.size


def _check_probability_targets(name, y_true):
    if y_true.size and (np.min(y_true) < 0 or np.max(y_true) > 1):
        raise ValueError(f"{name} needs targets in [0, 1], got values from {np.min(y_true)} "
                         f"to {np.max(y_true)}.")


class BinaryCrossentropy(Loss):
    """L = -mean(y log p + (1 - y) log(1 - p)) over outputs; p = sigmoid(z) if ``from_logits``.

    dL/dp = (p - y) / (p (1 - p)) / (batch * outputs) (0 where p is clipped);
    fused with a sigmoid output: dL/dz = (p - y) / (batch * outputs).

    Args:
        from_logits: whether predictions are logits z rather than probabilities. Defaults to `False`.
        label_smoothing: y -> y (1 - s) + s / 2. Defaults to `0.0`.
    """
    name = "binary_crossentropy"
    fuses_with = "sigmoid"

    def __init__(self, from_logits=False, label_smoothing=0.0, **kwargs):
        super().__init__(**kwargs)
        self.from_logits = bool(from_logits)
        self.label_smoothing = float(label_smoothing)

    def _smooth(self, y_true):
        if self.label_smoothing:
            return y_true * (1.0 - self.label_smoothing) + 0.5 * self.label_smoothing
        return y_true

    def call(self, y_true, y_pred):
        y = self._smooth(y_true)
        if self.from_logits:
            # log(1 + e^z) - y z, written so that e^{-|z|} never overflows
            z = y_pred
            losses = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
        else:
            eps = backend.epsilon()
            p = np.clip(y_pred, eps, 1.0 - eps)
            losses = -(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))
        return np.mean(losses, axis=-1)

    def gradient(self, y_true, y_pred):
        y = self._smooth(_as_2d(y_true, y_pred))
        if self.from_logits:
            p = 0.5 * (1.0 + np.tanh(0.5 * y_pred))
            return (p - y) / y_pred.size
        eps = backend.epsilon()
        inside = (y_pred > eps) & (y_pred < 1.0 - eps)
        p = np.clip(y_pred, eps, 1.0 - eps)
        return np.where(inside, (p - y) / (p * (1.0 - p)), 0.0).astype(y_pred.dtype) / y_pred.size

    def logits_gradient(self, y_true, y_pred):
        y = self._smooth(_as_2d(y_true, y_pred))
        return (y_pred - y) / y_pred.size

    def check_targets(self, y_true, output_shape):
        super().check_targets(y_true, output_shape)
        _check_probability_targets(self.name, y_true)

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing}


class CategoricalCrossentropy(Loss):
    """L = -sum_k y_k log p_k, y one-hot (or a distribution); p = softmax(z) if ``from_logits``.

    With probabilities, p is first renormalised to sum to 1 and clipped to [eps, 1 - eps] as
    Keras does; fused with a softmax output: dL/dz = (p - y) / batch.

    Args:
        from_logits: defaults to `False`.
        label_smoothing: y -> y (1 - s) + s / classes. Defaults to `0.0`.
        axis: class axis. Defaults to `-1`.
    """
    name = "categorical_crossentropy"
    fuses_with = "softmax"

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.from_logits = bool(from_logits)
        self.label_smoothing = float(label_smoothing)
        self.axis = int(axis)

    def _targets(self, y_true, y_pred):
        if self.label_smoothing:
            classes = y_pred.shape[self.axis]
            return y_true * (1.0 - self.label_smoothing) + self.label_smoothing / classes
        return y_true

    def call(self, y_true, y_pred):
        y = self._targets(y_true, y_pred)
        if self.from_logits:
            return -np.sum(y * _log_softmax(y_pred, self.axis), axis=self.axis)
        eps = backend.epsilon()
        q = np.clip(y_pred / y_pred.sum(axis=self.axis, keepdims=True), eps, 1.0 - eps)
        return -np.sum(y * np.log(q), axis=self.axis)

    def gradient(self, y_true, y_pred):
        y = self._targets(y_true, y_pred)
        batch = y_pred.size // y_pred.shape[self.axis]
        if self.from_logits:
            return (np.exp(_log_softmax(y_pred, self.axis)) * y.sum(axis=self.axis, keepdims=True)
                    - y) / batch
        # L(q), q = p / sum(p): dL/dp_k = (g_k - sum_j g_j q_j) / sum(p), g = dL/dq
        eps = backend.epsilon()
        total = y_pred.sum(axis=self.axis, keepdims=True)
        q = y_pred / total
        inside = (q > eps) & (q < 1.0 - eps)
        g = np.where(inside, -y / np.clip(q, eps, 1.0 - eps), 0.0)
        grad = (g - np.sum(g * q, axis=self.axis, keepdims=True)) / total
        return (grad / batch).astype(y_pred.dtype, copy=False)

    def logits_gradient(self, y_true, y_pred):
        y = self._targets(y_true, y_pred)
        batch = y_pred.size // y_pred.shape[self.axis]
        return (y_pred - y) / batch

    def check_targets(self, y_true, output_shape):
        classes = output_shape[-1]
        if y_true.shape[1:] in ((), (1,)) and classes > 1:
            raise ValueError(
                f"categorical_crossentropy expects one-hot labels of shape (n, {classes}), but "
                f"got labels of shape {y_true.shape}. Use loss='sparse_categorical_crossentropy' "
                f"for integer labels, or convert them with "
                f"numpynn.utils.to_categorical(y, {classes}).")
        super().check_targets(y_true, output_shape)
        _check_probability_targets(self.name, y_true)

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing, "axis": self.axis}


class SparseCategoricalCrossentropy(Loss):
    """L = -log q[label] for integer labels in [0, classes).

    With probabilities p, as Keras does: c = clip(p, eps, 1 - eps), q = c / sum(c), so
    dL/dp_k = [p_k not clipped] (1 / sum(c) - [k = label] / c_label). With logits z:
    q = softmax(z) and dL/dz = q - onehot(label). Fused with a softmax output: (p - y) / batch.

    Args:
        from_logits: defaults to `False`.
    """
    name = "sparse_categorical_crossentropy"
    fuses_with = "softmax"

    def __init__(self, from_logits=False, **kwargs):
        super().__init__(**kwargs)
        self.from_logits = bool(from_logits)

    @staticmethod
    def _label_index(y_true, y_pred):
        """``(rows, labels)``: the index of each sample's label entry in
        ``y_pred.reshape(-1, classes)``."""
        labels = np.asarray(y_true).reshape(-1).astype(np.intp, copy=False)
        return np.arange(labels.size), labels

    def __call__(self, y_true, y_pred):
        y_pred = np.asarray(y_pred)
        return float(np.mean(self.call(y_true, y_pred)))

    def call(self, y_true, y_pred):
        at_label = self._label_index(y_true, y_pred)
        rows = y_pred.reshape(-1, y_pred.shape[-1])
        if self.from_logits:
            log_q = _log_softmax(rows)[at_label]
        else:  # log(c_label / sum(c)), computed at the label only
            eps = backend.epsilon()
            clipped = np.clip(rows, eps, 1.0 - eps)
            log_q = np.log(clipped[at_label]) - np.log(clipped.sum(axis=-1))
        return -log_q.reshape(y_pred.shape[:-1])

    def gradient(self, y_true, y_pred):
        at_label = self._label_index(y_true, y_pred)
        rows = y_pred.reshape(-1, y_pred.shape[-1])
        batch = len(rows)
        if self.from_logits:
            grad = np.exp(_log_softmax(rows))
            grad[at_label] -= 1.0
        else:
            eps = backend.epsilon()
            clipped = np.clip(rows, eps, 1.0 - eps)
            grad = np.broadcast_to(1.0 / clipped.sum(axis=-1, keepdims=True), rows.shape).copy()
            grad[at_label] -= 1.0 / clipped[at_label]
            grad[(rows <= eps) | (rows >= 1.0 - eps)] = 0.0
        return (grad / batch).astype(y_pred.dtype, copy=False).reshape(y_pred.shape)

    def logits_gradient(self, y_true, y_pred):
        # (p - one_hot(label)) / batch, without building the one-hot matrix
        at_label = self._label_index(y_true, y_pred)
        batch = len(at_label[0])
        grad = np.empty(y_pred.shape, dtype=y_pred.dtype)  # C order: the reshape is a view
        np.divide(y_pred, batch, out=grad)
        grad.reshape(batch, -1)[at_label] -= 1.0 / batch
        return grad

    def check_targets(self, y_true, output_shape):
        classes = output_shape[-1]
        if y_true.ndim == len(output_shape) and y_true.shape[-1] == classes and classes > 1:
            raise ValueError(
                f"sparse_categorical_crossentropy expects integer labels of shape (n,), but got "
                f"one-hot labels of shape {y_true.shape}. Use loss='categorical_crossentropy' "
                f"for one-hot labels, or pass y.argmax(axis=-1).")
        if y_true.size and (np.any(y_true != np.round(y_true)) or y_true.min() < 0
                            or y_true.max() >= classes):
            raise ValueError(
                f"sparse_categorical_crossentropy expects integer labels in [0, {classes}) for a "
                f"model with {classes} outputs; got values from {y_true.min()} to "
                f"{y_true.max()}.")

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits}


def _named(cls):
    def loss(y_true, y_pred):
        y_pred = np.asarray(y_pred)
        return cls().call(_as_2d(np.asarray(y_true), y_pred), y_pred)
    loss.__name__ = cls.name
    loss.__doc__ = f"Per-sample {cls.name}, shape (batch,). See ``{cls.__name__}``."
    return loss


mean_squared_error = mse = _named(MeanSquaredError)
mean_absolute_error = mae = _named(MeanAbsoluteError)
binary_crossentropy = _named(BinaryCrossentropy)
categorical_crossentropy = _named(CategoricalCrossentropy)
sparse_categorical_crossentropy = _named(SparseCategoricalCrossentropy)

ALL = {cls.__name__: cls for cls in (MeanSquaredError, MeanAbsoluteError, BinaryCrossentropy,
                                     CategoricalCrossentropy, SparseCategoricalCrossentropy)}
ALIASES = {cls.name: cls for cls in ALL.values()}
ALIASES.update({"mse": MeanSquaredError, "mae": MeanAbsoluteError})


def get(identifier):
    """A loss object from a name (``"mse"``, ``"categorical_crossentropy"``), a config dict,
    a loss function of this module, or a ``Loss`` instance."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str):
        return registry.lookup(identifier, "loss", {**ALIASES, **ALL})()
    if isinstance(identifier, dict):
        return registry.deserialize(identifier, "loss", ALL)
    if callable(identifier) and getattr(identifier, "__name__", None) in ALIASES:
        return ALIASES[identifier.__name__]()
    raise TypeError(f"Cannot use {identifier!r} as a loss: pass a name such as 'mse' or a "
                    "numpynn.losses.Loss subclass instance with call() and gradient().")


def serialize(loss):
    return registry.serialize(loss)
