"""Damaged and hostile Keras files raise only ModelFileError, and a config asking for huge
layers is refused before its weights are allocated (numpynn's own format too)."""
import io
import json
import shutil
import tempfile
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import numpynn
from numpynn.saving import ModelFileError, budget
from tests import references
from tests.saving_helpers import make_model

DATA = Path(__file__).parent / "data"
KERAS = (DATA / "keras_mlp.keras").read_bytes()
H5 = (DATA / "keras_mlp.h5").read_bytes()


@pytest.fixture(autouse=True)
def _h5py():
    references.h5py()


def _members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _with_units(data, member, units):
    """A zip model file whose first Dense layer asks for ``units``."""
    members = _members(data)
    config = json.loads(members[member])
    layers = config["config"]["layers"]
    layer = next(l for l in layers if l["class_name"] == "Dense")
    layer["config"]["units"] = units
    members[member] = json.dumps(config).encode()
    return _zip(members)


def _load(data, name="m.keras"):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return numpynn.models.load_model(path)


def _peak_bytes(load):
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError) as error:
            load()
        return tracemalloc.get_traced_memory()[1], str(error.value)
    finally:
        tracemalloc.stop()


def _npnn_bytes(tmp_path):
    model = make_model()
    model.save(tmp_path / "m.npnn")
    return (tmp_path / "m.npnn").read_bytes()


@pytest.mark.parametrize("source", ["npnn", "keras"])
def test_huge_layers_are_refused_before_allocation(tmp_path, source):
    data = _npnn_bytes(tmp_path) if source == "npnn" else KERAS
    hostile = _with_units(data, "config.json", 10**9)  # 20+ GB of float32 weights
    peak, message = _peak_bytes(lambda: _load(hostile))
    assert "asks for more" in message and "refused before allocating" in message.lower()
    assert peak < 20 * 2**20
    hostile = _with_units(data, "config.json", 2_000_000)  # under the cap, over the file
    peak, message = _peak_bytes(lambda: _load(hostile))
    assert "bytes of arrays the file holds" in message and peak < 20 * 2**20


def test_cap_can_be_lowered(tmp_path, monkeypatch):
    monkeypatch.setattr(budget, "MAX_WEIGHT_BYTES", 100)
    with pytest.raises(ModelFileError, match="more than 100 bytes"):
        _load(KERAS)


def test_huge_layers_in_legacy_h5_are_refused(tmp_path):
    h5py = references.h5py()
    path = tmp_path / "m.h5"
    path.write_bytes(H5)
    with h5py.File(path, "a") as h5:
        config = json.loads(h5.attrs["model_config"])
        config["config"]["layers"][1]["config"]["units"] = 10**9
        h5.attrs["model_config"] = json.dumps(config)
    peak, message = _peak_bytes(lambda: numpynn.models.load_model(path))
    assert "asks for more" in message and peak < 20 * 2**20


def test_links_outside_the_file_are_refused(tmp_path):
    h5py = references.h5py()
    shutil.copy(DATA / "keras_mlp.h5", tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5", "a") as h5:
        group = h5["model_weights/dense/sequential/dense"] if "sequential" in \
            h5["model_weights/dense"] else h5["model_weights/dense/mlp/dense"]
        del group["kernel"]
        group["kernel"] = h5py.ExternalLink("/etc/hostname", "/kernel")
    with pytest.raises(ModelFileError, match="link outside the file"):
        numpynn.models.load_model(tmp_path / "m.h5")


def test_weights_that_are_not_floats_are_refused(tmp_path):
    h5py = references.h5py()
    path = tmp_path / "m.h5"
    path.write_bytes(H5)
    with h5py.File(path, "a") as h5:
        names = [n.decode() if isinstance(n, bytes) else n
                 for n in h5["model_weights/dense"].attrs["weight_names"]]
        kernel = "model_weights/dense/" + names[0]
        shape = h5[kernel].shape
        del h5[kernel]
        h5.create_dataset(kernel, data=np.zeros(shape, "int64"))
    with pytest.raises(ModelFileError, match="dtype int64, expected a float array"):
        numpynn.models.load_model(path)


@pytest.mark.parametrize("data, message", [
    (KERAS[:len(KERAS) // 2], "not a valid zip"),
    (H5[:len(H5) // 2], "HDF5"),
    (_zip({**_members(KERAS), "model.weights.h5": b"not hdf5" * 1000}), "not a readable HDF5"),
    (_zip({**_members(KERAS), "config.json": b"{broken"}), "not valid JSON"),
    (_zip({k: v for k, v in _members(KERAS).items() if k != "config.json"}),
     "no member 'config.json'"),
], ids=["truncated-keras", "truncated-h5", "weights-not-hdf5", "bad-json", "no-config"])
def test_damaged_files(data, message):
    with pytest.raises(ModelFileError, match=message):
        _load(data)


@st.composite
def damaged(draw):
    source = draw(st.sampled_from(["keras", "h5", "keras_inner"]))
    if source == "keras_inner":  # damage the weights file inside the archive
        members = _members(KERAS)
        inner = bytearray(members["model.weights.h5"])
        for position, mask in draw(st.lists(st.tuples(st.integers(0, len(inner) - 1),
                                                       st.integers(1, 255)), min_size=1,
                                            max_size=6)):
            inner[position] ^= mask
        return _zip({**members, "model.weights.h5": bytes(inner)})
    data = bytearray(KERAS if source == "keras" else H5)
    if draw(st.booleans()):
        return bytes(data[:draw(st.integers(0, len(data) - 1))])
    for position, mask in draw(st.lists(st.tuples(st.integers(0, len(data) - 1),
                                                   st.integers(1, 255)), min_size=1,
                                        max_size=6)):
        data[position] ^= mask
    return bytes(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=damaged())
def test_fuzzed_keras_files_load_or_raise_model_file_error(data):
    try:
        model = _load(data)
    except ModelFileError:
        return
    assert model.predict(np.zeros((2, 6), "float32"), verbose=0).shape == (2, 3)
