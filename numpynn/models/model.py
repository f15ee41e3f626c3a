"""``Model``: a graph of layer calls from input tensors to output tensors, trained by
backpropagation.

    x = Input(shape=(784,))
    h = Dense(64, activation="relu")(x)
    model = Model(x, Dense(10, activation="softmax")(h))

One training step on a batch (x, y), as the course draws it::

    forward:   run the layer calls in order, each on the outputs of earlier calls
    loss:      L = sum over outputs of weight * loss(y, output)
    backward:  run the calls in reverse, each sending dL/d(its input) back (summed where a
               tensor feeds several calls); each fills dL/dw of its layer's weights
    update:    optimizer.apply(all parameters, all gradients)

A model is a layer: it can be called on tensors inside another model, or added to a
``Sequential``. Its layers' weights then live in the outer model's one buffer (all the
leaf layers' weights, nested at any depth); ``Plan`` runs the inner model's calls as part
of the outer graph. ``Sequential`` is the simplest graph, a chain.
"""
import numpy as np

from numpynn import backend
from numpynn.layers.base import Layer
from numpynn.layers.node import is_symbolic
from numpynn.models import graph
from numpynn.models.penalties import Penalties
from numpynn.models.plan import Plan, apply_flags
from numpynn.models.summary import summary_lines
from numpynn.models.training import Trainer
from numpynn.models.weights import ModelWeights
from numpynn.parameters import ParameterBuffer


