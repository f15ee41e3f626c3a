"""Affine (and projective) image warps over a whole batch, as Keras'
``ops.image.affine_transform``: the sampler shared by ``RandomRotation``, ``RandomZoom``,
``RandomTranslation`` and ``ImageDataGenerator``.

A transform is 8 numbers ``[a0, a1, a2, b0, b1, b2, c0, c1]`` that map each *output* pixel
(x, y) (x = column, y = row) to the *input* point it shows:

    k = c0 x + c1 y + 1,   x_in = (a0 x + a1 y + a2) / k,   y_in = (b0 x + b1 y + b2) / k

The value there is read with ``"bilinear"`` interpolation (the 4 pixels around the point,
weighted by closeness) or ``"nearest"`` (the closest pixel). Pixels outside the image are
read through ``fill_mode``, for a row of pixels ``abcd``:

    "reflect":  ... c b a | a b c d | d c b a ...
    "wrap":     ... b c d | a b c d | a b c ...
    "nearest":  ... a a a | a b c d | d d d ...
    "constant": ... k k k | a b c d | k k k ...   (k = fill_value)

The sampler is linear in the image: ``Warp.backward`` sends a gradient back by adding each
output pixel's gradient into the input pixels it read, with the same weights.
"""
import numpy as np

from numpynn import kernels

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("bilinear", "nearest")


def check_options(fill_mode, interpolation, owner):
    """Raise a ValueError naming the options numpynn has, for unknown ones."""
    if fill_mode not in FILL_MODES:
        raise ValueError(f"{owner} fill_mode must be one of {', '.join(FILL_MODES)}, got "
                         f"{fill_mode!r}.")
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"{owner} interpolation must be one of {', '.join(INTERPOLATIONS)}, "
                         f"got {interpolation!r}.")


def _batch(*values):
    """The arguments as float64 arrays of one shape (batch,)."""
    return np.broadcast_arrays(*(np.asarray(v, dtype=np.float64).reshape(-1) for v in values))


def _matrices(a0, a1, a2, b0, b1, b2):
    """(batch, 3, 3) matrices [[a0, a1, a2], [b0, b1, b2], [0, 0, 1]]."""
    a0, a1, a2, b0, b1, b2 = _batch(a0, a1, a2, b0, b1, b2)
    zeros, ones = np.zeros_like(a0), np.ones_like(a0)
    return np.stack([np.stack([a0, a1, a2], 1), np.stack([b0, b1, b2], 1),
                     np.stack([zeros, zeros, ones], 1)], 1)


def rotation(angle):
    """Output -> input matrices of a rotation by ``angle`` radians about the origin; a
    positive angle turns the picture counter-clockwise on screen (rows grow downwards)."""
    cos, sin = np.cos(angle), np.sin(angle)
    return _matrices(cos, -sin, 0, sin, cos, 0)


def scaling(scale_x, scale_y):
    """Output -> input matrices that read the input at (scale_x x, scale_y y): factors
    above 1 zoom out, below 1 zoom in."""
    return _matrices(scale_x, 0, 0, 0, scale_y, 0)


def shift(shift_x, shift_y):
    """Output -> input matrices that read the input at (x + shift_x, y + shift_y): the
    picture moves by (-shift_x, -shift_y) pixels."""
    return _matrices(1, 0, shift_x, 0, 1, shift_y)


def shear(angle):
    """Output -> input matrices of a shear by ``angle`` radians, as ``ImageDataGenerator``:
    x_in = x - sin(angle) y, y_in = cos(angle) y."""
    return _matrices(1, -np.sin(angle), 0, 0, np.cos(angle), 0)


def about_center(matrices, height, width):
    """``matrices`` applied about the image centre ((width - 1) / 2, (height - 1) / 2)
    instead of the origin, as Keras' layers."""
    cx, cy = (width - 1) / 2, (height - 1) / 2
    return shift(cx, cy) @ matrices @ shift(-cx, -cy)


