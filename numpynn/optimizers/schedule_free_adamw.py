"""``ScheduleFreeAdamW``: AdamW without a learning-rate schedule (Defazio et al., 2024, "The
Road Less Scheduled")."""
import numbers

import numpy as np

from numpynn import blas
from numpynn.optimizers.adam import update_second_moment
from numpynn.optimizers.arguments import check_range
from numpynn.optimizers.base import Optimizer


class ScheduleFreeAdamW(Optimizer):
    """Schedule-free AdamW, with the numbers Keras 3 gives. Two sequences: z, where the
    Adam-scaled gradient steps land (the slot ``momentum``, equal to the weights before the
    first step), and the weights y, an average of the z's. With g the gradient at y and t
    the step number (1, 2, ...):

        lr_t = lr min(t / warmup_steps, 1)       (lr itself when warmup_steps = 0)
        v <- b2 v + (1 - b2) g^2
        z <- z - lr_t g / (sqrt(v / (1 - b2^t)) + eps)
        y <- (1 - 1/t) y + (1/t) z

    Weight decay (``weight_decay``, decoupled) shrinks y before the step, at the rate
    before warmup.

    The paper (and Keras' comments) recover x = (y - (1 - b1) z_old) / b1 from the z of
    the previous step, average x <- (1 - 1/t) x + z / t, and set y <- (1 - b1) z + b1 x.
    Keras 3's TensorFlow and PyTorch backends read z_old after z has been updated (the
    variable, not a copy); with the new z in its place those three lines reduce to the
    last line above, where b1 cancels: ``beta_1`` is kept in the config but changes
    nothing. numpynn follows Keras' numbers (checked against its trajectories). There is
    no swap of weights for evaluation: y stays the weights, during training and after it.

    Args:
        learning_rate: defaults to `0.0025`.
        beta_1: in (0, 1]; no effect (see above). Defaults to `0.9`.
        beta_2: decay of the second moment, in [0, 1). Defaults to `0.999`.
        epsilon: >= 0. Defaults to `1e-8`.
        warmup_steps: the rate rises linearly from lr / warmup_steps to lr over this many
            steps. Defaults to `0`.
        **kwargs: see ``Optimizer``.
    """

    elementwise = True

    def __init__(self, learning_rate=0.0025, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 warmup_steps=0, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = check_range("beta_1", beta_1, 0.0, 1.0, low_closed=False,
                                  high_closed=True)  # Keras divides by it
        self.beta_2 = check_range("beta_2", beta_2, 0.0, 1.0)
        self.epsilon = check_range("epsilon", epsilon)
        if (isinstance(warmup_steps, bool) or not isinstance(warmup_steps, numbers.Integral)
                or warmup_steps < 0):
            raise ValueError("`warmup_steps` must be an integer >= 0 (0: no warmup), got "
                             f"{warmup_steps!r}.")
        self.warmup_steps = int(warmup_steps)

    def build_slots(self):
        self.add_slot("momentum")
        self.add_slot("velocity", signed=False)

    def _update(self, params, grads):
        if self.iterations == 0:  # z starts at the weights (Keras copies them in build)
            self.slots["momentum"][...] = params
        super()._update(params, grads)

    def update_step(self, params, grads, lr):
        z, v, tmp = self.slots["momentum"], self.slots["velocity"], self._scratch
        t = self.iterations + 1
        if self.warmup_steps:
            lr = lr * min(t / self.warmup_steps, 1.0)
        update_second_moment(v, grads, self.beta_2, tmp)
        np.divide(v, 1 - self.beta_2 ** t, out=tmp)
        np.sqrt(tmp, out=tmp)
        tmp += self.epsilon
        np.divide(grads, tmp, out=tmp)  # the Adam-scaled gradient
        blas.axpy(-lr, tmp, z)
        blas.axpby(1.0 / t, z, 1.0 - 1.0 / t, params)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "warmup_steps": self.warmup_steps}
