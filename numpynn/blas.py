"""Three BLAS operations, from the BLAS that NumPy itself is built on.

    axpy(a, x, y):      y <- a x + y
    axpby(a, x, b, y):  y <- a x + b y
    add_row(row, a):    a[i, :] <- a[i, :] + row for every row i of a matrix a

NumPy has no fused multiply-add, so ``y *= b; y += a * x`` takes two or three passes over the
arrays and a scratch array. The BLAS does it in one pass, and OpenBLAS spreads ``axpy`` over
its threads. For the optimizers, whose state is a few flat arrays the size of the model, that
is the difference between streaming the arrays through memory three times and once: Adam's
step on the Fashion-MNIST MLP's 567,434 parameters goes from ten passes to seven.

``add_row`` is how ``Dense`` adds its bias to a large batch: the rank-1 update
``a <- a + 1 row^T`` (the BLAS's ``ger``, with a vector of ones), which OpenBLAS spreads over
its threads. On 1024 x 512 float32 it took 36 us against 143 us for NumPy's broadcast
``a += row``; below ``ADD_ROW_MIN_SIZE`` values NumPy is faster than the call.

The functions are looked up with ``ctypes`` in the OpenBLAS library of NumPy's wheels (the
``scipy_cblas_*`` symbols, 64-bit or 32-bit integers). Where it is not found (a NumPy built on
another BLAS), or for arrays it cannot take (not contiguous, not float32/float64 vectors, or
for ``add_row`` a small or strided matrix), the same formulas run as NumPy operations: results
agree to rounding (the BLAS may fuse a multiply and an add into one rounding).
"""
import ctypes
import threading

import numpy as np

#: set to False to always use the NumPy formulas (the tests compare both)
ENABLED = True
#: ``add_row`` calls the BLAS from this many values of ``a`` on (the call costs about 8 us)
ADD_ROW_MIN_SIZE = 32_768


def _load():
    """``(library, {(name, dtype): function})`` of NumPy's OpenBLAS, or ``(None, {})``."""
    try:
        with open("/proc/self/maps") as maps:
            paths = sorted({line.split()[-1] for line in maps if "openblas" in line.lower()})
    except OSError:  # not Linux: use the NumPy formulas
        return None, {}
    for path in paths:
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for suffix, integer in (("64_", ctypes.c_int64), ("", ctypes.c_int32)):
            functions = {}
            for prefix, dtype, real in (("s", np.float32, ctypes.c_float),
                                        ("d", np.float64, ctypes.c_double)):
                for name, argtypes in (
                        ("axpy", [integer, real, ctypes.c_void_p, integer,
                                  ctypes.c_void_p, integer]),
                        ("axpby", [integer, real, ctypes.c_void_p, integer, real,
                                   ctypes.c_void_p, integer]),
                        ("ger", [ctypes.c_int, integer, integer, real, ctypes.c_void_p,
                                 integer, ctypes.c_void_p, integer, ctypes.c_void_p,
                                 integer])):
                    function = getattr(library, f"scipy_cblas_{prefix}{name}{suffix}", None)
                    if function is None:
                        break
                    function.argtypes, function.restype = argtypes, None
                    functions[name, np.dtype(dtype)] = function
            if len(functions) == 6:
                return library, functions
    return None, {}


#: NumPy's OpenBLAS as a ``ctypes.CDLL`` (``None`` where it was not found), and its functions
LIBRARY, _FUNCTIONS = _load()
#: ``on_threads.active`` is True on a thread that runs a part of ``numpynn.parallel.run``:
#: OpenBLAS's threads are busy then, so ``axpy`` and ``add_row`` must not ask them for help
on_threads = threading.local()


def _address(array):
    """The address of ``array``'s first element: ``array.ctypes.data``, which takes about
    1.3 us, or for a writable, non-empty array the address of a ``ctypes`` view of its
    buffer, 0.4 us (the optimizers make several such calls per step)."""
    if array.flags.writeable and array.size:
        return ctypes.addressof(ctypes.c_char.from_buffer(array))
    return array.ctypes.data


def available():
    """Whether the BLAS functions were found (else NumPy formulas are used)."""
    return bool(_FUNCTIONS)


def _blas(name, x, y):
    """The BLAS function for ``x`` and ``y``, or ``None`` where NumPy must do it."""
    if not (ENABLED and _FUNCTIONS) or x.dtype != y.dtype or x.shape != y.shape:
        return None
    if x.ndim != 1 or not (x.flags.c_contiguous and y.flags.c_contiguous):
        return None
    return _FUNCTIONS.get((name, y.dtype))


def axpy(a, x, y):
    """``y <- a x + y`` in place, for vectors ``x`` and ``y`` of one shape; returns ``y``."""
    if getattr(on_threads, "active", False):  # the same, as axpby: OpenBLAS does not thread it
        return axpby(a, x, 1.0, y)
    function = _blas("axpy", x, y)
    if function is None:
        y += x if a == 1 else a * x
    else:
        function(y.size, a, _address(x), 1, _address(y), 1)
    return y


def axpby(a, x, b, y):
    """``y <- a x + b y`` in place, for vectors ``x`` and ``y`` of one shape; returns ``y``."""
    function = _blas("axpby", x, y)
    if function is None:
        y *= b
        y += x if a == 1 else a * x
    else:
        function(y.size, a, _address(x), 1, b, _address(y), 1)
    return y


_ROW_MAJOR = 101  # CBLAS_ORDER: CblasRowMajor
_ones = {}  # dtype -> the longest vector of ones needed so far


def add_row(row, a):
    """``a += row`` for a 2-D ``a`` and a ``row`` of its width, in place; returns ``a``."""
    function = None
    if (ENABLED and _FUNCTIONS and a.ndim == 2 and a.size >= ADD_ROW_MIN_SIZE
            and not getattr(on_threads, "active", False)
            and a.flags.c_contiguous and row.flags.c_contiguous
            and a.dtype == row.dtype and row.shape == a.shape[1:]):
        function = _FUNCTIONS.get(("ger", a.dtype))
    if function is None:
        a += row
        return a
    ones = _ones.get(a.dtype)
    if ones is None or len(ones) < len(a):
        ones = _ones[a.dtype] = np.ones(len(a), dtype=a.dtype)
    # a <- 1 * ones row^T + a, with a's rows len(row) apart
    function(_ROW_MAJOR, a.shape[0], a.shape[1], 1.0, _address(ones), 1, _address(row), 1,
             _address(a), a.shape[1])
    return a
