"""The rectifier family: relu (with Keras' options), relu6, leaky_relu, elu, selu, celu.

At a kink the slope is the one TensorFlow's gradient gives (tf.GradientTape through
``keras.activations``): relu 0 at 0, relu6 0 at 0 and 6, leaky_relu ``negative_slope`` at 0,
elu ``alpha`` at 0, selu ``scale`` at 0, celu 2 at 0.
"""
import numpy as np

from numpynn.activations.base import ActivationFunction, as_dtype_of

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


def _plain_relu(x):
    return np.maximum(x, 0) if x.dtype.kind != "f" else np.maximum(x, _zeros_row(x))


class ReLU(ActivationFunction):
    """Rectified linear unit with Keras' options (``keras.activations.relu``)::

        main = x if x > threshold else 0     (max(x, 0) when threshold = 0)
        main = clip(main, 0, max_value)      (when max_value is set)
        y = main - negative_slope * max(threshold - x, 0)

    so below the threshold y = negative_slope (x - threshold), and y jumps from 0 to
    ``threshold`` there. With ``negative_slope`` alone it is leaky_relu. dy/dx = [main
    passes x] + negative_slope [x < threshold]; the clip passes x on [0, max_value]
    inclusive, except ``max_value=6`` without threshold, which is relu6 (0 at 6).

    The plain relu's forward pass is tuned: NumPy 2's ``np.maximum`` runs its vectorised
    loop only for two arrays walked in step; against the scalar 0 it is 2-4x slower, and so
    it is against a row of zeros broadcast along a short inner axis, as in the (32, 512) view
    of a (512, 32) array that ``Dense`` returns for small batches (9-14 us against 3-4 us).
    So an array of up to ``SMALL_RELU`` values stored in one block is compared, as a flat
    vector, with a kept vector of zeros; larger ones, whose rows are long, with a row of
    zeros broadcast along their rows (512 x 512: 45 us, against 140-210 us for the scalar).

    Args:
        negative_slope: slope below the threshold. Defaults to `0.0`.
        max_value: upper cap; defaults to `None` (no cap).
        threshold: values above it pass. Defaults to `0.0`.
    """
    name = "relu"

    def __init__(self, negative_slope=0.0, max_value=None, threshold=0.0):
        self.negative_slope = float(negative_slope)
        self.max_value = None if max_value is None else float(max_value)
        self.threshold = float(threshold)
        self.plain = self.negative_slope == 0 and self.max_value is None and self.threshold == 0
        self.needs_input = not self.plain

    def forward(self, x):
        if self.plain:
            return _plain_relu(x)
        slope, cap, threshold = self.negative_slope, self.max_value, self.threshold
        if slope != 0 and cap is None and threshold == 0:
            return LeakyReLU(slope).forward(x)
        if threshold != 0:
            main = np.where(x > threshold, x, 0)
        elif cap == 6:
            main = np.clip(x, 0, 6)
        else:
            main = np.maximum(x, 0)
        if cap is not None and not (cap == 6 and threshold == 0):
            main = np.clip(main, 0, cap)
        if slope != 0:
            main = main - slope * np.maximum(threshold - x, 0)
        return as_dtype_of(main, x)

    def forward_inplace(self, x):
        if not self.plain or x.dtype.kind != "f":
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
        if self.plain:
            return as_dtype_of(y > 0, y)
        slope, cap, threshold = self.negative_slope, self.max_value, self.threshold
        if slope != 0 and cap is None and threshold == 0:
            return LeakyReLU(slope)._slope(x, y)
        if threshold != 0:
            passes = x > threshold
            main = np.where(passes, x, 0)
        elif cap == 6:
            return as_dtype_of(((x > 0) & (x < 6)) + slope * (x < 0), y)
        else:
            passes, main = x > 0, np.maximum(x, 0)
        if cap is not None:
            passes = passes & (main >= 0) & (main <= cap)
        return as_dtype_of(passes + slope * (x < threshold), y)

    def backward(self, grad, x, y):
        if self.plain:
            np.multiply(grad, y > 0, out=grad)
            return grad
        return super().backward(grad, x, y)

    def get_config(self):
        return {"negative_slope": self.negative_slope, "max_value": self.max_value,
                "threshold": self.threshold}


class ReLU6(ActivationFunction):
    """y = min(max(x, 0), 6);  dy/dx = 1 where 0 < x < 6, else 0."""
    name = "relu6"

    def forward(self, x):
        return np.clip(x, 0, 6)

    def _slope(self, x, y):
        return as_dtype_of((y > 0) & (y < 6), y)


class LeakyReLU(ActivationFunction):
    """y = x if x > 0 else a x;  dy/dx = 1 where x > 0, else a.  Keras' default a = 0.2."""
    name = "leaky_relu"

    def __init__(self, negative_slope=0.2):
        if negative_slope < 0:
            raise ValueError(f"negative_slope must be >= 0, got {negative_slope}.")
        self.negative_slope = float(negative_slope)

    def forward(self, x):
        return as_dtype_of(np.where(x > 0, x, x * self.negative_slope), x)

    def _slope(self, x, y):
        return as_dtype_of(np.where(y > 0, 1.0, self.negative_slope), y)

    def get_config(self):
        return {"negative_slope": self.negative_slope}


class ELU(ActivationFunction):
    """y = x if x > 0 else a (e^x - 1);  dy/dx = 1 where x > 0, else y + a = a e^x.
    (Clevert et al., 2015)"""
    name = "elu"

    def __init__(self, alpha=1.0):
        self.alpha = float(alpha)

    def forward(self, x):
        negative = self.alpha * np.expm1(np.minimum(x, 0))
        return as_dtype_of(np.where(x > 0, x, negative), x)

    def _slope(self, x, y):
        return as_dtype_of(np.where(y > 0, 1.0, y + self.alpha), y)

    def get_config(self):
        return {"alpha": self.alpha}


class SELU(ActivationFunction):
    """y = s * elu(x, a) with a = 1.6732632, s = 1.0507010 (Klambauer et al., 2017);
    dy/dx = s where x >= 0, else y + s a."""
    name = "selu"
    alpha = 1.6732632423543772
    scale = 1.0507009873554805

    def forward(self, x):
        negative = self.alpha * np.expm1(np.minimum(x, 0))
        return as_dtype_of(self.scale * np.where(x > 0, x, negative), x)

    def _slope(self, x, y):
        return as_dtype_of(np.where(y < 0, y + self.scale * self.alpha, self.scale), y)


class CELU(ActivationFunction):
    """y = max(x, 0) + a (e^{min(x, 0) / a} - 1) (Barron, 2017);
    dy/dx = [x >= 0] + [x <= 0] e^{min(x, 0) / a}: 2 at exactly 0, as TensorFlow's gradient
    of that sum (each of max and min passes the whole gradient at a tie)."""
    name = "celu"
    needs_input = True

    def __init__(self, alpha=1.0):
        if alpha == 0:
            raise ValueError("celu's alpha divides x: pass a nonzero alpha (Keras' default "
                             "is 1.0).")
        self.alpha = float(alpha)

    def forward(self, x):
        return as_dtype_of(np.maximum(x, 0) + self.alpha * np.expm1(np.minimum(x, 0)
                                                                   / self.alpha), x)

    def _slope(self, x, y):
        return as_dtype_of((x >= 0) + (x <= 0) * np.exp(np.minimum(x, 0) / self.alpha), y)

    def get_config(self):
        return {"alpha": self.alpha}
