"""A CNN's pictures: its first-layer kernels and one image's feature maps, from Python and
from ``numpynn plot filters`` / ``numpynn plot feature-maps``."""
import numpy as np
import pytest

pytest.importorskip("matplotlib")
PIL = pytest.importorskip("PIL.Image")

import numpynn as keras  # noqa: E402
from numpynn import cli  # noqa: E402
from numpynn.models import course  # noqa: E402
from numpynn.visual import convolution  # noqa: E402

from test_visual_plots import assert_png  # noqa: E402


@pytest.fixture
def saved_cnn(tmp_path):
    keras.utils.set_random_seed(0)
    model = course.cnn("fashion_mnist", (28, 28), 10)
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    path = tmp_path / "cnn.npnn"
    model.save(path)
    return model, path


def test_filters_are_the_first_kernels_scaled_to_unit_range(saved_cnn):
    model, _ = saved_cnn
    layer = convolution.first_convolution(model)
    images = convolution.filter_images(layer)
    kernel = layer.get_weights()[0]  # (3, 3, 1, 32)
    assert images.shape == (32, 3, 3)
    assert images.min() == 0 and images.max() == 1
    scale = (kernel[..., 0, 5].max() - kernel[..., 0, 5].min())
    np.testing.assert_allclose(images[5], (kernel[..., 0, 5] - kernel[..., 0, 5].min()) / scale,
                               rtol=1e-6)


def test_feature_maps_follow_the_layers(saved_cnn):
    model, _ = saved_cnn
    image = np.random.default_rng(0).random((28, 28), dtype=np.float32)
    maps = convolution.feature_maps(model, image)
    assert [(m.shape, name.split("_")[0]) for name, m in maps] == [
        ((28, 28, 32), "conv2d"), ((14, 14, 32), "max"), ((14, 14, 64), "conv2d"),
        ((7, 7, 64), "max")]
    first = model.layers[1](image[None, ..., None])[0]  # the Conv2D alone, ReLU included
    np.testing.assert_allclose(maps[0][1], first, rtol=1e-6)


def test_a_model_without_convolutions_is_refused():
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="no Conv2D"):
        convolution.first_convolution(model)


def test_plot_commands_write_pictures(saved_cnn, tmp_path, capsys):
    _, path = saved_cnn
    assert cli.main(["plot", "filters", str(path), "--out", str(tmp_path / "f.png")]) == 0
    assert_png(tmp_path / "f.png")
    picture = tmp_path / "shirt.png"
    PIL.fromarray((np.random.default_rng(1).random((40, 30)) * 255).astype(np.uint8)).save(picture)
    assert cli.main(["plot", "feature-maps", str(path), str(picture),
                     "--out", str(tmp_path / "maps.png")]) == 0
    assert_png(tmp_path / "maps.png")
    out = capsys.readouterr().out
    assert "kernel (3, 3, 1, 32)" in out and "14x14, 32 maps" in out
