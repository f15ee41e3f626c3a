"""Conv2D -> ReLU -> MaxPooling2D in one compiled pass, for a convolution over few channels.

The first layer of an image model reads 1 (grey) or 3 (RGB) channels: its im2col matrix has
9 or 27 columns, so the product runs at memory speed, writing the large pre-activation z
(128 x 26 x 26 x 32 floats, 11 MB, for Fashion-MNIST) that the pooling then reads, and
backward writes and reads dL/dz as large again. Here each pooling window's pixels are
computed as sliding dot products straight into a small array, and only their pooled, ReLU'd
value leaves it:

    z[k, f] = bias[f] + sum_{i, j, c} x[n, 2 a + k // 2 + i, 2 b + k % 2 + j, c] kernel[i, j, c, f]
    y[n, a, b, f] = max(0, max_k z[k, f]),   where[n, a, b, f] = the first k reaching it

for the four pixels k of the 2x2 window (a, b) (strides 2, "valid"). Backward sends
dL/dy, times ReLU's slope, to the window's winning pixel only, so
dL/dkernel[i, j, c, f] = sum over windows of x[winner's receptive field (i, j, c)] g[f], and
dL/dbias[f] = sum of g[f]. Maxima and ties follow ``max_pool`` (first maximum in row-major
order, a NaN wins). The sums add in another order than im2col's product: equal to float32
rounding, not bit for bit.

Importing this module imports Numba; ``numpynn.layers.conv_pooled`` does it on first use.
"""
import numba
import numpy as np

from numpynn.kernels.compiled import NO_WINNER, beats

_jit = numba.njit(nogil=True, cache=True)


@_jit
def _window(x, b, top, left, tap):
    """Kernel tap (i, j, c) of the 2x2 pixels whose top-left one is (top, left) in image b:
    x[b, top + i + di, left + j + dj, c] for the pixels (di, dj) in row-major order."""
    row, column, c = top + tap[0], left + tap[1], tap[2]
    return (x[b, row, column, c], x[b, row, column + 1, c], x[b, row + 1, column, c],
            x[b, row + 1, column + 1, c])


def _taps(kernel_shape):
    """(kh kw C, 3): the (i, j, c) of each row of the kernel reshaped to (kh kw C, F)."""
    return np.indices(kernel_shape[:3]).reshape(3, -1).T.copy()


@_jit
def _conv_relu_pool(x, kernel, taps, bias, y, where):
    n, out_h, out_w, filters = y.shape
    z = np.empty((4, filters), y.dtype)  # one window's four pixels, in row-major order
    for b in range(n):
        for a in range(out_h):
            for q in range(out_w):
                for f in range(filters):
                    z[0, f] = z[1, f] = z[2, f] = z[3, f] = bias[f]
                for t in range(len(taps)):
                    v0, v1, v2, v3 = _window(x, b, 2 * a, 2 * q, taps[t])
                    for f in range(filters):  # the four pixels share each weight
                        weight = kernel[t, f]
                        z[0, f] += v0 * weight
                        z[1, f] += v1 * weight
                        z[2, f] += v2 * weight
                        z[3, f] += v3 * weight
                for f in range(filters):
                    best, winner = z[0, f], 0
                    for k in range(1, 4):
                        if beats(z[k, f], best):  # as max_pool: the first, a NaN wins
                            best, winner = z[k, f], k
                    y[b, a, q, f] = 0 if best < 0 else best
                    where[b, a, q, f] = winner if best == best else NO_WINNER


def conv_relu_pool(x, kernel, bias, y, where):
    """y = 2x2 max pooling (strides 2, "valid") of relu(conv(x, kernel) + bias), and each
    window's winner in ``where``.

    x (N, H, W, C) already padded; kernel (kh, kw, C, F), C-contiguous; bias (F,);
    y (N, Ho, Wo, F) and where (N, Ho, Wo, F) uint8 written, Ho = (H - kh + 1) // 2
    (likewise Wo)."""
    kh, kw, channels, filters = kernel.shape
    _conv_relu_pool(x, kernel.reshape(kh * kw * channels, filters), _taps(kernel.shape), bias,
                    y, where)
    return y


@_jit
def _conv_relu_pool_backward(x, grad_y, y, where, taps, kernel_grads, bias_grads):
    n, out_h, out_w, filters = y.shape
    grad_z = np.empty((4, filters), grad_y.dtype)  # one window's dL/dz
    for b in range(n):
        kernel_grads[b] = 0
        bias_grads[b] = 0
        for a in range(out_h):
            for q in range(out_w):
                for f in range(filters):
                    g = grad_y[b, a, q, f] if y[b, a, q, f] > 0 else 0  # ReLU's slope
                    bias_grads[b, f] += g
                    for k in range(4):
                        grad_z[k, f] = g if where[b, a, q, f] == k else 0
                for t in range(len(taps)):
                    v0, v1, v2, v3 = _window(x, b, 2 * a, 2 * q, taps[t])
                    for f in range(filters):
                        kernel_grads[b, t, f] += (v0 * grad_z[0, f] + v1 * grad_z[1, f]
                                                  + v2 * grad_z[2, f] + v3 * grad_z[3, f])


def conv_relu_pool_backward(x, grad_y, y, where, kernel_shape, kernel_grads, bias_grads):
    """The gradients of ``conv_relu_pool`` image by image, from dL/dy (N, Ho, Wo, F) and
    the y and where it wrote, for a kernel of shape (kh, kw, C, F): kernel_grads
    (N, kh kw C, F) and bias_grads (N, F) are written; their sums over the batch are
    dL/dkernel and dL/dbias."""
    _conv_relu_pool_backward(x, grad_y, y, where, _taps(kernel_shape), kernel_grads,
                             bias_grads)
