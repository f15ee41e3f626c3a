"""numpynn.visual writes readable image files (skipped without matplotlib)."""

import numpy as np
import pytest

pytest.importorskip("matplotlib")
PIL = pytest.importorskip("PIL.Image")

from numpynn import optimizers  # noqa: E402
from numpynn.visual import (animate_race, confusion_matrix, gradient_flow,  # noqa: E402
                            plot_confusion_matrix, plot_gradient_flow,
                            plot_history, plot_predictions, plot_race, race)
from numpynn.visual.cli import main  # noqa: E402
from numpynn.visual.gradients import make_classification  # noqa: E402

from test_visual_numbers import write_idx  # noqa: E402


def assert_png(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000
    with PIL.open(path) as image:
        assert min(image.size) > 100


def test_plot_history(tmp_path):
    plot_history({"loss": [1.0, 0.6, 0.5], "val_loss": [1.1, 0.8, 0.9],
                  "accuracy": [0.5, 0.7, 0.8]}, out=tmp_path / "h.png")
    assert_png(tmp_path / "h.png")


def test_plot_race_png_and_gif(tmp_path):
    results = [race("bowl", steps=10), race("two_minima", steps=10, noise=0.5)]
    assert_png(plot_race(results, out=tmp_path / "race.png"))
    gif = tmp_path / "race.gif"
    animate_race(race("beale", [optimizers.SGD(0.005), optimizers.Adam(0.05)], steps=8),
                 gif, frames=4, fps=4)
    assert gif.read_bytes()[:6] == b"GIF89a"
    with PIL.open(gif) as image:
        assert image.n_frames >= 4


def test_plot_gradient_flow_predictions_and_confusion(tmp_path):
    results = gradient_flow(depth=3, units=4, epochs=2, data=make_classification(64))
    assert_png(plot_gradient_flow(results, out=tmp_path / "g.png"))
    rng = np.random.default_rng(0)
    probabilities = rng.dirichlet(np.ones(3), size=7)
    labels = rng.integers(0, 3, 7)
    assert_png(plot_predictions(rng.random((7, 28, 28)), labels, probabilities,
                                ["a", "b", "c"], out=tmp_path / "p.png", cols=4))
    cm = confusion_matrix(labels, probabilities.argmax(1), 3)
    assert_png(plot_confusion_matrix(cm, out=tmp_path / "c.png"))


def test_cli_draws_every_picture(tmp_path, capsys):
    log = tmp_path / "log.csv"
    log.write_text("epoch,loss,val_loss\n0,1.0,1.2\n1,0.5,0.9\n")
    main(["plot", "history", str(log), "--out", str(tmp_path / "h.png")])
    main(["activations", "--out", str(tmp_path / "sub" / "a.png")])
    main(["optimizers", "--surface", "two_minima", "--steps", "20", "--seed", "7",
          "--noise", "0.5", "--out", str(tmp_path / "o.png")])
    main(["gradients", "--depth", "2", "--units", "4", "--epochs", "1",
          "--out", str(tmp_path / "g.png")])
    data = tmp_path / "data"
    data.mkdir()
    write_idx(data, n=40)
    main(["predictions", "--data-dir", str(data), "--epochs", "1", "--train-samples", "40",
          "--count", "6", "--out", str(tmp_path / "p.png"),
          "--confusion", str(tmp_path / "c.png")])
    for name in ("h", "sub/a", "o", "g", "p", "c"):
        assert_png(tmp_path / f"{name}.png")
    printed = capsys.readouterr().out
    assert "seed 7" in printed and "gradient noise std 0.5" in printed
    assert "sigmoid: max f'(x) = 0.2500" in printed
    with pytest.raises(SystemExit):
        main(["optimizers", "--surface", "all", "--out", str(tmp_path / "all.gif")])
