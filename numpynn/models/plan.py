"""The two passes over a model's graph: forward runs the layer calls in order, backward runs
them in reverse, one ``backward`` per call.

A :class:`Plan` flattens a model into *steps*, one per call of a leaf layer (a model used as
a layer is replaced by its own steps, at any depth). Tensors become numbered *slots*::

    forward:   values[slot of x] = data
               for each step:  values[out] = layer.forward(values[in], training)
    backward:  grads[slot of y] = dL/dy
               for each step, last first:  g = layer.backward(grads[out])
                                           grads[in] += g    (a sum where a tensor fans out)

Backpropagation stops where no weight lies behind: a step runs backward only if its
output depends on a weight, and asks its layer for dL/dx (``input_grad_needed``) only if
its input does. A step whose output feeds no loss does not run at all.

A layer called more than once (a shared layer, or a model used twice) has one step per
call. The last call uses the layer itself; each other call a ``Layer.call_copy()``, which
shares the weights but keeps its own forward state and reused buffers, and writes its
weight gradients into arrays of its own; a small wrapper then adds them to the layer's
(the first call backward reaches overwrites them, as a single call does). A layer called
once runs as it is, without copies or wrappers.

Each step knows its consumers (``step.consumers``, the steps that take its output), for
changes that look one call ahead, such as an activation moved past a following pooling.
"""
import numpy as np


class Step:
    """One call of a leaf layer: ``layer`` (the layer or a call copy of it), ``sources``
    (input slots), ``target`` (output slot), ``as_list`` (called on a list), and
    ``consumers``, the steps that take its output."""

    def __init__(self, layer, owner, sources, target, as_list):
        self.layer, self.owner = layer, owner  # owner: the layer whose weights these are
        self.sources, self.target, self.as_list = sources, target, as_list
        self.consumers = []

    def __repr__(self):
        return f"<Step {self.owner.name}: {self.sources} -> {self.target}>"


