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
        self._resize = None
        self._in_shape = images.shape
        if _fits(images, self.height, self.width):
            self._top = (images.shape[1] - self.height) // 2
            self._left = (images.shape[2] - self.width) // 2
            return images[:, self._top:self._top + self.height,
                          self._left:self._left + self.width]
        self._resize = resize_ops.Resize(images.shape[1:3], (self.height, self.width),
                                         crop_to_aspect_ratio=True)
        return self._resize.apply(images).astype(images.dtype, copy=False)

    def backward_batch(self, grad):
        if self._resize is not None:
            return self._resize.backward(grad)
        full = np.zeros(self._in_shape, dtype=grad.dtype)
        full[:, self._top:self._top + self.height, self._left:self._left + self.width] = grad
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
        self._in_shape = images.shape
        if not (training and _fits(images, self.height, self.width)):
            self._resize = resize_ops.Resize(images.shape[1:3], (self.height, self.width),
                                             crop_to_aspect_ratio=True)
            return self._resize.apply(images).astype(images.dtype, copy=False)
        self._resize = None
        batch, height, width = images.shape[:3]
        generator = self._generator()
        self._top = generator.integers(0, height - self.height + 1, batch)
        self._left = generator.integers(0, width - self.width + 1, batch)
        self._rows = (self._top[:, None] + np.arange(self.height))[:, :, None]
        self._cols = (self._left[:, None] + np.arange(self.width))[:, None, :]
        return images[np.arange(batch)[:, None, None], self._rows, self._cols]

    def backward_batch(self, grad):
        if self._resize is not None:
            return self._resize.backward(grad)
        full = np.zeros(self._in_shape, dtype=grad.dtype)
        full[np.arange(len(grad))[:, None, None], self._rows, self._cols] = grad
        return full

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-3]) + (self.height, self.width, input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}
