"""The pooling core: the windows of a pooling over the two spatial axes of a channels-last
batch (N, H, W, C), and the max and average passes over them.

Plain functions on arrays, so that a fused caller (a ReLU and the max pooling after it
commute) can reuse them. No Python loop runs over pixels: the loops run over the ph * pw
positions inside a window, each one strided slice of the whole batch (as Chainer's im2col).
In the common case, strides == pool_size with ``"valid"`` padding and sizes that divide, no
padded copy is made and the backward pass writes each input pixel once, with no zero fill.

TensorFlow's rules, which Keras 3 follows:

- output length: ``"valid"`` floor((H - ph) / sh) + 1, ``"same"`` ceil(H / sh);
- ``"same"`` pads total = max((Ho - 1) * sh + ph - H, 0) rows, total // 2 on top and the rest
  (one more when odd) at the bottom; likewise left and right;
- max pooling pads with -inf, so padding never wins; its gradient goes, in every window, to
  the first of the window's maxima in row-major order (TF's MaxPoolGrad on CPU): with ties
  one pixel takes the window's whole gradient, and a pixel that is the maximum of several
  overlapping windows takes the sum of their gradients;
- average pooling divides a window's sum by the number of real (not padded) pixels in it.
"""
import numpy as np


def pooled_length(size, pool, stride, padding):
    """Number of windows along an axis of ``size`` pixels."""
    if padding == "same":
        return -(-size // stride)
    return (size - pool) // stride + 1


def same_padding(size, pool, stride):
    """(before, after) padding of ``"same"`` along one axis."""
    total = max((pooled_length(size, pool, stride, "same") - 1) * stride + pool - size, 0)
    return total // 2, total - total // 2


def pad_spatial(x, pads, fill, out):
    """Copy x (N, H, W, C) into out (N, top + H + bottom, left + W + right, C) and set the
    border, given by ``pads = ((top, bottom), (left, right))``, to ``fill``."""
    (top, _), (left, _) = pads
    height, width = x.shape[1:3]
    rows = slice(top, top + height)
    out[:, :top] = fill
    out[:, top + height:] = fill
    out[:, rows, :left] = fill
    out[:, rows, left + width:] = fill
    out[:, rows, left:left + width] = x
    return out


class Windows:
    """Where the windows of a pooling lie on an input of spatial size ``input_hw`` = (H, W).

    Attributes:
        pool, strides: (ph, pw) and (sh, sw).
        pads: ((top, bottom), (left, right)), all zero for ``"valid"``.
        padded_hw, output_hw: (H + top + bottom, W + left + right) and (Ho, Wo).
        disjoint: no two windows share a pixel (sh >= ph and sw >= pw).
        tiles: the windows cover the padded input exactly, every pixel once.
    """

    def __init__(self, input_hw, pool_size, strides, padding):
        self.input_hw, self.pool, self.strides = tuple(input_hw), pool_size, strides
        self.output_hw = tuple(pooled_length(n, p, s, padding)
                               for n, p, s in zip(input_hw, pool_size, strides))
        if min(self.output_hw) < 1:
            raise ValueError(f"A pooling window of size {pool_size} does not fit in an input of "
                             f"size {tuple(input_hw)} with padding='valid'; use a smaller "
                             "pool_size or padding='same'.")
        self.pads = tuple(same_padding(n, p, s) if padding == "same" else (0, 0)
                          for n, p, s in zip(input_hw, pool_size, strides))
        self.padded_hw = tuple(n + a + b for n, (a, b) in zip(input_hw, self.pads))
        self.disjoint = all(s >= p for s, p in zip(strides, pool_size))
        self.tiles = all(s == p and o * p == n for s, p, o, n
                         in zip(strides, pool_size, self.output_hw, self.padded_hw))
        self._counts = {}

    @property
    def padded(self):
        return any(a or b for a, b in self.pads)

    def padded_shape(self, x):
        return (x.shape[0],) + self.padded_hw + (x.shape[-1],)

    def output_shape(self, x):
        return (x.shape[0],) + self.output_hw + (x.shape[-1],)

    def pad(self, x, fill, out):
        """x (N, H, W, C) in ``out`` (N, Hp, Wp, C), the padding set to ``fill``."""
        return pad_spatial(x, self.pads, fill, out)

    def crop(self, padded):
        """The (N, H, W, C) view of the real pixels of a padded array."""
        (top, _), (left, _) = self.pads
        return padded[:, top:top + self.input_hw[0], left:left + self.input_hw[1]]

    def views(self, padded):
        """For each position (i, j) inside a window, in row-major order, the (N, Ho, Wo, C)
        strided view of ``padded`` at that position of every window."""
        (ph, pw), (sh, sw), (ho, wo) = self.pool, self.strides, self.output_hw
        for i in range(ph):
            for j in range(pw):
                yield padded[:, i:i + sh * (ho - 1) + 1:sh, j:j + sw * (wo - 1) + 1:sw]

    def counts(self, dtype):
        """(Ho, Wo, 1): the number of real (not padded) pixels in each window."""
        if dtype not in self._counts:
            per_axis = []
            for n, p, s, o, (before, _) in zip(self.input_hw, self.pool, self.strides,
                                               self.output_hw, self.pads):
                start = np.arange(o) * s - before
                per_axis.append(np.clip(start + p, 0, n) - np.clip(start, 0, n))
            self._counts[dtype] = np.multiply.outer(*per_axis)[..., None].astype(dtype)
        return self._counts[dtype]


def max_pool(x, windows, out):
    """y[n, a, b, c] = max of x[n, c] over window (a, b); x (N, Hp, Wp, C) padded with -inf,
    ``out`` (N, Ho, Wo, C)."""
    views = windows.views(x)
    np.copyto(out, next(views))
    for view in views:
        np.maximum(out, view, out=out)
    return out


def max_pool_backward(grad_out, x, y, windows, out, relu_of=None):
    """dL/dx (N, Hp, Wp, C) in ``out``: each window's dL/dy goes to the first of its maxima
    in row-major order; x and y as given to and returned by ``max_pool``. With ``relu_of``
    (the pooled output after a fused ReLU, y itself when the ReLU ran in place), dL/dy is
    first taken times the ReLU's slope: a window whose output is <= 0 gets nothing, so it
    starts with its maximum found."""
    if not windows.tiles:
        out.fill(0)
    # windows whose maximum is not yet found
    unclaimed = np.ones(y.shape, dtype=bool) if relu_of is None else relu_of > 0
    winner = np.empty(y.shape, dtype=bool)
    for view, grad_view in zip(windows.views(x), windows.views(out)):
        np.equal(view, y, out=winner)
        winner &= unclaimed
        unclaimed ^= winner
        if windows.disjoint:
            np.multiply(grad_out, winner, out=grad_view)
        else:
            grad_view += grad_out * winner
    return out


def average_pool(x, windows, out):
    """y[n, a, b, c] = sum of x[n, c] over window (a, b) / real pixels in it; x (N, Hp, Wp, C)
    padded with zeros, ``out`` (N, Ho, Wo, C)."""
    views = windows.views(x)
    np.copyto(out, next(views))
    for view in views:
        out += view
    out /= windows.counts(out.dtype)
    return out


def average_pool_backward(grad_out, windows, out):
    """dL/dx (N, Hp, Wp, C) in ``out``: each pixel of a window gets the window's
    dL/dy / (real pixels in it)."""
    share = grad_out / windows.counts(grad_out.dtype)
    if not windows.tiles:
        out.fill(0)
    for grad_view in windows.views(out):
        if windows.disjoint:
            np.copyto(grad_view, share)
        else:
            grad_view += share
    return out
