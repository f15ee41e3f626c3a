"""Data-parallel training over MPI: measured examples/s on 1 and 2 processes, the measured
Allreduce time of the gradient buffer, and a cost model of larger runs.

    python benchmarks/distributed.py                 # measure (1 and 2 ranks), then the model
    python benchmarks/distributed.py --model-only    # the cost model from the defaults below
    python benchmarks/distributed.py --ranks 1,2,4   # other process counts (on this machine)

Each rank uses one BLAS thread (OPENBLAS_NUM_THREADS=1...). The workloads are those of
``benchmarks/run.py``: W1 (the Fashion-MNIST MLP 784-512-256-128-10, Adam, batch 32) and
W6 (the CNN day's convnet, Adam, batch 128), trained here on random data of Fashion-MNIST's
shapes (speed does not depend on the values). Every process keeps the workload's batch
(global batch = ranks x batch: weak scaling, as data-parallel training is used).

Cost model of one step on N processes (ring allreduce of S bytes, no overlap):

    t_step(N) = b * t_example + 2 (N - 1) / N * S / bandwidth + 2 (N - 1) * latency
    efficiency(N) = b * t_example / t_step(N)

with b the batch of each process and t_example the measured seconds per example on one
process. The batch that keeps 80% is b >= 4 * t_allreduce / t_example.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

from workloads import FASHION_CNN, FASHION_MLP  # noqa: E402

#: workload: (widths or ConvNet, batch per process, examples per timed epoch)
WORKLOADS = {"W1": (FASHION_MLP, 32, 8192), "W6": (FASHION_CNN, 128, 2048)}
#: networks: (bytes per second, latency per message in seconds)
NETWORKS = {"10 Gb/s Ethernet": (10e9 / 8, 25e-6), "100 Gb/s InfiniBand": (100e9 / 8, 2e-6)}
PROCESSES = (8, 64, 512)
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def build(widths):
    import numpynn as keras
    from workloads import _is_convnet
    if _is_convnet(widths):
        model = widths.keras_model(keras)
        shape = widths.image
    else:
        model = keras.Sequential([keras.Input((widths[0],))]
                                 + [keras.layers.Dense(n, activation="relu") for n in widths[1:-1]]
                                 + [keras.layers.Dense(widths[-1], activation="softmax")])
        shape = (widths[0],)
    return model, shape


def measure(name, epochs=2, allreduces=50):
    """On every rank of this run: examples/s of ``fit`` (the last of ``epochs`` epochs) and
    the median seconds of one Allreduce of the gradient buffer. Printed as JSON by rank 0."""
    import numpynn as keras
    from numpynn import distribute
    widths, batch, rows = WORKLOADS[name]
    strategy = distribute.from_environment()
    size = 1 if strategy is None else strategy.size
    keras.utils.set_random_seed(0)
    model, shape = build(widths)
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy",
                  distribute=strategy)
    rng = np.random.default_rng(0)
    x = rng.random((rows * size,) + shape, dtype=np.float32)
    y = rng.integers(0, 10, rows * size)
    seconds = []
    timer = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda e, logs=None: seconds.append(-time.perf_counter()),
        on_epoch_end=lambda e, logs=None: seconds.__setitem__(-1, seconds[-1]
                                                              + time.perf_counter()))
    model.fit(x, y, batch_size=batch * size, epochs=epochs, verbose=0, callbacks=[timer])
    result = {"workload": name, "ranks": size, "examples_per_s": rows * size / seconds[-1],
              "buffer_bytes": int(model.n_trainable * model.buffer.grads.itemsize)}
    if strategy is not None:
        grads = model.buffer.grads[:model.n_trainable]
        times = []
        for _ in range(allreduces):
            strategy.comm.Barrier()
            start = time.perf_counter()
            strategy.comm.Allreduce(strategy._mpi.IN_PLACE, grads, op=strategy._mpi.SUM)
            times.append(time.perf_counter() - start)
        result["allreduce_s"] = float(np.median(times))
    if strategy is None or strategy.is_chief:
        print(json.dumps(result), flush=True)


def run_measurements(ranks):
    env = dict(os.environ, **ONE_THREAD)
    mpiexec = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    results = []
    for name in WORKLOADS:
        for n in ranks:
            launcher = [] if n == 1 else [mpiexec if os.path.exists(mpiexec) else "mpiexec",
                                          "-n", str(n)]
            out = subprocess.run(launcher + [sys.executable, __file__, "--measure", name],
                                 env=env, capture_output=True, text=True, check=True).stdout
            results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def allreduce_seconds(n, size_bytes, bandwidth, latency):
    """Ring allreduce: reduce-scatter then allgather, 2 (N - 1) steps of S / N bytes."""
    return 2 * (n - 1) / n * size_bytes / bandwidth + 2 * (n - 1) * latency


def model_lines(per_example, buffer_bytes):
    """The cost model's table: per workload, network and N, the efficiency at the
    workload's batch, the batch per process for 80%, and the efficiency if the allreduce
    ran entirely hidden behind backward (about 2/3 of a step)."""
    lines = ["workload  network              N    allreduce   eff. at batch  batch/process "
             "for 80%  eff. overlapped"]
    for name, (_, batch, _) in WORKLOADS.items():
        for network, (bandwidth, latency) in NETWORKS.items():
            for n in PROCESSES:
                comm = allreduce_seconds(n, buffer_bytes[name], bandwidth, latency)
                compute = batch * per_example[name]
                overlapped = compute / (compute + max(0.0, comm - 2 / 3 * compute))
                needed = int(np.ceil(4 * comm / per_example[name]))
                lines.append(f"{name:8}  {network:19}  {n:3}  {comm * 1e3:7.3f} ms  "
                             f"{compute / (compute + comm):11.0%}   {needed:12d} "
                             f"(global {needed * n})  {overlapped:8.0%}")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ranks", default="1,2", help="process counts to measure")
    parser.add_argument("--model-only", action="store_true",
                        help="print the cost model from recorded figures, measure nothing")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # one run, inside mpiexec
    args = parser.parse_args(argv)
    if args.measure:
        return measure(args.measure)
    if args.model_only:  # figures of docs/distributed.md (one rank, one BLAS thread)
        per_example = {"W1": 1 / 10414, "W6": 1 / 2551}
        buffer_bytes = {"W1": 567_434 * 4, "W6": 34_826 * 4}
    else:
        results = run_measurements([int(n) for n in args.ranks.split(",")])
        print("workload  ranks  examples/s  speed-up  gradient buffer  Allreduce/step")
        base = {}
        for r in results:
            base.setdefault(r["workload"], r["examples_per_s"])
            reduce = f"{r['allreduce_s'] * 1e3:.3f} ms" if "allreduce_s" in r else "-"
            print(f"{r['workload']:8}  {r['ranks']:5}  {r['examples_per_s']:10.0f}  "
                  f"{r['examples_per_s'] / base[r['workload']]:7.2f}x  "
                  f"{r['buffer_bytes'] / 1e6:11.3f} MB  {reduce:>14}")
        per_example = {r["workload"]: 1 / r["examples_per_s"] for r in results if r["ranks"] == 1}
        buffer_bytes = {r["workload"]: r["buffer_bytes"] for r in results}
    print()
    print("Cost model (ring allreduce, latency 25 us on Ethernet, 2 us on InfiniBand):")
    for line in model_lines(per_example, buffer_bytes):
        print(line)


if __name__ == "__main__":
    main()
