"""Augmentation throughput: images/s through RandomFlip("horizontal") + RandomRotation(0.1) +
RandomZoom(0.1), numpynn against Keras 3's preprocessing layers on TensorFlow, in one process,
taking turns batch group by batch group so that machine load hits both alike; and the epoch
time of training from an image folder against the same images as arrays.

    python benchmarks/augmentation.py                  # ~3 minutes
    python benchmarks/augmentation.py --rounds 3 --seconds 0.5 --folder-images 500
    NUMPYNN_KERNELS=numpy python benchmarks/augmentation.py   # the NumPy sampler

Cases: 28x28x1 in batches of 128 (Fashion-MNIST) and 128x128x3 in batches of 32 (photos).
Keras runs twice: called eagerly on each batch (as a model's first layers in ``fit``), and
inside a ``tf.function`` (as a ``tf.data`` ``map`` runs it). Each round times each library
for about ``--seconds``; the table gives the median images/s over the rounds and numpynn's
speed divided by each Keras one (above 1: numpynn is faster). Without Keras and TensorFlow
only numpynn's column is printed.

Image folder: ``--folder-images`` files (10 classes, smooth random pictures) written to a
temporary folder, in two cases: 28x28 grey PNG (Fashion-MNIST's pictures) and 64x64 RGB
JPEG (photos at ``numpynn train --data-dir``'s largest default size). They are read by
``image_dataset_from_directory`` (batch 32, shuffled, decoded on its prefetch thread), and
compared with the same decoded images as arrays; the course's image CNN trains one epoch on
each in turn for ``--rounds`` rounds. The table gives the median epoch seconds and the
folder's time divided by the arrays' (the target is at most 1.3).
"""
import argparse
import os
import statistics
import tempfile
import time

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

CASES = {"28x28x1": ((28, 28, 1), 128), "128x128x3": ((128, 128, 3), 32)}
#: image-folder cases: (height, width), colour mode, file format
FOLDER_CASES = {"28x28 grey PNG": ((28, 28), "grayscale", "png"),
                "64x64 RGB JPEG": ((64, 64), "rgb", "jpg")}


def numpynn_stack():
    import numpynn
    layers = [numpynn.layers.RandomFlip("horizontal", seed=1),
              numpynn.layers.RandomRotation(0.1, seed=2),
              numpynn.layers.RandomZoom(0.1, seed=3)]

    def augment(images):
        for layer in layers:
            images = layer(images, training=True)
        return images
    return augment


def keras_stacks():
    """``{"keras-eager": fn, "keras-graph": fn}``, or ``{}`` without Keras on TensorFlow."""
    try:
        import keras
        import tensorflow as tf
    except ImportError:
        return {}
    if keras.backend.backend() != "tensorflow":
        return {}
    model = keras.Sequential([keras.layers.RandomFlip("horizontal", seed=1),
                              keras.layers.RandomRotation(0.1, seed=2),
                              keras.layers.RandomZoom(0.1, seed=3)])
    graph = tf.function(lambda images: model(images, training=True))

    def eager(images):
        return model(images, training=True).numpy()

    def in_graph(images):
        return graph(images).numpy()
    return {"keras-eager": eager, "keras-graph": in_graph}


def images_per_second(augment, batch, seconds):
    """Batches through ``augment`` for about ``seconds`` (at least 2 calls)."""
    augment(batch)  # warm up (tf.function tracing, first allocation)
    calls, start = 0, time.perf_counter()
    while calls < 2 or time.perf_counter() - start < seconds:
        augment(batch)
        calls += 1
    return calls * len(batch) / (time.perf_counter() - start)


def measure(cases, rounds, seconds):
    """``{case: {library: [images/s per round]}}``, the libraries taking turns each round."""
    libraries = {"numpynn": numpynn_stack(), **keras_stacks()}
    rng = np.random.default_rng(0)
    results = {name: {library: [] for library in libraries} for name in cases}
    for _ in range(rounds):
        for name in cases:
            shape, batch_size = CASES[name]
            batch = rng.uniform(0, 255, (batch_size,) + shape).astype(np.float32)
            for library, augment in libraries.items():
                results[name][library].append(images_per_second(augment, batch, seconds))
    return results


