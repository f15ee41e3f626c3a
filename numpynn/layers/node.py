"""Symbolic tensors and nodes: how calling layers on ``Input``s records a graph.

``keras.Input(shape)`` returns a :class:`KerasTensor`, a placeholder with a shape (batch axis
``None``) and a dtype but no values. Calling a layer on KerasTensors builds the layer for
their shapes and records a :class:`Node`, one call of the layer::

    x = Input(shape=(4,))          # node 0 of an InputLayer
    h = Dense(3)(x)                # node 0 of the Dense: inputs [x], outputs [h]
    y = dense_2(h); z = dense_2(x) # a shared layer: two nodes, one set of weights

Each tensor remembers the node that made it (``tensor.node``) and its position among that
node's outputs (``tensor.index``), so a model finds its graph by walking back from its
outputs (a tensor may feed layers of several models; a model's plan of steps knows which
of its own steps consume each output).
"""
import numpy as np


class KerasTensor:
    """A symbolic tensor: ``shape`` (batch axis ``None``), ``dtype``, and the node that made it.

    Args:
        shape: the full shape, batch axis first.
        dtype: its float type name.
        node: the :class:`Node` whose output it is (set by the node).
        index: its position among the node's outputs.
    """

    def __init__(self, shape, dtype, node=None, index=0):
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype).name
        self.node, self.index = node, index

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def name(self):
        """``"<layer name>"`` of the layer call that made it."""
        return self.node.layer.name if self.node is not None else "keras_tensor"

    def __repr__(self):
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"


class Node:
    """One call of ``layer``: its input tensors and its output tensors.

    Args:
        layer: the layer called.
        inputs: the KerasTensors it was called on (a list, possibly empty for an Input).
        output_shapes: one shape, or a list of shapes for a layer with several outputs.
        as_list: whether the layer was called with a list (merge layers) rather than with
            one tensor.
    """

    def __init__(self, layer, inputs, output_shapes, as_list=False):
        self.layer = layer
        self.inputs = list(inputs)
        self.as_list = as_list
        several = isinstance(output_shapes, list)
        shapes = output_shapes if several else [output_shapes]
        self.outputs = [KerasTensor(shape, layer.dtype, self, i) for i, shape in enumerate(shapes)]
        self.several_outputs = several
        self.index = len(layer.inbound_nodes)  # the n-th call of this layer
        layer.inbound_nodes.append(self)

    @property
    def is_input(self):
        return not self.inputs

    @property
    def output(self):
        """The output tensor(s): one tensor, or a list for a layer with several outputs."""
        return self.outputs if self.several_outputs else self.outputs[0]

    def __repr__(self):
        return f"<Node {self.layer.name}[{self.index}]>"


def is_symbolic(inputs):
    """Whether ``inputs`` (a tensor, array, or list of them) holds KerasTensors."""
    if isinstance(inputs, (list, tuple)):
        return any(isinstance(x, KerasTensor) for x in inputs)
    return isinstance(inputs, KerasTensor)


def symbolic_call(layer, inputs):
    """Build ``layer`` for the shapes of ``inputs`` and record the call as a Node; returns
    the output KerasTensor (or a list of them for a layer with several outputs)."""
    as_list = isinstance(inputs, (list, tuple))
    tensors = list(inputs) if as_list else [inputs]
    if not all(isinstance(t, KerasTensor) for t in tensors):
        raise TypeError(f"Layer {layer.name!r} was called on a mix of symbolic tensors and "
                        f"arrays: {tensors!r:.200}. Call it on Input(...) tensors (or layer "
                        "outputs) only, or on arrays only.")
    shapes = [t.shape for t in tensors] if as_list else tensors[0].shape
    output_shapes = layer.build_for(shapes)
    return Node(layer, tensors, output_shapes, as_list).output
