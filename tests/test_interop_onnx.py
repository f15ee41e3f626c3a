"""ONNX export: onnx.checker accepts the graphs and ONNX Runtime runs them with numpynn's
predictions (relative 1e-5), for any batch size. Skipped where onnx or onnxruntime is
absent."""
import sys

import numpy as np
import pytest

import numpynn
from numpynn import activations, layers as L
from numpynn.interop import onnx_activations, onnx_export
from tests import references
from tests.cli_helpers import run


def _run(model, x):
    ort = references.onnxruntime()
    proto = onnx_export.to_onnx(model)
    session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {"input": x})[0], proto


def _check(model, shape, batches=(5, 1)):
    references.onnx()
    rng = np.random.default_rng(0)
    for batch in batches:
        x = rng.normal(size=(batch,) + shape).astype(model.dtype)
        got, proto = _run(model, x)
        expected = model.predict(x, verbose=0)
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5 * np.abs(expected).max())
    return proto


def _randomize_statistics(model):
    """Moving means and variances away from 0 and 1, so that folding them shows."""
    model.build()
    rng = np.random.default_rng(1)
    for layer in model.layers:
        if isinstance(layer, L.BatchNormalization):
            for name in layer.params:
                values = rng.uniform(0.5, 1.5, layer.params[name].shape)
                layer.params[name][...] = values - (0.5 if name in ("beta", "moving_mean") else 0)


def _ops(proto):
    return [node.op_type for node in proto.graph.node]


def test_mlp():
    numpynn.utils.set_random_seed(0)
    model = numpynn.Sequential([numpynn.Input(shape=(10,)), L.Dense(16, activation="relu"),
                                L.Dropout(0.5), L.Dense(8, activation="tanh"),
                                L.Dense(3, activation="softmax")])
    proto = _check(model, (10,))
    assert proto.opset_import[0].version >= 17
    assert proto.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"


def test_cnn_with_folded_and_unfolded_batch_normalization():
    numpynn.utils.set_random_seed(0)
    model = numpynn.Sequential([
        numpynn.Input(shape=(12, 12, 3)),
        L.Conv2D(6, 3, padding="same"), L.BatchNormalization(), L.ReLU(),   # folded
        L.MaxPooling2D(padding="same"),
        L.DepthwiseConv2D(3, depth_multiplier=2, padding="same"), L.BatchNormalization(),
        L.SeparableConv2D(5, 3, activation="relu"), L.BatchNormalization(),  # as an op
        L.Conv2DTranspose(4, 3, strides=2, padding="same"),
        L.ZeroPadding2D(((1, 0), (2, 1))),
        L.AveragePooling2D(3, strides=2, padding="same"),
        L.Conv2D(4, 2, dilation_rate=2, use_bias=False), L.BatchNormalization(),
        L.Flatten(), L.Dense(10), L.BatchNormalization(), L.Dense(3, activation="softmax"),
    ])
    _randomize_statistics(model)
    proto = _check(model, (12, 12, 3))
    ops = _ops(proto)
    assert ops.count("BatchNormalization") == 1  # the one after a ReLU'd convolution
    assert ops.count("Transpose") == 2  # into channels first once, out before Flatten


def test_conv1d_pooling_and_reshaping():
    numpynn.utils.set_random_seed(0)
    model = numpynn.Sequential([
        numpynn.Input(shape=(16, 3)),
        L.Conv1D(6, 3, padding="causal", activation="elu"), L.MaxPooling1D(2),
        L.Conv1D(4, 2, strides=2, padding="same"), L.AveragePooling1D(2, padding="same"),
        L.GlobalMaxPooling1D(keepdims=True), L.Reshape((2, 2)), L.Permute((2, 1)),
        L.Flatten(), L.RepeatVector(3), L.LayerNormalization(), L.PReLU(),
        L.GlobalAveragePooling1D(), L.Dense(2),
    ])
    model.build()
    model.layers[-3].params["alpha"][...] = 0.25
    _check(model, (16, 3))


