"""Shared plumbing of the small tabular data sets bundled with scikit-learn.

scikit-learn is an optional dependency (`pip install numpynn[data]`); it is
imported only when one of these data sets is loaded. Its files ship inside the
package, so nothing is downloaded.
"""
import numpy as np

from numpynn.datasets import preprocessing


def sklearn_datasets():
    """The `sklearn.datasets` module, or an ImportError that says what to install."""
    try:
        from sklearn import datasets
    except ImportError as exc:
        raise ImportError(
            "this data set is read from scikit-learn's bundled files; install it with "
            "`pip install numpynn[data]` (or `pip install scikit-learn`)"
        ) from exc
    return datasets


def split(x, y, test_size, seed, stratify, standardize):
    """Split (and maybe standardise) `x`, `y` as `(x_train, y_train), (x_test, y_test)`.

    `x` becomes float32; `y` keeps its dtype.
    """
    (x_train, y_train), (x_test, y_test) = preprocessing.train_test_split(
        x, y, test_size=test_size, seed=seed, stratify=stratify
    )
    if standardize:
        x_train, x_test = preprocessing.standardize(x_train, x_test)
    return (x_train.astype(np.float32), y_train), (x_test.astype(np.float32), y_test)
