"""Stopping every process when one fails.

When a process raises, the others wait in their next collective call for ever (MPICH's
``mpiexec`` cleans up after a process killed by a signal, not after one that exits with an
error). So an error inside ``guard`` is printed with the rank that raised it, and
``MPI_Abort`` ends all processes at once; ``mpiexec`` then exits with an error code.
"""
import contextlib
import sys
import traceback


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


def abort(comm, cause):
    """Print why this rank stops all, then ``MPI_Abort``."""
    print(f"numpynn.distribute: rank {comm.Get_rank()} of {comm.Get_size()} failed "
          f"({cause}); stopping all {comm.Get_size()} processes.", file=sys.stderr, flush=True)
    comm.Abort(1)
