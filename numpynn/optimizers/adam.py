"""``Adam``: adaptive moment estimation (Kingma & Ba, 2014)."""
import numpy as np

from numpynn.optimizers.base import Optimizer


class Adam(Optimizer):
    """Adam, in Keras' form. With g the gradient and t the step number (1, 2, ...):

        m <- m + (1 - b1) (g - m)
        v <- v + (1 - b2) (g^2 - v)
        w <- w - lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)

    Args:
        learning_rate: defaults to `0.001`.
        beta_1: decay of the first moment, in [0, 1). Defaults to `0.9`.
        beta_2: decay of the second moment, in [0, 1). Defaults to `0.999`.
        epsilon: defaults to `1e-7`.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        for name, value in (("beta_1", beta_1), ("beta_2", beta_2)):
            if not 0 <= value < 1:
                raise ValueError(f"{name} must be in [0, 1), got {value}.")
        if epsilon < 0:
            raise ValueError(f"epsilon must be >= 0, got {epsilon}.")
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), float(epsilon)

    def build_slots(self):
        self.add_slot("m")
        self.add_slot("v")

    def update_step(self, params, grads, lr):
        m, v, tmp = self.slots["m"], self.slots["v"], self._scratch
        t = self.iterations + 1
        lr_t = lr * np.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)
        np.subtract(grads, m, out=tmp)
        tmp *= 1 - self.beta_1
        m += tmp
        np.multiply(grads, grads, out=tmp)
        tmp -= v
        tmp *= 1 - self.beta_2
        v += tmp
        np.sqrt(v, out=tmp)
        tmp += self.epsilon
        np.divide(m, tmp, out=tmp)
        tmp *= lr_t
        params -= tmp

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}