def to_transforms(matrices):
    """(batch, 3, 3) affine matrices as (batch, 8) transforms."""
    flat = matrices.reshape(-1, 9)
    return np.concatenate([flat[:, :6], np.zeros((len(flat), 2))], axis=1)


def _round(coordinate):
    """Round halves away from zero (C's round, as TensorFlow's sampler)."""
    return np.trunc(coordinate + np.copysign(0.5, coordinate))


def _reflect(coordinate, size):
    """A point mirrored into [0, size - 1] about the image's edges (-0.5 and size - 0.5)."""
    folded = np.mod(coordinate, 2 * size)
    return np.clip(np.where(folded >= size, 2 * size - 1 - folded, folded), 0, size - 1)


def _index_table(low, high, size, fill_mode):
    """Where the integer pixel indices ``low..high`` (any, possibly outside [0, size)) read,
    by ``fill_mode``: ``table[i - low]``, with -1 for "outside" in ``"constant"`` mode. One
    small table per axis, so mapping a whole batch of indices is one lookup."""
    index = np.arange(low, high + 1)
    if fill_mode == "reflect":
        index = np.mod(index, 2 * size)
        return np.where(index >= size, 2 * size - 1 - index, index)
    if fill_mode == "wrap":
        return np.mod(index, size)
    if fill_mode == "constant":
        return np.where((index >= 0) & (index < size), index, -1)
    return np.clip(index, 0, size - 1)


def _sample_points(transforms, height, width):
    """The input point (x_in, y_in) each output pixel reads, float64 (batch, height, width):
    a sum of a row term and a column term for affine transforms."""
    t = transforms[:, :, None, None]
    x = np.arange(width, dtype=np.float64)[None, None, :]
    y = np.arange(height, dtype=np.float64)[None, :, None]
    x_in = t[:, 0] * x + (t[:, 1] * y + t[:, 2])
    y_in = t[:, 3] * x + (t[:, 4] * y + t[:, 5])
    if transforms[:, 6:].any():  # projective: divide by k = c0 x + c1 y + 1
        k = t[:, 6] * x + t[:, 7] * y + 1
        x_in, y_in = x_in / k, y_in / k
    return x_in, y_in


def warp_taps(shape, transforms, interpolation, fill_mode):
    """``(indices, weights)``: where each output pixel of images of ``shape`` (batch, height,
    width, channels) reads the flat (batch * height * width, channels) input, one row of
    ``indices`` (int64) and ``weights`` (float32) per tap: 4 for bilinear (the corners
    (x0, y0), (x0 + 1, y0), (x0, y0 + 1), (x0 + 1, y0 + 1)), 1 for nearest. In
    ``"constant"`` mode a tap outside the image reads index ``batch * height * width``, the
    fill value's row appended after the images."""
    batch, height, width, _ = shape
    x_in, y_in = _sample_points(transforms, height, width)
    if interpolation == "nearest":
        if fill_mode == "reflect":  # as TensorFlow: reflect the point, then round
            x_in, y_in = _reflect(x_in, width), _reflect(y_in, height)
        x0, y0 = _round(x_in).astype(np.intp), _round(y_in).astype(np.intp)
        offsets, weights = [(0, 0)], np.ones((1,) + x_in.shape, dtype=np.float32)
    else:
        x0f, y0f = np.floor(x_in), np.floor(y_in)
        dx, dy = (x_in - x0f).astype(np.float32), (y_in - y0f).astype(np.float32)
        x0, y0 = x0f.astype(np.intp), y0f.astype(np.intp)
        offsets = [(0, 0), (1, 0), (0, 1), (1, 1)]
        weights = np.stack([(1 - dx) * (1 - dy), dx * (1 - dy), (1 - dx) * dy, dx * dy])
    x_low, y_low = int(x0.min()), int(y0.min())
    x_table = _index_table(x_low, int(x0.max()) + 1, width, fill_mode)
    y_table = _index_table(y_low, int(y0.max()) + 1, height, fill_mode)
    x0, y0 = x0 - x_low, y0 - y_low
    base = (np.arange(batch) * height * width)[:, None, None]
    indices = np.empty(weights.shape, dtype=np.intp)
    for tap, (ox, oy) in enumerate(offsets):
        cx, cy = x_table[x0 + ox], y_table[y0 + oy]
        indices[tap] = base + cy * width + cx
        if fill_mode == "constant":
            indices[tap][(cx < 0) | (cy < 0)] = batch * height * width
    return indices.reshape(len(offsets), -1), weights.reshape(len(offsets), -1)


