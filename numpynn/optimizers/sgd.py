"""``SGD``: (stochastic) gradient descent, with optional momentum and Nesterov momentum."""
from numpynn.optimizers.base import Optimizer


class SGD(Optimizer):
    """Gradient descent. Whether it is full-batch GD or mini-batch SGD is chosen by the batch
    size given to ``fit``, not here.

    Update rule (Keras' form), g the gradient, lr the learning rate, mu the momentum:
        plain:     w <- w - lr g
        momentum:  v <- mu v - lr g;   w <- w + v
        nesterov:  v <- mu v - lr g;   w <- w + mu v - lr g

    Args:
        learning_rate: defaults to `0.01`.
        momentum: in [0, 1). Defaults to `0.0`.
        nesterov: defaults to `False`.
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}.")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def build_slots(self):
        if self.momentum:
            self.add_slot("momentum")

    def update_step(self, params, grads, lr):
        step = self._scratch
        if not self.momentum:
            step[...] = grads
            step *= lr
            params -= step
            return
        v = self.slots["momentum"]
        v *= self.momentum
        step[...] = grads
        step *= lr
        v -= step
        if self.nesterov:
            params -= step
            step[...] = v
            step *= self.momentum
            params += step
        else:
            params += v

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
