"""Weight and activity regularizers: penalties added to the loss, with their gradients.

A regularizer is called on an array and returns a scalar penalty; ``gradient(x)`` returns
d penalty / dx with the shape of ``x`` (explicit formulas, no numerical differentiation):

- ``L1(l1)``: l1 * sum|x|, gradient l1 * sign(x)
- ``L2(l2)``: l2 * sum x^2, gradient 2 l2 x
- ``L1L2(l1, l2)``: both terms
- ``OrthogonalRegularizer(factor, mode)``: factor/2 * mean over pairs i != j of |n_i . n_j|,
  n_i the L2-normalised rows (or columns) of a 2-D kernel.

Keras' names: ``"l1"``, ``"l2"``, ``"l1_l2"``, ``"orthogonal_regularizer"``.
"""
import math

import numpy as np

from numpynn import backend, registry


def _non_negative_float(value, name):
    if (isinstance(value, bool) or not isinstance(value, (int, float))
            or not math.isfinite(value) or value < 0):
        raise ValueError(f"{name} must be a non-negative finite number, got {value!r}.")
    return float(value)


class Regularizer:
    """Base class: ``regularizer(x) -> float`` penalty, ``gradient(x) -> array`` its
    derivative with respect to ``x``."""

    def __call__(self, x):
        return 0.0

    def gradient(self, x):
        return np.zeros_like(x)

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class L1L2(Regularizer):
    """penalty = l1 * sum|x| + l2 * sum x^2.

    Args:
        l1: L1 factor. Defaults to `0.0`.
        l2: L2 factor. Defaults to `0.0`.
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _non_negative_float(0.0 if l1 is None else l1, "l1")
        self.l2 = _non_negative_float(0.0 if l2 is None else l2, "l2")

    def __call__(self, x):
        penalty = 0.0
        if self.l1:
            penalty += self.l1 * float(np.sum(np.abs(x)))
        if self.l2:
            penalty += self.l2 * float(np.sum(np.square(x)))
        return penalty

    def gradient(self, x):
        grad = np.zeros_like(x)
        if self.l1:
            grad += x.dtype.type(self.l1) * np.sign(x)
        if self.l2:
            grad += x.dtype.type(2.0 * self.l2) * x
        return grad

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """penalty = l1 * sum|x|; gradient l1 * sign(x). ``l1`` defaults to `0.01`."""

    def __init__(self, l1=0.01):
        super().__init__(l1=0.01 if l1 is None else l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    """penalty = l2 * sum x^2; gradient 2 l2 x. ``l2`` defaults to `0.01`."""

    def __init__(self, l2=0.01):
        super().__init__(l2=0.01 if l2 is None else l2)

    def get_config(self):
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (or columns) of a 2-D kernel towards being orthogonal.

    With N the rows L2-normalised (n_i = x_i * min(1/|x_i|, 1/epsilon)), P = N N^T and
    m = size (size - 1) / 2 pairs: penalty = factor * 0.5 * sum_{i != j} |P_ij| / m.
    Gradient: dN = (S + S^T) N with S = c sign(P) off the diagonal, c = factor * 0.5 / m;
    then dx_i = (dn_i - n_i (n_i . dn_i)) / |x_i| (or dn_i / epsilon where the norm is
    clipped). ``mode="columns"`` does the same on x^T.

    Args:
        factor: Defaults to `0.01`.
        mode: `"rows"` or `"columns"`. Defaults to `"rows"`.
    """

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = _non_negative_float(factor, "factor")
        if mode not in ("rows", "columns"):
            raise ValueError(f"mode must be 'rows' or 'columns', got {mode!r}.")
        self.mode = mode

    def _rows(self, x):
        if np.ndim(x) != 2:
            raise ValueError("OrthogonalRegularizer applies to 2-D kernels, got an array of "
                             f"shape {np.shape(x)}.")
        return x if self.mode == "rows" else x.T

    @staticmethod
    def _normalized(rows):
        """(n, scale): rows times min(1/norm, 1/epsilon), and that per-row scale."""
        with np.errstate(divide="ignore"):
            inverse = 1.0 / np.sqrt(np.sum(np.square(rows), axis=1, keepdims=True))
        scale = np.minimum(inverse, 1.0 / backend.epsilon()).astype(rows.dtype)
        return rows * scale, scale

    def _pair_weight(self, size):
        pairs = size * (size - 1) / 2.0
        return self.factor * 0.5 / pairs

    def __call__(self, x):
        n, _ = self._normalized(self._rows(x))
        product = n @ n.T
        np.fill_diagonal(product, 0.0)
        return self._pair_weight(len(n)) * float(np.sum(np.abs(product)))

    def gradient(self, x):
        rows = self._rows(x)
        n, scale = self._normalized(rows)
        signs = np.sign(n @ n.T) * x.dtype.type(self._pair_weight(len(n)))
        np.fill_diagonal(signs, 0.0)
        grad_n = (signs + signs.T) @ n
        clipped = scale == x.dtype.type(1.0 / backend.epsilon())
        projected = grad_n - n * np.sum(n * grad_n, axis=1, keepdims=True)
        grad = np.where(clipped, grad_n, projected) * scale
        return grad if self.mode == "rows" else grad.T

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


#: Keras' lower-case aliases (``keras.regularizers.l2(1e-4)``).
l1, l2, l1_l2, orthogonal_regularizer = L1, L2, L1L2, OrthogonalRegularizer

ALL = {"l1": L1, "l2": L2, "l1_l2": L1L2, "l1l2": L1L2,
       "orthogonal_regularizer": OrthogonalRegularizer, "Regularizer": Regularizer}
ALL.update({cls.__name__: cls for cls in (L1, L2, L1L2, OrthogonalRegularizer)})


def get(identifier):
    """A regularizer from ``None``, a name (``"l2"``), a config dict or an instance."""
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, (str, dict)):
        return registry.deserialize(identifier, "regularizer", ALL)
    raise TypeError(f"Cannot use {identifier!r} as a regularizer: numpynn needs the penalty's "
                    "gradient, so pass a name ('l2'), a config dict, or an instance of a "
                    "numpynn.regularizers.Regularizer subclass that defines gradient().")


def serialize(regularizer):
    return None if regularizer is None else registry.serialize(regularizer)


def deserialize(config, custom_objects=None):
    """A regularizer from ``serialize``'s output or a name."""
    return registry.deserialize(config, "regularizer", ALL, custom_objects)
