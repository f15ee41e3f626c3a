"""Hinge metrics: running means of the hinge losses of ``numpynn.losses`` (labels in {0, 1}
become {-1, 1} first).

Per sample: ``hinge`` mean(max(1 - y p, 0)); ``squared_hinge`` mean(max(1 - y p, 0)^2);
``categorical_hinge`` max(max((1 - y) p) - sum(y p) + 1, 0) (one-hot y).
"""
from numpynn import losses
from numpynn.metrics.base import MeanWrapperWithConfig, metric_function

hinge = metric_function(losses.hinge)
squared_hinge = metric_function(losses.squared_hinge)
categorical_hinge = metric_function(losses.categorical_hinge)


class Hinge(MeanWrapperWithConfig):
    """Mean of ``hinge`` (labels -1/1, or 0/1 converted)."""

    def __init__(self, name="hinge", dtype=None):
        super().__init__(hinge, name, dtype)


class SquaredHinge(MeanWrapperWithConfig):
    """Mean of ``squared_hinge``."""

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, name, dtype)


class CategoricalHinge(MeanWrapperWithConfig):
    """Mean of ``categorical_hinge``."""

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name, dtype)
