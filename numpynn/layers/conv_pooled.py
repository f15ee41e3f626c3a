"""A ``Conv2D`` with ReLU that computes the 2x2 max pooling after it as well, in one pass.

Inside a model's loops a convolution whose ReLU output goes only to a ``MaxPooling2D``
(``numpynn.layers.fusion``) may, on the compiled kernels, return the pooled output itself;
the pooling then passes it on (``MaxPooling2D.passed_on``) and its gradient back. The
pre-activation z (N, Ho, Wo, F), four times the pooled output, and dL/dz are never written
out. Two ways, both for a 2x2 pooling with strides 2 ("valid") after a convolution with
strides and dilation 1:

- ``"direct"``: over at most ``DIRECT_MAX_CHANNELS`` channels (the first layer of an image
  model), sliding dot products straight into each window (``numpynn.kernels.conv_pool``);
  it leaves dL/dx out, so training uses it only where no layer before needs it;
- ``"winograd"``: a 3x3 kernel over more channels, with Winograd's F(2x2, 3x3)
  (``numpynn.kernels.winograd``): 2.25x fewer multiply-adds than im2col's product, and each
  tile's 2x2 output block is one pooling window.

The results equal the layers run one by one to float32 rounding (other sums in other
orders), not bit for bit. ``ENABLED = False`` switches both off.
"""
import numpy as np

from numpynn import kernels, parallel
from numpynn.layers import conv_utils

#: set to False to run the convolution and the pooling one by one
ENABLED = True
#: the direct pass serves convolutions over at most this many channels (grey, RGB, RGBA)
DIRECT_MAX_CHANNELS = 4
#: Winograd's dL/dU = V^T dL/dM sums over every tile of the batch; OpenBLAS runs one such
#: long, thin product on one core, so it is made as this many products over parts of the
#: batch, then summed (1.6 ms against 2.6 ms for W6's second layer)
GRADIENT_PARTS = 8


def method(conv, x, training):
    """``"direct"``, ``"winograd"`` or ``None`` (the layers one by one) for this call."""
    pool = conv.fused_pool
    if not (ENABLED and pool is not None and conv.rank == 2 and kernels.backend() == "numba"
            and pool.pool_size == pool.strides == (2, 2) and pool.padding == "valid"
            and conv._strides_2d == conv._dilation_2d == (1, 1)
            and x.dtype == conv.params["kernel"].dtype):
        return None
    if x.shape[-1] <= DIRECT_MAX_CHANNELS:
        return None if training and conv.input_grad_needed else "direct"
    return "winograd" if conv.kernel_size == (3, 3) else None


def forward(conv, x, how):
    """y = MaxPooling2D(2)(relu(conv(x) + bias)) (N, Ho // 2, Wo // 2, F), computed ``how``;
    what backward needs is kept in ``conv._pooled``."""
    n, height, width, _ = x.shape
    out_size, pads = conv._geometry(height, width)
    padded = conv._padded(x, pads)
    y = conv._buffer("pooled", (n, out_size[0] // 2, out_size[1] // 2, conv.filters), x.dtype)
    where = conv._buffer("where", y.shape, np.uint8)
    kernel = conv.params["kernel"]
    bias = conv.params["bias"] if conv.use_bias else np.zeros(conv.filters, x.dtype)
    if how == "direct":
        from numpynn.kernels import conv_pool
        parallel.run_rows(lambda a, b: conv_pool.conv_relu_pool(padded[a:b], kernel, bias,
                                                                y[a:b], where[a:b]),
                          n, 4 * y[0].size)
        extra = None
    else:
        from numpynn.kernels import winograd
        tiles = y.shape[1] * y.shape[2]  # one 4x4 tile per 2x2 output block
        u = winograd.kernel_transform(kernel)
        v = conv._buffer("winograd_v", (16, n * tiles, x.shape[-1]), x.dtype)
        m = conv._buffer("winograd_m", (16, n * tiles, conv.filters), x.dtype)
        parallel.run_rows(lambda a, b: winograd.input_transform(padded[a:b], *y.shape[1:3], v,
                                                                a * tiles),
                          n, 4 * padded[0].size)
        np.matmul(v, u, out=m)
        parallel.run_rows(lambda a, b: winograd.output_pool(m, bias, y[a:b], where[a:b],
                                                            a * tiles),
                          n, 16 * tiles * conv.filters)
        extra = (u, v, m)
    conv._pooled = (how, padded, pads, y, where, extra)
    conv.fused_pool.passed_on = y
    return y


def backward(conv, grad_y):
    """Write dL/dkernel and dL/dbias from dL/dy; return dL/dx (``"winograd"``, where the
    layer needs it) or None."""
    how, padded, pads, y, where, extra = conv._pooled
    n, kernel = len(y), conv.params["kernel"]
    bias_grads = conv._buffer("bias_grads", (n, conv.filters), grad_y.dtype)
    grad_x = None
    if how == "direct":
        from numpynn.kernels import conv_pool
        kernel_grads = conv._buffer("kernel_grads", (n, kernel[..., 0].size, conv.filters),
                                    grad_y.dtype)
        parallel.run_rows(lambda a, b: conv_pool.conv_relu_pool_backward(
            padded[a:b], grad_y[a:b], y[a:b], where[a:b], kernel.shape,
            kernel_grads[a:b], bias_grads[a:b]), n, 4 * y[0].size)
        np.sum(kernel_grads, axis=0, out=conv.grads["kernel"].reshape(kernel_grads.shape[1:]))
    else:
        from numpynn.kernels import winograd
        u, v, grad_m = extra  # dL/dM takes M's place
        tiles = y.shape[1] * y.shape[2]
        parallel.run_rows(lambda a, b: winograd.pool_backward(
            grad_y[a:b], y[a:b], where[a:b], grad_m, bias_grads[a:b], a * tiles),
            n, 16 * tiles * conv.filters)
        conv.grads["kernel"][...] = winograd.kernel_gradient(_grad_u(conv, v, grad_m))
        if conv.input_grad_needed:
            grad_v = np.matmul(grad_m, u.transpose(0, 2, 1), out=v)  # V is spent
            grad_padded = conv._buffer("grad_padded", padded.shape, grad_y.dtype)
            parallel.run_rows(lambda a, b: winograd.input_backward(
                grad_v, *y.shape[1:3], grad_padded[a:b], a * tiles), n, 4 * padded[0].size)
            grad_x = conv_utils.unpad(grad_padded, pads)
    if conv.use_bias:
        np.sum(bias_grads, axis=0, out=conv.grads["bias"])
    return grad_x


def _grad_u(conv, v, grad_m):
    """dL/dU[xi] = V[xi]^T dL/dM[xi] (16, C, F), as ``GRADIENT_PARTS`` products summed."""
    parts = GRADIENT_PARTS if v.shape[1] % GRADIENT_PARTS == 0 else 1
    rows = v.shape[1] // parts
    products = conv._buffer("grad_u_parts", (16, parts, v.shape[2], grad_m.shape[2]),
                            v.dtype)
    np.matmul(v.reshape(16, parts, rows, -1).transpose(0, 1, 3, 2),
              grad_m.reshape(16, parts, rows, -1), out=products)
    return products.sum(axis=1)
