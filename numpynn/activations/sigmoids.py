"""The sigmoid family: sigmoid, hard_sigmoid, sparse_sigmoid, log_sigmoid, silu (swish),
hard_silu (hard_swish)."""
import numpy as np

from numpynn.activations.base import ActivationFunction, as_dtype_of


def _logistic_into(x, out):
    """1 / (1 + e^-x) written into ``out`` (which may be x), accurate in both tails:
    with e = e^-|x|, y = 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0, so far left
    (x = -700 in float64) y is e^x to full relative precision instead of 0, and nothing
    overflows."""
    negative = x < 0
    np.abs(x, out=out)
    np.negative(out, out=out)
    np.exp(out, out=out)
    numerator = np.where(negative, out, 1.0).astype(out.dtype, copy=False)
    out += 1.0
    np.divide(numerator, out, out=out)
    return out


def logistic(x):
    """The sigmoid 1 / (1 + e^-x) of ``x``, in a new array."""
    x = np.asarray(x)
    return _logistic_into(x, np.empty(x.shape, np.result_type(x, np.float32)))


class Sigmoid(ActivationFunction):
    """y = 1 / (1 + e^-x);  dy/dx = y (1 - y), at most 0.25 (at x = 0)."""
    name = "sigmoid"

    def forward(self, x):
        return logistic(x)

    def forward_inplace(self, x):
        if x.dtype.kind != "f":
            return self.forward(x)
        return _logistic_into(x, x)

    def _slope(self, x, y):
        return y * (1.0 - y)


class HardSigmoid(ActivationFunction):
    """y = relu6(x + 3) / 6 = clip(x / 6 + 1/2, 0, 1);  dy/dx = 1/6 where -3 < x < 3."""
    name = "hard_sigmoid"
    needs_input = True

    def forward(self, x):
        return as_dtype_of(np.clip(x + 3.0, 0, 6) / 6.0, x)

    def _slope(self, x, y):
        shifted = x + 3.0
        return as_dtype_of(((shifted > 0) & (shifted < 6)) / 6.0, y)


class SparseSigmoid(ActivationFunction):
    """y = 0 for x <= -1, (x + 1) / 2 for -1 < x < 1, 1 for x >= 1;  dy/dx = 1/2 inside."""
    name = "sparse_sigmoid"
    needs_input = True

    def forward(self, x):
        return as_dtype_of(np.clip(0.5 * (x + 1.0), 0, 1), x)

    def _slope(self, x, y):
        return as_dtype_of(((x > -1) & (x < 1)) * 0.5, y)


class LogSigmoid(ActivationFunction):
    """y = log(sigmoid(x)) = -log(1 + e^-x);  dy/dx = sigmoid(-x) = 1 - sigmoid(x)."""
    name = "log_sigmoid"
    needs_input = True

    def forward(self, x):
        return as_dtype_of(-np.logaddexp(0, -x), x)

    def _slope(self, x, y):
        return logistic(-x)


class Swish(ActivationFunction):
    """y = x sigmoid(x) (SiLU);  dy/dx = s (1 + x (1 - s)), s = sigmoid(x)."""
    name = "swish"
    needs_input = True

    def forward(self, x):
        return x * logistic(x)

    def _slope(self, x, y):
        s = logistic(x)
        return s * (1.0 + x * (1.0 - s))


class HardSilu(ActivationFunction):
    """y = x hard_sigmoid(x);  dy/dx = hard_sigmoid(x) + x / 6 where -3 < x < 3."""
    name = "hard_silu"
    needs_input = True

    def forward(self, x):
        return x * HardSigmoid().forward(x)

    def _slope(self, x, y):
        hard = HardSigmoid()
        return hard.forward(x) + x * hard._slope(x, y)
