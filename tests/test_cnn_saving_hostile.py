"""Damaged convolutional model files give only clear ModelFileErrors: truncated or flipped
bytes, configs with bad or absurd sizes, kernels of the wrong shape. The loader never lets a
config allocate more weights than the file holds, and every config value is refused by an
argument check of numpynn's, not by NumPy deep inside a computation."""
import copy
import io
import json
import re
import tempfile
import traceback
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import numpynn as keras
from numpynn.saving import ModelFileError
from tests.cnn_models import CASES, make_data


def _saved_bytes(name):
    """The file of the case's model after one epoch of Adam (moving statistics, slots)."""
    keras.utils.set_random_seed(0)
    build, loss = CASES[name]
    model = build(keras)
    model.compile(optimizer="adam", loss=loss)
    model.fit(*make_data(model, loss), batch_size=8, epochs=1, verbose=0)
    with tempfile.TemporaryDirectory() as folder:
        model.save(Path(folder) / "m.npnn")
        return (Path(folder) / "m.npnn").read_bytes()


FILES = {name: _saved_bytes(name) for name in sorted(CASES)}
VALID = FILES["separable_bn_transpose"]  # ZeroPadding2D, SeparableConv2D, BN, AveragePooling2D,
# DepthwiseConv2D, Conv2DTranspose, Flatten, Dense: layers 0 to 7 of its config


def _members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return buffer.getvalue()


def _with_config(edit, data=VALID):
    """The file with ``edit(config)`` applied to a copy of its config.json."""
    members = _members(data)
    config = json.loads(members["config.json"])
    edit(config)
    return _zip({**members, "config.json": json.dumps(config).encode()})


def _set(layer, key, value):
    def edit(config):
        config["config"]["layers"][layer]["config"][key] = value
    return edit


def _set_model(key, value):
    def edit(config):
        config["config"][key] = value
    return edit


