"""MultiOptimizer and OptimizerMap through a model: the weights' paths as Keras names them,
training against Keras' ``fit``, saving and resuming, and the argument checks. (Their
trajectories against recorded Keras ones are in ``test_optimizers_parity.py``.)"""
import numpy as np
import pytest

import numpynn
from numpynn import optimizers
from cli_helpers import run
from references import keras as keras_reference


def make_data():
    rng = np.random.default_rng(7)
    return (rng.normal(size=(32, 3)).astype("float32"),
            rng.normal(size=(32, 2)).astype("float32"))


def sequential(lib):
    return lib.Sequential([lib.Input((3,)), lib.layers.Dense(4, activation="tanh", name="hidden"),
                           lib.layers.Dense(2, name="out")], name="net")


def functional(lib):
    encoder = lib.Sequential([lib.layers.Dense(4, activation="tanh", name="hidden")],
                             name="encoder")
    inputs = lib.Input((3,))
    return lib.Model(inputs, lib.layers.Dense(2, name="out")(encoder(inputs)))


def nested_sequential(lib):
    inner = lib.Sequential([lib.layers.Dense(4, name="hidden")], name="inner")
    return lib.Sequential([lib.Input((3,)), inner, lib.layers.Dense(2, name="out")],
                          name="outer")


def kernels_adam(lib):
    """Adam for the kernels, SGD with momentum for the biases: two scattered parts."""
    opt = lib.optimizers
    return opt.MultiOptimizer(opt.OptimizerMap(opt.SGD(0.1, momentum=0.9),
                                               {".*/kernel": opt.Adam(0.01)}))


def encoder_rmsprop(lib):
    """RMSprop for the nested Sequential's weights, the default for the rest."""
    opt = lib.optimizers
    return opt.MultiOptimizer(opt.OptimizerMap(opt.SGD(0.05),
                                               {"encoder/.*": opt.RMSprop(0.01)}))


@pytest.mark.parametrize("make", [sequential, functional, nested_sequential])
def test_weight_paths_are_keras_variable_paths(make):
    keras = keras_reference()
    assert make(numpynn).variable_paths() == [v.path for v in make(keras).weights]


@pytest.mark.parametrize("make, make_optimizer", [(sequential, kernels_adam),
                                                  (functional, encoder_rmsprop)])
def test_fit_matches_keras(make, make_optimizer):
    keras = keras_reference()
    x, y = make_data()
    theirs, ours = make(keras), make(numpynn)
    ours.set_weights(theirs.get_weights())
    for model, lib in ((theirs, keras), (ours, numpynn)):
        model.compile(optimizer=make_optimizer(lib), loss="mse")
        model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    for expected, actual in zip(theirs.get_weights(), ours.get_weights()):
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-6)
    assert [o.iterations for o in ours.optimizer.optimizers] == \
        [int(o.iterations) for o in theirs.optimizer.optimizers]


def test_summary_counts_the_optimizer_params_as_keras():
    """Keras counts the MultiOptimizer's step counter and learning rate and those of each
    optimizer that has weights, with its slots."""
    keras = keras_reference()
    x, y = make_data()
    counts = []
    for lib in (keras, numpynn):
        model = sequential(lib)
        model.compile(optimizer=kernels_adam(lib), loss="mse")
        model.fit(x, y, batch_size=32, verbose=0)
        printed = []
        model.summary(print_fn=lambda line, *_, **__: printed.append(line))
        counts.append([line for line in "\n".join(printed).splitlines() if "params:" in line])
    assert any("Optimizer params" in line for line in counts[1])
    assert counts[1] == counts[0]


def test_scattered_parts_train_as_separate_optimizers():
    """Each optimizer is built on its weights only: the kernels (not one slice of the
    buffer) for Adam, the biases for SGD."""
    x, y = make_data()
    model = sequential(numpynn)
    model.compile(optimizer=kernels_adam(numpynn), loss="mse")
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)  # builds the parts, one step
    kernels, biases = (sum(w.size for w in model.get_weights()[i::2]) for i in (0, 1))
    adam, sgd = model.optimizer.optimizers
    assert (adam.size, sgd.size) == (kernels, biases)
    assert (adam.iterations, sgd.iterations, model.optimizer.iterations) == (1, 1, 1)
    # after one step Adam's running sum of gradients is the kernels' gradient, gathered
    grads = model.buffer.grads[:model.n_trainable]
    kernel_grads = np.concatenate([grads[a:b] for a, b in ((0, 12), (16, 24))])
    np.testing.assert_array_equal(adam.slots["m_sum"], kernel_grads)


