"""``Resizing``: resize images to a fixed (height, width), in training and inference."""
from numpynn.layers.preprocessing import resize_ops
from numpynn.layers.preprocessing.image_layer import ImageLayer


def check_size(height, width, owner):
    """(height, width) as positive ints, or a ValueError."""
    for name, value in (("height", height), ("width", width)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{owner} {name} must be a positive integer, got {value!r}.")
    return height, width


class Resizing(ImageLayer):
    """Resize images (batch, height, width, channels) to (batch, ``height``, ``width``,
    channels) as ``tf.image.resize`` (half-pixel centres, no antialiasing): each output pixel
    is a weighted sum of input pixels (see ``resize_ops``). Backward: the transposed sum.

    Args:
        height, width: the output size.
        interpolation: ``"bilinear"``, ``"nearest"``, ``"bicubic"`` or ``"area"``.
            Defaults to `"bilinear"`.
        crop_to_aspect_ratio: first crop the largest centred window with the target's
            aspect ratio, so nothing is stretched. Defaults to `False`.
        pad_to_aspect_ratio: first pad (centred, with ``fill_value``) to the target's aspect
            ratio instead. Defaults to `False`.
        fill_mode: only ``"constant"``, as Keras.
        fill_value: the padding value. Defaults to `0.0`.
        antialias: only `False` (numpynn has no antialiasing filter).
        data_format: `None` or ``"channels_last"``.

    Example::

        >>> Resizing(2, 2)(np.arange(16.0).reshape(1, 4, 4, 1))[0, ..., 0]
        array([[ 2.5,  4.5],
               [10.5, 12.5]], dtype=float32)
    """

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0,
                 antialias=False, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height, self.width = check_size(height, width, "Resizing")
        self.interpolation = resize_ops.check_interpolation(interpolation, "Resizing")
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError("Resizing takes only one of crop_to_aspect_ratio and "
                             "pad_to_aspect_ratio.")
        if fill_mode != "constant":
            raise ValueError(f"Resizing fill_mode must be 'constant' (the padding of "
                             f"pad_to_aspect_ratio), got {fill_mode!r}.")
        if antialias:
            raise ValueError("Resizing(antialias=True) is not supported; downscale with "
                             "interpolation='area' to average over each output pixel's area.")
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        self.fill_mode, self.fill_value = fill_mode, float(fill_value)

    def forward_batch(self, images, training):
        resize = resize_ops.Resize(images.shape[1:3], (self.height, self.width),
                                   self.interpolation, self.crop_to_aspect_ratio,
                                   self.pad_to_aspect_ratio, self.fill_value)
        self._resize = resize
        return resize.apply(images).astype(images.dtype, copy=False)

    def backward_batch(self, grad):
        return self._resize.backward(grad)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-3]) + (self.height, self.width, input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width,
                "interpolation": self.interpolation,
                "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
                "fill_value": self.fill_value, "antialias": False}
