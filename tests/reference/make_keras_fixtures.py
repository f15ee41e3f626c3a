"""Make the Keras model files the interop tests read without Keras.

Run with Keras installed (``pip install -e ".[parity]"``):

    KERAS_BACKEND=tensorflow python tests/reference/make_keras_fixtures.py

It trains a small MLP, a small CNN, a functional model (two inputs, a shared layer,
Concatenate and Add, two outputs) and a nested one (models as layers) for one epoch on fixed random data, saves each as a
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


def functional():
    a, b = keras.Input(shape=(6,), name="a"), keras.Input(shape=(6,), name="b")
    shared = keras.layers.Dense(5, activation="relu", name="shared")
    ha, hb = shared(a), shared(b)
    joined = keras.layers.Concatenate()([ha, hb])
    summed = keras.layers.Add()([ha, hb])
    first = keras.layers.Dense(3, activation="softmax", name="first")(joined)
    second = keras.layers.Dense(3, activation="softmax", name="second")(summed)
    model = keras.Model([a, b], [first, second], name="two_heads")
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    return model


def nested():
    x = keras.Input(shape=(8,))
    residual = keras.layers.Add()([x, keras.layers.Dense(8, activation="tanh")(x)])
    block = keras.Model(x, residual, name="block")
    model = keras.Sequential([
        keras.Input(shape=(6,)),
        keras.Sequential([keras.layers.Dense(8, activation="relu"),
                          keras.layers.BatchNormalization()], name="stem"),
        block,
        keras.layers.Dense(3, activation="softmax"),
    ], name="nested")
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    return model


def main():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    arrays = {}
    for name, make, shape, n_in, n_out in (("mlp", mlp, (6,), 1, 1),
                                           ("cnn", cnn, (8, 8, 1), 1, 1),
                                           ("functional", functional, (6,), 2, 2),
                                           ("nested", nested, (6,), 1, 1)):
        model = make()
        xs = [rng.normal(size=(64,) + shape).astype("float32") for _ in range(n_in)]
        ys = [np.eye(3, dtype="float32")[rng.integers(0, 3, 64)] for _ in range(n_out)]
        model.fit(xs if n_in > 1 else xs[0], ys if n_out > 1 else ys[0], epochs=1,
                  batch_size=16, verbose=0)
        model.save(OUT / f"keras_{name}.keras")
        model.save(OUT / f"keras_{name}.h5")
        predicted = model.predict([x[:5] for x in xs] if n_in > 1 else xs[0][:5], verbose=0)
        predicted = predicted if n_out > 1 else [predicted]
        # one input and one output: "<name>_x", "<name>_y"; several: "<name>_x0", ...
        for key, values in (("x", [x[:5] for x in xs]), ("y", predicted)):
            for i, value in enumerate(values):
                arrays[f"{name}_{key}{i if len(values) > 1 else ''}"] = value
    np.savez(OUT / "keras_fixtures.npz", **arrays)
    print(f"wrote keras_{{mlp,cnn,functional,nested}}.* and keras_fixtures.npz in {OUT}")


if __name__ == "__main__":
    main()
