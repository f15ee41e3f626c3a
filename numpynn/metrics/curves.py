"""Metrics read off the curve of confusion counts over many thresholds.

``AUC``: area under the ROC curve (x = FP rate, y = recall), the precision-recall curve
(x = recall, y = precision) or the PR-gain curve, as a Riemann sum over ``num_thresholds``
thresholds. ``SensitivityAtSpecificity`` and friends: the best value of one rate among the
thresholds where the other rate reaches its target.
"""
import numpy as np

from numpynn import backend
from numpynn.metrics.base import Metric, divide_no_nan
from numpynn.metrics.confusion import confusion_counts, evenly_spaced

CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
SUMMATIONS = ("interpolation", "majoring", "minoring")


def _inner_thresholds(num_thresholds):
    return [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]


class _CountsOverThresholds(Metric):
    """Holds tp, fp, fn, tn per threshold (and per label for a multi-label AUC)."""

    def _zeros(self):
        return np.zeros(self._counts_shape())

    def _counts_shape(self):
        return (len(self.thresholds),)

    def reset_state(self):
        self.true_positives, self.false_positives = self._zeros(), self._zeros()
        self.false_negatives, self.true_negatives = self._zeros(), self._zeros()

    def _add(self, counts):
        for name, count in zip(("true_positives", "false_positives", "false_negatives",
                                "true_negatives"), counts):
            setattr(self, name, getattr(self, name) + count)

    def _recall(self):
        return divide_no_nan(self.true_positives, self.true_positives + self.false_negatives)

    def _precision(self):
        return divide_no_nan(self.true_positives, self.true_positives + self.false_positives)

    def _specificity(self):
        return divide_no_nan(self.true_negatives, self.true_negatives + self.false_positives)


class _AtConstraint(_CountsOverThresholds):
    """max of one rate over the thresholds where another rate >= ``value`` (0 if none)."""
    value_name = None

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        if not 0 <= value <= 1:
            raise ValueError(f"Argument `{self.value_name}` must be in the range [0, 1], "
                             f"got {self.value_name}={value}.")
        if num_thresholds <= 0:
            raise ValueError(f"Argument `num_thresholds` must be an integer > 0, got "
                             f"{num_thresholds}.")
        setattr(self, self.value_name, value)
        self.value, self.num_thresholds, self.class_id = value, num_thresholds, class_id
        self.thresholds = ([0.5] if num_thresholds == 1
                           else [0.0] + _inner_thresholds(num_thresholds) + [1.0])
        super().__init__(name, dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        self._add(confusion_counts(y_true, y_pred, self.thresholds, self.dtype, sample_weight,
                                   class_id=self.class_id))

    def _best(self, constrained, dependent):
        return float(np.max(np.where(constrained >= self.value, dependent, 0.0), initial=0.0))

    def get_config(self):
        return {**super().get_config(), "class_id": self.class_id,
                "num_thresholds": self.num_thresholds, self.value_name: self.value}


class SensitivityAtSpecificity(_AtConstraint):
    """Best recall (sensitivity) where specificity TN / (TN + FP) >= ``specificity``.

    Args:
        specificity: target in [0, 1].
        num_thresholds: thresholds spread evenly over [0, 1]. Defaults to `200`.
        class_id: look at this class only. Defaults to `None`.
    """
    value_name = "specificity"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)

    def result(self):
        return self._best(self._specificity(), self._recall())


class SpecificityAtSensitivity(_AtConstraint):
    """Best specificity where recall >= ``sensitivity``. Args as ``SensitivityAtSpecificity``."""
    value_name = "sensitivity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)

    def result(self):
        return self._best(self._recall(), self._specificity())


class PrecisionAtRecall(_AtConstraint):
    """Best precision where recall >= ``recall``. Args as ``SensitivityAtSpecificity``."""
    value_name = "recall"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)

    def result(self):
        return self._best(self._recall(), self._precision())


class RecallAtPrecision(_AtConstraint):
    """Best recall where precision >= ``precision``. Args as ``SensitivityAtSpecificity``."""
    value_name = "precision"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)

    def result(self):
        return self._best(self._precision(), self._recall())


