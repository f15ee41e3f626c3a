"""Downloading MNIST-style files from mirrors, against a local HTTP server on 127.0.0.1."""
import functools
import hashlib
import http.server
import io
import socket
import threading

import numpy as np
import pytest

from numpynn.datasets import DatasetError, write_idx
from numpynn.datasets.download import ProgressBar, cache_dir, download

FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)


pytestmark = pytest.mark.usefixtures("isolated_datasets")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        self.server.requests.append(self.path)


@pytest.fixture
def server(tmp_path):
    """An HTTP server on 127.0.0.1 serving `tmp_path / "www"`; yields its base URL."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    httpd.root, httpd.url = root, f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def publish(folder, seed=0):
    """Write the four files of a tiny data set; return (arrays, their SHA-256 by name)."""
    rng = np.random.default_rng(seed)
    arrays = (
        rng.integers(0, 256, (30, 28, 28), dtype=np.uint8),
        (np.arange(30) % 10).astype(np.uint8),
        rng.integers(0, 256, (10, 28, 28), dtype=np.uint8),
        (np.arange(10) % 10).astype(np.uint8),
    )
    folder.mkdir(parents=True, exist_ok=True)
    sha256 = {}
    for name, array in zip(FILES, arrays):
        sha256[name] = hashlib.sha256(write_idx(folder / name, array).read_bytes()).hexdigest()
    return arrays, sha256


def closed_port_url():
    """A URL on 127.0.0.1 where nothing listens: connections are refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def assert_loaded(result, arrays):
    (x_train, y_train), (x_test, y_test) = result
    for got, want in zip((x_train, y_train, x_test, y_test), arrays):
        np.testing.assert_array_equal(got, want)


def test_falls_through_to_a_good_mirror_and_caches(server, monkeypatch, capsys, dataset):
    name, module = dataset
    arrays, sha256 = publish(server.root / "good")
    publish(server.root / "bad", seed=1)  # valid IDX files, wrong checksums
    monkeypatch.setattr(module, "SHA256", sha256)
    monkeypatch.setattr(module, "MIRRORS", [
        closed_port_url(), f"{server.url}/missing/", f"{server.url}/bad/", f"{server.url}/good",
    ])

    assert_loaded(module.load_data(), arrays)

    folder = cache_dir(name)
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES)  # no temporary files left
    for filename in FILES:
        assert (folder / filename).read_bytes() == (server.root / "good" / filename).read_bytes()
    stderr = capsys.readouterr().err
    assert f"Downloading data from {server.url}/good/train-images-idx3-ubyte.gz" in stderr
    assert "100%" in stderr

    server.requests.clear()
    assert_loaded(module.load_data(), arrays)  # now from the cache
    assert server.requests == []


def test_downloads_only_missing_files(server, monkeypatch, dataset):
    name, module = dataset
    arrays, sha256 = publish(server.root / "good")
    publish(cache_dir(name))
    (cache_dir(name) / "t10k-images-idx3-ubyte.gz").unlink()
    monkeypatch.setattr(module, "SHA256", sha256)
    monkeypatch.setattr(module, "MIRRORS", [f"{server.url}/good/"])
    assert_loaded(module.load_data(), arrays)
    assert server.requests == ["/good/t10k-images-idx3-ubyte.gz"]


def test_mirror_env_var_is_tried_first(server, monkeypatch, dataset):
    name, module = dataset
    arrays, sha256 = publish(server.root / "local" / name)
    monkeypatch.setattr(module, "SHA256", sha256)
    monkeypatch.setenv("NUMPYNN_DATASETS_MIRROR", f"{server.url}/local/")
    assert_loaded(module.load_data(), arrays)
    assert server.requests[0] == f"/local/{name}/train-images-idx3-ubyte.gz"


def test_checksum_mismatch_on_every_mirror_is_an_error(server, monkeypatch, dataset):
    name, module = dataset
    _, sha256 = publish(server.root / "good")
    publish(server.root / "bad", seed=1)
    monkeypatch.setattr(module, "SHA256", sha256)
    monkeypatch.setattr(module, "MIRRORS", [f"{server.url}/bad/"])
    with pytest.raises(DatasetError) as info:
        module.load_data()
    message = str(info.value)
    assert "train-images-idx3-ubyte.gz could not be downloaded from any mirror" in message
    assert f"{server.url}/bad/train-images-idx3-ubyte.gz: SHA-256 mismatch: expected {sha256[FILES[0]]}" in message
    assert list(cache_dir(name).iterdir()) == []  # the wrong file was not kept


def test_all_mirrors_down_gives_offline_help(monkeypatch, dataset):
    name, module = dataset
    urls = [closed_port_url(), closed_port_url()]
    monkeypatch.setattr(module, "MIRRORS", urls)
    with pytest.raises(DatasetError) as info:
        module.load_data()
    message = str(info.value)
    assert "is not on this machine" in message
    for url in urls:
        assert url + "train-images-idx3-ubyte.gz: " in message
    for filename in FILES:
        assert filename in message
    assert module.ENV_VAR in message
    assert "load_data(path=" in message
    assert str(cache_dir(name)) in message and "NUMPYNN_HOME" in message
    assert "join_parts" in message


def test_no_mirrors_at_all_gives_offline_help(dataset):
    _, module = dataset
    with pytest.raises(DatasetError, match=r"any mirror:\n  \(no mirror is configured\)\n\nTo use .* offline"):
        module.load_data()


def test_download_function(server, tmp_path):
    content = b"some bytes" * 1000
    (server.root / "f.bin").write_bytes(content)
    target = tmp_path / "deep" / "folder" / "f.bin"
    result = download([f"{server.url}/nope.bin", f"{server.url}/f.bin"], target,
                      hashlib.sha256(content).hexdigest())
    assert result == target and target.read_bytes() == content


def test_download_rejects_malformed_url(tmp_path):
    with pytest.raises(DatasetError, match="not-a-url"):
        download(["not-a-url"], tmp_path / "f", "0" * 64)


@pytest.mark.parametrize(
    "total, steps, expected",
    [
        (1_000_000, [250_000, 250_000], "0.5/1.0 MB [===============>..............]  50%"),
        (1_000_000, [1_000_000], "1.0/1.0 MB [==============================] 100%"),
        (0, [2_500_000], "2.5 MB"),
    ],
)
def test_progress_bar(total, steps, expected):
    stream = io.StringIO()
    bar = ProgressBar(total, stream=stream)
    for n in steps:
        bar.update(n)
    bar.close()
    assert stream.getvalue().endswith("\r" + expected + "\n")
