"""The numbers behind numpynn.visual's pictures (no matplotlib needed)."""
import argparse
import gzip
import json
import subprocess
import sys

import numpy as np
import pytest

import numpynn
from numpynn import activations, optimizers
from numpynn.callbacks import History
from numpynn.visual import (SURFACES, GradientStats, activation_curves, confusion_matrix,
                            derivative_peaks, gradient_flow, history_panels, 
                            race, read_history)
from numpynn.visual import optimizer_race
from numpynn.visual.cli import add_plot_parser
from numpynn.visual.gradients import make_classification


# -- history ----------------------------------------------------------------------------------
def test_history_panels_pair_training_with_validation():
    logs = {"val_accuracy": [0.5, 0.6], "accuracy": [0.4, 0.7], "loss": [1.0, 0.5],
            "val_loss": [1.1, 0.9], "learning_rate": [0.1, 0.1]}
    panels = history_panels(logs)
    assert list(panels) == ["loss", "accuracy"]
    assert list(panels["loss"]) == ["loss", "val_loss"]
    np.testing.assert_array_equal(panels["accuracy"]["val_accuracy"], [0.5, 0.6])
    history = History()
    history.history = logs
    assert history_panels(history).keys() == panels.keys()
    with pytest.raises(ValueError, match="non-empty"):
        history_panels({})


def test_read_history_from_csv_and_json(tmp_path):
    csv_path = tmp_path / "log.csv"
    csv_path.write_text("epoch,accuracy,loss,val_loss\n0,0.5,1.25,1.5\n1,0.75,0.5,1.0\n")
    assert read_history(csv_path) == {"accuracy": [0.5, 0.75], "loss": [1.25, 0.5],
                                      "val_loss": [1.5, 1.0]}
    json_path = tmp_path / "history.json"
    json_path.write_text(json.dumps({"loss": [3, 2]}))
    assert read_history(json_path) == {"loss": [3.0, 2.0]}


# -- activations ------------------------------------------------------------------------------
def test_derivative_peaks_sigmoid_quarter_tanh_one():
    peaks = derivative_peaks()
    assert peaks["sigmoid"] == pytest.approx((0.0, 0.25))
    assert peaks["tanh"] == pytest.approx((0.0, 1.0))
    assert "softmax" not in peaks


def test_activation_curves_derivative_matches_finite_differences():
    x = np.linspace(-4.0, 4.0, 161)
    x = x[np.abs(x) > 0.05]                 # away from the kinks of relu-like functions
    h = 1e-5
    for name, (y, slope) in activation_curves(x).items():
        fn = activations.get(name)
        np.testing.assert_allclose(y, fn(x), err_msg=name)
        numeric = (fn(x + h) - fn(x - h)) / (2 * h)
        np.testing.assert_allclose(slope, numeric, atol=1e-6, err_msg=name)


# -- optimizer race ---------------------------------------------------------------------------
def _end_distance(result, label, minimum="global"):
    return np.hypot(*(result.final(label) - np.asarray(result.surface.minima[minimum])))


def test_every_default_optimizer_reaches_the_bottom_of_the_bowl():
    result = race("bowl")
    assert len(result.paths) >= 5
    for label, path in result.paths.items():
        assert path.shape == (result.steps + 1, 2)
        assert _end_distance(result, label) < 0.05, label


def test_momentum_escapes_the_local_minimum_where_gd_stops():
    result = race("two_minima")     # documented settings: lr 0.01, momentum 0.9, 300 steps
    assert result.nearest_minimum("SGD") == "local"
    assert _end_distance(result, "SGD", "local") < 0.1
    for label in ("SGD momentum 0.9", "SGD Nesterov 0.9"):
        assert result.nearest_minimum(label) == "global"
        assert _end_distance(result, label) < 0.01


def test_momentum_follows_the_rosenbrock_valley_to_its_minimum():
    result = race("rosenbrock")
    assert _end_distance(result, "SGD momentum 0.9") < 0.01
    assert _end_distance(result, "SGD") > 0.5           # plain GD is still crawling


def test_first_step_is_the_optimizer_formula():
    surface = SURFACES["beale"]
    result = race("beale", steps=1)
    start = np.asarray(surface.start)
    g = surface.grad(start)
    np.testing.assert_allclose(result.paths["SGD"][1], start - surface.lr * g)
    # Adam's first step is lr * sign(g) (up to epsilon)
    np.testing.assert_allclose(result.paths["Adam"][1], start - surface.adaptive_lr * np.sign(g),
                               rtol=1e-6)


def test_gradients_of_surfaces_match_finite_differences():
    h = 1e-6
    for surface in SURFACES.values():
        p = np.array(surface.start) + 0.1
        numeric = [(surface.f(*(p + h * e)) - surface.f(*(p - h * e))) / (2 * h)
                   for e in np.eye(2)]
        np.testing.assert_allclose(surface.grad(p), numeric, rtol=1e-5, err_msg=surface.name)


def test_noise_is_seeded_and_custom_lineups_work():
    lineup = [("GD", optimizers.SGD(0.01)), ("noisy", optimizers.SGD(0.01), 0.5)]
    a = race("two_minima", lineup, steps=50, seed=3)
    lineup = [("GD", optimizers.SGD(0.01)), ("noisy", optimizers.SGD(0.01), 0.5)]
    b = race("two_minima", lineup, steps=50, seed=3)
    c = race("two_minima", [("noisy", optimizers.SGD(0.01), 0.5)], steps=50, seed=4)
    np.testing.assert_array_equal(a.paths["noisy"], b.paths["noisy"])
    assert not np.allclose(a.paths["noisy"], a.paths["GD"])
    assert not np.allclose(a.paths["noisy"], c.paths["noisy"])
    assert "seed 3" in a.describe() and "gradient noise std 0.5" in a.describe()
    assert "SGD + noise 1" in race("bowl", noise=1.0, steps=2).paths
    with pytest.raises(ValueError, match="labelled"):
        race("bowl", [optimizers.Adam(), optimizers.Adam()])


