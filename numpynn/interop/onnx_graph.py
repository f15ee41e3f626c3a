"""``GraphBuilder``: an ONNX graph grown one layer at a time with ``onnx.helper``.

Each tensor of the model is a :class:`TensorRecord`: its ONNX name, its layout and its shape
as numpynn sees it. A converter works on the builder's current tensor (``x``,
``channels_first``, ``shape``): ``use(record)`` makes a record current, ``record()`` gives
the current one back, so a graph is converted one layer call at a time.

numpynn (as Keras) keeps channels last, (N, H, W, C); ONNX's Conv, pooling and
BatchNormalization want channels first, (N, C, H, W). The builder follows the layout of
the current tensor and inserts a Transpose only where the next operation needs the other
one, so a run of convolutions and poolings stays channels first and one Transpose brings
the result back before a Flatten, a Dense or the output.
"""
from collections import namedtuple

import numpy as np

#: the ONNX IR version written: the one that came with opset 17, read by runtimes since 2022
IR_VERSION = 8
#: ONNX element types of the float dtypes numpynn computes in
_ELEMENT_TYPES = {"float32": "FLOAT", "float64": "DOUBLE"}


#: one tensor of the graph: its ONNX name, whether it is laid out channels first, and its
#: shape channels last (batch axis ``None``)
TensorRecord = namedtuple("TensorRecord", "name channels_first shape")


def onnx():
    """The onnx module, or an ImportError saying how to install it."""
    try:
        import onnx as module
    except ImportError as err:
        raise ImportError("Exporting to ONNX needs the onnx package: pip install "
                          "numpynn[onnx]") from err
    return module


class GraphBuilder:
    """Nodes and initializers of one graph, and the current tensor.

    Args:
        dtype: the model's float dtype (``"float32"`` or ``"float64"``).

    Attributes:
        x: name of the current tensor.
        channels_first: whether ``x`` is laid out channels first (only for rank >= 3).
        shape: the current tensor's shape as numpynn sees it (channels last).
    """

    def __init__(self, dtype):
        self.onnx = onnx()
        self.dtype = np.dtype(dtype)
        self.element_type = getattr(self.onnx.TensorProto, _ELEMENT_TYPES[self.dtype.name])
        self.nodes, self.initializers, self.inputs, self._count = [], [], [], 0
        self._reserved = set()
        self.x, self.channels_first, self.shape = None, False, None

    def reserve(self, names):
        """Keep ``names`` (the graph's inputs and outputs) from the generated ones."""
        self._reserved.update(names)

    def add_input(self, name, shape):
        """A graph input ``name`` (batch, ...) of ``shape``, channels last: its record."""
        self.reserve([name])
        self.inputs.append(self._value_info(name, shape))
        return TensorRecord(name, False, tuple(shape))

    def use(self, record):
        """Make ``record`` the current tensor."""
        self.x, self.channels_first, self.shape = record

    def record(self):
        """The current tensor's record."""
        return TensorRecord(self.x, self.channels_first, self.shape)

    def _value_info(self, name, shape):
        dims = ["batch"] + [int(n) for n in shape[1:]]
        return self.onnx.helper.make_tensor_value_info(name, self.element_type, dims)

    def _name(self, prefix):
        self._count += 1
        name = f"{prefix}_{self._count}"
        return name if name not in self._reserved else self._name(prefix)

    # -- graph pieces ----------------------------------------------------------------------
    def constant(self, array, prefix="const", dtype=None):
        """An initializer holding ``array`` (in the model's dtype unless ``dtype``)."""
        array = np.asarray(array, dtype=dtype or self.dtype)
        name = self._name(prefix)
        self.initializers.append(self.onnx.numpy_helper.from_array(array, name))
        return name

    def ints(self, values):
        """An int64 initializer (shapes, axes, pads)."""
        return self.constant(np.asarray(values, dtype=np.int64), "ints", np.int64)

    def op(self, op_type, inputs, **attributes):
        """Add one node; returns its output's name."""
        output = self._name(op_type.lower())
        self.nodes.append(self.onnx.helper.make_node(op_type, list(inputs), [output],
                                                     name=output, **attributes))
        return output

    def apply(self, op_type, *extra_inputs, **attributes):
        """``x = op(x, *extra_inputs)`` on the current tensor."""
        self.x = self.op(op_type, [self.x, *extra_inputs], **attributes)
        return self.x

    # -- layouts ---------------------------------------------------------------------------
    def to_channels_first(self):
        """Make ``x`` (N, C, spatial...) for Conv and pooling."""
        rank = len(self.shape)
        if not self.channels_first and rank >= 3:
            self.apply("Transpose", perm=[0, rank - 1] + list(range(1, rank - 1)))
            self.channels_first = True

    def to_channels_last(self):
        """Make ``x`` (N, spatial..., C), numpynn's layout."""
        rank = len(self.shape)
        if self.channels_first:
            self.apply("Transpose", perm=[0] + list(range(2, rank)) + [1])
            self.channels_first = False

    def axis(self, axis):
        """The axis of the current layout that is numpynn's ``axis``."""
        rank = len(self.shape)
        axis %= rank
        if not self.channels_first or axis == 0:
            return axis
        return 1 if axis == rank - 1 else axis + 1

    # -- the model -------------------------------------------------------------------------
    def model(self, name, opset, outputs):
        """The ``ModelProto`` giving ``outputs``, ``[(name, record)]``, channels last."""
        infos = []
        for output, record in outputs:
            self.use(record)
            self.to_channels_last()
            self.nodes.append(self.onnx.helper.make_node("Identity", [self.x], [output],
                                                         name=output))
            infos.append(self._value_info(output, self.shape))
        graph = self.onnx.helper.make_graph(self.nodes, name, self.inputs, infos,
                                            self.initializers)
        return self.onnx.helper.make_model(
            graph, producer_name="numpynn", ir_version=IR_VERSION,
            opset_imports=[self.onnx.helper.make_opsetid("", opset)])
