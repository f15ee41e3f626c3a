"""``export_onnx(model, path)``: a numpynn model (Sequential, functional, models nested in
it) as an ONNX graph (opset 17).

The graph takes ``input`` (batch, ...) in the model's dtype, channels last as the model does,
and gives ``output``; a model with several inputs or outputs names them after its input
layers and ``output_names``. The batch size is free. The model's layer calls are converted
in order, nested models' calls in place of theirs, each call's outputs kept as one tensor
record; layers map through :data:`numpynn.interop.onnx_layers.CONVERTERS`, those called on
lists through :data:`numpynn.interop.onnx_merging.MERGE_CONVERTERS`. A BatchNormalization
right after a Dense or a convolution without activation, whose output nothing else uses,
is folded into its kernel and bias (its statistics are constants at inference):

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
from numpynn.interop.onnx_merging import MERGE_CONVERTERS
from numpynn.models.weights import ModelWeights
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


class _Call:
    """One leaf layer call of the flattened graph: its input and output tensor keys."""

    def __init__(self, layer, inputs, outputs, as_list):
        self.layer, self.inputs, self.outputs, self.as_list = layer, inputs, outputs, as_list


def _calls(model, keys, prefix=()):
    """The leaf layer calls of ``model`` in order, a nested model's calls in place of its
    own. ``keys`` maps ``id(tensor)`` to the tensor's key (``prefix + (id,)``, unique per
    call of a nested model) and is extended with every output."""
    calls = []
    for node in model.graph_nodes:
        inputs = [keys[id(t)] for t in node.inputs]
        if isinstance(node.layer, ModelWeights):
            inner = node.layer
            inner_keys = {id(t): key for t, key in zip(inner.inputs, inputs)}
            calls += _calls(inner, inner_keys, prefix + (id(node),))
            keys.update({id(t): inner_keys[id(o)] for t, o in zip(node.outputs, inner.outputs)})
        else:
            outputs = [prefix + (id(t),) for t in node.outputs]
            keys.update({id(t): key for t, key in zip(node.outputs, outputs)})
            calls.append(_Call(node.layer, inputs, outputs, node.as_list))
    return calls


def _fold_pairs(calls, output_keys):
    """``{id(producer call): its BatchNormalization call}`` for the pairs that fold: the
    producer's output goes to the BatchNormalization only."""
    uses = {}
    for call in calls:
        for key in call.inputs:
            uses[key] = uses.get(key, 0) + 1
    for key in output_keys:
        uses[key] = uses.get(key, 0) + 1
    producers = {call.outputs[0]: call for call in calls if len(call.outputs) == 1}
    pairs = {}
    for call in calls:
        producer = producers.get(call.inputs[0]) if len(call.inputs) == 1 else None
        if producer is not None and uses[call.inputs[0]] == 1 \
                and _foldable(producer.layer, call.layer):
            pairs[id(producer)] = call
    return pairs


def _converter(call):
    table = MERGE_CONVERTERS if call.as_list else CONVERTERS
    convert = table.get(type(call.layer))
    if convert is None:
        known = sorted(c.__name__ for c in (*CONVERTERS, *MERGE_CONVERTERS))
        raise ValueError(f"layer {call.layer.name!r} ({type(call.layer).__name__}) has no "
                         f"ONNX form in numpynn; exportable layers: {', '.join(known)}.")
    return convert


def _names(names, single):
    """``[single]`` for one input or output, the model's names for several."""
    return [single] if len(names) == 1 else list(names)


def to_onnx(model, opset=OPSET):
    """The ``onnx.ModelProto`` of a built model, checked."""
    if opset < OPSET:
        raise ValueError(f"opset must be >= {OPSET} (LayerNormalization, Softmax on any "
                         f"axis), got {opset}.")
    model.count_params()  # builds it, or says why it cannot be
    g = GraphBuilder(model.dtype.name)
    input_names = _names(model.input_names, "input")
    output_names = _names(model.output_names, "output")
    g.reserve(input_names + output_names)
    keys = {id(t): (id(t),) for t in model.inputs}
    records = {keys[id(t)]: g.add_input(name, t.shape)
               for t, name in zip(model.inputs, input_names)}
    calls = _calls(model, keys)
    outputs = [keys[id(t)] for t in model.outputs]
    folds, folded = _fold_pairs(calls, outputs), set()
    for call in calls:
        if id(call) in folded:
            records[call.outputs[0]] = records[call.inputs[0]]
            continue
        weights = dict(call.layer.params)
        if id(call) in folds:
            weights = _fold(call.layer, folds[id(call)].layer)
            folded.add(id(folds[id(call)]))
        weights = {k: np.asarray(v, model.dtype) for k, v in weights.items()}
        if call.as_list:
            _converter(call)(g, call.layer, [records[k] for k in call.inputs])
        else:
            g.use(records[call.inputs[0]])
            _converter(call)(g, call.layer, weights)
        records[call.outputs[0]] = g.record()
    proto = g.model(model.name, opset, [(name, records[key])
                                        for name, key in zip(output_names, outputs)])
    g.onnx.checker.check_model(proto, full_check=True)
    return proto


def export_onnx(model, filepath, opset=OPSET, overwrite=True):
    """Write ``model`` as an ONNX file, atomically."""
    data = to_onnx(model, opset).SerializeToString()
    with atomic_write(os.fspath(filepath), overwrite) as f:
        f.write(data)
