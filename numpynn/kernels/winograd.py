"""Conv2D (3x3) -> ReLU -> 2x2 MaxPooling with Winograd's minimal filtering F(2x2, 3x3).

A 2x2 block of a 3x3 convolution's output, read from a 4x4 tile d of the input, is

    Y = A^T [ (G g G^T) * (B^T d B) ] A          (* elementwise over the 4x4 = 16 points)

    B^T = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]]
    G   = [[1, 0, 0], [1/2, 1/2, 1/2], [1/2, -1/2, 1/2], [0, 0, 1]]
    A^T = [[1, 1, 1, 0], [0, 1, -1, -1]]

(Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016). Summed over
input channels, the elementwise product becomes 16 matrix products, one per point xi:

    M[xi] = V[xi] @ U[xi],   V[xi] (tiles, C) = (B^T d B)[xi],   U[xi] (C, F) = (G g G^T)[xi]

16 multiply-adds per tile and (in, out) channel pair where im2col's product takes 4 x 9 = 36:
2.25x fewer. The 2x2 output block of a tile is exactly one window of a 2x2 max pooling
(strides 2), so ``output_pool`` pools it at once: z never leaves the cache.

Backward, all transforms are linear, so their adjoints run in reverse: dL/dM = A dY A^T (dY
is dL/dz: the window's dL/dy, times ReLU's slope, at its winning pixel only),
dL/dU[xi] = V[xi]^T dL/dM[xi], dL/dg = G^T dL/dU G, dL/dV[xi] = dL/dM[xi] U[xi]^T, and
dL/dd = B dL/dV B^T added onto each tile's 4x4 pixels (neighbouring tiles overlap by 2).

The products run in NumPy's BLAS; the transforms here, compiled, image by image. Tile t of
image b is row t0 + (b th + ty) tw + tx of V and M, laid out (16, tiles, channels).
Importing this module imports Numba.
"""
import numba
import numpy as np

from numpynn.kernels.compiled import NO_WINNER, beats

_jit = numba.njit(nogil=True, cache=True)

#: the kernel transform G of F(2x2, 3x3)
G = np.array([[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]])


def kernel_transform(kernel):
    """U = G g G^T for each (in, out) channel pair: kernel (3, 3, C, F) -> U (16, C, F)."""
    g = G.astype(kernel.dtype)
    half = np.tensordot(g, kernel, axes=(1, 0))  # (4, 3, C, F)
    return np.tensordot(g, half, axes=(1, 1)).transpose(1, 0, 2, 3).reshape(
        (16,) + kernel.shape[2:])


def kernel_gradient(grad_u):
    """dL/dg = G^T dL/dU G: grad_u (16, C, F) -> (3, 3, C, F)."""
    g = G.astype(grad_u.dtype)
    grad_u = grad_u.reshape((4, 4) + grad_u.shape[1:])
    half = np.tensordot(g, grad_u, axes=(0, 0))  # (3, 4, C, F)
    return np.tensordot(g, half, axes=(0, 1)).transpose(1, 0, 2, 3)


@_jit
def input_transform(x, th, tw, v, t0):
    """V = B^T d B of every 4x4 tile d of x (N, >= 2 th + 2, >= 2 tw + 2, C) at (2 ty,
    2 tx), into v (16, tiles, C)."""
    n, _, _, channels = x.shape
    rows = np.empty((4, 4, channels), v.dtype)  # B^T d
    for b in range(n):
        for ty in range(th):
            for tx in range(tw):
                t, top, left = t0 + (b * th + ty) * tw + tx, 2 * ty, 2 * tx
                for j in range(4):
                    for c in range(channels):
                        d0, d1 = x[b, top, left + j, c], x[b, top + 1, left + j, c]
                        d2, d3 = x[b, top + 2, left + j, c], x[b, top + 3, left + j, c]
                        rows[0, j, c], rows[1, j, c] = d0 - d2, d1 + d2
                        rows[2, j, c], rows[3, j, c] = d2 - d1, d1 - d3
                for i in range(4):
                    for c in range(channels):
                        e0, e1, e2, e3 = rows[i, 0, c], rows[i, 1, c], rows[i, 2, c], rows[i, 3, c]
                        v[4 * i, t, c], v[4 * i + 1, t, c] = e0 - e2, e1 + e2
                        v[4 * i + 2, t, c], v[4 * i + 3, t, c] = e2 - e1, e1 - e3


