"""Diabetes: 442 patients, 10 baseline measurements, disease progression after a year.

Efron, Hastie, Johnstone and Tibshirani, "Least Angle Regression", 2004. Read
from scikit-learn's bundled copy (`pip install numpynn[data]`, scikit-learn 1.1
or newer for the raw features).
"""
import numpy as np

from numpynn.datasets.sklearn_data import sklearn_datasets, split

FEATURE_NAMES = ("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6")


def load_data(test_size=0.2, seed=0, standardize=True):
    """Load the regression data set with a reproducible train/test split.

    Args:
        test_size: fraction (rounded up) or number of samples for testing.
            Defaults to `0.2` (353 train, 89 test samples).
        seed: seed of the split. Defaults to `0`.
        standardize: scale every feature to mean 0, std 1 with the training
            part's statistics; `False` keeps the raw units (age in years,
            sex coded 1 or 2, body mass index, blood pressure, six blood
            serum measurements s1-s6). Defaults to `True`.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: `x_*` float32 (n, 10) in the
        order of `FEATURE_NAMES`; `y_*` float32 (n,), a measure of disease
        progression one year after baseline, from 25 to 346 (not scaled).
    """
    data = sklearn_datasets().load_diabetes(scaled=False)
    return split(data.data, data.target.astype(np.float32), test_size, seed, False, standardize)
