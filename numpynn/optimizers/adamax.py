"""``Adamax``: Adam with the infinity norm in place of the second moment."""
import numpy as np

from numpynn import blas
from numpynn.optimizers.adam import check_betas, update_first_moment
from numpynn.optimizers.base import Optimizer


class Adamax(Optimizer):
    """Adamax (Kingma & Ba, 2014, section 7). With g the gradient and t = 1, 2, ...:

        m <- m + (1 - b1) (g - m)
        keras:  u <- max(b2 u, |g|);         w <- w - lr / (1 - b1^t) * m / (u + eps)
        torch:  u <- max(b2 u, |g| + eps);   w <- w - lr / (1 - b1^t) * m / u

    PyTorch's defaults are ``learning_rate=0.002``, ``epsilon=1e-8``.

    Args:
        learning_rate: defaults to `0.001`.
        beta_1: decay of the first moment, in [0, 1). Defaults to `0.9`.
        beta_2: decay of the infinity norm, in [0, 1). Defaults to `0.999`.
        epsilon: >= 0. Defaults to `1e-7`.
        **kwargs: see ``Optimizer``.
    """

    elementwise = True

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = check_betas(beta_1, beta_2, epsilon)

    def build_slots(self):
        self.add_slot("m")
        self.add_slot("u", signed=False)

    def update_step(self, params, grads, lr):
        m, u, tmp = self.slots["m"], self.slots["u"], self._scratch
        update_first_moment(m, grads, self.beta_1, tmp)
        u *= self.beta_2
        np.abs(grads, out=tmp)
        if self.torch:
            tmp += self.epsilon
            np.maximum(u, tmp, out=u)
            np.divide(m, u, out=tmp)
        else:
            np.maximum(u, tmp, out=u)
            np.add(u, self.epsilon, out=tmp)
            np.divide(m, tmp, out=tmp)
        blas.axpy(-lr / (1 - self.beta_1 ** (self.iterations + 1)), tmp, params)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}
