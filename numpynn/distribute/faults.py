"""Stopping every process when one fails.

When a process raises, the others wait in their next collective call for ever (MPICH's
``mpiexec`` cleans up after a process killed by a signal, not after one that exits with an
error). So an error that leaves the script (``abort_on_uncaught``) or the block of
``aborting_on_error`` is printed with the rank that raised it, and ``MPI_Abort`` ends all
processes at once; ``mpiexec`` then exits with an error code. (A process killed by a
signal is reported by ``mpiexec`` with its PID, which rank 0 printed with its rank at the
start of ``fit``.)
"""
import contextlib
import sys
import time
import traceback

#: seconds between the message and the abort: mpiexec forwards a process's output
#: through a pipe, and what it has not read yet when the abort tears the processes
#: down is lost (seen with MPICH's Hydra)
FORWARDING_DELAY = 0.5


@contextlib.contextmanager
def aborting_on_error(comm):
    """Run the block; on an exception (or Ctrl-C) print it, naming this rank, and abort
    every process of ``comm``."""
    try:
        yield
    except SystemExit as exit_:
        if exit_.code not in (None, 0):
            abort(comm, f"exited with code {exit_.code}")
        raise
    except BaseException as error:  # noqa: B902 (KeyboardInterrupt stops the others too)
        traceback.print_exc(file=sys.stderr)
        abort(comm, f"{type(error).__name__}: {error}")


def abort_on_uncaught(comm):
    """Make an exception that ends this process's script abort every process of ``comm``
    (as ``python -m mpi4py script.py`` does), after the usual traceback."""
    previous = sys.excepthook
    if getattr(previous, "aborts_mpi", False):
        return  # installed already

    def hook(kind, error, trace):
        previous(kind, error, trace)
        abort(comm, f"{kind.__name__}: {error}")
    hook.aborts_mpi = True
    sys.excepthook = hook


def abort(comm, cause):
    """Print why this rank stops all, then ``MPI_Abort``."""
    print(f"numpynn.distribute: rank {comm.Get_rank()} of {comm.Get_size()} failed "
          f"({cause}); stopping all {comm.Get_size()} processes.", file=sys.stderr, flush=True)
    time.sleep(FORWARDING_DELAY)
    comm.Abort(1)
