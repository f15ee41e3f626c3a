"""`numpynn train --data-dir` on a folder of pictures, `numpynn predict` with the model it
makes, and `numpynn plot augmentation`, on tiny image folders written in a temp dir."""
import re

import numpy as np
import pytest

from numpynn import cli_images
from numpynn.models import course, load_model
from tests.cli_helpers import fake_mnist_folder, run
from tests.image_folder_helpers import make_image_folder, write_image

Image = pytest.importorskip("PIL.Image", reason="image folders need Pillow (numpynn[images])")

FAST = ["--epochs", "1", "--verbose", "0"]


def two_class_folder(root, n=10, size=(12, 16), mode="RGB"):
    """``root/dark`` and ``root/light``: n pictures each, easy to tell apart."""
    rng = np.random.default_rng(0)
    for name, level in (("dark", 40), ("light", 210)):
        (root / name).mkdir(parents=True)
        for i in range(n):
            pixels = np.clip(level + rng.normal(0, 20, size + (3,)), 0, 255).astype(np.uint8)
            Image.fromarray(pixels).convert(mode).save(root / name / f"{i}.png")
    return root


def saved_image_model(path, shape=(12, 16, 3), class_names=("dark", "light"), augment=False):
    model = course.image_cnn("pictures_cnn", shape, len(class_names), augment=augment, seed=1)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.class_names = list(class_names)
    model.save(path)
    return str(path)


# -- what --data-dir names ----------------------------------------------------------------------
def test_folder_kind_tells_pictures_from_idx_files(tmp_path):
    assert cli_images.folder_kind(str(two_class_folder(tmp_path / "pics"))) == "images"
    assert cli_images.folder_kind(str(fake_mnist_folder(tmp_path))) == "idx"
    (tmp_path / "empty" / "cats").mkdir(parents=True)
    (tmp_path / "empty" / "cats" / "notes.txt").write_text("no pictures")
    assert cli_images.folder_kind(str(tmp_path / "empty")) is None


def test_a_folder_that_is_neither_is_refused_clearly(capsys, tmp_path):
    (tmp_path / "cats").mkdir()
    (tmp_path / "cats" / "notes.txt").write_text("no pictures")
    code, out, err = run(capsys, "train", "--data-dir", str(tmp_path))
    assert code == 1 and "holds neither class subfolders of pictures" in err
    assert "Traceback" not in err and "Model:" not in out
    code, _, err = run(capsys, "train", "--data-dir", str(tmp_path / "missing"))
    assert code == 1 and "is not a folder" in err


def test_idx_files_without_dataset_ask_which_data_set(capsys, tmp_path):
    code, _, err = run(capsys, "train", "--data-dir", str(fake_mnist_folder(tmp_path)))
    assert code == 2 and "--dataset mnist or --dataset fashion-mnist" in err


@pytest.mark.parametrize("options, message", [
    (["--dataset", "mnist"], "is an image folder"),
    (["--model", "mlp"], "--model mlp, --layers and --activation do not apply"),
    (["--layers", "8"], "--model mlp, --layers and --activation do not apply"),
    (["--validation-split", "0"], "give --validation-split > 0"),
])
def test_options_that_do_not_fit_an_image_folder(capsys, tmp_path, options, message):
    code, _, err = run(capsys, "train", "--data-dir", str(two_class_folder(tmp_path)), *options)
    assert code == 2 and message in err


@pytest.mark.parametrize("option", [["--augment"], ["--image-size", "28x28"],
                                    ["--color-mode", "rgb"]])
def test_image_options_need_an_image_folder(capsys, option):
    code, _, err = run(capsys, "train", "--dataset", "iris", *option)
    assert code == 2 and "apply to an image folder" in err


@pytest.mark.parametrize("text, size", [("28x28", (28, 28)), ("32", (32, 32)),
                                        ("24X40", (24, 40))])
def test_image_size_option(text, size):
    assert cli_images.image_size(text) == size


@pytest.mark.parametrize("text", ["0x5", "abc", "3x4x5", "-2"])
def test_bad_image_size_is_a_usage_error(capsys, tmp_path, text):
    code, _, err = run(capsys, "train", "--data-dir", str(tmp_path), "--image-size", text)
    assert code == 2 and "give HEIGHTxWIDTH" in err


def test_default_image_settings_come_from_the_first_picture(tmp_path):
    gray = two_class_folder(tmp_path / "gray", n=1, size=(20, 30), mode="L")
    assert cli_images.default_image_settings(str(gray)) == ((20, 30), "grayscale")
    big = two_class_folder(tmp_path / "big", n=1, size=(100, 200))
    assert cli_images.default_image_settings(str(big)) == ((32, 64), "rgb")


def test_an_unreadable_first_picture_is_named(capsys, tmp_path):
    folder = two_class_folder(tmp_path, n=1)
    (folder / "dark" / "0.png").write_bytes(b"not a picture")
    code, _, err = run(capsys, "train", "--data-dir", str(folder))
    assert code == 1 and "0.png: cannot read this picture" in err and "Traceback" not in err


