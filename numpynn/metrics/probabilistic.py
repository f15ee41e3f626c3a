"""Probabilistic metrics: running means of the cross-entropies, KL divergence and Poisson
losses of ``numpynn.losses`` (probabilities clipped to [eps, 1 - eps]), as in Keras, where
``keras.metrics.poisson`` is ``keras.losses.poisson``. Per sample:
- ``kl_divergence``: sum(y log(y / p)), y and p clipped to [eps, 1]
- ``poisson``: mean(p - y log(p + eps))
"""
import numpy as np

from numpynn import losses
from numpynn.metrics.base import MeanWrapperWithConfig, metric_function

binary_crossentropy = metric_function(losses.binary_crossentropy)
binary_focal_crossentropy = metric_function(losses.binary_focal_crossentropy)
categorical_crossentropy = metric_function(losses.categorical_crossentropy)
categorical_focal_crossentropy = metric_function(losses.categorical_focal_crossentropy)
sparse_categorical_crossentropy = metric_function(losses.sparse_categorical_crossentropy)
kl_divergence = metric_function(losses.kl_divergence)
poisson = metric_function(losses.poisson)


class BinaryCrossentropy(MeanWrapperWithConfig):
    """Mean of ``binary_crossentropy``.

    Args:
        from_logits: predictions are logits. Defaults to `False`.
        label_smoothing: y -> y (1 - s) + s / 2. Defaults to `0`.
    """
    config_keys = ("from_logits", "label_smoothing")

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0):
        self.from_logits, self.label_smoothing = from_logits, label_smoothing
        super().__init__(binary_crossentropy, name, dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)


class CategoricalCrossentropy(MeanWrapperWithConfig):
    """Mean of ``categorical_crossentropy`` (one-hot labels).

    Args:
        from_logits: defaults to `False`.
        label_smoothing: y -> y (1 - s) + s / classes. Defaults to `0`.
        axis: class axis. Defaults to `-1`.
    """
    config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0, axis=-1):
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis
        super().__init__(categorical_crossentropy, name, dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(MeanWrapperWithConfig):
    """Mean of ``sparse_categorical_crossentropy`` (integer labels).

    Args:
        from_logits: defaults to `False`.
        ignore_class: a label whose samples are left out (counted as 0 when there is no
            ``sample_weight``, as in Keras). Defaults to `None`.
        axis: class axis. Defaults to `-1`.
    """
    config_keys = ("from_logits", "ignore_class", "axis")

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False,
                 ignore_class=None, axis=-1):
        self.from_logits, self.ignore_class, self.axis = from_logits, ignore_class, axis
        super().__init__(sparse_categorical_crossentropy, name, dtype, from_logits=from_logits,
                         ignore_class=ignore_class, axis=axis)

    def update_state(self, y_true, y_pred, sample_weight=None):
        # as Keras: ignored samples count as 0 without weights, and not at all with weights
        if sample_weight is not None and self.ignore_class is not None:
            labels = np.asarray(y_true)
            if labels.ndim > 1 and labels.shape[-1] == 1:
                labels = labels[..., 0]
            weight = np.asarray(sample_weight)
            weight = weight.reshape(weight.shape + (1,) * (labels.ndim - weight.ndim))
            sample_weight = weight * (labels != self.ignore_class)
        super().update_state(y_true, y_pred, sample_weight)


class KLDivergence(MeanWrapperWithConfig):
    """Mean of ``kl_divergence``."""

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, name, dtype)


class Poisson(MeanWrapperWithConfig):
    """Mean of ``poisson``."""

    def __init__(self, name="poisson", dtype=None):
        super().__init__(poisson, name, dtype)
