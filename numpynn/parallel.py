"""Elementwise NumPy work on every core, run by the threads of NumPy's own OpenBLAS.

NumPy runs a ufunc such as ``np.sqrt(v, out=t)`` on one core. For the optimizers, whose
update is a handful of such passes over flat arrays the size of the model, that leaves the
other cores idle for a large part of each training step. Worker threads of our own do not
help: after every matrix product, OpenBLAS's threads keep their cores busy for a while
waiting for the next one, so a thread of ours has no core to run on.

``run(work, size)`` hands the work to those very threads instead. It calls
``work(start, stop)`` once for each of a few consecutive slices ``[start, stop)`` of
``range(size)``: one slice on the calling thread, the others on OpenBLAS's threads, at the
same time. The NumPy calls inside ``work`` release Python's GIL while they loop, so the
slices are computed in parallel. The results are those of ``work(0, size)`` exactly, as
long as each element's result depends on that element alone.

How: OpenBLAS's ``blas_level1_thread`` splits a length over its threads and calls a C
function on each part, the way its own vector operations (``axpy``...) do. Here the C
function is a ``ctypes`` callback into Python that turns the part it gets into a slice.
That function is part of OpenBLAS, not of its documented interface, so it is tried once on
a small job before it is trusted; where it is missing (OpenBLAS 0.3.34, as in NumPy 2.5's
wheels, no longer exports it), misbehaves, or OpenBLAS is set to one thread, ``run`` calls
``work(0, size)`` on the calling thread.

Each part on an OpenBLAS thread runs Python code, which needs a Python thread state there.
``ctypes`` creates one for each callback and deletes it afterwards, which made a split
right after a matrix product about 49 us slower. So the first part on each OpenBLAS thread
takes one more reference to its thread state (``PyGILState_Ensure``, never released), and
the thread state is kept for the next calls, until the interpreter ends.

``work`` must not call a BLAS function that OpenBLAS itself spreads over its threads, such
as a matrix product: those threads are busy running ``work``. ``numpynn.blas``'s functions
are fine: while a part runs they keep to the calling thread.
"""
import ctypes
import threading

from numpynn import blas

#: set to False to always run ``work(0, size)`` on the calling thread (the tests compare both)
ENABLED = True
#: each part of a split gets at least this many elements (starting a part costs 10-20 us)
MIN_PART = 65_536
#: ``run`` splits from this many elements on (below, waking the threads costs more than it saves)
MIN_SIZE = 2 * MIN_PART
#: slices start at multiples of this many elements (64 bytes of float32: whole cache lines)
ALIGN = 16

_INT = ctypes.c_int64
#: what ``blas_level1_thread`` calls on each part: (m, n, k, alpha, a, lda, b, ldb, c, ldc, sb)
_PART = ctypes.CFUNCTYPE(ctypes.c_int, _INT, _INT, _INT, ctypes.c_double, ctypes.c_void_p,
                         _INT, ctypes.c_void_p, _INT, ctypes.c_void_p, _INT, ctypes.c_void_p)
#: ``blas_level1_thread``'s ``mode`` for real single precision: 0x2 in OpenBLAS 0.3.2x-0.3.3x
#: (0x0 before it added bfloat16); the first that works is kept
_MODES = (0x2, 0x0)


