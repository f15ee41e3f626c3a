"""Time one optimizer step over a flat float32 buffer, next to torch.optim (foreach=True).

    PYTHONPATH=. python benchmarks/optimizer_step.py [--size 500000] [--repeat 200]

Columns: numpynn's step time, the same on one core (``numpynn.parallel`` disabled: it
splits the update of most optimizers over OpenBLAS's threads from 131,072 parameters on),
the same with NumPy operations alone (``numpynn.blas`` disabled: no BLAS axpy/axpby), the
part of the step spent flushing subnormal state to zero, the time of a step without the
flush when half of the state is subnormal (what the flush prevents), and torch.optim's step
time with the ratio numpynn / torch (when PyTorch is installed). Both libraries use their
default thread counts.
"""
import argparse
import time

import numpy as np

from numpynn import blas, optimizers, parallel

CASES = [
    ("SGD", {"learning_rate": 0.01}, "SGD", {"lr": 0.01}),
    ("SGD momentum", {"learning_rate": 0.01, "momentum": 0.9},
     "SGD", {"lr": 0.01, "momentum": 0.9}),
    ("Adagrad", {}, "Adagrad", {}),
    ("Adadelta", {}, "Adadelta", {}),
    ("RMSprop", {}, "RMSprop", {}),
    ("Adam", {}, "Adam", {}),
    ("AdamW", {}, "AdamW", {}),
    ("Nadam", {}, "NAdam", {}),
    ("Adamax", {}, "Adamax", {}),
]


def best_time(step, repeat):
    """Fastest seconds of ``step()`` over ``repeat`` calls (robust to a busy machine)."""
    for _ in range(5):
        step()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return min(times)


def numpynn_times(class_name, kwargs, size, repeat):
    rng = np.random.default_rng(0)
    params = rng.normal(size=size).astype(np.float32)
    grads = rng.normal(scale=1e-3, size=size).astype(np.float32)
    optimizer = optimizers.ALL[class_name.split()[0]](**kwargs)
    optimizer.build(params)
    with_flush = best_time(lambda: optimizer.apply(params, grads), repeat)
    parallel.ENABLED = False
    one_core = best_time(lambda: optimizer.apply(params, grads), repeat)
    parallel.ENABLED = True
    blas.ENABLED = False
    numpy_only = best_time(lambda: optimizer.apply(params, grads), repeat)
    blas.ENABLED = True
    flush = best_time(lambda: optimizer._flush_subnormals(0, size), repeat)
    # What the flush prevents: state stuck at subnormals for half of the weights.
    optimizer._flush_subnormals = lambda start, stop: None
    for slot in optimizer.slots.values():
        slot[: size // 2] = np.float32(1e-45)
    grads[: size // 2] = 0.0
    subnormal = best_time(lambda: optimizer.apply(params, grads), max(repeat // 4, 5))
    return with_flush, one_core, numpy_only, flush, subnormal


def torch_time(class_name, kwargs, size, repeat):
    import torch
    rng = np.random.default_rng(0)
    param = torch.tensor(rng.normal(size=size).astype(np.float32), requires_grad=True)
    param.grad = torch.tensor(rng.normal(scale=1e-3, size=size).astype(np.float32))
    optimizer = getattr(torch.optim, class_name)([param], foreach=True, **kwargs)
    return best_time(optimizer.step, repeat)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args(argv)
    try:
        import torch
        torch_version = torch.__version__
    except ImportError:
        torch_version = None
    print(f"{args.size} float32 parameters, best of {args.repeat} steps, numpy "
          f"{np.__version__}" + (f", torch {torch_version}" if torch_version else "")
          + f"; numpynn.blas {'found' if blas.available() else 'not found'}")
    header = (f"{'optimizer':<14}{'numpynn ms':>11}{'one-core ms':>12}{'NumPy-only ms':>14}"
              f"{'flush ms':>10}{'no-flush subnormal ms':>23}")
    print(header + (f"{'torch ms':>10}{'ratio':>8}" if torch_version else ""))
    for name, kwargs, torch_class, torch_kwargs in CASES:
        step, one_core, numpy_only, flush, subnormal = numpynn_times(name, kwargs, args.size,
                                                                     args.repeat)
        line = (f"{name:<14}{step * 1e3:>11.3f}{one_core * 1e3:>12.3f}{numpy_only * 1e3:>14.3f}"
                f"{flush * 1e3:>10.3f}{subnormal * 1e3:>23.3f}")
        if torch_version:
            reference = torch_time(torch_class, torch_kwargs, args.size, args.repeat)
            line += f"{reference * 1e3:>10.3f}{step / reference:>8.2f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
