"""train_test_split and standardize."""
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from numpynn.datasets import standardize, train_test_split


def _split_rows(n=100, **kwargs):
    x = np.arange(n)
    y = x % 3
    return train_test_split(x, y, **kwargs)


@pytest.mark.parametrize("n, test_size, n_test", [(100, 0.2, 20), (10, 0.25, 3), (100, 7, 7), (5, 0.01, 1)])
def test_sizes(n, test_size, n_test):
    (x_train, y_train), (x_test, y_test) = _split_rows(n, test_size=test_size)
    assert len(x_test) == len(y_test) == n_test
    assert len(x_train) == len(y_train) == n - n_test


@pytest.mark.parametrize("stratify", [False, True])
def test_split_is_a_shuffled_partition_keeping_pairs(stratify):
    x = np.arange(60).reshape(30, 2)
    y = np.arange(30) % 2
    (x_train, y_train), (x_test, y_test) = train_test_split(x, y, test_size=0.3, seed=3, stratify=stratify)
    rows = np.concatenate([x_train[:, 0], x_test[:, 0]]) // 2
    assert sorted(rows.tolist()) == list(range(30))
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), rows % 2)
    assert not np.all(np.diff(x_train[:, 0]) > 0), "train part should be shuffled"


@pytest.mark.parametrize("stratify", [False, True])
def test_same_seed_same_split_other_seed_other_split(stratify):
    first = _split_rows(seed=5, stratify=stratify)
    again = _split_rows(seed=5, stratify=stratify)
    other = _split_rows(seed=6, stratify=stratify)
    np.testing.assert_array_equal(first[1][0], again[1][0])
    np.testing.assert_array_equal(first[0][0], again[0][0])
    assert not np.array_equal(first[1][0], other[1][0])


def test_stratified_shares():
    y = np.repeat([0, 1, 2], [50, 30, 20])
    (_, y_train), (_, y_test) = train_test_split(np.zeros(100), y, test_size=0.2, stratify=True)
    assert np.bincount(y_test).tolist() == [10, 6, 4]
    assert np.bincount(y_train).tolist() == [40, 24, 16]


def test_stratified_with_string_labels():
    y = np.array(["cat"] * 8 + ["dog"] * 4)
    (_, y_train), (_, y_test) = train_test_split(np.arange(12), y, test_size=0.25, stratify=True)
    assert sorted(y_test.tolist()) == ["cat", "cat", "dog"]


@settings(max_examples=50, deadline=None)
@given(
    counts=st.lists(st.integers(1, 30), min_size=1, max_size=6),
    fraction=st.floats(0.05, 0.95),
    seed=st.integers(0, 2**32 - 1),
)
def test_stratified_split_is_exact_and_proportional(counts, fraction, seed):
    y = np.repeat(np.arange(len(counts)), counts)
    n = len(y)
    n_test = int(np.ceil(fraction * n))
    assume(0 < n_test < n)
    (_, y_train), (_, y_test) = train_test_split(np.arange(n), y, test_size=fraction, seed=seed, stratify=True)
    assert len(y_test) == n_test and len(y_train) == n - n_test
    per_class = np.bincount(y_test, minlength=len(counts))
    exact = np.array(counts) * n_test / n
    assert np.all(np.abs(per_class - exact) < 1)


@pytest.mark.parametrize("test_size", [0.0, 1.0, 1.5, -0.1, 0, 100, 120, True])
def test_bad_test_size(test_size):
    with pytest.raises(ValueError, match="test_size"):
        _split_rows(100, test_size=test_size)


def test_length_mismatch():
    with pytest.raises(ValueError, match="same length, got 3 and 2"):
        train_test_split(np.zeros(3), np.zeros(2))


def test_stratify_needs_1d_labels():
    with pytest.raises(ValueError, match="stratify=True needs y of class labels"):
        train_test_split(np.zeros(10), np.zeros((10, 2)), stratify=True)


def test_standardize_uses_train_statistics_only():
    rng = np.random.default_rng(0)
    x_train = rng.normal([1.0, -50.0, 1000.0], [0.1, 5.0, 300.0], size=(200, 3))
    x_test = rng.normal(0.0, 1.0, size=(20, 3))
    s_train, s_test = standardize(x_train, x_test)
    np.testing.assert_allclose(s_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(s_train.std(axis=0), 1, rtol=1e-12)
    np.testing.assert_allclose(s_test, (x_test - x_train.mean(0)) / x_train.std(0))
    assert s_train.dtype == s_test.dtype == np.float64


def test_standardize_images_per_pixel_and_constant_features():
    x_train = np.zeros((4, 2, 2), np.uint8)
    x_train[:, 0, 0] = [0, 2, 4, 6]
    x_train[:, 1, 1] = 7  # constant: only centred, no division by zero
    s_train, s_test = standardize(x_train, x_train[:2])
    assert s_train.dtype == np.float32 and s_train.shape == (4, 2, 2)
    assert np.isfinite(s_train).all()
    np.testing.assert_allclose(s_train[:, 0, 0], (np.array([0, 2, 4, 6]) - 3) / np.sqrt(5), rtol=1e-6)
    np.testing.assert_array_equal(s_train[:, 1, 1], 0)
    np.testing.assert_array_equal(s_test, s_train[:2])