class _Runner:
    """OpenBLAS's ``blas_level1_thread`` with a Python callback, or ``None`` attributes where
    it is unavailable. Each part ``i`` gets the address ``base + i * stride``, from which the
    callback recovers ``i``."""

    def __init__(self, library):
        self.level1 = self.threads = self.mode = None
        self._marker = (ctypes.c_double * 64)()  # parts point into it; nothing is written
        self._base = ctypes.addressof(self._marker)
        self._alpha = ctypes.c_double(0.0)
        self._callback = _PART(self._part)
        self._lock = threading.Lock()  # one job at a time: the callback reads _on_part
        self._on_part, self._errors = None, []
        self._caller = None  # the thread that started the job: it has a thread state of its own
        self._kept = threading.local()  # ``kept`` is set on threads whose thread state is kept
        self._ensure = getattr(ctypes.pythonapi, "PyGILState_Ensure", None)
        if library is None:
            return
        level1 = getattr(library, "blas_level1_thread", None)
        threads = next((getattr(library, name) for name in (
            "scipy_openblas_get_num_threads64_", "scipy_openblas_get_num_threads",
            "openblas_get_num_threads64_", "openblas_get_num_threads")
            if hasattr(library, name)), None)
        if level1 is None or threads is None:
            return
        level1.argtypes = [ctypes.c_int, _INT, _INT, _INT, ctypes.c_void_p, ctypes.c_void_p,
                           _INT, ctypes.c_void_p, _INT, ctypes.c_void_p, _INT,
                           ctypes.c_void_p, ctypes.c_int]
        level1.restype = ctypes.c_int
        threads.restype = ctypes.c_int
        self.level1, self.threads = level1, threads

    def _part(self, m, n, k, alpha, a, lda, b, ldb, c, ldc, sb):
        try:
            if not getattr(self._kept, "kept", False) and threading.get_ident() != self._caller:
                if self._ensure is not None:
                    self._ensure()  # one more reference: the thread state outlives this call
                self._kept.kept = True
            self._on_part((a or 0) - self._base)
        except BaseException as error:  # raised again by the caller, on its own thread
            self._errors.append(error)
        return 0

    def call(self, parts, on_part, mode=None):
        """Call ``on_part(offset)`` for ``parts`` parts on OpenBLAS's threads."""
        with self._lock:
            self._on_part, self._errors = on_part, []
            self._caller = threading.get_ident()
            try:
                self.level1(self.mode if mode is None else mode, parts, 0, 0,
                            ctypes.addressof(self._alpha), self._base, 1, self._base, 1,
                            None, 0, self._callback, parts)
            finally:
                self._on_part, errors = None, self._errors
        if errors:
            raise errors[0]

    def probe(self):
        """Find the ``mode`` under which two parts run, on two threads, with two addresses;
        returns the address stride of one part, or ``None``."""
        for mode in _MODES:
            offsets, threads = [], set()

            def record(offset):
                offsets.append(offset)
                threads.add(threading.get_ident())
            self.call(2, record, mode)
            offsets.sort()
            if len(offsets) == 2 and offsets[0] == 0 < offsets[1] and len(threads) == 2:
                self.mode = mode
                return offsets[1]
        return None


_runner = _Runner(blas.LIBRARY)
_stride = None  # address stride between parts: found by the first ``run`` that splits
_probed = False


def threads():
    """How many threads ``run`` splits large work over (1 where it cannot split)."""
    global _stride, _probed
    if not ENABLED or _runner.level1 is None:
        return 1
    count = min(_runner.threads(), len(_runner._marker))
    if count < 2:  # e.g. OPENBLAS_NUM_THREADS=1, or inside threadpoolctl's limits
        return 1
    if not _probed:
        _probed = True
        _stride = _runner.probe()
    return count if _stride else 1


def bounds(size, parts):
    """``parts + 1`` slice boundaries from 0 to ``size``, inner ones multiples of ``ALIGN``."""
    inner = [size * i // parts // ALIGN * ALIGN for i in range(1, parts)]
    return [0] + inner + [size]


def run(work, size):
    """Call ``work(start, stop)`` over consecutive slices covering ``range(size)``, in
    parallel on NumPy's OpenBLAS threads (one slice each, of at least ``MIN_PART``
    elements) when ``size >= MIN_SIZE`` (see the module docstring), else as
    ``work(0, size)``. Exceptions raised by ``work`` propagate."""
    parts = min(threads(), size // MIN_PART) if size >= MIN_SIZE else 1
    if parts == 1:
        work(0, size)
        return
    edges = bounds(size, parts)

    def on_part(offset):
        i = offset // _stride
        blas.on_threads.active = True
        try:
            work(edges[i], edges[i + 1])
        finally:
            blas.on_threads.active = False
    _runner.call(parts, on_part)


def run_rows(work, rows, row_size):
    """Call ``work(first, last)`` over consecutive ranges of whole rows covering
    ``range(rows)`` (the images of a batch, ``row_size`` elements each), split over the
    threads as ``run`` splits ``rows * row_size`` elements."""
    def on_elements(start, stop):
        first, last = _whole_rows(start, row_size), _whole_rows(stop, row_size)
        if first < last:
            work(first, last)
    run(on_elements, rows * row_size)


def _whole_rows(element, row_size):
    """The row boundary nearest to ``element``: neighbouring parts share their boundary."""
    return (element + row_size // 2) // row_size

