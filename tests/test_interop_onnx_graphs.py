"""ONNX export of functional and nested models: several inputs and outputs, shared layers,
the merge layers, BatchNormalization folded only into a producer nothing else reads;
onnx.checker accepts the graphs and ONNX Runtime gives numpynn's predictions (relative
1e-5) for any batch size. Skipped where onnx or onnxruntime is absent."""
import numpy as np
import pytest

import numpynn
from numpynn import layers as L
from numpynn.interop import onnx_export
from tests import references


def _randomize(model):
    """Weights and BatchNormalization statistics away from their initial values."""
    rng = np.random.default_rng(1)
    model.set_weights([rng.uniform(0.5, 1.5, w.shape) for w in model.get_weights()])


def _check(model, shapes, batches=(4, 1)):
    """ONNX Runtime's outputs equal ``model.predict``'s for each batch size."""
    references.onnx()
    ort = references.onnxruntime()
    proto = onnx_export.to_onnx(model)
    session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    names = [i.name for i in proto.graph.input]
    rng = np.random.default_rng(0)
    for batch in batches:
        xs = [rng.normal(size=(batch,) + s).astype(model.dtype) for s in shapes]
        expected = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
        expected = expected if isinstance(expected, list) else [expected]
        got = session.run(None, dict(zip(names, xs)))
        assert len(got) == len(expected)
        for g, e in zip(got, expected):
            np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-5 * np.abs(e).max())
    return proto


def _ops(proto):
    return [node.op_type for node in proto.graph.node]


def test_two_inputs_shared_layer_merges_two_outputs():
    numpynn.utils.set_random_seed(0)
    a, b = numpynn.Input((6,), name="a"), numpynn.Input((6,), name="b")
    shared = L.Dense(5, activation="relu", name="shared")
    ha, hb = shared(a), shared(b)
    merged = L.Concatenate()([ha, L.Subtract()([ha, hb]), L.Multiply()([ha, hb, ha]),
                              L.Average()([ha, hb]), L.Maximum()([ha, hb]),
                              L.Minimum()([ha, hb])])
    first = L.Dense(3, activation="softmax", name="first")(merged)
    second = L.Dot(axes=1, normalize=True, name="second")([L.Add()([ha, hb]), hb])
    model = numpynn.Model([a, b], [first, second])
    proto = _check(model, [(6,), (6,)])
    assert [i.name for i in proto.graph.input] == ["a", "b"]
    assert [o.name for o in proto.graph.output] == ["first", "second"]
    assert proto.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    assert _ops(proto).count("MatMul") == 3  # the shared Dense once per call, then "first"


def test_merges_of_different_ranks_and_dot_of_sequences():
    x = numpynn.Input((4, 3))
    y = numpynn.Input((3,))
    summed = L.Add()([x, L.Reshape((1, 3))(y)])
    broadcast = L.Multiply()([summed, y])  # (4, 3) and (3,): y gets an axis after the batch
    out = L.Dot(axes=(2, 2))([broadcast, x])
    _check(numpynn.Model([x, y], out), [(4, 3), (3,)])


def test_nested_models_and_batch_normalization_folding():
    numpynn.utils.set_random_seed(0)
    stem = numpynn.Sequential([L.Conv2D(4, 3, padding="same"), L.BatchNormalization(),
                               L.ReLU()], name="stem")  # folded: the conv's only reader
    x = numpynn.Input((6, 6, 4))
    conv = L.Conv2D(4, 1)(x)
    block = numpynn.Model(x, L.Add()([conv, L.BatchNormalization()(conv)]), name="block")
    inputs = numpynn.Input((6, 6, 2))
    h = block(stem(inputs))  # the conv output feeds Add too: BatchNormalization stays
    h = block(L.ReLU()(h))  # a nested model called twice
    out = L.Dense(2)(L.GlobalAveragePooling2D()(L.MaxPooling2D(padding="same")(h)))
    model = numpynn.Model(inputs, out)
    _randomize(model)
    proto = _check(model, [(6, 6, 2)])
    assert _ops(proto).count("BatchNormalization") == 2  # block's, once per call
    assert _ops(proto).count("Conv") == 3


def test_a_layer_without_onnx_form_is_named():
    references.onnx()
    x = numpynn.Input((3,))
    model = numpynn.Model(x, L.Embedding(5, 2)(x))
    with pytest.raises(ValueError, match="'embedding.*Embedding.*no ONNX form"):
        onnx_export.to_onnx(model)


def test_a_producer_that_is_also_an_output_keeps_its_batch_normalization():
    x = numpynn.Input((4,))
    dense = L.Dense(3)(x)
    model = numpynn.Model(x, [dense, L.BatchNormalization()(dense)])
    _randomize(model)
    assert _ops(_check(model, [(4,)])).count("BatchNormalization") == 1
