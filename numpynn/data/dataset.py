"""``Dataset``: tf.data's chain of transformations, on NumPy.

A dataset is a recipe: iterating over it (``for x, y in ds``) runs the chain from its
source and yields elements (NumPy arrays, or tuples and dicts of them); every new ``for``
loop starts again, so one dataset serves every epoch. Each method returns a new dataset::

    ds = (Dataset.from_tensor_slices((x, y)).shuffle(1000, seed=1)
          .map(lambda x, y: (x / 255.0, y)).batch(32).prefetch(2))

Sizes: ``len(ds)`` and ``ds.cardinality()`` as in tf.data, with ``INFINITE_CARDINALITY``
(-1) after ``repeat()`` and ``UNKNOWN_CARDINALITY`` (-2) where it cannot be known without
iterating (after ``unbatch``).
"""
import itertools
import math
import os

import numpy as np

from numpynn import backend
from numpynn.data import structure
from numpynn.data.background import parallel_map, read_ahead

INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2
#: ``num_parallel_calls`` / ``buffer_size`` chosen by numpynn (tf.data.AUTOTUNE)
AUTOTUNE = -1
AUTOTUNE_PREFETCH = 4
_END = object()  # what next(iterator, _END) returns at the end


def _count(value, name, allow_all=False):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or (
            value < (-1 if allow_all else 1)):
        least = "-1 (all)" if allow_all else "1"
        raise ValueError(f"{name} must be an integer of at least {least}, got {value!r}.")
    return int(value)


