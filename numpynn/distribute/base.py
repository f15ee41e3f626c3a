"""``Strategy``: the hooks the training loop calls, as one process runs them.

``fit`` and ``evaluate`` call these few hooks; a data-parallel strategy
(``MPIDataParallel``) overrides them. Here they do nothing: one process trains on
whole batches and reads its own running metrics.
"""
import contextlib


class Strategy:
    """One process training alone (the default of ``Model.compile``)."""

    rank, size = 0, 1

    @property
    def is_chief(self):
        """Whether this process prints progress and writes files (rank 0)."""
        return self.rank == 0

    def guard(self):
        """A context in which an error stops every process (here: nothing to stop)."""
        return contextlib.nullcontext()

    def begin_fit(self, model, rows, batch_size, epochs, shuffle):
        """Before the first batch of ``fit`` (after the callbacks' ``on_train_begin``)."""

    def end_fit(self):
        """After the last batch of ``fit``."""

    def local_rows(self, index):
        """The rows of a global batch (``index``: sample numbers) this process trains on."""
        return index

    @property
    def row_picker(self):
        """``local_rows``, or `None` when one process takes whole batches."""
        return None if self.size == 1 else self.local_rows

    def reduce_gradients(self, grads):
        """Turn this process's gradient (flat, in place) into the global batch's."""

    def shard(self, xs, ys, ws):
        """This process's share of evaluation data (lists of arrays, ``None`` weights)."""
        return xs, ys, ws

    def results(self, compiled, prefix=""):
        """The logs of ``compiled`` (``OutputLosses``) over all processes' samples."""
        return compiled.results(prefix)

    def summed_state(self, compiled):
        """The running totals of ``compiled`` (``OutputLosses.state()``) over all
        processes' samples."""
        return compiled.state()


#: the strategy of a model compiled without ``distribute``
SINGLE_PROCESS = Strategy()
