"""``RMSprop``: divide the gradient by a running root-mean-square of recent gradients."""
import numpy as np

from numpynn import blas
from numpynn.optimizers.arguments import check_range
from numpynn.optimizers.base import Optimizer


class RMSprop(Optimizer):
    """RMSprop (Hinton, 2012). With g the gradient:

        v <- rho v + (1 - rho) g^2
        centered:  a <- rho a + (1 - rho) g;   s = v - a^2,   else s = v
        keras:  u = lr g / sqrt(s + eps)
        torch:  u = lr g / (sqrt(s) + eps)
        no momentum:          w <- w - u
        keras momentum mu:    b <- mu b + u;                       w <- w - b
        torch momentum mu:    b <- mu b + g / (sqrt(s) + eps);     w <- w - lr b

    PyTorch calls ``rho`` ``alpha`` and its defaults are ``learning_rate=0.01``,
    ``rho=0.99``, ``epsilon=1e-8``.

    Args:
        learning_rate: defaults to `0.001`.
        rho: decay of the running averages, in (0, 1). Defaults to `0.9`.
        momentum: in [0, 1). Defaults to `0.0`.
        epsilon: >= 0. Defaults to `1e-7`.
        centered: divide by an estimate of the gradient's variance instead of its second
            moment. Defaults to `False`.
        **kwargs: see ``Optimizer``.
    """

    elementwise = True

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = check_range("rho", rho, 0.0, 1.0, low_closed=False)
        self.momentum = check_range("momentum", momentum, 0.0, 1.0)
        self.epsilon = check_range("epsilon", epsilon)
        self.centered = bool(centered)

    def build_slots(self):
        self.add_slot("velocity", signed=False)
        if self.momentum:
            self.add_slot("momentum")
        if self.centered:
            self.add_slot("average_gradient")

    def update_step(self, params, grads, lr):
        v, tmp = self.slots["velocity"], self._scratch
        np.multiply(grads, grads, out=tmp)
        blas.axpby(1 - self.rho, tmp, self.rho, v)  # v <- rho v + (1 - rho) g^2
        if self.centered:  # avg <- rho avg + (1 - rho) g
            avg = blas.axpby(1 - self.rho, grads, self.rho, self.slots["average_gradient"])
            np.multiply(avg, avg, out=tmp)
            np.subtract(v, tmp, out=tmp)
        else:
            tmp[...] = v
        if self.torch:                                   # tmp = the denominator
            np.sqrt(tmp, out=tmp)
            tmp += self.epsilon
        else:
            tmp += self.epsilon
            np.sqrt(tmp, out=tmp)
        np.divide(grads, tmp, out=tmp)
        if not self.momentum:
            blas.axpy(-lr, tmp, params)
            return
        b = self.slots["momentum"]
        if self.torch:
            blas.axpby(1.0, tmp, self.momentum, b)  # b <- m b + g / denominator
            blas.axpy(-lr, b, params)
        else:
            blas.axpby(lr, tmp, self.momentum, b)  # b <- m b + lr g / denominator
            params -= b

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}
