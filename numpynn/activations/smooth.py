"""Smooth elementwise activations: linear, exponential, tanh, tanh_shrink, softplus,
softsign, squareplus, sparse_plus, gelu, mish."""
import math

import numpy as np

from numpynn.activations.base import ActivationFunction, as_dtype_of
from numpynn.activations.sigmoids import logistic


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


class Exponential(ActivationFunction):
    """y = e^x;  dy/dx = y."""
    name = "exponential"

    def forward(self, x):
        return np.exp(x)

    def _slope(self, x, y):
        return y


class Tanh(ActivationFunction):
    """y = tanh(x);  dy/dx = 1 - y^2, at most 1 (at x = 0)."""
    name = "tanh"

    def forward(self, x):
        return np.tanh(x)

    def _slope(self, x, y):
        return 1.0 - y * y


class TanhShrink(ActivationFunction):
    """y = x - tanh(x);  dy/dx = tanh(x)^2."""
    name = "tanh_shrink"
    needs_input = True

    def forward(self, x):
        return x - np.tanh(x)

    def _slope(self, x, y):
        return np.tanh(x) ** 2


class Softplus(ActivationFunction):
    """y = log(1 + e^x);  dy/dx = sigmoid(x)."""
    name = "softplus"
    needs_input = True

    def forward(self, x):
        return as_dtype_of(np.logaddexp(0, x), x)

    def _slope(self, x, y):
        return logistic(x)


class Softsign(ActivationFunction):
    """y = x / (1 + |x|);  dy/dx = 1 / (1 + |x|)^2."""
    name = "softsign"
    needs_input = True

    def forward(self, x):
        return x / (1.0 + np.abs(x))

    def _slope(self, x, y):
        return 1.0 / (1.0 + np.abs(x)) ** 2


class Squareplus(ActivationFunction):
    """y = (x + sqrt(x^2 + b)) / 2 (So, 2021);  dy/dx = (1 + x / sqrt(x^2 + b)) / 2.

    Args:
        b: smoothness near 0, >= 0 (b = 0 is relu). Defaults to `4`.
    """
    name = "squareplus"
    needs_input = True

    def __init__(self, b=4):
        if b < 0:
            raise ValueError(f"squareplus needs b >= 0, got {b}.")
        self.b = b

    def forward(self, x):
        return as_dtype_of((x + np.sqrt(x * x + self.b)) / 2, x)

    def _slope(self, x, y):
        return as_dtype_of((1 + x / np.sqrt(x * x + self.b)) / 2, y)

    def get_config(self):
        return {"b": self.b}


class SparsePlus(ActivationFunction):
    """y = 0 for x <= -1, (x + 1)^2 / 4 for -1 < x < 1, x for x >= 1;
    dy/dx = 0, (x + 1) / 2, 1 on those pieces."""
    name = "sparse_plus"
    needs_input = True

    def forward(self, x):
        return as_dtype_of(np.where(x <= -1, 0, np.where(x < 1, 0.25 * (x + 1) ** 2, x)), x)

    def _slope(self, x, y):
        return as_dtype_of(np.where(x <= -1, 0, np.where(x < 1, 0.5 * (x + 1), 1)), y)


_erfc = np.vectorize(math.erfc, otypes=[np.float64])


class GELU(ActivationFunction):
    """y = x Phi(x), Phi the standard normal CDF (Hendrycks & Gimpel, 2016);
    dy/dx = Phi(x) + x phi(x).

    Phi(x) = erfc(-x / sqrt(2)) / 2, which keeps its relative precision far left (as
    TensorFlow computes it). ``approximate=True`` uses
    0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). The exact form (Keras' default)
    evaluates erfc elementwise in Python and is slow on large arrays.
    """
    name = "gelu"
    needs_input = True
    _c = math.sqrt(2.0 / math.pi)

    def __init__(self, approximate=False):
        self.approximate = bool(approximate)

    def forward(self, x):
        if self.approximate:
            return 0.5 * x * (1.0 + np.tanh(self._c * (x + 0.044715 * x ** 3)))
        return as_dtype_of(0.5 * x * _erfc(-x / math.sqrt(2.0)), x)

    def _slope(self, x, y):
        if self.approximate:
            t = np.tanh(self._c * (x + 0.044715 * x ** 3))
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * self._c * (1 + 3 * 0.044715 * x * x)
        cdf = 0.5 * _erfc(-x / math.sqrt(2.0))
        pdf = np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)
        return as_dtype_of(cdf + x * pdf, x)

    def get_config(self):
        return {"approximate": self.approximate}


class Mish(ActivationFunction):
    """y = x tanh(softplus(x)) (Misra, 2019);
    dy/dx = t + x (1 - t^2) sigmoid(x), t = tanh(softplus(x))."""
    name = "mish"
    needs_input = True

    def forward(self, x):
        return x * np.tanh(Softplus().forward(x))

    def _slope(self, x, y):
        t = np.tanh(Softplus().forward(x))
        return t + x * (1.0 - t * t) * logistic(x)