@_jit
def output_pool(m, bias, y, where, t0):
    """Each tile's 2x2 block z = A^T M A + bias, max-pooled and ReLU'd: y (N, th, tw, F),
    and the first maximum's position (row-major, ``NO_WINNER`` for NaN) in ``where``."""
    n, th, tw, filters = y.shape
    top = np.empty((4, filters), m.dtype)  # A^T M: the block's top row, before A
    bottom = np.empty((4, filters), m.dtype)
    for b in range(n):
        for ty in range(th):
            for tx in range(tw):
                t = t0 + (b * th + ty) * tw + tx
                for j in range(4):
                    for f in range(filters):
                        m0, m1, m2, m3 = m[j, t, f], m[4 + j, t, f], m[8 + j, t, f], m[12 + j, t, f]
                        top[j, f], bottom[j, f] = m0 + m1 + m2, m1 - m2 - m3
                for f in range(filters):
                    best, winner = top[0, f] + top[1, f] + top[2, f], 0
                    z = top[1, f] - top[2, f] - top[3, f]
                    if beats(z, best):  # as max_pool: the first maximum, a NaN wins
                        best, winner = z, 1
                    z = bottom[0, f] + bottom[1, f] + bottom[2, f]
                    if beats(z, best):
                        best, winner = z, 2
                    z = bottom[1, f] - bottom[2, f] - bottom[3, f]
                    if beats(z, best):
                        best, winner = z, 3
                    best += bias[f]  # max(z) + b = max(z + b), exactly
                    y[b, ty, tx, f] = 0 if best < 0 else best
                    where[b, ty, tx, f] = winner if best == best else NO_WINNER


@_jit
def pool_backward(grad_y, y, where, grad_m, bias_grads, t0):
    """dL/dM = A dY A^T of each tile, dY holding the window's dL/dy times ReLU's slope at
    its winner (k = 2 row + column) only: A's columns (1, 1, 1, 0) and (0, 1, -1, -1) picked
    by the winner's row and column. Also each image's dL/dbias in bias_grads (N, F)."""
    n, th, tw, filters = y.shape
    rows = np.empty((4, filters), grad_m.dtype)  # A[:, row of the winner] * g
    columns = np.empty((4, filters), grad_m.dtype)  # A[:, column of the winner]
    for b in range(n):
        bias_grads[b] = 0
        for ty in range(th):
            for tx in range(tw):
                t = t0 + (b * th + ty) * tw + tx
                for f in range(filters):
                    g = grad_y[b, ty, tx, f] * np.float32(y[b, ty, tx, f] > 0)  # ReLU's slope
                    bias_grads[b, f] += g
                    lower = np.float32(where[b, ty, tx, f] >> 1)
                    right = np.float32(where[b, ty, tx, f] & 1)
                    rows[0, f], rows[1, f] = g - g * lower, g
                    rows[2, f], rows[3, f] = g - 2 * g * lower, -g * lower
                    columns[0, f], columns[1, f] = 1 - right, 1
                    columns[2, f], columns[3, f] = 1 - 2 * right, -right
                for i in range(4):
                    for j in range(4):
                        for f in range(filters):
                            grad_m[4 * i + j, t, f] = rows[i, f] * columns[j, f]


@_jit
def input_backward(grad_v, th, tw, grad_x, t0):
    """dL/dx (N, H, W, C), zeroed first: B dL/dV B^T of each tile added onto its 4x4
    pixels at (2 ty, 2 tx)."""
    n, _, _, channels = grad_x.shape
    rows = np.empty((4, 4, channels), grad_v.dtype)  # dL/dV B^T
    for b in range(n):
        grad_x[b] = 0
        for ty in range(th):
            for tx in range(tw):
                t, top, left = t0 + (b * th + ty) * tw + tx, 2 * ty, 2 * tx
                for i in range(4):
                    for c in range(channels):
                        v0, v1 = grad_v[4 * i, t, c], grad_v[4 * i + 1, t, c]
                        v2, v3 = grad_v[4 * i + 2, t, c], grad_v[4 * i + 3, t, c]
                        rows[i, 0, c], rows[i, 1, c] = v0, v1 - v2 + v3
                        rows[i, 2, c], rows[i, 3, c] = v1 + v2 - v0, -v3
                for j in range(4):
                    for c in range(channels):
                        w0, w1, w2, w3 = rows[0, j, c], rows[1, j, c], rows[2, j, c], rows[3, j, c]
                        grad_x[b, top, left + j, c] += w0
                        grad_x[b, top + 1, left + j, c] += w1 - w2 + w3
                        grad_x[b, top + 2, left + j, c] += w1 + w2 - w0
                        grad_x[b, top + 3, left + j, c] -= w3
