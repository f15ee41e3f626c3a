"""Data adapters: whatever a user gives ``fit``, ``evaluate`` or ``predict`` becomes one kind
of thing, an iterator of batches ``(x, y, sample_weight)`` (``y`` and ``sample_weight`` may be
`None`), as Keras 3's ``data_adapters``.

``get_data_adapter`` picks the adapter:

- NumPy arrays (or lists, or tuples/dicts of arrays for several inputs), with ``y`` and
  ``sample_weight`` arrays: ``ArrayDataAdapter`` slices batches of ``batch_size`` (32 by
  default), shuffled each epoch with ``shuffle=True``;
- a ``numpynn.data.Dataset`` or any other re-iterable object (``for`` works on it more than
  once) of batches: ``IterableDataAdapter``, a new pass each epoch;
- a generator or other one-shot iterator of batches: ``IterableDataAdapter`` reading ahead on
  a background thread;
- a ``PyDataset``: ``PyDatasetAdapter``, ``workers`` threads reading ahead.

A batch is ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``; a bad one raises a
ValueError that names it (its number, its shapes). ``EpochIterator`` cuts the batches into
epochs, with Keras' ``steps_per_epoch``.
"""
import itertools
import math
import warnings

import numpy as np

from numpynn import backend
from numpynn.data import structure
from numpynn.data.background import parallel_map, read_ahead
from numpynn.data.dataset import AUTOTUNE_PREFETCH, INFINITE_CARDINALITY, Dataset
from numpynn.data.py_dataset import PyDataset


def class_weight_to_sample_weights(y, class_weight):
    """One weight per sample, ``class_weight[label]`` (1 for a class not in the dict); ``y``
    holds labels, one-hot rows or (n, 1) columns."""
    y = np.asarray(y)
    if y.ndim > 1:
        y = np.argmax(y, axis=-1) if y.shape[-1] != 1 else y[..., 0]
    labels = np.round(y).astype(np.int64)
    return np.array([class_weight.get(int(label), 1.0) for label in labels],
                    dtype=backend.floatx())


def check_parts(parts, what):
    """``parts`` = (x, y, sample_weight) (each an array structure or `None`): numeric, with
    one length; returns the length."""
    for name, part in zip(("x", "y", "sample_weight"), parts):
        if part is not None and any(a.dtype.kind not in "biuf" for a in structure.flatten(part)):
            raise ValueError(f"{what}: {name} must be numeric, got {structure.describe(part)}.")
    return structure.batch_length(tuple(p for p in parts if p is not None), what)


class BatchChecker:
    """Turns each batch a source yields into ``(x, y, sample_weight)`` of NumPy arrays and
    checks it against the first batch; errors name the batch and the source."""

    def __init__(self, source, class_weight=None):
        self.source, self.class_weight = source, class_weight
        self.sample_shapes = None

    def __call__(self, batch, index):
        what = f"batch {index} of the {self.source}"
        if isinstance(batch, list):
            batch = tuple(batch)
        if not isinstance(batch, tuple):
            batch = (batch,)
        if not 1 <= len(batch) <= 3:
            raise ValueError(f"{what} has {len(batch)} parts; a batch is x, (x,), (x, y) or "
                             f"(x, y, sample_weight).")
        batch = tuple(None if part is None else structure.as_arrays(part) for part in batch)
        x, y, sample_weight = batch + (None,) * (3 - len(batch))
        check_parts((x, y, sample_weight), what)
        shapes = structure.map_structure(lambda a: None if a is None else a.shape[1:], (x, y))
        if self.sample_shapes is None:
            self.sample_shapes = shapes
        elif shapes != self.sample_shapes:
            raise ValueError(f"{what} holds samples of shapes (x, y) = {shapes}, the first batch "
                             f"held {self.sample_shapes}; every batch needs the same sample "
                             f"shapes.")
        if self.class_weight is not None and y is not None:
            if sample_weight is not None:
                raise ValueError("Pass either class_weight or sample weights in the batches, "
                                 "not both.")
            sample_weight = class_weight_to_sample_weights(y, self.class_weight)
        return x, y, sample_weight


class DataAdapter:
    """What an adapter offers: ``iterator()`` (one pass over the batches), ``num_batches``
    (batches in a pass, or `None` when unknown or endless), ``restartable`` (whether a new pass
    can begin), ``infinite``, and ``on_epoch_begin``/``on_epoch_end``."""

    num_batches = None
    restartable = True
    infinite = False
    source = "arrays"  # what the batches come from, for error messages

    def iterator(self):
        raise NotImplementedError

    def on_epoch_begin(self):
        pass

    def on_epoch_end(self):
        pass

    def batch_name(self, step):
        """How errors name the batch read at ``step`` of a pass."""
        return f"batch {step}"


