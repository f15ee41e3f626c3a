"""Starting ``mpiexec -n 2`` from the tests (skipped with the reason when MPI is absent)."""
import importlib.util
import os
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def mpiexec():
    """The ``mpiexec`` of the MPI that mpi4py uses (the ``mpich`` wheel puts it next to
    Python), else one on PATH; skips the test when mpi4py or mpiexec is missing."""
    if importlib.util.find_spec("mpi4py") is None:
        pytest.skip("mpi4py is not installed (pip install -e '.[mpi]')")
    found = shutil.which("mpiexec", path=os.path.dirname(sys.executable)) \
        or shutil.which("mpiexec")
    if found is None:
        pytest.skip("no mpiexec found (pip install -e '.[mpi]' installs MPICH's)")
    return found


def environment():
    """This process's environment, one BLAS thread per rank, this checkout importable."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
               MKL_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, env.get("PYTHONPATH")]))
    return env


def mpi_run(args, ranks=2, timeout=120, **kwargs):
    """``mpiexec -n ranks python args...``, its output captured."""
    command = [mpiexec(), "-n", str(ranks), sys.executable] + [str(a) for a in args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          env=environment(), **kwargs)


def mpi_start(args, ranks=2, **kwargs):
    """``mpiexec -n ranks python args...`` started, not waited for."""
    command = [mpiexec(), "-n", str(ranks), sys.executable] + [str(a) for a in args]
    return subprocess.Popen(command, env=environment(), **kwargs)


def python_start(args, **kwargs):
    """``python args...`` (one process) started, not waited for."""
    return subprocess.Popen([sys.executable] + [str(a) for a in args], env=environment(),
                            **kwargs)
