"""One measurement in a fresh process, the side of ``run.py`` that its workers run: the
table of workloads, one training or ``predict`` run (``run_job``), the same driven a unit at a
time by the parent (``stepping_worker``: an epoch or a ``predict`` call per ``run N``
command), and the matmul peak."""
import json
import resource
import sys
import time

import numpy as np

import workloads

WORKLOADS = {
    "W1": {"kind": "train", "data": "fashion", "widths": workloads.FASHION_MLP, "batch": 32},
    "W2-b128": {"kind": "train", "data": "fashion", "widths": workloads.FASHION_MLP, "batch": 128},
    "W2-b512": {"kind": "train", "data": "fashion", "widths": workloads.FASHION_MLP, "batch": 512},
    "W3": {"kind": "train", "data": "cancer", "widths": workloads.CANCER_MLP, "batch": 32,
           "epochs": 100, "epochs_per_turn": 10},
    "W4-b32": {"kind": "predict", "data": "fashion", "widths": workloads.FASHION_MLP, "batch": 32},
    "W4-b1024": {"kind": "predict", "data": "fashion", "widths": workloads.FASHION_MLP,
                 "batch": 1024},
    "W5": {"kind": "import"},
    "W6": {"kind": "train", "data": "fashion", "widths": workloads.FASHION_CNN, "batch": 128},
    "W6-predict": {"kind": "predict", "data": "fashion", "widths": workloads.FASHION_CNN,
                   "batch": 128},
}
#: timed predict() calls per worker (after one warm-up call); the table gives their median
PREDICT_REPEATS = 10
#: matmuls timed for the peak measured after each numpynn epoch of a Fashion-MNIST workload
PEAK_REPEATS_AFTER_EPOCH = 3


def load_data(name, data_dir=None):
    if name == "fashion":
        return workloads.load_fashion_mnist(data_dir)
    if name == "cancer":
        return workloads.load_breast_cancer()
    raise ValueError(f"unknown data set {name!r}")


def _job_inputs(job, data=None):
    """``(spec, widths, data, weights)`` of ``job``; ``data`` replaces the data set (the
    tests pass small synthetic data)."""
    spec = WORKLOADS[job["workload"]]
    widths = job.get("widths", spec["widths"])
    widths = widths if isinstance(widths, workloads.ConvNet) else tuple(widths)
    data = data or load_data(spec["data"], job.get("data_dir"))
    return spec, widths, data, workloads.initial_weights(widths)


def run_job(job, data=None):
    """Run one measurement described by ``job`` (a dict, see ``main``) and return its result.
    ``data`` replaces the data set (the tests pass small synthetic data)."""
    spec, widths, data, weights = _job_inputs(job, data)
    if spec["kind"] == "train":
        return workloads.train(job["library"], data, widths, spec["batch"], job["epochs"],
                               weights)
    x_test = data[1][0]
    seconds = workloads.predict(job["library"], x_test, widths, spec["batch"],
                                job.get("predict_repeats", PREDICT_REPEATS), weights)
    return {"predict_seconds": seconds, "samples": len(x_test)}


def turns(job):
    """How many units (epochs, or predict calls) ``job`` runs in all."""
    return job["epochs"] if WORKLOADS[job["workload"]]["kind"] == "train" else job.get(
        "predict_repeats", PREDICT_REPEATS)


def _process_facts():
    """Peak memory of this process; where threadpoolctl is installed, its BLAS; where numpynn
    was imported, over how many threads ``numpynn.parallel`` splits the optimizer's update
    (1 where NumPy's OpenBLAS does not offer what it needs, as OpenBLAS 0.3.34 does not)."""
    facts = {"peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    if "numpynn" in sys.modules:
        from numpynn import parallel
        facts["split_threads"] = parallel.threads()
    try:
        from threadpoolctl import threadpool_info
        facts["blas"] = [{k: i.get(k) for k in ("internal_api", "version", "architecture",
                                                "num_threads")} for i in threadpool_info()]
    except ImportError:
        pass
    return facts


def worker(job):
    """The matmul peak, measured in a fresh process (``--worker``; the job names no more)."""
    print("RESULT " + json.dumps({"gflops": matmul_peak_gflops()}))


def stepping_worker(job, commands=sys.stdin, replies=sys.stdout, data=None):
    """A measurement driven from outside, one unit at a time (a training epoch, or a timed
    ``predict`` call): answers ``READY`` once set up (warmed up), ``DONE`` after each
    ``run N`` line (having run N units), and ``RESULT {...}`` at ``finish``."""
    spec, widths, data, weights = _job_inputs(job, data)
    if spec["kind"] == "train":
        trainer = workloads.TRAINERS[job["library"]](data, widths, spec["batch"], weights)
        unit = trainer.epoch
    else:
        unit = workloads.PREDICTORS[job["library"]](data[1][0], widths, spec["batch"], weights)
    print("READY", file=replies, flush=True)
    seconds, peaks = [], []
    for line in commands:
        if line.startswith("run "):
            for _ in range(int(line.split()[1])):
                seconds.append(unit())
                if job.get("peak_after_epochs"):  # the matmul peak at this very moment
                    peaks.append(matmul_peak_gflops(repeats=PEAK_REPEATS_AFTER_EPOCH))
            print("DONE", file=replies, flush=True)
        elif line.strip() == "finish":
            if spec["kind"] == "train":
                result = {"epoch_seconds": seconds, "test_accuracy": trainer.test_accuracy()}
            else:
                result = {"predict_seconds": seconds, "samples": len(data[1][0])}
            if peaks:
                result["peak_gflops"] = peaks
            print("RESULT " + json.dumps({**result, **_process_facts()}), file=replies,
                  flush=True)
            return


def matmul_peak_gflops(n=2048, repeats=5):
    """float32 GFLOP/s of NumPy's matmul on large square matrices (best of ``repeats``)."""
    rng = np.random.default_rng(0)
    a, b = (rng.random((n, n), dtype=np.float32) for _ in range(2))
    out = np.empty_like(a)
    np.matmul(a, b, out=out)
    best = min(_time(lambda: np.matmul(a, b, out=out)) for _ in range(repeats))
    return 2 * n**3 / best / 1e9


def _time(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start
