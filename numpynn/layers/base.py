"""``Layer``: the unit of a network. Forward pass = inference; backward pass = error sent back.

A layer subclass defines
- ``build(input_shape)``: create weights with ``add_weight`` once the input size is known
  (``input_shape`` includes the batch axis as ``None``, as in Keras);
- ``compute_output_shape(input_shape)``;
- ``forward(x, training=False) -> y``: keep what ``backward`` needs;
- ``backward(grad_out) -> grad_in``: given dL/dy, write dL/dw into ``self.grads[name]``
  (overwriting it) and return dL/dx. ``backward`` may reuse ``grad_out``'s memory: callers
  pass an array they no longer need.

A layer called on a list of tensors (a merge layer such as ``Add``) gets the list in
``build`` (a list of shapes) and ``forward``, and returns the list of input gradients from
``backward``, each an array of its own (a model may add other gradients into each).

Called on ``Input(...)`` tensors a layer records a node of a graph (``numpynn.layers.node``);
called on arrays it runs at once.

While a model's ``fit``/``evaluate``/``predict`` loop runs it sets ``reuse_buffers``: a layer
may then return the same preallocated array from every call of the same shape (see
``_buffer``), so a training step allocates nothing. The caller uses each output before the
next call overwrites it.
"""
import contextlib
import contextvars
import functools
import math

import numpy as np

import copy

from numpynn import backend, constraints, initializers, regularizers
from numpynn.layers.node import is_symbolic, symbolic_call
from numpynn.parameters import ParameterBuffer

#: [bytes that new weights may still take, what sets the limit], or None: no limit.
_weight_allowance = contextvars.ContextVar("weight_allowance", default=None)


class WeightAllowanceError(ValueError):
    """A layer would create more weights than the ``weight_allowance`` in force permits."""


@contextlib.contextmanager
def weight_allowance(n_bytes, source):
    """Inside the block, the weights that layers create take at most ``n_bytes`` bytes in
    all, each checked *before* it is allocated; ``source`` (e.g. "the file's weights") names
    the limit in the error. A loader builds a model file's architecture in one, so that its
    config cannot make it allocate more memory than the file holds weights for."""
    token = _weight_allowance.set([n_bytes, source])
    try:
        yield
    finally:
        _weight_allowance.reset(token)


