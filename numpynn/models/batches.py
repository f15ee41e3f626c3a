"""The batches that ``fit``, ``evaluate`` and ``predict`` run on, one epoch at a time.

Both kinds yield ``(step, (xs, ys, ws))``: lists of checked arrays, one per model input,
output and output's sample weights (``ws[i]`` is `None` without weights).

- ``ArrayBatches``: NumPy arrays already checked as a whole; each batch is a slice (in order)
  or gathered in a shuffled order into arrays made once (no allocation per batch).
- ``SourceBatches``: anything else ``numpynn.data.adapters`` reads (a ``Dataset``, a
  generator or iterable of batches, a ``PyDataset``); each batch is checked and converted as
  it comes, and an error names the batch and the source.
"""
import itertools
import math

import numpy as np

from numpynn import backend
from numpynn.data.adapters import EpochIterator
from numpynn.models import sample_weights


def is_arrays(x):
    """Whether ``x`` is array data (an array, or a list/tuple/dict of arrays per input), which
    ``fit`` checks whole and batches itself; anything else goes through the adapters."""
    if isinstance(x, dict):
        return all(is_arrays(v) for v in x.values())
    if isinstance(x, (list, tuple)):  # arrays per input, or nested lists (not batch tuples)
        return all(isinstance(v, (np.ndarray, list, int, float)) for v in x)
    return isinstance(x, np.ndarray) or np.isscalar(x) or x is None


def batch_size_for(batch_size, n):
    """``batch_size`` checked, at most ``n`` (default 32)."""
    if batch_size is None:
        return min(32, max(n, 1))
    if int(batch_size) != batch_size or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}.")
    return int(min(batch_size, max(n, 1)))



class ArrayBatches:
    """Batches of ``batch_size`` rows of the arrays ``xs``, ``ys``, ``ws``; with ``shuffle``,
    in a new random order each epoch (``order``, kept for backups). ``local_rows(index)``
    picks the rows of each batch this process trains on (data-parallel training)."""

    def __init__(self, xs, ys, ws, batch_size, shuffle=False, local_rows=None):
        self.xs, self.ys, self.ws = xs, ys, ws
        self.n = len(xs[0])
        self.batch_size, self.shuffle = batch_size, shuffle
        self.num_batches = math.ceil(self.n / batch_size)
        self.order = None
        self.ran_out = False
        self.local_rows = local_rows
        if shuffle or local_rows:
            # The indices come from a permutation, so always in range: mode="clip" checks
            # nothing and lets np.take write straight into these arrays (with the default
            # mode="raise" it gathers into a temporary array first: about 1.5x the time).
            self._x_out = [np.empty((batch_size,) + a.shape[1:], a.dtype) for a in xs]
            self._y_out = [np.empty((batch_size,) + a.shape[1:], a.dtype) for a in ys]
            self._w_out = sample_weights.batch_buffers(ws, batch_size)

    def epoch(self, first_step=0, order=None):
        """The batches of one epoch from batch ``first_step`` on, in ``order`` (default: a
        new permutation with ``shuffle``, drawn when the first batch is asked for)."""
        if self.shuffle:
            self.order = backend.rng().permutation(self.n) if order is None else order
        for step in range(first_step, self.num_batches):
            start = step * self.batch_size
            if not self.shuffle and not self.local_rows:
                rows = slice(start, start + self.batch_size)  # views, no copy
                yield step, ([a[rows] for a in self.xs], [a[rows] for a in self.ys],
                             sample_weights.rows(self.ws, rows))
                continue
            index = (self.order[start:start + self.batch_size] if self.shuffle
                     else np.arange(start, min(start + self.batch_size, self.n)))
            if self.local_rows:
                index = self.local_rows(index)
            yield step, (_take(self.xs, index, self._x_out), _take(self.ys, index, self._y_out),
                         sample_weights.take(self.ws, index, self._w_out))


def _take(arrays, index, out):
    return [np.take(a, index, axis=0, out=b[:len(index)], mode="clip") for a, b in zip(arrays, out)]


class SourceBatches:
    """The batches of a data source (see ``numpynn.data.adapters.EpochIterator`` for the
    arguments), each turned into ``(xs, ys, ws)`` by ``prepare(x, y, sample_weight)``, which
    checks it against the model (and builds the model from the first one)."""

    order = None  # the source decides the order

    def __init__(self, prepare, x, y=None, sample_weight=None, batch_size=None, steps=None,
                 shuffle=False, class_weight=None, from_start=False, local_rows=None):
        self._epochs = EpochIterator(x, y, sample_weight, batch_size, steps, shuffle,
                                     class_weight)
        self._prepare = prepare
        #: each epoch starts at the beginning of the data (validation does, as in Keras),
        #: rather than where the last one stopped (with ``steps``)
        self.from_start = from_start
        self.local_rows = local_rows  # as ArrayBatches'

        self._waiting = None  # the first epoch's batches, begun by ``first``

    @property
    def num_batches(self):
        """Batches per epoch, or `None` when the source does not say."""
        return self._epochs.num_batches

    @property
    def ran_out(self):
        """Whether a one-shot source (a generator) has no more batches."""
        return self._epochs.ran_out

    def first(self):
        """Read and check the first batch now (it builds the model), before training starts;
        ``epoch`` still yields it."""
        batches = self._epochs.epoch()
        step, batch = next(batches)
        self._waiting = itertools.chain([(step, batch)], batches)
        return self._checked(step, batch)

    def epoch(self, first_step=0, order=None):
        """The batches of one epoch, from batch ``first_step`` on (a resumed epoch reads
        and skips the batches before it)."""
        if self._waiting is None and self.from_start:
            self._epochs.reset()
        batches, self._waiting = self._waiting or self._epochs.epoch(), None
        for step, batch in batches:
            if step >= first_step:
                yield step, self._checked(step, batch)

    def _checked(self, step, batch):
        try:
            xs, ys, ws = self._prepare(*batch)
        except ValueError as error:
            adapter = self._epochs.adapter
            raise ValueError(f"{adapter.batch_name(step)} of the {adapter.source}: "
                             f"{error}") from None
        if self.local_rows is None:
            return xs, ys, ws
        index = self.local_rows(np.arange(len(xs[0])))
        return ([a[index] for a in xs], [a[index] for a in ys],
                [None if w is None else w[index] for w in ws])
