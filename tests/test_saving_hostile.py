"""Corrupt, truncated and hostile files raise ModelFileError; nothing is ever unpickled."""
import io
import json
import tempfile
import warnings
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import numpynn as keras
from numpynn.saving import ModelFileError, archive
from tests.saving_helpers import make_data, make_model


def _valid_file_bytes():
    keras.utils.set_random_seed(0)
    model = make_model(dropout_seed=3)
    model.fit(*make_data(n=20), epochs=1, batch_size=10, verbose=0)
    with tempfile.TemporaryDirectory() as folder:
        model.save(f"{folder}/m.npnn")
        with open(f"{folder}/m.npnn", "rb") as f:
            return f.read()


VALID = _valid_file_bytes()


def _members(data=VALID):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _zip(members):
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names warn
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in (members.items() if isinstance(members, dict) else members):
                info = zipfile.ZipInfo(name)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data)
    return buffer.getvalue()


def _replace(member, data):
    return _zip({**_members(), member: data})


def _replace_array(member, key, array, allow_pickle=False):
    """The file with one array of an inner .npz replaced."""
    with zipfile.ZipFile(io.BytesIO(_members()[member])) as zf:
        inner = {name: zf.read(name) for name in zf.namelist()}
    stream = io.BytesIO()
    np.lib.format.write_array(stream, array, allow_pickle=allow_pickle)
    inner[key + ".npy"] = stream.getvalue()
    return _replace(member, _zip(inner))


def _load(data, tmp_path, **kwargs):
    path = tmp_path / "m.npnn"
    path.write_bytes(data)
    return keras.models.load_model(path, **kwargs)


def test_valid_file_loads(tmp_path):
    _load(VALID, tmp_path)
    _load(_zip(_members()), tmp_path)  # re-zipped with deflate: still fine


