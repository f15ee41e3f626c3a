"""``CenterCrop`` and ``RandomCrop``: cut a (height, width) window out of each image."""
import numpy as np

from numpynn.layers.preprocessing import resize_ops
from numpynn.layers.preprocessing.image_layer import ImageLayer, RandomImageLayer
from numpynn.layers.preprocessing.resizing import check_size


def _fits(images, height, width):
    return images.shape[1] >= height and images.shape[2] >= width


class CenterCrop(ImageLayer):
    """The centred (``height``, ``width``) window of each image, starting at row
    (H - height) // 2 and column (W - width) // 2, in training and inference. An image
    smaller than that on either side is instead cropped to the target's aspect ratio and
    resized (bilinear), as Keras' ``smart_resize``. Backward: the gradient lands in the
    window (zeros elsewhere), or goes back through the resize.

    Args:
        height, width: the output size.
        data_format: `None` or ``"channels_last"``.
    """

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height, self.width = check_size(height, width, "CenterCrop")

    def forward_batch(self, images, training):
        if not _fits(images, self.height, self.width):
            resize = resize_ops.Resize(images.shape[1:3], (self.height, self.width),
                                       crop_to_aspect_ratio=True)
            self._state = resize
            return resize.apply(images).astype(images.dtype, copy=False)
        top = (images.shape[1] - self.height) // 2
        left = (images.shape[2] - self.width) // 2
        self._state = (images.shape, top, left)
        return images[:, top:top + self.height, left:left + self.width]

    def backward_batch(self, grad):
        if isinstance(self._state, resize_ops.Resize):
            return self._state.backward(grad)
        shape, top, left = self._state
        full = np.zeros(shape, dtype=grad.dtype)
        full[:, top:top + self.height, left:left + self.width] = grad
        return full

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-3]) + (self.height, self.width, input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}


class RandomCrop(RandomImageLayer):
    """While training, a (``height``, ``width``) window at a random place of each image
    (each image its own place, uniform over all positions). In inference, and for images
    smaller than the window, the largest centred window with the target's aspect ratio,
    resized (bilinear) to (``height``, ``width``), as Keras documents. Backward: the
    gradient lands in the window (zeros elsewhere), or goes back through the resize.

    Args:
        height, width: the output size.
        seed: seed of this layer's own generator; defaults to `None` (global generator).
        data_format: `None` or ``"channels_last"``.
    """

    def __init__(self, height, width, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.height, self.width = check_size(height, width, "RandomCrop")

    def forward_batch(self, images, training):
        if not (training and _fits(images, self.height, self.width)):
            resize = resize_ops.Resize(images.shape[1:3], (self.height, self.width),
                                       crop_to_aspect_ratio=True)
            self._state = resize
            return resize.apply(images).astype(images.dtype, copy=False)
        batch, height, width = images.shape[:3]
        top = self._integers(0, height - self.height + 1, batch)
        left = self._integers(0, width - self.width + 1, batch)
        window = (np.arange(batch)[:, None, None],
                  (top[:, None] + np.arange(self.height))[:, :, None],
                  (left[:, None] + np.arange(self.width))[:, None, :])
        self._state = (images.shape, window)
        return images[window]

    def backward_batch(self, grad):
        if isinstance(self._state, resize_ops.Resize):
            return self._state.backward(grad)
        shape, window = self._state
        full = np.zeros(shape, dtype=grad.dtype)
        full[window] = grad
        return full

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-3]) + (self.height, self.width, input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}
