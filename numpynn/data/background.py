"""Reading ahead on background threads: ``read_ahead`` (tf.data's ``prefetch``) and
``parallel_map`` (``map`` with ``num_parallel_calls``, ``PyDataset`` workers).

Both are generators that own their threads: they yield elements in order, re-raise an error
of the source or the function (as it was raised, so its message still names the bad file or
batch) at the place the element would have come, and stop their threads when closed, which
Python does when a ``for`` loop over them ends or breaks, or when they are dropped.
"""
import collections
import queue
import threading
from concurrent.futures import ThreadPoolExecutor

_ELEMENT, _END, _ERROR = "element", "end", "error"
#: how often a blocked reader checks whether it was told to stop, in seconds
_POLL = 0.05


def read_ahead(iterable, buffer_size):
    """Yield the elements of ``iterable`` while one background thread reads up to
    ``buffer_size`` elements ahead of the consumer."""
    stopped = threading.Event()
    slots = queue.Queue(maxsize=buffer_size)

    def put(item):
        while not stopped.is_set():
            try:
                slots.put(item, timeout=_POLL)
                return True
            except queue.Full:
                continue
        return False

    def read():
        try:
            for element in iterable:
                if not put((_ELEMENT, element)):
                    return
            put((_END, None))
        except BaseException as error:  # handed to the consumer, who raises it
            put((_ERROR, error))

    reader = threading.Thread(target=read, name="numpynn-read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            kind, value = slots.get()
            if kind == _END:
                return
            if kind == _ERROR:
                raise value
            yield value
    finally:
        stopped.set()
        reader.join(timeout=10 * _POLL)


def parallel_map(fn, iterable, workers, in_flight=None):
    """Yield ``fn(element)`` for the elements of ``iterable``, in order, computed by
    ``workers`` threads with at most ``in_flight`` (default 2 * workers) calls started
    ahead of the consumer."""
    in_flight = in_flight or 2 * workers
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="numpynn-map") as pool:
        pending = collections.deque()
        try:
            for element in iterable:
                pending.append(pool.submit(fn, element))
                if len(pending) >= in_flight:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()