def table(results):
    """The Markdown table of the median images/s and numpynn's ratios."""
    libraries = list(next(iter(results.values())))
    others = [library for library in libraries if library != "numpynn"]
    lines = ["| case | " + " | ".join(f"{library} (images/s)" for library in libraries)
             + "".join(f" | numpynn / {library}" for library in others) + " |",
             "|---" * (1 + len(libraries) + len(others)) + "|"]
    for name, speeds in results.items():
        median = {library: statistics.median(values) for library, values in speeds.items()}
        cells = [f"{median[library]:,.0f}" for library in libraries]
        cells += [f"{median['numpynn'] / median[library]:.2f}" for library in others]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_folder(root, n_images, size, color_mode, extension):
    """``n_images`` pictures in 10 class folders below ``root``."""
    from numpynn.utils import save_img
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:size[0], 0:size[1]] / size[0]
    channels = 1 if color_mode == "grayscale" else 3
    for i in range(n_images):
        label = i % 10
        folder = os.path.join(root, f"class_{label}")
        os.makedirs(folder, exist_ok=True)
        pixels = np.stack([120 + 100 * np.sin((label + 1 + c) * x + rng.uniform(0, 6) * y)
                           for c in range(channels)], axis=-1)
        save_img(os.path.join(folder, f"{i:05d}.{extension}"), pixels, scale=False)


def folder_epochs(n_images, rounds, case):
    """``{"folder": [s per epoch], "arrays": [...]}``: one epoch each per round, in turn."""
    import numpynn
    from numpynn.models import course
    size, color_mode, extension = FOLDER_CASES[case]
    with tempfile.TemporaryDirectory() as root:
        write_folder(root, n_images, size, color_mode, extension)
        dataset = numpynn.utils.image_dataset_from_directory(
            root, color_mode=color_mode, image_size=size, batch_size=32, seed=0,
            verbose=False)
        pairs = list(dataset)
        x, y = np.concatenate([p[0] for p in pairs]), np.concatenate([p[1] for p in pairs])
        sources = {"folder": (dataset, None), "arrays": (x, y)}
        models, seconds = {}, {name: [] for name in sources}
        for name in sources:
            numpynn.utils.set_random_seed(0)
            models[name] = course.image_cnn(name, x.shape[1:], 10)
            models[name].compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        for _ in range(rounds + 1):  # the first round warms up
            for name, (data, labels) in sources.items():
                start = time.perf_counter()
                models[name].fit(data, labels, batch_size=32 if labels is not None else None,
                                 epochs=1, verbose=0)
                seconds[name].append(time.perf_counter() - start)
        return {name: values[1:] for name, values in seconds.items()}


def folder_table(results, n_images):
    """``results``: {case: folder_epochs(...)}."""
    lines = ["| files (image_dataset_from_directory) | folder epoch (s) | arrays epoch (s) "
             "| folder / arrays |", "|---|---|---|---|"]
    for case, seconds in results.items():
        folder, arrays = (statistics.median(seconds[name]) for name in ("folder", "arrays"))
        lines.append(f"| {n_images} {case} | {folder:.2f} | {arrays:.2f} | "
                     f"{folder / arrays:.2f} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", choices=list(CASES), default=list(CASES))
    parser.add_argument("--rounds", type=int, default=5, help="turns of each library")
    parser.add_argument("--seconds", type=float, default=1.0,
                        help="time per library per round and case")
    parser.add_argument("--folder-images", type=int, default=2000,
                        help="files of each image-folder case (0: leave that part out)")
    args = parser.parse_args(argv)
    from numpynn import kernels
    kernels = kernels.backend()
    print(f"{args.rounds} rounds of ~{args.seconds:g} s per library and case; "
          f"NUMPYNN_KERNELS={kernels}\n")
    print(table(measure(args.cases, args.rounds, args.seconds)))
    if args.folder_images:
        print(f"\nImage folder against arrays, {args.rounds} epochs each (after one to warm "
              "up):\n")
        print(folder_table({case: folder_epochs(args.folder_images, args.rounds, case)
                            for case in FOLDER_CASES}, args.folder_images))


if __name__ == "__main__":
    main()
