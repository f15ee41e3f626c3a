"""Does augmentation help on small data? The course's image CNN trained on 1,000
Fashion-MNIST images without augmentation and with three stacks, a few seeds each, scored
on the full 10,000-image test set; prints the Markdown tables of docs/augmentation.md.

    python benchmarks/augmentation_fashion_mnist.py             # 4 stacks x 3 seeds
    python benchmarks/augmentation_fashion_mnist.py --seeds 0 --max-epochs 3 --stacks none

Setup (the same for every arm):

- model: ``numpynn.models.course.image_cnn`` (Rescaling(1/255), Conv2D 32 and 64 with
  max pooling, Dense(128), Dropout(0.5), softmax), preceded by the stack (``STACKS``):
  none; ``course`` = ``numpynn train --augment``'s (RandomFlip("horizontal"),
  RandomTranslation(0.1, 0.1, fill_mode="constant")); ``translation`` (the translation
  alone); ``rotation-zoom`` (RandomFlip("horizontal"), RandomRotation(0.05),
  RandomZoom(0.1), RandomTranslation(0.1, 0.1), Keras' default fill "reflect");
  Adam (learning rate 0.001), batch 32;
- data: a fixed stratified subset of the training file, 100 images per class (the first
  100 of each class after a ``RandomState(0)`` permutation), and for validation the next
  100 of each class (disjoint from the training images); the test set is the whole
  10,000-image test file;
- epochs: up to ``--max-epochs`` (default 150); the weights kept are those of the epoch
  with the best validation accuracy (the first such epoch), and training stops after
  ``--patience`` (default 25) epochs without a better one (``EarlyStopping(monitor=
  "val_accuracy", patience, restore_best_weights=True)``);
- seeds: ``numpynn.utils.set_random_seed(seed)`` (initial weights, shuffling, dropout) and
  the augmentation layers' seeds ``seed, seed + 1, ...``.

The data is read from ``<repo>/../shared/datasets/fashion-mnist`` (joined into a temporary
folder), or from wherever ``numpynn.datasets`` finds it (``--data-dir`` to name a folder).
"""
import argparse
import pathlib
import statistics
import tempfile
import time

import numpy as np

import numpynn as keras
from numpynn import layers
from numpynn.models import course

PER_CLASS = 100

#: the augmentation stacks compared: name -> layers(seed), layer i seeded seed + i
STACKS = {
    "none": lambda seed: [],
    "course": course.augmentation_layers,
    "translation": lambda seed: [layers.RandomTranslation(0.1, 0.1, fill_mode="constant",
                                                          seed=seed)],
    "rotation-zoom": lambda seed: [layers.RandomFlip("horizontal", seed=seed),
                                   layers.RandomRotation(0.05, seed=seed + 1),
                                   layers.RandomZoom(0.1, seed=seed + 2),
                                   layers.RandomTranslation(0.1, 0.1, seed=seed + 3)],
}


def load(data_dir=None):
    """Fashion-MNIST as uint8 images with a channel axis, (n, 28, 28, 1)."""
    shared = pathlib.Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
    source = shared / "fashion-mnist"
    with tempfile.TemporaryDirectory() as joined:
        if data_dir is None and source.is_dir():  # the shared copy stores parts of files
            keras.datasets.join_parts(source, joined)
            data_dir = joined
        (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data(
            path=data_dir)
    return (x_train[..., None], y_train), (x_test[..., None], y_test)


def stratified_subsets(y, per_class, parts=2):
    """``parts`` disjoint index arrays, each with ``per_class`` samples of every class: the
    consecutive slices of each class's indices permuted by ``RandomState(0)``."""
    order = np.random.RandomState(0).permutation(len(y))
    by_class = [order[y[order] == label] for label in np.unique(y)]
    return [np.sort(np.concatenate([indices[i * per_class:(i + 1) * per_class]
                                    for indices in by_class])) for i in range(parts)]


def run(data, stack, seed, max_epochs, patience):
    """Train one model; returns (test accuracy, best epoch, epochs run, seconds)."""
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = data
    keras.utils.set_random_seed(seed)
    model = course.image_cnn("fashion_mnist_1000", x_train.shape[1:], 10,
                             augment=STACKS[stack](seed))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    stopping = keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=patience,
                                             restore_best_weights=True)
    start = time.perf_counter()
    history = model.fit(x_train, y_train, batch_size=32, epochs=max_epochs,
                        validation_data=(x_val, y_val), callbacks=[stopping], verbose=0)
    seconds = time.perf_counter() - start
    val_accuracy = history.history["val_accuracy"]
    best_epoch = int(np.argmax(val_accuracy)) + 1
    _, accuracy = model.evaluate(x_test, y_test, batch_size=500, verbose=0)
    return accuracy, best_epoch, len(val_accuracy), seconds


def summary(values):
    mean = statistics.mean(values)
    spread = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{mean:.4f} ± {spread:.4f} (min {min(values):.4f}, max {max(values):.4f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--max-epochs", type=int, default=150)
    parser.add_argument("--patience", type=int, default=25)
    parser.add_argument("--stacks", nargs="+", choices=list(STACKS), default=list(STACKS))
    parser.add_argument("--data-dir", help="folder of the four Fashion-MNIST IDX files")
    args = parser.parse_args()
    (x_train, y_train), (x_test, y_test) = load(args.data_dir)
    train_rows, val_rows = stratified_subsets(y_train, PER_CLASS)
    data = ((x_train[train_rows].astype(np.float32), y_train[train_rows]),
            (x_train[val_rows].astype(np.float32), y_train[val_rows]),
            (x_test.astype(np.float32), y_test))
    print(f"{len(train_rows)} training, {len(val_rows)} validation, {len(x_test)} test images; "
          f"up to {args.max_epochs} epochs, patience {args.patience}\n")
    print("| augmentation | seed | test accuracy | best epoch (val) | epochs run | seconds |")
    print("|---|---|---|---|---|---|")
    results = {stack: [] for stack in args.stacks}
    for seed in args.seeds:
        for stack in args.stacks:
            accuracy, best, ran, seconds = run(data, stack, seed, args.max_epochs,
                                               args.patience)
            results[stack].append(accuracy)
            print(f"| {stack} | {seed} | {accuracy:.4f} | {best} | {ran} | {seconds:.0f} |",
                  flush=True)
    print("\n| augmentation | test accuracy, mean ± standard deviation over seeds |")
    print("|---|---|")
    for stack in args.stacks:
        print(f"| {stack} | {summary(results[stack])} |")


if __name__ == "__main__":
    main()
