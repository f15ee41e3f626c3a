"""``export_onnx(model, path)``: a numpynn Sequential model as an ONNX graph (opset 17).

The graph takes ``input`` (batch, ...) in the model's dtype, channels last as the model does,
and gives ``output``; the batch size is free. Layers map through
:data:`numpynn.interop.onnx_layers.CONVERTERS`. A BatchNormalization right after a Dense or
a convolution without activation is folded into its kernel and bias (its statistics are
constants at inference):

    a = gamma / sqrt(moving_variance + epsilon),  kernel' = kernel a (per output channel),
    bias' = (bias - moving_mean) a + beta

Elsewhere it becomes ONNX's BatchNormalization. The file is checked with ``onnx.checker``
before it is written (atomically).
"""
import os

import numpy as np

from numpynn import activations, layers as L
from numpynn.interop.onnx_graph import GraphBuilder
from numpynn.interop.onnx_layers import CONVERTERS
from numpynn.saving.atomic import atomic_write

#: the opset written: the first with LayerNormalization
OPSET = 17
#: layers a following BatchNormalization folds into: the kernel's output-channel axis
FOLDS_INTO = {L.Dense: ("kernel", -1), L.Conv1D: ("kernel", -1), L.Conv2D: ("kernel", -1),
              L.SeparableConv2D: ("pointwise_kernel", -1),
              L.Conv2DTranspose: ("kernel", -2), L.DepthwiseConv2D: ("kernel", None)}


def _foldable(layer, following):
    return (type(layer) in FOLDS_INTO and isinstance(following, L.BatchNormalization)
            and isinstance(layer.activation, activations.Linear)
            and following.axis % len(following.input_shape) == len(following.input_shape) - 1)


def _fold(layer, norm):
    """``layer``'s arrays (float64) with the BatchNormalization ``norm`` folded in."""
    weights = {name: np.asarray(value, np.float64) for name, value in layer.params.items()}
    stats = {name: np.asarray(value, np.float64) for name, value in norm.params.items()}
    channels = len(stats["moving_mean"])
    scale = stats.get("gamma", np.ones(channels)) / np.sqrt(stats["moving_variance"]
                                                            + norm.epsilon)
    shift = stats.get("beta", np.zeros(channels)) - stats["moving_mean"] * scale
    name, axis = FOLDS_INTO[type(layer)]
    kernel = weights[name]
    if axis is None:  # depthwise: output channel c M + m is kernel[..., c, m]
        weights[name] = kernel * scale.reshape(kernel.shape[2:])
    else:
        weights[name] = np.moveaxis(np.moveaxis(kernel, axis, -1) * scale, -1, axis)
    weights["bias"] = weights.get("bias", np.zeros(channels)) * scale + shift
    return weights


def _steps(model):
    """``[(layer, its arrays)]`` to convert, BatchNormalizations folded where possible."""
    steps, skip = [], False
    for layer, following in zip(model.layers, model.layers[1:] + [None]):
        if skip:
            skip = False
            continue
        if _foldable(layer, following):
            steps.append((layer, _fold(layer, following)))
            skip = True
        else:
            steps.append((layer, dict(layer.params)))
    return steps


def to_onnx(model, opset=OPSET):
    """The ``onnx.ModelProto`` of a built Sequential ``model``, checked."""
    if type(model).__name__ != "Sequential":
        raise ValueError(f"model {model.name!r} is a {type(model).__name__}; ONNX export "
                         "covers Sequential models.")
    if opset < OPSET:
        raise ValueError(f"opset must be >= {OPSET} (LayerNormalization, Softmax on any "
                         f"axis), got {opset}.")
    model.count_params()  # builds it, or says why it cannot be
    g = GraphBuilder(model.dtype.name, model.input_shape)
    for layer, weights in _steps(model):
        convert = CONVERTERS.get(type(layer))
        if convert is None:
            raise ValueError(f"layer {layer.name!r} ({type(layer).__name__}) has no ONNX form "
                             f"in numpynn; exportable layers: "
                             f"{', '.join(sorted(c.__name__ for c in CONVERTERS))}.")
        convert(g, layer, {k: np.asarray(v, model.dtype) for k, v in weights.items()})
    proto = g.model(model.name, opset)
    g.onnx.checker.check_model(proto, full_check=True)
    return proto


def export_onnx(model, filepath, opset=OPSET, overwrite=True):
    """Write ``model`` as an ONNX file, atomically."""
    data = to_onnx(model, opset).SerializeToString()
    with atomic_write(os.fspath(filepath), overwrite) as f:
        f.write(data)
