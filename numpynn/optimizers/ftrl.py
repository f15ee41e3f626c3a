"""``Ftrl``: Follow The Regularized Leader (McMahan et al., 2013, "Ad Click Prediction: a View
from the Trenches"), for shallow models with large sparse inputs."""
import numpy as np

from numpynn.optimizers.arguments import check_range
from numpynn.optimizers.base import Optimizer


class Ftrl(Optimizer):
    """FTRL-Proximal. With g the gradient, p = ``learning_rate_power``, l1, l2 and l2s the
    three regularisation strengths, and n (starting at ``initial_accumulator_value``) and z
    (starting at 0) the two accumulators:

        n' = n + g^2
        z <- z + g + 2 l2s w - (n'^-p - n^-p) / lr * w
        w <- (clip(z, -l1, l1) - z) / (n'^-p / lr + 2 l2 + beta / lr)
        n <- n'

    so w is 0 where |z| <= l1 (L1 gives exact zeros). ``l2`` is the paper's stabilising L2
    penalty; ``l2s`` an L2 penalty added to the loss ("shrinkage").

    Args:
        learning_rate: defaults to `0.001`.
        learning_rate_power: <= 0; how the per-weight rate falls with n (0: it does not).
            Defaults to `-0.5`.
        initial_accumulator_value: >= 0, the starting n. Defaults to `0.1`.
        l1_regularization_strength: >= 0. Defaults to `0.0`.
        l2_regularization_strength: >= 0. Defaults to `0.0`.
        l2_shrinkage_regularization_strength: >= 0. Defaults to `0.0`.
        beta: the paper's beta. Defaults to `0.0`.
        **kwargs: see ``Optimizer``.
    """

    elementwise = True
    scratch_buffers = 2

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5,
                 initial_accumulator_value=0.1, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, l2_shrinkage_regularization_strength=0.0,
                 beta=0.0, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.learning_rate_power = check_range("learning_rate_power", learning_rate_power,
                                               -np.inf, 0.0, high_closed=True)
        self.initial_accumulator_value = check_range("initial_accumulator_value",
                                                     initial_accumulator_value)
        self.l1_regularization_strength = check_range("l1_regularization_strength",
                                                      l1_regularization_strength)
        self.l2_regularization_strength = check_range("l2_regularization_strength",
                                                      l2_regularization_strength)
        self.l2_shrinkage_regularization_strength = check_range(
            "l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength)
        self.beta = check_range("beta", beta, -np.inf)  # any number (Keras checks none)

    def build_slots(self):
        self.add_slot("accumulator", self.initial_accumulator_value, signed=False)
        self.add_slot("linear")

    def update_step(self, params, grads, lr):
        n, z = self.slots["accumulator"], self.slots["linear"]
        old_power, new_power = self._scratch, self._scratch2
        exponent = -self.learning_rate_power
        np.power(n, exponent, out=old_power)
        np.multiply(grads, grads, out=new_power)
        n += new_power  # n' (used below in place of n)
        np.power(n, exponent, out=new_power)
        sigma_w = np.subtract(new_power, old_power, out=old_power)
        sigma_w /= lr
        sigma_w *= params
        z += grads
        z -= sigma_w
        if self.l2_shrinkage_regularization_strength:
            np.multiply(params, 2 * self.l2_shrinkage_regularization_strength, out=old_power)
            z += old_power
        quadratic = np.divide(new_power, lr, out=new_power)
        quadratic += 2 * (self.l2_regularization_strength + self.beta / (2.0 * lr))
        l1 = self.l1_regularization_strength
        np.clip(z, -l1, l1, out=params)
        params -= z
        params /= quadratic

    def get_config(self):
        return {**super().get_config(), "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength":
                    self.l2_shrinkage_regularization_strength,
                "beta": self.beta}
