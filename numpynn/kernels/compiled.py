"""The compiled kernels: the NumPy reference functions as plain loops, compiled by Numba.

Each public function takes the same arguments as its reference (``conv_utils.im2col``,
``conv_utils.col2im``, ``pooling_windows.max_pool`` and ``max_pool_backward``) and writes
the same numbers into the same output array. The loops run over channels innermost, where memory
is contiguous in the channels_last layout, so the compiler vectorises them. They release
Python's GIL, so the layers split a batch over the cores with ``numpynn.parallel`` (on
OpenBLAS's own threads, which would otherwise spin, waiting for the next matrix product,
on the cores a second pool of threads needs).

Importing this module imports Numba; ``numpynn.kernels.select`` does it on first use.
"""
import numba
import numpy as np

_jit = numba.njit(nogil=True, cache=True)


@_jit
def _im2col(xp, kh, kw, sh, sw, dh, dw, cols):
    n, out_h, out_w, _, _, channels = cols.shape
    for b in range(n):
        for p in range(out_h):
            for q in range(out_w):
                for i in range(kh):
                    row = p * sh + i * dh
                    for j in range(kw):
                        column = q * sw + j * dw
                        for c in range(channels):
                            cols[b, p, q, i, j, c] = xp[b, row, column, c]


def im2col(xp, kernel_size, strides, dilation, out_size, cols):
    """``cols[n, p, q, i, j, :] = xp[n, p sh + i dh, q sw + j dw, :]``; returns ``cols``."""
    _im2col(xp, *kernel_size, *strides, *dilation, cols)
    return cols


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
def _max_pool(x, ph, pw, sh, sw, out):
    n, out_h, out_w, channels = out.shape
    for b in range(n):
        for a in range(out_h):
            for q in range(out_w):
                for c in range(channels):
                    out[b, a, q, c] = x[b, a * sh, q * sw, c]
                for i in range(ph):
                    for j in range(pw):
                        for c in range(channels):
                            value, best = x[b, a * sh + i, q * sw + j, c], out[b, a, q, c]
                            if best == best and not value <= best:  # NaN wins, as np.maximum
                                out[b, a, q, c] = value


def max_pool(x, windows, out):
    """``out[n, a, b, c]`` = max of ``x[n, :, :, c]`` (padded with -inf) over window (a, b)."""
    _max_pool(x, *windows.pool, *windows.strides, out)
    return out


@_jit
def _max_pool_backward(grad_out, x, y, ph, pw, sh, sw, out):
    n, out_h, out_w, channels = y.shape
    claimed = np.empty(channels, np.bool_)  # channels whose maximum is found in this window
    for b in range(n):
        out[b] = 0
        for a in range(out_h):
            for q in range(out_w):
                claimed[:] = False
                for i in range(ph):  # window positions in row-major order: the first wins
                    for j in range(pw):
                        row, column = a * sh + i, q * sw + j
                        for c in range(channels):
                            if not claimed[c] and x[b, row, column, c] == y[b, a, q, c]:
                                out[b, row, column, c] += grad_out[b, a, q, c]
                                claimed[c] = True


def max_pool_backward(grad_out, x, y, windows, out):
    """dL/dx (N, Hp, Wp, C) in ``out``: each window's dL/dy to the first of its maxima."""
    _max_pool_backward(grad_out, x, y, *windows.pool, *windows.strides, out)
    return out


#: the reference functions that have a compiled twin here (their names)
KERNELS = ("im2col", "col2im", "max_pool", "max_pool_backward")