def _inputs(part):
    """A list of arrays is several inputs (a tuple), as in Keras; another list is one array."""
    if isinstance(part, list) and part and all(isinstance(a, np.ndarray) for a in part):
        return tuple(part)
    return part


class ArrayDataAdapter(DataAdapter):
    """Batches sliced from arrays ``x`` (an array, or a list/tuple/dict of arrays for several
    inputs), ``y`` and ``sample_weight``; with ``shuffle``, in a new random order each
    pass."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, steps=None,
                 shuffle=False, class_weight=None):
        if sample_weight is not None and class_weight is not None:
            raise ValueError("Pass either sample_weight or class_weight, not both.")
        if class_weight is not None:
            if y is None:
                raise ValueError("class_weight needs the targets y.")
            sample_weight = class_weight_to_sample_weights(y, class_weight)
        self._arrays = tuple(None if part is None else structure.as_arrays(_inputs(part))
                             for part in (x, y, sample_weight))
        self._n = check_parts(self._arrays, "x, y and sample_weight")
        if batch_size is None:
            batch_size = math.ceil(self._n / steps) if steps else 32
        self.batch_size, self.shuffle = int(batch_size), shuffle
        self.num_batches = math.ceil(self._n / self.batch_size)

    def iterator(self):
        order = backend.rng().permutation(self._n) if self.shuffle else None
        for start in range(0, self._n, self.batch_size):
            rows = (slice(start, start + self.batch_size) if order is None  # a view, no copy
                    else order[start:start + self.batch_size])
            yield tuple(None if part is None else structure.map_structure(lambda a: a[rows], part)
                        for part in self._arrays)


class IterableDataAdapter(DataAdapter):
    """Batches from a ``Dataset``, another re-iterable object, or a one-shot iterator
    (a generator), which is read ahead on a background thread."""

    def __init__(self, data, class_weight=None):
        self.data = data
        self.restartable = not hasattr(data, "__next__")  # an iterator is used up once
        self.source = ("Dataset" if isinstance(data, Dataset)
                       else "iterable" if self.restartable else "generator")
        self._checker = BatchChecker(self.source, class_weight)
        if isinstance(data, Dataset):
            self.infinite = data.cardinality() == INFINITE_CARDINALITY
            self.num_batches = data.cardinality() if data.cardinality() >= 0 else None
        elif self.restartable and hasattr(data, "__len__"):
            self.num_batches = len(data)

    def iterator(self):
        batches = self.data if isinstance(self.data, Dataset) else read_ahead(
            self.data, AUTOTUNE_PREFETCH)
        for index, batch in enumerate(batches):
            yield self._checker(batch, index)


class PyDatasetAdapter(DataAdapter):
    """Batches ``dataset[i]`` of a ``PyDataset``, read by its ``workers`` threads up to
    ``max_queue_size`` ahead; with ``shuffle`` (and a known length), in a new random batch
    order each pass."""

    def __init__(self, dataset, shuffle=False, class_weight=None):
        self.dataset, self.shuffle = dataset, shuffle
        self.num_batches = dataset.num_batches
        self.infinite = self.num_batches is None
        self.source = f"PyDataset {type(dataset).__name__}"
        self._checker = BatchChecker(self.source, class_weight)

    def iterator(self):
        if self.num_batches is None:
            indices = itertools.count()
        elif self.shuffle:
            indices = backend.rng().permutation(self.num_batches).tolist()
        else:
            indices = list(range(self.num_batches))
        workers, queue_size = self.dataset.workers, self.dataset.max_queue_size
        batches = (map(self.dataset.__getitem__, indices) if workers == 0 else
                   parallel_map(self.dataset.__getitem__, iter(indices), workers, queue_size))
        # errors name the batch by its index in the PyDataset, whatever the order
        for index, batch in zip(indices if isinstance(indices, list) else itertools.count(),
                                batches):
            self._index = index
            yield self._checker(batch, index)

    def batch_name(self, step):
        return f"batch {self._index}"

    def on_epoch_begin(self):
        self.dataset.on_epoch_begin()

    def on_epoch_end(self):
        self.dataset.on_epoch_end()


def _not_with(kind, given):
    raise ValueError(f"When x is a {kind}, pass {given} inside its batches, not as an "
                     f"argument: batches are (x, y) or (x, y, sample_weight).")


def get_data_adapter(x, y=None, sample_weight=None, batch_size=None, steps_per_epoch=None,
                     shuffle=False, class_weight=None):
    """The adapter for ``x`` (and ``y``, ``sample_weight`` with arrays); see the module's
    docstring. ``batch_size`` applies to arrays only: other sources give whole batches."""
    if isinstance(x, DataAdapter):
        return x
    if isinstance(x, (np.ndarray, list, tuple, dict)) or np.isscalar(x):
        return ArrayDataAdapter(x, y, sample_weight, batch_size, steps_per_epoch, shuffle,
                                class_weight)
    kind = "PyDataset" if isinstance(x, PyDataset) else type(x).__name__
    for name, value in (("y", y), ("sample_weight", sample_weight)):
        if value is not None:
            _not_with(kind, name)
    if isinstance(x, PyDataset):
        return PyDatasetAdapter(x, shuffle, class_weight)
    if hasattr(x, "__iter__") or hasattr(x, "__next__"):
        return IterableDataAdapter(x, class_weight)
    raise TypeError(f"Cannot read batches from x of type {type(x).__name__}: pass NumPy "
                    "arrays, a numpynn.data.Dataset, a PyDataset, or a generator or iterable "
                    "of (x, y) batches.")


class EpochIterator:
    """Epochs of batches from any data ``get_data_adapter`` takes.

    Without ``steps_per_epoch`` an epoch is one pass over the data. With it, an epoch is
    ``steps_per_epoch`` batches and the next epoch goes on where this one stopped; when the
    data runs out in the middle of an epoch, the epoch ends there with Keras' warning and the
    next one starts a new pass (if the data can restart; else ``ran_out`` becomes True and
    training should stop).

    Example::

        epochs = EpochIterator(x_train, y_train, batch_size=32, shuffle=True)
        for epoch in range(3):
            for step, (x, y, sample_weight) in epochs.epoch():
                ...
    """

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, steps_per_epoch=None,
                 shuffle=False, class_weight=None):
        if steps_per_epoch is not None and (isinstance(steps_per_epoch, bool) or not isinstance(
                steps_per_epoch, (int, np.integer)) or steps_per_epoch < 1):
            raise ValueError(f"steps_per_epoch must be a positive integer or None, got "
                             f"{steps_per_epoch!r}.")
        self.adapter = get_data_adapter(x, y, sample_weight, batch_size, steps_per_epoch,
                                        shuffle, class_weight)
        if self.adapter.infinite and steps_per_epoch is None:
            raise ValueError("x never ends (an endless PyDataset or a Dataset after repeat()): "
                             "pass steps_per_epoch (and validation_steps for validation data) "
                             "to say how many batches make an epoch.")
        self.steps_per_epoch = steps_per_epoch
        self.ran_out = False
        self._iterator = None
        self._seen_any = False

    @property
    def num_batches(self):
        """Batches per epoch when known (for progress bars), else `None`."""
        return self.steps_per_epoch or self.adapter.num_batches

    def epoch(self):
        """Yield ``(step, (x, y, sample_weight))`` for the batches of one epoch."""
        self.adapter.on_epoch_begin()
        step = 0
        while not self.ran_out and (self.steps_per_epoch is None or step < self.steps_per_epoch):
            fresh = self._iterator is None
            if fresh:
                self._iterator = self.adapter.iterator()
            batch = next(self._iterator, None)
            if batch is not None:
                self._seen_any = True
                yield step, batch
                step += 1
                continue
            self._iterator = None
            if not self._seen_any:
                raise ValueError("x gave no batches at all: check that the data set, "
                                 "generator or PyDataset is not empty.")
            if fresh and not self.adapter.restartable:  # a generator, used up earlier
                self._run_out(restart=False)
            elif self.steps_per_epoch is not None and step == 0 and not fresh:
                continue  # the pass ended with the previous epoch: start the next pass
            elif self.steps_per_epoch is not None:  # the pass ended in the middle of the epoch
                self._run_out(restart=self.adapter.restartable)
            break
        self.adapter.on_epoch_end()

    def reset(self):
        """Begin the next epoch at the start of the data (``evaluate`` does, each time); a
        generator, which cannot start again, goes on where it stopped."""
        if self.adapter.restartable:
            self._iterator = None

    def _run_out(self, restart):
        warnings.warn("Your input ran out of data; interrupting the epoch. Make sure that your "
                      "dataset or generator can generate at least steps_per_epoch * epochs "
                      "batches; you may need .repeat() on your dataset.", stacklevel=3)
        self.ran_out = not restart