def gather(flat, indices, weights):
    """``out[m] = sum over taps t of flat[indices[t, m]] * weights[t, m]``, taps in order:
    the warped pixels, (pixels, channels), from the flat (rows, channels) input."""
    out = None
    for index, weight in zip(indices, weights):
        term = flat[index] * weight[:, None]
        out = term if out is None else out + term
    return out


class Warp:
    """Where each output pixel of a batch reads the input: flat pixel indices and weights
    (``warp_taps``), built once per batch of transforms, applied to images and
    (transposed) to gradients. On ``NUMPYNN_KERNELS=numba`` the taps and the gather are
    compiled loops (``numpynn.kernels.compiled``) giving the same numbers.

    Args:
        shape: the images' shape, (batch, height, width, channels).
        transforms: (batch, 8) or (8,) array of output -> input transforms.
        interpolation: ``"bilinear"`` or ``"nearest"``.
        fill_mode: ``"reflect"``, ``"wrap"``, ``"constant"`` or ``"nearest"``.
        fill_value: the value read outside the image with ``fill_mode="constant"``.
    """

    def __init__(self, shape, transforms, interpolation="bilinear", fill_mode="constant",
                 fill_value=0.0):
        check_options(fill_mode, interpolation, "affine transform")
        self.shape = tuple(shape)
        transforms = np.broadcast_to(np.asarray(transforms, dtype=np.float64).reshape(-1, 8),
                                     (self.shape[0], 8))
        taps = kernels.select(warp_taps, "warp_taps")
        self.indices, self.weights = taps(self.shape, np.ascontiguousarray(transforms),
                                          interpolation, fill_mode)
        self.fill_value = float(fill_value) if fill_mode == "constant" else None

    def apply(self, images):
        """The warped images, same shape and float type as ``images``."""
        flat = images.reshape(-1, images.shape[-1])
        if self.fill_value is not None:  # the fill value's row, read by taps outside
            flat = np.concatenate([flat, np.full((1, flat.shape[1]), self.fill_value,
                                                 dtype=flat.dtype)])
        weights = self.weights if flat.dtype == np.float32 else self.weights.astype(flat.dtype)
        out = kernels.select(gather, "warp_gather")(flat, self.indices, weights)
        return out.reshape(images.shape)

    def backward(self, grad):
        """dL/d(images) from dL/d(warped images)."""
        channels = grad.shape[-1]
        flat = grad.reshape(-1, channels).astype(np.float64)
        index = self.indices.reshape(-1)
        weighted = (self.weights[:, :, None] * flat[None]).reshape(-1, channels)
        size = int(np.prod(self.shape[:3]))
        columns = [np.bincount(index, weighted[:, c], minlength=size + 1)[:size]
                   for c in range(channels)]
        return np.stack(columns, axis=1).reshape(self.shape).astype(grad.dtype)


def warp(images, transforms, interpolation="bilinear", fill_mode="constant", fill_value=0.0):
    """``images`` (batch, height, width, channels) warped by ``transforms``; see ``Warp``."""
    images = np.asarray(images)
    if images.dtype.kind != "f":
        images = images.astype(np.float32)
    return Warp(images.shape, transforms, interpolation, fill_mode, fill_value).apply(images)
