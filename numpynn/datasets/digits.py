"""Optical recognition of handwritten digits: 1,797 8x8 images of the digits 0-9.

Alpaydin and Kaynak, 1998; UCI Machine Learning Repository. Read from
scikit-learn's bundled copy (`pip install numpynn[data]`).
"""
import numpy as np

from numpynn.datasets.sklearn_data import sklearn_datasets, split

CLASS_NAMES = tuple(str(digit) for digit in range(10))


def load_data(test_size=0.2, seed=0, standardize=False):
    """Load the data set with a stratified, reproducible train/test split.

    Args:
        test_size: fraction (rounded up) or number of samples for testing.
            Defaults to `0.2` (1437 train, 360 test samples).
        seed: seed of the split. Defaults to `0`.
        standardize: scale every pixel to mean 0, std 1 with the training
            part's statistics (always-blank pixels become 0). Defaults to
            `False`: raw values, which you may divide by 16 to get [0, 1].

    Returns:
        `(x_train, y_train), (x_test, y_test)`: `x_*` float32 (n, 8, 8),
        white-on-black ink counts, whole numbers from 0 to 16 unless
        standardised; `y_*` int64 (n,), the digits 0-9 (about 180 of each).
    """
    data = sklearn_datasets().load_digits()
    return split(data.images, data.target.astype(np.int64), test_size, seed, True, standardize)