class Plan:
    """The steps of ``model`` and the slots of its inputs and outputs.

    Made after the model's weights are bound to its buffer: call copies share those views.
    """

    def __init__(self, model):
        self.steps, self.n_slots = [], 0
        self.input_slots = [self._new_slot() for _ in model.inputs]
        self.output_slots = self._expand(model, self.input_slots)
        calls = {}
        for step in self.steps:
            calls.setdefault(id(step.owner), []).append(step)
        for same_layer in calls.values():
            for step in same_layer[:-1]:  # the last call keeps the layer itself
                step.layer = step.owner.call_copy()
        producer = {step.target: step for step in self.steps}
        for step in self.steps:
            for slot in step.sources:
                if slot in producer and step not in producer[slot].consumers:
                    producer[slot].consumers.append(step)
        self._calls_cache = {}

    def _new_slot(self):
        self.n_slots += 1
        return self.n_slots - 1

    def _expand(self, model, input_slots):
        """Append the steps of ``model``'s nodes; returns its output slots."""
        slot_of = {id(t): s for t, s in zip(model.inputs, input_slots)}
        for node in model.graph_nodes:
            sources = [slot_of[id(t)] for t in node.inputs]
            if hasattr(node.layer, "graph_nodes"):  # a model used as a layer
                targets = self._expand(node.layer, sources)
            else:
                targets = [self._new_slot()]
                self.steps.append(Step(node.layer, node.layer, sources, targets[0],
                                       node.as_list))
            for tensor, slot in zip(node.outputs, targets):
                slot_of[id(tensor)] = slot
        return [slot_of[id(t)] for t in model.outputs]

    @property
    def layers(self):
        """Every layer object a step calls (layers and call copies)."""
        return [step.layer for step in self.steps]

    def chained_pairs(self):
        """``(layer, next layer)`` for each step whose output feeds exactly one step and no
        model output: where an activation may move past the next layer
        (``numpynn.layers.fusion``)."""
        return [(step.layer, step.consumers[0].layer) for step in self.steps
                if len(step.consumers) == 1 and step.target not in self.output_slots]

    # -- forward ----------------------------------------------------------------------------
    def forward_calls(self, penalties=None):
        """``[(forward, sources, target)]`` in order; a single source is an int. Steps whose
        layer has an activity regularizer record its penalty in ``penalties``."""
        calls = []
        for step in self.steps:
            forward = step.layer.forward
            if penalties is not None and step.layer.activity_regularizer is not None:
                forward = penalties.recording(step, forward)
            sources = tuple(step.sources) if step.as_list else step.sources[0]
            calls.append((forward, sources, step.target))
        return calls

    def forward(self, calls, inputs, training):
        """Run ``calls`` on ``inputs`` (one array per input slot); returns the outputs."""
        values = [None] * self.n_slots
        for slot, x in zip(self.input_slots, inputs):
            values[slot] = x
        for forward, sources, target in calls:
            x = values[sources] if sources.__class__ is int else [values[i] for i in sources]
            values[target] = forward(x, training=training)
        return [values[slot] for slot in self.output_slots]

    # -- backward ---------------------------------------------------------------------------
    def backward_calls(self, seeded, fused=(), to_input=False, penalties=None):
        """The backward steps, last first, for gradients given at output positions
        ``seeded``; at positions ``fused`` the gradient is dL/dz at the logits of the
        output layer's activation (``backward_from_logits``). ``to_input`` sends gradients
        on to the model's inputs. Returns ``(calls, flags)``: ``calls`` are tuples
        ``(backward, target, sends)`` with ``sends`` an input slot, or a tuple of
        ``(position, slot)`` for a layer called on a list; ``flags`` pairs each step's layer
        with its ``input_grad_needed``."""
        key = (tuple(seeded), tuple(fused), to_input, id(penalties))
        if key not in self._calls_cache:
            self._calls_cache[key] = self._backward_calls(seeded, fused, to_input, penalties)
        return self._calls_cache[key]

    def _backward_calls(self, seeded, fused, to_input, penalties):
        carries = [to_input] * self.n_slots  # the slot's value depends on a weight
        for step in self.steps:
            carries[step.target] = bool(step.owner.params) or (
                step.layer.sends_input_gradient and any(carries[s] for s in step.sources))
        reached = [False] * self.n_slots
        for position in seeded:
            reached[self.output_slots[position]] = True
        fused_steps = {self.output_slots[p] for p in fused}
        calls, flags, written = [], [], set()
        for step in reversed(self.steps):
            if not (reached[step.target] and carries[step.target]):
                continue
            sending = step.layer.sends_input_gradient
            wanted = [(i, s) for i, s in enumerate(step.sources) if sending and carries[s]]
            for _, slot in wanted:
                reached[slot] = True
            method = (step.layer.backward_from_logits if step.target in fused_steps
                      else step.layer.backward)
            if penalties is not None and step.layer.activity_regularizer is not None:
                method = penalties.adding_gradient(step, method)
            if step.layer is not step.owner:
                method = _gathering(method, step, overwrite=id(step.owner) not in written)
            written.add(id(step.owner))
            sends = tuple(wanted) if step.as_list else (wanted[0][1] if wanted else ())
            calls.append((method, step.target, sends))
            flags.append((step.layer, bool(wanted)))
        return calls, flags

    def backward(self, calls, seeds):
        """Run ``calls`` from ``seeds``, ``[(slot, gradient)]`` (summed where a tensor is
        given twice); returns the gradient of every slot."""
        grads = [None] * self.n_slots
        for slot, grad in seeds:
            grads[slot] = grad if grads[slot] is None else _added(grads[slot], grad)
        for backward, target, sends in calls:
            grad = backward(grads[target])
            if sends.__class__ is int:
                grads[sends] = grad if grads[sends] is None else _added(grads[sends], grad)
            else:
                for position, slot in sends:
                    part = grad[position]
                    grads[slot] = part if grads[slot] is None else _added(grads[slot], part)
        return grads


def _added(total, part):
    """total + part, in place where ``total`` may be written (a layer's gradient buffer
    whose consumer has already run)."""
    if total.flags.writeable and not np.may_share_memory(total, part):
        total += part
        return total
    return total + part


def _gathering(method, step, overwrite):
    """``method`` of a call copy, then its weight gradients set into (``overwrite``, the
    first call backward reaches) or added to the shared layer's."""
    pairs = [(step.owner.grads[name], step.layer.grads[name]) for name in step.owner.grads]

    def backward(grad):
        grad_in = method(grad)
        for total, part in pairs:
            if overwrite:
                total[...] = part
            else:
                total += part
        return grad_in
    return backward


def apply_flags(flags):
    """Set each step layer's ``input_grad_needed`` as ``backward_calls`` planned it."""
    for layer, needed in flags:
        layer.input_grad_needed = needed
