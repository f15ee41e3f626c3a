"""Activation functions, each with its derivative, usable by name or called directly.

Each activation is a small object with
- ``forward(x) -> y`` (also ``activation(x)``),
- ``derivative(x)``: the elementwise slope dy/dx (not defined for ``softmax``, whose
  Jacobian is a matrix),
- ``backward(grad, x, y) -> grad * dy/dx``: the backpropagation step. It reuses ``y`` where
  the slope is cheaper from the output (sigmoid: y (1 - y); tanh: 1 - y^2) and may write
  into ``grad``.

Example::

    >>> from numpynn import activations
    >>> activations.sigmoid.derivative(np.array([0.0]))   # the sigmoid's slope peaks at 0.25
    array([0.25])
    >>> activations.get("relu")(np.array([-1.0, 2.0]))
    array([0., 2.])
"""
import math

import numpy as np

from numpynn import registry


class ActivationFunction:
    """Base class of activations. Subclasses define ``forward`` and ``derivative``
    (or ``backward`` when the Jacobian is not diagonal)."""

    name = None
    #: True when ``backward`` needs the input ``x``; False when the output ``y`` is enough.
    needs_input = False

    def __call__(self, x, **kwargs):
        if kwargs:
            return type(self)(**kwargs).forward(np.asarray(x))
        return self.forward(np.asarray(x))

    def forward(self, x):
        raise NotImplementedError

    def forward_inplace(self, x):
        """``forward(x)``, computed in ``x``'s memory where ``backward`` needs only y
        (overwriting x); otherwise a new array and x is left intact."""
        return self.forward(x)

    def derivative(self, x):
        """Elementwise dy/dx at ``x``."""
        return self._slope(np.asarray(x), self.forward(np.asarray(x)))

    def _slope(self, x, y):
        raise NotImplementedError

    def backward(self, grad, x, y):
        """dL/dx = dL/dy * dy/dx; writes into and returns ``grad``."""
        grad *= self._slope(x, y)
        return grad

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<activation {self.name}>"


class Linear(ActivationFunction):
    """y = x;  dy/dx = 1."""
    name = "linear"

    def forward(self, x):
        return x

    def forward_inplace(self, x):
        return x

    def _slope(self, x, y):
        return np.ones_like(y)

    def backward(self, grad, x, y):
        return grad


class Sigmoid(ActivationFunction):
    """y = 1 / (1 + e^-x);  dy/dx = y (1 - y), at most 0.25 (at x = 0)."""
    name = "sigmoid"

    def forward(self, x):
        return self._from_half(x * 0.5)

    def forward_inplace(self, x):
        if x.dtype.kind != "f":
            return self.forward(x)
        x *= 0.5
        return self._from_half(x)

    @staticmethod
    def _from_half(h):
        """0.5 (1 + tanh(h)) for h = x / 2, in h's memory: it equals the logistic function
        and never overflows."""
        np.tanh(h, out=h)
        h += 1.0
        h *= 0.5
        return h

    def _slope(self, x, y):
        return y * (1.0 - y)


class Tanh(ActivationFunction):
    """y = tanh(x);  dy/dx = 1 - y^2, at most 1 (at x = 0)."""
    name = "tanh"

    def forward(self, x):
        return np.tanh(x)

    def _slope(self, x, y):
        return 1.0 - y * y


#: ReLU's forward pass compares arrays of up to this many values with kept zeros
SMALL_RELU = 65_536
_zeros = {}  # dtype -> SMALL_RELU zeros


def _zeros_row(x):
    """Zeros of shape (last axis of x,), for ``np.maximum(x, _zeros_row(x))`` = max(x, 0)."""
    return np.zeros(x.shape[-1:], dtype=x.dtype)


def _flat(x):
    """The 1-D view of ``x``'s memory when ``x`` is one block in C or Fortran order, else
    ``None``."""
    if x.flags.c_contiguous:
        return x.reshape(-1)
    if x.flags.f_contiguous:
        return x.T.reshape(-1)
    return None