class Model(Trainer, ModelWeights, Layer):
    """A graph of layers from ``inputs`` to ``outputs``, with Keras' ``compile`` / ``fit`` /
    ``evaluate`` / ``predict``.

    Args:
        inputs: the ``Input(...)`` tensor(s): one, a list, or a dict.
        outputs: tensors computed from them by calling layers: one, a list, or a dict.
        name: defaults to ``functional``, ``functional_1``...
        trainable: if given, set on the model and every layer in it (see the
            ``trainable`` property); the layers keep their own flags otherwise.

    ``Model(inputs, outputs)`` gives a ``Functional``, as in Keras.
    """

    #: whether the graph is a chain by construction (a Sequential's): summaries then need
    #: no "Connected to" column
    is_chain = False

    def __new__(cls, *args, **kwargs):
        if cls is Model:
            from numpynn.models.functional import Functional
            cls = Functional
        return super().__new__(cls)

    def __init__(self, inputs=None, outputs=None, name=None, trainable=None):
        self.inputs, self.outputs, self.graph_nodes, self._graph_layers = [], [], [], []
        self._trainable = trainable is not False
        Layer.__init__(self, name=name, trainable=self._trainable)
        Trainer.__init__(self)
        self.buffer = None
        self.n_trainable = 0
        #: regularization losses and constraints of the layers (None when there are none).
        self.penalties = None
        self._plan = None
        if inputs is not None:
            self._set_graph(inputs, outputs)
            if trainable is not None:
                self.trainable = trainable  # now that there are layers to set it on

    # -- the graph ----------------------------------------------------------------------------
    def _set_graph(self, inputs, outputs):
        """Find the layer calls from ``inputs`` to ``outputs`` and order them."""
        self._input_structure = graph.Structure(inputs, "inputs")
        self._output_structure = graph.Structure(outputs, "outputs")
        self.inputs, self.outputs = self._input_structure.tensors, self._output_structure.tensors
        self.graph_nodes = graph.topological_nodes(self.inputs, self.outputs)
        self._graph_layers = graph.ordered_layers(self.inputs, self.outputs, self.graph_nodes)
        names = [layer.name for layer in self._graph_layers]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"Layer names must be unique within a model; {repeated} "
                             "appear more than once. Give the layers distinct name=...")
        shapes = [t.shape for t in self.inputs]
        self.input_shape = shapes[0] if len(shapes) == 1 else shapes
        shapes = [t.shape for t in self.outputs]
        self.output_shape = shapes[0] if len(shapes) == 1 else shapes
        self.built = True
        self.buffer = None

    @property
    def layers(self):
        """The layers of the graph (input layers first, then by depth, as Keras)."""
        return list(self._graph_layers)

    @property
    def input(self):
        return self._input_structure.pack(self.inputs)

    @property
    def output(self):
        return self._output_structure.pack(self.outputs)

    @property
    def input_names(self):
        return [t.node.layer.name for t in self.inputs]

    @property
    def output_names(self):
        """Names of the layers that make the outputs: the keys of per-output losses,
        metrics and logs (``<name>_loss``)."""
        if self._output_structure.kind == "dict":
            return list(self._output_structure.keys)
        return [t.node.layer.name for t in self.outputs]

    def get_layer(self, name=None, index=None):
        """The layer called ``name`` (or at position ``index`` of ``layers``)."""
        if index is not None:
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No layer named {name!r}; layers: {[l.name for l in self.layers]}.")

    # -- a model is a layer ---------------------------------------------------------------
    @property
    def trainable(self):
        """Whether the optimizer updates this model's weights. Setting it sets it on every
        layer inside (as Keras); like any change of ``trainable``, it takes effect at the
        next ``compile`` (or at the first ``fit`` after a ``compile``)."""
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        for layer in self.layers:
            layer.trainable = value

    @property
    def dtype(self):
        leaves = self._leaf_layers()
        return np.dtype(leaves[0].dtype if leaves else backend.floatx())

    @dtype.setter
    def dtype(self, value):  # Layer.__init__ sets it; a model's is its layers'
        pass

    def build_for(self, input_shape):
        """Called on tensors of ``input_shape`` (a list for several inputs): check them
        against the model's inputs; returns the output shape(s)."""
        shapes = input_shape if isinstance(input_shape, list) else [input_shape]
        if not self.built:
            self.build(shapes[0])
        expected = [t.shape for t in self.inputs]
        if len(shapes) != len(expected) or any(
                len(s) != len(e) or any(a is not None and b is not None and a != b
                                        for a, b in zip(s[1:], e[1:]))
                for s, e in zip(shapes, expected)):
            raise ValueError(f"Model {self.name!r} takes inputs of shapes {expected}, but was "
                             f"called on tensors of shapes {shapes}.")
        return self.output_shape

    def __call__(self, inputs, training=False):
        """On symbolic tensors: a call of this model inside another graph. On arrays: the
        outputs (one array, a list or a dict, as the model's outputs are)."""
        if is_symbolic(inputs):
            if isinstance(inputs, dict):
                inputs = self._input_structure.flatten(inputs, self.input_names, "inputs")
            return Layer.__call__(self, inputs)
        xs = [np.asarray(x, dtype=self.dtype) for x in self._input_list(inputs)]
        self._ensure_built(xs[0])
        return self._output_structure.pack(self._plan.forward(self._forward_calls, xs,
                                                              training))

    def _input_list(self, x):
        if self._input_structure is None:  # a Sequential not built yet: one input
            return [x[0] if isinstance(x, (list, tuple)) and len(x) == 1 else x]
        return self._input_structure.flatten(x, self.input_names, "inputs")

    # -- the buffer ---------------------------------------------------------------------------
    def _make_buffer(self):
        """Move all weights into one buffer, the trainable ones first (the optimizer sees
        only that leading part), bind the layers to views of it and plan the two passes."""
        leaves = self._leaf_layers()
        dtypes = {layer.dtype for layer in leaves}
        if len(dtypes) > 1:
            raise ValueError(f"All layers of a model must share one dtype, got "
                             f"{sorted(dtypes)}.")
        entries = self._weight_entries()
        ordered = sorted(entries, key=lambda entry: not entry[2])  # stable
        self.buffer = ParameterBuffer([(f"{l.name}/{n}", l.params[n]) for l, n, _ in ordered],
                                      self.dtype)
        views = {(id(l), n): pair for (l, n, _), *pair in zip(ordered, self.buffer.value_views,
                                                             self.buffer.grad_views)}
        for layer in leaves:
            pairs = [views[(id(layer), name)] for name in layer.params]
            layer.bind([v for v, _ in pairs], [g for _, g in pairs])
        self.n_trainable = sum(l.params[n].size for l, n, t in entries if t)
        self._trainable_layout = [t for _, _, t in entries]
        self._plan = Plan(self)
        self.penalties = Penalties.gather([(l, n) for l, n, t in entries if t], self._plan.steps)
        self._forward_calls = self._plan.forward_calls(self.penalties)
        self._plain_flags = self._plan.backward_calls(range(len(self.outputs)),
                                                      penalties=self.penalties)[1]
        apply_flags(self._plain_flags)
        self._compiled_outputs = None  # which gradients fuse depends on the output layers

    def _ensure_built(self, x=None):
        """Build (a Sequential from the shape of ``x`` if it has no input shape) and bind
        the weights to this model's buffer."""
        if not self.built:
            self.build(self.input_shape or (None,) + np.shape(x)[1:])
        if self.buffer is None or not self._owns_weights():
            self._make_buffer()

    def build(self, input_shape=None):
        """Gather the weights into one ParameterBuffer (trainable weights first)."""
        self._make_buffer()

    def _build_if_possible(self):
        if not self.built and self.input_shape is not None and self.layers:
            self.build()

    @property
    def losses(self):
        """The regularization penalties, as Keras' ``model.losses``: each activity penalty
        of the last forward pass, then each weight penalty at the current weights."""
        return [] if self.penalties is None else self.penalties.losses()

    def summary(self, print_fn=None):
        """Print the layer table as Keras 3 does: name (type), output shape, parameter count
        (and the layers each takes tensors from, for a graph that is not a chain)."""
        self._build_if_possible()
        if not self.built:
            raise ValueError(f"Model {self.name!r} is not built yet, so its shapes are unknown. "
                             "Give the first layer input_shape=..., start with Input(shape=...), "
                             "or call build()/fit() first.")
        for line in summary_lines(self):
            (print_fn or print)(line)

    # -- the two passes (see numpynn.models.plan) -------------------------------------------
    def forward(self, x, training=False):
        """The outputs for input(s) ``x`` (arrays of the model's dtype)."""
        self._ensure_built(x if not isinstance(x, (list, tuple, dict)) else None)
        xs = self._input_list(x)
        return self._output_structure.pack(self._plan.forward(self._forward_calls, xs,
                                                              training))

    def backward(self, grad, to_input=False):
        """Send dL/d(output) (one array per output, in the outputs' structure; ``None`` for
        an output without one) back through the graph, filling every layer's weight
        gradients. ``to_input=True`` goes on to return dL/dx for the input(s) (for gradient
        checks); otherwise returns ``None``."""
        grads = self._output_structure.flatten(grad, self.output_names, "gradients")
        seeded = [i for i, g in enumerate(grads) if g is not None]
        calls, flags = self._plan.backward_calls(seeded, to_input=to_input,
                                                 penalties=self.penalties)
        apply_flags(flags)
        seeds = [(self._plan.output_slots[i], grads[i]) for i in seeded]
        result = self._plan.backward(calls, seeds)
        apply_flags(self._plain_flags)
        if to_input:
            return self._input_structure.pack([result[s] for s in self._plan.input_slots])
        return None

    # -- saving (see numpynn.saving) -------------------------------------------------------
    def save(self, filepath, overwrite=True):
        """Save architecture, weights, compile settings, optimizer and training state to one
        file (atomically), in numpynn's format (``.npnn`` advised). A name ending in
        ``.keras`` writes a Keras 3 archive instead, which ``keras.models.load_model`` reads
        (see docs/interop.md)."""
        from numpynn import saving
        saving.save_model(self, filepath, overwrite=overwrite)

    def export(self, filepath, format="onnx", verbose=None, opset=17):
        """Write the model for inference elsewhere: ``format="onnx"`` (the only one) writes
        an ONNX graph (``opset`` >= 17, free batch size; needs ``numpynn[onnx]``). See
        ``numpynn.interop.onnx_export``."""
        if format != "onnx":
            raise ValueError(f"numpynn exports format='onnx' only, got format={format!r}.")
        from numpynn.interop.onnx_export import export_onnx
        export_onnx(self, filepath, opset=opset)
        if verbose:
            print(f"Saved the ONNX graph of {self.name!r} to {filepath}")

    def save_weights(self, filepath, overwrite=True):
        """Save only the weights, as an ``.npz`` file (``.weights.npz`` advised)."""
        from numpynn import saving
        saving.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath):
        """Load weights from ``save_weights``'s ``.npz`` or from a whole model file."""
        from numpynn import saving
        saving.load_weights(self, filepath)

    def to_json(self, **kwargs):
        """The architecture (no weights) as a JSON string; see ``models.model_from_json``."""
        from numpynn import saving
        return saving.model_to_json(self, **kwargs)
