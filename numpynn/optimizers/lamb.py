"""``Lamb``: Adam with a layer-wise trust ratio (You et al., 2019, "Large Batch Optimization
for Deep Learning: Training BERT in 76 minutes")."""
import math

import numpy as np

from numpynn import blas
from numpynn.optimizers.adam import check_betas, update_first_moment, update_second_moment
from numpynn.optimizers.base import Optimizer


class Lamb(Optimizer):
    """Lamb. With g the gradient and t the step number (1, 2, ...), for each weight W:

        m <- b1 m + (1 - b1) g
        v <- b2 v + (1 - b2) g^2
        u = (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
        r = ||W|| / ||u||   (1 if either norm is 0)
        W <- W - lr r u

    The trust ratio r scales each weight's step to its own size.

    Args:
        learning_rate: defaults to `0.001`.
        beta_1: decay of the first moment, in [0, 1). Defaults to `0.9`.
        beta_2: decay of the second moment, in [0, 1). Defaults to `0.999`.
        epsilon: >= 0. Defaults to `1e-7`.
        **kwargs: see ``Optimizer``.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = check_betas(beta_1, beta_2, epsilon)

    def build_slots(self):
        self.add_slot("momentum")
        self.add_slot("velocity", signed=False)

    def update_step(self, params, grads, lr):
        m, v, u = self.slots["momentum"], self.slots["velocity"], self._scratch
        t = self.iterations + 1
        update_first_moment(m, grads, self.beta_1, u)
        update_second_moment(v, grads, self.beta_2, u)
        np.divide(v, 1 - self.beta_2 ** t, out=u)
        np.sqrt(u, out=u)
        u += self.epsilon
        np.divide(m, u, out=u)
        u /= 1 - self.beta_1 ** t  # Keras divides m by (1 - b1^t) first: same to rounding
        for a, b in self.segments:
            w_norm = math.sqrt(float(np.dot(params[a:b], params[a:b])))
            u_norm = math.sqrt(float(np.dot(u[a:b], u[a:b])))
            ratio = w_norm / u_norm if w_norm > 0 and u_norm > 0 else 1.0
            blas.axpy(-ratio * lr, u[a:b], params[a:b])

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}
