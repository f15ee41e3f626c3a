"""The compiled kernels: the NumPy reference functions as plain loops, compiled by Numba.

Each public function takes the same arguments as its reference (``conv_utils.col2im``,
``pooling_windows.max_pool`` and ``max_pool_backward``, ``affine_sampler.warp_taps`` and
``gather``) and writes the same numbers into the same output array. The loops run over
channels innermost, where memory is contiguous in the channels_last layout, so the
compiler vectorises them. (im2col has no twin: NumPy makes it as one strided copy, as fast
as a compiled loop.) They release
Python's GIL, so the layers split a batch over the cores with ``numpynn.parallel`` (on
OpenBLAS's own threads, which would otherwise spin, waiting for the next matrix product,
on the cores a second pool of threads needs).

Importing this module imports Numba; ``numpynn.kernels.select`` does it on first use.
"""
import numba
import numpy as np

_jit = numba.njit(nogil=True, cache=True)
#: ``max_pool_where``'s mark for a window without a maximum (a NaN); windows have fewer
#: positions than this (``pooling.MaxPooling2D`` checks)
NO_WINNER = 255


@_jit
def _col2im(cols, kh, kw, sh, sw, dh, dw, xp):
    n, out_h, out_w, _, _, channels = cols.shape
    for b in range(n):
        xp[b] = 0
        # kernel positions outermost: each pixel adds its terms in the reference's order
        for i in range(kh):
            for j in range(kw):
                for p in range(out_h):
                    row = p * sh + i * dh
                    for q in range(out_w):
                        column = q * sw + j * dw
                        for c in range(channels):
                            xp[b, row, column, c] += cols[b, p, q, i, j, c]


def col2im(cols, kernel_size, strides, dilation, xp):
    """Adjoint of ``im2col``: ``xp`` zeroed, then every entry of ``cols`` added onto the pixel
    it was read from; returns ``xp``."""
    _col2im(cols, *kernel_size, *strides, *dilation, xp)
    return xp


@_jit
def beats(value, best):
    """Whether ``value`` replaces ``best`` as a window's maximum so far: it is larger, or a
    NaN, while ``best`` is not a NaN (the first NaN stays, as with ``np.maximum``). Ties keep
    ``best``: the first maximum in row-major order wins."""
    return best == best and not value <= best


@_jit
def _max_pool(x, ph, pw, sh, sw, out, noting, where):
    n, out_h, out_w, channels = out.shape
    for b in range(n):
        for a in range(out_h):
            for q in range(out_w):
                for c in range(channels):
                    out[b, a, q, c] = x[b, a * sh, q * sw, c]
                    if noting:
                        where[b, a, q, c] = 0
                for i in range(ph):
                    for j in range(pw):
                        for c in range(channels):
                            value = x[b, a * sh + i, q * sw + j, c]
                            if beats(value, out[b, a, q, c]):
                                out[b, a, q, c] = value
                                if noting:
                                    where[b, a, q, c] = i * pw + j
                if noting:
                    for c in range(channels):
                        if out[b, a, q, c] != out[b, a, q, c]:  # NaN: no pixel equals it
                            where[b, a, q, c] = NO_WINNER


_NOTHING = np.empty((0, 0, 0, 0), np.uint8)  # ``where`` when none is noted


def max_pool(x, windows, out):
    """``out[n, a, b, c]`` = max of ``x[n, :, :, c]`` (padded with -inf) over window (a, b)."""
    _max_pool(x, *windows.pool, *windows.strides, out, False, _NOTHING)
    return out


@_jit
def _max_pool_backward(grad_out, x, y, relu_of, relu, ph, pw, sh, sw, tiles, disjoint, out):
    n, out_h, out_w, channels = y.shape
    claimed = np.empty(channels, np.bool_)  # channels whose maximum is found in this window
    for b in range(n):
        if not tiles:  # pixels outside every window get nothing
            out[b] = 0
        for a in range(out_h):
            for q in range(out_w):
                for c in range(channels):  # after a ReLU, an output <= 0 sends nothing
                    claimed[c] = relu and not relu_of[b, a, q, c] > 0
                for i in range(ph):  # window positions in row-major order: the first wins
                    for j in range(pw):
                        row, column = a * sh + i, q * sw + j
                        for c in range(channels):
                            won = not claimed[c] and x[b, row, column, c] == y[b, a, q, c]
                            if disjoint:  # the pixel's only window: written once
                                out[b, row, column, c] = grad_out[b, a, q, c] if won else 0
                            elif won:
                                out[b, row, column, c] += grad_out[b, a, q, c]
                            claimed[c] = claimed[c] or won


def max_pool_backward(grad_out, x, y, windows, out, relu_of=None):
    """dL/dx (N, Hp, Wp, C) in ``out``: each window's dL/dy to the first of its maxima
    (none where ``relu_of``, the output after a fused ReLU, is <= 0)."""
    relu = relu_of is not None
    _max_pool_backward(grad_out, x, y, relu_of if relu else y, relu, *windows.pool,
                       *windows.strides, windows.tiles, windows.disjoint, out)
    return out


def max_pool_where(x, windows, out, where):
    """``max_pool``, also writing in ``where`` (uint8, like ``out``) the position i pw + j
    of each window's first maximum in row-major order (``NO_WINNER`` for a NaN maximum):
    what ``max_pool_backward`` finds by comparing x with y, found while pooling, so that
    backward need not read x again (four times the size of y for 2x2 windows)."""
    _max_pool(x, *windows.pool, *windows.strides, out, True, where)
    return out