@pytest.mark.parametrize("data, message", [
    (b"", "not a valid zip"),
    (b"hello, I am a text file\n" * 10, "not a valid zip"),
    (VALID[: len(VALID) // 2], "not a valid zip"),
    (VALID[:-10], "not a valid zip"),
])
def test_not_a_zip_or_truncated(tmp_path, data, message):
    with pytest.raises(ModelFileError, match=message):
        _load(data, tmp_path)


@pytest.mark.parametrize("member", sorted(_members()))
def test_every_member_is_required(tmp_path, member):
    members = _members()
    del members[member]
    with pytest.raises(ModelFileError, match=f"no member '{member}'"):
        _load(_zip(members), tmp_path)


def test_weights_file_given_to_load_model(tmp_path):
    make_model().save_weights(tmp_path / "w.npz")
    with pytest.raises(ModelFileError, match="no member 'metadata.json'"):
        keras.models.load_model(tmp_path / "w.npz")


@pytest.mark.parametrize("member", ["metadata.json", "config.json", "compile.json",
                                    "training.json"])
@pytest.mark.parametrize("data", [b"{not json", b"\xff\xfe\x00", b'{"a": NaN}', b"[" * 100000],
                         ids=["syntax", "not-utf8", "nan", "deep-nesting"])
def test_bad_json(tmp_path, member, data):
    with pytest.raises(ModelFileError, match="not valid JSON"):
        _load(_replace(member, data), tmp_path)


@pytest.mark.parametrize("member, content, message", [
    ("metadata.json", {"format": "other.format", "format_version": 1}, "not a 'numpynn.model'"),
    ("metadata.json", {"format": "numpynn.model", "format_version": 99}, "version 99"),
    ("metadata.json", [], "expected dict"),
    ("metadata.json", {"format": "numpynn.model", "format_version": 1, "class_names": "cat"},
     r"\['class_names'\] is 'cat', expected list"),
    ("metadata.json", {"format": "numpynn.model", "format_version": 1, "class_names": ["a", 2]},
     r"\['class_names'\]\[1\] is 2, expected str"),
    ("config.json", {"class_name": "Sequential"}, "config.json does not describe"),
    ("config.json", {"class_name": "Sequential", "config": {"layers": [
        {"class_name": "Dense", "config": {"units": 8, "bogus": 1}}]}}, "bogus"),
    ("config.json", {"class_name": "os.system", "config": {}}, "Unknown model 'os.system'"),
    ("compile.json", {"optimizer": "adam", "loss": "no_such_loss", "metrics": []},
     "Unknown loss 'no_such_loss'"),
    ("compile.json", {"optimizer": {"class_name": "Adam", "config": {"beta_1": 7}},
                      "loss": "mse", "metrics": []}, "compile.json holds settings"),
    ("training.json", {"epochs_trained": -1}, "expected an integer >= 0"),
    ("training.json", {"epochs_trained": True}, "expected int"),
])
def test_inconsistent_json(tmp_path, member, content, message):
    with pytest.raises(ModelFileError, match=message):
        _load(_replace(member, json.dumps(content).encode()), tmp_path)


@pytest.mark.parametrize("rng, message", [
    ({"bit_generator": "EvilGenerator"}, "unknown bit generator"),
    ({"bit_generator": "PCG64", "state": {"state": "x", "inc": 1}}, "not a valid PCG64 state"),
    ({"bit_generator": "PCG64"}, "not a valid PCG64 state"),
])
def test_hostile_generator_state(tmp_path, rng, message):
    training = json.loads(_members()["training.json"])
    training["rng"] = rng
    with pytest.raises(ModelFileError, match=message):
        _load(_replace("training.json", json.dumps(training).encode()), tmp_path)


@pytest.mark.parametrize("array, message", [
    (np.zeros((5, 9), "float32"), r"shape \(5, 9\), expected \(5, 8\)"),
    (np.zeros((5, 8), "float64"), "dtype float64, expected float32"),
    (np.zeros((5, 8), ">f4"), "dtype >f4, expected float32"),
    (np.zeros(40, "float32"), r"shape \(40,\), expected \(5, 8\)"),
])
def test_wrong_weight_arrays(tmp_path, array, message):
    with pytest.raises(ModelFileError, match=message):
        _load(_replace_array("weights.npz", "layers/0/0", array), tmp_path)


def test_wrong_optimizer_slot(tmp_path):
    with pytest.raises(ModelFileError, match="array 'm_sum' has shape"):
        _load(_replace_array("optimizer.npz", "m_sum", np.zeros(3, "float32")), tmp_path)


def test_extra_array_is_refused(tmp_path):
    with pytest.raises(ModelFileError, match="arrays the model does not have"):
        _load(_replace_array("weights.npz", "layers/9/0", np.zeros(2, "float32")), tmp_path)


class _Trap:
    """Unpickling this object would create a file."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_object_array_is_never_unpickled(tmp_path):
    marker = tmp_path / "pwned"
    trap = np.empty((5, 8), dtype=object)
    trap[...] = _Trap(str(marker))
    data = _replace_array("weights.npz", "layers/0/0", trap, allow_pickle=True)
    with pytest.raises(ModelFileError, match="dtype object"):
        _load(data, tmp_path)
    assert not marker.exists()
    # a weights file too
    path = tmp_path / "w.npz"
    path.write_bytes(_zip({"layers/0/0.npy": _members(data)["weights.npz"]}))
    with pytest.raises(ModelFileError):
        make_model().load_weights(path)
    assert not marker.exists()


def test_zip_bomb_is_refused_from_declared_size(tmp_path):
    bomb = b" " * (archive.JSON_LIMIT + 1)  # deflates to a few kilobytes
    data = _replace("config.json", bomb)
    assert len(data) < 100_000
    with pytest.raises(ModelFileError, match="declares 16777217 bytes"):
        _load(data, tmp_path)
    weights_bomb = _replace("weights.npz", b"\0" * 50_000_000)
    with pytest.raises(ModelFileError, match="'weights.npz' declares 50000000 bytes"):
        _load(weights_bomb, tmp_path)


def test_lying_declared_size_is_caught(tmp_path):
    """A member whose data inflates beyond its declared size is cut off and refused."""
    data = bytearray(_replace("config.json", b" " * 1_000_000))
    # patch the central directory's uncompressed size (offset 24) of config.json to 100
    for start in range(len(data)):
        start = data.find(b"PK\x01\x02", start)
        if start < 0:
            break
        name_length = int.from_bytes(data[start + 28:start + 30], "little")
        if data[start + 46:start + 46 + name_length] == b"config.json":
            data[start + 24:start + 28] = (100).to_bytes(4, "little")
            break
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        assert zf.getinfo("config.json").file_size == 100
    with pytest.raises(ModelFileError, match="config.json"):
        _load(bytes(data), tmp_path)


@pytest.mark.parametrize("name", ["../evil.json", "/etc/passwd", "a/../../b", "c:\\win.ini",
                                  "weights\\x.npy"])
def test_unsafe_member_names(tmp_path, name):
    members = list(_members().items()) + [(name, b"{}")]
    data = _zip(members)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        stored = zf.namelist()[-1]
    with pytest.raises(ModelFileError, match="unsafe name"):
        _load(data, tmp_path)
    assert stored == name  # the hostile name really reached the reader


def test_unsafe_names_inside_weights_npz(tmp_path):
    with zipfile.ZipFile(io.BytesIO(_members()["weights.npz"])) as zf:
        arrays = {name: zf.read(name) for name in zf.namelist()}  # the size the config needs
    inner = _zip({**arrays, "../../layers/0/0.npy": b"x"})
    with pytest.raises(ModelFileError, match="unsafe name"):
        _load(_replace("weights.npz", inner), tmp_path)


def test_duplicate_members(tmp_path):
    members = list(_members().items())
    members.append(("config.json", b"{}"))
    with pytest.raises(ModelFileError, match="twice"):
        _load(_zip(members), tmp_path)


# -- property-based fuzzing -----------------------------------------------------------------
MEMBER_NAMES = sorted(_members())


@st.composite
def mutated_files(draw):
    kind = draw(st.sampled_from(["flip", "truncate", "replace", "inner_flip", "drop"]))
    if kind == "flip":
        data = bytearray(VALID)
        for position, mask in draw(st.lists(st.tuples(st.integers(0, len(VALID) - 1),
                                                       st.integers(1, 255)), min_size=1,
                                            max_size=8)):
            data[position] ^= mask
        return bytes(data)
    if kind == "truncate":
        return VALID[:draw(st.integers(0, len(VALID) - 1))]
    members = _members()
    name = draw(st.sampled_from(MEMBER_NAMES))
    if kind == "drop":
        del members[name]
    elif kind == "replace":
        members[name] = draw(st.one_of(
            st.binary(max_size=300),
            st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                         | st.text(max_size=10),
                         lambda inner: st.lists(inner, max_size=4)
                         | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                         max_leaves=12).map(lambda v: json.dumps(v).encode())))
    else:  # flip bytes of the uncompressed content: exercises the JSON and .npy checks
        content = bytearray(members[name])
        for position, mask in draw(st.lists(st.tuples(st.integers(0, len(content) - 1),
                                                       st.integers(1, 255)), min_size=1,
                                            max_size=4)):
            content[position] ^= mask
        members[name] = bytes(content)
    return _zip(members)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated_files())
def test_fuzzed_files_load_or_raise_model_file_error(data):
    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/m.npnn"
        with open(path, "wb") as f:
            f.write(data)
        try:
            model = keras.models.load_model(path)
        except ModelFileError:
            return
        model.predict(np.zeros((2, 5), "float32"), verbose=0)
