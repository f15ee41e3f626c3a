"""Weight constraints: projections applied to a weight after each optimizer step.

With |w| the L2 norm along ``axis`` (kept for broadcasting) and epsilon = 1e-7:

- ``MaxNorm(max_value)``: w * clip(|w|, 0, max_value) / (epsilon + |w|)
- ``MinMaxNorm(min_value, max_value, rate)``:
  w * (rate * clip(|w|, min_value, max_value) + (1 - rate) |w|) / (epsilon + |w|)
- ``NonNeg``: max(w, 0)
- ``UnitNorm``: w / (epsilon + |w|)

For a Dense kernel (inputs, units), ``axis=0`` constrains each unit's incoming weights.
Keras' names: ``"max_norm"``, ``"min_max_norm"``, ``"non_neg"``, ``"unit_norm"``.
"""
import numpy as np

from numpynn import backend, registry


def _axis(axis):
    return tuple(axis) if isinstance(axis, (list, tuple)) else int(axis)


def _serializable_axis(axis):
    return list(axis) if isinstance(axis, tuple) else axis


class Constraint:
    """Base class: ``constraint(w) -> array`` of w's shape, the constrained weight."""

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _norms(w, axis):
    return np.sqrt(np.sum(np.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Scale down the weight vectors along ``axis`` whose norm exceeds ``max_value``.

    Args:
        max_value: largest norm allowed. Defaults to `2`.
        axis: axis (or axes) the norm runs over. Defaults to `0`.
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, _axis(axis)

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = np.clip(norms, 0, self.max_value)
        return w * (desired / (w.dtype.type(backend.epsilon()) + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": _serializable_axis(self.axis)}


class MinMaxNorm(Constraint):
    """Move the norms along ``axis`` into [min_value, max_value] (fully when ``rate=1``).

    Args:
        min_value: Defaults to `0.0`.
        max_value: Defaults to `1.0`.
        rate: 1.0 enforces the bounds at once; less moves the norms part of the way.
            Defaults to `1.0`.
        axis: Defaults to `0`.
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        if min_value > max_value:
            raise ValueError(f"MinMaxNorm needs min_value <= max_value, got {min_value} "
                             f"and {max_value}.")
        self.min_value, self.max_value, self.rate = min_value, max_value, rate
        self.axis = _axis(axis)

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = (self.rate * np.clip(norms, self.min_value, self.max_value)
                   + (1 - self.rate) * norms).astype(w.dtype)
        return w * (desired / (w.dtype.type(backend.epsilon()) + norms))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": _serializable_axis(self.axis)}


class NonNeg(Constraint):
    """Set negative weights to zero."""

    def __call__(self, w):
        return np.maximum(w, 0)


class UnitNorm(Constraint):
    """Scale the weight vectors along ``axis`` to norm 1. ``axis`` defaults to `0`."""

    def __init__(self, axis=0):
        self.axis = _axis(axis)

    def __call__(self, w):
        return w / (w.dtype.type(backend.epsilon()) + _norms(w, self.axis))

    def get_config(self):
        return {"axis": _serializable_axis(self.axis)}


#: Keras' lower-case aliases (``keras.constraints.max_norm(3)``).
max_norm, min_max_norm, non_neg, unit_norm = MaxNorm, MinMaxNorm, NonNeg, UnitNorm

ALL = {"max_norm": MaxNorm, "min_max_norm": MinMaxNorm, "non_neg": NonNeg,
       "unit_norm": UnitNorm, "Constraint": Constraint}
ALL.update({cls.__name__: cls for cls in (MaxNorm, MinMaxNorm, NonNeg, UnitNorm)})


def get(identifier):
    """A constraint from ``None``, a name (``"max_norm"``), a config dict or an instance."""
    if identifier is None or isinstance(identifier, Constraint):
        return identifier
    if isinstance(identifier, (str, dict)):
        return registry.deserialize(identifier, "constraint", ALL)
    raise TypeError(f"Cannot use {identifier!r} as a constraint: pass a name ('max_norm'), "
                    "a config dict, or an instance of a numpynn.constraints.Constraint "
                    "subclass (saved with the model through its get_config()).")


def serialize(constraint):
    return None if constraint is None else registry.serialize(constraint)


def deserialize(config, custom_objects=None):
    """A constraint from ``serialize``'s output or a name."""
    return registry.deserialize(config, "constraint", ALL, custom_objects)