# -- train on a folder -------------------------------------------------------------------------
def test_train_on_a_folder_reports_the_held_out_split_and_saves_what_predict_needs(capsys,
                                                                                  tmp_path):
    folder = two_class_folder(tmp_path / "pics")
    model_file = str(tmp_path / "m.npnn")
    code, out, err = run(capsys, "train", "--data-dir", str(folder), "--epochs", "3",
                         "--verbose", "0", "--learning-rate", "0.01", "--output", model_file)
    assert code == 0, err
    assert "Found 20 files belonging to 2 classes." in out
    assert "Using 16 files for training." in out and "Using 4 files for validation." in out
    assert 'Model: "pics_cnn"' in out and "Pictures: 12x16 rgb, classes: dark, light" in out
    match = re.search(r"^Validation accuracy: ([0-9.]+) \((\d+)/4 held-out pictures\)", out, re.M)
    assert match and float(match.group(1)) == int(match.group(2)) / 4
    model = load_model(model_file)
    assert model.class_names == ["dark", "light"] and model.input_shape == (None, 12, 16, 3)
    assert type(model.layers[0]).__name__ == "Rescaling"  # no augmentation asked
    code, out, _ = run(capsys, "predict", model_file, str(folder / "dark" / "0.png"),
                       str(folder / "light" / "0.png"))
    assert code == 0 and re.search(r"0.png: (dark|light) \(\d+\.\d%\)", out)


def test_augment_size_colour_and_resume(capsys, tmp_path):
    folder = two_class_folder(tmp_path / "pics", n=5)
    model_file = str(tmp_path / "m.npnn")
    code, out, err = run(capsys, "train", "--data-dir", str(folder), *FAST, "--augment",
                         "--image-size", "8x10", "--color-mode", "grayscale",
                         "--validation-split", "0.3", "--output", model_file)
    assert code == 0, err and "Using 3 files for validation." in out
    model = load_model(model_file)
    assert model.input_shape == (None, 8, 10, 1)
    assert [type(layer).__name__ for layer in model.layers[:3]] == [
        "RandomFlip", "RandomTranslation", "Rescaling"]
    code, out, err = run(capsys, "train", "--data-dir", str(folder), *FAST,
                         "--validation-split", "0.3", "--resume", model_file)
    assert code == 0, err
    assert load_model(model_file).epochs_trained == 2
    code, _, err = run(capsys, "train", "--data-dir", str(folder), *FAST, "--augment",
                       "--resume", model_file)
    assert code == 2 and "cannot change a model given with --resume" in err
    (folder / "dark").rename(folder / "black")
    code, _, err = run(capsys, "train", "--data-dir", str(folder), *FAST, "--resume", model_file)
    assert code == 1 and "trained on classes ['dark', 'light']" in err


def test_a_folder_needs_two_classes_and_a_held_out_part(capsys, tmp_path):
    one = two_class_folder(tmp_path / "one", n=5)
    for path in (one / "light").iterdir():
        path.unlink()
    (one / "light").rmdir()
    code, _, err = run(capsys, "train", "--data-dir", str(one), *FAST)
    assert code == 1 and "a classifier needs two or more" in err
    few = two_class_folder(tmp_path / "few", n=1)
    code, _, err = run(capsys, "train", "--data-dir", str(few), *FAST)
    assert code == 1 and "holds out 0" in err


# -- bad pictures -------------------------------------------------------------------------------
@pytest.mark.parametrize("content", [b"", b"\x89PNG\r\n\x1a\n truncated", b"plain text"])
def test_a_bad_picture_in_the_folder_is_named_and_training_stops(capsys, tmp_path, content):
    folder = two_class_folder(tmp_path / "pics", n=6)
    (folder / "light" / "3.png").write_bytes(content)
    code, out, err = run(capsys, "train", "--data-dir", str(folder), *FAST)
    assert code == 1 and "3.png: cannot read this image" in err
    assert "Traceback" not in err and "Validation accuracy" not in out


