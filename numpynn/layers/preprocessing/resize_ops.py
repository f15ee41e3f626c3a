"""Resizing images as TensorFlow's ``tf.image.resize`` does (what Keras' ``Resizing`` and
``image_dataset_from_directory`` use), one axis at a time.

Output pixel ``o`` of an axis resized from ``n`` to ``m`` samples the input at

    u = (o + 0.5) * n / m - 0.5            (half-pixel centres)

and is a weighted sum of a few input pixels, its *taps* ``(indices, weights)``:

- ``"bilinear"``: pixels floor(u) and floor(u) + 1, weights 1 - t and t (t = u - floor(u)),
  u clamped to [0, n - 1];
- ``"nearest"``: pixel min(floor((o + 0.5) * n / m), n - 1);
- ``"bicubic"``: pixels floor(u) - 1 ... floor(u) + 2 with Keys' cubic kernel (a = -0.5);
  taps outside the image get weight 0 and the rest are renormalised to sum to 1;
- ``"area"``: every pixel that the output pixel's box [o s, (o + 1) s), s = n / m, overlaps,
  weighted by the overlap / s.

A resize is linear, so its backward pass is the transposed operation (``resize_backward``).
"""
import numpy as np

INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area")


def check_interpolation(interpolation, owner):
    """``interpolation`` lower-cased, or a ValueError naming the ones numpynn has."""
    value = str(interpolation).lower()
    if value not in INTERPOLATIONS:
        raise ValueError(f"{owner} interpolation must be one of {', '.join(INTERPOLATIONS)}, "
                         f"got {interpolation!r}.")
    return value


def _keys_cubic(x, a=-0.5):
    x = np.abs(x)
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    far = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return np.where(x <= 1, near, np.where(x < 2, far, 0.0))


def resize_taps(in_size, out_size, interpolation="bilinear"):
    """``(indices, weights)``, both of shape (out_size, taps): output pixel o of the axis is
    ``sum_k weights[o, k] * input[indices[o, k]]``."""
    out = np.arange(out_size, dtype=np.float64)
    scale = in_size / out_size
    if interpolation == "nearest":
        index = np.minimum(np.floor((out + 0.5) * scale), in_size - 1).astype(np.intp)
        return index[:, None], np.ones((out_size, 1))
    u = (out + 0.5) * scale - 0.5
    if interpolation == "bilinear":
        u = np.clip(u, 0, in_size - 1)
        low = np.floor(u)
        t = u - low
        low = low.astype(np.intp)
        high = np.minimum(low + 1, in_size - 1)
        return np.stack([low, high], 1), np.stack([1 - t, t], 1)
    if interpolation == "bicubic":
        low = np.floor(u)
        index = low[:, None] + np.arange(-1, 3)
        weights = _keys_cubic(u[:, None] - index)
        weights[(index < 0) | (index > in_size - 1)] = 0.0
        weights /= weights.sum(axis=1, keepdims=True)
        return np.clip(index, 0, in_size - 1).astype(np.intp), weights
    if interpolation == "area":
        start = out * scale
        index = np.floor(start)[:, None] + np.arange(int(np.ceil(scale)) + 1)
        overlap = (np.minimum(index + 1, start[:, None] + scale)
                   - np.maximum(index, start[:, None]))
        weights = np.clip(overlap, 0, None) / scale
        weights[index > in_size - 1] = 0.0
        return np.minimum(index, in_size - 1).astype(np.intp), weights
    raise ValueError(f"interpolation must be one of {', '.join(INTERPOLATIONS)}, "
                     f"got {interpolation!r}.")


def _apply_taps(images, taps, axis):
    """Resize ``images`` along ``axis`` with ``taps``."""
    index, weights = taps
    shape = [1] * images.ndim
    shape[axis] = len(index)
    result = None
    for k in range(index.shape[1]):
        term = np.take(images, index[:, k], axis=axis)
        if not np.all(weights[:, k] == 1):
            term = term * weights[:, k].astype(images.dtype).reshape(shape)
        result = term if result is None else result + term
    return result


def _taps_matrix(taps, in_size):
    """The (out, in) matrix of ``taps``: ``output = matrix @ input`` along the axis."""
    index, weights = taps
    matrix = np.zeros((len(index), in_size))
    np.add.at(matrix, (np.arange(len(index))[:, None], index), weights)
    return matrix


def resize(images, size, interpolation="bilinear"):
    """``images`` (..., height, width, channels) resized to ``size`` = (height, width), in
    their float type (integers become float32)."""
    images = np.asarray(images)
    if images.dtype.kind != "f":
        images = images.astype(np.float32)
    height, width = images.shape[-3:-1]
    rows = resize_taps(height, size[0], interpolation)
    cols = resize_taps(width, size[1], interpolation)
    return _apply_taps(_apply_taps(images, rows, images.ndim - 3), cols, images.ndim - 2)


