"""``Adagrad``: per-weight learning rates that shrink with the sum of past squared gradients."""
import numpy as np

from numpynn import blas
from numpynn.optimizers.arguments import check_range
from numpynn.optimizers.base import Optimizer


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011). With g the gradient:

        a <- a + g^2                       (a starts at initial_accumulator_value)
        keras:  w <- w - lr g / sqrt(a + eps)
        torch:  w <- w - lr g / (sqrt(a) + eps)

    PyTorch's defaults are ``initial_accumulator_value=0``, ``epsilon=1e-10``,
    ``learning_rate=0.01``.

    Args:
        learning_rate: defaults to `0.001`.
        initial_accumulator_value: starting value of the accumulators, >= 0.
            Defaults to `0.1`.
        epsilon: >= 0. Defaults to `1e-7`.
        **kwargs: see ``Optimizer``.
    """

    elementwise = True

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.initial_accumulator_value = check_range("initial_accumulator_value",
                                                     initial_accumulator_value)
        self.epsilon = check_range("epsilon", epsilon)

    def build_slots(self):
        self.add_slot("accumulator", self.initial_accumulator_value, signed=False)

    def update_step(self, params, grads, lr):
        a, tmp = self.slots["accumulator"], self._scratch
        np.multiply(grads, grads, out=tmp)
        a += tmp
        if self.torch:
            np.sqrt(a, out=tmp)
            tmp += self.epsilon
        else:
            np.add(a, self.epsilon, out=tmp)
            np.sqrt(tmp, out=tmp)
        np.divide(grads, tmp, out=tmp)
        blas.axpy(-lr, tmp, params)

    def get_config(self):
        return {**super().get_config(),
                "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}
