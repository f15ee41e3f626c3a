"""``Adam``: adaptive moment estimation (Kingma & Ba, 2014), with the AMSGrad variant."""
import math

import numpy as np

from numpynn import blas
from numpynn.optimizers.arguments import check_range
from numpynn.optimizers.base import Optimizer


def check_betas(beta_1, beta_2, epsilon):
    """Validated ``(beta_1, beta_2, epsilon)`` of the Adam family."""
    return (check_range("beta_1", beta_1, 0.0, 1.0), check_range("beta_2", beta_2, 0.0, 1.0),
            check_range("epsilon", epsilon))


def update_first_moment(m, grads, beta_1, tmp):
    """``m <- m + (1 - beta_1) (g - m)`` in place (``tmp`` is overwritten)."""
    np.subtract(grads, m, out=tmp)
    tmp *= 1 - beta_1
    m += tmp


def update_second_moment(v, grads, beta_2, tmp):
    """``v <- v + (1 - beta_2) (g^2 - v)`` in place (``tmp`` is overwritten)."""
    np.multiply(grads, grads, out=tmp)
    tmp -= v
    tmp *= 1 - beta_2
    v += tmp


class Adam(Optimizer):
    """Adam. With g the gradient and t the step number (1, 2, ...):

        m <- b1 m + (1 - b1) g
        v <- b2 v + (1 - b2) g^2
        amsgrad:  v_max <- max(v_max, v), used in place of v below
        keras:  w <- w - lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)
        torch:  w <- w - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)

    Keras adds epsilon to the uncorrected sqrt(v) (the paper's "epsilon hat"); PyTorch adds
    it after the bias correction, and its default epsilon is 1e-8.

    The state is kept as running sums, ``m_sum = m / (1 - b1)`` and ``v_sum = v / (1 - b2)``,
    whose updates ``m_sum <- b1 m_sum + g`` and ``v_sum <- b2 v_sum + g^2`` need no
    multiplication of g; the constant factors move into the scalar step size and epsilon:

        m / (sqrt(v) + eps) = (1 - b1) / sqrt(1 - b2) * m_sum / (sqrt(v_sum) + eps / sqrt(1 - b2))

    With the BLAS's one-pass ``y <- a x + b y`` (``numpynn.blas``) for the two moments and
    the final update, that is seven passes over the parameters per step (twelve written
    the plain NumPy way). For large models the passes run on all cores, each core on its
    own slice of the arrays (``elementwise``, see ``numpynn.optimizers.base``).

    Args:
        learning_rate: defaults to `0.001`.
        beta_1: decay of the first moment, in [0, 1). Defaults to `0.9`.
        beta_2: decay of the second moment, in [0, 1). Defaults to `0.999`.
        epsilon: >= 0. Defaults to `1e-7`.
        amsgrad: use the running maximum of v (Reddi et al., 2018). Defaults to `False`.
        **kwargs: see ``Optimizer``.
    """

    elementwise = True

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = check_betas(beta_1, beta_2, epsilon)
        self.amsgrad = bool(amsgrad)

    def build_slots(self):
        self.add_slot("m_sum")
        self.add_slot("v_sum", signed=False)
        if self.amsgrad:
            self.add_slot("v_sum_max", signed=False)

    def update_step(self, params, grads, lr):
        m_sum, v_sum, tmp = self.slots["m_sum"], self.slots["v_sum"], self._scratch
        b1, b2 = self.beta_1, self.beta_2
        t = self.iterations + 1
        blas.axpby(1.0, grads, b1, m_sum)  # m_sum <- b1 m_sum + g
        np.multiply(grads, grads, out=tmp)
        blas.axpby(1.0, tmp, b2, v_sum)  # v_sum <- b2 v_sum + g^2
        if self.amsgrad:
            v_sum = np.maximum(self.slots["v_sum_max"], v_sum, out=self.slots["v_sum_max"])
        # m = (1 - b1) m_sum and sqrt(v) = sqrt(1 - b2) sqrt(v_sum): the denominator is
        # scale (sqrt(v_sum) + eps / scale), with scale > 0 as b2 < 1.
        if self.torch:  # lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
            scale = math.sqrt((1 - b2) / (1 - b2 ** t))
            step = lr / (1 - b1 ** t)
        else:  # lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)
            scale = math.sqrt(1 - b2)
            step = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        np.sqrt(v_sum, out=tmp)
        tmp += self.epsilon / scale
        np.divide(m_sum, tmp, out=tmp)
        blas.axpy(-step * (1 - b1) / scale, tmp, params)  # params <- params - c tmp

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad}