class ReLU(ActivationFunction):
    """y = max(x, 0);  dy/dx = 1 where x > 0, else 0.

    NumPy 2's ``np.maximum`` runs its vectorised loop only for two arrays walked in step:
    against the scalar 0 it is 2-4x slower, and so it is against a row of zeros broadcast
    along a short inner axis, as in the (32, 512) view of a (512, 32) array that ``Dense``
    returns for small batches (9-14 us against 3-4 us). So an array of up to ``SMALL_RELU``
    values stored in one block is compared, as a flat vector, with a kept vector of zeros;
    larger ones, whose rows are long, with a row of zeros broadcast along their rows
    (512 x 512: 45 us, against 140-210 us for the scalar).
    """
    name = "relu"

    def forward(self, x):
        if x.dtype.kind != "f":
            return np.maximum(x, 0)
        return np.maximum(x, _zeros_row(x))

    def forward_inplace(self, x):
        if x.dtype.kind != "f":
            return self.forward(x)
        flat = _flat(x) if x.size <= SMALL_RELU else None
        if flat is None:
            return np.maximum(x, _zeros_row(x), out=x)
        zeros = _zeros.get(x.dtype)
        if zeros is None:
            zeros = _zeros[x.dtype] = np.zeros(SMALL_RELU, dtype=x.dtype)
        np.maximum(flat, zeros[:flat.size], out=flat)
        return x

    def _slope(self, x, y):
        return (y > 0).astype(y.dtype)

    def backward(self, grad, x, y):
        np.multiply(grad, y > 0, out=grad)
        return grad


class LeakyReLU(ActivationFunction):
    """y = x if x > 0 else a x;  dy/dx = 1 or a.  Keras' default slope a = 0.2."""
    name = "leaky_relu"

    def __init__(self, negative_slope=0.2):
        if negative_slope < 0:
            raise ValueError(f"negative_slope must be >= 0, got {negative_slope}.")
        self.negative_slope = float(negative_slope)

    def forward(self, x):
        return np.where(x > 0, x, x * self.negative_slope).astype(x.dtype, copy=False)

    def _slope(self, x, y):
        return np.where(y > 0, 1.0, self.negative_slope).astype(y.dtype)

    def get_config(self):
        return {"negative_slope": self.negative_slope}


class ELU(ActivationFunction):
    """y = x if x > 0 else a (e^x - 1);  dy/dx = 1 or y + a.  (Clevert et al., 2015)"""
    name = "elu"

    def __init__(self, alpha=1.0):
        self.alpha = float(alpha)

    def forward(self, x):
        negative = self.alpha * np.expm1(np.minimum(x, 0))
        return np.where(x > 0, x, negative).astype(x.dtype, copy=False)

    def _slope(self, x, y):
        return np.where(y > 0, 1.0, y + self.alpha).astype(y.dtype)

    def get_config(self):
        return {"alpha": self.alpha}


class SELU(ActivationFunction):
    """y = s * elu(x, a) with a = 1.6732632, s = 1.0507010 (Klambauer et al., 2017)."""
    name = "selu"
    alpha = 1.6732632423543772
    scale = 1.0507009873554805

    def forward(self, x):
        negative = self.alpha * np.expm1(np.minimum(x, 0))
        return (self.scale * np.where(x > 0, x, negative)).astype(x.dtype, copy=False)

    def _slope(self, x, y):
        return np.where(y > 0, self.scale, y + self.scale * self.alpha).astype(y.dtype)


class Softplus(ActivationFunction):
    """y = log(1 + e^x);  dy/dx = sigmoid(x)."""
    name = "softplus"
    needs_input = True

    def forward(self, x):
        return np.logaddexp(0, x).astype(x.dtype, copy=False)

    def _slope(self, x, y):
        return Sigmoid().forward(x)


class Swish(ActivationFunction):
    """y = x sigmoid(x) (also called SiLU);  dy/dx = s (1 + x (1 - s)), s = sigmoid(x)."""
    name = "swish"
    needs_input = True

    def forward(self, x):
        return x * Sigmoid().forward(x)

    def _slope(self, x, y):
        s = Sigmoid().forward(x)
        return s * (1.0 + x * (1.0 - s))


_erf = np.vectorize(math.erf, otypes=[np.float64])


