"""The functional API: symbolic tensors, graphs of layer calls, shared layers, fan-out,
several inputs and outputs, and the two passes over the graph."""
import numpy as np
import pytest

import numpynn as keras
from numpynn import layers
from numpynn.layers.node import KerasTensor
from numpynn.utils import gradient_check


def two_branch_model():
    a, b = keras.Input(shape=(4,), name="a"), keras.Input(shape=(3,), name="b")
    shared = layers.Dense(5, activation="tanh", name="shared")
    h = layers.concatenate([shared(a), layers.Dense(5, name="db")(b)], name="joined")
    out1 = layers.Dense(1, activation="sigmoid", name="out1")(h)
    out2 = layers.Dense(3, activation="softmax", name="out2")(layers.add([h, h], name="twice"))
    return keras.Model([a, b], [out1, out2], name="two_branch")


def data(n=12, seed=0):
    rng = np.random.default_rng(seed)
    xs = [rng.standard_normal((n, 4)).astype("float32"),
          rng.standard_normal((n, 3)).astype("float32")]
    ys = [rng.integers(0, 2, (n, 1)).astype("float32"), rng.integers(0, 3, n)]
    return xs, ys


def test_input_is_a_symbolic_tensor_and_layers_record_nodes():
    x = keras.Input(shape=(4,), name="x")
    assert isinstance(x, KerasTensor) and x.shape == (None, 4) and x.dtype == "float32"
    dense = layers.Dense(3)
    h1, h2 = dense(x), dense(x)
    assert h1.shape == h2.shape == (None, 3) and h1.node.layer is dense
    assert h1.node.inputs == h2.node.inputs == [x] and h1.node is not h2.node
    assert [node.index for node in dense.inbound_nodes] == [0, 1]
    assert dense.built and dense.kernel.shape == (4, 3)  # built once, for the first call
    assert dense(np.ones((2, 4))).shape == (2, 3)  # on arrays: eagerly


def test_layers_follow_keras_order_and_get_layer_finds_them():
    model = two_branch_model()
    assert [l.name for l in model.layers] == ["a", "b", "shared", "db", "joined", "twice",
                                              "out1", "out2"]
    assert model.get_layer("db") is model.layers[3] and model.get_layer(index=0).name == "a"
    assert model.input_names == ["a", "b"] and model.output_names == ["out1", "out2"]
    assert model.output_shape == [(None, 1), (None, 3)]
    with pytest.raises(ValueError, match="No layer named 'nope'"):
        model.get_layer("nope")


def test_predict_and_call_give_the_outputs_in_the_model_s_structure():
    model = two_branch_model()
    xs, _ = data()
    listed = model.predict(xs, verbose=0)
    named = model.predict({"a": xs[0], "b": xs[1]}, batch_size=5, verbose=0)
    called = model(xs)
    assert [p.shape for p in listed] == [(12, 1), (12, 3)]
    for a, b, c in zip(listed, named, called):
        np.testing.assert_allclose(a, b, rtol=1e-6)
        np.testing.assert_allclose(a, c, rtol=1e-6)


