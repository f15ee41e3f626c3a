"""Small array helpers: ``to_categorical``, ``normalize``."""
import numpy as np


def to_categorical(y, num_classes=None, dtype="float32"):
    """One-hot encode integer labels: (n,) -> (n, num_classes).

    Example::

        >>> to_categorical([0, 2], num_classes=3)
        array([[1., 0., 0.],
               [0., 0., 1.]], dtype=float32)
    """
    y = np.asarray(y)
    if y.ndim > 1 and y.shape[-1] == 1:
        y = y[..., 0]
    if y.size and (np.any(y != np.round(y)) or y.min() < 0):
        raise ValueError("to_categorical expects non-negative integer labels, got values "
                         f"from {y.min()} to {y.max()}.")
    y = y.astype(np.int64)
    if num_classes is None:
        num_classes = int(y.max()) + 1 if y.size else 0
    if y.size and y.max() >= num_classes:
        raise ValueError(f"Label {int(y.max())} does not fit num_classes={num_classes}; "
                         "labels must lie in [0, num_classes).")
    out = np.zeros(y.shape + (num_classes,), dtype=dtype)
    np.put_along_axis(out, y[..., None], 1, axis=-1)
    return out


def normalize(x, axis=-1, order=2):
    """Scale ``x`` to unit ``order``-norm along ``axis`` (zero vectors stay zero)."""
    x = np.asarray(x, dtype=float)
    norm = np.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / np.where(norm == 0, 1, norm)
