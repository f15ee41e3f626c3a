"""Breast Cancer Wisconsin (Diagnostic): 569 tumours, 30 features, benign or malignant.

Street, Wolberg and Mangasarian, 1993; UCI Machine Learning Repository. Read
from scikit-learn's bundled copy (`pip install numpynn[data]`).
"""
import numpy as np

from numpynn.datasets.sklearn_data import sklearn_datasets, split

CLASS_NAMES = ("malignant", "benign")
_MEASURES = (
    "radius", "texture", "perimeter", "area", "smoothness",
    "compactness", "concavity", "concave points", "symmetry", "fractal dimension",
)
FEATURE_NAMES = (
    tuple(f"mean {m}" for m in _MEASURES)
    + tuple(f"{m} error" for m in _MEASURES)
    + tuple(f"worst {m}" for m in _MEASURES)
)


def load_data(test_size=0.2, seed=0, standardize=True):
    """Load the data set with a stratified, reproducible train/test split.

    Args:
        test_size: fraction (rounded up) or number of samples for testing.
            Defaults to `0.2` (455 train, 114 test samples).
        seed: seed of the split. Defaults to `0`.
        standardize: scale every feature to mean 0, std 1 with the training
            part's statistics. The raw features span 0.001 to 4,000, so keep
            this on for neural networks. Defaults to `True`.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: `x_*` float32 (n, 30) in the
        order of `FEATURE_NAMES`; `y_*` int64 (n,), 0 = malignant (212 of the
        569 samples), 1 = benign (357), see `CLASS_NAMES`.
    """
    data = sklearn_datasets().load_breast_cancer()
    return split(data.data, data.target.astype(np.int64), test_size, seed, True, standardize)
