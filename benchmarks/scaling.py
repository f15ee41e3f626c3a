"""How numpynn's training cost grows with batch size and layer width; draws a small plot.

    python benchmarks/scaling.py                      # writes docs/images/performance_scaling.png
    python benchmarks/scaling.py --samples 4096 --output scaling.png

Trains a 784-w-w-10 ReLU/softmax MLP with Adam on random data shaped like Fashion-MNIST (the
cost does not depend on the values) for one epoch of ``--samples`` samples after a warm-up,
and reports microseconds per sample and the matmul GFLOP/s this amounts to.
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import workloads  # noqa: E402

BATCHES = (16, 32, 64, 128, 256, 512, 1024)
WIDTHS = (64, 128, 256, 512, 1024)


def seconds_per_sample(widths, batch_size, samples):
    import numpynn
    (x, y), _ = workloads.synthetic(widths, n_train=samples, n_test=1)
    model = workloads._keras_like_model(numpynn, widths, workloads.initial_weights(widths))
    model.compile(optimizer=numpynn.optimizers.Adam(**workloads.ADAM),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x[:4 * batch_size], y[:4 * batch_size], batch_size=batch_size, verbose=0)
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)
    return (time.perf_counter() - start) / samples


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=8192)
    parser.add_argument("--output", default=str(workloads.REPO_ROOT / "docs" / "images"
                                                 / "performance_scaling.png"))
    args = parser.parse_args(argv)
    rows = []
    print("| model | batch | us/sample | GFLOP/s |\n|---|---|---|---|")
    for label, widths, batches in (
            [("784-512-256-128-10", workloads.FASHION_MLP, BATCHES)]
            + [(f"784-{w}-{w}-10", (784, w, w, 10), (32, 512)) for w in WIDTHS]):
        for batch in batches:
            t = seconds_per_sample(widths, batch, args.samples)
            gflops = workloads.training_flops(widths) / t / 1e9
            rows.append((label, widths, batch, t, gflops))
            print(f"| {label} | {batch} | {t * 1e6:.1f} | {gflops:.1f} |", flush=True)
    plot(rows, args.output)


def plot(rows, output):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.4))
    course = [r for r in rows if r[1] == workloads.FASHION_MLP and r[0] == "784-512-256-128-10"]
    left.plot([r[2] for r in course], [r[3] * 1e6 for r in course], "o-")
    left.set(xscale="log", yscale="log", xlabel="batch size", ylabel="microseconds per sample",
             title="784-512-256-128-10, Adam")
    for batch in (32, 512):
        wide = [r for r in rows if r[0].count("-") == 3 and r[2] == batch]
        right.plot([r[1][1] for r in wide], [r[4] for r in wide], "o-", label=f"batch {batch}")
    right.set(xscale="log", xlabel="hidden width w (784-w-w-10)", ylabel="matmul GFLOP/s",
              title="throughput vs width")
    right.legend()
    fig.tight_layout()
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(output, dpi=110)
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
