"""The real MNIST and Fashion-MNIST files, when the project's shared data folder is present.

The folder sits beside the repository, at `<repo root>/../shared/datasets/<name>`,
with large files stored as `.part-NN` pieces that `join_parts` reassembles.
"""
import hashlib
from pathlib import Path

import numpy as np
import pytest

from numpynn.datasets import fashion_mnist, join_parts, mnist

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.fixture(scope="module", params=["fashion-mnist", "mnist"])
def joined(request, tmp_path_factory):
    """(module, folder with the four whole .gz files) of each data set."""
    source = SHARED / request.param
    if not source.is_dir():
        pytest.skip(f"real {request.param} files not found: no folder ../shared/datasets/{request.param} "
                    f"beside the repository")
    folder = tmp_path_factory.mktemp(request.param)
    join_parts(source, folder)
    module = fashion_mnist if request.param == "fashion-mnist" else mnist
    return module, folder


def test_joined_files_match_the_checksums_in_the_code(joined):
    module, folder = joined
    for filename, expected in module.SHA256.items():
        assert hashlib.sha256((folder / filename).read_bytes()).hexdigest() == expected, filename


@pytest.fixture(scope="module")
def loaded(joined):
    """(module, load_data(path=...)'s result)."""
    module, folder = joined
    return module, module.load_data(path=folder)


def test_shapes_and_dtypes(loaded):
    _, ((x_train, y_train), (x_test, y_test)) = loaded
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    for array in (x_train, y_train, x_test, y_test):
        assert array.dtype == np.uint8
    assert x_train.max() == 255 and x_train.min() == 0


def test_class_counts(loaded):
    module, ((_, y_train), (_, y_test)) = loaded
    if module is fashion_mnist:
        assert np.bincount(y_train).tolist() == [6000] * 10
        assert np.bincount(y_test).tolist() == [1000] * 10
    else:
        assert np.bincount(y_train).tolist() == MNIST_TRAIN_COUNTS
        assert np.bincount(y_test).tolist() == MNIST_TEST_COUNTS
