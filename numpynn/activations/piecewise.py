"""Piecewise-linear clips and shrinks: hard_tanh, hard_shrink, soft_shrink, threshold.

Slopes at the break points are TensorFlow's: hard_tanh passes the gradient at +-1
(``tf.clip_by_value``), the others do not at their threshold (``tf.where`` on a strict
comparison).
"""
import numpy as np

from numpynn.activations.base import ActivationFunction, as_dtype_of


class HardTanh(ActivationFunction):
    """y = clip(x, -1, 1);  dy/dx = 1 where -1 <= x <= 1, else 0."""
    name = "hard_tanh"
    needs_input = True

    def forward(self, x):
        return np.clip(x, -1, 1)

    def _slope(self, x, y):
        return as_dtype_of((x >= -1) & (x <= 1), y)


class HardShrink(ActivationFunction):
    """y = x where |x| > threshold, else 0;  dy/dx = [|x| > threshold].

    Args:
        threshold: defaults to `0.5`.
    """
    name = "hard_shrink"
    needs_input = True

    def __init__(self, threshold=0.5):
        self.threshold = float(threshold)

    def forward(self, x):
        return as_dtype_of(np.where(np.abs(x) > self.threshold, x, 0), x)

    def _slope(self, x, y):
        return as_dtype_of(np.abs(x) > self.threshold, y)

    def get_config(self):
        return {"threshold": self.threshold}


class SoftShrink(ActivationFunction):
    """y = x - t for x > t, x + t for x < -t, else 0;  dy/dx = [|x| > t].

    Args:
        threshold: t, defaults to `0.5`.
    """
    name = "soft_shrink"
    needs_input = True

    def __init__(self, threshold=0.5):
        self.threshold = float(threshold)

    def forward(self, x):
        t = self.threshold
        return as_dtype_of(np.where(x > t, x - t, np.where(x < -t, x + t, 0)), x)

    def _slope(self, x, y):
        t = self.threshold
        return as_dtype_of((x > t) | (x < -t), y)

    def get_config(self):
        return {"threshold": self.threshold}


class Threshold(ActivationFunction):
    """y = x where x > threshold, else default_value;  dy/dx = [x > threshold].

    Both arguments are required, as in Keras: ``threshold(x, 0.5, 0.0)``, or
    ``Threshold(threshold=0.5, default_value=0.0)`` as a layer's activation.
    """
    name = "threshold"
    needs_input = True

    def __init__(self, threshold, default_value):
        self.threshold = float(threshold)
        self.default_value = float(default_value)

    def forward(self, x):
        return as_dtype_of(np.where(x > self.threshold, x, self.default_value), x)

    def _slope(self, x, y):
        return as_dtype_of(x > self.threshold, y)

    def get_config(self):
        return {"threshold": self.threshold, "default_value": self.default_value}
