"""Fixtures shared by the data set tests."""
import pytest

from numpynn.datasets import fashion_mnist, mnist

IDX_DATASETS = {"fashion-mnist": fashion_mnist, "mnist": mnist}


@pytest.fixture
def isolated_datasets(tmp_path, monkeypatch):
    """No data set folder from the environment, no proxy, no mirror, a private cache."""
    for name in ("NUMPYNN_FASHION_MNIST_DIR", "NUMPYNN_MNIST_DIR", "NUMPYNN_DATASETS_MIRROR",
                 "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
                 "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NUMPYNN_HOME", str(tmp_path / "home"))
    for module in IDX_DATASETS.values():
        monkeypatch.setattr(module, "MIRRORS", [])


@pytest.fixture(params=IDX_DATASETS)
def dataset(request):
    """(cache folder name, module) of each IDX data set."""
    return request.param, IDX_DATASETS[request.param]
