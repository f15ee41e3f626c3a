"""``Nadam``: Adam with Nesterov momentum (Dozat, 2016)."""
import numpy as np

from numpynn import blas
from numpynn.optimizers.adam import check_betas, update_first_moment, update_second_moment
from numpynn.optimizers.arguments import check_range
from numpynn.optimizers.base import Optimizer


class Nadam(Optimizer):
    """Nadam. With g the gradient, t = 1, 2, ... and the momentum schedule
    mu_t = b1 (1 - 0.5 * 0.96^(t * momentum_decay)), P_t = mu_1 mu_2 ... mu_t:

        m <- m + (1 - b1) (g - m)
        v <- v + (1 - b2) (g^2 - v)
        m_hat = mu_{t+1} m / (1 - P_t mu_{t+1}) + (1 - mu_t) g / (1 - P_t)
        w <- w - lr m_hat / (sqrt(v / (1 - b2^t)) + eps)

    Keras' schedule is 0.96^t (``momentum_decay=1``); PyTorch's default is
    ``momentum_decay=0.004``, with ``learning_rate=0.002``, ``epsilon=1e-8``.

    Args:
        learning_rate: defaults to `0.001`.
        beta_1: in [0, 1). Defaults to `0.9`.
        beta_2: in [0, 1). Defaults to `0.999`.
        epsilon: >= 0. Defaults to `1e-7`.
        momentum_decay: >= 0; `None` means 1 under ``convention="keras"`` and 0.004 under
            ``"torch"``. Defaults to `None`.
        **kwargs: see ``Optimizer``.
    """

    scratch_buffers = 2  # elementwise stays False: update_step carries the momentum product

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 momentum_decay=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = check_betas(beta_1, beta_2, epsilon)
        if momentum_decay is None:
            momentum_decay = 0.004 if self.torch else 1.0
        self.momentum_decay = check_range("momentum_decay", momentum_decay)

    def build_slots(self):
        self.add_slot("m")
        self.add_slot("v", signed=False)
        self._product, self._product_step = 1.0, 0

    def _mu(self, t):
        return self.beta_1 * (1 - 0.5 * 0.96 ** (t * self.momentum_decay))

    def _momentum_product(self, t):
        """mu_1 mu_2 ... mu_t, carried from step to step; recomputed from the step count
        when it jumps (after ``set_state``), so it needs no saving."""
        if self._product_step != t - 1:
            self._product = 1.0
            for s in range(1, t):
                self._product *= self._mu(s)
        self._product *= self._mu(t)
        self._product_step = t
        return self._product

    def update_step(self, params, grads, lr):
        m, v = self.slots["m"], self.slots["v"]
        tmp, denom = self._scratch, self._scratch2
        t = self.iterations + 1
        mu, mu_next = self._mu(t), self._mu(t + 1)
        product = self._momentum_product(t)
        update_first_moment(m, grads, self.beta_1, tmp)
        update_second_moment(v, grads, self.beta_2, tmp)
        np.multiply(v, 1 / (1 - self.beta_2 ** t), out=denom)
        np.sqrt(denom, out=denom)
        denom += self.epsilon
        np.divide(m, denom, out=tmp)
        blas.axpy(-lr * mu_next / (1 - product * mu_next), tmp, params)
        np.divide(grads, denom, out=tmp)
        blas.axpy(-lr * (1 - mu) / (1 - product), tmp, params)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "momentum_decay": self.momentum_decay}
