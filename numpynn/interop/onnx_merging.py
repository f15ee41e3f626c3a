"""numpynn's layers called on lists of tensors as ONNX operators: the table
:data:`MERGE_CONVERTERS`.

A converter ``convert(g, layer, records)`` takes the :class:`TensorRecord` of each input and
leaves the result as the builder's current tensor, channels last. Element-wise merges align
ranks as numpynn does (size-1 axes inserted after the batch axis) and then broadcast as
ONNX's operators do (as NumPy):

- Add: Sum, Subtract: Sub, Multiply: Mul (one input after another), Average: Mean,
  Maximum: Max, Minimum: Min
- Concatenate: Concat on the layer's axis
- Dot: Einsum with numpynn's subscripts; ``normalize`` divides each input by
  max(|x|, epsilon) along its summed axis first
"""
from numpynn import backend, layers as L


def _channels_last(g, records):
    """Each input's ONNX name, channels last."""
    names = []
    for record in records:
        g.use(record)
        g.to_channels_last()
        names.append(g.x)
    return names


def _aligned(g, records):
    """Each input channels last, with size-1 axes after the batch axis up to the largest
    rank."""
    names = _channels_last(g, records)
    rank = max(len(r.shape) for r in records)
    return [g.op("Unsqueeze", [name, g.ints(list(range(1, 1 + rank - len(r.shape))))])
            if len(r.shape) < rank else name for name, r in zip(names, records)]


def _elementwise(op_type, variadic=True):
    """A merge as ``op_type``, on all inputs at once or (``variadic=False``, ONNX's binary
    Sub and Mul) one input after another."""
    def convert(g, layer, records):
        names = _aligned(g, records)
        if variadic:
            g.x = g.op(op_type, names)
        else:
            g.x = names[0]
            for name in names[1:]:
                g.x = g.op(op_type, [g.x, name])
        g.channels_first, g.shape = False, layer.output_shape
    return convert


def _concatenate(g, layer, records):
    rank = len(records[0].shape)
    g.x = g.op("Concat", _channels_last(g, records), axis=layer.axis % rank)
    g.channels_first, g.shape = False, layer.output_shape


def _unit(g, name, axis):
    """``x / max(|x|, epsilon)`` along ``axis``: numpynn's ``x * min(1 / |x|, 1 / eps)``."""
    norm = g.op("Sqrt", [g.op("ReduceSumSquare", [name], axes=[axis], keepdims=1)])
    return g.op("Div", [name, g.op("Max", [norm, g.constant(backend.epsilon())])])


def _dot(g, layer, records):
    names = _channels_last(g, records)
    ranks = [len(r.shape) for r in records]
    if layer.normalize:
        names = [_unit(g, name, axis) for name, axis in zip(names, layer._axes(ranks))]
    s1, s2, sy = layer._subscripts(ranks)
    g.x = g.op("Einsum", names, equation=f"{s1},{s2}->{sy}")
    if len(sy) == 1:  # only the batch axis left: (batch, 1)
        g.x = g.op("Unsqueeze", [g.x, g.ints([1])])
    g.channels_first, g.shape = False, layer.output_shape


MERGE_CONVERTERS = {
    L.Add: _elementwise("Sum"), L.Subtract: _elementwise("Sub", variadic=False),
    L.Multiply: _elementwise("Mul", variadic=False), L.Average: _elementwise("Mean"),
    L.Maximum: _elementwise("Max"), L.Minimum: _elementwise("Min"),
    L.Concatenate: _concatenate, L.Dot: _dot,
}
