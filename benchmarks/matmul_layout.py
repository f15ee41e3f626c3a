"""Time a Dense layer's two products in both memory orders, at several batch sizes.

    python benchmarks/matmul_layout.py [--repeat 50]

For each batch size and layer shape of the Fashion-MNIST MLP it prints microseconds of
- forward: z = x W as a (batch, units) array, and z^T = W^T x^T as a (units, batch) array;
- input gradient: g W^T as (batch, in), and W g^T as (in, batch);
and the ratio transposed / plain (below 1: the transposed order is faster). ``Dense`` uses
the transposed order up to ``numpynn.layers.dense.TRANSPOSED_MAX_BATCH`` rows.
"""
import argparse
import timeit

import numpy as np

SHAPES = [(784, 512), (512, 256), (256, 128), (128, 10)]
BATCHES = [1, 8, 16, 32, 48, 64, 128, 256, 512, 1024]


def median_seconds(fn, repeat):
    return float(np.median(timeit.repeat(fn, number=repeat, repeat=7))) / repeat


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    print("batch  in -> out  | forward plain  transposed  ratio | input grad plain  "
          "transposed  ratio")
    totals = {}
    for batch in BATCHES:
        for n_in, n_out in SHAPES:
            x = rng.random((batch, n_in), dtype=np.float32)
            w = rng.random((n_in, n_out), dtype=np.float32)
            g = rng.random((batch, n_out), dtype=np.float32)
            z, z_t = np.empty((batch, n_out), np.float32), np.empty((n_out, batch), np.float32)
            dx, dx_t = np.empty((batch, n_in), np.float32), np.empty((n_in, batch), np.float32)
            times = [median_seconds(lambda: np.matmul(x, w, out=z), args.repeat),
                     median_seconds(lambda: np.matmul(w.T, x.T, out=z_t), args.repeat),
                     median_seconds(lambda: np.matmul(g, w.T, out=dx), args.repeat),
                     median_seconds(lambda: np.matmul(w, g.T, out=dx_t), args.repeat)]
            total = totals.setdefault(batch, [0.0, 0.0])
            total[0] += times[0] + times[2]
            total[1] += times[1] + times[3]
            us = [f"{t * 1e6:9.1f}" for t in times]
            print(f"{batch:5d} {n_in:4d} -> {n_out:4d} | {us[0]} {us[1]} {times[1] / times[0]:6.2f}"
                  f" | {us[2]} {us[3]} {times[3] / times[2]:6.2f}")
    print("\nall four layers, forward + input gradient: transposed / plain")
    for batch, (plain, transposed) in totals.items():
        print(f"  batch {batch:5d}: {transposed / plain:.2f}")


if __name__ == "__main__":
    main()
