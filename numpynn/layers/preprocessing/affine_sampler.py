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


def _map_index(index, size, fill_mode):
    """Integer pixel indices (any, possibly outside [0, size)) -> indices inside, by
    ``fill_mode``; for "constant", also the mask of those that were inside."""
    if fill_mode == "reflect":
        index = np.mod(index, 2 * size)
        return np.where(index >= size, 2 * size - 1 - index, index), None
    if fill_mode == "wrap":
        return np.mod(index, size), None
    inside = (index >= 0) & (index < size) if fill_mode == "constant" else None
    return np.clip(index, 0, size - 1), inside


class Warp:
    """Where each output pixel of a batch reads the input: flat pixel indices and weights,
    built once per batch of transforms, applied to images and (transposed) to gradients.

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
        batch, height, width, _ = self.shape
        t = np.broadcast_to(np.asarray(transforms, dtype=np.float64).reshape(-1, 8),
                            (batch, 8))[:, :, None, None]
        y, x = np.mgrid[0:height, 0:width].astype(np.float64)
        k = t[:, 6] * x + t[:, 7] * y + 1
        x_in = (t[:, 0] * x + t[:, 1] * y + t[:, 2]) / k
        y_in = (t[:, 3] * x + t[:, 4] * y + t[:, 5]) / k
        if interpolation == "nearest":
            if fill_mode == "reflect":  # as TensorFlow: reflect the point, then round
                x_in, y_in = _reflect(x_in, width), _reflect(y_in, height)
            corners = [(_round(x_in), _round(y_in), np.ones_like(x_in))]
        else:
            x0, y0 = np.floor(x_in), np.floor(y_in)
            dx, dy = x_in - x0, y_in - y0
            corners = [(x0, y0, (1 - dx) * (1 - dy)), (x0 + 1, y0, dx * (1 - dy)),
                       (x0, y0 + 1, (1 - dx) * dy), (x0 + 1, y0 + 1, dx * dy)]
        base = (np.arange(batch) * height * width)[:, None, None]
        self.indices, self.weights = [], []
        self.fill_weight = np.zeros_like(x_in) if fill_mode == "constant" else None
        for cx, cy, weight in corners:
            cx, inside_x = _map_index(cx.astype(np.intp), width, fill_mode)
            cy, inside_y = _map_index(cy.astype(np.intp), height, fill_mode)
            if inside_x is not None:
                outside = ~(inside_x & inside_y)
                self.fill_weight += np.where(outside, weight, 0.0)
                weight = np.where(outside, 0.0, weight)
            self.indices.append((base + cy * width + cx).reshape(-1))
            self.weights.append(weight.reshape(-1, 1))
        self.fill_value = float(fill_value)

    def apply(self, images):
        """The warped images, same shape and float type as ``images``."""
        flat = images.reshape(-1, images.shape[-1])
        out = None
        for index, weight in zip(self.indices, self.weights):
            term = flat[index] * weight.astype(flat.dtype)
            out = term if out is None else out + term
        if self.fill_weight is not None and self.fill_value != 0:
            out += (self.fill_weight.reshape(-1, 1) * self.fill_value).astype(flat.dtype)
        return out.reshape(images.shape)

    def backward(self, grad):
        """dL/d(images) from dL/d(warped images)."""
        channels = grad.shape[-1]
        flat = grad.reshape(-1, channels).astype(np.float64)
        index = np.concatenate(self.indices)
        weighted = np.concatenate([w * flat for w in self.weights])
        size = int(np.prod(self.shape[:3]))
        columns = [np.bincount(index, weighted[:, c], minlength=size) for c in range(channels)]
        return np.stack(columns, axis=1).reshape(self.shape).astype(grad.dtype)


def warp(images, transforms, interpolation="bilinear", fill_mode="constant", fill_value=0.0):
    """``images`` (batch, height, width, channels) warped by ``transforms``; see ``Warp``."""
    images = np.asarray(images)
    if images.dtype.kind != "f":
        images = images.astype(np.float32)
    return Warp(images.shape, transforms, interpolation, fill_mode, fill_value).apply(images)
