"""Record Keras 3 loss values, loss gradients and activation outputs on fixed inputs.

Run with Keras installed (``pip install -e ".[reference]"``):

    KERAS_BACKEND=tensorflow python tests/reference/record_losses.py

It writes ``tests/data/keras_losses.json``, which ``tests/test_keras_parity.py`` compares
numpynn against (the tests need neither Keras nor PyTorch).
"""
import json
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

OUT = Path(__file__).resolve().parents[1] / "data" / "keras_losses.json"


def inputs():
    rng = np.random.default_rng(1234)
    logits = rng.normal(scale=2.0, size=(6, 4))
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    probs[0, 0] = 1e-9  # below the clip range: exercises Keras' epsilon clipping
    labels = rng.integers(0, 4, size=6)
    sig = 1 / (1 + np.exp(-logits))
    sig[1, 1] = 1 - 1e-10
    return {"logits": logits, "probs": probs, "labels": labels, "one_hot": np.eye(4)[labels],
            "sigmoid": sig, "binary": (rng.random((6, 4)) > 0.5).astype(float),
            "regression_true": rng.normal(size=(6, 4)), "regression_pred": rng.normal(size=(6, 4))}


CASES = {
    "mean_squared_error": ("MeanSquaredError", {}, "regression_true", "regression_pred"),
    "mean_absolute_error": ("MeanAbsoluteError", {}, "regression_true", "regression_pred"),
    "binary_crossentropy": ("BinaryCrossentropy", {}, "binary", "sigmoid"),
    "binary_crossentropy_logits": ("BinaryCrossentropy", {"from_logits": True}, "binary", "logits"),
    "binary_crossentropy_smoothing": ("BinaryCrossentropy", {"label_smoothing": 0.2}, "binary", "sigmoid"),
    "categorical_crossentropy": ("CategoricalCrossentropy", {}, "one_hot", "probs"),
    "categorical_crossentropy_logits": ("CategoricalCrossentropy", {"from_logits": True}, "one_hot", "logits"),
    "categorical_crossentropy_smoothing": ("CategoricalCrossentropy", {"label_smoothing": 0.1}, "one_hot", "probs"),
    "sparse_categorical_crossentropy": ("SparseCategoricalCrossentropy", {}, "labels", "probs"),
    "sparse_categorical_crossentropy_logits": ("SparseCategoricalCrossentropy", {"from_logits": True}, "labels", "logits"),
}
ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "softplus", "silu",
               "gelu", "softmax"]


def main():
    keras.config.set_floatx("float64")
    data = inputs()
    record = {"inputs": {k: v.tolist() for k, v in data.items()}, "losses": {}, "activations": {},
              "keras_version": keras.__version__, "backend": keras.backend.backend()}
    for case, (cls, kwargs, y_key, p_key) in CASES.items():
        loss = getattr(keras.losses, cls)(**kwargs)
        pred = tf.Variable(data[p_key])
        target = tf.constant(data[y_key])
        with tf.GradientTape() as tape:
            value = loss(target, pred)
        gradient = tape.gradient(value, pred)
        record["losses"][case] = {"class": cls, "kwargs": kwargs, "y_true": y_key, "y_pred": p_key,
                                  "value": float(value), "gradient": gradient.numpy().tolist()}
    x = np.linspace(-4, 4, 17).reshape(1, 17)
    for name in ACTIVATIONS:
        fn = getattr(keras.activations, name)
        record["activations"][name] = np.asarray(fn(tf.constant(x))).tolist()
    record["activation_input"] = x.tolist()
    OUT.write_text(json.dumps(record, indent=1))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