@_jit
def _max_pool_backward_where(grad_out, where, y, relu, ph, pw, sh, sw, tiles, disjoint, out):
    n, out_h, out_w, channels = where.shape
    for b in range(n):
        if not tiles:  # pixels outside every window get nothing
            out[b] = 0
        for a in range(out_h):
            for q in range(out_w):
                for i in range(ph):
                    for j in range(pw):
                        row, column, position = a * sh + i, q * sw + j, i * pw + j
                        for c in range(channels):
                            grad = grad_out[b, a, q, c]
                            if relu:  # times the slope, as ReLU's backward
                                grad = grad * (y[b, a, q, c] > 0)
                            won = where[b, a, q, c] == position
                            if disjoint:  # the pixel's only window: written once
                                out[b, row, column, c] = grad if won else 0
                            elif won:
                                out[b, row, column, c] += grad


def max_pool_backward_where(grad_out, where, windows, out, relu_of=None):
    """``max_pool_backward`` from the positions ``max_pool_where`` wrote: the same dL/dx.
    With ``relu_of`` (the pooled output after a ReLU), dL/dy is first multiplied by the
    ReLU's slope there (1 where > 0, else 0), as the ReLU's own backward would."""
    relu = relu_of is not None
    _max_pool_backward_where(grad_out, where, relu_of if relu else grad_out, relu,
                             *windows.pool, *windows.strides, windows.tiles, windows.disjoint,
                             out)
    return out


FILL_CODES = {"reflect": 0, "wrap": 1, "constant": 2, "nearest": 3}


@_jit
def _map_index(index, size, fill):
    """An integer pixel index (possibly outside [0, size)) -> the one read; -1: outside,
    in "constant" mode (``affine_sampler._index_table``)."""
    if 0 <= index < size:
        return index
    if fill == 0:
        index = index % (2 * size)
        return 2 * size - 1 - index if index >= size else index
    if fill == 1:
        return index % size
    if fill == 2:
        return index if 0 <= index < size else -1
    return min(max(index, 0), size - 1)


@_jit
def _fold(coordinate, size):
    """``affine_sampler._reflect`` before its clip: mirrored about the image's edges."""
    folded = coordinate % (2 * size)
    return 2 * size - 1 - folded if folded >= size else folded


@_jit
def _warp_taps(transforms, height, width, nearest, fill, projective, indices, weights):
    batch = transforms.shape[0]
    outside = batch * height * width
    one = np.float32(1.0)
    for b in range(batch):
        t = transforms[b]
        for y in range(height):
            for x in range(width):
                x_in = t[0] * x + (t[1] * y + t[2])
                y_in = t[3] * x + (t[4] * y + t[5])
                if projective:
                    k = t[6] * x + t[7] * y + 1
                    x_in, y_in = x_in / k, y_in / k
                m = (b * height + y) * width + x
                if nearest:
                    if fill == 0:  # reflect the point, then round (as TensorFlow)
                        x_in = min(max(_fold(x_in, width), 0.0), width - 1.0)
                        y_in = min(max(_fold(y_in, height), 0.0), height - 1.0)
                    x0 = int(np.trunc(x_in + np.copysign(0.5, x_in)))
                    y0 = int(np.trunc(y_in + np.copysign(0.5, y_in)))
                    cx, cy = _map_index(x0, width, fill), _map_index(y0, height, fill)
                    indices[0, m] = outside if cx < 0 or cy < 0 else (
                        b * height + cy) * width + cx
                    weights[0, m] = one
                    continue
                x0f, y0f = np.floor(x_in), np.floor(y_in)
                dx, dy = np.float32(x_in - x0f), np.float32(y_in - y0f)
                x0, y0 = int(x0f), int(y0f)
                weights[0, m] = (one - dx) * (one - dy)
                weights[1, m] = dx * (one - dy)
                weights[2, m] = (one - dx) * dy
                weights[3, m] = dx * dy
                cx0, cx1 = _map_index(x0, width, fill), _map_index(x0 + 1, width, fill)
                cy0, cy1 = _map_index(y0, height, fill), _map_index(y0 + 1, height, fill)
                row0, row1 = (b * height + cy0) * width, (b * height + cy1) * width
                indices[0, m] = outside if cx0 < 0 or cy0 < 0 else row0 + cx0
                indices[1, m] = outside if cx1 < 0 or cy0 < 0 else row0 + cx1
                indices[2, m] = outside if cx0 < 0 or cy1 < 0 else row1 + cx0
                indices[3, m] = outside if cx1 < 0 or cy1 < 0 else row1 + cx1


def warp_taps(shape, transforms, interpolation, fill_mode):
    """``affine_sampler.warp_taps``: the same indices and weights, in one pass."""
    batch, height, width, _ = shape
    taps = 1 if interpolation == "nearest" else 4
    indices = np.empty((taps, batch * height * width), dtype=np.intp)
    weights = np.empty((taps, batch * height * width), dtype=np.float32)
    _warp_taps(transforms, height, width, interpolation == "nearest", FILL_CODES[fill_mode],
               bool(transforms[:, 6:].any()), indices, weights)
    return indices, weights


@_jit
def _warp_gather(flat, indices, weights, out):
    taps, pixels = indices.shape
    for m in range(pixels):
        for c in range(flat.shape[1]):
            total = flat[indices[0, m], c] * weights[0, m]
            for tap in range(1, taps):
                total = total + flat[indices[tap, m], c] * weights[tap, m]
            out[m, c] = total


def warp_gather(flat, indices, weights):
    """``affine_sampler.gather``: the taps added in the same order."""
    out = np.empty((indices.shape[1], flat.shape[1]), dtype=flat.dtype)
    _warp_gather(flat, indices, weights, out)
    return out


#: the reference functions that have a compiled twin here (their names)
KERNELS = ("col2im", "max_pool", "max_pool_backward", "warp_taps", "warp_gather")