def _load(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.npnn"
        path.write_bytes(data)
        return keras.models.load_model(path)


def test_the_valid_file_loads():
    model = _load(VALID)
    assert [type(layer).__name__ for layer in model.layers] == [
        "ZeroPadding2D", "SeparableConv2D", "BatchNormalization", "AveragePooling2D",
        "DepthwiseConv2D", "Conv2DTranspose", "Flatten", "Dense"]


@pytest.mark.parametrize("fraction", [0.0, 0.05, 0.3, 0.6, 0.9, 0.999])
def test_truncated_file(fraction):
    """The end of a cut file may be the end of an inner .npz, which then reads as a zip
    without the model's members."""
    with pytest.raises(ModelFileError, match="not a valid zip|has no member 'metadata.json'"):
        _load(VALID[:int(len(VALID) * fraction)])


HUGE = "more weights than the [0-9]+ bytes of arrays the file holds"
BAD_CONFIGS = {
    "negative filters": (_set(1, "filters", -8), "`filters` must be a positive integer"),
    "text filters": (_set(5, "filters", "four"), "`filters` must be a positive integer"),
    "negative kernel size": (_set(1, "kernel_size", [3, -3]), "`kernel_size` must be"),
    "zero kernel size": (_set(4, "kernel_size", 0), "`kernel_size` must be"),
    "fractional kernel size": (_set(5, "kernel_size", 2.5), "`kernel_size` must be"),
    "boolean kernel size": (_set(5, "kernel_size", [True, 3]), "`kernel_size` must be"),
    "zero strides": (_set(5, "strides", [0, 2]), "`strides` must be"),
    "null dilation": (_set(4, "dilation_rate", None), "`dilation_rate` must be"),
    "zero depth multiplier": (_set(4, "depth_multiplier", 0), "`depth_multiplier` must be"),
    "negative pool size": (_set(3, "pool_size", [-3, 3]), "pool_size must be a positive"),
    "negative zero padding": (_set(0, "padding", [[1, -1], [1, 1]]), r"padding \(top, bottom\)"),
    "text momentum": (_set(2, "momentum", "fast"), "momentum must be a number"),
    "axis out of range": (_set(2, "axis", 7), "axis=7 is out of range"),
    "integer dtype": (_set(1, "dtype", "int32"), "dtype must be a floating-point type"),
    "unknown dtype": (_set(6, "dtype", [3, 3]), "dtype must be a floating-point type"),
    "negative input size": (_set_model("input_shape", [-17, 15, 3]), "input shape is a tuple"),
    "text input shape": (_set_model("input_shape", "17x15"), "input shape is a tuple"),
    "input of the wrong rank": (_set_model("input_shape", [17, 15]),
                                "ZeroPadding2D expects inputs of shape"),
    "layers not a list": (_set_model("layers", 8), "holds its layers as a list"),
    "layer config not a dict": (lambda c: c["config"]["layers"][1].update(config=[8, 3]),
                                "Cannot build a layer"),
    "class name not a string": (lambda c: c["config"]["layers"][1].update(class_name=[1]),
                                "Unknown layer"),
    # consistent configs whose weights are not those in the file
    "larger kernel": (_set(1, "kernel_size", 5), r"shape \(3, 3, 3, 1\), expected \(5, 5, 3, 1\)"),
    "more filters": (_set(5, "filters", 5), r"shape \(3, 3, 4, 16\), expected \(3, 3, 5, 16\)"),
    # sizes that would allocate gigabytes to terabytes before the weights are read
    "huge filters": (_set(1, "filters", 10**8), HUGE),
    "huge units": (_set(7, "units", 10**12), HUGE),
    "huge depth multiplier": (_set(4, "depth_multiplier", 10**7), HUGE),
    "huge float filters": (_set(5, "filters", 1e300), HUGE),
    "huge kernel": (lambda c: (_set(1, "kernel_size", [30000, 30000])(c),
                               _set(1, "padding", "same")(c)), HUGE),
    "huge zero padding": (_set(0, "padding", [[10**6, 10**6], [0, 0]]), HUGE),
    "huge strides": (_set(5, "strides", [10**6, 10**6]), HUGE),
    "huge input": (_set_model("input_shape", [10**9, 15, 3]), HUGE),
}


@pytest.mark.parametrize("case", BAD_CONFIGS)
def test_bad_config(case):
    edit, message = BAD_CONFIGS[case]
    with pytest.raises(ModelFileError, match=message):
        _load(_with_config(edit))


def _with_array(key, array):
    """The file with one array of its weights.npz replaced."""
    members = _members(VALID)
    weights = _members(members["weights.npz"])
    stream = io.BytesIO()
    np.lib.format.write_array(stream, array)
    weights[key + ".npy"] = stream.getvalue()
    return _zip({**members, "weights.npz": _zip(weights)})


@pytest.mark.parametrize("key, shape, expected", [
    ("layers/1/0", (3, 3, 1, 3), (3, 3, 3, 1)),  # depthwise kernel, channels and multiplier
    ("layers/1/1", (1, 1, 8, 3), (1, 1, 3, 8)),  # pointwise kernel, transposed
    ("layers/1/1", (3, 8), (1, 1, 3, 8)),  # pointwise kernel without its 1x1 window
    ("layers/5/0", (3, 3, 16, 4), (3, 3, 4, 16)),  # Conv2DTranspose: (kh, kw, filters, in)
    ("layers/2/3", (9,), (8,)),  # a moving variance too long
    ("layers/7/0", (3, 780), (780, 3)),  # Dense kernel, transposed
])
def test_kernel_of_the_wrong_shape(key, shape, expected):
    message = f"array '{key}' has shape {shape}, expected {expected}"
    with pytest.raises(ModelFileError, match=re.escape(message)):
        _load(_with_array(key, np.zeros(shape, "float32")))


def test_kernel_of_the_wrong_dtype():
    with pytest.raises(ModelFileError, match="dtype float64, expected float32"):
        _load(_with_array("layers/4/0", np.zeros((3, 3, 8, 2), "float64")))


@pytest.mark.parametrize("weights, message", [
    (b"tiny", r"\(weights.npz\) is not a valid zip"),
    (_zip({}), HUGE),
])
def test_weights_member_too_small_for_the_config(weights, message):
    """The benchmark convnet's 140 kB of weights cannot come from a few bytes."""
    data = _zip({**_members(FILES["benchmark_convnet"]), "weights.npz": weights})
    with pytest.raises(ModelFileError, match=message):
        _load(data)


def test_weights_member_that_lies_about_its_size():
    """A central directory claiming a huge weights.npz cannot buy a huge allowance."""
    data = bytearray(VALID)
    start = data.find(b"PK\x01\x02")
    while data[start + 46:start + 46 + 11] != b"weights.npz":
        start = data.find(b"PK\x01\x02", start + 4)
    for offset in (20, 24):  # compressed and uncompressed sizes
        data[start + offset:start + offset + 4] = (2**32 - 2).to_bytes(4, "little")
    with pytest.raises(ModelFileError, match="compressed bytes, more than the archive's"):
        _load(bytes(data))


# -- fuzzing --------------------------------------------------------------------------------
def _raised_by_a_check(error):
    """Whether ``error`` comes from a ``raise`` of numpynn's (an argument or file check),
    not from NumPy or from Python deep inside a computation."""
    frame = traceback.extract_tb(error.__traceback__)[-1]
    return "numpynn" in Path(frame.filename).parts and frame.line.startswith("raise")


def _load_and_predict(data, name, refused_by_checks=False):
    """Load ``data``: a ModelFileError (with ``refused_by_checks``, one from numpynn's own
    checks), or a model that predicts."""
    try:
        model = _load(data)
    except ModelFileError as error:
        if refused_by_checks:
            assert error.__cause__ is None or _raised_by_a_check(error.__cause__), error
        return
    x, _ = make_data(model, CASES[name][1], n=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # e.g. an epsilon of 1e300
        assert model.predict(x, verbose=0).shape[0] == 2


HOSTILE_VALUES = [-1, 0, 1, 2, 2.5, -0.5, 1e300, "3", "same", "float16", None, True, [],
                  [2, -1], [3, 3, 3], [[-1]], {"a": 1}]


@st.composite
def config_edits(draw):
    name = draw(st.sampled_from(sorted(FILES)))
    config = json.loads(_members(FILES[name])["config.json"])
    layers = config["config"]["layers"]
    index = draw(st.integers(-1, len(layers) - 1))  # -1: the model's input shape
    value = draw(st.sampled_from(HOSTILE_VALUES))
    if index < 0:
        return name, _set_model("input_shape", value)
    key = draw(st.sampled_from(sorted(layers[index]["config"])))
    return name, _set(index, key, copy.deepcopy(value))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edit=config_edits())
def test_fuzzed_config_values_are_refused_by_checks(edit):
    name, change = edit
    _load_and_predict(_with_config(change, FILES[name]), name, refused_by_checks=True)


@st.composite
def damaged_files(draw):
    name = draw(st.sampled_from(sorted(FILES)))
    data = FILES[name]
    kind = draw(st.sampled_from(["flip", "truncate", "inner_flip"]))
    if kind == "truncate":
        return name, data[:draw(st.integers(0, len(data) - 1))]
    members = _members(data)
    member = draw(st.sampled_from(sorted(members))) if kind == "inner_flip" else None
    content = bytearray(members[member] if member else data)
    for _ in range(draw(st.integers(1, 6))):
        content[draw(st.integers(0, len(content) - 1))] ^= draw(st.integers(1, 255))
    return name, _zip({**members, member: bytes(content)}) if member else bytes(content)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damage=damaged_files())
def test_fuzzed_bytes_load_or_raise_model_file_error(damage):
    name, data = damage
    _load_and_predict(data, name)
