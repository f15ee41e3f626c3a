"""``MultiOptimizer``: each weight trained by the optimizer its path selects, as Keras'.

The model's trainable weights lie in one flat buffer; ``build`` asks the selector (an
``OptimizerMap`` or a function of a weight) for each weight's optimizer and gives every
optimizer the part of the buffer that holds its weights::

    buffer:   [ dense/kernel | dense/bias | out/kernel | out/bias ]
    selected:   SGD            SGD          Adam         SGD
    SGD sees  [ dense/kernel | dense/bias | out/bias ]   (gathered: not one slice)
    Adam sees [ out/kernel ]                              (a view: one slice)

A part that is one contiguous slice is handed over as a view (nothing copied); otherwise its
values and gradients are gathered into buffers of its own before the step and the values
scattered back after. Each optimizer then does all of its own step on its part: clipping
(``global_clipnorm`` over its weights only), weight decay, ``use_ema``, gradient
accumulation, its own learning rate and step count. An optimizer no weight selects is not
built and never steps. ``iterations`` counts the ``MultiOptimizer``'s own calls.
"""
from collections import namedtuple

import numpy as np

from numpynn.optimizers.arguments import weight_layout
from numpynn.optimizers.base import Optimizer
from numpynn.optimizers.optimizer_map import OptimizerMap, check_inner_optimizer

#: what a selector function is given for each weight (as Keras gives it a variable)
Weight = namedtuple("Weight", ["path", "name", "shape"])


class _Part:
    """The weights of one optimizer: positions in the flat buffer, and what it builds on."""

    def __init__(self, optimizer, ranges, shapes, dtype):
        self.optimizer = optimizer
        sizes = [stop - start for start, stop in ranges]
        self.size, self.dtype = sum(sizes), dtype
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
        self.shapes = shapes
        merged = _merged(ranges)
        if len(merged) == 1:
            self.slice, self.index = slice(*merged[0]), None
        else:
            self.slice = None
            self.index = np.concatenate([np.arange(a, b) for a, b in merged])
            self.values = np.empty(self.size, dtype=dtype)
            self.grads = np.empty(self.size, dtype=dtype)

    def run(self, method, params, *grads):
        """``method(part of params, part of grads)``, the params written back if gathered."""
        if self.index is None:
            method(params[self.slice], *(g[self.slice] for g in grads))
            return
        np.take(params, self.index, out=self.values)
        if grads:
            np.take(grads[0], self.index, out=self.grads)
        method(self.values, *((self.grads,) if grads else ()))
        params[self.index] = self.values


def _merged(ranges):
    """``[(start, stop)]`` with touching ranges joined."""
    merged = [list(ranges[0])]
    for start, stop in ranges[1:]:
        if start == merged[-1][1]:
            merged[-1][1] = stop
        else:
            merged.append([start, stop])
    return [tuple(r) for r in merged]


