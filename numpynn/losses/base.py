"""The ``Loss`` base class: per-sample losses, their reduction, and sample weights.

A loss computes per-sample values v = ``call(y_true, y_pred)`` (one value per sample, or per
position of a sequence), weights them and reduces them to one number, as Keras does::

    "sum_over_batch_size", "mean":  L = sum(v * w) / size(v)          (the default)
    "sum":                          L = sum(v * w)
    "mean_with_sample_weight":      L = sum(v * w) / sum(w)           (size(v) without w)
    "none", None:                   v * w, not reduced

with w the ``sample_weight`` (1 where none is given; a division by 0 gives 0).
``gradient(y_true, y_pred)`` is dL/dy_pred: the base class finds dL/dv and each loss sends it
back through its own ``backward(y_true, y_pred, grad_values)``. For ``"none"`` it is the
gradient of sum(v * w), as ``tf.GradientTape`` gives for a non-scalar loss.
"""
import numpy as np

from numpynn import backend

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)
_MEANS = ("sum_over_batch_size", "mean")


def _as_2d(y_true, y_pred):
    """Let (n,) targets meet (n, 1) predictions."""
    if y_true.ndim == y_pred.ndim - 1 and y_pred.shape[-1] == 1:
        y_true = y_true[..., None]
    return y_true


def same_rank(a, b):
    """Keras' ``squeeze_or_expand_to_same_rank``: where the ranks differ by one and the longer
    array ends in a unit axis, squeeze that axis (or expand the other where it is 1-D)."""
    if a.ndim == b.ndim + 1 and a.shape[-1] == 1:
        return (a, b[..., None]) if b.ndim == 1 else (a[..., 0], b)
    if b.ndim == a.ndim + 1 and b.shape[-1] == 1:
        return (a[..., None], b) if a.ndim == 1 else (a, b[..., 0])
    return a, b


def log_softmax(z, axis=-1):
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def clip_mask(x, low, high):
    """Where ``clip(x, low, high)`` passes the gradient: TF's clip also passes it at the bounds."""
    return (x >= low) & (x <= high)


