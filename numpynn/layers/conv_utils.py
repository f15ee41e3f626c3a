"""Convolution arithmetic shared by the sliding-window layers (channels_last, NHWC).

One spatial axis of length L, kernel size k, stride s, dilation d; the kernel spans
k_eff = d (k - 1) + 1 input positions:

- ``"valid"``: no padding, L_out = floor((L - k_eff) / s) + 1;
- ``"same"``: L_out = ceil(L / s), padded by max((L_out - 1) s + k_eff - L, 0) in total,
  half before and the odd one after (bottom/right), as TensorFlow does;
- ``"causal"`` (1-D only): L_out = ceil(L / s), all the padding d (k - 1) before.

``im2col`` lays every output pixel's receptive field out as one row, so that a convolution
(a sliding dot product) becomes one matrix product; ``col2im`` is its adjoint and sends
each row back onto the pixels it was read from, adding where windows overlap.
"""
import numpy as np

PADDINGS = ("valid", "same", "causal")


def normalize_tuple(value, rank, name, allow_zero=False):
    """``value`` (an int or ``rank`` ints) as a tuple of ``rank`` positive ints."""
    def is_int(v):
        return isinstance(v, (int, np.integer)) and not isinstance(v, bool)

    values = ((value,) * rank if is_int(value)
              else tuple(value) if isinstance(value, (tuple, list)) else ())
    smallest = 0 if allow_zero else 1
    if len(values) != rank or not all(is_int(v) for v in values) or min(values) < smallest:
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(f"`{name}` must be a {kind} integer or a tuple of {rank} {kind} "
                         f"integers, got {name}={value!r}.")
    return tuple(int(v) for v in values)


def normalize_padding(padding, allow_causal=False):
    """``padding`` in lower case, checked against ``"valid"``/``"same"`` (and ``"causal"``)."""
    allowed = PADDINGS if allow_causal else PADDINGS[:2]
    if not isinstance(padding, str) or padding.lower() not in allowed:
        raise ValueError(f"`padding` must be one of {', '.join(map(repr, allowed))}, "
                         f"got padding={padding!r}.")
    return padding.lower()


def check_data_format(data_format):
    """Only ``channels_last`` (NHWC) is implemented; ``None`` means it."""
    if data_format not in (None, "channels_last"):
        raise ValueError(f"data_format={data_format!r} is not supported: numpynn's convolutions "
                         f"are channels_last only. Transpose your inputs to (batch, height, "
                         f"width, channels) and pass data_format=None or 'channels_last'.")
    return "channels_last"


def effective_size(kernel, dilation):
    """Input positions one dilated kernel spans: d (k - 1) + 1."""
    return dilation * (kernel - 1) + 1


def output_length(length, kernel, stride, padding, dilation):
    """Keras' output length of one spatial axis (``None`` stays ``None``)."""
    if length is None:
        return None
    if padding == "valid":
        return (length - effective_size(kernel, dilation)) // stride + 1
    return (length - 1) // stride + 1


def padding_amounts(length, kernel, stride, padding, dilation):
    """(before, after) zeros added to one spatial axis of length ``length``."""
    if padding == "valid":
        return 0, 0
    span = effective_size(kernel, dilation)
    if padding == "causal":
        return span - 1, 0
    out = output_length(length, kernel, stride, padding, dilation)
    total = max((out - 1) * stride + span - length, 0)
    return total // 2, total - total // 2


def transpose_output_length(length, kernel, stride, padding, output_padding, dilation):
    """Keras' output length of a transposed convolution (``output_padding`` may be None):
    valid: (L - 1) s + k_eff + output_padding, where None means max(s - k_eff, 0);
    same: L s, or (L - 1) s + k_eff mod 2 + output_padding when it is given."""
    if length is None:
        return None
    span = effective_size(kernel, dilation)
    if padding == "valid":
        extra = max(stride - span, 0) if output_padding is None else output_padding
        return (length - 1) * stride + span + extra
    if output_padding is None:
        return length * stride
    return (length - 1) * stride + span % 2 + output_padding


