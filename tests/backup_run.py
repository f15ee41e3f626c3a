"""A training run for the kill-and-restart test of ``BackupAndRestore``, run as a script:

    python tests/backup_run.py mlp|cnn BACKUP_DIR SAVE_FREQ OUT.npz
    mpiexec -n 2 python tests/backup_run.py ...           # data-parallel, rank 0 writes

It trains a small seeded model for 8 epochs with ``BackupAndRestore`` (plus EarlyStopping
and ReduceLROnPlateau, whose counters must survive) and writes the final weights and the
loss history to OUT.npz. Run again after a kill, it continues from the backup.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

import numpynn as keras  # noqa: E402
from numpynn import distribute  # noqa: E402


def model(kind):
    layers = keras.layers
    head = [layers.Dropout(0.2), layers.Dense(3, activation="softmax")]
    if kind == "mlp":
        return keras.Sequential([layers.Input((6,)), layers.Dense(16, activation="relu")] + head)
    return keras.Sequential([layers.Input((8, 8, 1)), layers.Conv2D(4, 3, activation="relu"),
                             layers.MaxPooling2D(2), layers.Flatten()] + head)


def main(kind, backup_dir, save_freq, out):
    data = np.random.default_rng(7)
    shape = (6,) if kind == "mlp" else (8, 8, 1)
    x = data.normal(size=(96,) + shape).astype("float32")
    y = keras.utils.to_categorical(data.integers(0, 3, 96), 3)
    keras.backend.seed_rng(1)
    net = model(kind)
    net.compile(keras.optimizers.Adam(0.01), "categorical_crossentropy", metrics=["accuracy"],
                distribute=distribute.from_environment())
    callbacks = [keras.callbacks.EarlyStopping("val_loss", patience=3),
                 keras.callbacks.ReduceLROnPlateau("val_loss", patience=1, factor=0.5)]
    freq = save_freq if save_freq == "epoch" else int(save_freq)
    callbacks.insert(0, keras.callbacks.BackupAndRestore(backup_dir, save_freq=freq))
    print("training", flush=True)  # the test's kills are timed from here
    history = net.fit(x, y, batch_size=8, epochs=8, verbose=0, validation_split=0.25,
                      callbacks=callbacks)
    if not net.distribute_strategy.is_chief:
        return
    np.savez(out, *net.get_weights(), loss=np.array(history.history["loss"]),
             val_loss=np.array(history.history["val_loss"]))


if __name__ == "__main__":
    main(*sys.argv[1:])
