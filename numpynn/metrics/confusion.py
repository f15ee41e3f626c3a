"""Confusion-matrix metrics: weighted counts of true/false positives/negatives at thresholds.

A prediction p is positive at threshold t when p > t; a label is positive when nonzero.
``TruePositives``... count them; ``Precision`` = TP / (TP + FP), ``Recall`` = TP / (TP + FN).
``confusion_counts`` is shared with the curve metrics (``AUC``, ``PrecisionAtRecall``...).
"""
import numpy as np

from numpynn.metrics.base import Metric, as_result, divide_no_nan, same_rank

NEG_INF = -1e10  # the threshold of Precision/Recall with top_k: every kept prediction counts


def check_thresholds(thresholds, default):
    """``thresholds`` as a list (``default`` when None), each in [0, 1]."""
    if thresholds is None:
        return [default]
    values = list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) else [thresholds]
    wrong = [t for t in values if t is None or not 0 <= t <= 1]
    if wrong:
        raise ValueError(f"Threshold values must be in [0, 1], got {wrong}.")
    return values


def evenly_spaced(thresholds):
    """Whether the thresholds are i / (n - 1), i = 0..n-1 (n >= 3), up to epsilon."""
    n = len(thresholds)
    return n >= 3 and np.allclose(thresholds, np.arange(n, dtype=np.float32) / (n - 1),
                                  atol=1e-7)


def _keep_top_k(y_pred, k):
    """Each row's k highest predictions; the others set to NEG_INF."""
    order = np.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    kept = np.full_like(y_pred, NEG_INF)
    np.put_along_axis(kept, order, np.take_along_axis(y_pred, order, axis=-1), axis=-1)
    return kept


def _bucket_counts(positive, weights, y_pred, n_thresholds, with_epsilon, multi_label):
    """TP and FP per threshold for evenly spaced thresholds, by bucketing each prediction:
    bucket = ceil(p (n - 1)) - 1 is the last threshold it exceeds."""
    dtype = y_pred.dtype
    bucket = np.ceil(np.clip(y_pred, 0, 1) * dtype.type(n_thresholds - 1)) - 1
    if with_epsilon:
        bucket = np.maximum(bucket, 0)
    bucket = bucket.astype(np.intp)
    pos_w = np.broadcast_to(positive * weights, y_pred.shape)
    neg_w = np.broadcast_to((1 - positive) * weights, y_pred.shape)
    labels = y_pred.shape[1] if multi_label else 1
    if multi_label:  # one row of buckets per label: offset each label's bucket ids
        bucket = bucket + np.arange(labels) * n_thresholds
        inside = bucket >= np.arange(labels) * n_thresholds
    else:
        inside = bucket >= 0
    size = labels * n_thresholds

    def reverse_cumsum(w):
        per_bucket = np.bincount(bucket[inside], weights=w[inside], minlength=size)
        per_bucket = per_bucket.reshape(labels, n_thresholds)
        counts = np.cumsum(per_bucket[:, ::-1], axis=1)[:, ::-1]
        return counts.T if multi_label else counts[0]
    tp, fp = reverse_cumsum(pos_w), reverse_cumsum(neg_w)
    axis = 0 if multi_label else None
    return tp, fp, np.sum(pos_w, axis=axis) - tp, np.sum(neg_w, axis=axis) - fp