def transpose_padding_before(length, out_length, kernel, stride, padding, dilation):
    """Zeros before the output of a transposed convolution: the padding that the forward
    convolution from ``out_length`` down to ``length`` would use (TF's rule)."""
    if padding == "valid":
        return 0
    total = (length - 1) * stride + effective_size(kernel, dilation) - out_length
    return max(total, 0) // 2


def pad_into(x, pads, out):
    """Copy ``x`` (N, H, W, C) into ``out`` (N, H + top + bottom, W + left + right, C) with
    zero borders; ``pads`` is ((top, bottom), (left, right)). Returns ``out``."""
    (top, bottom), (left, right) = pads
    height, width = x.shape[1:3]
    out[:, :top] = 0
    out[:, top + height:] = 0
    out[:, top:top + height, :left] = 0
    out[:, top:top + height, left + width:] = 0
    out[:, top:top + height, left:left + width] = x
    return out


def unpad(xp, pads):
    """The view of ``xp`` (N, Hp, Wp, C) inside its ``pads`` ((top, bottom), (left, right)):
    what ``pad_into`` copied in, or, for a gradient, what reaches the unpadded input."""
    (top, bottom), (left, right) = pads
    return xp[:, top:xp.shape[1] - bottom, left:xp.shape[2] - right]


def _window(i, j, out_size, strides, dilation):
    """The slice of a padded image that kernel position (i, j) reads for every output pixel."""
    (out_h, out_w), (sh, sw), (dh, dw) = out_size, strides, dilation
    return (slice(None), slice(i * dh, i * dh + sh * (out_h - 1) + 1, sh),
            slice(j * dw, j * dw + sw * (out_w - 1) + 1, sw))


def im2col(xp, kernel_size, strides, dilation, out_size, cols):
    """Receptive fields as rows: ``cols[n, p, q, i, j, :] = xp[n, p sh + i dh, q sw + j dw, :]``.

    xp: padded images (N, Hp, Wp, C). cols: (N, Ho, Wo, kh, kw, C), written and returned;
    ``cols.reshape(N Ho Wo, kh kw C) @ kernel.reshape(kh kw C, F)`` is the convolution.
    ``sliding_window_view`` shows every window of the image as a strided view without
    copying: (N, Hp - span + 1, Wp - span + 1, C, span_h, span_w); taking every stride-th
    window and every dilation-th pixel inside it, in cols' axis order, leaves one copy to make
    (3x faster than a copy per kernel position at 32 channels). With a single channel that
    copy would move one number at a time, so there it is made per kernel position, each
    copy moving rows of pixels.
    """
    if xp.shape[-1] == 1:
        for i in range(kernel_size[0]):
            for j in range(kernel_size[1]):
                cols[:, :, :, i, j, :] = xp[_window(i, j, out_size, strides, dilation)]
        return cols
    (kh, kw), (sh, sw), (dh, dw) = kernel_size, strides, dilation
    (out_h, out_w), spans = out_size, (effective_size(kh, dh), effective_size(kw, dw))
    windows = np.lib.stride_tricks.sliding_window_view(xp, spans, axis=(1, 2))
    windows = windows[:, :sh * (out_h - 1) + 1:sh, :sw * (out_w - 1) + 1:sw, :, ::dh, ::dw]
    np.copyto(cols, windows.transpose(0, 1, 2, 4, 5, 3))
    return cols


def col2im(cols, kernel_size, strides, dilation, xp):
    """Adjoint of ``im2col``: ``xp`` (N, Hp, Wp, C) is zeroed, then every entry of ``cols``
    (N, Ho, Wo, kh, kw, C) is added onto the pixel it was read from. Returns ``xp``."""
    xp.fill(0)
    out_size = cols.shape[1:3]
    for i in range(kernel_size[0]):
        for j in range(kernel_size[1]):
            window = xp[_window(i, j, out_size, strides, dilation)]
            window += cols[:, :, :, i, j, :]  # in place through the view, no copy back
    return xp