class Loss:
    """Base class: a subclass defines ``call`` (per-sample losses) and ``backward``.

    Args:
        name: defaults to the Keras name of the loss (``"mean_squared_error"``).
        reduction: `"sum_over_batch_size"`, `"mean"`, `"sum"`, `"mean_with_sample_weight"`,
            `"none"` or `None` (see the module docstring). Defaults to
            `"sum_over_batch_size"`.
    """

    name = None
    #: the axis that ``call`` reduces (the class axis, or the outputs of a sample).
    axis = -1
    #: name of the output activation whose fused gradient ``logits_gradient`` gives, if any.
    fuses_with = None
    #: whether ``y_true`` holds integer class labels rather than arrays shaped like ``y_pred``.
    integer_targets = False

    def __init__(self, name=None, reduction="sum_over_batch_size"):
        if reduction not in REDUCTIONS:
            raise ValueError(f"reduction must be one of {', '.join(map(repr, REDUCTIONS))}; "
                             f"got {reduction!r}.")
        self.name = name or self.name or type(self).__name__.lower()
        self.reduction = reduction

    # -- forward ----------------------------------------------------------------------------
    def __call__(self, y_true, y_pred, sample_weight=None):
        """The reduced loss (a float), or the weighted per-sample losses for ``"none"``."""
        y_true, y_pred = self._aligned(y_true, y_pred)
        values = self.call(y_true, y_pred)
        weights, divisor = self._weights(values.shape, sample_weight, y_true, values.dtype)
        if self.reduction in ("none", None):
            values, weights = same_rank(values, np.asarray(weights))
            return values * weights
        total = np.sum(values * weights)
        return float(total / divisor) if divisor else 0.0

    def values(self, y_true, y_pred):
        """Per-sample losses, not weighted nor reduced (what ``keras.losses.<name>`` gives)."""
        return self.call(*self._aligned(y_true, y_pred))

    def call(self, y_true, y_pred):
        """Per-sample losses: ``y_pred``'s shape without ``axis``."""
        raise NotImplementedError

    # -- backward ---------------------------------------------------------------------------
    def gradient(self, y_true, y_pred, sample_weight=None):
        """dL/dy_pred of the reduced loss, shape of ``y_pred``."""
        shape = np.shape(y_pred)
        y_true, y_pred = self._aligned(y_true, y_pred)
        grad = self.backward(y_true, y_pred, self._values_gradient(y_true, y_pred, sample_weight))
        return grad.astype(y_pred.dtype, copy=False).reshape(shape)

    def backward(self, y_true, y_pred, grad_values):
        """dL/dy_pred given dL/dv (``grad_values``, shaped like ``call``'s output)."""
        raise NotImplementedError

    def logits_gradient(self, y_true, y_pred, sample_weight=None):
        """dL/dz at the pre-activation z of a ``fuses_with`` output, given p = f(z)."""
        raise NotImplementedError

    def _values_gradient(self, y_true, y_pred, sample_weight):
        """dL/dv: the weights over the divisor, shaped like the per-sample losses."""
        shape = self.values_shape(y_pred)
        weights, divisor = self._weights(shape, sample_weight, y_true, y_pred.dtype)
        scale = np.asarray(weights, dtype=y_pred.dtype) / divisor if divisor else 0.0 * weights
        return np.broadcast_to(scale, shape)

    def values_shape(self, y_pred):
        """Shape of ``call``'s output: ``y_pred``'s shape without ``axis``."""
        axis = self.axis % y_pred.ndim if y_pred.ndim else 0
        return y_pred.shape[:axis] + y_pred.shape[axis + 1:]

    # -- targets, weights and reduction -----------------------------------------------------
    def _aligned(self, y_true, y_pred):
        y_pred = np.asarray(y_pred)
        if y_pred.dtype.kind != "f":
            y_pred = y_pred.astype(backend.floatx())
        y_true = np.asarray(y_true)
        if not self.integer_targets:
            y_true = y_true.astype(y_pred.dtype, copy=False)
        return same_rank(y_true, y_pred)

    def mask(self, y_true, values_shape):
        """Boolean mask of the per-sample losses that count (``None``: all of them)."""
        return None

    def _weights(self, values_shape, sample_weight, y_true, dtype):
        """``(w, divisor)``: the reduced loss is sum(v * w) / divisor; w broadcasts to v."""
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=dtype)
        if weights is not None:
            weights = self._aligned_weights(weights, values_shape)
        mask = self.mask(y_true, values_shape)
        if mask is not None:  # Keras: masked entries weigh 0, and a mean counts the valid ones
            mask = mask.astype(dtype)
            if self.reduction in _MEANS and mask.sum():
                mask *= mask.size / mask.sum()
            weights = mask if weights is None else weights * mask
        size = int(np.prod(values_shape))
        if self.reduction in _MEANS:
            divisor = size
        elif self.reduction == "mean_with_sample_weight":
            divisor = size if weights is None else float(np.sum(weights))
        else:
            divisor = 1
        return (np.ones((), dtype) if weights is None else weights), divisor

    def _aligned_weights(self, weights, values_shape):
        if weights.ndim == len(values_shape) + 1 and weights.shape[-1] == 1:
            weights = weights[..., 0]
        elif weights.ndim + 1 == len(values_shape) and values_shape[-1] == 1:
            weights = weights[..., None]
        try:
            np.broadcast_to(weights, values_shape)
        except ValueError:
            raise ValueError(f"{self.name}: sample_weight of shape {weights.shape} does not "
                             f"broadcast to the per-sample losses of shape {values_shape}; pass "
                             f"one weight per sample, shape {values_shape[:1]}.") from None
        return weights

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


class ElementwiseLoss(Loss):
    """Per-sample loss = mean over ``axis`` of an element-wise loss f(y, p); a subclass
    defines ``elementwise`` (f) and ``elementwise_gradient`` (df/dp)."""

    def call(self, y_true, y_pred):
        return np.mean(self.elementwise(y_true, y_pred), axis=self.axis)

    def backward(self, y_true, y_pred, grad_values):
        scale = np.expand_dims(grad_values, self.axis) / y_pred.shape[self.axis]
        return self.elementwise_gradient(y_true, y_pred) * scale


def check_probability_targets(name, y_true):
    if y_true.size and (np.min(y_true) < 0 or np.max(y_true) > 1):
        raise ValueError(f"{name} needs targets in [0, 1], got values from {np.min(y_true)} "
                         f"to {np.max(y_true)}.")
