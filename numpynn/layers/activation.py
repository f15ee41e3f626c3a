"""Activation layers: ``Activation(name)``, and ``ReLU``, ``LeakyReLU``, ``ELU``, ``Softmax``,
``ThresholdedReLU`` (``PReLU``, which has a weight, is in ``prelu``)."""
from numpynn import activations
from numpynn.layers import layer_arguments
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

    def compute_output_shape(self, input_shape):
        return self.activation.compute_output_shape(input_shape)

    def backward_from_logits(self, grad_z):
        """Backward pass given dL/dx directly (used by fused softmax/sigmoid + cross-entropy)."""
        return grad_z

    def get_config(self):
        return {**super().get_config(),
                "activation": activations.serialize(self.activation)}


class _NamedActivation(Activation):
    """An activation layer whose function is fixed by its class: the config holds the
    function's options (e.g. ``negative_slope``) instead of an ``activation`` entry."""

    def __init__(self, function, **kwargs):
        kwargs.pop("activation", None)
        super().__init__(function, **kwargs)

    def get_config(self):
        config = Layer.get_config(self)
        return {**config, **self.activation.get_config()}


class ReLU(_NamedActivation):
    """Rectified linear unit with Keras' options (``keras.activations.relu``)::

        y = negative_slope (x - threshold)          for x < threshold
        y = 0                                       for x = threshold
        y = min(x, max_value)                       for x > threshold

    Args:
        max_value: upper cap, >= 0; defaults to `None` (no cap).
        negative_slope: slope below the threshold, >= 0. Defaults to `0.0`.
        threshold: values above it pass, >= 0. Defaults to `0.0`.
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        for arg, value in (("negative_slope", negative_slope), ("threshold", threshold)):
            if not layer_arguments.is_number(value) or value < 0:
                raise ValueError(f"ReLU's {arg} must be a number >= 0, got {value!r}.")
        if max_value is not None and not (layer_arguments.is_number(max_value)
                                          and max_value >= 0):
            raise ValueError(f"ReLU's max_value must be >= 0 or None, got {max_value!r}.")
        super().__init__(activations.ReLU(negative_slope, max_value, threshold), **kwargs)


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


class ThresholdedReLU(_NamedActivation):
    """y = x where x > theta, else 0;  dy/dx = [x > theta].

    Keras 3 dropped this layer (``keras.activations.threshold`` took its place); this is
    Keras 2's ``ThresholdedReLU`` with its ``theta`` argument and config.

    Args:
        theta: threshold, >= 0. Defaults to `1.0`.
    """

    def __init__(self, theta=1.0, **kwargs):
        if theta is None or theta < 0:
            raise ValueError(f"ThresholdedReLU's theta must be a number >= 0, got {theta!r}.")
        self.theta = float(theta)
        super().__init__(activations.Threshold(self.theta, 0.0), **kwargs)

    def get_config(self):
        return {**Layer.get_config(self), "theta": self.theta}
