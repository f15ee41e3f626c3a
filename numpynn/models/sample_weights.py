"""Per-sample weights for ``fit`` and ``evaluate``, as Keras takes them.

``sample_weight`` gives each sample a weight w: the loss of a batch becomes
sum(v * w) / batch_size (with the default reduction), and so do the gradients and the
``weighted_metrics``. ``class_weight`` ({class: weight}) is turned into sample weights from
the targets' classes (the argmax of one-hot rows, else the rounded label); classes it does
not name weigh 1.
"""
import numpy as np

from numpynn.data.adapters import class_weight_to_sample_weights


def per_output(sample_weight, class_weight, ys, structure, names, dtype):
    """One weight array (or ``None``) per output, from ``sample_weight`` (one array for
    every output, a list per output, or a dict keyed by output name) or ``class_weight``
    (single-output models only)."""
    if sample_weight is not None and class_weight is not None:
        raise ValueError("Pass either sample_weight or class_weight, not both (build the "
                         "sample weights from the classes yourself to combine them).")
    if class_weight is not None:
        if not isinstance(class_weight, dict):
            raise TypeError(f"class_weight must be a dict {{class index: weight}}, got "
                            f"{type(class_weight).__name__}.")
        if len(ys) > 1:
            raise ValueError("class_weight is only supported for models with a single "
                             "output; pass sample_weight with one array per output instead.")
        return [class_weight_to_sample_weights(ys[0], class_weight).astype(dtype, copy=False)]
    if sample_weight is None:
        return [None] * len(ys)
    if len(ys) > 1 and not isinstance(sample_weight, (list, tuple, dict)):
        weights = [sample_weight] * len(ys)  # Keras: one array weighs every output
    else:
        weights = structure.flatten(sample_weight, names, "sample weights")
    return [None if w is None else _checked(w, y, dtype) for w, y in zip(weights, ys)]


def _checked(weights, y, dtype):
    array = np.asarray(weights, dtype=dtype)
    if array.ndim == 0 or len(array) != len(y):
        raise ValueError(f"sample_weight needs one weight per sample: {len(y)} for these "
                         f"targets, got an array of shape {array.shape}.")
    if not np.all(np.isfinite(array)):
        raise ValueError("sample_weight has NaN or infinite values.")
    return array


def take(weights, index, buffers):
    """The rows ``index`` of each weight array (``None`` stays ``None``), gathered into
    ``buffers`` as ``fit`` gathers its batches."""
    return [None if w is None else np.take(w, index, axis=0, out=b[:len(index)], mode="clip")
            for w, b in zip(weights, buffers)]


def batch_buffers(weights, batch_size):
    return [None if w is None else np.empty((batch_size,) + w.shape[1:], w.dtype)
            for w in weights]


def rows(weights, batch):
    """``weights[i][batch]`` for each output (``None`` stays ``None``)."""
    return [None if w is None else w[batch] for w in weights]
