"""``RMSprop``: divide the gradient by a running root-mean-square of recent gradients."""
import numpy as np

from numpynn.optimizers.base import Optimizer


class RMSprop(Optimizer):
    """RMSprop (Hinton, 2012), in Keras' form:

        v <- rho v + (1 - rho) g^2
        w <- w - lr g / (sqrt(v) + eps)

    Args:
        learning_rate: defaults to `0.001`.
        rho: decay of the running average, in (0, 1). Defaults to `0.9`.
        epsilon: defaults to `1e-7`.
    """

    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not 0 < rho < 1:
            raise ValueError(f"rho must be in (0, 1), got {rho}.")
        self.rho, self.epsilon = float(rho), float(epsilon)

    def build_slots(self):
        self.add_slot("velocity")

    def update_step(self, params, grads, lr):
        v, tmp = self.slots["velocity"], self._scratch
        v *= self.rho
        np.multiply(grads, grads, out=tmp)
        tmp *= 1 - self.rho
        v += tmp
        np.sqrt(v, out=tmp)
        tmp += self.epsilon
        np.divide(grads, tmp, out=tmp)
        tmp *= lr
        params -= tmp

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