def test_conv2d_transpose_output_sizes():
    numpynn.utils.set_random_seed(0)
    model = numpynn.Sequential([
        numpynn.Input(shape=(5, 6, 2)),
        L.Conv2DTranspose(3, 2, strides=3),                          # windows leave gaps
        L.Conv2DTranspose(2, 4, strides=2, padding="same", output_padding=1),
        L.Conv2DTranspose(2, (3, 2), strides=(1, 2), padding="same", dilation_rate=1),
        L.GlobalAveragePooling2D(keepdims=True), L.Flatten(),
    ])
    _check(model, (5, 6, 2))


EXPORTABLE = [name for name, cls in sorted(activations.ALL.items()) if name.islower()
              and cls in onnx_activations.ACTIVATIONS and name != "threshold"]


@pytest.mark.parametrize("name", EXPORTABLE)
def test_each_activation(name):
    model = numpynn.Sequential([numpynn.Input(shape=(3, 4)), L.Dense(5, activation=name)])
    _check(model, (3, 4), batches=(4,))


@pytest.mark.parametrize("layer", [
    L.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.3), L.ReLU(max_value=2.0),
    L.LeakyReLU(0.05), L.ELU(0.7), L.Softmax(axis=1), L.ThresholdedReLU(0.4),
    L.Activation(activations.CELU(0.5)), L.Activation(activations.SoftShrink(0.2)),
    L.Activation(activations.GELU(approximate=True)), L.Activation(activations.LogSoftmax(1)),
    L.Activation(activations.Threshold(0.2, -1.0)),
])
def test_activation_layers(layer):
    model = numpynn.Sequential([numpynn.Input(shape=(6, 4)), layer])
    _check(model, (6, 4), batches=(3,))


def test_float64_model():
    model = numpynn.Sequential([numpynn.Input(shape=(4,)), L.Dense(3, dtype="float64",
                                                                   activation="sigmoid")])
    _check(model, (4,))


def test_what_has_no_onnx_form_is_refused_by_name(tmp_path):
    references.onnx()
    model = numpynn.Sequential([numpynn.Input(shape=(4,)), L.Maxout(2, 3)])
    with pytest.raises(ValueError, match=r"layer 'maxout.*' \(Maxout\) has no ONNX form"):
        model.export(tmp_path / "m.onnx")
    model = numpynn.Sequential([numpynn.Input(shape=(4,)), L.Dense(4, activation="sparsemax")])
    with pytest.raises(ValueError, match="activation 'sparsemax' has no ONNX form"):
        model.export(tmp_path / "m.onnx")
    with pytest.raises(ValueError, match="format='onnx' only"):
        model.export(tmp_path / "m.pb", format="tf_saved_model")
    assert not list(tmp_path.iterdir())


def test_missing_onnx_is_explained(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)
    model = numpynn.Sequential([numpynn.Input(shape=(4,)), L.Dense(2)])
    with pytest.raises(ImportError, match=r"pip install numpynn\[onnx\]"):
        model.export(tmp_path / "m.onnx")


def test_export_and_convert_commands(tmp_path, capsys):
    ort = references.onnxruntime()
    references.h5py()
    model = numpynn.Sequential([numpynn.Input(shape=(4,)), L.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    model.save(tmp_path / "m.npnn")
    assert run(capsys, "convert", str(tmp_path / "m.npnn"), str(tmp_path / "m.keras"))[0] == 0
    assert run(capsys, "export", str(tmp_path / "m.keras"))[0] == 0
    x = np.random.default_rng(0).normal(size=(2, 4)).astype("float32")
    session = ort.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"])
    np.testing.assert_allclose(session.run(None, {"input": x})[0], model.predict(x, verbose=0),
                               rtol=1e-5)
    code, _, _ = run(capsys, "export", str(tmp_path / "m.npnn"), "--format", "onnx",
                    "--out", str(tmp_path / "other.onnx"))
    assert code == 0 and (tmp_path / "other.onnx").exists()
    back = tmp_path / "back.npnn"
    assert run(capsys, "convert", str(tmp_path / "m.keras"), str(back))[0] == 0
    np.testing.assert_array_equal(numpynn.models.load_model(back).predict(x, verbose=0),
                                  model.predict(x, verbose=0))
