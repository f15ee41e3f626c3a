"""``Lion``: evolved sign momentum (Chen et al., 2023, "Symbolic Discovery of Optimization
Algorithms")."""
import numpy as np

from numpynn import blas
from numpynn.optimizers.arguments import check_range
from numpynn.optimizers.base import Optimizer


class Lion(Optimizer):
    """Lion. With g the gradient and m the momentum (zero at first):

        w <- w - lr sign(b1 m + (1 - b1) g)
        m <- b2 m + (1 - b2) g

    Every update has the same size per weight, so a good learning rate is 3-10x smaller than
    AdamW's, and the weight decay 3-10x larger.

    Args:
        learning_rate: defaults to `0.001`.
        beta_1: in (0, 1], how much of the momentum the update's sign sees.
            Defaults to `0.9`.
        beta_2: in [0, 1], decay of the momentum. Defaults to `0.99`.
        **kwargs: see ``Optimizer``.
    """

    elementwise = True

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = check_range("beta_1", beta_1, 0.0, 1.0, low_closed=False,
                                  high_closed=True)  # 0 would be signSGD
        self.beta_2 = check_range("beta_2", beta_2, 0.0, 1.0, high_closed=True)

    def build_slots(self):
        self.add_slot("momentum")

    def update_step(self, params, grads, lr):
        m, direction = self.slots["momentum"], self._scratch
        np.multiply(m, self.beta_1, out=direction)
        blas.axpy(1 - self.beta_1, grads, direction)  # b1 m + (1 - b1) g
        np.sign(direction, out=direction)
        blas.axpy(-lr, direction, params)
        blas.axpby(1 - self.beta_2, grads, self.beta_2, m)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
