"""`numpynn train` under `mpiexec -n N` (N > 1): data-parallel by itself.

    mpiexec -n 2 numpynn train --dataset digits --output m.npnn

Every process runs the whole command; rank 0 alone prints (summary, progress, test score)
and writes the model file; an error on any process stops them all (see
``numpynn.distribute``). Started without `mpiexec`, nothing changes and MPI is not imported.
"""
import contextlib
import os

from numpynn import distribute


@contextlib.contextmanager
def processes():
    """The ``MPIDataParallel`` strategy of this process under `mpiexec` (else ``None``),
    with the output of ranks other than 0 silenced and errors stopping every rank."""
    strategy = distribute.from_environment()
    if strategy is None:
        yield None
        return
    with contextlib.ExitStack() as stack:
        stack.enter_context(strategy.guard())
        if not strategy.is_chief:
            stack.enter_context(contextlib.redirect_stdout(
                stack.enter_context(open(os.devnull, "w"))))
        yield strategy
