"""`numpynn train --output/--resume`, `evaluate`, `predict` and `summary`: commands on model
files, end to end (train, save, load, use)."""
import re
import numpy as np
import pytest

from numpynn import cli
from tests.cli_helpers import FAST, accuracy, fake_mnist_folder, run

pytest.importorskip("sklearn", reason="the small data sets need scikit-learn (numpynn[data])")


@pytest.fixture(scope="module")
def digits_model(tmp_path_factory):
    """A digits model trained for 2 epochs and saved, with what `train` printed."""
    path = tmp_path_factory.mktemp("models") / "digits.npnn"
    code = cli.main(["train", "--layers", "32", "--epochs", "2", "--learning-rate", "0.01",
                     "--verbose", "0", "--output", str(path)])
    assert code == 0 and path.is_file()
    return path


def test_train_output_then_evaluate_gives_the_same_score(capsys, tmp_path):
    path = tmp_path / "iris.npnn"
    code, out, _ = run(capsys, "train", "--dataset", "iris", *FAST, "--output", str(path))
    assert code == 0 and f"Saved model to {path}" in out
    code, evaluated, _ = run(capsys, "evaluate", str(path))  # the data set comes from the file
    assert code == 0 and "the iris test set (30 samples)" in evaluated
    assert accuracy(evaluated) == accuracy(out)


def test_evaluate_regression_prints_mse(capsys, tmp_path):
    path = tmp_path / "diabetes.npnn"
    _, out, _ = run(capsys, "train", "--dataset", "diabetes", *FAST, "--output", str(path))
    code, evaluated, _ = run(capsys, "evaluate", str(path), "--dataset", "diabetes")
    mse = re.compile(r"^Test MSE: [0-9.]+ .*$", re.M)
    assert code == 0 and mse.search(evaluated).group() == mse.search(out).group()


def test_evaluate_on_a_data_set_of_another_shape_exits_with_1(capsys, digits_model):
    code, _, err = run(capsys, "evaluate", str(digits_model), "--dataset", "iris")
    assert code == 1 and "takes inputs of shape (8, 8)" in err


def test_summary_prints_the_layer_table_and_optimizer(capsys, digits_model):
    code, out, _ = run(capsys, "summary", str(digits_model))
    assert code == 0 and 'Model: "digits"' in out
    assert re.findall(r"\(None, (\d+)\)", out) == ["64", "32", "10"]
    assert "Optimizer: adam (learning rate 0.01, 90 steps taken)" in out


def test_resume_continues_training_and_saves_back(capsys, tmp_path, digits_model):
    path = tmp_path / "resumed.npnn"
    path.write_bytes(digits_model.read_bytes())
    code, out, _ = run(capsys, "train", "--resume", str(path), "--epochs", "1", "--verbose", "2")
    assert code == 0
    assert "Epoch 3/3" in out and f"Saved model to {path}" in out  # epochs 1-2 came before
    assert "90 steps taken" in run(capsys, "summary", str(digits_model))[1]
    assert "135 steps taken" in run(capsys, "summary", str(path))[1]


def test_a_file_that_is_not_a_model_exits_with_1(capsys, tmp_path):
    path = tmp_path / "notes.npnn"
    path.write_text("not a model")
    code, _, err = run(capsys, "summary", str(path))
    assert code == 1 and err.startswith(f"numpynn summary: error: cannot read model file")
    assert "Traceback" not in err


# -- predict ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def band_model(tmp_path_factory):
    """A Fashion-MNIST-shaped model that learned: class k is a bright row band at 2k+4."""
    folder = fake_mnist_folder(tmp_path_factory.mktemp("fake-fmnist"), n_train=600, n_test=50)
    path = folder / "bands.npnn"
    code = cli.main(["train", "--dataset", "fashion-mnist", "--data-dir", str(folder),
                     "--layers", "32", "--epochs", "8", "--verbose", "0", "--output", str(path)])
    assert code == 0
    return path


def band_picture(path, label, scale=1, dark_on_light=False):
    """A (28 scale)-pixel square picture of band `label`, as the training images show it."""
    image = pytest.importorskip("PIL.Image", reason="predict needs Pillow (numpynn[images])")
    pixels = np.zeros((28 * scale, 28 * scale), dtype=np.uint8)
    pixels[(2 * label + 4) * scale:(2 * label + 5) * scale] = 255
    if dark_on_light:
        pixels = 255 - pixels
    image.fromarray(pixels).convert("RGB").save(path)
    return path


def test_predict_names_the_class_of_each_picture(capsys, tmp_path, band_model):
    pictures = [band_picture(tmp_path / "one.png", 1),
                band_picture(tmp_path / "seven.jpg", 7, scale=3, dark_on_light=True)]
    code, out, _ = run(capsys, "predict", str(band_model), *map(str, pictures))
    assert code == 0
    lines = out.splitlines()
    assert re.fullmatch(rf"{pictures[0]}: Trouser \(\d+\.\d%\)", lines[0]), out
    assert re.fullmatch(rf"{pictures[1]}: Sneaker \(\d+\.\d%\)", lines[1]), out


def test_predict_without_inversion_misreads_a_dark_on_light_picture(capsys, tmp_path, band_model):
    picture = band_picture(tmp_path / "seven.png", 7, dark_on_light=True)
    assert "Sneaker" in run(capsys, "predict", str(band_model), str(picture))[1]
    assert "Sneaker" not in run(capsys, "predict", str(band_model), str(picture),
                                "--no-invert")[1]


def test_predict_needs_an_image_model_and_image_files(capsys, tmp_path, band_model):
    text = tmp_path / "x.png"
    text.write_text("hello")
    code, _, err = run(capsys, "predict", str(band_model), str(text))
    assert code == 1 and "is not an image file" in err
    code, _, err = run(capsys, "predict", str(band_model), str(tmp_path / "missing.png"))
    assert code == 1 and "missing.png" in err
