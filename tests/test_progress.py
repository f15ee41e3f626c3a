"""Progress output: a bar on a terminal, one line per epoch otherwise, nothing with verbose=0."""
import io

import numpy as np

import numpynn as keras
from numpynn import layers
from numpynn.utils.progbar import Progbar


def train(capsys, verbose, epochs=3):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x = np.random.default_rng(0).normal(size=(100, 4))
    model.fit(x, np.arange(100) % 3, epochs=epochs, verbose=verbose, validation_split=0.2)
    return capsys.readouterr().out


def test_verbose_zero_is_silent(capsys):
    assert train(capsys, 0) == ""


def test_not_a_terminal_prints_one_line_per_epoch(capsys):
    for verbose in (1, 2, "auto"):   # pytest's captured stdout is not a terminal
        lines = train(capsys, verbose).splitlines()
        assert lines[0::2] == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"]
        assert len(lines) == 6
        for line in lines[1::2]:
            assert line.startswith("3/3 ")
            assert "- accuracy: " in line and "- loss: " in line and "- val_loss: " in line


def test_terminal_bar_redraws_in_place_and_ends_with_newline():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    bar = Progbar(10, verbose=1, stream=stream, interval=0)
    for step in range(1, 11):
        bar.update(step, {"loss": 1.0 / step})
    bar.update(10, {"loss": 0.1}, finalize=True)
    text = stream.getvalue()
    assert text.count("\r") == 11 and text.endswith("\n") and text.count("\n") == 1
    assert "10/10 \u2501\u2501\u2501\u2501" in text and "loss: 0.1000" in text
