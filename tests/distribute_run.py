"""Training runs for the data-parallel tests, run as a script:

    python tests/distribute_run.py OUT_DIR                     # one process
    mpiexec -n 2 python tests/distribute_run.py OUT_DIR        # MPIDataParallel

Every case trains a small seeded model for 3 epochs and writes (rank 0 only) its final
weights and history to OUT_DIR/<case>.npz; the test compares the two runs' files. One
launch holds every case, as starting MPI processes is slow.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

import numpynn as keras  # noqa: E402
from numpynn import distribute  # noqa: E402

LAYERS = keras.layers


def mlp(dropout=0.0, regularizer=None):
    head = [LAYERS.Dropout(dropout)] if dropout else []
    return keras.Sequential([LAYERS.Input((6,)),
                             LAYERS.Dense(16, activation="relu", kernel_regularizer=regularizer)]
                            + head + [LAYERS.Dense(3, activation="softmax")])


def cnn():
    return keras.Sequential([LAYERS.Input((8, 8, 1)), LAYERS.Conv2D(4, 3, activation="relu"),
                             LAYERS.MaxPooling2D(2), LAYERS.Flatten(), LAYERS.Dropout(0.2),
                             LAYERS.Dense(3, activation="softmax")])


def data(rows, shape):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(rows,) + shape).astype("float32")
    return x, keras.utils.to_categorical(rng.integers(0, 3, rows), 3)


def cases():
    """``{name: (model maker, optimizer, rows, batch size, fit options)}``."""
    found = {f"optimizer_{name}": (mlp, name, 45, 8, {})  # last batch: 5 rows, split 2 + 3
             for name in sorted(keras.optimizers.ALIASES)}
    found.update({
        # a batch of 7 (3 + 4 rows), a last batch of 1 (rank 0 has no rows), dropout masks
        "mlp_odd_batch": (lambda: mlp(dropout=0.3), "adam", 50, 7, {}),
        # penalties counted once; validation and callbacks on summed logs
        "mlp_penalty_validation": (lambda: mlp(regularizer="l2"), "sgd", 60, 10, {
            "validation_split": 0.25,
            "callbacks": [keras.callbacks.ReduceLROnPlateau("val_loss", patience=1,
                                                            factor=0.5)]}),
        "cnn": (cnn, "adam", 41, 9, {}),
    })
    return found


def run(name, make, optimizer, rows, batch_size, options, strategy, out_dir):
    keras.backend.clear_session()
    keras.utils.set_random_seed(3)
    model = make()
    model.compile(optimizer, "categorical_crossentropy", metrics=["accuracy"],
                  distribute=strategy)
    x, y = data(rows, tuple(model.input_shape[1:]))
    history = model.fit(x, y, batch_size=batch_size, epochs=3, verbose=0, **options)
    if strategy is None or strategy.is_chief:
        logs = {f"log_{key}": np.array(values) for key, values in history.history.items()}
        np.savez(os.path.join(out_dir, f"{name}.npz"), *model.get_weights(), **logs)


def main(out_dir, only=None):
    strategy = distribute.from_environment()
    for name, case in cases().items():
        if only is None or name == only:
            run(name, *case, strategy, out_dir)


if __name__ == "__main__":
    main(*sys.argv[1:])
