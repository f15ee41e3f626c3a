"""The running totals behind ``fit``'s logs, gathered into one array to be summed across
processes.

A log value is a ratio of sums over the samples seen (a loss total over a count, true
positives over predictions...). Each process holds the sums over its own samples; summing
each sum over the processes gives the values of one process that saw every sample. The
sums of a metric are the attributes its ``reset_state`` sets.
"""
import copy

import numpy as np


def state_names(metric):
    """The attributes ``metric.reset_state()`` assigns: its running sums."""
    names = []

    class Recorder(type(metric)):
        def __setattr__(self, name, value):
            names.append(name)
            object.__setattr__(self, name, value)

    probe = copy.copy(metric)
    probe.__class__ = Recorder
    probe.reset_state()
    return sorted(set(names))


def totals_of(compiled):
    """``[(object, attribute)]`` of every running total of ``compiled`` (``OutputLosses``)."""
    slots = [(compiled, "_penalty_total")]
    for running in compiled.running:
        if running is None:
            continue
        running.results()  # folds the rows it holds back into the totals
        slots += [(running, "loss_total"), (running, "count")]
        slots += [(metric, name) for metric in running.metrics for name in state_names(metric)]
    return slots


def pack(values):
    """The values (numbers and arrays) as one float64 array."""
    if not values:
        return np.zeros(0)
    return np.concatenate([np.ravel(np.asarray(v, dtype=np.float64)) for v in values])


def unpack(flat, like):
    """``pack``'s inverse: values of the types and shapes of ``like``."""
    values, start = [], 0
    for value in like:
        size = np.size(value)
        part = flat[start:start + size]
        start += size
        if isinstance(value, np.ndarray):
            values.append(part.reshape(value.shape).astype(value.dtype))
        elif isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            values.append(type(value)(round(float(part[0]))))
        else:
            values.append(type(value)(part[0]))
    return values


def summed_results(compiled, prefix, allreduce):
    """``compiled.results(prefix)`` over the samples of all processes: the totals are
    summed with ``allreduce`` (in place on a float64 array), read, and put back."""
    slots = totals_of(compiled)
    local = [getattr(obj, name) for obj, name in slots]
    flat = pack(local)
    allreduce(flat)
    for (obj, name), value in zip(slots, unpack(flat, local)):
        setattr(obj, name, value)
    try:
        return compiled.results(prefix)
    finally:
        for (obj, name), value in zip(slots, local):
            setattr(obj, name, value)
