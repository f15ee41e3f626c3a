"""``Optimizer``: the shared bookkeeping of every optimizer.

The model hands the optimizer two flat arrays: all trainable parameters and their gradients
(see ``numpynn.parameters``). The optimizer keeps its state ("slots": momentum, velocity...)
in flat arrays of the same size, so one step is a few in-place vectorised operations::

    optimizer.build(buffer)            # once: allocate slots parallel to the parameters
    optimizer.apply(params, grads)     # every step: params -= update(grads)

A subclass writes only ``build_slots`` and ``update_step(params, grads, lr)``. In
``update_step``, ``self.iterations`` is the number of steps already taken (0 at the first).
"""
import numpy as np

from numpynn import backend


class Optimizer:
    """Base class of optimizers.

    Args:
        learning_rate: a float, or a schedule called with the step number. Must be >= 0.
        name: defaults to the snake-case class name.
    """

    def __init__(self, learning_rate=0.001, name=None):
        if not callable(learning_rate) and (learning_rate is None or learning_rate < 0):
            raise ValueError(f"learning_rate must be >= 0, got {learning_rate!r}.")
        self.learning_rate = learning_rate if callable(learning_rate) else float(learning_rate)
        self.name = name or backend.to_snake_case(type(self).__name__)
        self.iterations = 0
        self.built = False
        self.slots = {}

    # -- state ----------------------------------------------------------------------------
    def build(self, buffer):
        """Allocate state for a parameter buffer with ``buffer.size`` entries."""
        self.size, self.dtype = int(buffer.size), np.dtype(buffer.dtype)
        self.slots = {}
        self._scratch = np.empty(self.size, dtype=self.dtype)
        self.build_slots()
        self.built = True

    def build_slots(self):
        """Create state arrays with ``add_slot``; none by default."""

    def add_slot(self, name, fill=0.0):
        self.slots[name] = np.full(self.size, fill, dtype=self.dtype)
        return self.slots[name]

    def get_state(self):
        """``{"iterations": int, slot name: array}``, for saving."""
        return {"iterations": self.iterations, **{k: v.copy() for k, v in self.slots.items()}}

    def set_state(self, state):
        """Restore ``get_state()``'s output exactly (the optimizer must be built)."""
        self.iterations = int(state["iterations"])
        for name, slot in self.slots.items():
            value = np.asarray(state[name])
            if value.shape != slot.shape:
                raise ValueError(f"Optimizer slot {name!r} has shape {slot.shape}, "
                                 f"got {value.shape}.")
            slot[...] = value

    # -- the step -------------------------------------------------------------------------
    def current_learning_rate(self):
        """The learning rate of the next step (a schedule is called with ``iterations``)."""
        if callable(self.learning_rate):
            return float(self.learning_rate(self.iterations))
        return self.learning_rate

    def apply(self, params, grads):
        """One update of the flat ``params`` in place, from the flat ``grads``."""
        self.update_step(params, grads, self.current_learning_rate())
        self.iterations += 1

    def update_step(self, params, grads, lr):
        raise NotImplementedError

    # -- serialisation --------------------------------------------------------------------
    def get_config(self):
        lr = self.learning_rate
        if callable(lr):
            from numpynn import registry
            lr = registry.serialize(lr)
        return {"name": self.name, "learning_rate": lr}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
