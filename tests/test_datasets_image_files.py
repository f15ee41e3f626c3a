"""Where mnist / fashion_mnist look for their four IDX files, and how bad files are reported.

No test here touches the network: the mirror lists are emptied.
"""
import gzip

import numpy as np
import pytest

from numpynn.datasets import DatasetError, fashion_mnist, mnist, write_idx
from numpynn.datasets.download import cache_dir

FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


pytestmark = pytest.mark.usefixtures("isolated_datasets")


def make_files(folder, seed=0, n_train=20, n_test=10, compress=True):
    """Write a tiny MNIST-style data set into `folder`; return its arrays."""
    rng = np.random.default_rng(seed)
    arrays = (
        rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        (np.arange(n_train) % 10).astype(np.uint8),
        rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        (np.arange(n_test) % 10).astype(np.uint8),
    )
    folder.mkdir(parents=True, exist_ok=True)
    for name, array in zip(FILES, arrays):
        write_idx(folder / (name + (".gz" if compress else "")), array)
    return arrays


def assert_loaded(result, arrays):
    (x_train, y_train), (x_test, y_test) = result
    for got, want in zip((x_train, y_train, x_test, y_test), arrays):
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("compress", [True, False], ids=["gz", "plain"])
def test_load_from_path(tmp_path, dataset, compress):
    _, module = dataset
    arrays = make_files(tmp_path / "files", compress=compress)
    assert_loaded(module.load_data(path=tmp_path / "files"), arrays)
    assert_loaded(module.load_data(path=str(tmp_path / "files")), arrays)


def test_folder_of_part_pieces_is_joined_while_loading(tmp_path, dataset):
    _, module = dataset
    arrays = make_files(tmp_path / "files")
    whole = tmp_path / "files" / "train-images-idx3-ubyte.gz"
    data = whole.read_bytes()
    (tmp_path / "files" / (whole.name + ".part-00")).write_bytes(data[:100])
    (tmp_path / "files" / (whole.name + ".part-01")).write_bytes(data[100:])
    whole.unlink()
    assert_loaded(module.load_data(path=tmp_path / "files"), arrays)
    names = {p.name for p in (tmp_path / "files").iterdir()}
    assert whole.name not in names and whole.name + ".part-01" in names  # folder left as it was


def test_gzipped_and_plain_files_may_be_mixed(tmp_path, dataset):
    _, module = dataset
    arrays = make_files(tmp_path / "files")
    for name in FILES[:2]:
        gz = tmp_path / "files" / (name + ".gz")
        (tmp_path / "files" / name).write_bytes(gzip.decompress(gz.read_bytes()))
        gz.unlink()
    assert_loaded(module.load_data(path=tmp_path / "files"), arrays)


def test_path_and_env_var_expand_user(tmp_path, monkeypatch, dataset):
    _, module = dataset
    arrays = make_files(tmp_path / "files")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert_loaded(module.load_data(path="~/files"), arrays)
    monkeypatch.setenv(module.ENV_VAR, "~/files")
    assert_loaded(module.load_data(), arrays)


def test_load_from_env_var(tmp_path, monkeypatch, dataset):
    _, module = dataset
    arrays = make_files(tmp_path / "env")
    monkeypatch.setenv(module.ENV_VAR, str(tmp_path / "env"))
    assert_loaded(module.load_data(), arrays)


def test_load_from_cache(tmp_path, dataset):
    name, module = dataset
    assert cache_dir(name) == tmp_path / "home" / "datasets" / name
    arrays = make_files(cache_dir(name))
    assert_loaded(module.load_data(), arrays)


def test_default_cache_is_under_home(tmp_path, monkeypatch):
    monkeypatch.delenv("NUMPYNN_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_dir("mnist") == tmp_path / ".numpynn" / "datasets" / "mnist"


def test_lookup_order_path_then_env_var_then_cache(tmp_path, monkeypatch, dataset):
    name, module = dataset
    from_path = make_files(tmp_path / "path", seed=1)
    from_env = make_files(tmp_path / "env", seed=2)
    from_cache = make_files(cache_dir(name), seed=3)
    monkeypatch.setenv(module.ENV_VAR, str(tmp_path / "env"))
    assert_loaded(module.load_data(path=tmp_path / "path"), from_path)
    assert_loaded(module.load_data(), from_env)
    monkeypatch.setenv(module.ENV_VAR, "")
    assert_loaded(module.load_data(), from_cache)


def test_path_missing_files_says_which_and_how_to_fix(tmp_path, dataset):
    _, module = dataset
    make_files(tmp_path / "files")
    (tmp_path / "files" / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DatasetError) as info:
        module.load_data(path=tmp_path / "files")
    message = str(info.value)
    assert str(tmp_path / "files") in message and "path=" in message
    assert "lacks t10k-labels-idx1-ubyte.gz" in message
    assert module.ENV_VAR in message and "join_parts" in message


def test_env_var_folder_missing_files(tmp_path, monkeypatch, dataset):
    _, module = dataset
    monkeypatch.setenv(module.ENV_VAR, str(tmp_path / "empty"))
    with pytest.raises(DatasetError, match=rf"\${module.ENV_VAR}\) lacks train-images-idx3-ubyte.gz, "):
        module.load_data()


def _overwrite(folder, name, array):
    write_idx(folder / (name + ".gz"), array)


@pytest.mark.parametrize(
    "name, array, words",
    [
        ("train-labels-idx1-ubyte", np.zeros(19, np.uint8), ["20 images", "19 labels"]),
        ("t10k-images-idx3-ubyte", np.zeros((10, 28, 27), np.uint8), ["28x27", "expected 28x28"]),
        ("t10k-labels-idx1-ubyte", np.full(10, 10, np.uint8), ["label 10 is out of range 0..9"]),
        ("train-images-idx3-ubyte", np.zeros(20, np.uint8), ["magic number 2049", "expected a 3-D uint8"]),
        ("train-labels-idx1-ubyte", np.zeros((20, 1), np.uint8), ["2-D uint8", "expected a 1-D uint8"]),
        ("train-labels-idx1-ubyte", np.zeros(20, np.int32), ["1-D int32", "expected a 1-D uint8"]),
    ],
)
def test_inconsistent_files(tmp_path, dataset, name, array, words):
    _, module = dataset
    make_files(tmp_path / "files")
    _overwrite(tmp_path / "files", name, array)
    with pytest.raises(DatasetError) as info:
        module.load_data(path=tmp_path / "files")
    assert name in str(info.value)
    for word in words:
        assert word in str(info.value)


def test_truncated_file_in_cache_is_reported(tmp_path, dataset):
    name, module = dataset
    make_files(cache_dir(name))
    path = cache_dir(name) / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DatasetError, match="truncated or corrupt") as info:
        module.load_data()
    assert str(path) in str(info.value)


def test_fashion_mnist_class_names():
    assert fashion_mnist.CLASS_NAMES == (
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    )
    assert mnist.CLASS_NAMES == tuple("0123456789")