class MultiOptimizer(Optimizer):
    """Trains each weight with the optimizer selected for its path.

    Args:
        optimizer_map: an ``OptimizerMap``, or a function of a weight (with ``path``,
            ``name`` and ``shape``) that returns its optimizer.
        loss_scale_factor: `None` (numpynn has no loss scaling).
        name: defaults to `"multi_optimizer"`.

    Example::

        model.compile(optimizer=MultiOptimizer(OptimizerMap(
            default_optimizer=SGD(0.1), optimizer_map={"sequential/out/.*": Adam(0.01)})),
            loss="mse")

    The optimizers are in ``optimizers``; as in Keras a ``MultiOptimizer`` has no
    ``learning_rate`` of its own (reading or setting it raises ``AttributeError``).
    """

    def __init__(self, optimizer_map, loss_scale_factor=None, name=None):
        if not callable(optimizer_map):
            raise TypeError("optimizer_map must be an OptimizerMap or a function of a weight "
                            f"that returns its optimizer; got {optimizer_map!r}.")
        if loss_scale_factor is not None:
            raise ValueError("numpynn has no loss scaling: leave loss_scale_factor as None "
                             f"(got {loss_scale_factor!r}).")
        super().__init__(learning_rate=0.0, name=name or "multi_optimizer")
        self.loss_scale_factor = None
        self._optimizer_map = optimizer_map
        self._optimizers = []
        for optimizer in (*getattr(optimizer_map, "values", tuple)(),
                          getattr(optimizer_map, "default_optimizer", None)):
            if optimizer is not None:
                self._add(optimizer)

    def _add(self, optimizer):
        """The index of ``optimizer`` in ``optimizers``, appended if new."""
        check_inner_optimizer(optimizer)
        for i, known in enumerate(self._optimizers):
            if known is optimizer:
                return i
        self._optimizers.append(optimizer)
        return len(self._optimizers) - 1

    @property
    def optimizers(self):
        return list(self._optimizers)

    @property
    def learning_rate(self):
        raise AttributeError("A MultiOptimizer has no learning rate: read it on its "
                             "optimizers (multi_optimizer.optimizers) instead.")

    @learning_rate.setter
    def learning_rate(self, value):
        raise AttributeError("A MultiOptimizer has no learning rate: set it on its "
                                 "optimizers (multi_optimizer.optimizers) instead.")

    # -- state ----------------------------------------------------------------------------
    def build(self, buffer):
        """Select each weight's optimizer by its path (``buffer.paths``, which a model's
        trainable view has) and build each selected optimizer on its part."""
        paths = getattr(buffer, "paths", None)
        offsets, shapes = weight_layout(buffer)
        if paths is None or len(paths) != len(shapes):
            raise ValueError("A MultiOptimizer selects optimizers by the weights' paths: use "
                             "it through model.compile(optimizer=...), or build it on a buffer "
                             "with `offsets`, `shapes` and `paths`.")
        self.size, self.dtype = int(buffer.size), np.dtype(buffer.dtype)
        chosen = {}
        for i, (path, shape) in enumerate(zip(paths, shapes)):
            optimizer = self._optimizer_map(Weight(path, path.rsplit("/", 1)[-1], shape))
            chosen.setdefault(self._add(optimizer), []).append(i)
        self._parts = []
        for index in sorted(chosen):
            weights = chosen[index]
            part = _Part(self._optimizers[index], [(offsets[i], offsets[i + 1]) for i in weights],
                         [shapes[i] for i in weights], self.dtype)
            part.optimizer.build(part)
            self._parts.append(part)
        self.apply_count = 0
        self.built = True

    @property
    def slots(self):
        """The built optimizers' slots and step counts, named ``"optimizer_<i>/<slot>"``
        (``i`` the optimizer's place in ``optimizers``), for saving."""
        slots = {}
        for part in getattr(self, "_parts", ()):
            prefix = f"optimizer_{self._optimizers.index(part.optimizer)}/"
            slots[prefix + "iterations"] = np.array(part.optimizer.apply_count, dtype=np.int64)
            slots.update({prefix + name: slot for name, slot in part.optimizer.slots.items()})
        return slots

    @slots.setter
    def slots(self, value):  # Optimizer.__init__ sets an empty dict
        if value:
            raise AttributeError("A MultiOptimizer's slots are its optimizers'.")

    def set_state(self, state):
        """Restore ``get_state()``'s output exactly (the optimizer must be built)."""
        if not self.built:
            raise RuntimeError("Build the optimizer (or compile and build the model) before "
                               "set_state().")
        missing = [k for k in ("iterations", *self.slots) if k not in state]
        if missing:
            raise ValueError(f"Optimizer state lacks {missing}.")
        for part in self._parts:
            prefix = f"optimizer_{self._optimizers.index(part.optimizer)}/"
            inner = {key[len(prefix):]: value for key, value in state.items()
                     if key.startswith(prefix)}
            part.optimizer.set_state(inner)
        self.apply_count = int(state["iterations"])

    # -- the step -------------------------------------------------------------------------
    def apply(self, params, grads):
        """One step of every built optimizer on its part of ``params`` and ``grads``."""
        if not self.built:
            self.build(params)
        for part in self._parts:
            part.run(part.optimizer.apply, params, grads)
        self.apply_count += 1

    def finalize_variable_values(self, params):
        if self.built:
            for part in self._parts:
                part.run(part.optimizer.finalize_variable_values, params)

    # -- serialisation --------------------------------------------------------------------
    def get_config(self):
        if not isinstance(self._optimizer_map, OptimizerMap):
            raise TypeError("A MultiOptimizer made with a function cannot be saved: make it "
                            "with an OptimizerMap to save it.")
        return {"optimizer_map": {"class_name": "OptimizerMap",
                                  "config": self._optimizer_map.get_config()},
                "loss_scale_factor": None, "name": self.name}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        spec = config["optimizer_map"]
        if not isinstance(spec, dict) or spec.get("class_name") != "OptimizerMap":
            raise ValueError("A MultiOptimizer's config needs optimizer_map = {'class_name': "
                             f"'OptimizerMap', 'config': ...}}; got {spec!r:.200}.")
        config["optimizer_map"] = OptimizerMap.from_config(spec.get("config", {}),
                                                           custom_objects)
        return cls(**config)
