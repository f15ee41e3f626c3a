"""Compiled kernels for the memory-bound steps of convolutional networks (the ``[fast]`` extra).

The layers are written with NumPy, and that code is the reference: what a reader reads and
what ``NUMPYNN_KERNELS=numpy`` runs. col2im and max pooling are loops of strided passes,
though, several passes over memory. With Numba installed (``pip install
numpynn[fast]``) the same loops, written as plain nested loops over the batch, pixels and
channels in ``numpynn/kernels/compiled.py``, are compiled and make one pass each. (Either
way the layers split a batch over the cores with ``numpynn.parallel``.)

Which one runs: the environment variable ``NUMPYNN_KERNELS`` (``numpy`` or ``numba``),
else ``numba`` where it is installed. ``use("numpy")`` switches for a block of code. Both
give the same numbers (copies and maxima exactly; col2im's sums add in the same order).
Numba itself is imported when a compiled kernel is first called, not with numpynn, and the
compiled code is cached on disk, so later processes skip the compilation.
"""
import contextlib
import importlib.util
import os

BACKENDS = ("numpy", "numba")
_chosen = None  # set by ``use``; None: the environment variable, else the default
_numba_installed = None


def numba_installed():
    """Whether Numba can be imported (looked up once, without importing it)."""
    global _numba_installed
    if _numba_installed is None:
        _numba_installed = importlib.util.find_spec("numba") is not None
    return _numba_installed


def backend():
    """``"numpy"`` or ``"numba"``: what the layers run now."""
    name = _chosen or os.environ.get("NUMPYNN_KERNELS") or (
        "numba" if numba_installed() else "numpy")
    if name not in BACKENDS:
        raise ValueError(f"NUMPYNN_KERNELS={name!r}: use one of {', '.join(BACKENDS)}.")
    if name == "numba" and not numba_installed():
        raise ImportError("NUMPYNN_KERNELS=numba needs Numba: pip install numpynn[fast] "
                          "(or set NUMPYNN_KERNELS=numpy).")
    return name


@contextlib.contextmanager
def use(name):
    """Run the block with kernels ``name`` (``"numpy"`` or ``"numba"``)."""
    global _chosen
    if name not in BACKENDS:
        raise ValueError(f"unknown kernels {name!r}: use one of {', '.join(BACKENDS)}.")
    previous, _chosen = _chosen, name
    try:
        backend()  # fails here, clearly, if Numba is asked for and missing
        yield
    finally:
        _chosen = previous


def select(reference, name):
    """``reference`` (the NumPy function) or, on the numba backend, the compiled kernel
    ``name`` of ``numpynn.kernels.compiled``, which takes the same arguments."""
    if backend() == "numpy":
        return reference
    from numpynn.kernels import compiled
    return getattr(compiled, name)