class Layer:
    """Base class of all layers.

    Args:
        name: unique name; defaults to the snake-cased class name (``dense``, ``dense_1``...).
        dtype: float type of the weights; defaults to ``numpynn.backend.floatx()``.
        trainable: whether the optimizer updates this layer's weights. Defaults to `True`.
        input_shape: shape of one sample (no batch axis), for the first layer of a model.
        input_dim: shorthand for ``input_shape=(input_dim,)``.
        activity_regularizer: penalty on the layer's output, divided by the batch size (as
            Keras 3), added to the loss by the model. Defaults to `None`.
    """

    #: True while a Model's training/inference loop runs: outputs may live in reused buffers.
    reuse_buffers = False
    #: False for a layer whose input gets no gradient (Embedding's integer indices):
    #: backpropagation then stops at this layer.
    sends_input_gradient = True

    def __init_subclass__(cls, **kwargs):
        """A layer class's own ``build`` marks the layer built when it returns, so that
        ``layer.build(shape); layer.set_weights(w); layer(x)`` runs on ``w`` (as in Keras)
        instead of building again. Models keep their own rule (``Model.build_for``)."""
        super().__init_subclass__(**kwargs)
        build = cls.__dict__.get("build")
        if build is None or cls.build_for is not Layer.build_for:
            return

        @functools.wraps(build)
        def build_and_mark(self, *args, **kwargs):
            build(self, *args, **kwargs)
            self.built = True
        cls.build = build_and_mark

    def __init__(self, name=None, dtype=None, trainable=True, input_shape=None, input_dim=None,
                 activity_regularizer=None, **unknown):
        if unknown:
            raise TypeError(f"{type(self).__name__} got unexpected argument(s): "
                            f"{', '.join(sorted(unknown))}.")
        self.name = name or backend.unique_name(backend.to_snake_case(type(self).__name__))
        self.dtype = _float_dtype(dtype or backend.floatx(), type(self).__name__)
        self.trainable = trainable
        if input_dim is not None:
            input_shape = (input_dim,)
        self.input_shape = None if input_shape is None else (None,) + tuple(input_shape)
        self.output_shape = None
        self.built = False
        #: False for a model's first layer: its input is data, so dL/dx is not needed.
        self.input_grad_needed = True
        self.params = {}
        self.grads = {}
        #: names of the weights the optimizer never updates (BatchNormalization's moving
        #: statistics): they live after all trainable weights in a model's buffer.
        self.non_trainable_names = set()
        #: weight name -> Regularizer / Constraint, for the weights created with one.
        self.regularizers = {}
        self.constraints = {}
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self._initial = []
        #: the calls of this layer on symbolic tensors (``numpynn.layers.node.Node``)
        self.inbound_nodes = []

    # -- weights ---------------------------------------------------------------------------
    def add_weight(self, name, shape, initializer="zeros", trainable=True, regularizer=None,
                   constraint=None):
        """Create a weight; it lives in a standalone array until ``bind`` moves it.

        ``trainable=False`` makes a weight the optimizer never touches, that the layer
        updates itself (as BatchNormalization's moving mean and variance). A model adds
        ``regularizer(weight)`` to its loss (and the penalty's gradient to the weight's) and
        sets ``weight = constraint(weight)`` after each optimizer step; both apply to
        trainable weights only, as in Keras."""
        self._spend_allowance(name, tuple(shape))
        values = initializers.get(initializer)(tuple(shape), dtype=self.dtype)
        self._initial.append((name, values))
        self.params[name] = values
        self.grads[name] = np.zeros_like(values)
        if not trainable:
            self.non_trainable_names.add(name)
        if regularizer is not None:
            self.regularizers[name] = regularizers.get(regularizer)
        if constraint is not None:
            self.constraints[name] = constraints.get(constraint)
        return values

    def _spend_allowance(self, name, shape):
        """Count a new weight against the ``weight_allowance`` in force, if any."""
        allowance = _weight_allowance.get()
        if allowance is None:
            return
        n_bytes = math.prod(shape) * np.dtype(self.dtype).itemsize
        if n_bytes > allowance[0]:
            raise WeightAllowanceError(
                f"Layer {self.name!r}: weight {name!r} of shape {shape} needs {n_bytes} bytes, "
                f"more than the {allowance[0]} bytes left of {allowance[1]}.")
        allowance[0] -= n_bytes

    def bind(self, value_views, grad_views):
        """Point this layer's weights and gradients at views of a shared ParameterBuffer."""
        for name, value, grad in zip(list(self.params), value_views, grad_views):
            self.params[name] = value
            self.grads[name] = grad
        self._initial = []

    def named_weights(self):
        """``[(name, array), ...]`` in creation order."""
        return list(self.params.items())

    @property
    def weights(self):
        return list(self.params.values())

    def is_trainable_weight(self, name):
        """Whether the optimizer updates weight ``name``: the layer is trainable and the
        weight was not created with ``trainable=False``."""
        return self.trainable and name not in self.non_trainable_names

    @property
    def trainable_weights(self):
        return [w for n, w in self.params.items() if self.is_trainable_weight(n)]

    @property
    def non_trainable_weights(self):
        return [w for n, w in self.params.items() if not self.is_trainable_weight(n)]

    @property
    def losses(self):
        """The current penalties of this layer's regularized trainable weights."""
        return [regularizer(self.params[name]) for name, regularizer in self.regularizers.items()
                if self.is_trainable_weight(name)]

    def get_weights(self):
        """Copies of the weights, in creation order (kernel before bias)."""
        return [w.copy() for w in self.params.values()]

    def set_weights(self, weights):
        """Overwrite the weights in place (shapes must match ``get_weights()``)."""
        weights = list(weights)
        if len(weights) != len(self.params):
            raise ValueError(f"Layer {self.name!r} expects {len(self.params)} weight arrays "
                             f"({', '.join(self.params) or 'none'}), got {len(weights)}.")
        for (name, target), value in zip(self.params.items(), weights):
            value = np.asarray(value)
            if value.shape != target.shape:
                raise ValueError(f"Layer {self.name!r}: weight {name!r} has shape "
                                 f"{target.shape}, got an array of shape {value.shape}.")
            target[...] = value

    def count_params(self, trainable=None):
        """Number of weight entries; ``trainable=True``/``False`` counts only those the
        optimizer does/does not update."""
        return int(sum(w.size for n, w in self.params.items()
                       if trainable is None or self.is_trainable_weight(n) == trainable))

    def _buffer(self, key, shape, dtype):
        """An uninitialised array: a new one, or while ``reuse_buffers`` is set the one kept
        for (key, shape, dtype) from an earlier call."""
        if not self.reuse_buffers:
            return np.empty(shape, dtype=dtype)
        buffers = self.__dict__.setdefault("_buffers", {})
        array = buffers.get((key, shape, dtype))
        if array is None:
            if len(buffers) > 16:  # many batch shapes seen (e.g. predict on varied lengths)
                buffers.clear()
            array = buffers[(key, shape, dtype)] = np.empty(shape, dtype=dtype)
        return array

    def _sum_over_batch(self, grad, out):
        """``out = grad.sum(axis=0)`` for a 2-D ``grad``, computed as the matrix product
        ones^T grad: BLAS does it several times faster than NumPy's reduction on these
        (batch, units) shapes (e.g. 3 us against 8-21 us for 32 x 512)."""
        ones = self.__dict__.get("_ones")
        if ones is None or len(ones) != len(grad) or ones.dtype != grad.dtype:
            ones = self._ones = np.ones(len(grad), dtype=grad.dtype)
        return np.matmul(ones, grad, out=out)

    # -- building and calling -------------------------------------------------------------
    def build(self, input_shape):
        self.built = True

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def build_for(self, input_shape):
        """Build (once) for ``input_shape`` (a list of shapes for a layer called on a list)
        and record the input and output shapes."""
        if isinstance(input_shape, list):
            input_shape = [tuple(shape) for shape in input_shape]
        else:
            input_shape = tuple(input_shape)
        if not self.built:
            self.build(input_shape)
            self.built = True
        self.input_shape = input_shape
        self.output_shape = tuple(self.compute_output_shape(input_shape))
        return self.output_shape

    def __call__(self, inputs, training=False):
        """On symbolic tensors (``Input(...)`` and layer outputs): build for their shapes,
        record the call and return the output tensor. On arrays: build if needed (the layer
        then owns its ParameterBuffer) and return ``forward``'s result."""
        if is_symbolic(inputs):
            return symbolic_call(self, inputs)
        if isinstance(inputs, (list, tuple)):
            x = [np.asarray(a, dtype=self.dtype) for a in inputs]
            shape = [(None,) + a.shape[1:] for a in x]
        else:
            x = np.asarray(inputs, dtype=self.dtype)
            shape = (None,) + x.shape[1:]
        if not self.built:
            self.build_for(shape)
        if self._initial:  # weights in arrays of their own (just built): one buffer for them
            buffer = ParameterBuffer(self.named_weights(), self.dtype)
            self.bind(buffer.value_views, buffer.grad_views)
        return self.forward(x, training=training)

    def call_copy(self):
        """A copy of this layer for another call of it in a model: it shares the weights
        (the same arrays) and the layer's settings, but keeps its own per-call state (what
        ``forward`` keeps for ``backward``, its reused ``_buffer`` arrays) and writes its
        weight gradients into arrays of its own, which the model adds to the layer's.

        A shallow copy of the attributes: per-call state must be *assigned* in ``forward``
        (``self._x = x``), never mutated in place inside a container the copies share."""
        twin = copy.copy(self)
        for key in ("_buffers", "_ones"):
            twin.__dict__.pop(key, None)
        twin.grads = {name: np.zeros_like(grad) for name, grad in self.grads.items()}
        return twin

    def forward(self, x, training=False):
        raise NotImplementedError

    def backward(self, grad_out):
        raise NotImplementedError

    # -- serialisation --------------------------------------------------------------------
    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}>"


def _float_dtype(dtype, layer):
    """The name of ``dtype``, a NumPy floating-point type (``"float32"``, ``np.float64``...)."""
    try:
        name = np.dtype(dtype).name
    except (TypeError, ValueError):  # not a type NumPy knows
        name = None
    if name is None or np.dtype(name).kind != "f":
        raise ValueError(f"{layer} dtype must be a floating-point type such as 'float32' or "
                         f"'float64', got {dtype!r}.")
    return name
