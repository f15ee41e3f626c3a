"""breast_cancer, diabetes, digits, iris: small real data sets from scikit-learn's bundled files."""
import sys

import numpy as np
import pytest

from numpynn.datasets import breast_cancer, diabetes, digits, iris

# module: (samples, sample shape, class counts or None for regression, sklearn loader)
TABLE = {
    "breast_cancer": (breast_cancer, 569, (30,), [212, 357], "load_breast_cancer"),
    "diabetes": (diabetes, 442, (10,), None, "load_diabetes"),
    "digits": (digits, 1797, (8, 8), [178, 182, 177, 183, 181, 182, 181, 179, 174, 180], "load_digits"),
    "iris": (iris, 150, (4,), [50, 50, 50], "load_iris"),
}


def test_missing_scikit_learn_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # makes `import sklearn` fail
    with pytest.raises(ImportError, match=r"pip install numpynn\[data\]"):
        iris.load_data()


@pytest.fixture
def sklearn_datasets():
    return pytest.importorskip("sklearn.datasets", reason="scikit-learn is not installed (pip install numpynn[data])")


@pytest.fixture(params=TABLE)
def case(request, sklearn_datasets):
    return TABLE[request.param]


@pytest.fixture(params=[name for name, row in TABLE.items() if row[3] is not None])
def classification_case(request, sklearn_datasets):
    return TABLE[request.param]


def test_shapes_dtypes_and_split_sizes(case):
    module, n, shape, counts, _ = case
    (x_train, y_train), (x_test, y_test) = module.load_data()
    n_test = int(np.ceil(0.2 * n))
    assert x_train.shape == (n - n_test, *shape) and x_test.shape == (n_test, *shape)
    assert y_train.shape == (n - n_test,) and y_test.shape == (n_test,)
    assert x_train.dtype == x_test.dtype == np.float32
    assert y_train.dtype == (np.float32 if counts is None else np.int64)


def test_stratified(classification_case):
    module, n, _, counts, _ = classification_case
    (_, y_train), (_, y_test) = module.load_data(test_size=0.25)
    n_test = int(np.ceil(0.25 * n))
    exact = np.array(counts) * n_test / n
    assert np.all(np.abs(np.bincount(y_test) - exact) < 1)
    assert (np.bincount(y_train) + np.bincount(y_test)).tolist() == counts


def _sorted_rows(x, y):
    """Rows of [x flattened, y], sorted: the same samples in any order give the same result."""
    rows = np.column_stack([np.asarray(x, np.float64).reshape(len(x), -1), y])
    return rows[np.lexsort(rows.T)]


def test_raw_data_is_sklearns(case, sklearn_datasets):
    module, _, _, _, loader = case
    (x_train, y_train), (x_test, y_test) = module.load_data(standardize=False)
    data = getattr(sklearn_datasets, loader)(**({"scaled": False} if module is diabetes else {}))
    ours = _sorted_rows(np.concatenate([x_train, x_test]), np.concatenate([y_train, y_test]))
    theirs = _sorted_rows(data.data.astype(np.float32), data.target.astype(np.float32))
    np.testing.assert_array_equal(ours, theirs)


def test_standardized_with_training_statistics(case):
    module, *_ = case
    (x_train, _), (x_test, _) = module.load_data(standardize=True)
    (raw_train, _), (raw_test, _) = module.load_data(standardize=False)
    mean = raw_train.astype(np.float64).mean(axis=0)
    std = raw_train.astype(np.float64).std(axis=0)
    varying = std > 0
    np.testing.assert_allclose(x_train.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(x_train.std(axis=0)[varying], 1, rtol=1e-4)
    np.testing.assert_allclose(x_test[:, varying], ((raw_test - mean) / np.where(varying, std, 1))[:, varying],
                               rtol=1e-4, atol=1e-5)


def test_defaults(sklearn_datasets):
    assert digits.load_data()[0][0].max() == 16  # raw pixels by default
    assert abs(iris.load_data()[0][0].mean()) < 1e-5  # tabular sets are standardised by default


def test_same_seed_same_split(case):
    module, *_ = case
    (a, ya), (b, yb) = module.load_data(seed=7)
    (c, yc), (d, yd) = module.load_data(seed=7)
    (e, _), _ = module.load_data(seed=8)
    for first, second in ((a, c), (ya, yc), (b, d), (yb, yd)):
        np.testing.assert_array_equal(first, second)
    assert not np.array_equal(a, e)


def test_names_match_sklearn(sklearn_datasets):
    assert breast_cancer.CLASS_NAMES == tuple(sklearn_datasets.load_breast_cancer().target_names)
    assert breast_cancer.FEATURE_NAMES == tuple(sklearn_datasets.load_breast_cancer().feature_names)
    assert iris.CLASS_NAMES == tuple(sklearn_datasets.load_iris().target_names)
    assert iris.FEATURE_NAMES == tuple(sklearn_datasets.load_iris().feature_names)
    assert diabetes.FEATURE_NAMES == tuple(sklearn_datasets.load_diabetes().feature_names)
    assert digits.CLASS_NAMES == tuple(str(d) for d in sklearn_datasets.load_digits().target_names)
