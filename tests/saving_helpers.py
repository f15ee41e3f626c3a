"""Small models and data shared by the saving tests."""
import numpy as np

import numpynn as keras


def make_data(n=60, features=5, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    y = (x[:, 0] > 0).astype(int) + (x[:, 1] > 0.5).astype(int)
    return x, y % classes


def make_model(optimizer="adam", dropout_seed=None, features=5, classes=3):
    model = keras.Sequential([
        keras.Input(shape=(features,)),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dropout(0.25, seed=dropout_seed),
        keras.layers.Dense(classes, activation="softmax"),
    ])
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model
