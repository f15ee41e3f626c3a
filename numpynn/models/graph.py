"""A model's graph: the layer calls between its inputs and its outputs, found by walking back.

``topological_nodes`` lists the nodes that compute the outputs from the inputs, each after
the nodes it takes tensors from (a depth-first walk from the outputs, as micrograd's
``backward`` and Keras' ``Functional`` do). ``ordered_layers`` gives ``model.layers`` in
Keras' order: by distance from the outputs, farthest first, and in order of discovery
within one distance; that order fixes ``get_weights()``'s, so Keras' weights load unchanged.

Inputs and outputs come as one tensor, a list, or a dict (name -> tensor); ``Structure``
remembers which, to give results back in the same form.
"""
from numpynn.layers.node import KerasTensor


class Structure:
    """The form of a model's inputs or outputs: one tensor, a list, or a dict.

    Args:
        value: a KerasTensor, a list/tuple of them, or a dict of them.
        what: ``"inputs"`` or ``"outputs"``, for error messages.
    """

    def __init__(self, value, what):
        if isinstance(value, dict):
            self.kind, self.keys, items = "dict", list(value), list(value.values())
        elif isinstance(value, (list, tuple)):
            self.kind, self.keys, items = "list", None, list(value)
        else:
            self.kind, self.keys, items = "single", None, [value]
        if not items or not all(isinstance(t, KerasTensor) for t in items):
            raise TypeError(f"Model {what} must be symbolic tensors (from Input(...) and layer "
                            f"calls), as one tensor, a list or a dict; got {value!r:.200}.")
        self.tensors = items

    def pack(self, values):
        """``values`` (one per tensor) in this structure."""
        if self.kind == "single":
            return values[0]
        if self.kind == "dict":
            return dict(zip(self.keys, values))
        return list(values)

    def flatten(self, value, names, what):
        """A list of one entry per tensor from ``value`` given as one object, a list/tuple,
        or a dict keyed by ``names`` (the input or output layer names) or by this
        structure's own keys."""
        count = len(self.tensors)
        if isinstance(value, dict):
            keys = self.keys if self.kind == "dict" and all(k in value for k in self.keys) \
                else names
            missing = [k for k in keys if k not in value]
            if missing:
                raise ValueError(f"{what} is a dict without the key(s) {missing}; the model's "
                                 f"{what} are named {keys}.")
            return [value[k] for k in keys]
        if isinstance(value, (list, tuple)) and count > 1:
            if len(value) != count:
                raise ValueError(f"The model has {count} {what} ({', '.join(names)}), but "
                                 f"{len(value)} were given.")
            return list(value)
        if count > 1:
            raise ValueError(f"The model has {count} {what} ({', '.join(names)}): pass a list "
                             f"or a dict of {count} arrays.")
        if isinstance(value, (list, tuple)) and len(value) == 1 and _is_array_like(value[0]):
            return [value[0]]
        return [value]

    def config(self, history):
        """JSON form: each tensor as ``history(tensor)``, in this structure."""
        return self.pack([history(t) for t in self.tensors])


def _is_array_like(value):
    return hasattr(value, "shape") and hasattr(value, "dtype")


def topological_nodes(inputs, outputs):
    """The nodes computing ``outputs`` from ``inputs`` (lists of KerasTensors), each after
    the nodes whose outputs it takes; input nodes excluded. Raises a ValueError for a tensor
    that does not follow from the inputs."""
    sources = {id(t) for t in inputs}
    order, done, active = [], set(), set()

    def visit(tensor, path):
        node = tensor.node
        if id(tensor) in sources or id(node) in done:
            return
        if node.is_input:
            raise ValueError(f"Graph disconnected: {tensor.name!r} ({tensor.shape}) is needed "
                             f"to compute the outputs{path} but is not among the model's "
                             "inputs. Pass it in Model(inputs=[...]).")
        if id(node) in active:
            raise ValueError(f"The graph has a cycle through layer {node.layer.name!r}.")
        active.add(id(node))
        for t in node.inputs:
            visit(t, f" (through {node.layer.name!r})")
        active.discard(id(node))
        done.add(id(node))
        order.append(node)

    for tensor in outputs:
        visit(tensor, "")
    return order


def node_depths(inputs, nodes):
    """``{node id: depth}`` for ``nodes`` and the input tensors' nodes: the most layer calls
    between the node and an output (a shared layer's nodes are raised to its deepest, as
    Keras does), and ``{layer id: depth}``."""
    members = {id(node) for node in nodes} | {id(t.node) for t in inputs}
    node_depth, layer_depth = {}, {}
    for node in reversed(nodes):  # every node before the nodes it takes tensors from
        depth = max(node_depth.get(id(node), 0), layer_depth.get(id(node.layer), 0))
        node_depth[id(node)] = layer_depth[id(node.layer)] = depth
        for t in node.inputs:
            if id(t.node) in members:
                node_depth[id(t.node)] = max(node_depth.get(id(t.node), 0), depth + 1)
    for t in inputs:
        node_depth.setdefault(id(t.node), 0)  # an input no output depends on
        layer_depth.setdefault(id(t.node.layer), node_depth[id(t.node)])
    return node_depth, layer_depth


def ordered_layers(inputs, outputs, nodes):
    """Keras' ``Functional.layers``: the layers of the input tensors and of ``nodes``, by
    depth (the most layer calls away from an output first), in order of discovery from the
    outputs among equal depths."""
    discovered = {}  # layer id -> when a walk from the outputs first met it
    walked = set()
    input_ids = {id(t) for t in inputs}

    def discover(tensor):
        if id(tensor.node) in walked:
            return
        walked.add(id(tensor.node))
        discovered.setdefault(id(tensor.node.layer), len(discovered))
        if id(tensor) not in input_ids:
            for t in tensor.node.inputs:
                discover(t)

    for tensor in outputs:
        discover(tensor)
    _, layer_depth = node_depths(inputs, nodes)
    layers = {id(node.layer): node.layer for node in [t.node for t in inputs] + nodes}
    return sorted(layers.values(), key=lambda layer: (-layer_depth[id(layer)],
                                                      discovered.get(id(layer), -1)))
