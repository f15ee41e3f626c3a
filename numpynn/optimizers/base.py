"""``Optimizer``: the shared bookkeeping of every optimizer.

The model hands the optimizer two flat arrays: all trainable parameters and their gradients
(see ``numpynn.parameters``). The optimizer keeps its state ("slots": momentum, velocity...)
in flat arrays of the same size, so one step is a few in-place vectorised operations::

    optimizer.build(buffer)            # once: allocate slots parallel to the parameters
    optimizer.apply(params, grads)     # every step: params -= update(grads)

One ``apply`` does, in Keras' order:

    0. with ``gradient_accumulation_steps=n``: add the gradients to an accumulator; only
       every n-th call goes on, with the mean of the last n gradients (the other calls
       skip to step 5);
    1. clip the gradients (``clipnorm`` per weight, ``clipvalue``, or ``global_clipnorm``);
    2. weight decay: ``w <- w - lr wd w`` (decoupled; Keras), or ``g <- g + wd w`` (L2 added
       to the gradient; PyTorch's ``weight_decay`` for all but AdamW);
    3. ``update_step(params, grads, lr)``, the rule written in each subclass' docstring;
    4. flush state values smaller than the dtype's smallest normal number to zero (below);
    5. with ``use_ema``: ``average <- m average + (1 - m) w`` with m = ``ema_momentum``
       (m = 0 while ``iterations`` is 0), and every ``ema_overwrite_frequency`` steps
       ``w <- average`` (see ``numpynn.optimizers.averaging``);
    6. ``apply_count += 1``.

Two step counts, as in Keras: ``apply_count`` counts the calls of ``apply`` (Keras'
``_iterations``; learning-rate schedules are evaluated at it) and ``iterations`` the updates
made, ``apply_count // gradient_accumulation_steps`` (the step number of bias corrections);
they are equal without gradient accumulation.

Two conventions. ``convention="keras"`` (the default) follows Keras 3 exactly;
``convention="torch"`` follows ``torch.optim`` where the formulas differ (epsilon outside the
square root, momentum buffers without the learning rate, Adam's epsilon added after the bias
correction, weight decay as an L2 term). Hyperparameter defaults are Keras' in both: pass
PyTorch's values (e.g. ``epsilon=1e-8``) to reproduce a PyTorch run.

Subnormal numbers: a weight whose gradient is zero for good (say a first-layer weight of an
always-black border pixel) sees its momentum or velocity decay geometrically into the
subnormal range, where it stays stuck at the smallest subnormal and where arithmetic can be
10-100x slower (on CPUs that handle subnormals in microcode). After every step, one 32nd of
each slot (a different part each time) is scanned and values below ``np.finfo(dtype).tiny``
(1.2e-38 in float32) are set to zero, so no value stays subnormal for more than
``FLUSH_PERIOD`` = 32 steps, at a 32nd of the cost of scanning everything every step (a
momentum decaying by 0.9 per step takes about 150 steps to cross the subnormal range). The
values flushed are far below any epsilon, so results are unchanged.

A subclass writes ``build_slots`` (calls to ``add_slot``) and ``update_step``. In
``update_step``, ``self.iterations`` is the number of steps already taken (0 at the first), and
``self._scratch`` (plus ``self._scratch2`` when the class sets ``scratch_buffers = 2``) are
parameter-sized buffers it may overwrite.

All cores: a class whose rule treats every parameter on its own, and whose ``update_step``
changes no attribute of the optimizer, sets ``elementwise = True``. For a large model
(``numpynn.parallel.MIN_SIZE`` parameters on) ``apply`` then runs ``update_step`` once per
slice of the parameters, on all cores at the same time: each call sees ``params``, ``grads``,
``self.slots`` and the scratch buffers cut to its slice (``_slice``), and is followed, on the
same thread, by the flush of the slice's share of the step's window. The numbers are those
of one call on the whole arrays.
"""
import copy

import numpy as np

from numpynn import parallel, registry
from numpynn.optimizers.arguments import (check_integer, check_optional, check_range,
                                          weight_layout)
from numpynn.optimizers.averaging import update_average
from numpynn.optimizers.clipping import clip_gradients

