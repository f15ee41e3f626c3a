"""``numpynn.parallel``: work split over OpenBLAS's threads covers every element once, on
several threads where OpenBLAS has them, and gives the results of the unsplit work."""
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from numpynn import blas, optimizers, parallel
from numpynn.optimizers.base import FLUSH_PERIOD

needs_threads = pytest.mark.skipif(
    parallel.threads() < 2, reason="NumPy's OpenBLAS has one thread here, or no "
    "blas_level1_thread: run() then calls work(0, size) (tested below)")


def _record(size):
    """Run ``parallel.run`` over ``size`` elements; returns the count of calls per element
    and the (start, stop, thread) of each call."""
    counts = np.zeros(size, dtype=np.int64)
    calls = []

    def work(start, stop):
        calls.append((start, stop, threading.get_ident()))
        counts[start:stop] += 1
    parallel.run(work, size)
    return counts, calls


@pytest.mark.parametrize("size, parts", [(0, 2), (1, 2), (100, 2), (131_072, 2),
                                         (567_434, 2), (567_434, 3), (1_000_003, 16)])
def test_bounds_cover_the_range_in_aligned_slices(size, parts):
    edges = parallel.bounds(size, parts)
    assert edges[0] == 0 and edges[-1] == size and len(edges) == parts + 1
    assert all(a <= b for a, b in zip(edges[:-1], edges[1:]))
    assert all(edge % parallel.ALIGN == 0 for edge in edges[1:-1])


@needs_threads
def test_large_work_runs_once_per_element_on_several_threads():
    size = parallel.MIN_SIZE * 3 + 5
    counts, calls = _record(size)
    assert (counts == 1).all()
    assert len(calls) == min(parallel.threads(), size // parallel.MIN_PART)
    assert len({thread for _, _, thread in calls}) > 1
    assert threading.get_ident() in {thread for _, _, thread in calls}


@needs_threads
def test_openblas_threads_keep_their_python_thread_state():
    """A part on an OpenBLAS thread finds what the part before it on that thread left in a
    ``threading.local``: the thread state was kept, not made anew for each call."""
    local, seen = threading.local(), []

    def work(start, stop):
        seen.append((threading.get_ident(), getattr(local, "mark", None)))
        local.mark = threading.get_ident()
    for _ in range(4):
        parallel.run(work, parallel.MIN_SIZE)
    first = {}
    for thread, mark in seen:
        if thread != threading.get_ident() and thread in first:
            assert mark == thread
        first.setdefault(thread, mark)
    assert len(first) > 1 and len(seen) > len(first)


@pytest.mark.parametrize("size", [0, 10, parallel.MIN_SIZE - 1])
def test_small_work_is_one_call_on_the_calling_thread(size):
    counts, calls = _record(size)
    assert (counts == 1).all() and calls == [(0, size, threading.get_ident())]


def test_disabled_or_single_threaded_runs_the_whole_work_in_one_call(monkeypatch):
    size = parallel.MIN_SIZE * 2
    monkeypatch.setattr(parallel, "ENABLED", False)
    assert parallel.threads() == 1 and _record(size)[1] == [(0, size, threading.get_ident())]
    monkeypatch.setattr(parallel, "ENABLED", True)
    monkeypatch.setattr(parallel._runner, "threads", lambda: 1)  # e.g. OPENBLAS_NUM_THREADS=1
    assert parallel.threads() == 1 and _record(size)[1] == [(0, size, threading.get_ident())]


def test_parts_are_never_smaller_than_min_part(monkeypatch):
    monkeypatch.setattr(parallel, "threads", lambda: 64)  # a machine with many cores
    monkeypatch.setattr(parallel, "_stride", 4)
    monkeypatch.setattr(parallel._runner, "call", lambda parts, on_part: [
        on_part(4 * i) for i in range(parts)])
    for size in (parallel.MIN_SIZE, parallel.MIN_SIZE * 5 + 3):
        counts, calls = _record(size)
        assert (counts == 1).all() and len(calls) == size // parallel.MIN_PART
        assert all(stop - start >= parallel.MIN_PART - parallel.ALIGN
                   for start, stop, _ in calls)


@needs_threads
@pytest.mark.parametrize("rows, row_size", [(128, 5408), (7, 65_536), (3, 10)])
def test_row_ranges_cover_every_row_once_in_order(rows, row_size):
    calls = []
    parallel.run_rows(lambda first, last: calls.append((first, last)), rows, row_size)
    calls.sort()
    assert calls[0][0] == 0 and calls[-1][1] == rows
    assert all(a[1] == b[0] for a, b in zip(calls, calls[1:]))
    assert all(first < last for first, last in calls)
    if rows * row_size >= parallel.MIN_SIZE and parallel.threads() > 1:
        assert len(calls) > 1


def test_an_error_in_any_part_reaches_the_caller():
    def work(start, stop):
        if start > 0:  # a part run by one of OpenBLAS's threads
            raise ValueError(f"part {start}:{stop}")
    with pytest.raises(ValueError, match="part"):
        parallel.run(work, parallel.MIN_SIZE * 2)
    assert (_record(parallel.MIN_SIZE * 2)[0] == 1).all()  # still usable afterwards


BLAS_INSIDE_A_PART = """
import numpy as np
from numpynn import blas, parallel
rng = np.random.default_rng(1)
size = parallel.MIN_SIZE * 2
x, y = rng.standard_normal(size).astype(np.float32), rng.standard_normal(size).astype(np.float32)
rows, row = rng.standard_normal((size // 512, 512)).astype(np.float32), np.ones(512, np.float32)
expected_y, expected_rows = y + 0.5 * x, rows + row
flat_rows = rows.reshape(-1)

def work(start, stop):
    blas.axpy(0.5, x[start:stop], y[start:stop])
    blas.add_row(row, flat_rows[start // 512 * 512:stop // 512 * 512].reshape(-1, 512))

parallel.run(work, size)
np.testing.assert_allclose(y, expected_y, rtol=1e-6)
np.testing.assert_array_equal(rows, expected_rows)
assert not getattr(blas.on_threads, "active", False)
print("ok")
"""


@needs_threads
def test_the_blas_functions_keep_to_their_thread_inside_a_part():
    """``blas.axpy`` and ``blas.add_row`` would otherwise ask OpenBLAS's threads, which are
    busy running the parts, for help, and wait for them forever (so: in a fresh process,
    with a time limit)."""
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", BLAS_INSIDE_A_PART], cwd=root, timeout=120,
                          capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(root)})
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


