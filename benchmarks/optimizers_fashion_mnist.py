"""Train the Fashion-MNIST MLP with every optimizer and print a Markdown table of test
accuracy (the table in docs/optimizers.md).

    PYTHONPATH=. python benchmarks/optimizers_fashion_mnist.py [--epochs 1] [--only adam ...]

Model: Flatten -> Dense(128, relu) -> Dense(10, softmax), pixels / 255, sparse categorical
cross-entropy, batch size 32, seed 0. The data is read from ``<repo>/../shared/datasets/
fashion-mnist`` (the official IDX files), or from wherever ``numpynn.datasets`` finds it.
"""
import argparse
import pathlib
import tempfile
import time

import numpynn as keras

# name -> (learning rate, extra arguments); Keras' defaults except where a note says why.
RUNS = {
    "sgd": (0.01, {}),
    "sgd_momentum": (0.01, {"momentum": 0.9}),
    "sgd_nesterov": (0.01, {"momentum": 0.9, "nesterov": True}),
    "adagrad": (0.01, {}),       # Keras' 0.001 barely moves in one epoch
    "adadelta": (1.0, {}),       # the paper's and PyTorch's rate; Keras' 0.001 barely moves
    "rmsprop": (0.001, {}),
    "rmsprop_centered": (0.001, {"centered": True}),
    "adam": (0.001, {}),
    "adam_amsgrad": (0.001, {"amsgrad": True}),
    "adamw": (0.001, {}),
    "nadam": (0.001, {}),
    "adamax": (0.002, {}),      # the paper's rate
}


def load():
    shared = pathlib.Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
    source = shared / "fashion-mnist"
    with tempfile.TemporaryDirectory() as joined:
        if source.is_dir():  # the shared copy stores big files as NAME.part-00, -01, ...
            keras.datasets.join_parts(source, joined)
        (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data(
            path=joined if source.is_dir() else None)
    return (x_train / 255.0, y_train), (x_test / 255.0, y_test)


def train(name, learning_rate, extra, data, epochs, batch_size):
    (x_train, y_train), (x_test, y_test) = data
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    optimizer = keras.optimizers.get(name.split("_")[0]).__class__(learning_rate=learning_rate,
                                                                   **extra)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, verbose=0)
    seconds = time.perf_counter() - start
    loss, accuracy = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)
    return accuracy, loss, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--only", nargs="*", choices=sorted(RUNS), default=sorted(RUNS))
    args = parser.parse_args()
    data = load()
    print("| optimizer | options | learning rate | epochs | test accuracy | test loss | "
          "train time (s) |")
    print("|---|---|---|---|---|---|---|")
    for name in args.only:
        learning_rate, extra = RUNS[name]
        accuracy, loss, seconds = train(name, learning_rate, extra, data, args.epochs,
                                        args.batch_size)
        options = ", ".join(f"{k}={v}" for k, v in extra.items()) or "-"
        print(f"| {name.split('_')[0]} | {options} | {learning_rate} | {args.epochs} | "
              f"{accuracy:.4f} | {loss:.4f} | {seconds:.1f} |", flush=True)


if __name__ == "__main__":
    main()
