"""``PyDataset``: Keras 3's base class for data given batch by batch by Python code (the
successor of ``Sequence``)."""
import itertools
import warnings


class PyDataset:
    """Subclass it and write ``__len__`` (the number of batches in an epoch) and
    ``__getitem__(index)`` (batch ``index``: ``x``, ``(x,)``, ``(x, y)`` or
    ``(x, y, sample_weight)`` of NumPy arrays); ``on_epoch_end`` (and ``on_epoch_begin``) are
    called between epochs, e.g. to reshuffle. An endless PyDataset defines ``num_batches``
    returning `None` instead of ``__len__``.

    Args:
        workers: threads that call ``__getitem__`` ahead of the training step, in order.
            Defaults to `1` (one background thread; `0` reads in the caller's thread).
        use_multiprocessing: only `False`: numpynn reads batches on threads (NumPy and
            Pillow release the interpreter lock while they work).
        max_queue_size: batches read ahead at most. Defaults to `10`.

    Example::

        class Batches(PyDataset):
            def __init__(self, x, y, batch_size, **kwargs):
                super().__init__(**kwargs)
                self.x, self.y, self.batch_size = x, y, batch_size

            def __len__(self):
                return math.ceil(len(self.x) / self.batch_size)

            def __getitem__(self, index):
                rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
                return self.x[rows], self.y[rows]
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        if use_multiprocessing:
            raise ValueError("numpynn's PyDataset reads batches on threads; pass "
                             "use_multiprocessing=False (the default) and workers=N for N "
                             "threads.")
        for name, value, least in (("workers", workers, 0), ("max_queue_size", max_queue_size, 1)):
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise ValueError(f"PyDataset {name} must be an integer of at least {least}, "
                                 f"got {value!r}.")
        self._workers, self._max_queue_size = workers, max_queue_size
        self._use_multiprocessing = False

    def _settings(self):
        """(workers, max_queue_size), with Keras' warning for a subclass whose __init__
        forgot ``super().__init__(**kwargs)``."""
        if not hasattr(self, "_workers"):
            warnings.warn("Your PyDataset class should call super().__init__(**kwargs) in its "
                          "constructor; **kwargs can include workers and max_queue_size. "
                          "Reading with the defaults (workers=1, max_queue_size=10).",
                          stacklevel=3)
            self._workers, self._max_queue_size, self._use_multiprocessing = 1, 10, False
        return self._workers, self._max_queue_size

    @property
    def workers(self):
        return self._settings()[0]

    @property
    def max_queue_size(self):
        return self._settings()[1]

    @property
    def use_multiprocessing(self):
        self._settings()
        return self._use_multiprocessing

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(index), "
                                  "returning batch number `index`.")

    @property
    def num_batches(self):
        """The number of batches in an epoch: ``len(self)``, or `None` for endless data."""
        if hasattr(self, "__len__"):
            return len(self)
        raise NotImplementedError(f"{type(self).__name__} must define __len__ (the number of "
                                  "batches), or a num_batches property returning None when "
                                  "it never ends.")

    def on_epoch_begin(self):
        """Called before each epoch."""

    def on_epoch_end(self):
        """Called after each epoch."""

    def __iter__(self):
        indices = range(self.num_batches) if self.num_batches is not None else itertools.count()
        for index in indices:
            yield self[index]
