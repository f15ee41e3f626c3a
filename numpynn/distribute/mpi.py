"""``MPIDataParallel``: synchronous data-parallel training over MPI, as Horovod and
``tf.distribute.MultiWorkerMirroredStrategy`` do it.

Each of N processes (ranks) holds the whole model. At the start of ``fit`` they check that
they agree (``handshake``) and take rank 0's weights, optimizer state and random
generators. Every epoch they shuffle alike (same generator), so each global batch of B
sample numbers is the same everywhere; rank r trains on rows ``B*r//N : B*(r+1)//N``.
After backward, with g_r the mean gradient over rank r's b_r rows::

    g = sum_r (b_r / B) * g_r        (one in-place Allreduce of the flat gradient buffer)

is the gradient of the global batch's mean loss, also when B does not divide by N or the
last batch is short. Every rank then takes the same optimizer step. Regularization
penalties of the weights are added after the sum (once, not N times). Logs come from the
running totals summed over the ranks, so callbacks decide alike everywhere.
"""
import numpy as np

from numpynn import backend
from numpynn.distribute import faults, handshake, running_totals
from numpynn.distribute.base import Strategy

MEAN_REDUCTIONS = ("sum_over_batch_size", "mean")


def _import_mpi():
    try:
        from mpi4py import MPI
    except ImportError as error:
        raise ImportError("MPIDataParallel needs mpi4py and an MPI library: "
                          "pip install 'numpynn[mpi]'.") from error
    return MPI


class MPIDataParallel(Strategy):
    """Train one model on all processes of an MPI communicator, each on its share of every
    batch (pass it to ``Model.compile(distribute=...)``; start the script with
    ``mpiexec -n N python script.py``).

    Every process runs the same script: ``fit`` and ``evaluate`` are collective (each
    process evaluates its share of the rows and the totals are summed); ``predict`` is
    local. Only rank 0 (``is_chief``) prints progress and writes checkpoints, backups
    and logs; save the model with ``if strategy.is_chief: model.save(...)``.

    Args:
        comm: an ``mpi4py`` communicator; defaults to `None`, ``MPI.COMM_WORLD``.
    """

    def __init__(self, comm=None):
        self._mpi = _import_mpi()
        self.comm = self._mpi.COMM_WORLD if comm is None else comm
        self.rank, self.size = self.comm.Get_rank(), self.comm.Get_size()
        self._rows = None  # (start, stop, total) of the current global batch
        self._announced = False  # whether rank 0 has said which process is which rank
        faults.abort_on_uncaught(self.comm)

    def guard(self):
        """An error inside stops every process at once (see ``faults``)."""
        return faults.aborting_on_error(self.comm)

    # -- the start of fit ---------------------------------------------------------------
    def begin_fit(self, model, rows, batch_size, epochs, shuffle):
        """Check the processes agree, then give every one rank 0's training state."""
        for loss in model._compiled_outputs.losses:
            if loss is not None and loss.reduction not in MEAN_REDUCTIONS:
                raise ValueError(f"MPIDataParallel weighs each process's gradient by its "
                                 f"share of the batch, which needs losses that average over "
                                 f"the batch; {loss.name} has reduction={loss.reduction!r}. "
                                 "Use reduction='sum_over_batch_size'.")
        handshake.check(self.comm, model, rows, batch_size, epochs, shuffle,
                        announce=not self._announced)
        self._announced = True
        self.comm.Bcast(model.buffer.values, root=0)
        self._broadcast_optimizer(model.optimizer)
        generators = [backend.rng()] + [layer._rng for layer in model._leaf_layers()
                                        if isinstance(getattr(layer, "_rng", None),
                                                      np.random.Generator)]
        states = self.comm.bcast([g.bit_generator.state for g in generators], root=0)
        for generator, state in zip(generators, states):
            generator.bit_generator.state = state
        resume_at = self.comm.bcast(model._resume_at, root=0)
        if resume_at is not None and self.rank != 0:  # rank 0 takes back the summed totals
            resume_at = resume_at[:3] + (None,)
        model._resume_at = resume_at

    def _broadcast_optimizer(self, optimizer):
        state = optimizer.get_state()
        arrays = sorted(k for k, v in state.items() if isinstance(v, np.ndarray))
        for key in arrays:
            state[key] = np.array(state[key], order="C")  # a copy, 0-d arrays kept
            self.comm.Bcast(state[key], root=0)
        others = self.comm.bcast({k: v for k, v in state.items() if k not in arrays}, root=0)
        optimizer.set_state({**state, **others})

    def end_fit(self):
        self._rows = None
        backend.set_batch_rows(None)

    # -- each batch ---------------------------------------------------------------------
    def local_rows(self, index):
        """Rows ``B*r//N : B*(r+1)//N`` of the global batch ``index`` (B sample numbers);
        random layers draw the whole batch's values and keep these rows."""
        total = len(index)
        start, stop = total * self.rank // self.size, total * (self.rank + 1) // self.size
        self._rows = (start, stop, total)
        backend.set_batch_rows(self._rows)
        return index[start:stop]

    def reduce_gradients(self, grads):
        """grads <- sum over ranks of (b_r / B) * grads_r, in place (one Allreduce)."""
        start, stop, total = self._rows or (0, 1, self.size)  # train_step: equal shares
        if stop == start:
            grads[...] = 0  # no rows here this batch (B < N): contribute nothing
        else:
            grads *= grads.dtype.type((stop - start) / total)
        self.comm.Allreduce(self._mpi.IN_PLACE, grads, op=self._mpi.SUM)

    # -- evaluation ---------------------------------------------------------------------
    def shard(self, xs, ys, ws):
        """Rows ``n*r//N : n*(r+1)//N`` of every array."""
        n = len(xs[0])
        part = slice(n * self.rank // self.size, n * (self.rank + 1) // self.size)
        return ([a[part] for a in xs], [a[part] for a in ys],
                [None if w is None else w[part] for w in ws])

    def results(self, compiled, prefix=""):
        """The logs over every process's samples (running totals summed)."""
        return running_totals.summed_results(compiled, prefix, self._sum)

    def summed_state(self, compiled):
        return running_totals.summed_state(compiled, self._sum)

    def _sum(self, array):
        self.comm.Allreduce(self._mpi.IN_PLACE, array, op=self._mpi.SUM)
