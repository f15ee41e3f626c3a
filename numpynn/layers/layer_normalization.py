"""``LayerNormalization``: normalize each sample over its feature axes (Ba et al., 2016)."""
import numpy as np

from numpynn import constraints, initializers, regularizers
from numpynn.layers.base import Layer


class LayerNormalization(Layer):
    """Per sample, over the axes ``axis`` (M entries), with inv = 1 / sqrt(var + epsilon):

        x_hat = (x - mean) * inv,   y = gamma * x_hat + beta

    or, with ``rms_scaling=True`` (Keras 3's deprecated variant, no centering and no beta),
    y = gamma * x * inv. Backward, with h = gamma * dL/dy and means over ``axis``:

        dL/dx = inv * (h - mean(h) - x_hat * mean(h * x_hat))
        rms:    dL/dx = inv * h - inv^3 * (x - mean) * mean(h * x)

    dL/dgamma and dL/dbeta sum gamma's and beta's terms over the other axes.
    Shapes: x (batch, ...) -> y of the same shape; gamma, beta (x.shape[a] for a in axis).

    Args:
        axis: axis or list of axes to normalize over. Defaults to `-1`.
        epsilon: added to the variance. Defaults to `1e-3`.
        center: add ``beta``. Defaults to `True`.
        scale: multiply by ``gamma``. Defaults to `True`.
        rms_scaling: see above. Defaults to `False`.
        beta_initializer, gamma_initializer: default `"zeros"` and `"ones"`.
        beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint: `None`.
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            axis = [int(a) for a in axis]
        elif not isinstance(axis, int):
            raise TypeError(f"axis must be an int or a list of ints, got {axis!r}.")
        self.axis = axis
        self.epsilon = float(epsilon)
        self.center, self.scale, self.rms_scaling = bool(center), bool(scale), bool(rms_scaling)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)

    def build(self, input_shape):
        ndim = len(input_shape)
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        if any(not -ndim < a < ndim for a in axes):
            raise ValueError(f"LayerNormalization axis {self.axis} is out of range for input "
                             f"shape {tuple(input_shape)}.")
        self._axes = tuple(sorted(a % ndim for a in axes))
        shape = tuple(input_shape[a] for a in self._axes)
        self._broadcast = tuple(input_shape[d] if d in self._axes else 1 for d in range(ndim))
        self._other_axes = tuple(d for d in range(ndim) if d not in self._axes)
        if self.scale or self.rms_scaling:
            self.add_weight("gamma", shape, self.gamma_initializer,
                            regularizer=self.gamma_regularizer, constraint=self.gamma_constraint)
        if self.center and not self.rms_scaling:
            self.add_weight("beta", shape, self.beta_initializer,
                            regularizer=self.beta_regularizer, constraint=self.beta_constraint)

    def forward(self, x, training=False):
        mean = x.mean(axis=self._axes, keepdims=True)
        centered = x - mean
        self._inv = 1.0 / np.sqrt(np.mean(np.square(centered), axis=self._axes, keepdims=True)
                                  + self.epsilon)
        self._x, self._centered = x, centered
        self._x_hat = (x if self.rms_scaling else centered) * self._inv
        y = self._x_hat
        if "gamma" in self.params:
            y = y * self.params["gamma"].reshape(self._broadcast)
        if "beta" in self.params:
            y = y + self.params["beta"].reshape(self._broadcast)
        return y

    def backward(self, grad_out):
        if "beta" in self.params:
            self.grads["beta"][...] = grad_out.sum(axis=self._other_axes).reshape(
                self.grads["beta"].shape)
        h = grad_out
        if "gamma" in self.params:
            self.grads["gamma"][...] = (grad_out * self._x_hat).sum(
                axis=self._other_axes).reshape(self.grads["gamma"].shape)
            h = grad_out * self.params["gamma"].reshape(self._broadcast)
        if not self.input_grad_needed:
            return None
        if self.rms_scaling:
            h_x = np.mean(h * self._x, axis=self._axes, keepdims=True)
            return self._inv * h - self._inv ** 3 * self._centered * h_x
        return self._inv * (h - h.mean(axis=self._axes, keepdims=True)
                            - self._x_hat * np.mean(h * self._x_hat, axis=self._axes,
                                                    keepdims=True))

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale, "rms_scaling": self.rms_scaling,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint)}
