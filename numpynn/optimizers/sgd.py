"""``SGD``: (stochastic) gradient descent, with optional momentum and Nesterov momentum."""
import numpy as np

from numpynn import blas
from numpynn.optimizers.arguments import check_range
from numpynn.optimizers.base import Optimizer


class SGD(Optimizer):
    """Gradient descent. Whether it is full-batch GD or mini-batch SGD is chosen by the batch
    size given to ``fit``, not here.

    Update rule, g the gradient, lr the learning rate, mu the momentum:

        plain:      w <- w - lr g
        keras:      v <- mu v - lr g;   w <- w + v                (momentum)
                                        w <- w + mu v - lr g      (nesterov)
        torch:      b <- mu b + g;      w <- w - lr b             (momentum)
                                        w <- w - lr (g + mu b)    (nesterov)

    With a constant learning rate the two forms are the same (v = -lr b); they differ when
    the learning rate changes during training, because Keras' velocity remembers past rates.

    Args:
        learning_rate: defaults to `0.01`.
        momentum: in [0, 1). Defaults to `0.0`.
        nesterov: defaults to `False`.
        **kwargs: ``weight_decay``, ``clipnorm``, ``clipvalue``, ``global_clipnorm``,
            ``convention``, ``name`` (see ``Optimizer``).
    """

    # elementwise stays False: one or two passes, and OpenBLAS already threads axpy's

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = check_range("momentum", momentum, 0.0, 1.0)
        self.nesterov = bool(nesterov)

    def build_slots(self):
        if self.momentum:
            self.add_slot("momentum")

    def update_step(self, params, grads, lr):
        step = self._scratch
        if not self.momentum:
            blas.axpy(-lr, grads, params)  # w <- w - lr g
        elif self.torch:
            b = blas.axpby(1.0, grads, self.momentum, self.slots["momentum"])  # b <- m b + g
            if self.nesterov:
                np.multiply(b, self.momentum, out=step)
                step += grads
                blas.axpy(-lr, step, params)
            else:
                blas.axpy(-lr, b, params)
        else:
            v = blas.axpby(-lr, grads, self.momentum, self.slots["momentum"])  # v <- m v - lr g
            if self.nesterov:  # w <- w - lr g + m v
                blas.axpy(-lr, grads, params)
                blas.axpy(self.momentum, v, params)
            else:
                blas.axpy(1.0, v, params)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
