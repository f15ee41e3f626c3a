"""``Adafactor``: adaptive steps with a factored second moment (Shazeer & Stern, 2018,
"Adafactor: Adaptive Learning Rates with Sublinear Memory Cost")."""
import math

import numpy as np

from numpynn.optimizers.arguments import check_range
from numpynn.optimizers.base import Optimizer


class Adafactor(Optimizer):
    """Adafactor, as Keras 3 has it. With g the gradient of a weight W and t the step number
    (1, 2, ...):

        rho = min(lr, 1 / sqrt(t)),  alpha = max(eps_2, rms(W)) rho
        b = 1 - t^beta_2_decay,      G = g^2 + eps_1
        W of 2 or more dimensions (the last two are factored):
            r <- b r + (1 - b) mean(G, axis=-1)        (row averages)
            c <- b c + (1 - b) mean(G, axis=-2)        (column averages)
            v = (r / mean(r, axis=-1))[..., None] * c[..., None, :]
        W of fewer dimensions:
            v <- b v + (1 - b) G
        u = g / sqrt(v),  W <- W - alpha u / max(1, rms(u) / clip_threshold)

    with rms(x) = sqrt(mean(x^2)). A weight of shape (m, n) keeps m + n numbers of state
    instead of m n (``v`` is kept whole only because Keras saves it).

    Needs the weights' shapes: the model gives them (``Optimizer.build``).

    Args:
        learning_rate: defaults to `0.001`.
        beta_2_decay: <= 0, how fast b rises towards 1. Defaults to `-0.8`.
        epsilon_1: >= 0, added to g^2. Defaults to `1e-30`.
        epsilon_2: >= 0, the smallest weight scale in alpha. Defaults to `1e-3`.
        clip_threshold: > 0, the largest rms of an update before scaling. Defaults to `1.0`.
        relative_step: cap the learning rate at 1 / sqrt(t) (rho does so in any case, so
            the result is the same; kept for Keras' config). Defaults to `True`.
        **kwargs: see ``Optimizer``.
    """

    def __init__(self, learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30,
                 epsilon_2=1e-3, clip_threshold=1.0, relative_step=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_2_decay = check_range("beta_2_decay", beta_2_decay, -np.inf, 0.0,
                                        high_closed=True)
        self.epsilon_1 = check_range("epsilon_1", epsilon_1)
        self.epsilon_2 = check_range("epsilon_2", epsilon_2)
        self.clip_threshold = check_range("clip_threshold", clip_threshold, low_closed=False)
        self.relative_step = bool(relative_step)

    def build_slots(self):
        self.add_slot("velocity", signed=False)
        factored = [shape for shape in self.segment_shapes if len(shape) >= 2]
        self.add_slot("row_average", size=sum(math.prod(s[:-1]) for s in factored))
        self.add_slot("column_average", size=sum(math.prod(s[:-2]) * s[-1] for s in factored))

    def update_step(self, params, grads, lr):
        t = self.iterations + 1
        rho = min(lr, 1 / math.sqrt(t))
        b = 1 - t ** self.beta_2_decay
        g2 = np.multiply(grads, grads, out=self._scratch)
        g2 += self.epsilon_1
        rows, columns = self.slots["row_average"], self.slots["column_average"]
        r_start = c_start = 0
        for (a, z), shape in zip(self.segments, self.segment_shapes):
            v = self.slots["velocity"][a:z]
            if len(shape) >= 2:
                square = g2[a:z].reshape(shape)
                r = rows[r_start:r_start + math.prod(shape[:-1])].reshape(shape[:-1])
                c = columns[c_start:c_start + math.prod(shape[:-2]) * shape[-1]].reshape(
                    shape[:-2] + shape[-1:])
                r_start, c_start = r_start + r.size, c_start + c.size
                r[...] = b * r + (1 - b) * square.mean(axis=-1)
                c[...] = b * c + (1 - b) * square.mean(axis=-2)
                v.reshape(shape)[...] = ((r / r.mean(axis=-1, keepdims=True))[..., None]
                                         * c[..., None, :])
            else:
                v[...] = b * v + (1 - b) * g2[a:z]
            w = params[a:z]
            alpha = max(self.epsilon_2, _rms(w)) * rho
            u = grads[a:z] / np.sqrt(v)
            u /= max(1.0, _rms(u) / self.clip_threshold)
            w -= alpha * u

    def get_config(self):
        return {**super().get_config(), "beta_2_decay": self.beta_2_decay,
                "epsilon_1": self.epsilon_1, "epsilon_2": self.epsilon_2,
                "clip_threshold": self.clip_threshold, "relative_step": self.relative_step}


def _rms(x):
    return math.sqrt(float(np.dot(x, x)) / x.size)
