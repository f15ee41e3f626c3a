"""Data-parallel training over MPI (``mpi4py``, the ``numpynn[mpi]`` extra).

    strategy = numpynn.distribute.MPIDataParallel()
    model.compile(optimizer="adam", loss="...", distribute=strategy)
    model.fit(x, y, batch_size=64, epochs=3)      # run with: mpiexec -n 4 python train.py

Each of the N processes takes its rows of every global batch of ``batch_size`` rows; after
backward one ``Allreduce`` sums the flat gradient buffers, and the optimizer takes the
step one process would take on the whole batch. See docs/distributed.md.
"""
from numpynn.distribute.base import SINGLE_PROCESS, Strategy
from numpynn.distribute.environment import from_environment, launched_size
from numpynn.distribute.mpi import MPIDataParallel  # imports mpi4py when one is made

__all__ = ["MPIDataParallel", "SINGLE_PROCESS", "Strategy", "from_environment",
           "launched_size"]
