"""``Conv1D`` and ``Conv2D``: y = activation(conv(x, kernel) + bias), as im2col + one GEMM."""
import numpy as np

from numpynn import constraints, initializers, kernels, regularizers
from numpynn.layers import conv_pooled, layer_arguments
from numpynn.layers.conv_base import BaseConv


#: ``Conv`` forms dL/dkernel image by image when the batch has this many times more rows
#: (output pixels) than the kernel has entries: 86,528 rows against 288 for the first layer
#: of the Fashion-MNIST convnet at batch 128 (per image), 15,488 against 18,432 for its
#: second (one product)
PER_IMAGE_ROWS = 32


class Conv(BaseConv):
    """Convolution over 1 or 2 spatial axes (channels_last): a sliding dot product.

    For each output pixel (p, q) and filter f::

        z[n, p, q, f] = sum_{i, j, c} xp[n, p sh + i dh, q sw + j dw, c] kernel[i, j, c, f]
                        + bias[f]

    with xp the zero-padded input. im2col builds cols (N Ho Wo, kh kw C), one receptive field
    per row, so z = cols @ kernel.reshape(kh kw C, F). Backward, with g = dL/dz (N Ho Wo, F):
    dL/dkernel = cols^T g,  dL/dbias = sum of g over N, Ho, Wo,  dL/dx = col2im(g kernel^T).

    Shapes (rank 2): x (N, H, W, C) -> y (N, Ho, Wo, filters); kernel (kh, kw, C, filters);
    bias (filters,). Rank 1: x (N, L, C), kernel (k, C, filters).

    Args:
        rank: 1 or 2.
        filters: number of output channels.
        kernel_size: an int or ``rank`` ints.
        strides: defaults to `1`.
        padding: ``"valid"`` (default), ``"same"``, or for rank 1 ``"causal"``.
        data_format: `None` or ``"channels_last"`` (``"channels_first"`` is not supported).
        dilation_rate: defaults to `1`; > 1 cannot go with strides > 1.
        groups: only `1` (grouped convolutions are not implemented).
        activation: defaults to `None` (linear).
        use_bias: defaults to `True`.
        kernel_initializer: defaults to `"glorot_uniform"`.
        bias_initializer: defaults to `"zeros"`.
        kernel_regularizer, bias_regularizer: penalties on the weights (e.g. `"l2"`,
            ``L2(1e-4)``); default `None`.
        activity_regularizer: penalty on the output, divided by the batch size; `None`.
        kernel_constraint, bias_constraint: applied after each optimizer step (e.g.
            ``MaxNorm(3, axis=[0, 1, 2])`` for one norm per filter); default `None`.
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, bias_initializer,
                         bias_regularizer=bias_regularizer, bias_constraint=bias_constraint,
                         activity_regularizer=activity_regularizer, allow_causal=rank == 1,
                         **kwargs)
        if not layer_arguments.is_whole(filters) or filters < 1:
            raise ValueError(f"`filters` must be a positive integer, got filters={filters!r}.")
        if groups != 1:
            raise NotImplementedError(f"groups={groups!r}: grouped convolutions are not "
                                      f"implemented; use groups=1.")
        self.filters = int(filters)
        self.groups = 1
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)

    def _output_channels(self, channels):
        return self.filters

    def build(self, input_shape):
        self._check_input_shape(input_shape)
        self.add_weight("kernel", self.kernel_size + (input_shape[-1], self.filters),
                        self.kernel_initializer, regularizer=self.kernel_regularizer,
                        constraint=self.kernel_constraint)
        if self.use_bias:
            self._add_bias(self.filters)

    def forward(self, x, training=False):
        self._x_shape = x.shape
        self._pooled = None
        how = conv_pooled.method(self, x, training)
        if how is not None:  # the max pooling after it as well (numpynn.layers.conv_pooled)
            return conv_pooled.forward(self, x, how)
        kernel = self.params["kernel"].reshape(-1, self.filters)
        dtype = np.promote_types(x.dtype, kernel.dtype)
        # the bias is the weight of an input that is always 1: with a column of ones in cols
        # and the bias as the kernel's last row, z = [cols 1] [kernel; bias] in one product
        # (no pass over z to add it), and backward's [cols 1]^T g holds dL/dbias as well
        # (no pass over g to sum it). Not for a pointwise layer, whose cols are x itself,
        # nor where a max pooling adds the bias (inference in a model's loop, see _finish).
        self._cols = self._unfold(self._images(x), dtype, ones=self.use_bias and not (
            self.activation_deferred and not training))
        self._with_ones = self._cols.shape[1] > len(kernel)
        if self._with_ones:
            weights = self._buffer("weights", (len(kernel) + 1, self.filters), dtype)
            weights[:-1], weights[-1] = kernel, self.params["bias"]
        else:
            weights = kernel
        z = self._buffer("z", (len(self._cols), self.filters), dtype)
        np.matmul(self._cols, weights, out=z)
        return self._spatial_output(self._finish(z, training, bias_added=self._with_ones))

    def backward(self, grad_out):
        if self._pooled is not None:
            return conv_pooled.backward(self, grad_out)
        grad_z = self._grad_z(grad_out, bias_gradient=not self._with_ones)
        kernel = self.params["kernel"].reshape(-1, self.filters)
        if self._with_ones:  # [dL/dkernel; dL/dbias] = [cols 1]^T g
            grads = self._buffer("grad_weights", (len(kernel) + 1, self.filters), grad_z.dtype)
            self._kernel_gradient(grad_z, grads)
            self.grads["kernel"].reshape(kernel.shape)[...] = grads[:-1]
            self.grads["bias"][...] = grads[-1]
        else:
            self._kernel_gradient(grad_z, self.grads["kernel"].reshape(kernel.shape))
        if not self.input_grad_needed:
            return None
        return self._input_grad(self._cols_gradient(grad_z, kernel), self._x_shape)

    def _cols_gradient(self, grad_z, kernel):
        """dL/dcols = g kernel^T (N Ho Wo, kh kw C), as (N, Ho, Wo, kh, kw, C) for ``_fold``.

        NumPy's col2im adds the columns of one kernel position at a time; strided (one run
        of C numbers per output pixel), those adds took 2x longer than the product itself.
        So on the numpy kernels the product is made per kernel position, g kernel[i, j]^T,
        into contiguous blocks (kh kw, N Ho Wo, C), and what ``_fold`` gets is a view of them
        in the order above; the compiled col2im makes one pass either way, after one product.
        """
        shape = (len(self._cols), len(kernel))
        if kernels.backend() != "numpy":
            grad_cols = self._buffer("grad_cols", shape, grad_z.dtype)
            return np.matmul(grad_z, kernel.T, out=grad_cols)
        (n, _, _, _), out_size, _ = self._window_state
        positions, channels = self._kernel_2d[0] * self._kernel_2d[1], shape[1] // (
            self._kernel_2d[0] * self._kernel_2d[1])
        by_position = kernel.reshape(positions, channels, self.filters).transpose(0, 2, 1)
        blocks = self._buffer("grad_blocks", (positions, shape[0], channels), grad_z.dtype)
        np.matmul(grad_z, by_position, out=blocks)
        blocks = blocks.reshape(self._kernel_2d + (n,) + out_size + (channels,))
        return blocks.transpose(2, 3, 4, 0, 1, 5)

    def _kernel_gradient(self, grad_z, out):
        """dL/dkernel = cols^T g into ``out`` (kh kw C, F), or (kh kw C + 1, F) with the
        column of ones.

        A small kernel over many rows (the first layer of an image model: 9 x 32 weights,
        128 x 26 x 26 rows) makes one long, thin product, which OpenBLAS runs on one core at a
        few GFLOP/s; as one product per image, summed, it is the same sum in 4-14x less time
        (``PER_IMAGE_ROWS``)."""
        cols = self._cols
        images = self._window_state[0][0]
        if len(cols) < PER_IMAGE_ROWS * out.size or images < 2:
            np.matmul(cols.T, grad_z, out=out)
            return
        per_image = np.matmul(cols.reshape(images, -1, cols.shape[1]).transpose(0, 2, 1),
                              grad_z.reshape(images, -1, self.filters))
        np.sum(per_image, axis=0, out=out)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "groups": self.groups,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint)}


class Conv1D(Conv):
    """1-D convolution over (batch, steps, channels) -> (batch, new_steps, filters), with
    kernel (kernel_size, channels, filters); ``padding="causal"`` pads d (k - 1) zeros at the
    start only, so output t sees inputs up to t. See ``Conv`` for the formula and arguments.

    Example::

        >>> Conv1D(8, 3, padding="causal")(np.zeros((2, 10, 4))).shape
        (2, 10, 8)
    """

    def __init__(self, filters, kernel_size, **kwargs):
        super().__init__(1, filters, kernel_size, **kwargs)


class Conv2D(Conv):
    """2-D convolution over (batch, height, width, channels) -> (batch, Ho, Wo, filters),
    with kernel (kh, kw, channels, filters). See ``Conv`` for the formula and arguments.

    Example::

        >>> Conv2D(32, 3, activation="relu")(np.zeros((2, 28, 28, 1))).shape
        (2, 26, 26, 32)
    """

    def __init__(self, filters, kernel_size, **kwargs):
        super().__init__(2, filters, kernel_size, **kwargs)
