"""``AdamW``: Adam with decoupled weight decay (Loshchilov & Hutter, 2019)."""
from numpynn.optimizers.adam import Adam


class AdamW(Adam):
    """Adam whose weight decay shrinks the weights directly instead of entering the gradient
    (in both conventions):

        w <- w - lr wd w,   then Adam's update (see ``Adam``)

    PyTorch's defaults are ``weight_decay=0.01``, ``epsilon=1e-8``.

    Args:
        learning_rate: defaults to `0.001`.
        weight_decay: >= 0. Defaults to `0.004`.
        beta_1: defaults to `0.9`.
        beta_2: defaults to `0.999`.
        epsilon: defaults to `1e-7`.
        amsgrad: defaults to `False`.
        **kwargs: see ``Optimizer``.
    """

    decoupled_weight_decay = True

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, **kwargs):
        if weight_decay is None:
            raise ValueError("`weight_decay` of AdamW must be a number in [0, inf), got None.")
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, beta_1=beta_1,
                         beta_2=beta_2, epsilon=epsilon, amsgrad=amsgrad, **kwargs)
