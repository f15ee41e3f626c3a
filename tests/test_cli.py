"""The `numpynn` command, run in-process through `main([...])` on small data."""
import re
import subprocess
import sys
import types

import numpy as np
import pytest

from numpynn import cli, cli_predict
from numpynn.models import Sequential
from tests.cli_helpers import FAST, accuracy, fake_mnist_folder, run

pytest.importorskip("sklearn", reason="the small data sets need scikit-learn (numpynn[data])")

# -- train ------------------------------------------------------------------------------------
def test_train_without_arguments_is_digits_with_the_default_jar(capsys, monkeypatch):
    seen = {}
    monkeypatch.setattr(Sequential, "fit", lambda self, x, y, **kw: seen.update(kw, x=x, y=y))
    code, out, _ = run(capsys, "train")
    assert code == 0
    assert 'Model: "digits"' in out
    assert re.findall(r"\(None, (\d+)\)", out) == ["64", "512", "256", "128", "10"]
    assert seen["epochs"] == cli.DATASETS["digits"].epochs and seen["batch_size"] == 32
    assert seen["x"].shape[1:] == (8, 8) and 0 <= seen["x"].min() and seen["x"].max() == 1.0
    assert seen["y"].shape[1:] == (10,)  # one-hot
    assert accuracy(out)[2] == 360


def test_train_digits_learns_and_prints_progress_lines(capsys):
    code, out, _ = run(capsys, "train", "--layers", "32", "--epochs", "2", "--verbose", "2",
                       "--learning-rate", "0.01", "--validation-split", "0.1")
    assert code == 0
    assert re.search(r"^Epoch 2/2\n\d+/\d+ - .* - val_accuracy: ", out, re.M), out
    assert out.index("Model:") < out.index("Epoch 1/2") < out.index("Test accuracy")
    assert accuracy(out)[0] > 0.5  # chance is 0.1


@pytest.mark.parametrize("dataset, units, activation, loss", [
    ("breast-cancer", 1, "sigmoid", "binary_crossentropy"),
    ("iris", 3, "softmax", "categorical_crossentropy"),
    ("diabetes", 1, "linear", "mean_squared_error"),
])
def test_the_output_layer_and_loss_follow_the_task(capsys, monkeypatch, dataset, units,
                                                   activation, loss):
    models = []
    fit = Sequential.fit
    monkeypatch.setattr(Sequential, "fit",
                        lambda self, *a, **kw: (models.append(self), fit(self, *a, **kw))[1])
    code, out, _ = run(capsys, "train", "--dataset", dataset, *FAST)
    assert code == 0
    (model,) = models
    head = model.layers[-1]
    assert (head.units, head.activation.name, model.loss.name) == (units, activation, loss)
    assert not any(type(layer).__name__ == "Flatten" for layer in model.layers)  # tabular
    if dataset == "diabetes":
        mse = float(re.search(r"^Test MSE: ([0-9.]+)", out, re.M).group(1))
        assert mse > 0
    else:
        assert accuracy(out)[2] == 114 if dataset == "breast-cancer" else 30


def test_regression_starts_at_the_mean_predictor(capsys, monkeypatch):
    from numpynn.datasets import diabetes

    models = []
    monkeypatch.setattr(Sequential, "fit", lambda self, *a, **kw: models.append(self))
    assert run(capsys, "train", "--dataset", "diabetes", "--verbose", "0")[0] == 0
    (_, y_train), _ = diabetes.load_data()
    np.testing.assert_allclose(models[0].layers[-1].get_weights()[1], [y_train.mean()], rtol=1e-6)


def test_train_options_reach_the_model(capsys, monkeypatch):
    models = []
    monkeypatch.setattr(Sequential, "fit", lambda self, *a, **kw: models.append((self, kw)))
    code, _, _ = run(capsys, "train", "--dataset", "iris", "--layers", "7,5", "--activation",
                     "tanh", "--optimizer", "sgd", "--learning-rate", "0.05", "--epochs", "3",
                     "--batch-size", "8", "--validation-split", "0.25", "--verbose", "1")
    assert code == 0
    (model, kw), = models
    dense = model.layers[:-1]
    assert [l.units for l in dense] == [7, 5] and {l.activation.name for l in dense} == {"tanh"}
    assert (model.optimizer.name, model.optimizer.learning_rate) == ("sgd", 0.05)
    assert (kw["epochs"], kw["batch_size"], kw["validation_split"], kw["verbose"]) == (3, 8, 0.25, 1)


def test_no_hidden_layers_gives_softmax_regression(capsys, monkeypatch):
    models = []
    monkeypatch.setattr(Sequential, "fit", lambda self, *a, **kw: models.append(self))
    assert run(capsys, "train", "--dataset", "iris", "--layers", "")[0] == 0
    assert [type(l).__name__ for l in models[0].layers] == ["Dense"]


def test_the_seed_makes_training_reproducible(capsys):
    first = run(capsys, "train", "--dataset", "iris", *FAST, "--seed", "3")[1]
    second = run(capsys, "train", "--dataset", "iris", *FAST, "--seed", "3")[1]
    assert first.splitlines()[-1] == second.splitlines()[-1]