OPTIMIZERS = [("SGD", {}), ("SGD", {"momentum": 0.9, "nesterov": True}),
              ("SGD", {"momentum": 0.9, "convention": "torch"}),
              ("RMSprop", {}), ("RMSprop", {"momentum": 0.5, "centered": True}),
              ("RMSprop", {"convention": "torch"}), ("Adagrad", {}), ("Adadelta", {}),
              ("Adam", {}), ("Adam", {"amsgrad": True}), ("Adam", {"convention": "torch"}),
              ("AdamW", {}), ("Adamax", {}), ("Nadam", {}), ("Adam", {"clipnorm": 1.0})]


@pytest.mark.parametrize("name, options", OPTIMIZERS)
def test_optimizers_split_over_threads_give_the_unsplit_numbers(monkeypatch, name, options):
    rng = np.random.default_rng(0)
    size = parallel.MIN_SIZE * 2 + 77
    start = rng.standard_normal(size).astype(np.float32)
    grads = [rng.standard_normal(size).astype(np.float32) for _ in range(4)]
    results = {}
    for enabled in (True, False):
        monkeypatch.setattr(parallel, "ENABLED", enabled)
        params, optimizer = start.copy(), getattr(optimizers, name)(learning_rate=0.01, **options)
        optimizer.build(params)
        for g in grads:
            optimizer.apply(params, g)
        results[enabled] = [params] + list(optimizer.slots.values())
    for split, whole in zip(results[True], results[False]):
        np.testing.assert_array_equal(split, whole)
    assert not np.array_equal(results[True][0], start)


@pytest.mark.parametrize("name", ["Adam", "RMSprop", "Adagrad"])
def test_split_updates_flush_subnormals_as_the_unsplit_ones(monkeypatch, name):
    """Each slice flushes its share of the step's window: after FLUSH_PERIOD steps no state
    value is subnormal, split or not, and the numbers agree bit for bit."""
    size = parallel.MIN_SIZE * 2 + 77
    start = np.random.default_rng(1).standard_normal(size).astype(np.float32)
    grads = np.zeros(size, np.float32)
    grads[::3] = 1e-3  # the other weights' state only decays
    tiny = np.finfo(np.float32).tiny
    results = {}
    for enabled in (True, False):
        monkeypatch.setattr(parallel, "ENABLED", enabled)
        params, optimizer = start.copy(), getattr(optimizers, name)(learning_rate=0.01)
        optimizer.build(params)
        for slot in optimizer.slots.values():
            slot[...] = np.float32(1e-40)  # subnormal everywhere, across the slices
        for _ in range(FLUSH_PERIOD):
            optimizer.apply(params, grads)
        for slot in optimizer.slots.values():
            assert not np.any((slot != 0) & (np.abs(slot) < tiny))
        results[enabled] = [params] + list(optimizer.slots.values())
    for split, whole in zip(results[True], results[False]):
        np.testing.assert_array_equal(split, whole)


@needs_threads
def test_an_elementwise_optimizer_updates_each_slice_on_its_own_thread(monkeypatch):
    seen = []
    update_step = optimizers.Adam.update_step

    def spy(self, params, grads, lr):
        seen.append((len(params), len(self.slots["m_sum"]), len(self._scratch),
                     threading.get_ident()))
        return update_step(self, params, grads, lr)
    monkeypatch.setattr(optimizers.Adam, "update_step", spy)
    size = parallel.MIN_SIZE * 2
    optimizer = optimizers.Adam()
    optimizer.build(np.zeros(size, np.float32))
    optimizer.apply(np.zeros(size, np.float32), np.ones(size, np.float32))
    assert len(seen) == min(parallel.threads(), size // parallel.MIN_PART)
    assert len({s[3] for s in seen}) > 1
    assert all(n == m == t for n, m, t, _ in seen) and sum(s[0] for s in seen) == size
    assert optimizer.iterations == 1 and (optimizer.slots["m_sum"] == 1).all()
