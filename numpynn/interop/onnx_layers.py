"""numpynn's layers as ONNX operators (opset 17): the one table :data:`CONVERTERS`.

A converter ``convert(g, layer, weights)`` grows the :class:`GraphBuilder` ``g`` by one
layer, reading its arrays from ``weights`` (the layer's own, or those with a following
BatchNormalization folded in). Kernels go from Keras' layouts to ONNX's:

- Conv: (k..., C_in / groups, F) -> (F, C_in / groups, k...)
- DepthwiseConv2D: (kh, kw, C, M) -> (C M, 1, kh, kw), with group = C (output c M + m)
- Conv2DTranspose: (kh, kw, F, C_in) -> (C_in, F, kh, kw)

"same" padding becomes explicit pads, the extra one at the end as TensorFlow does.
"""
import numpy as np

from numpynn import layers as L
from numpynn.interop.onnx_activations import convert_activation
from numpynn.layers import conv_utils


def _same_pads(layer, lengths):
    """ONNX ``pads`` (all begins, then all ends) of a windowed layer on ``lengths``."""
    kernel = getattr(layer, "kernel_size", None) or layer.pool_size
    dilation = getattr(layer, "dilation_rate", (1,) * len(lengths))
    begins, ends = [], []
    for n, k, s, d in zip(lengths, kernel, layer.strides, dilation):
        span = conv_utils.effective_size(k, d)
        if layer.padding == "causal":
            begins.append(span - 1)
            ends.append(0)
            continue
        total = 0
        if layer.padding == "same":
            out = -(-n // s)
            total = max((out - 1) * s + span - n, 0)
        begins.append(total // 2)
        ends.append(total - total // 2)
    return begins + ends


def _activation(g, layer):
    convert_activation(g, layer.activation, f"layer {layer.name!r}")


def _dense(g, layer, w):
    g.to_channels_last()
    g.apply("MatMul", g.constant(w["kernel"], "kernel"))
    if "bias" in w:
        g.apply("Add", g.constant(w["bias"], "bias"))
    g.shape = layer.output_shape
    _activation(g, layer)


def _conv_weights(kernel):
    """Keras' (k..., C, F) kernel as ONNX's (F, C, k...)."""
    rank = kernel.ndim - 2
    return np.transpose(kernel, (rank + 1, rank) + tuple(range(rank)))


def _conv_node(g, layer, kernel, bias, group=1, pads=None):
    inputs = [g.constant(kernel, "kernel")] + ([g.constant(bias, "bias")] if bias is not None
                                               else [])
    rank = kernel.ndim - 2
    g.apply("Conv", *inputs, kernel_shape=list(kernel.shape[2:]), strides=list(layer.strides),
            dilations=list(layer.dilation_rate), group=group,
            pads=pads if pads is not None else _same_pads(layer, layer.input_shape[1:1 + rank]))


def _conv(g, layer, w):
    g.to_channels_first()
    _conv_node(g, layer, _conv_weights(w["kernel"]), w.get("bias"),
               group=getattr(layer, "groups", 1))
    g.shape = layer.output_shape
    _activation(g, layer)


def _depthwise_weights(kernel):
    kh, kw, channels, multiplier = kernel.shape
    return np.transpose(kernel, (2, 3, 0, 1)).reshape(channels * multiplier, 1, kh, kw)


def _depthwise(g, layer, w):
    g.to_channels_first()
    kernel = w["kernel"]
    _conv_node(g, layer, _depthwise_weights(kernel), w.get("bias"), group=kernel.shape[2])
    g.shape = layer.output_shape
    _activation(g, layer)


def _separable(g, layer, w):
    g.to_channels_first()
    depthwise = w["depthwise_kernel"]
    _conv_node(g, layer, _depthwise_weights(depthwise), None, group=depthwise.shape[2])
    pointwise = _conv_weights(w["pointwise_kernel"])
    inputs = [g.constant(pointwise, "kernel")] + ([g.constant(w["bias"], "bias")]
                                                  if "bias" in w else [])
    g.apply("Conv", *inputs, kernel_shape=[1, 1])
    g.shape = layer.output_shape
    _activation(g, layer)


def _conv_transpose(g, layer, w):
    """Full transposed convolution, then cropped as numpynn crops it (``pads``), or
    widened with ``output_padding`` where the output is longer than the windows reach."""
    g.to_channels_first()
    (height, width) = layer.input_shape[1:3]
    out_size, starts, _ = layer._transpose_geometry(height, width)
    begins, ends, extra = [], [], []
    for n, out, start, k, s, d in zip((height, width), out_size, starts, layer.kernel_size,
                                      layer.strides, layer.dilation_rate):
        reach = (n - 1) * s + conv_utils.effective_size(k, d)
        end = reach - start - out
        begins.append(start)
        ends.append(max(end, 0))
        extra.append(max(-end, 0))
    kernel = np.transpose(w["kernel"], (3, 2, 0, 1))
    inputs = [g.constant(kernel, "kernel")] + ([g.constant(w["bias"], "bias")] if "bias" in w
                                               else [])
    g.apply("ConvTranspose", *inputs, kernel_shape=list(layer.kernel_size),
            strides=list(layer.strides), dilations=list(layer.dilation_rate),
            pads=begins + ends, output_padding=extra)
    g.shape = layer.output_shape
    _activation(g, layer)


def _pooling(op_type):
    def convert(g, layer, w):
        g.to_channels_first()
        rank = len(layer.pool_size)
        attributes = {"count_include_pad": 0} if op_type == "AveragePool" else {}
        g.apply(op_type, kernel_shape=list(layer.pool_size), strides=list(layer.strides),
                pads=_same_pads(layer, layer.input_shape[1:1 + rank]), **attributes)
        g.shape = layer.output_shape
    return convert


def _global_pooling(op_type):
    def convert(g, layer, w):
        rank = len(g.shape)
        axes = list(range(2, rank)) if g.channels_first else list(range(1, rank - 1))
        g.apply(op_type, axes=axes, keepdims=int(layer.keepdims))
        if not layer.keepdims:
            g.channels_first = False  # (N, C): one layout
        g.shape = layer.output_shape
    return convert


def _zero_padding(g, layer, w):
    (top, bottom), (left, right) = layer.padding
    if g.channels_first:
        pads = [0, 0, top, left, 0, 0, bottom, right]
    else:
        pads = [0, top, left, 0, 0, bottom, right, 0]
    g.apply("Pad", g.ints(pads), mode="constant")
    g.shape = layer.output_shape


def _flatten(g, layer, w):
    g.to_channels_last()  # Keras flattens (H, W, C) in C order
    g.apply("Flatten", axis=1)
    g.shape = layer.output_shape


def _reshape(g, layer, w):
    g.to_channels_last()
    g.apply("Reshape", g.ints([0] + [int(n) for n in layer.output_shape[1:]]))
    g.shape = layer.output_shape


def _permute(g, layer, w):
    g.to_channels_last()
    g.apply("Transpose", perm=[0] + [int(d) for d in layer.dims])
    g.shape = layer.output_shape


def _repeat_vector(g, layer, w):
    g.apply("Unsqueeze", g.ints([1]))
    g.apply("Tile", g.ints([1, layer.n, 1]))
    g.shape = layer.output_shape


def _batch_normalization(g, layer, w):
    """As ONNX's BatchNormalization on the channel axis (1 when channels first)."""
    rank = len(g.shape)
    if layer.axis % rank != rank - 1:
        raise ValueError(f"layer {layer.name!r}: BatchNormalization over axis {layer.axis} "
                         "has no ONNX form in numpynn (only the channel axis, -1).")
    if rank >= 3:
        g.to_channels_first()
    channels = g.shape[-1]
    gamma = w.get("gamma", np.ones(channels))
    beta = w.get("beta", np.zeros(channels))
    g.apply("BatchNormalization", g.constant(gamma), g.constant(beta),
            g.constant(w["moving_mean"]), g.constant(w["moving_variance"]),
            epsilon=float(layer.epsilon))


def _layer_normalization(g, layer, w):
    rank = len(g.shape)
    axes = sorted(a % rank for a in (layer.axis if isinstance(layer.axis, list)
                                     else [layer.axis]))
    if axes != list(range(axes[0], rank)) or layer.rms_scaling:
        raise ValueError(f"layer {layer.name!r}: LayerNormalization over axes {layer.axis}"
                         f"{' with rms_scaling' if layer.rms_scaling else ''} has no ONNX form "
                         "in numpynn (only trailing axes).")
    g.to_channels_last()
    shape = g.shape[axes[0]:]
    gamma = w.get("gamma", np.ones(shape))
    inputs = [g.constant(gamma)] + ([g.constant(w["beta"])] if "beta" in w else [])
    g.apply("LayerNormalization", *inputs, axis=axes[0], epsilon=float(layer.epsilon))


def _prelu(g, layer, w):
    g.to_channels_last()
    g.apply("PRelu", g.constant(w["alpha"], "alpha"))


def _activation_layer(g, layer, w):
    _activation(g, layer)


def _identity(g, layer, w):
    """Dropout and noise layers: identities at inference."""


CONVERTERS = {
    L.Dense: _dense,
    L.Conv1D: _conv, L.Conv2D: _conv,
    L.DepthwiseConv2D: _depthwise,
    L.SeparableConv2D: _separable,
    L.Conv2DTranspose: _conv_transpose,
    L.MaxPooling1D: _pooling("MaxPool"), L.MaxPooling2D: _pooling("MaxPool"),
    L.AveragePooling1D: _pooling("AveragePool"), L.AveragePooling2D: _pooling("AveragePool"),
    L.GlobalMaxPooling1D: _global_pooling("ReduceMax"),
    L.GlobalMaxPooling2D: _global_pooling("ReduceMax"),
    L.GlobalAveragePooling1D: _global_pooling("ReduceMean"),
    L.GlobalAveragePooling2D: _global_pooling("ReduceMean"),
    L.ZeroPadding2D: _zero_padding,
    L.Flatten: _flatten, L.Reshape: _reshape, L.Permute: _permute,
    L.RepeatVector: _repeat_vector,
    L.BatchNormalization: _batch_normalization,
    L.LayerNormalization: _layer_normalization,
    L.PReLU: _prelu,
    L.Activation: _activation_layer, L.ReLU: _activation_layer, L.LeakyReLU: _activation_layer,
    L.ELU: _activation_layer, L.Softmax: _activation_layer,
    L.ThresholdedReLU: _activation_layer,
    **{cls: _identity for cls in (L.Dropout, L.SpatialDropout2D, L.GaussianNoise,
                                  L.GaussianDropout, L.AlphaDropout, L.ActivityRegularization,
                                  L.Identity)},
}