def test_optimizers_added_to_numpynn_join_the_default_race(monkeypatch):
    class Adagrad(optimizers.SGD):
        pass
    monkeypatch.setattr(optimizers, "Adagrad", Adagrad, raising=False)
    lineup = optimizer_race.default_optimizers("bowl")
    assert "Adagrad" in [label for label, _, _ in lineup]
    assert race("bowl", steps=3).paths["Adagrad"].shape == (4, 2)


def test_a_diverging_racer_stops_and_is_reported():
    result = race("rosenbrock", [optimizers.SGD(0.1)], steps=50)
    assert len(result.paths["SGD"]) < 51
    assert np.all(np.isfinite(result.paths["SGD"]))
    assert "diverged" in result.describe()


# -- gradient flow ----------------------------------------------------------------------------
def test_sigmoid_first_layer_gradient_vanishes_compared_to_relu():
    results = gradient_flow(depth=8, units=16, epochs=2, data=make_classification(256))
    sigmoid, relu = results["sigmoid"].as_array(), results["relu"].as_array()
    assert sigmoid.shape == relu.shape == (2, 9)
    assert sigmoid[-1, 0] < 1e-2 * relu[-1, 0]
    # in the sigmoid network the gradient shrinks layer after layer towards the input
    assert np.all(np.diff(sigmoid[-1]) > 0)


def test_gradient_stats_records_the_last_batch_gradients():
    numpynn.utils.set_random_seed(1)
    x, y = make_classification(64, features=4, classes=3)
    model = numpynn.Sequential([numpynn.Input(shape=(4,)),
                                numpynn.layers.Dense(5, activation="tanh"),
                                numpynn.layers.Dropout(0.1),
                                numpynn.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    stats = GradientStats()
    model.fit(x, y, epochs=3, batch_size=16, verbose=0, callbacks=[stats])
    assert stats.layer_names == [model.layers[0].name, model.layers[2].name]
    assert stats.as_array("batch").shape == (12, 2)
    for layer in (model.layers[0], model.layers[2]):
        assert stats.batch_means[layer.name][-1] == np.abs(layer.grads["kernel"]).mean()
        np.testing.assert_allclose(stats.epoch_means[layer.name][-1],
                                   np.mean(stats.batch_means[layer.name][-4:]))


# -- predictions ------------------------------------------------------------------------------
def test_confusion_matrix_counts_every_pair():
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 4, 200), rng.integers(0, 4, 200)
    cm = confusion_matrix(y_true, y_pred, 5)
    expected = np.zeros((5, 5), int)
    for t, p in zip(y_true, y_pred):
        expected[t, p] += 1
    np.testing.assert_array_equal(cm, expected)
    assert cm.sum() == 200 and cm[4].sum() == 0
    np.testing.assert_array_equal(confusion_matrix([0, 1, 1], [0, 1, 0]), [[1, 0], [1, 1]])


@pytest.mark.parametrize("y_true, y_pred, n, message", [
    ([0, 1], [0], None, "same length"),
    ([0, -1], [0, 1], None, "non-negative integer"),
    ([0.5, 1], [0, 1], None, "non-negative integer"),
    ([0, 3], [0, 1], 3, "num_classes"),
])
def test_confusion_matrix_rejects_bad_labels(y_true, y_pred, n, message):
    with pytest.raises(ValueError, match=message):
        confusion_matrix(y_true, y_pred, n)


def write_idx(folder, n=12, split_images=True, seed=0):
    """Tiny IDX .gz files (images split into .part-NN pieces, as in the shared datasets)."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = (np.arange(n) % 10).astype(np.uint8)
    for prefix in ("train", "t10k"):
        image_bytes = gzip.compress(b"\x00\x00\x08\x03" + b"".join(
            d.to_bytes(4, "big") for d in images.shape) + images.tobytes())
        if split_images:
            half = len(image_bytes) // 2
            (folder / f"{prefix}-images-idx3-ubyte.gz.part-00").write_bytes(image_bytes[:half])
            (folder / f"{prefix}-images-idx3-ubyte.gz.part-01").write_bytes(image_bytes[half:])
        else:
            (folder / f"{prefix}-images-idx3-ubyte.gz").write_bytes(image_bytes)
        (folder / f"{prefix}-labels-idx1-ubyte.gz").write_bytes(gzip.compress(
            b"\x00\x00\x08\x01" + n.to_bytes(4, "big") + labels.tobytes()))
    return images, labels


# -- import without matplotlib, CLI wiring ----------------------------------------------------
def test_numbers_need_no_matplotlib_and_drawing_says_how_to_install():
    code = ("import sys; sys.modules['matplotlib'] = None\n"
            "import numpynn, numpynn.visual as v\n"
            "assert v.race('bowl', steps=5).paths\n"
            "try:\n    v.plot_activations()\n"
            "except ImportError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "pip install numpynn[plot]" in out


def test_add_plot_parser_registers_the_plot_command():
    parser = argparse.ArgumentParser(prog="numpynn")
    add_plot_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["plot", "optimizers", "--surface", "beale", "--out", "r.png"])
    assert args.command == "plot" and args.surface == "beale" and args.out == "r.png"
    assert callable(args.func)
    assert parser.parse_args(["plot", "activations"]).out == "activations.png"  # the default
