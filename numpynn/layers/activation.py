"""Activation layers: ``Activation(name)``, and ``ReLU``, ``LeakyReLU``, ``ELU``, ``Softmax``."""
import numpy as np

from numpynn import activations
from numpynn.layers.base import Layer


class Activation(Layer):
    """Apply an activation function: y = f(x); backward: dL/dx = dL/dy * f'(x).

    Args:
        activation: a name (``"relu"``, ``"sigmoid"``, ...) or an activation object.
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def forward(self, x, training=False):
        self._x = x
        self._y = self.activation.forward(x)
        return self._y

    def backward(self, grad_out):
        return self.activation.backward(grad_out, self._x, self._y)

    def backward_from_logits(self, grad_z):
        """Backward pass given dL/dx directly (used by fused softmax/sigmoid + cross-entropy)."""
        return grad_z

    def get_config(self):
        return {**super().get_config(),
                "activation": activations.serialize(self.activation)}


class ReLU(Layer):
    """Rectified linear unit with Keras' options.

    y = max_value              if x >= max_value
    y = x                      if threshold <= x < max_value
    y = negative_slope (x - threshold)   otherwise

    Args:
        max_value: upper cap; defaults to `None` (no cap).
        negative_slope: slope below the threshold. Defaults to `0.0`.
        threshold: defaults to `0.0`.
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0:
            raise ValueError(f"max_value must be >= 0 or None, got {max_value}.")
        if negative_slope < 0:
            raise ValueError(f"negative_slope must be >= 0, got {negative_slope}.")
        self.max_value = max_value
        self.negative_slope = float(negative_slope)
        self.threshold = float(threshold)

    def forward(self, x, training=False):
        self._x = x
        y = np.where(x >= self.threshold, x, self.negative_slope * (x - self.threshold))
        if self.max_value is not None:
            y = np.minimum(y, self.max_value)
        return y.astype(x.dtype, copy=False)

    def backward(self, grad_out):
        x = self._x
        slope = np.where(x >= self.threshold, 1.0, self.negative_slope)
        if self.max_value is not None:
            slope = np.where(x >= self.max_value, 0.0, slope)
        return grad_out * slope.astype(grad_out.dtype, copy=False)

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}


class _NamedActivation(Activation):
    """An activation layer whose function is fixed by its class: the config holds the
    function's options (e.g. ``negative_slope``) instead of an ``activation`` entry."""

    def __init__(self, function, **kwargs):
        kwargs.pop("activation", None)
        super().__init__(function, **kwargs)

    def get_config(self):
        config = Layer.get_config(self)
        return {**config, **self.activation.get_config()}


class LeakyReLU(_NamedActivation):
    """y = x if x > 0 else negative_slope * x. Keras' layer default: `negative_slope=0.3`."""

    def __init__(self, negative_slope=0.3, **kwargs):
        super().__init__(activations.LeakyReLU(negative_slope), **kwargs)


class ELU(_NamedActivation):
    """y = x if x > 0 else alpha (e^x - 1). Defaults to `alpha=1.0`."""

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(activations.ELU(alpha), **kwargs)


class Softmax(_NamedActivation):
    """y_i = e^{x_i} / sum_j e^{x_j} along ``axis`` (defaults to `-1`)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(activations.Softmax(axis), **kwargs)
