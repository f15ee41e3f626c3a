"""``SpatialDropout2D``: drop whole feature maps while training (Tompson et al., 2014)."""
from numpynn.layers import layer_arguments
from numpynn.layers.dropout import Dropout


class SpatialDropout2D(Dropout):
    """Dropout of entire channels: neighbouring pixels of a feature map are strongly
    correlated, so dropping single pixels regularises little.

    Shapes: x (batch, H, W, C) -> y of the same shape. While training
    y[n, h, w, c] = x[n, h, w, c] * m[n, c] / (1 - rate), m ~ Bernoulli(1 - rate) drawn per
    sample and channel; at inference y = x. Backward: dL/dx = dL/dy * m / (1 - rate).

    Args:
        rate: fraction of feature maps to drop, in [0, 1).
        data_format: `None` or ``"channels_last"`` (the only layout).
        seed: seed of this layer's own generator; defaults to `None`, which draws from the
            global generator set by ``numpynn.utils.set_random_seed``.
    """

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        if "noise_shape" in kwargs:
            raise TypeError("SpatialDropout2D takes no noise_shape: it always drops whole "
                            "channels; use Dropout(rate, noise_shape=...) for another shape.")
        super().__init__(rate, seed=seed, **kwargs)
        self.data_format = layer_arguments.data_format(data_format, "SpatialDropout2D")
        self.noise_shape = (None, 1, 1, None)  # one draw per sample and channel

    def build(self, input_shape):
        layer_arguments.check_rank(input_shape, 4, "SpatialDropout2D",
                                   "(batch, height, width, channels)")

    def get_config(self):
        config = {**super().get_config(), "data_format": self.data_format}
        del config["noise_shape"]
        return config