def confusion_counts(y_true, y_pred, thresholds, dtype, sample_weight=None, top_k=None,
                     class_id=None, multi_label=False, label_weights=None):
    """``(tp, fp, fn, tn)`` of a batch, each of shape (thresholds,) or, with
    ``multi_label``, (thresholds, labels). Samples count with their ``sample_weight``
    (times ``label_weights`` per label when not ``multi_label``)."""
    y_true = np.asarray(y_true, dtype=dtype)
    y_pred = np.asarray(y_pred, dtype=dtype)
    y_pred, y_true = same_rank(y_pred, y_true)
    weights = np.ones((), dtype=dtype)
    if sample_weight is not None:
        weights = np.asarray(sample_weight, dtype=dtype)[..., None]
        _, weights = same_rank(y_true, weights, expand_rank_1=False)
    if top_k is not None:
        y_pred = _keep_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError("With class_id, y_pred must have shape (samples, classes), "
                             f"got {y_pred.shape}.")
        y_true, y_pred = y_true[..., class_id, None], y_pred[..., class_id, None]
        if weights.ndim == y_pred.ndim and weights.shape[-1] != 1:
            weights = weights[..., class_id, None]
    weights = np.broadcast_to(weights, y_pred.shape)
    if label_weights is not None and not multi_label:
        weights = weights * np.broadcast_to(np.asarray(label_weights, dtype=dtype), y_pred.shape)
    positive = (y_true != 0).astype(dtype)
    if multi_label:
        y_pred, positive, weights = (a.reshape(len(a), -1) for a in (y_pred, positive, weights))
    else:
        y_pred, positive, weights = y_pred.reshape(-1), positive.reshape(-1), weights.reshape(-1)
    if evenly_spaced(thresholds):
        with_epsilon = thresholds[0] < 0 or thresholds[-1] > 1
        return _bucket_counts(positive, weights, y_pred, len(thresholds), with_epsilon,
                              multi_label)
    t = np.asarray(thresholds, dtype=dtype).reshape((-1,) + (1,) * y_pred.ndim)
    above = (y_pred > t).astype(np.float64)
    pos_w, neg_w = positive * weights, (1 - positive) * weights
    tp, fp = np.sum(above * pos_w, axis=1), np.sum(above * neg_w, axis=1)
    return tp, fp, np.sum(pos_w, axis=0) - tp, np.sum(neg_w, axis=0) - fp


class _ConfusionCount(Metric):
    """One cell of the confusion matrix per threshold (``index`` in tp, fp, fn, tn)."""
    index = None

    def __init__(self, thresholds=None, name=None, dtype=None):
        self.init_thresholds = thresholds
        self.thresholds = check_thresholds(thresholds, 0.5)
        super().__init__(name, dtype)

    def reset_state(self):
        self.accumulator = np.zeros(len(self.thresholds))

    def update_state(self, y_true, y_pred, sample_weight=None):
        counts = confusion_counts(y_true, y_pred, self.thresholds, self.dtype, sample_weight)
        self.accumulator += counts[self.index]

    def result(self):
        return as_result(self.accumulator[0] if len(self.thresholds) == 1 else self.accumulator)

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionCount):
    """Weighted count of positive labels predicted positive (p > threshold).

    Args:
        thresholds: a float or list of floats in [0, 1]. Defaults to `0.5`.
    """
    index = 0


class FalsePositives(_ConfusionCount):
    """Weighted count of negative labels predicted positive. Args as ``TruePositives``."""
    index = 1


class FalseNegatives(_ConfusionCount):
    """Weighted count of positive labels predicted negative. Args as ``TruePositives``."""
    index = 2


class TrueNegatives(_ConfusionCount):
    """Weighted count of negative labels predicted negative. Args as ``TruePositives``."""
    index = 3


class _RatioAtThresholds(Metric):
    """TP / (TP + other) per threshold, ``other`` being FP (precision) or FN (recall)."""
    other = None

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        self.init_thresholds, self.top_k, self.class_id = thresholds, top_k, class_id
        self.thresholds = check_thresholds(thresholds, 0.5 if top_k is None else NEG_INF)
        super().__init__(name, dtype)

    def reset_state(self):
        self.true_positives = np.zeros(len(self.thresholds))
        self.others = np.zeros(len(self.thresholds))

    def update_state(self, y_true, y_pred, sample_weight=None):
        counts = confusion_counts(y_true, y_pred, self.thresholds, self.dtype, sample_weight,
                                  top_k=self.top_k, class_id=self.class_id)
        self.true_positives += counts[0]
        self.others += counts[self.other]

    def result(self):
        ratio = divide_no_nan(self.true_positives, self.true_positives + self.others)
        return as_result(ratio[0] if len(self.thresholds) == 1 else ratio)

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds,
                "top_k": self.top_k, "class_id": self.class_id}


class Precision(_RatioAtThresholds):
    """TP / (TP + FP): the fraction of positive predictions that are right.

    Args:
        thresholds: float or list in [0, 1]; p > t is positive. Defaults to `0.5`
            (with ``top_k``: every kept prediction is positive).
        top_k: only each row's k highest predictions can be positive. Defaults to `None`.
        class_id: look at this class (column) only. Defaults to `None`.
    """
    other = 1


class Recall(_RatioAtThresholds):
    """TP / (TP + FN): the fraction of positive labels found. Args as ``Precision``."""
    other = 2
