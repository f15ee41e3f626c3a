"""Learning-rate schedules: the learning rate as a function of the step number.

Pass one as ``learning_rate=`` of any optimizer; it is called with ``optimizer.iterations``
(0 at the first step) and serialised inside the optimizer's config. Formulas and arguments
are Keras 3's.
"""
import math

from numpynn import registry


class LearningRateSchedule:
    """Base class: ``__call__(step) -> float`` and ``get_config()``."""

    def __call__(self, step):
        raise NotImplementedError

    def get_config(self):
        raise NotImplementedError

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _check_decay_steps(decay_steps):
    if not decay_steps > 0:
        raise ValueError(f"`decay_steps` must be > 0, got {decay_steps!r}.")


class ExponentialDecay(LearningRateSchedule):
    """``lr(step) = initial_learning_rate * decay_rate ^ (step / decay_steps)``, with the
    exponent floored when ``staircase=True``.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: > 0.
        decay_rate: factor applied every ``decay_steps`` steps.
        staircase: decay in discrete jumps. Defaults to `False`.
        name: defaults to `"ExponentialDecay"`.
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="ExponentialDecay"):
        _check_decay_steps(decay_steps)
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.decay_rate, self.staircase, self.name = decay_rate, staircase, name

    def __call__(self, step):
        p = step / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate * self.decay_rate ** p

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class InverseTimeDecay(ExponentialDecay):
    """``lr(step) = initial_learning_rate / (1 + decay_rate * step / decay_steps)``, with
    ``step / decay_steps`` floored when ``staircase=True``.

    Args: as ``ExponentialDecay``; name defaults to `"InverseTimeDecay"`.
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="InverseTimeDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        p = step / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate / (1 + self.decay_rate * p)


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` while
    ``boundaries[i-1] < step <= boundaries[i]``, and ``values[-1]`` after the last boundary.

    Args:
        boundaries: increasing step numbers, one fewer than ``values``.
        values: the learning rates.
        name: defaults to `"PiecewiseConstant"`.
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(f"`boundaries` must have one entry fewer than `values`, got "
                             f"{len(boundaries)} boundaries and {len(values)} values.")
        if any(b >= c for b, c in zip(boundaries[:-1], boundaries[1:])):
            raise ValueError(f"`boundaries` must be increasing, got {list(boundaries)}.")
        self.boundaries, self.values, self.name = list(boundaries), list(values), name

    def __call__(self, step):
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return value
        return self.values[-1]

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Optional linear warmup from ``initial_learning_rate`` to ``warmup_target`` over
    ``warmup_steps``, then cosine decay over ``decay_steps`` from the peak rate ``r``:

        lr(s) = r ((1 - alpha) 0.5 (1 + cos(pi min(s, decay_steps) / decay_steps)) + alpha)

    with s counted from the end of the warmup (Loshchilov & Hutter, 2017).

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: > 0.
        alpha: the final rate as a fraction of the peak. Defaults to `0.0`.
        name: defaults to `"CosineDecay"`.
        warmup_target: the peak rate after warmup; `None` for no warmup. Defaults to `None`.
        warmup_steps: defaults to `0`.
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):
        _check_decay_steps(decay_steps)
        self.initial_learning_rate, self.decay_steps, self.alpha = (initial_learning_rate,
                                                                    decay_steps, alpha)
        self.name, self.warmup_target, self.warmup_steps = name, warmup_target, warmup_steps

    def _decay(self, step, peak):
        cosine = 0.5 * (1 + math.cos(math.pi * step / self.decay_steps))
        return peak * ((1 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        if self.warmup_target is None:
            return self._decay(min(step, self.decay_steps), self.initial_learning_rate)
        step = min(step, self.decay_steps + self.warmup_steps)
        if step < self.warmup_steps:
            rise = self.warmup_target - self.initial_learning_rate
            return self.initial_learning_rate + rise * step / self.warmup_steps
        return self._decay(step - self.warmup_steps, self.warmup_target)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


class PolynomialDecay(LearningRateSchedule):
    """From ``initial_learning_rate`` down to ``end_learning_rate`` in ``decay_steps`` steps:

        lr(s) = (initial - end) (1 - s / d)^power + end,   s = min(step, d), d = decay_steps

    then constant; with ``cycle=True``, d is instead the first multiple of ``decay_steps``
    at or above the step (``decay_steps`` at step 0), so the decay starts again, from a
    rate that falls with each cycle.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: > 0.
        end_learning_rate: defaults to `0.0001`.
        power: defaults to `1.0` (linear).
        cycle: defaults to `False`.
        name: defaults to `"PolynomialDecay"`.
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001,
                 power=1.0, cycle=False, name="PolynomialDecay"):
        _check_decay_steps(decay_steps)
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.end_learning_rate, self.power = end_learning_rate, power
        self.cycle, self.name = cycle, name

    def __call__(self, step):
        decay_steps = self.decay_steps
        if self.cycle:
            decay_steps *= 1.0 if step == 0 else math.ceil(step / self.decay_steps)
        else:
            step = min(step, decay_steps)
        fraction_left = 1 - step / decay_steps
        return ((self.initial_learning_rate - self.end_learning_rate)
                * fraction_left ** self.power + self.end_learning_rate)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR; Loshchilov & Hutter, 2017). The i-th period
    (i = 0, 1, ...) lasts ``first_decay_steps * t_mul^i`` steps and starts from the rate
    ``initial_learning_rate * m_mul^i``; within it, at the fraction f of the period:

        lr = initial_learning_rate ((1 - alpha) 0.5 m_mul^i (1 + cos(pi f)) + alpha)

    Args:
        initial_learning_rate: the rate at step 0.
        first_decay_steps: > 0, the length of the first period.
        t_mul: how much longer each period is than the one before. Defaults to `2.0`.
        m_mul: how much lower each period starts than the one before. Defaults to `1.0`.
        alpha: the rate's floor as a fraction of ``initial_learning_rate``.
            Defaults to `0.0`.
        name: defaults to `"SGDRDecay"`.
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0,
                 alpha=0.0, name="SGDRDecay"):
        if not first_decay_steps > 0:
            raise ValueError(f"`first_decay_steps` must be > 0, got {first_decay_steps!r}.")
        self.initial_learning_rate, self.first_decay_steps = (initial_learning_rate,
                                                              first_decay_steps)
        self.t_mul, self.m_mul, self.alpha, self.name = t_mul, m_mul, alpha, name

    def _period(self, fraction):
        """(i, f): the period reached after ``fraction`` first periods, and how far into it."""
        if self.t_mul == 1.0:
            i = math.floor(fraction)
            return i, fraction - i
        i = math.floor(math.log(1.0 - fraction * (1.0 - self.t_mul)) / math.log(self.t_mul))
        periods_before = (1.0 - self.t_mul ** i) / (1.0 - self.t_mul)
        return i, (fraction - periods_before) / self.t_mul ** i

    def __call__(self, step):
        i, f = self._period(step / self.first_decay_steps)
        cosine = 0.5 * self.m_mul ** i * (1.0 + math.cos(math.pi * f))
        return self.initial_learning_rate * ((1 - self.alpha) * cosine + self.alpha)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self.t_mul,
                "m_mul": self.m_mul, "alpha": self.alpha, "name": self.name}


ALL = {cls.__name__: cls for cls in (ExponentialDecay, PiecewiseConstantDecay,
                                     InverseTimeDecay, CosineDecay, PolynomialDecay,
                                     CosineDecayRestarts)}


def serialize(schedule):
    return registry.serialize(schedule)


def deserialize(config, custom_objects=None):
    """A schedule from ``serialize``'s output (custom classes: ``@numpynn.register()``)."""
    return registry.deserialize(config, "learning-rate schedule", ALL, custom_objects)
