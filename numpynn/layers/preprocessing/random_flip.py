"""``RandomFlip``: mirror images left-right and/or upside down while training."""
from numpynn.layers.preprocessing.image_layer import RandomImageLayer

HORIZONTAL, VERTICAL = "horizontal", "vertical"
HORIZONTAL_AND_VERTICAL = "horizontal_and_vertical"


class RandomFlip(RandomImageLayer):
    """While training, each image is flipped with probability 1/2: left-right
    (``"horizontal"``), upside down (``"vertical"``) or both at once
    (``"horizontal_and_vertical"``: one draw per image flips both axes together, as
    Keras 3 does). Identity in inference. Backward: the same flips of the gradient.

    Args:
        mode: ``"horizontal"``, ``"vertical"`` or ``"horizontal_and_vertical"``.
            Defaults to `"horizontal_and_vertical"`.
        seed: seed of this layer's own generator; defaults to `None` (global generator).
        data_format: `None` or ``"channels_last"``.
    """

    def __init__(self, mode=HORIZONTAL_AND_VERTICAL, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if mode not in (HORIZONTAL, VERTICAL, HORIZONTAL_AND_VERTICAL):
            raise ValueError(f"RandomFlip mode must be 'horizontal', 'vertical' or "
                             f"'horizontal_and_vertical', got {mode!r}.")
        self.mode = mode

    def forward_batch(self, images, training):
        flipped = self._uniform(0.0, 1.0, len(images)) <= 0.5 if training else None
        self._flipped = flipped
        return images if flipped is None else self._flip(images, flipped)

    def backward_batch(self, grad):
        return grad if self._flipped is None else self._flip(grad, self._flipped)

    def _flip(self, images, flipped):
        out = images.copy()
        chosen = out[flipped]
        if self.mode != VERTICAL:
            chosen = chosen[:, :, ::-1]
        if self.mode != HORIZONTAL:
            chosen = chosen[:, ::-1]
        out[flipped] = chosen
        return out

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}
