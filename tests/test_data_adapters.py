"""Data adapters and ``EpochIterator``: arrays, datasets, generators, iterables and
PyDatasets become epochs of ``(x, y, sample_weight)`` batches."""
import math
import threading
import warnings

import numpy as np
import pytest

import numpynn as keras
from numpynn.data import Dataset, EpochIterator, PyDataset, get_data_adapter
from numpynn.data.adapters import (ArrayDataAdapter, IterableDataAdapter, PyDatasetAdapter,
                                   class_weight_to_sample_weights)

X = np.arange(10 * 2, dtype=np.float32).reshape(10, 2)
Y = np.arange(10) % 2


def epoch(iterator):
    """The batches of one epoch."""
    return [batch for _, batch in iterator.epoch()]


def firsts(batches):
    """The first x value of each sample, per batch."""
    return [(b[0][:, 0] // 2).astype(int).tolist() for b in batches]


class Batches(PyDataset):
    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.epochs_ended = 0

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, index):
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[rows], self.y[rows]

    def on_epoch_end(self):
        self.epochs_ended += 1


def test_adapters_are_chosen_by_the_kind_of_data():
    assert isinstance(get_data_adapter(X, Y), ArrayDataAdapter)
    assert isinstance(get_data_adapter([X, X], Y), ArrayDataAdapter)
    assert isinstance(get_data_adapter(Dataset.from_tensor_slices((X, Y))), IterableDataAdapter)
    assert isinstance(get_data_adapter(iter([(X, Y)])), IterableDataAdapter)
    assert isinstance(get_data_adapter(Batches(X, Y, 4)), PyDatasetAdapter)
    with pytest.raises(ValueError, match="When x is a PyDataset, pass y inside its batches"):
        get_data_adapter(Batches(X, Y, 4), Y)
    with pytest.raises(ValueError, match="When x is a generator, pass sample_weight inside"):
        get_data_adapter((b for b in [(X, Y)]), sample_weight=Y)
    with pytest.raises(TypeError, match="Cannot read batches from x of type object"):
        get_data_adapter(object())


def test_arrays_in_batches_of_32_or_of_steps():
    x = np.zeros((70, 3))
    assert [len(b[0]) for b in epoch(EpochIterator(x))] == [32, 32, 6]
    iterator = EpochIterator(x, np.zeros(70), steps_per_epoch=3)
    assert [len(b[0]) for b in epoch(iterator)] == [24, 24, 22] and iterator.num_batches == 3
    x_batch, y_batch, weights = epoch(EpochIterator(X, Y, batch_size=4))[0]
    np.testing.assert_array_equal(x_batch, X[:4])
    np.testing.assert_array_equal(y_batch, Y[:4])
    assert weights is None


def test_array_shuffle_is_a_new_permutation_each_epoch_under_the_global_seed():
    keras.utils.set_random_seed(5)
    iterator = EpochIterator(X, Y, batch_size=4, shuffle=True)
    first, second = firsts(epoch(iterator)), firsts(epoch(iterator))
    assert sorted(sum(first, [])) == list(range(10)) and first != second
    keras.utils.set_random_seed(5)
    assert firsts(epoch(EpochIterator(X, Y, batch_size=4, shuffle=True))) == first


def test_sample_and_class_weights():
    weights = np.linspace(0, 1, 10)
    batch = epoch(EpochIterator(X, Y, weights, batch_size=5))[1]
    np.testing.assert_array_equal(batch[2], weights[5:])
    batch = epoch(EpochIterator(X, Y, batch_size=10, class_weight={1: 3.0}))[0]
    np.testing.assert_array_equal(batch[2], np.where(Y == 1, 3.0, 1.0))
    np.testing.assert_array_equal(
        class_weight_to_sample_weights(np.eye(3)[[0, 2, 2]], {2: 0.5}), [1.0, 0.5, 0.5])
    generated = epoch(EpochIterator(iter([(X, Y)]), class_weight={0: 2.0}))[0]
    np.testing.assert_array_equal(generated[2], np.where(Y == 0, 2.0, 1.0))
    with pytest.raises(ValueError, match="either sample_weight or class_weight"):
        EpochIterator(X, Y, weights, class_weight={0: 1.0})


def test_array_structures_and_bad_arrays():
    batch = epoch(EpochIterator({"a": X, "b": X[:, :1]}, Y, batch_size=3))[0]
    assert set(batch[0]) == {"a", "b"} and batch[0]["b"].shape == (3, 1)
    with pytest.raises(ValueError, match="different lengths"):
        EpochIterator(X, Y[:9])
    with pytest.raises(ValueError, match="y must be numeric"):
        EpochIterator(X, np.array(["cat"] * 10))


def test_a_dataset_gives_a_new_pass_each_epoch():
    ds = Dataset.from_tensor_slices((X, Y)).batch(4)
    iterator = EpochIterator(ds)
    assert iterator.num_batches == 3
    assert firsts(epoch(iterator)) == firsts(epoch(iterator)) == [[0, 1, 2, 3], [4, 5, 6, 7],
                                                                   [8, 9]]
    with pytest.raises(ValueError, match="x never ends .* pass steps_per_epoch"):
        EpochIterator(ds.repeat())
    endless = EpochIterator(ds.repeat(), steps_per_epoch=2)
    assert firsts(epoch(endless)) + firsts(epoch(endless)) == firsts(epoch(iterator)) + [[0, 1,
                                                                                          2, 3]]


def test_a_generator_is_read_ahead_and_runs_out_with_a_warning():
    readers = set()

    def batches():
        for start in range(0, 10, 4):
            readers.add(threading.get_ident())
            yield X[start:start + 4], Y[start:start + 4]
    iterator = EpochIterator(batches())
    assert iterator.num_batches is None
    assert firsts(epoch(iterator)) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert threading.get_ident() not in readers
    with pytest.warns(UserWarning, match="ran out of data"):
        assert epoch(iterator) == []
    assert iterator.ran_out


def test_steps_per_epoch_goes_on_where_the_last_epoch_stopped():
    iterator = EpochIterator(X, Y, batch_size=2, steps_per_epoch=3)  # 5 batches per pass
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert firsts(epoch(iterator)) == [[0, 1], [2, 3], [4, 5]]
    with pytest.warns(UserWarning, match="ran out of data"):
        assert firsts(epoch(iterator)) == [[6, 7], [8, 9]]  # the pass ends mid-epoch
    assert not iterator.ran_out and firsts(epoch(iterator)) == [[0, 1], [2, 3], [4, 5]]
    aligned = EpochIterator(X, Y, batch_size=2, steps_per_epoch=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(epoch(aligned)) == len(epoch(aligned)) == 5
    one_shot = EpochIterator(iter([(X[:2], Y[:2])] * 3), steps_per_epoch=2)
    assert len(epoch(one_shot)) == 2
    with pytest.warns(UserWarning, match="ran out of data"):
        assert len(epoch(one_shot)) == 1
    assert one_shot.ran_out and epoch(one_shot) == []


def test_a_reiterable_object_restarts_each_epoch():
    class Loader:
        def __iter__(self):
            return iter([(X[:5], Y[:5]), (X[5:], Y[5:])])

        def __len__(self):
            return 2
    iterator = EpochIterator(Loader())
    assert iterator.num_batches == 2 and len(epoch(iterator)) == len(epoch(iterator)) == 2


@pytest.mark.parametrize("batches, words", [
    ([(X, Y), (X[:, :1], Y)], r"batch 1 of the generator holds samples of shapes \(x, y\) = "
                              r"\(\(1,\), \(\)\), the first batch held \(\(2,\), \(\)\)"),
    ([(X, Y[:3])], "batch 0 of the generator holds arrays of different lengths"),
    ([(X, Y, Y, Y)], "batch 0 of the generator has 4 parts"),
    ([(X, np.array(["a"] * 10))], "batch 0 of the generator: y must be numeric"),
    ([], "x gave no batches at all"),
])
def test_bad_batches_are_named(batches, words):
    with pytest.raises(ValueError, match=words):
        epoch(EpochIterator(b for b in batches))


def test_a_pydataset_is_read_by_its_workers_in_order():
    data = Batches(X, Y, 3, workers=3, max_queue_size=2)
    iterator = EpochIterator(data)
    assert iterator.num_batches == 4
    assert firsts(epoch(iterator)) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    assert data.epochs_ended == 1 and len(epoch(iterator)) == 4 and data.epochs_ended == 2
    synchronous = Batches(X, Y, 5, workers=0)
    assert firsts(epoch(EpochIterator(synchronous))) == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    keras.utils.set_random_seed(0)
    shuffled = [firsts(epoch(EpochIterator(Batches(X, Y, 1), shuffle=True))) for _ in range(2)]
    assert shuffled[0] != shuffled[1] and sorted(shuffled[0]) == [[i] for i in range(10)]


def test_an_endless_pydataset_needs_steps():
    class Endless(Batches):
        num_batches = None
    with pytest.raises(ValueError, match="pass steps_per_epoch"):
        EpochIterator(Endless(X, Y, 5))
    iterator = EpochIterator(Endless(X, Y, 5), steps_per_epoch=3)
    assert len(epoch(iterator)) == 3 and iterator.num_batches == 3


def test_pydataset_arguments_and_errors():
    with pytest.raises(ValueError, match="reads batches on threads"):
        Batches(X, Y, 2, use_multiprocessing=True)
    with pytest.raises(ValueError, match="workers must be an integer of at least 0"):
        Batches(X, Y, 2, workers=-1)

    class Forgetful(PyDataset):
        def __init__(self):
            pass

        def __len__(self):
            return 1

        def __getitem__(self, index):
            raise KeyError(f"no batch {index} in the store")
    data = Forgetful()
    with pytest.warns(UserWarning, match=r"should call super\(\).__init__"):
        assert data.workers == 1
    with pytest.raises(KeyError, match="no batch 0 in the store"):
        epoch(EpochIterator(data))
    assert keras.utils.PyDataset is PyDataset is keras.utils.Sequence
