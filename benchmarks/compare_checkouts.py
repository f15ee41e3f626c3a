"""Two checkouts of numpynn in one process, taking turns: is a change faster?

    git worktree add ../base HEAD~1        # the version to compare against
    python benchmarks/compare_checkouts.py ../base [--task predict] [--batch 32] [--pairs 40]

Imports numpynn from ``base`` and from the checkout this script sits in (each copy keeps
its own modules), builds the Fashion-MNIST MLP 784-512-256-128-10 in both with the same
weights, and times them call by call in turns (the order flips every pair): ``predict`` on
the 10,000 test images, or a one-epoch ``fit`` on the first ``--images`` training images.
It prints the median seconds of each and, for the ratio new/base, the median of the
pair-by-pair ratios: a change of the machine's speed hits both calls of a pair alike, so
a few percent show through the noise that separate runs have here. It checks first that
both copies give the same outputs (or first-epoch loss).
"""
import argparse
import importlib
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import workloads  # noqa: E402  (the module next to this script)


def import_copy(root):
    """The ``numpynn`` package under ``root``, imported apart from any other copy: the
    modules already imported under the name ``numpynn`` are set aside meanwhile and put
    back afterwards (the new copy's modules live on through its package object)."""
    def ours():
        return {n: m for n, m in sys.modules.items() if n == "numpynn" or n.startswith("numpynn.")}
    saved = ours()
    for name in saved:
        del sys.modules[name]
    sys.path.insert(0, str(root))
    try:
        return importlib.import_module("numpynn")
    finally:
        sys.path.remove(str(root))
        for name in ours():
            del sys.modules[name]
        sys.modules.update(saved)


def runners(numpynn, task, batch, x, y):
    """``(call, result)``: a function that runs the task once, and what its first run gave
    (the predictions, or the first epoch's loss)."""
    widths = workloads.FASHION_MLP
    model = workloads._keras_like_model(numpynn, widths, workloads.initial_weights(widths))
    if task == "predict":
        def call():
            return model.predict(x, batch_size=batch, verbose=0)
        return call, call()
    model.compile(optimizer=numpynn.optimizers.Adam(**workloads.ADAM),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    first = model.fit(x, y, batch_size=batch, epochs=1, verbose=0, shuffle=False)
    return (lambda: model.fit(x, y, batch_size=batch, epochs=1, verbose=0),
            first.history["loss"][0])


def main(argv=None, data=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="root of the checkout to compare against")
    parser.add_argument("--task", choices=("predict", "fit"), default="predict")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--pairs", type=int, default=40)
    parser.add_argument("--images", type=int, default=12_800, help="fit: training images")
    args = parser.parse_args(argv)
    (x_train, y_train), (x_test, _) = data or workloads.load_fashion_mnist()
    x, y = (x_test, None) if args.task == "predict" else (x_train[:args.images],
                                                          y_train[:args.images])
    calls, results = {}, {}
    for name, root in (("base", Path(args.base).resolve()), ("new", HERE.parent)):
        calls[name], results[name] = runners(import_copy(root), args.task, args.batch, x, y)
    same = np.array_equal(results["base"], results["new"])
    seconds = {"base": [], "new": []}
    for pair in range(args.pairs):
        for name in (("base", "new") if pair % 2 == 0 else ("new", "base")):
            start = time.perf_counter()
            calls[name]()
            seconds[name].append(time.perf_counter() - start)
    ratios = [new / base for new, base in zip(seconds["new"], seconds["base"])]
    print(f"{args.task}, batch {args.batch}, {len(x)} images, {args.pairs} pairs; "
          f"same {'outputs' if args.task == 'predict' else 'first-epoch loss'}: {same}")
    for name in ("base", "new"):
        print(f"{name:>4}: {statistics.median(seconds[name]) * 1e3:.1f} ms median")
    print(f"new / base: {statistics.median(ratios):.3f} (median of the pairs' ratios)")
    return same


if __name__ == "__main__":
    main()
