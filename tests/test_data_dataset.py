"""``numpynn.data.Dataset``: tf.data's chain on NumPy, element by element."""
import threading
import time

import numpy as np
import pytest

import numpynn as keras
from numpynn.data import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset

X = np.arange(10 * 3, dtype=np.float32).reshape(10, 3)
Y = np.arange(10) % 3


def values(dataset):
    """The first entry of each element's x, as ints."""
    return [int(np.ravel(e[0] if isinstance(e, tuple) else e)[0]) // 3 for e in dataset]


def wait_for_threads(count, timeout=2.0):
    deadline = time.monotonic() + timeout
    while threading.active_count() > count and time.monotonic() < deadline:
        time.sleep(0.01)
    return threading.active_count() <= count


def test_from_tensor_slices_of_arrays_tuples_and_dicts():
    elements = list(Dataset.from_tensor_slices((X, Y)))
    assert len(elements) == 10 and isinstance(elements[0], tuple)
    np.testing.assert_array_equal(elements[4][0], X[4])
    assert elements[4][1] == Y[4]
    named = list(Dataset.from_tensor_slices({"image": X, "label": Y}))
    assert set(named[2]) == {"image", "label"} and named[2]["label"] == Y[2]
    assert [int(v) for v in Dataset.from_tensor_slices([5, 6, 7])] == [5, 6, 7]
    with pytest.raises(ValueError, match="different lengths"):
        Dataset.from_tensor_slices((X, Y[:9]))
    with pytest.raises(ValueError, match="without a batch axis"):
        Dataset.from_tensor_slices(np.float32(3))


def test_map_unpacks_tuples_and_passes_dicts():
    ds = Dataset.from_tensor_slices((X, Y)).map(lambda x, y: (x * 2, y + 1))
    x, y = next(iter(ds))
    np.testing.assert_array_equal(x, X[0] * 2)
    assert y == Y[0] + 1
    ds = Dataset.from_tensor_slices({"a": X}).map(lambda d: d["a"].sum())
    assert list(ds)[1] == X[1].sum() and len(ds) == 10


def test_parallel_map_keeps_the_order_and_runs_on_several_threads():
    seen = set()

    def slow(x, y):
        seen.add(threading.get_ident())
        time.sleep(0.002 * (int(y) % 3))
        return x, y
    ds = Dataset.from_tensor_slices((X, Y)).map(slow, num_parallel_calls=4)
    assert values(ds) == list(range(10)) and len(seen) > 1
    assert values(Dataset.from_tensor_slices((X, Y)).map(slow, num_parallel_calls=AUTOTUNE)) \
        == list(range(10))


def test_batch_stacks_and_keeps_structure():
    ds = Dataset.from_tensor_slices({"x": X, "y": Y}).map(lambda d: d).batch(4)
    batches = list(ds)
    assert len(ds) == 3 and [len(b["y"]) for b in batches] == [4, 4, 2]
    np.testing.assert_array_equal(batches[1]["x"], X[4:8])
    dropped = Dataset.from_tensor_slices((X, Y)).batch(4, drop_remainder=True)
    assert len(dropped) == 2 and [len(b[0]) for b in dropped] == [4, 4]


def test_batch_of_slices_equals_batch_of_elements_and_copies():
    direct = list(Dataset.from_tensor_slices((X, Y)).batch(3))
    stacked = list(Dataset.from_tensor_slices((X, Y)).map(lambda x, y: (x, y)).batch(3))
    for (a, b), (c, d) in zip(direct, stacked):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, d)
    direct[0][0][:] = -1  # a batch is a copy, not a view of the source
    assert X[0, 0] == 0


def test_batch_of_elements_of_different_shapes_names_them():
    ds = Dataset.from_tensor_slices(np.arange(6)).map(lambda i: np.zeros(2 + (i == 4)))
    with pytest.raises(ValueError, match=r"batch 1: element 1 has shape \(3,\), element 0 "
                                         r"has \(2,\)"):
        list(ds.batch(3))


def test_unbatch_undoes_batch():
    ds = Dataset.from_tensor_slices((X, Y)).batch(4).unbatch()
    assert ds.cardinality() == UNKNOWN_CARDINALITY and values(ds) == list(range(10))
    with pytest.raises(TypeError, match="The dataset length is unknown."):
        len(ds)


def test_shuffle_is_a_seeded_buffer_shuffle():
    ds = Dataset.from_tensor_slices((X, Y)).shuffle(10, seed=4)
    first, second = values(ds), values(ds)
    assert sorted(first) == list(range(10)) and first != second  # a new order each epoch
    again = Dataset.from_tensor_slices((X, Y)).shuffle(10, seed=4)
    assert values(again) == first and values(again) == second
    fixed = Dataset.from_tensor_slices((X, Y)).shuffle(10, seed=4, reshuffle_each_iteration=False)
    assert values(fixed) == values(fixed)
    assert values(Dataset.from_tensor_slices((X, Y)).shuffle(1)) == list(range(10))
    for _ in range(20):  # with a buffer of b, position k holds one of the first k + b elements
        order = values(Dataset.from_tensor_slices((X, Y)).shuffle(3))
        assert all(v < k + 3 for k, v in enumerate(order))
    keras.utils.set_random_seed(2)
    a = values(Dataset.from_tensor_slices((X, Y)).shuffle(10))
    keras.utils.set_random_seed(2)
    assert values(Dataset.from_tensor_slices((X, Y)).shuffle(10)) == a


