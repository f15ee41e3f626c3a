"""Make the Keras model files the interop tests read without Keras.

Run with Keras installed (``pip install -e ".[parity]"``):

    KERAS_BACKEND=tensorflow python tests/reference/make_keras_fixtures.py

It trains a small MLP and a small CNN for one epoch on fixed random data, saves each as a
Keras 3 archive (``keras_<name>.keras``) and a legacy HDF5 file (``keras_<name>.h5``), and
records fixed inputs with Keras' predictions for them in ``keras_fixtures.npz``, all in
``tests/data/``. ``tests/test_interop_keras.py`` loads the files with numpynn and compares.
"""
import os
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras  # noqa: E402
import numpy as np  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "data"


def mlp():
    model = keras.Sequential([
        keras.Input(shape=(6,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(8, activation="tanh", kernel_regularizer="l2"),
        keras.layers.Dense(3, activation="softmax"),
    ], name="mlp")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def cnn():
    model = keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        keras.layers.Conv2D(4, 3, padding="same", activation="relu"),
        keras.layers.BatchNormalization(),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(6, 3, use_bias=False),
        keras.layers.Flatten(),
        keras.layers.Dense(3, activation="softmax"),
    ], name="cnn")
    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9),
                  loss=keras.losses.CategoricalCrossentropy(label_smoothing=0.1))
    return model


def main():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    arrays = {}
    for name, make, shape in (("mlp", mlp, (6,)), ("cnn", cnn, (8, 8, 1))):
        model = make()
        x = rng.normal(size=(64,) + shape).astype("float32")
        y = np.eye(3, dtype="float32")[rng.integers(0, 3, 64)]
        model.fit(x, y, epochs=1, batch_size=16, verbose=0)
        model.save(OUT / f"keras_{name}.keras")
        model.save(OUT / f"keras_{name}.h5")
        arrays[f"{name}_x"] = x[:5]
        arrays[f"{name}_y"] = model.predict(x[:5], verbose=0)
    np.savez(OUT / "keras_fixtures.npz", **arrays)
    print(f"wrote keras_mlp.*, keras_cnn.* and keras_fixtures.npz in {OUT}")


if __name__ == "__main__":
    main()