def test_train_reads_an_mnist_style_folder(capsys, tmp_path):
    folder = fake_mnist_folder(tmp_path)
    code, out, _ = run(capsys, "train", "--dataset", "fashion_mnist", "--data-dir", str(folder),
                       *FAST)
    assert code == 0
    assert 'Model: "fashion_mnist"' in out and "(None, 784)" in out
    assert accuracy(out)[2] == 24


@pytest.mark.parametrize("options, learning_rate", [
    ([], 0.0005),                                   # the image data sets' default for Adam
    (["--optimizer", "sgd"], 0.01),                 # SGD's own default
    (["--learning-rate", "0.002"], 0.002),
])
def test_default_learning_rate_on_mnist_style_data(capsys, monkeypatch, tmp_path, options,
                                                   learning_rate):
    models = []
    monkeypatch.setattr(Sequential, "fit", lambda self, *a, **kw: models.append(self))
    folder = fake_mnist_folder(tmp_path)
    assert run(capsys, "train", "--dataset", "mnist", "--data-dir", str(folder), *options)[0] == 0
    assert models[0].optimizer.learning_rate == pytest.approx(learning_rate)


# -- errors and exit codes -----------------------------------------------------------------------
@pytest.mark.parametrize("argv, message", [
    (["train", "--dataset", "fashon-mnist"], "Did you mean 'fashion-mnist'?"),
    (["train", "--dataset", "cifar10"], "Choose from: digits, fashion-mnist"),
    (["train", "--layers", "512,abc"], "bad layer width 'abc'"),
    (["train", "--layers", "512,0"], "bad layer width '0'"),
    (["train", "--optimizer", "adamm"], "Did you mean 'adam'"),
    (["train", "--activation", "rellu"], "relu"),
    (["train", "--epochs", "0"], "must be > 0"),
    (["train", "--validation-split", "1.5"], "must be in [0, 1)"),
    (["train", "--resume", "m.npnn", "--layers", "8"], "--layers cannot change a model"),
    (["fly"], "invalid choice: 'fly'"),
    ([], "required: COMMAND"),
])
def test_usage_errors_exit_with_2(capsys, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err and "Traceback" not in err


def test_help_exits_with_0(capsys):
    code, out, _ = run(capsys, "train", "--help")
    assert code == 0 and "--layers W1,W2,..." in out


def test_missing_data_files_exit_with_1_and_say_what_to_do(capsys, tmp_path):
    code, out, err = run(capsys, "train", "--dataset", "mnist", "--data-dir", str(tmp_path))
    assert code == 1
    assert err.startswith("numpynn train: error: ") and "train-images-idx3-ubyte.gz" in err
    assert "join_parts" in err and "Traceback" not in err and "Model:" not in out


def test_data_dir_is_refused_for_the_bundled_data_sets(capsys, tmp_path):
    code, _, err = run(capsys, "train", "--dataset", "iris", "--data-dir", str(tmp_path))
    assert code == 1 and "--data-dir applies to mnist and fashion-mnist only" in err


@pytest.mark.parametrize("command", [["evaluate"], ["summary"], ["predict"], ["train", "--resume"]])
def test_a_missing_model_file_exits_with_1(capsys, tmp_path, command):
    argv = command + [str(tmp_path / "nope.npnn")] + (["x.png"] if command == ["predict"] else [])
    code, _, err = run(capsys, *argv)
    assert code == 1 and "nope.npnn' does not exist" in err


def test_python_m_numpynn_trains_in_a_subprocess():
    done = subprocess.run([sys.executable, "-m", "numpynn", "train", "--dataset", "iris",
                           "--layers", "8", "--epochs", "2"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert re.search(r"^Epoch 2/2\n4/4 - ", done.stdout, re.M)  # no terminal: a line per epoch
    assert re.search(r"^Test accuracy: [0-9.]+ \(\d+/30\)", done.stdout, re.M)


# -- the plot command's hook -------------------------------------------------------------------------
def test_plot_command_is_added_when_numpynn_visual_cli_exists(capsys, monkeypatch):
    def add_plot_parser(subparsers):
        plot = subparsers.add_parser("plot")
        plot.add_argument("--fail", action="store_true")
        plot.set_defaults(func=lambda args: sys.exit("bad combination") if args.fail
                          else print("plotted"))
        return plot
    fake = types.ModuleType("numpynn.visual.cli")
    fake.add_plot_parser = add_plot_parser
    monkeypatch.setitem(sys.modules, "numpynn.visual.cli", fake)
    assert run(capsys, "plot")[:2] == (0, "plotted\n")
    assert run(capsys, "plot", "--fail") == (1, "", "numpynn plot: error: bad combination\n")


def test_the_real_plot_command_is_wired_in(capsys):
    pytest.importorskip("numpynn.visual.cli", reason="numpynn.visual is not in this version")
    code, out, _ = run(capsys, "plot", "--help")
    assert code == 0 and "activations" in out and "optimizers" in out


# -- describing a prediction -----------------------------------------------------------------------
@pytest.mark.parametrize("output, names, text", [
    ([0.1, 0.7, 0.2], ("a", "b", "c"), "b (70.0%)"),
    ([0.1, 0.7, 0.2], None, "class 1 (70.0%)"),
    ([0.2], ("malignant", "benign"), "malignant (80.0%)"),
    ([0.9], ("malignant", "benign"), "benign (90.0%)"),
    ([151.25], None, "151.2"),
])
def test_describe(output, names, text):
    assert cli_predict.describe(np.array(output), names) == text
