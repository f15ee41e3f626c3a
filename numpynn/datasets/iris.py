"""Iris: 150 flowers, 4 measurements, 3 species (50 each).

Fisher, 1936. Read from scikit-learn's bundled copy (`pip install numpynn[data]`).
"""
import numpy as np

from numpynn.datasets.sklearn_data import sklearn_datasets, split

CLASS_NAMES = ("setosa", "versicolor", "virginica")
FEATURE_NAMES = ("sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)")


def load_data(test_size=0.2, seed=0, standardize=True):
    """Load the data set with a stratified, reproducible train/test split.

    Args:
        test_size: fraction (rounded up) or number of samples for testing.
            Defaults to `0.2` (120 train, 30 test samples, 10 per class).
        seed: seed of the split. Defaults to `0`.
        standardize: scale every feature to mean 0, std 1 with the training
            part's statistics; `False` keeps centimetres. Defaults to `True`.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: `x_*` float32 (n, 4) in the
        order of `FEATURE_NAMES`; `y_*` int64 (n,), 0 = setosa,
        1 = versicolor, 2 = virginica, see `CLASS_NAMES`.
    """
    data = sklearn_datasets().load_iris()
    return split(data.data, data.target.astype(np.int64), test_size, seed, True, standardize)
