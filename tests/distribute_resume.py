"""Stages of a training run that changes its number of processes, run as a script:

    python tests/distribute_resume.py whole OUT.npnn          # 3 epochs at once
    python tests/distribute_resume.py start OUT.npnn          # epoch 1
    mpiexec -n 2 python tests/distribute_resume.py continue IN.npnn OUT.npnn   # one more

``continue`` loads a model file (written by rank 0 of any run), trains one more epoch on
as many processes as it is started with, and rank 0 saves it.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

import numpynn as keras  # noqa: E402
from numpynn import distribute  # noqa: E402


def data():
    rng = np.random.default_rng(11)
    x = rng.normal(size=(45, 5)).astype("float32")
    return x, keras.utils.to_categorical(rng.integers(0, 3, 45), 3)


def new_model():
    keras.utils.set_random_seed(5)
    layers = keras.layers
    model = keras.Sequential([layers.Input((5,)), layers.Dense(12, activation="relu"),
                              layers.Dropout(0.25), layers.Dense(3, activation="softmax")])
    model.compile("adam", "categorical_crossentropy", metrics=["accuracy"])
    return model


def train(model, epochs, out):
    model.distribute_strategy = distribute.from_environment() or model.distribute_strategy
    done = model.epochs_trained
    model.fit(*data(), batch_size=8, epochs=done + epochs, initial_epoch=done, verbose=0)
    if model.distribute_strategy.is_chief:
        model.save(out)


def main(stage, *paths):
    if stage == "whole":
        train(new_model(), 3, paths[0])
    elif stage == "start":
        train(new_model(), 1, paths[0])
    else:
        train(keras.models.load_model(paths[0]), 1, paths[1])


if __name__ == "__main__":
    main(*sys.argv[1:])