def test_a_function_selects_as_an_optimizer_map_does():
    x, y = make_data()
    adam, sgd = optimizers.Adam(0.01), optimizers.SGD(0.1, momentum=0.9)
    by_function = sequential(numpynn)
    by_map = sequential(numpynn)
    by_map.set_weights(by_function.get_weights())
    by_function.compile(optimizer=optimizers.MultiOptimizer(
        lambda weight: adam if weight.name == "kernel" else sgd), loss="mse")
    by_map.compile(optimizer=kernels_adam(numpynn), loss="mse")
    for model in (by_function, by_map):
        model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(by_function.get_weights(), by_map.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(TypeError, match="OptimizerMap to save it"):
        by_function.optimizer.get_config()


def test_save_and_resume_bit_exact(tmp_path):
    x, y = make_data()
    model = sequential(numpynn)
    optimizer = optimizers.MultiOptimizer(optimizers.OptimizerMap(
        optimizers.SGD(0.1, momentum=0.9), {"net/out/.*": optimizers.Adam(0.01, use_ema=True),
                                            "unused": optimizers.Lion()}))
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    model.save(tmp_path / "multi.npnn")
    loaded = numpynn.models.load_model(tmp_path / "multi.npnn")
    assert loaded.optimizer.get_config() == optimizer.get_config()
    assert loaded.optimizer.iterations == optimizer.iterations == 4
    assert not optimizer.optimizers[1].built  # Lion: no weight is "unused"
    for m in (model, loaded):
        m.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_cli_summary_gives_each_optimizers_learning_rate(tmp_path, capsys):
    model = sequential(numpynn)
    model.compile(optimizer=kernels_adam(numpynn), loss="mse")
    model.fit(*make_data(), batch_size=16, verbose=0)
    model.save(tmp_path / "multi.npnn")
    code, out, _ = run(capsys, "summary", str(tmp_path / "multi.npnn"))
    assert code == 0
    assert "Optimizer: multi_optimizer (learning rate 0.01, 0.1, 2 steps taken)" in out


def test_optimizer_map_looks_up_exact_keys_then_patterns():
    sgd, adam, rmsprop = optimizers.SGD(), optimizers.Adam(), optimizers.RMSprop()
    optimizer_map = optimizers.OptimizerMap(default_optimizer=rmsprop)
    optimizer_map["encoder/layer_0/dense"] = adam
    optimizer_map["encoder/.*"] = sgd
    assert optimizer_map["encoder/layer_0/dense"] is adam  # exact, though the pattern matches
    assert optimizer_map["encoder/layer_0/attention/query"] is sgd
    assert optimizer_map["decoder/encoder/x"] is rmsprop  # patterns match the whole path
    optimizer_map[".*/query"] = adam
    with pytest.raises(ValueError, match="Multiple optimizers"):
        optimizer_map["encoder/layer_0/attention/query"]
    assert len(optimizer_map) == 3 and list(optimizer_map)[0] == "encoder/layer_0/dense"
    clone = optimizers.OptimizerMap.from_config(optimizer_map.get_config())
    assert clone.get_config() == optimizer_map.get_config()


def test_arguments_are_checked():
    sgd = optimizers.SGD()
    with pytest.raises(TypeError, match="default_optimizer"):
        optimizers.OptimizerMap("sgd")
    with pytest.raises(TypeError, match="must be a dict"):
        optimizers.OptimizerMap(sgd, [("a", sgd)])
    optimizer_map = optimizers.OptimizerMap(sgd, {"a": optimizers.Adam()})
    with pytest.raises(ValueError, match="already exists"):
        optimizer_map["a"] = sgd
    with pytest.raises(ValueError, match="Optimizer instance"):
        optimizer_map["b"] = "adam"
    with pytest.raises(ValueError, match="cannot be MultiOptimizer"):
        optimizer_map["b"] = optimizers.MultiOptimizer(optimizers.OptimizerMap(sgd))
    with pytest.raises(TypeError, match="optimizer_map must be"):
        optimizers.MultiOptimizer("sgd")
    with pytest.raises(ValueError, match="no loss scaling"):
        optimizers.MultiOptimizer(optimizer_map, loss_scale_factor=2.0)
    multi = optimizers.MultiOptimizer(optimizer_map)
    with pytest.raises(AttributeError, match="no learning rate"):
        multi.learning_rate
    with pytest.raises(AttributeError, match="no learning rate"):
        multi.learning_rate = 0.1
    with pytest.raises(ValueError, match="paths"):
        multi.build(np.zeros(3))
    with pytest.raises(ValueError, match="Optimizer instance"):
        optimizers.MultiOptimizer(lambda weight: "sgd").build(_view())


def _view():
    class View:
        size, dtype, offsets, shapes, paths = 3, np.dtype("float32"), [0, 3], [(3,)], ["w"]
    return View
