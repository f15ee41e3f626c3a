"""The running totals behind ``fit``'s logs, summed across processes.

A log value is a ratio of sums over the samples seen (a loss total over a count, true
positives over predictions...). Each process holds the sums over its own samples
(``OutputLosses.state()``: the loss totals, counts, and each metric's ``reset_state``
attributes); summing each over the processes gives the values of one process that saw
every sample.
"""
import numpy as np


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


def summed_state(compiled, allreduce):
    """``compiled.state()`` (of an ``OutputLosses``) summed over the processes with
    ``allreduce`` (in place on a float64 array)."""
    local = compiled.state()
    names = sorted(local)
    flat = pack([local[name] for name in names])
    allreduce(flat)
    return dict(zip(names, unpack(flat, [local[name] for name in names])))


def summed_results(compiled, prefix, allreduce):
    """``compiled.results(prefix)`` over the samples of all processes: the totals are
    summed, read, and this process's put back."""
    local = compiled.state()
    compiled.set_state(summed_state(compiled, allreduce))
    try:
        return compiled.results(prefix)
    finally:
        compiled.set_state(local)
