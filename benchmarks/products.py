"""The MLP's matrix products alone: NumPy's BLAS against PyTorch's, batch by batch.

    python benchmarks/products.py [--batches 32,1024] [--rounds 3] [--calls 30] [--samples N]

For each batch size, the forward products of the Fashion-MNIST MLP (784-512-256-128-10)
over ``--samples`` inputs (default 10,000, the test set's size) and nothing else:
``np.matmul(h, W, out=...)`` against ``torch.mm(h, W^T, out=...)`` (PyTorch keeps W as
(out, in), as ``nn.Linear`` does); ``numpy-T`` is NumPy in the transposed order that
``Dense`` uses up to 128 rows, ``np.matmul(W^T, h^T, out=...)`` into (units, batch) arrays.
Each variant (PyTorch where installed) runs in a fresh process of its own, so that one
library's spinning BLAS threads never share the cores with another's; they take turns
``--rounds`` times, and each process times ``--calls`` passes. This is the part of
``predict`` (W4) that numpynn hands to the BLAS; the rest is bias, activations and Python.
"""
import argparse
import importlib.util
import json
import subprocess
import sys
import time

import numpy as np

SHAPES = [(784, 512), (512, 256), (256, 128), (128, 10)]


def passes(library, batch, calls, samples):
    """Seconds of ``calls`` passes of the forward products over ``samples`` rows."""
    rng = np.random.default_rng(0)
    x = rng.random((samples, SHAPES[0][0]), dtype=np.float32)
    kernels = [rng.random(shape, dtype=np.float32) for shape in SHAPES]
    if library == "torch":
        import torch
        x, kernels = torch.from_numpy(x), [torch.from_numpy(k.T.copy()).t() for k in kernels]
        outs = [torch.empty(batch, k.shape[1]) for k in kernels]
        matmul = torch.mm
    elif library == "numpy-T":  # z^T = W^T h^T, handing on the (batch, units) view z
        outs = [np.empty((k.shape[1], batch), np.float32).T for k in kernels]

        def matmul(h, kernel, out):
            np.matmul(kernel.T, h.T, out=out.T)
            return out
    else:
        outs = [np.empty((batch, k.shape[1]), np.float32) for k in kernels]
        matmul = np.matmul

    def one_pass():
        for start in range(0, samples, batch):
            h = x[start:start + batch]
            for kernel, out in zip(kernels, outs):
                h = matmul(h, kernel, out=out[:len(h)])

    for _ in range(3):
        one_pass()
    seconds = []
    for _ in range(calls):
        start = time.perf_counter()
        one_pass()
        seconds.append(time.perf_counter() - start)
    return seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", default="32,1024")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        library, batch = json.loads(args.worker)
        print(json.dumps(passes(library, batch, args.calls, args.samples)))
        return
    flops = 2 * args.samples * sum(a * b for a, b in SHAPES)
    libraries = ["numpy", "numpy-T"] + (["torch"] if importlib.util.find_spec("torch") else [])
    print(f"{flops / 1e9:.2f} GFLOP per pass; milliseconds per pass, median (best)")
    for batch in (int(b) for b in args.batches.split(",")):
        medians = {library: [] for library in libraries}
        for round_ in range(args.rounds):
            line = []
            for library in medians:
                out = subprocess.run(
                    [sys.executable, __file__, "--calls", str(args.calls),
                     "--samples", str(args.samples),
                     "--worker", json.dumps([library, batch])],
                    capture_output=True, text=True, check=True).stdout
                seconds = json.loads(out.strip().splitlines()[-1])
                medians[library].append(float(np.median(seconds)))
                line.append(f"{library} {np.median(seconds) * 1e3:6.1f} "
                            f"({min(seconds) * 1e3:5.1f})")
            print(f"batch {batch:5d} round {round_ + 1}: " + "  ".join(line))
        if "torch" not in medians:
            continue
        ms = {library: np.median(values) * 1e3 for library, values in medians.items()}
        print(f"batch {batch:5d}: " + ", ".join(
            f"{library}/torch {ms[library] / ms['torch']:.2f}" for library in ("numpy", "numpy-T"))
              + "; GFLOP/s " + ", ".join(f"{library} {flops / t / 1e6:.0f}"
                                         for library, t in ms.items()))


if __name__ == "__main__":
    main()