class GELU(ActivationFunction):
    """y = x Phi(x), Phi the standard normal CDF (Hendrycks & Gimpel, 2016).

    ``approximate=True`` uses 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). The exact form
    (Keras' default) evaluates erf elementwise in Python and is slow on large arrays.
    """
    name = "gelu"
    needs_input = True
    _c = math.sqrt(2.0 / math.pi)

    def __init__(self, approximate=False):
        self.approximate = bool(approximate)

    def forward(self, x):
        if self.approximate:
            return 0.5 * x * (1.0 + np.tanh(self._c * (x + 0.044715 * x ** 3)))
        return (0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))).astype(x.dtype, copy=False)

    def _slope(self, x, y):
        if self.approximate:
            t = np.tanh(self._c * (x + 0.044715 * x ** 3))
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * self._c * (1 + 3 * 0.044715 * x * x)
        cdf = 0.5 * (1.0 + _erf(x / math.sqrt(2.0)))
        pdf = np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)
        return (cdf + x * pdf).astype(x.dtype, copy=False)

    def get_config(self):
        return {"approximate": self.approximate}


#: Up to this many columns a 2-D softmax reduces its transposed copy along the first axis.
FEW_COLUMNS = 64


def reduce_rows(ufunc, x, axis):
    """``ufunc.reduce(x, axis, keepdims=True)``. NumPy reduces a short, contiguous last axis
    slowly, one row at a time (the max of 1024 x 10 float32: about 80 us); for a 2-D x of at
    most ``FEW_COLUMNS`` columns (a softmax over classes) it reduces ``x.T`` as a contiguous
    array along its first axis instead, whole rows of it at a time (about 7 us, the copy
    included; no copy where x is already the transpose of a contiguous array)."""
    if x.ndim == 2 and axis in (1, -1) and x.shape[1] <= FEW_COLUMNS:
        return ufunc.reduce(np.ascontiguousarray(x.T), axis=0)[:, None]
    return ufunc.reduce(x, axis=axis, keepdims=True)


class Softmax(ActivationFunction):
    """y_i = e^{x_i} / sum_j e^{x_j} along ``axis`` (computed as e^{x - max x}: no overflow).

    Backward (vector-Jacobian product): dL/dx = y * (g - sum_j g_j y_j).
    """
    name = "softmax"

    def __init__(self, axis=-1):
        self.axis = int(axis)

    def forward(self, x):
        return self._exp_normalised(x - reduce_rows(np.maximum, x, self.axis))

    def forward_inplace(self, x):
        if x.dtype.kind != "f":
            return self.forward(x)
        x -= reduce_rows(np.maximum, x, self.axis)
        return self._exp_normalised(x)

    def _exp_normalised(self, shifted):
        """e^s / sum e^s for s = x - max x, in s's memory."""
        np.exp(shifted, out=shifted)
        shifted /= reduce_rows(np.add, shifted, self.axis)
        return shifted

    def derivative(self, x):
        raise TypeError("softmax has no elementwise derivative: its Jacobian is "
                        "diag(y) - y y^T. Use backward(grad, x, y) for backpropagation.")

    def backward(self, grad, x, y):
        grad -= reduce_rows(np.add, grad * y, self.axis)
        grad *= y
        return grad

    def get_config(self):
        return {"axis": self.axis}


linear = Linear()
sigmoid = Sigmoid()
tanh = Tanh()
relu = ReLU()
leaky_relu = LeakyReLU()
elu = ELU()
selu = SELU()
softplus = Softplus()
swish = Swish()
silu = swish
gelu = GELU()
softmax = Softmax()

ALL = {f.name: type(f) for f in (linear, sigmoid, tanh, relu, leaky_relu, elu, selu,
                                 softplus, swish, gelu, softmax)}
ALL["silu"] = Swish
ALL.update({cls.__name__: cls for cls in list(ALL.values())})


def get(identifier):
    """An activation object from a name (``"relu"``), a config dict, an instance, or ``None``
    (meaning ``linear``)."""
    if identifier is None:
        return Linear()
    if isinstance(identifier, ActivationFunction):
        return identifier
    if isinstance(identifier, (str, dict)):
        return registry.deserialize(identifier, "activation", ALL)
    raise TypeError(
        f"Cannot use {identifier!r} as an activation: numpynn needs its derivative too. Pass a "
        "name such as 'relu', or subclass numpynn.activations.ActivationFunction with forward() "
        "and derivative() (or backward()).")


def serialize(activation):
    """The name of a built-in activation with default settings, else its config dict."""
    if type(activation).__name__ in ALL and not activation.get_config():
        return activation.name
    return registry.serialize(activation)