def test_a_truncated_png_is_named(capsys, tmp_path):
    folder = two_class_folder(tmp_path / "pics", n=6)
    data = (folder / "dark" / "4.png").read_bytes()
    (folder / "dark" / "4.png").write_bytes(data[:len(data) // 2])
    code, _, err = run(capsys, "train", "--data-dir", str(folder), *FAST)
    assert code == 1 and "4.png: cannot read this image" in err and "Traceback" not in err


def test_other_files_and_empty_class_folders_are_skipped_with_a_warning(capsys, tmp_path):
    folder = two_class_folder(tmp_path / "pics", n=5)
    (folder / "dark" / "notes.txt").write_text("not a picture")
    (folder / "empty").mkdir()
    with pytest.warns(UserWarning) as warnings:
        code, out, err = run(capsys, "train", "--data-dir", str(folder), *FAST)
    assert code == 0, err
    messages = " ".join(str(w.message) for w in warnings)
    assert "Skipped 1 file(s)" in messages and "dark/notes.txt" in messages
    assert "Class folder(s) empty" in messages
    assert "classes: dark, empty, light" in out  # the empty class keeps its label


def test_mixed_sizes_and_colour_modes_train_together(capsys, tmp_path):
    folder = make_image_folder(tmp_path / "mixed", classes=("a", "b"))
    code, out, err = run(capsys, "train", "--data-dir", str(folder), *FAST)
    assert code == 0, err
    assert "Pictures: 20x30 rgb" in out  # the first picture (a/img0.png) gives the defaults


# -- predict ------------------------------------------------------------------------------------
def test_predict_reads_pictures_in_the_models_size_and_colour_mode(capsys, tmp_path):
    model_file = saved_image_model(tmp_path / "m.npnn")
    rng = np.random.default_rng(1)
    picture = write_image(tmp_path / "big.jpg", "L", (40, 50), rng)  # grey, other size
    code, out, err = run(capsys, "predict", model_file, str(picture))
    assert code == 0, err
    assert re.fullmatch(rf"{re.escape(str(picture))}: (dark|light) \(\d+\.\d%\)\n", out)
    model = load_model(model_file)
    batch = cli_images.read_pictures(model, [str(picture)])
    assert batch.shape == (1, 12, 16, 3) and batch.max() > 1  # raw 0-255, three channels
    assert np.allclose(batch[..., 0], batch[..., 2])  # a grey picture read as rgb


def test_predict_refuses_invert_for_a_picture_model(capsys, tmp_path):
    model_file = saved_image_model(tmp_path / "m.npnn")
    picture = write_image(tmp_path / "a.png", "RGB", (12, 16), np.random.default_rng(0))
    code, _, err = run(capsys, "predict", model_file, str(picture), "--invert")
    assert code == 2 and "--invert applies to models of MNIST-style data sets" in err


@pytest.mark.parametrize("content", [b"", b"GIF89a truncated", b"plain text"])
def test_predict_names_a_bad_picture(capsys, tmp_path, content):
    model_file = saved_image_model(tmp_path / "m.npnn")
    (tmp_path / "bad.png").write_bytes(content)
    code, _, err = run(capsys, "predict", model_file, str(tmp_path / "bad.png"))
    assert code == 1 and "bad.png: cannot read this image" in err and "Traceback" not in err


def test_predict_with_a_grayscale_model(capsys, tmp_path):
    model_file = saved_image_model(tmp_path / "g.npnn", shape=(8, 8, 1),
                                   class_names=("a", "b", "c"))
    picture = write_image(tmp_path / "p.png", "RGB", (20, 20), np.random.default_rng(0))
    code, out, _ = run(capsys, "predict", model_file, str(picture))
    assert code == 0 and re.search(r": [abc] \(\d+\.\d%\)$", out.strip())
    assert cli_images.read_pictures(load_model(model_file), [str(picture)]).shape == (1, 8, 8, 1)


# -- plot augmentation --------------------------------------------------------------------------
def test_plot_augmentation_writes_the_grid(capsys, tmp_path, monkeypatch):
    pytest.importorskip("matplotlib", reason="drawing needs matplotlib (numpynn[plot])")
    folder = make_image_folder(tmp_path / "pics", classes=("a",))
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "plot", "augmentation", str(folder / "a" / "img0.png"),
                         "--count", "5")
    assert code == 0, err
    assert "20x30x3, 5 copies through RandomFlip, RandomTranslation" in out
    assert "wrote augmentation.png" in out
    assert (tmp_path / "augmentation.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    model_file = saved_image_model(tmp_path / "m.npnn", shape=(10, 10, 1), augment=True)
    code, out, _ = run(capsys, "plot", "augmentation", str(folder / "a" / "img0.png"),
                       "--model", model_file, "--out", str(tmp_path / "m.png"))
    assert code == 0 and "10x10x1, 15 copies" in out and (tmp_path / "m.png").is_file()
    plain = saved_image_model(tmp_path / "plain.npnn")
    code, _, err = run(capsys, "plot", "augmentation", str(folder / "a" / "img0.png"),
                       "--model", plain)
    assert code == 1 and "has no augmentation layers" in err


def test_augmented_copies_differ_and_repeat_with_the_seed():
    from numpynn.visual import augmentation
    image = np.random.default_rng(0).uniform(0, 255, (16, 16, 3)).astype(np.float32)
    copies = augmentation.augmented_copies(image, count=4, seed=3)
    assert copies.shape == (4, 16, 16, 3)
    assert not np.allclose(copies[0], copies[1])
    np.testing.assert_array_equal(copies, augmentation.augmented_copies(image, count=4, seed=3))
