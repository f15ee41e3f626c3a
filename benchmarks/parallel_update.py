"""Training steps with the optimizer's update on all cores and on one, taking turns.

    python benchmarks/parallel_update.py [--batch 32] [--optimizer adam] [--images 12800]

Trains the Fashion-MNIST MLP 784-512-256-128-10 (as in W1/W2) with ``fit``, one epoch over
the first ``--images`` training images per call, alternating ``numpynn.parallel.ENABLED``
on and off in one process (the order flips every pair), and prints the milliseconds per
step of each setting (median and best) and the ratio of the medians. On one core is what
numpynn did before ``numpynn.parallel``; the model and data are the same for both. First it
prints what a split costs by itself: an empty ``parallel.run`` right after a matrix product
(as in training, where the update follows the backward pass's last product).
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import workloads  # noqa: E402  (the module next to this script)

import numpynn  # noqa: E402
from numpynn import parallel  # noqa: E402


def empty_split_us(calls=2000):
    """Median microseconds of ``parallel.run`` with nothing to do over W1's 567,434
    parameters, each call right after a 256 x 256 float32 product."""
    a = np.random.default_rng(0).random((256, 256), dtype=np.float32)
    times = []
    for _ in range(calls):
        a @ a
        start = time.perf_counter()
        parallel.run(lambda start, stop: None, 567_434)
        times.append((time.perf_counter() - start) * 1e6)
    return statistics.median(times)


def step_times(x, y, batch, optimizer, pairs):
    """``{True: [ms per step, ...], False: [...]}`` over ``pairs`` alternations."""
    widths = workloads.FASHION_MLP
    model = workloads._keras_like_model(numpynn, widths, workloads.initial_weights(widths))
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, batch_size=batch, epochs=1, verbose=0)  # warm-up
    steps = -(-len(x) // batch)
    times = {True: [], False: []}
    try:
        for pair in range(pairs):
            for enabled in ((True, False) if pair % 2 == 0 else (False, True)):
                parallel.ENABLED = enabled
                start = time.perf_counter()
                model.fit(x, y, batch_size=batch, epochs=1, verbose=0)
                times[enabled].append((time.perf_counter() - start) / steps * 1e3)
    finally:
        parallel.ENABLED = True
    return times


def main(argv=None, data=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--optimizer", default="adam")
    parser.add_argument("--images", type=int, default=12_800)
    parser.add_argument("--pairs", type=int, default=10)
    args = parser.parse_args(argv)
    (x, y), _ = data or workloads.load_fashion_mnist()
    x, y = x[:args.images], y[:args.images]
    print(f"an empty split right after a product: {empty_split_us():.1f} us (median)")
    times = step_times(x, y, args.batch, args.optimizer, args.pairs)
    print(f"{args.optimizer}, batch {args.batch}, {len(x)} images, {args.pairs} pairs; "
          f"numpynn.parallel splits over {parallel.threads()} thread(s)")
    for enabled, label in ((True, "all cores"), (False, "one core")):
        print(f"{label:>9}: {statistics.median(times[enabled]):.3f} ms/step median, "
              f"{min(times[enabled]):.3f} best")
    print(f"all cores / one core: "
          f"{statistics.median(times[True]) / statistics.median(times[False]):.3f}")


if __name__ == "__main__":
    main()
