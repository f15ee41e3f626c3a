"""Split a data set into train and test parts, and standardise its features."""
import math

import numpy as np


def train_test_split(x, y, test_size=0.2, seed=0, stratify=False):
    """Shuffle and split `x`, `y` into a train and a test part, reproducibly.

    Args:
        x: array of shape (n, ...).
        y: array of shape (n, ...).
        test_size: fraction of the samples to put in the test part (rounded
            up, as scikit-learn does), or an int number of test samples.
            Defaults to `0.2`.
        seed: seed of the shuffle; the same seed gives the same split.
            Defaults to `0`.
        stratify: if `True`, `y` holds class labels and each class gets the
            same share of test samples (up to rounding; the total is exact).
            Defaults to `False`.

    Returns:
        `(x_train, y_train), (x_test, y_test)`, each part in shuffled order.
    """
    x, y = np.asarray(x), np.asarray(y)
    n = len(x)
    if len(y) != n:
        raise ValueError(f"x and y must have the same length, got {n} and {len(y)}")
    n_test = _test_count(test_size, n)
    rng = np.random.default_rng(seed)
    if stratify:
        test_index = _stratified_test_index(y, n_test, rng)
    else:
        test_index = rng.permutation(n)[:n_test]
    is_test = np.zeros(n, dtype=bool)
    is_test[test_index] = True
    train_index = rng.permutation(np.flatnonzero(~is_test))
    test_index = rng.permutation(np.flatnonzero(is_test))
    return (x[train_index], y[train_index]), (x[test_index], y[test_index])


def standardize(x_train, x_test):
    """Scale each feature to mean 0, std 1, with statistics of `x_train` only.

    The mean and standard deviation are taken over axis 0 (the samples), so
    every other position (a column, or a pixel of an image) gets its own. A
    feature that is constant in `x_train` is only centred.

    Args:
        x_train: array of shape (n_train, ...).
        x_test: array of shape (n_test, ...), scaled with `x_train`'s statistics.

    Returns:
        `(x_train, x_test)` standardised, float32 unless the input is float64.
    """
    x_train, x_test = np.asarray(x_train), np.asarray(x_test)
    dtype = np.result_type(x_train.dtype, x_test.dtype, np.float32)
    mean = x_train.mean(axis=0, dtype=np.float64)
    std = x_train.std(axis=0, dtype=np.float64)
    std[std == 0] = 1.0
    return ((x_train - mean) / std).astype(dtype), ((x_test - mean) / std).astype(dtype)


def _test_count(test_size, n):
    if isinstance(test_size, (int, np.integer)) and not isinstance(test_size, bool):
        n_test = int(test_size)
    elif 0.0 < test_size < 1.0:
        n_test = math.ceil(test_size * n)
    else:
        raise ValueError(f"test_size must be a fraction in (0, 1) or a number of samples, got {test_size!r}")
    if not 0 < n_test < n:
        raise ValueError(f"test_size={test_size!r} leaves {n_test} of {n} samples for testing; both parts need one")
    return n_test


def _stratified_test_index(y, n_test, rng):
    """Indices of `n_test` samples, each class's share proportional to its size.

    Each class first gets the floor of its exact share; the samples left over go
    to the classes with the largest remainders (ties to the earlier class).
    """
    if y.ndim != 1:
        raise ValueError(f"stratify=True needs y of class labels with shape (n,), got shape {y.shape}")
    classes, y_index, counts = np.unique(y, return_inverse=True, return_counts=True)
    per_class, remainder = np.divmod(counts * n_test, len(y))
    leftover = n_test - per_class.sum()
    per_class[np.argsort(-remainder, kind="stable")[:leftover]] += 1
    chosen = [
        rng.permutation(np.flatnonzero(y_index == k))[:per_class[k]] for k in range(len(classes))
    ]
    return np.concatenate(chosen)
