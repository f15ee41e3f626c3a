"""``Adadelta``: step sizes from running averages of squared gradients and squared updates."""
import numpy as np

from numpynn import blas
from numpynn.optimizers.arguments import check_range
from numpynn.optimizers.base import Optimizer


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012). With g the gradient (same formula in Keras and PyTorch):

        a  <- rho a + (1 - rho) g^2
        dw <- sqrt(d + eps) / sqrt(a + eps) * g
        d  <- rho d + (1 - rho) dw^2
        w  <- w - lr dw

    PyTorch's defaults are ``learning_rate=1.0``, ``rho=0.9``, ``epsilon=1e-6``.

    Args:
        learning_rate: defaults to `0.001`.
        rho: decay of the running averages, in (0, 1). Defaults to `0.95`.
        epsilon: >= 0. Defaults to `1e-7`.
        **kwargs: see ``Optimizer``.
    """

    scratch_buffers = 2
    elementwise = True

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = check_range("rho", rho, 0.0, 1.0, low_closed=False)
        self.epsilon = check_range("epsilon", epsilon)

    def build_slots(self):
        self.add_slot("accumulated_grad", signed=False)
        self.add_slot("accumulated_delta_var", signed=False)

    def update_step(self, params, grads, lr):
        a, d = self.slots["accumulated_grad"], self.slots["accumulated_delta_var"]
        step, tmp = self._scratch, self._scratch2
        np.multiply(grads, grads, out=tmp)
        blas.axpby(1 - self.rho, tmp, self.rho, a)  # a <- rho a + (1 - rho) g^2
        np.add(d, self.epsilon, out=step)               # step = sqrt(d + eps) g / sqrt(a + eps)
        np.sqrt(step, out=step)
        step *= grads
        np.add(a, self.epsilon, out=tmp)
        np.sqrt(tmp, out=tmp)
        step /= tmp
        np.multiply(step, step, out=tmp)
        blas.axpby(1 - self.rho, tmp, self.rho, d)  # d <- rho d + (1 - rho) step^2
        blas.axpy(-lr, step, params)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
