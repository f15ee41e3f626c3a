"""``ActivationFunction``: the base class of every activation, with its derivative."""
import numpy as np


class ActivationFunction:
    """Base class of activations. Subclasses define ``forward`` and ``_slope`` (the
    elementwise derivative), or ``backward`` when the Jacobian is not diagonal.

    Calling the object runs ``forward``; arguments after ``x`` build a configured copy
    first, as Keras' functions take them: ``relu(x, negative_slope=0.1)``.
    """

    name = None
    #: True when ``backward`` needs the input ``x``; False when the output ``y`` is enough.
    needs_input = False

    def __call__(self, x, *args, **kwargs):
        if args or kwargs:
            return type(self)(*args, **kwargs).forward(np.asarray(x))
        return self.forward(np.asarray(x))

    def forward(self, x):
        raise NotImplementedError

    def forward_inplace(self, x):
        """``forward(x)``, computed in ``x``'s memory where ``backward`` needs only y
        (overwriting x); otherwise a new array and x is left intact."""
        return self.forward(x)

    def derivative(self, x):
        """Elementwise dy/dx at ``x``."""
        x = np.asarray(x)
        return self._slope(x, self.forward(x))

    def _slope(self, x, y):
        raise NotImplementedError

    def backward(self, grad, x, y):
        """dL/dx = dL/dy * dy/dx; writes into and returns ``grad``."""
        grad *= self._slope(x, y)
        return grad

    def compute_output_shape(self, input_shape):
        """The output's shape for an input of ``input_shape``: the same, except for ``glu``."""
        return tuple(input_shape)

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<activation {self.name}>"


def as_dtype_of(values, x):
    """``values`` cast to ``x``'s float type (NumPy promotes float32 with Python floats
    held in float64 arrays)."""
    return np.asarray(values).astype(np.result_type(x, np.float32), copy=False)
