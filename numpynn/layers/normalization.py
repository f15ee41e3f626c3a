"""``BatchNormalization``: normalise each channel by batch statistics (Ioffe and Szegedy, 2015)."""
import numpy as np

from numpynn import constraints, initializers, regularizers
from numpynn.layers import layer_arguments
from numpynn.layers.base import Layer


class BatchNormalization(Layer):
    """Normalise the channels along ``axis``, then scale by ``gamma`` and shift by ``beta``.

    With the statistics (mean, var) of one channel, sigma = sqrt(var + epsilon)::

        xhat = (x - mean) / sigma,     y = gamma * xhat + beta

    ``training=True``: mean and var are the batch's, over every axis but ``axis`` (var is the
    biased variance, dividing by the count n), and the moving statistics are updated in
    place: ``moving = moving * momentum + batch * (1 - momentum)``. ``training=False``, or a
    layer with ``trainable = False`` (Keras 3 runs a frozen BatchNormalization in inference
    mode even inside ``fit``): mean and var are ``moving_mean`` and ``moving_variance``.

    Backward, with g = dL/dy and sums and means over the reduction axes::

        dL/dgamma = sum(g * xhat),   dL/dbeta = sum(g)
        batch statistics:  dL/dx = gamma / sigma * (g - mean(g) - xhat * mean(g * xhat))
        moving statistics: dL/dx = gamma / sigma * g

    Shapes: x and y (batch, ..., channels, ...), any rank; gamma, beta, moving_mean,
    moving_variance (channels,) with channels = x.shape[axis]. Weights in Keras' order:
    gamma (if ``scale``), beta (if ``center``), moving_mean, moving_variance (the last two
    non-trainable).

    Args:
        axis: the channel axis, kept; defaults to `-1` (channels last).
        momentum: of the moving statistics. Defaults to `0.99`.
        epsilon: added to the variance. Defaults to `1e-3`.
        center: whether to add ``beta``. Defaults to `True`.
        scale: whether to multiply by ``gamma``. Defaults to `True`.
        beta_initializer: defaults to `"zeros"`.
        gamma_initializer: defaults to `"ones"`.
        moving_mean_initializer: defaults to `"zeros"`.
        moving_variance_initializer: defaults to `"ones"`.
        beta_regularizer, gamma_regularizer: penalties on beta and gamma; default `None`.
        beta_constraint, gamma_constraint: applied to beta and gamma after each optimizer
            step; default `None`. (The moving statistics are not trainable: neither applies.)

    Example::

        >>> bn = BatchNormalization()
        >>> y = bn(np.random.randn(32, 4) * 5 + 3, training=True)
        >>> bool(np.allclose(y.mean(axis=0), 0, atol=1e-5))
        True
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if not layer_arguments.is_whole(axis):
            raise TypeError(f"BatchNormalization axis must be an integer, got {axis!r}.")
        if not layer_arguments.is_number(momentum) or not 0 <= momentum <= 1:
            raise ValueError(f"BatchNormalization momentum must be a number in [0, 1], got "
                             f"{momentum!r}.")
        if not layer_arguments.is_number(epsilon) or not epsilon > 0:
            raise ValueError(f"BatchNormalization epsilon must be a positive number, got "
                             f"{epsilon!r}.")
        self.axis = int(axis)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)

    def _channel_axis(self, ndim):
        if not -ndim <= self.axis < ndim:
            raise ValueError(f"BatchNormalization axis={self.axis} is out of range for inputs "
                             f"of rank {ndim}; use an axis in [{-ndim}, {ndim - 1}].")
        return self.axis % ndim

    def build(self, input_shape):
        axis = self._channel_axis(len(input_shape))
        channels = input_shape[axis]
        if channels is None:
            raise ValueError(f"BatchNormalization layer {self.name!r} needs a known size on "
                             f"axis {self.axis}, got input shape {input_shape}.")
        self._reduction_axes = tuple(i for i in range(len(input_shape)) if i != axis)
        # (1, ..., channels, ..., 1): how a (channels,) vector broadcasts against x
        self._broadcast_shape = tuple(channels if i == axis else 1
                                      for i in range(len(input_shape)))
        if self.scale:
            self.add_weight("gamma", (channels,), self.gamma_initializer,
                            regularizer=self.gamma_regularizer, constraint=self.gamma_constraint)
        if self.center:
            self.add_weight("beta", (channels,), self.beta_initializer,
                            regularizer=self.beta_regularizer, constraint=self.beta_constraint)
        self.add_weight("moving_mean", (channels,), self.moving_mean_initializer,
                        trainable=False)
        self.add_weight("moving_variance", (channels,), self.moving_variance_initializer,
                        trainable=False)

    def compute_output_shape(self, input_shape):
        self._channel_axis(len(input_shape))
        return tuple(input_shape)

    def _channels(self, vector):
        return vector.reshape(self._broadcast_shape)

    def forward(self, x, training=False):
        self._batch_statistics = bool(training and self.trainable)
        if self._batch_statistics:
            mean = x.mean(axis=self._reduction_axes)
            variance = x.var(axis=self._reduction_axes)  # biased: divides by the count
            for moving, batch in ((self.params["moving_mean"], mean),
                                  (self.params["moving_variance"], variance)):
                moving *= self.momentum
                moving += batch * (1.0 - self.momentum)
        else:
            mean = self.params["moving_mean"]
            variance = self.params["moving_variance"]
        self._inv_sigma = 1.0 / np.sqrt(variance + self.epsilon)
        xhat = self._buffer("xhat", x.shape, x.dtype)
        np.subtract(x, self._channels(mean), out=xhat)
        xhat *= self._channels(self._inv_sigma)
        self._xhat = xhat
        y = self._buffer("y", x.shape, x.dtype)
        y[...] = xhat
        if self.scale:
            y *= self._channels(self.params["gamma"])
        if self.center:
            y += self._channels(self.params["beta"])
        return y

    def backward(self, grad_out):
        g, xhat = grad_out, self._xhat
        g_xhat = self._buffer("g_xhat", g.shape, g.dtype)
        np.multiply(g, xhat, out=g_xhat)
        sum_g = g.sum(axis=self._reduction_axes)
        sum_g_xhat = g_xhat.sum(axis=self._reduction_axes)
        if self.scale:
            self.grads["gamma"][...] = sum_g_xhat
        if self.center:
            self.grads["beta"][...] = sum_g
        if not self.input_grad_needed:
            return None
        gain = self._inv_sigma * self.params["gamma"] if self.scale else self._inv_sigma
        grad_x = self._buffer("grad_x", g.shape, g.dtype)
        if self._batch_statistics:  # g - mean(g) - xhat * mean(g * xhat)
            count = g.size // len(sum_g)
            np.multiply(xhat, self._channels(sum_g_xhat / count), out=grad_x)
            np.subtract(g, grad_x, out=grad_x)
            grad_x -= self._channels(sum_g / count)
        else:
            grad_x[...] = g
        grad_x *= self._channels(gain)
        return grad_x

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum,
                "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer":
                    initializers.serialize(self.moving_variance_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint)}
