"""Bad input to ``fit``, ``evaluate`` and ``predict`` from data sources: a clear error that names
the batch, raised where the bad batch is read, never a hang at the end of an epoch (each case
runs on a thread that must finish in time). Bad picture files: tests/test_cli_image_folders.py
and tests/test_image_folders.py."""
import re
import threading
import warnings

import numpy as np
import pytest

import numpynn as keras
from numpynn.data import Dataset

X = np.random.default_rng(0).normal(size=(40, 6)).astype(np.float32)
Y = np.arange(40) % 3


def model():
    net = keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(3, activation="softmax")])
    net.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return net


def finishes(work, seconds=30):
    """The exception ``work()`` raised (None if none), failing the test if it hangs."""
    outcome = {}

    def target():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                work()
        except Exception as error:  # the error under test, examined by the caller
            outcome["error"] = error
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "training hung on bad input"
    return outcome.get("error")


def batches(last=None):
    """Five batches of 8 (a generator); the last one replaced by ``last(i)`` if given."""
    for i in range(0, 40, 8):
        yield last(i) if last and i == 32 else (X[i:i + 8], Y[i:i + 8])


class Batches(keras.utils.PyDataset):
    def __init__(self, bad, **kwargs):
        super().__init__(**kwargs)
        self.bad = bad

    def __len__(self):
        return 5

    def __getitem__(self, index):
        if index == 4:
            return self.bad()
        return X[index * 8:(index + 1) * 8], Y[index * 8:(index + 1) * 8]


def _raise(error):
    raise error


@pytest.mark.parametrize("run, expected", [
    (lambda: model().fit(batches(lambda i: (X[i:i + 8, :4], Y[i:i + 8])), verbose=0),
     r"batch 4 of the generator holds samples of shapes"),
    (lambda: model().fit((b for b in [(X[:8, :4], Y[:8])]), verbose=0),
     r"batch 0 of the generator: The model expects samples of shape \(6,\)"),
    (lambda: model().evaluate(batches(lambda i: (X[i:i + 8], Y[i:i + 4])), verbose=0),
     r"batch 4 of the generator"),
    (lambda: model().predict((x for x, _ in batches(lambda i: (X[i:i + 8, :5], None))),
                             verbose=0), r"batch 4 of the generator"),
    (lambda: model().fit(Batches(lambda: (X[:8, :5], Y[:8]), workers=2), epochs=2,
                         verbose=0), r"batch 4 of the PyDataset Batches"),
    (lambda: model().fit(Batches(lambda: ("text", Y[:8]), workers=0), verbose=0),
     r"batch 4 of the PyDataset Batches: x must be numeric"),
])
def test_a_bad_batch_is_named(run, expected):
    error = finishes(run)
    assert isinstance(error, ValueError) and error.args, error
    assert re.search(expected, str(error)), str(error)


@pytest.mark.parametrize("run", [
    lambda: model().fit(batches(lambda i: _raise(OSError("disk gone"))), epochs=1, verbose=0),
    lambda: model().fit(Batches(lambda: _raise(OSError("disk gone")), workers=3), epochs=2,
                        verbose=0),
    lambda: model().fit(Dataset.from_tensor_slices((X, Y))
                        .map(lambda x, y: _raise(OSError("disk gone")) if y == Y[-1] and
                             float(x[0]) == float(X[-1, 0]) else (x, y), num_parallel_calls=4)
                        .batch(8).prefetch(4), epochs=2, verbose=0),
])
def test_an_error_while_reading_the_last_batch_comes_out_of_fit(run):
    error = finishes(run)
    assert isinstance(error, OSError) and "disk gone" in str(error)
