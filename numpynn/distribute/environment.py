"""Whether this process was started by ``mpiexec`` with others, told without importing MPI.

MPICH's Hydra sets ``PMI_SIZE`` (and ``PMI_RANK``), Open MPI sets
``OMPI_COMM_WORLD_SIZE``; Slurm's ``srun`` with PMI2/PMIx sets ``PMI_SIZE`` or
``PMIX_SIZE``... Reading them costs nothing, so the ``numpynn`` command can decide to
train data-parallel while a plain run never imports ``mpi4py``.
"""
import os

SIZE_VARIABLES = ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "MV2_COMM_WORLD_SIZE", "PMIX_SIZE")


def launched_size(environ=None):
    """The number of processes ``mpiexec`` started with this one (1 when none)."""
    environ = os.environ if environ is None else environ
    for name in SIZE_VARIABLES:
        value = environ.get(name, "")
        if value.isdigit():
            return int(value)
    return 1


def from_environment(environ=None):
    """An ``MPIDataParallel`` when this process is one of several that ``mpiexec``
    started, else ``None`` (one process: nothing to distribute, MPI not imported)."""
    if launched_size(environ) < 2:
        return None
    from numpynn.distribute.mpi import MPIDataParallel
    return MPIDataParallel()