def resize_backward(grad, in_size, interpolation="bilinear"):
    """dL/d(input) of ``resize`` to ``grad``'s size from an input of size ``in_size``."""
    height, width = grad.shape[-3:-1]
    rows = _taps_matrix(resize_taps(in_size[0], height, interpolation), in_size[0])
    cols = _taps_matrix(resize_taps(in_size[1], width, interpolation), in_size[1])
    grad = np.swapaxes(grad, -3, -1)  # (..., channels, width, height)
    grad = grad @ rows.astype(grad.dtype)  # -> (..., channels, width, in height)
    grad = np.swapaxes(grad, -2, -1) @ cols.astype(grad.dtype)  # (..., c, in h, in w)
    return np.moveaxis(grad, -3, -1)


def aspect_crop_box(height, width, target):
    """``(top, left, crop_height, crop_width)``: the largest centred window of a
    height x width image with ``target``'s aspect ratio (Keras' ``smart_resize``)."""
    target_height, target_width = target
    crop_height = int(np.float32(width * target_height) / np.float32(target_width))
    crop_height = max(min(height, crop_height), 1)
    crop_width = int(np.float32(height * target_width) / np.float32(target_height))
    crop_width = max(min(width, crop_width), 1)
    return (int(np.float32(height - crop_height) / 2), int(np.float32(width - crop_width) / 2),
            crop_height, crop_width)


def aspect_pad_sizes(height, width, target):
    """``(top, left)``: the padding on each side that gives a height x width image
    ``target``'s aspect ratio (Keras' ``pad_to_aspect_ratio``)."""
    target_height, target_width = target
    padded_height = max(height, int(np.float32(width * target_height)
                                    / np.float32(target_width)))
    padded_width = max(width, int(np.float32(height * target_width)
                                  / np.float32(target_height)))
    return int(np.float32(padded_height - height) / 2), int(np.float32(padded_width - width) / 2)


class Resize:
    """A resize of (height, width) images to ``size``, optionally first cropped (largest
    centred window) or padded (with ``fill_value``, centred) to the target's aspect ratio,
    as Keras' ``ops.image.resize``. ``apply`` takes (..., height, width, channels) arrays;
    ``backward`` sends a gradient of the result back to the input."""

    def __init__(self, in_size, size, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_value=0.0):
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError("Only one of crop_to_aspect_ratio and pad_to_aspect_ratio can be "
                             "True.")
        self.in_size, self.size = tuple(in_size), tuple(size)
        self.interpolation, self.fill_value = interpolation, fill_value
        height, width = self.in_size
        self.box = (aspect_crop_box(height, width, size) if crop_to_aspect_ratio
                    else (0, 0, height, width))
        self.pad = aspect_pad_sizes(height, width, size) if pad_to_aspect_ratio else (0, 0)
        self.resized_from = (self.box[2] + 2 * self.pad[0], self.box[3] + 2 * self.pad[1])

    def apply(self, images):
        top, left, height, width = self.box
        images = images[..., top:top + height, left:left + width, :]
        if any(self.pad):
            widths = [(0, 0)] * (images.ndim - 3) + [(p, p) for p in self.pad] + [(0, 0)]
            images = np.pad(images, widths, constant_values=self.fill_value)
        if self.resized_from == self.size:
            return images if images.dtype.kind == "f" else images.astype(np.float32)
        return resize(images, self.size, self.interpolation)

    def backward(self, grad):
        if self.resized_from != self.size:
            grad = resize_backward(grad, self.resized_from, self.interpolation)
        pad_top, pad_left = self.pad
        top, left, height, width = self.box
        grad = grad[..., pad_top:pad_top + height, pad_left:pad_left + width, :]
        if (height, width) == self.in_size:
            return grad
        full = np.zeros(grad.shape[:-3] + self.in_size + grad.shape[-1:], dtype=grad.dtype)
        full[..., top:top + height, left:left + width, :] = grad
        return full


def resize_with_pad(images, size, interpolation="bilinear"):
    """``tf.image.resize_with_pad``: resize (..., height, width, channels) ``images`` to fit
    inside ``size`` with their aspect ratio, then pad with zeros (centred) to ``size``; what
    Keras' ``image_dataset_from_directory(pad_to_aspect_ratio=True)`` does."""
    height, width = images.shape[-3:-1]
    target_height, target_width = size
    ratio = max(np.float32(width) / np.float32(target_width),
                np.float32(height) / np.float32(target_height))
    fitted = (np.float32(height) / ratio, np.float32(width) / ratio)
    resized = resize(images, tuple(int(np.floor(f)) for f in fitted), interpolation)
    top, left = (max(0, int(np.floor((t - f) / 2))) for t, f in zip(size, fitted))
    out = np.zeros(images.shape[:-3] + tuple(size) + images.shape[-1:], dtype=resized.dtype)
    out[..., top:top + resized.shape[-3], left:left + resized.shape[-2], :] = resized
    return out