def test_take_skip_repeat_and_their_sizes():
    ds = Dataset.from_tensor_slices((X, Y))
    assert values(ds.take(3)) == [0, 1, 2] and len(ds.take(3)) == 3 and len(ds.take(30)) == 10
    assert values(ds.skip(8)) == [8, 9] and len(ds.skip(8)) == 2 and len(ds.skip(30)) == 0
    assert len(ds.take(-1)) == 10 and values(ds.skip(-1)) == [] and len(ds.skip(-1)) == 0
    assert values(ds.skip(8).repeat(2)) == [8, 9, 8, 9] and len(ds.skip(8).repeat(2)) == 4
    endless = ds.repeat()
    assert endless.cardinality() == INFINITE_CARDINALITY and len(endless.take(25)) == 25
    assert values(endless.take(12)) == list(range(10)) + [0, 1]
    assert endless.skip(3).cardinality() == INFINITE_CARDINALITY
    with pytest.raises(TypeError, match="The dataset is infinite."):
        len(endless)
    assert len(ds.batch(3).repeat(2)) == 8 and values(ds.take(0).repeat()) == []


def test_cache_runs_the_chain_once():
    calls = []
    ds = Dataset.from_tensor_slices((X, Y)).map(lambda x, y: (calls.append(1) or x, y)).cache()
    for _ in ds.take(4):  # an unfinished iteration fills no cache
        pass
    assert values(ds) == list(range(10)) and values(ds) == list(range(10))
    assert len(calls) == 4 + 10
    with pytest.raises(ValueError, match="in memory only"):
        ds.cache("file.cache")


def test_prefetch_reads_ahead_on_a_thread_within_its_buffer():
    produced, threads = [], set()

    def source():
        for i in range(20):
            produced.append(i)
            threads.add(threading.get_ident())
            yield i
    ds = Dataset(source, 20).prefetch(3)
    iterator = iter(ds)
    assert next(iterator) == 0
    time.sleep(0.2)  # the reader fills the buffer while the consumer works
    assert 1 + 3 <= len(produced) <= 1 + 3 + 1
    assert threading.get_ident() not in threads
    assert list(iterator) == list(range(1, 20))


def test_prefetch_stops_its_thread_when_the_loop_breaks():
    before = threading.active_count()
    ds = Dataset.from_tensor_slices((X, Y)).repeat().prefetch(2)
    for i, _ in enumerate(ds):
        if i == 5:
            break
    assert wait_for_threads(before)


def test_prefetch_and_parallel_map_raise_the_workers_error_at_its_element():
    def load(i):
        if i == 6:
            raise FileNotFoundError("photos/cats/6.png: no such file")
        return i
    for ds in (Dataset.from_tensor_slices(np.arange(10)).map(load).prefetch(2),
               Dataset.from_tensor_slices(np.arange(10)).map(load, num_parallel_calls=3)
               .prefetch(AUTOTUNE)):
        before = threading.active_count()
        got = []
        with pytest.raises(FileNotFoundError, match="photos/cats/6.png"):
            for element in ds:
                got.append(int(element))
        assert got == [0, 1, 2, 3, 4, 5]
        assert wait_for_threads(before)


def test_the_tutorial_chain_with_augmentation_layers_runs():
    images = np.random.default_rng(0).uniform(0, 255, (12, 8, 8, 3)).astype(np.float32)
    augment = keras.Sequential([keras.Input(shape=(8, 8, 3)),
                                keras.layers.RandomFlip("horizontal", seed=1),
                                keras.layers.RandomRotation(0.1, seed=2)])
    train_ds = Dataset.from_tensor_slices((images, np.arange(12))).batch(4)
    train_ds = train_ds.map(lambda x, y: (augment(x, training=True), y),
                            num_parallel_calls=AUTOTUNE).prefetch(4)
    batches = list(train_ds)
    assert [b[0].shape for b in batches] == [(4, 8, 8, 3)] * 3
    assert not np.allclose(np.concatenate([b[0] for b in batches]), images)
    assert np.concatenate([b[1] for b in batches]).tolist() == list(range(12))


def test_bad_counts_say_what_is_allowed():
    ds = Dataset.from_tensor_slices(X)
    for call, words in [(lambda: ds.batch(0), "batch_size must be an integer of at least 1"),
                        (lambda: ds.shuffle(0), "buffer_size must be"),
                        (lambda: ds.take(-2), r"at least -1 \(all\)"),
                        (lambda: ds.prefetch(1.5), "buffer_size must be"),
                        (lambda: ds.map(abs, num_parallel_calls=0), "num_parallel_calls")]:
        with pytest.raises(ValueError, match=words):
            call()
