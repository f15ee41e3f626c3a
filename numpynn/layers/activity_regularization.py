"""``ActivityRegularization``: y = x, with an L1/L2 penalty on x added to the loss."""
from numpynn import regularizers
from numpynn.layers.base import Layer


class ActivityRegularization(Layer):
    """Identity layer whose output carries the penalty
    (l1 * sum|x| + l2 * sum x^2) / batch; the model adds it to the loss and its gradient
    (l1 sign(x) + 2 l2 x) / batch to dL/dx.

    Args:
        l1: L1 factor. Defaults to `0.0`.
        l2: L2 factor. Defaults to `0.0`.
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        kwargs.pop("activity_regularizer", None)  # made from l1 and l2
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1, self.l2 = l1, l2

    def forward(self, x, training=False):
        return x

    def backward(self, grad_out):
        return grad_out

    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)
        return {**config, "l1": self.l1, "l2": self.l2}