CONVENTIONS = ("keras", "torch")
FLUSH_PERIOD = 32  # every state value is checked for subnormals once every 32 steps


class Optimizer:
    """Base class of optimizers.

    Args:
        learning_rate: a float >= 0, or a schedule (see ``numpynn.optimizers.schedules``)
            called with the step number. Defaults to `0.001`.
        weight_decay: if set, weights decay by ``lr * weight_decay * w`` before each update
            (``convention="torch"``: ``weight_decay * w`` is added to the gradient, except in
            AdamW). Defaults to `None`.
        clipnorm: if set, each weight's gradient is rescaled so that its L2 norm is at most
            this. Defaults to `None`.
        clipvalue: if set, gradients are clipped to ``[-clipvalue, clipvalue]``.
            Defaults to `None`.
        global_clipnorm: if set, all gradients are rescaled together so that their joint L2
            norm is at most this. Defaults to `None`.
        use_ema: keep an exponential moving average of the weights (``averaging``).
            Defaults to `False`.
        ema_momentum: in [0, 1], the average's momentum. Defaults to `0.99`.
        ema_overwrite_frequency: with ``use_ema``, overwrite the weights with their average
            every that many steps; `None`: only in ``finalize_variable_values``.
            Defaults to `None`.
        gradient_accumulation_steps: an integer >= 2: update the weights every that many
            calls, with the mean of their gradients (schedules see ``apply_count``, bias
            corrections ``iterations``). Defaults to `None`.
        convention: `"keras"` or `"torch"`: whose formulas to follow where they differ.
            Defaults to `"keras"`.
        name: defaults to the snake-case class name.
    """

    scratch_buffers = 1
    decoupled_weight_decay = None  # None: Keras' decoupled form, or L2 under "torch"
    elementwise = False  # True: update_step may run on slices, in parallel (module docstring)

    def __init__(self, learning_rate=0.001, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, gradient_accumulation_steps=None,
                 convention="keras", name=None):
        Optimizer.learning_rate.fset(self, learning_rate)  # a subclass may forbid setting it
        self.weight_decay = check_optional("weight_decay", weight_decay, low_closed=True)
        self.clipnorm = check_optional("clipnorm", clipnorm)
        self.clipvalue = check_optional("clipvalue", clipvalue)
        self.global_clipnorm = check_optional("global_clipnorm", global_clipnorm)
        if sum(c is not None for c in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be "
                             f"set, got clipnorm={clipnorm}, clipvalue={clipvalue}, "
                             f"global_clipnorm={global_clipnorm}.")
        self.use_ema = bool(use_ema)
        self.ema_momentum = check_range("ema_momentum", ema_momentum, 0.0, 1.0,
                                        high_closed=True)
        self.ema_overwrite_frequency = check_integer(
            "ema_overwrite_frequency", ema_overwrite_frequency, 1,
            "to overwrite the weights only in finalize_variable_values")
        self.gradient_accumulation_steps = check_integer(
            "gradient_accumulation_steps", gradient_accumulation_steps, 2,
            "to update at every step")
        if convention not in CONVENTIONS:
            raise ValueError(f"`convention` must be one of {CONVENTIONS}, got {convention!r}.")
        self.convention = convention
        self.name = name or type(self).__name__.lower()  # Keras: "adam", "rmsprop", ...
        self.apply_count = 0
        self.built = False
        self.slots = {}

    @property
    def iterations(self):
        """Updates made: ``apply_count``, divided by ``gradient_accumulation_steps`` if set.
        Assigning sets ``apply_count`` to match."""
        if self.gradient_accumulation_steps:
            return self.apply_count // self.gradient_accumulation_steps
        return self.apply_count

    @iterations.setter
    def iterations(self, value):
        self.apply_count = int(value) * (self.gradient_accumulation_steps or 1)

    @property
    def torch(self):
        return self.convention == "torch"

    # -- learning rate --------------------------------------------------------------------
    @property
    def learning_rate(self):
        """The learning rate of the next step (a schedule is evaluated at ``iterations``).

        Assigning a float changes it (what ``LearningRateScheduler`` does)."""
        return self.current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, value):
        if getattr(self, "_learning_rate", None) is not None and callable(self._learning_rate):
            raise TypeError("This optimizer was created with a learning-rate schedule, so its "
                            "learning rate cannot be set to a float.")
        self._learning_rate = value if callable(value) else check_range("learning_rate", value)

    def current_learning_rate(self):
        if callable(self._learning_rate):
            return float(self._learning_rate(self.apply_count))
        return self._learning_rate

    # -- state ----------------------------------------------------------------------------
    def build(self, buffer):
        """Allocate state for the trainable parameters ``buffer``: anything with ``size``
        and ``dtype`` (a flat array works), and optionally ``offsets``, the boundaries of
        the individual weights in the flat buffer (needed by ``clipnorm``), and ``shapes``,
        the weights' shapes (needed by ``Adafactor``; without them each is 1-D)."""
        self.size, self.dtype = int(buffer.size), np.dtype(buffer.dtype)
        offsets, shapes = weight_layout(buffer)
        kept = [i for i, (a, b) in enumerate(zip(offsets[:-1], offsets[1:])) if b > a]
        self.segments = [(offsets[i], offsets[i + 1]) for i in kept]
        self.segment_shapes = [shapes[i] for i in kept]
        self.slots, self._signed = {}, {}
        self.apply_count = 0
        self._scratch = np.empty(self.size, dtype=self.dtype)
        self._scratch2 = np.empty(self.size, dtype=self.dtype) if self.scratch_buffers > 1 else None
        self._keep = np.empty(-(-self.size // FLUSH_PERIOD), dtype=bool)
        self._tiny = np.finfo(self.dtype).tiny
        needs_work = (self.clipnorm or self.clipvalue or self.global_clipnorm
                      or (self.weight_decay and not self._decoupled()))
        self._work = np.empty(self.size, dtype=self.dtype) if needs_work else None
        if self.use_ema:
            self.add_slot("average")
        if self.gradient_accumulation_steps:
            self.add_slot("gradient_accumulator")
        self.build_slots()
        self.built = True

    def build_slots(self):
        """Create state arrays with ``add_slot``; none by default."""

    def add_slot(self, name, fill=0.0, signed=True, size=None):
        """A state array parallel to the parameters; ``signed=False`` for slots that are
        never negative (their subnormal flush is one pass cheaper). A ``size`` other than
        the parameters' makes a slot that is saved but not flushed, nor sliced."""
        self.slots[name] = np.full(self.size if size is None else size, fill, dtype=self.dtype)
        if size is None:
            self._signed[name] = signed
        return self.slots[name]

    def get_state(self):
        """``{"iterations": apply_count, slot name: array}``, for saving."""
        return {"iterations": self.apply_count, **{k: v.copy() for k, v in self.slots.items()}}

    def set_state(self, state):
        """Restore ``get_state()``'s output exactly (the optimizer must be built)."""
        if not self.built:
            raise RuntimeError("Build the optimizer (or compile and build the model) before "
                               "set_state().")
        missing = [k for k in ("iterations", *self.slots) if k not in state]
        if missing:
            raise ValueError(f"Optimizer state lacks {missing}.")
        for name, slot in self.slots.items():
            value = np.asarray(state[name])
            if value.shape != slot.shape:
                raise ValueError(f"Optimizer slot {name!r} has shape {slot.shape}, "
                                 f"got {value.shape}.")
            slot[...] = value
        self.apply_count = int(state["iterations"])

    # -- the step -------------------------------------------------------------------------
    def apply(self, params, grads):
        """One update of the flat ``params`` in place, from the flat ``grads`` (which are
        left untouched)."""
        if not self.built:
            self.build(params)
        if self.gradient_accumulation_steps:
            grads = self._accumulate(grads)
        if grads is not None:
            self._update(params, grads)
        if self.use_ema:
            update_average(self.slots["average"], params, self.iterations, self.ema_momentum,
                           self.ema_overwrite_frequency, self._scratch)
        self.apply_count += 1

    def _accumulate(self, grads):
        """Add ``grads`` to the accumulator; on every n-th call, the accumulator divided by
        n (the mean gradient, reset after the update), else None."""
        accumulator = self.slots["gradient_accumulator"]
        accumulator += grads
        if (self.apply_count + 1) % self.gradient_accumulation_steps:
            return None
        return np.divide(accumulator, self.gradient_accumulation_steps, out=accumulator)

    def _update(self, params, grads):
        """Steps 1-4 of the module docstring."""
        lr = self.current_learning_rate()
        grads = clip_gradients(grads, self._work, self.segments, self.clipnorm,
                               self.clipvalue, self.global_clipnorm)
        if self.weight_decay:
            if self._decoupled():
                params *= 1.0 - lr * self.weight_decay
            else:
                if grads is not self._work:
                    self._work[...] = grads
                    grads = self._work
                np.multiply(params, self.weight_decay, out=self._scratch)
                grads += self._scratch
        if self.elementwise:
            def work(start, stop):  # each slice's update, then its share of the flush
                self._slice(start, stop).update_step(params[start:stop], grads[start:stop], lr)
                self._flush_subnormals(start, stop)
            parallel.run(work, self.size)
        else:
            self.update_step(params, grads, lr)
            self._flush_subnormals(0, self.size)
        if self.gradient_accumulation_steps:
            self.slots["gradient_accumulator"].fill(0.0)

    def finalize_variable_values(self, params):
        """At the end of training (``Model.fit`` calls it): with ``use_ema``, the weights
        ``params`` take their moving average (once the optimizer has taken a step)."""
        if self.use_ema and self.built and self.apply_count:
            params[...] = self.slots["average"]

    def update_step(self, params, grads, lr):
        raise NotImplementedError

    def _slice(self, start, stop):
        """This optimizer, or where [start, stop) is not everything a shallow copy of it whose
        slots and scratch buffers are their [start, stop) slices (views)."""
        if start == 0 and stop == self.size:
            return self
        part = copy.copy(self)
        part.slots = {name: slot[start:stop] if name in self._signed else slot
                      for name, slot in self.slots.items()}
        part._scratch = self._scratch[start:stop]
        if self._scratch2 is not None:
            part._scratch2 = self._scratch2[start:stop]
        return part

    def _decoupled(self):
        if self.decoupled_weight_decay is not None:
            return self.decoupled_weight_decay
        return not self.torch

    def _flush_subnormals(self, start, stop):
        """``slot *= (|slot| >= tiny)`` on the [start, stop) part of this step's window, one
        ``FLUSH_PERIOD``-th of every slot, a different one each step: values below the
        smallest normal number become zero within ``FLUSH_PERIOD`` steps (see the module
        docstring). Fast vectorised passes into preallocated buffers; NaN stays NaN."""
        part = self.iterations % FLUSH_PERIOD
        window = self.size * part // FLUSH_PERIOD
        lo = max(start, window)
        hi = min(stop, self.size * (part + 1) // FLUSH_PERIOD)
        if lo >= hi:
            return
        keep, scratch = self._keep[lo - window:hi - window], self._scratch[lo:hi]
        for name, signed in self._signed.items():
            slot = self.slots[name][lo:hi]
            if signed:
                np.abs(slot, out=scratch)
                np.greater_equal(scratch, self._tiny, out=keep)
            else:
                np.greater_equal(slot, self._tiny, out=keep)
            np.multiply(slot, keep, out=slot)

    # -- serialisation --------------------------------------------------------------------
    def get_config(self):
        lr = self._learning_rate
        return {"name": self.name,
                "learning_rate": registry.serialize(lr) if callable(lr) else lr,
                "weight_decay": self.weight_decay, "clipnorm": self.clipnorm,
                "clipvalue": self.clipvalue, "global_clipnorm": self.global_clipnorm,
                "use_ema": self.use_ema, "ema_momentum": self.ema_momentum,
                "ema_overwrite_frequency": self.ema_overwrite_frequency,
                "gradient_accumulation_steps": self.gradient_accumulation_steps,
                "convention": self.convention}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            from numpynn.optimizers import schedules
            config["learning_rate"] = schedules.deserialize(config["learning_rate"],
                                                            custom_objects)
        return cls(**config)