def test_fit_with_lists_and_dicts_reports_keras_log_names():
    xs, ys = data()
    model = two_branch_model()
    model.compile("adam", loss=["binary_crossentropy", "sparse_categorical_crossentropy"],
                  metrics=[["accuracy"], ["accuracy"]])
    history = model.fit(xs, ys, epochs=2, verbose=0, validation_data=(xs, ys))
    assert sorted(history.history) == ["loss", "out1_accuracy", "out1_loss", "out2_accuracy",
                                       "out2_loss", "val_loss", "val_out1_accuracy",
                                       "val_out1_loss", "val_out2_accuracy", "val_out2_loss"]
    logs = model.evaluate({"a": xs[0], "b": xs[1]}, {"out1": ys[0], "out2": ys[1]},
                          verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(logs["out1_loss"] + logs["out2_loss"], rel=1e-6)
    values = model.evaluate(xs, ys, verbose=0)
    assert values == pytest.approx([logs[k] for k in ("loss", "out1_loss", "out2_loss",
                                                      "out1_accuracy", "out2_accuracy")])


def test_loss_weights_and_dict_settings_weigh_the_total():
    xs, ys = data()
    model = two_branch_model()
    model.compile("sgd", loss={"out1": "binary_crossentropy",
                               "out2": "sparse_categorical_crossentropy"},
                  loss_weights={"out1": 0.3, "out2": 2.0}, metrics={"out2": "accuracy"})
    logs = model.evaluate(xs, ys, verbose=0, return_dict=True)
    assert sorted(logs) == ["loss", "out1_loss", "out2_accuracy", "out2_loss"]
    assert logs["loss"] == pytest.approx(0.3 * logs["out1_loss"] + 2.0 * logs["out2_loss"],
                                         rel=1e-6)


def test_an_output_without_a_loss_gets_no_gradient():
    x = keras.Input(shape=(3,))
    kept, free = layers.Dense(2, name="kept"), layers.Dense(2, name="free")
    model = keras.Model(x, [kept(x), free(x)])
    model.compile("sgd", loss=["mse", None])
    before = free.get_weights()
    history = model.fit(np.ones((4, 3)), [np.zeros((4, 2)), np.zeros((4, 2))], verbose=0)
    assert sorted(history.history) == ["loss"]
    for a, b in zip(before, free.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("metrics, message", [
    (["accuracy"], "one list per output"),
    ({"nope": ["accuracy"]}, "not outputs of the model"),
])
def test_bad_per_output_settings_are_refused(metrics, message):
    model = two_branch_model()
    with pytest.raises(ValueError, match=message):
        model.compile("sgd", loss=["mse", "mse"], metrics=metrics)


def test_wrong_inputs_are_refused_with_the_input_names():
    model = two_branch_model()
    model.compile("sgd", loss=["mse", "sparse_categorical_crossentropy"])
    xs, ys = data()
    with pytest.raises(ValueError, match=r"2 inputs \(a, b\)"):
        model.predict(xs[0], verbose=0)
    with pytest.raises(ValueError, match=r"without the key\(s\) \['b'\]"):
        model.fit({"a": xs[0]}, ys, verbose=0)


def test_graph_errors_say_what_to_do():
    a, b = keras.Input(shape=(2,)), keras.Input(shape=(2,))
    out = layers.add([a, b])
    with pytest.raises(ValueError, match="Graph disconnected"):
        keras.Model(a, out)
    with pytest.raises(ValueError, match="unique"):
        keras.Model(a, layers.Dense(1, name="twin")(layers.Dense(2, name="twin")(a)))
    with pytest.raises(TypeError, match="symbolic tensors"):
        keras.Model(np.ones((1, 2)), out)


def test_model_gradients_by_finite_differences():
    xs, ys = data(n=5)
    model = two_branch_model()
    model.compile("sgd", loss=["binary_crossentropy", "sparse_categorical_crossentropy"],
                  loss_weights=[0.5, 2.0])
    result = gradient_check(model, xs, ys)
    assert result.passed, repr(result)
    assert {"input_0", "input_1", "shared/kernel", "out2/bias"} <= set(result.errors)


def test_fan_out_adds_the_gradients_of_every_branch():
    """h feeds three layers; dL/dh is the sum of the three gradients sent back."""
    x = keras.Input(shape=(3,))
    h = layers.Dense(4, activation="tanh")(x)
    out = layers.average([layers.Dense(2)(h), layers.Dense(2)(h), layers.Dense(2)(h)])
    model = keras.Model(x, out)
    result = gradient_check(model, np.random.default_rng(0).standard_normal((4, 3)),
                            np.zeros((4, 2)))
    assert result.passed, repr(result)


@pytest.mark.parametrize("make, shape", [
    (lambda: layers.Dense(3, activation="tanh"), (3,)),
    (lambda: layers.Conv2D(3, 2, padding="same", activation="tanh"), (4, 4, 3)),
    (lambda: layers.BatchNormalization(), (3,)),
])
def test_a_layer_shared_twice_adds_the_gradients_of_both_calls(make, shape):
    """The second call of a shared layer must not overwrite what the first call keeps for
    backward, nor its weight gradients: each call runs on its own call copy."""
    keras.utils.set_random_seed(3)
    x = keras.Input(shape=shape)
    shared = make()
    out = layers.Flatten()(shared(layers.Activation("tanh")(shared(x))))
    model = keras.Model(x, layers.Dense(2, bias_initializer="ones")(out))  # dL/dbias != 0
    x_data = np.random.default_rng(4).standard_normal((5,) + shape)
    result = gradient_check(model, x_data, np.zeros((5, 2)), epsilon=1e-5)
    assert result.passed, repr(result)
    steps = [step for step in model._plan.steps if step.owner is shared]
    assert len(steps) == 2 and steps[1].layer is shared and steps[0].layer is not shared
    assert all(np.shares_memory(steps[0].layer.params[n], shared.params[n])
               for n in shared.params)


def test_a_shared_layer_steps_by_the_sum_of_its_calls_gradients():
    """y = D(D(x)) against y = D1(D2(x)) with two copies of D's weights: after one SGD step
    D moved by both copies' steps, w' = w - lr (g1 + g2) = w1' + w2' - w."""
    keras.utils.set_random_seed(5)
    xs = np.random.default_rng(6).standard_normal((8, 3)).astype("float32")
    ys = np.random.default_rng(7).standard_normal((8, 3)).astype("float32")
    shared, first, second = (layers.Dense(3, activation="tanh") for _ in range(3))
    x = keras.Input(shape=(3,))
    models = [keras.Model(x, shared(shared(x))), keras.Model(x, second(first(x)))]
    before = shared.get_weights()
    first.set_weights(before)
    second.set_weights(before)
    for model in models:
        model.compile(keras.optimizers.SGD(0.1), "mse")
        model.fit(xs, ys, batch_size=8, epochs=1, shuffle=False, verbose=0)
    for w, w1, w2, after in zip(before, first.get_weights(), second.get_weights(),
                                shared.get_weights()):
        assert not np.allclose(after, w)
        np.testing.assert_allclose(after, w1 + w2 - w, rtol=1e-5, atol=1e-7)


def test_backward_stops_where_no_weight_lies_behind():
    a, b = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    merged = layers.add([layers.Flatten()(a), b])  # no weight behind: no gradient here
    model = keras.Model([a, b], layers.Dense(2)(merged))
    model.compile("sgd", "mse")
    calls, _ = model._plan.backward_calls([0])
    assert len(calls) == 1  # only the Dense runs backward, and sends nothing on
    dense_step = model._plan.steps[-1]
    assert dense_step.layer.input_grad_needed is False


def test_outputs_feed_nothing_else_to_fuse_their_gradient():
    x = keras.Input(shape=(3,))
    probs = layers.Dense(3, activation="softmax", name="probs")(x)
    again = layers.Dense(3, activation="softmax", name="again")(probs)
    model = keras.Model(x, [probs, again])
    model.compile("sgd", loss="categorical_crossentropy")
    model.build()
    model._ensure_optimizer()
    assert model._compiled_outputs.fused == [False, True]
    result = gradient_check(model, np.random.default_rng(0).standard_normal((4, 3)),
                            [np.eye(3)[[0, 1, 2, 0]], np.eye(3)[[1, 1, 0, 2]]])
    assert result.passed, repr(result)


def test_a_tensor_that_is_two_outputs_gets_both_gradients():
    x = keras.Input(shape=(3,))
    y = layers.Dense(2)(x)
    model = keras.Model(x, [y, y])
    model.compile("sgd", loss=["mse", "mae"], loss_weights=[1.0, 0.5])
    rng = np.random.default_rng(8)
    result = gradient_check(model, rng.standard_normal((4, 3)),
                            [rng.standard_normal((4, 2)), rng.standard_normal((4, 2))])
    assert result.passed, repr(result)
