"""``PReLU``: a leaky rectifier whose negative slope is a trained weight."""
import numpy as np

from numpynn import constraints, initializers, regularizers
from numpynn.layers.base import Layer


class PReLU(Layer):
    """Parametric ReLU (He et al., 2015): y = x where x > 0, else alpha * x.

    Shapes: x (batch, *features) -> y of the same shape; alpha has x's shape without the
    batch axis, with size 1 along each of ``shared_axes`` (one slope shared along them).
    Backward, with g = dL/dy:
    dL/dx = g where x > 0, alpha g where x < 0, 0 at x = 0 (TensorFlow's slope there);
    dL/dalpha = sum of g * min(x, 0) over the batch and the shared axes.

    Args:
        alpha_initializer: defaults to `"zeros"` (the layer starts as a relu).
        alpha_regularizer: penalty on alpha (e.g. `"l2"`). Defaults to `None`.
        alpha_constraint: applied to alpha after each optimizer step (e.g. `"non_neg"`).
            Defaults to `None`.
        shared_axes: axes (1 = the first after the batch) along which alpha is shared,
            e.g. `[1, 2]` for one slope per channel of images. Defaults to `None`.
    """

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None,
                 alpha_constraint=None, shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        else:
            axes = list(shared_axes) if isinstance(shared_axes, (list, tuple)) else [shared_axes]
            if any(int(a) != a or a < 1 for a in axes):
                raise ValueError(f"PReLU's shared_axes count from 1 (the first axis after "
                                 f"the batch); got {shared_axes!r}.")
            self.shared_axes = [int(a) for a in axes]

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            if axis >= len(input_shape):
                raise ValueError(f"PReLU's shared axis {axis} does not exist in input shape "
                                 f"{tuple(input_shape)}.")
            shape[axis - 1] = 1
        if None in shape:
            raise ValueError(f"PReLU needs a known size on every axis it does not share, got "
                             f"input shape {tuple(input_shape)}: add it to shared_axes.")
        self.alpha = self.add_weight("alpha", shape, self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)

    def bind(self, value_views, grad_views):
        super().bind(value_views, grad_views)
        self.alpha = self.params["alpha"]

    def forward(self, x, training=False):
        self._x = x
        return np.where(x > 0, x, self.alpha * x).astype(x.dtype, copy=False)

    def backward(self, grad_out):
        x = self._x
        reduced = (0,) + tuple(self.shared_axes or ())
        self.grads["alpha"][...] = np.sum(grad_out * np.minimum(x, 0), axis=reduced,
                                          keepdims=True)[0]
        if not self.input_grad_needed:
            return None
        return grad_out * np.where(x > 0, 1, np.where(x < 0, self.alpha, 0))

    def get_config(self):
        return {**super().get_config(),
                "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                "alpha_constraint": constraints.serialize(self.alpha_constraint),
                "shared_axes": self.shared_axes}