class Dataset:
    """An iterable of elements, built by ``from_tensor_slices`` and the chain methods.

    Args:
        make_iterator: function of no argument that returns a fresh iterator.
        cardinality: the number of elements, or ``INFINITE_CARDINALITY`` /
            ``UNKNOWN_CARDINALITY``.
    """

    def __init__(self, make_iterator, cardinality=UNKNOWN_CARDINALITY):
        self._make_iterator = make_iterator
        self._cardinality = int(cardinality)
        self._slices = None  # the arrays of an untouched from_tensor_slices dataset

    @staticmethod
    def from_tensor_slices(tensors):
        """Elements are the slices ``tensors[i]`` along the first axis; ``tensors`` is an
        array (or list), a tuple ``(x, y)`` / ``(x, y, sample_weight)`` or a dict of them,
        all with the same first size."""
        arrays = structure.map_structure(np.asarray, tensors)
        n = structure.batch_length(arrays, "from_tensor_slices")

        def iterate():
            for i in range(n):
                yield structure.map_structure(lambda a: a[i], arrays)
        dataset = Dataset(iterate, n)
        dataset._slices = arrays
        return dataset

    def __iter__(self):
        return iter(self._make_iterator())

    def as_numpy_iterator(self):
        """An iterator over the elements (they are NumPy arrays already)."""
        return iter(self)

    def cardinality(self):
        """The number of elements, ``INFINITE_CARDINALITY`` (-1) or
        ``UNKNOWN_CARDINALITY`` (-2)."""
        return self._cardinality

    def __len__(self):
        if self._cardinality == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if self._cardinality == UNKNOWN_CARDINALITY:
            raise TypeError("The dataset length is unknown.")
        return self._cardinality

    def __repr__(self):
        sizes = {INFINITE_CARDINALITY: "infinite", UNKNOWN_CARDINALITY: "unknown"}
        return f"<Dataset cardinality={sizes.get(self._cardinality, self._cardinality)}>"

    # -- the chain -------------------------------------------------------------------------
    def map(self, map_func, num_parallel_calls=None, deterministic=None):
        """Apply ``map_func`` to each element (``map_func(*element)`` for a tuple).

        ``num_parallel_calls`` threads (``AUTOTUNE``: one per CPU, at most 8) call it ahead
        of the consumer; the order of the elements is kept (``deterministic`` is accepted
        for tf.data's signature and changes nothing)."""
        def call(element):
            return map_func(*element) if isinstance(element, tuple) else map_func(element)
        if num_parallel_calls is None or num_parallel_calls == 1:
            return Dataset(lambda: map(call, self), self._cardinality)
        workers = (min(8, os.cpu_count() or 1) if num_parallel_calls == AUTOTUNE
                   else _count(num_parallel_calls, "num_parallel_calls"))
        return Dataset(lambda: parallel_map(call, self, workers), self._cardinality)

    def batch(self, batch_size, drop_remainder=False):
        """Stack ``batch_size`` consecutive elements into one; the last batch may be smaller
        unless ``drop_remainder``."""
        batch_size = _count(batch_size, "batch_size")
        if self._slices is not None:
            return self._batch_slices(batch_size, drop_remainder)

        def iterate():
            pending, index = [], 0
            for element in self:
                pending.append(element)
                if len(pending) == batch_size:
                    yield structure.stack(pending, f"batch {index}")
                    pending, index = [], index + 1
            if pending and not drop_remainder:
                yield structure.stack(pending, f"batch {index}")
        return Dataset(iterate, self._batched_cardinality(batch_size, drop_remainder))

    def _batch_slices(self, batch_size, drop_remainder):
        """``batch`` of ``from_tensor_slices``: copies of slices of the arrays."""
        arrays, n = self._slices, self._cardinality
        stop = n - n % batch_size if drop_remainder else n

        def iterate():
            for start in range(0, stop, batch_size):
                yield structure.map_structure(lambda a: a[start:start + batch_size].copy(), arrays)
        return Dataset(iterate, self._batched_cardinality(batch_size, drop_remainder))

    def _batched_cardinality(self, batch_size, drop_remainder):
        n = self._cardinality
        if n < 0:
            return n
        return n // batch_size if drop_remainder else math.ceil(n / batch_size)

    def unbatch(self):
        """Split each element along its first axis into single elements."""
        def iterate():
            for index, element in enumerate(self):
                n = structure.batch_length(element, f"unbatch(): element {index}")
                for i in range(n):
                    yield structure.map_structure(lambda a: np.asarray(a)[i], element)
        return Dataset(iterate, UNKNOWN_CARDINALITY)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True):
        """Shuffle with a buffer, as tf.data: fill a buffer of ``buffer_size`` elements, then
        yield a random one of the buffer and put the next element in its place. A buffer at
        least the size of the dataset gives a uniform shuffle. Each iteration (epoch) gets a
        new order unless ``reshuffle_each_iteration=False``; ``seed`` (default: drawn from the
        generator ``numpynn.utils.set_random_seed`` seeds) makes the orders repeatable."""
        buffer_size = _count(buffer_size, "buffer_size")
        base = int(backend.rng().integers(2**63)) if seed is None else int(seed)
        epochs = itertools.count()

        def iterate():
            epoch = next(epochs) if reshuffle_each_iteration else 0
            rng = np.random.default_rng([base, epoch])
            buffer = []
            for element in self:
                if len(buffer) < buffer_size:
                    buffer.append(element)
                    continue
                i = rng.integers(len(buffer))
                yield buffer[i]
                buffer[i] = element
            while buffer:
                i = rng.integers(len(buffer))
                buffer[i], buffer[-1] = buffer[-1], buffer[i]
                yield buffer.pop()
        return Dataset(iterate, self._cardinality)

    def take(self, count):
        """The first ``count`` elements (``-1``: all)."""
        count = _count(count, "take count", allow_all=True)
        if count == -1:
            return self
        n = self._cardinality
        size = count if n == INFINITE_CARDINALITY else n if n < 0 else min(n, count)

        def iterate():
            iterator = iter(self)
            for _ in range(count):
                element = next(iterator, _END)
                if element is _END:
                    return
                yield element
        return Dataset(iterate, size)

    def skip(self, count):
        """All but the first ``count`` elements (``-1``: skip all)."""
        count = _count(count, "skip count", allow_all=True)
        n = self._cardinality
        size = n if n < 0 else 0 if count == -1 else max(n - count, 0)

        def iterate():
            iterator = iter(self)
            if count == -1:
                for _ in iterator:
                    pass
            for _ in range(count):
                if next(iterator, _END) is _END:
                    return
            yield from iterator
        return Dataset(iterate, size)

    def repeat(self, count=None):
        """The elements ``count`` times over (``None`` or ``-1``: forever)."""
        count = -1 if count is None else _count(count, "repeat count", allow_all=True)
        n = self._cardinality
        if count == -1:
            size = 0 if n == 0 else INFINITE_CARDINALITY
        else:
            size = n if n < 0 else n * count

        def iterate():
            done = 0
            while count == -1 or done < count:
                empty = True
                for element in self:
                    empty = False
                    yield element
                done += 1
                if empty:
                    return
        return Dataset(iterate, size)

    def cache(self, filename=""):
        """Keep the elements in memory after the first complete iteration; later ones
        replay them instead of running the chain again (file loading, decoding, maps)."""
        if filename:
            raise ValueError("numpynn's Dataset.cache keeps elements in memory only; call "
                             "cache() without a file name.")
        stored = []

        def iterate():
            if stored:
                yield from stored[0]
                return
            elements = []
            for element in self:
                elements.append(element)
                yield element
            if not stored:
                stored.append(elements)
        return Dataset(iterate, self._cardinality)

    def prefetch(self, buffer_size):
        """Read up to ``buffer_size`` elements ahead on a background thread (``AUTOTUNE``:
        4), so loading the next batch overlaps the work on this one. An error raised while
        reading comes out of the loop at the element it concerned."""
        size = AUTOTUNE_PREFETCH if buffer_size == AUTOTUNE else _count(buffer_size,
                                                                        "buffer_size")
        return Dataset(lambda: read_ahead(self, size), self._cardinality)

