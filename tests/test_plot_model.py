"""``keras.utils.plot_model``: the layout's numbers (rows, order, arrows, frames) checked
without drawing, then the PNGs written for a Sequential, a multi-input/output and a nested
model, and ``numpynn plot model`` from the command line."""
import re

import numpy as np
import pytest

import numpynn as keras
from numpynn.visual import model_layout
from numpynn.visual import cli

from graph_models import multi_io


def _sequential():
    return keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                             keras.layers.Dense(128, activation="relu"), keras.layers.Dense(10)])


def _nested():
    block = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, name="h1"),
                              keras.layers.Dense(4, name="h2")], name="block")
    x = keras.Input(shape=(4,), name="x")
    added = keras.layers.add([x, block(x)], name="skip")
    return keras.Model(x, keras.layers.Dense(2, name="out")(added), name="outer")


def _box(layout, first_line):
    return next(b for b in layout.boxes if b.lines[0] == first_line)


def test_a_sequential_is_one_column_top_to_bottom():
    layout = model_layout(_sequential(), show_shapes=True)
    assert [b.lines[0] for b in layout.boxes] == ["InputLayer", "Flatten", "Dense", "Dense"]
    assert layout.edges == [(0, 1), (1, 2), (2, 3)]
    assert [b.row for b in layout.boxes] == [0, 1, 2, 3]
    assert len({b.x for b in layout.boxes}) == 1
    assert all(a.y + a.height / 2 < b.y - b.height / 2
               for a, b in zip(layout.boxes, layout.boxes[1:]))
    assert layout.boxes[1].lines[1:] == ["Input shape: (None, 28, 28)",
                                         "Output shape: (None, 784)"]
    assert layout.boxes[0].lines[1:] == ["Output shape: (None, 28, 28)"]  # no input shape
    assert not layout.frames


def test_multi_io_rows_are_longest_paths_and_arrows_are_not_repeated():
    layout = model_layout(multi_io(keras), show_layer_names=True)
    names = [re.sub(r"_\d+$", "", b.lines[0].split()[0]) for b in layout.boxes]  # add_2: add
    assert dict(zip(names, [b.row for b in layout.boxes])) == {
        "a": 0, "b": 0, "shared": 1, "db": 1, "joined": 2, "out1": 3, "add": 3, "out2": 4}
    add, joined = names.index("add"), names.index("joined")
    assert layout.edges.count((joined, add)) == 1  # add([h, h]) is one arrow
    assert len(layout.routes) == len(layout.edges)
    for row in range(5):  # boxes of a row do not overlap
        boxes = sorted((b for b in layout.boxes if b.row == row), key=lambda b: b.x)
        assert all(a.x + a.width / 2 < b.x - b.width / 2 for a, b in zip(boxes, boxes[1:]))


def test_barycenter_order_uncrosses_the_arrows():
    a, b = keras.Input(shape=(2,), name="a"), keras.Input(shape=(3,), name="b")
    from_b = keras.layers.Dense(2, name="from_b")(b)  # discovered first, but b is on the right
    from_a = keras.layers.Dense(2, name="from_a")(a)
    model = keras.Model([a, b], [from_b, from_a])
    layout = model_layout(model, show_layer_names=True)
    x = {box.lines[0].split()[0]: box.x for box in layout.boxes}
    assert x["a"] < x["b"] and x["from_a"] < x["from_b"]


def test_nested_model_is_a_frame_and_the_skip_arrow_goes_around_it():
    layout = model_layout(_nested(), show_layer_names=True, expand_nested=True)
    [frame] = layout.frames
    assert frame.name == "block (Sequential)"
    inside = [layout.boxes[i].lines[0].split()[0] for i in frame.boxes]
    assert inside[1:] == ["h1", "h2"] and "InputLayer" in layout.boxes[frame.boxes[0]].lines[0]
    left, top, right, bottom = frame.rect
    for i in frame.boxes:
        box = layout.boxes[i]
        assert left < box.x - box.width / 2 and box.x + box.width / 2 < right
        assert top < box.y - box.height / 2 and box.y + box.height / 2 < bottom
    names = [b.lines[0].split()[0] for b in layout.boxes]
    skip = layout.routes[layout.edges.index((names.index("x"), names.index("skip")))]
    assert len(skip) == 2 + 2 * 3  # through the three rows of the frame
    assert all(not left <= px <= right for px, _ in skip[1:-1])

    folded = model_layout(_nested(), show_layer_names=True)
    assert [b.lines[0] for b in folded.boxes] == ["x (InputLayer)", "block (Sequential)",
                                                 "skip (Add)", "out (Dense)"]
    assert not folded.frames


@pytest.mark.parametrize("build, kwargs", [
    (_sequential, {"show_shapes": True}),
    (lambda: multi_io(keras), {"show_shapes": True, "show_layer_names": True}),
    (_nested, {"expand_nested": True, "show_layer_activations": True, "dpi": 80})])
def test_plot_model_writes_a_png(tmp_path, build, kwargs):
    pil = pytest.importorskip("PIL.Image")
    out = keras.utils.plot_model(build(), to_file=str(tmp_path / "model.png"), **kwargs)
    with pil.open(out) as image:
        assert image.format == "PNG"
        pixels = np.asarray(image.convert("L"))
    assert pixels.max() == 255 and pixels.min() < 100  # dark text on white


def test_plot_model_errors():
    with pytest.raises(ValueError, match="not built"):
        keras.utils.plot_model(keras.Sequential([keras.layers.Dense(2)]))
    with pytest.raises(ValueError, match="rankdir='TB'"):
        keras.utils.plot_model(_sequential(), rankdir="LR")
    with pytest.raises(TypeError, match="unexpected"):
        keras.utils.plot_model(_sequential(), show_colours=True)


def test_cli_plot_model(tmp_path, capsys):
    pytest.importorskip("PIL.Image")
    path = tmp_path / "m.npnn"
    _sequential().save(path)
    cli.main(["model", str(path), "--out", str(tmp_path / "graph.png")])
    assert (tmp_path / "graph.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "wrote" in capsys.readouterr().out