class AUC(_CountsOverThresholds):
    """Area under a curve of confusion rates over thresholds [-eps, 1/(n-1), ..., 1+eps].

    Args:
        num_thresholds: defaults to `200`.
        curve: `"ROC"` (FP rate vs recall), `"PR"` (recall vs precision) or `"PRGAIN"`.
            Defaults to `"ROC"`.
        summation_method: `"interpolation"` (trapezoids; for PR, Davis & Goadrich's
            interpolation), `"minoring"` or `"majoring"` (lower or upper step sums).
            Defaults to `"interpolation"`.
        thresholds: explicit inner thresholds (overrides ``num_thresholds``). Defaults to `None`.
        multi_label: one curve per label (column), areas averaged (weighted by
            ``label_weights``); else every output is one more sample. Defaults to `False`.
        num_labels: the number of labels with ``multi_label``. Defaults to `None` (first batch).
        label_weights: per-label weights. Defaults to `None`.
        from_logits: apply a sigmoid to the predictions first. Defaults to `False`.
    """

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        if str(curve).lower() not in CURVES:
            raise ValueError(f'Invalid AUC curve value: "{curve}". Expected one of '
                             '"ROC", "PR", "PRGAIN".')
        if str(summation_method).lower() not in SUMMATIONS:
            raise ValueError(f'Invalid AUC summation method value: "{summation_method}". '
                             'Expected one of "interpolation", "majoring", "minoring".')
        if num_labels and not multi_label:
            raise ValueError("`num_labels` is needed only when `multi_label` is True.")
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(thresholds)
            self.num_thresholds = len(inner) + 2
        else:
            if num_thresholds <= 1:
                raise ValueError(f"Argument `num_thresholds` must be an integer > 1, got "
                                 f"{num_thresholds}.")
            inner = _inner_thresholds(num_thresholds)
            self.num_thresholds = num_thresholds
        eps = backend.epsilon()
        self.thresholds = [0.0 - eps] + list(inner) + [1.0 + eps]
        self.curve = CURVES[str(curve).lower()]
        self.summation_method = str(summation_method).lower()
        self.multi_label, self.num_labels = bool(multi_label), num_labels
        self.label_weights = None if label_weights is None else np.asarray(label_weights,
                                                                           dtype=np.float64)
        self.from_logits = bool(from_logits)
        self._labels = num_labels
        super().__init__(name, dtype)

    def _counts_shape(self):
        if self.multi_label:
            return (self.num_thresholds, self._labels or 0)
        return (self.num_thresholds,)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = np.asarray(y_pred, dtype=self.dtype)
        if self.multi_label:
            if y_pred.ndim != 2:
                raise ValueError(f"`y_pred` must have rank 2 when `multi_label=True`, got "
                                 f"shape {y_pred.shape}.")
            if not self._labels:
                self._labels = y_pred.shape[1]
                self.reset_state()
        if self.from_logits:
            y_pred = 0.5 * (1.0 + np.tanh(0.5 * y_pred))  # sigmoid
        self._add(confusion_counts(
            y_true, y_pred, self.thresholds, self.dtype, sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights))

    def _average_over_labels(self, terms):
        if not self.multi_label:
            return float(np.sum(terms))
        by_label = np.sum(terms, axis=0)
        if self.label_weights is None:
            return float(np.mean(by_label))
        return float(divide_no_nan(np.sum(by_label * self.label_weights),
                                   np.sum(self.label_weights)))

    def _interpolated_pr_auc(self):
        """Davis & Goadrich (2006): precision interpolated between thresholds."""
        tp, fn = self.true_positives, self.false_negatives
        p = tp + self.false_positives
        dtp, dp = tp[:-1] - tp[1:], p[:-1] - p[1:]
        slope = divide_no_nan(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        ratio = np.where(both, divide_no_nan(p[:-1], np.maximum(p[1:], 0)), 1.0)
        terms = divide_no_nan(slope * (dtp + intercept * np.log(ratio)),
                              np.maximum(tp[1:] + fn[1:], 0))
        return self._average_over_labels(terms)

    def _curve(self):
        if self.curve == "ROC":
            return divide_no_nan(self.false_positives,
                                 self.false_positives + self.true_negatives), self._recall()
        if self.curve == "PR":
            return self._recall(), self._precision()
        tp = self.true_positives
        scale = divide_no_nan(tp + self.false_negatives,
                              self.true_negatives + self.false_positives)
        recall_gain = 1.0 - scale * divide_no_nan(self.false_negatives, tp)
        precision_gain = 1.0 - scale * divide_no_nan(self.false_positives, tp)
        recall_gain = np.maximum(np.where(tp == 0, 0.0, recall_gain), 0.0)
        return recall_gain, np.where(tp == 0, 1.0, precision_gain)

    def result(self):
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolated_pr_auc()
        x, y = self._curve()
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        return self._average_over_labels((x[:-1] - x[1:]) * heights)

    def get_config(self):
        config = {**super().get_config(), "num_thresholds": self.num_thresholds,
                  "curve": self.curve, "summation_method": self.summation_method,
                  "multi_label": self.multi_label, "num_labels": self.num_labels,
                  "label_weights": (None if self.label_weights is None
                                    else self.label_weights.tolist()),
                  "from_logits": self.from_logits}
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
