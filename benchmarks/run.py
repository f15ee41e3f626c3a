"""Train the course's models in numpynn, PyTorch (CPU) and Keras 3 side by side and print a table.

    python benchmarks/run.py                      # all workloads, 3 rounds, 5 epochs
    python benchmarks/run.py --quick              # 1 round, 2 epochs (a few minutes)
    python benchmarks/run.py --workloads W1,W3 --repeats 2 --epochs 3
    python benchmarks/run.py --libraries numpynn,torch,torch-ftz,keras

Run it with a Python that has the references (``pip install -e ".[reference,data]"``);
libraries that are not installed are left out of the table. The numpynn of this checkout is
used (the runner puts the repository root first on ``PYTHONPATH``).

Every library runs in its own subprocess (fresh memory, its own peak-memory figure), and
the libraries are interleaved so that a change in machine load hits all of them alike: a
workload starts one worker per library and the workers take turns, one training epoch (ten
for W3) or one timed ``predict`` call each, while the others wait. Ratios come from the
same run. What a worker runs is in ``measurement.py``; this script schedules the workers and
prints the table.

``torch-ftz`` is PyTorch run with ``torch.set_flush_denormal(True)``: it shows how much of
PyTorch's time goes to arithmetic on subnormal numbers, which numpynn's optimizers flush.

Workloads (see ``workloads.py``):
  W1       Fashion-MNIST MLP 784-512-256-128-10 (ReLU, softmax), Adam, batch 32
  W2-b128  the same at batch 128;  W2-b512  at batch 512 (with GFLOP/s against matmul peak,
           measured at the start and again right after each numpynn epoch)
  W3       breast cancer MLP 30-16-8-1 (ReLU, sigmoid), Adam, batch 32, 100 epochs
  W4-b32   predict() on the 10,000 Fashion-MNIST test images, batch 32 (Keras' default);
  W4-b1024 the same at batch 1024
  W5       ``import`` time and installed size
  W6       the CNN day's convnet (``workloads.ConvNet``), Adam, batch 128;
  W6-predict  its predict() on the 10,000 test images, batch 128
"""
import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import workloads  # noqa: E402  (the modules next to this script)
from measurement import WORKLOADS, stepping_worker, turns, worker  # noqa: E402

LIBRARIES = ("numpynn", "torch", "keras")
#: Environment variables some machines set for old OpenBLAS builds (see docs/performance.md).
OPENBLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def worker_env(unset_openblas, threads=None):
    env = dict(os.environ)
    if threads:  # the same thread count for every library's BLAS / OpenMP pool
        for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env[name] = str(threads)
    root = str(workloads.REPO_ROOT)
    env["PYTHONPATH"] = os.pathsep.join([root] + [p for p in [env.get("PYTHONPATH")] if p])
    env.setdefault("KERAS_BACKEND", "tensorflow")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if unset_openblas:
        for name in OPENBLAS_OVERRIDES:
            env.pop(name, None)
    return env


def run_worker(job, env, timeout):
    process = subprocess.run([sys.executable, __file__, "--worker", json.dumps(job)],
                             env=env, capture_output=True, text=True, timeout=timeout)
    for line in process.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise RuntimeError(f"{job['library']} {job['workload']} failed:\n{process.stderr[-3000:]}")


def take_turns(jobs, env, per_turn=1, pause=0.5):
    """Run every library of ``jobs`` at once, taking turns: all workers are set up first,
    then each runs ``per_turn`` units (epochs, or predict calls) while the others wait
    (blocked, using no CPU), so a change in the machine's speed hits every library within
    seconds of the others. The pause lets each library's threads go idle before the next
    one starts."""
    logs = [tempfile.TemporaryFile("w+") for _ in jobs]  # a pipe could fill and block
    workers = [subprocess.Popen([sys.executable, __file__, "--stepping-worker", json.dumps(job)],
                                env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=log, text=True) for job, log in zip(jobs, logs)]

    def ask(i, command=None):
        """Send ``command`` (if any) to worker i and return its answer, split once."""
        if command:
            workers[i].stdin.write(command + "\n")
            workers[i].stdin.flush()
        line = workers[i].stdout.readline()
        if not line:
            logs[i].seek(0)
            raise RuntimeError(f"{jobs[i]['library']} {jobs[i]['workload']} failed:\n"
                               f"{logs[i].read()[-3000:]}")
        return line.split(" ", 1)

    try:
        for i in range(len(jobs)):
            ask(i)  # READY
        for turn in range(0, turns(jobs[0]), per_turn):
            for i, job in enumerate(jobs):
                time.sleep(pause)
                ask(i, f"run {min(per_turn, turns(job) - turn)}")
        return [json.loads(ask(i, "finish")[1]) for i in range(len(jobs))]
    finally:
        for process, log in zip(workers, logs):
            process.kill()
            process.wait()
            log.close()


def import_seconds(library, env):
    module = workloads.IMPORTS[library][0]
    code = ("import time; t = time.perf_counter(); import " + module
            + "; print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    return float(out.stdout.strip().splitlines()[-1])


def installed_mib(library, env):
    packages = workloads.IMPORTS[library][1]
    code = ("import importlib.util, json, os\n"
            f"total = 0\nfor name in {packages!r}:\n"
            "    for root in importlib.util.find_spec(name).submodule_search_locations:\n"
            "        for folder, _, files in os.walk(root):\n"
            "            total += sum(os.path.getsize(os.path.join(folder, f)) for f in files)\n"
            "print(total)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    return int(out.stdout.strip()) / 2**20


def available_libraries(requested):
    found = []
    for library in requested:
        module = workloads.IMPORTS[library][0]
        if module == "numpynn" or importlib.util.find_spec(module) is not None:
            found.append(library)
        else:
            print(f"note: {library} is not installed here; left out", file=sys.stderr)
    return found


def expand_workloads(text):
    names = []
    for item in text.split(","):
        matches = [w for w in WORKLOADS if w == item or w.split("-")[0] == item]
        if not matches:
            raise SystemExit(f"unknown workload {item!r}; known: {', '.join(WORKLOADS)}")
        names += [m for m in matches if m not in names]
    return names


def measure(args):
    libraries = available_libraries(args.libraries.split(","))
    names = expand_workloads(args.workloads)
    env = worker_env(args.unset_openblas_env, args.threads)
    results = {(w, lib): [] for w in names for lib in libraries}
    for round_ in range(args.repeats):
        for name in names:
            spec = WORKLOADS[name]
            jobs = [{"library": library, "workload": name, "data_dir": args.data_dir,
                     "epochs": spec.get("epochs", args.epochs),
                     "peak_after_epochs": library == "numpynn" and spec.get("data") == "fashion"}
                    for library in libraries]
            if spec["kind"] == "import":
                round_results = [{"import_seconds": import_seconds(lib, env)} for lib in libraries]
            else:  # in turns of epochs or predict calls: A B C, A B C, ...
                round_results = take_turns(jobs, env, spec.get("epochs_per_turn", 1))
            for library, result in zip(libraries, round_results):
                results[(name, library)].append(result)
                print(f"round {round_ + 1}/{args.repeats} {name:8s} {library:8s} "
                      f"{_short(result)}", file=sys.stderr, flush=True)
    sizes = ({lib: installed_mib(lib, env) for lib in libraries} if "W5" in names else {})
    return names, libraries, results, sizes


def _short(result):
    if "epoch_seconds" in result:
        return ("epochs " + " ".join(f"{s:.2f}" for s in result["epoch_seconds"][:12])
                + f"  acc {result['test_accuracy']:.4f}")
    if "predict_seconds" in result:
        return "predict " + " ".join(f"{s:.3f}" for s in result["predict_seconds"])
    return f"import {result['import_seconds']:.2f}s"


def _ratio_pairs(libraries):
    """(a, b) for each column a/b: numpynn against every other library, and each numpynn
    variant (``numpynn-numpy``...) against the references."""
    variants = [lib for lib in libraries if lib.startswith("numpynn-")]
    references = [lib for lib in libraries if not lib.startswith("numpynn")]
    pairs = [("numpynn", lib) for lib in libraries if lib != "numpynn" and "numpynn" in libraries]
    return pairs + [(v, r) for v in variants for r in references]


def summarise(names, libraries, results, sizes, peak):
    """Markdown table lines: medians per library and the ratios of numpynn (and of each
    numpynn variant) to the others."""
    pairs = _ratio_pairs(libraries)
    header = ["workload", "metric"] + libraries
    header += [f"{a}/{b}" for a, b in pairs]
    header += ["test accuracy", "peak MiB"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    notes = []
    for name in names:
        spec = WORKLOADS[name]
        runs = {lib: results[(name, lib)] for lib in libraries}
        if spec["kind"] == "train":
            value = {lib: statistics.median(s for r in runs[lib] for s in r["epoch_seconds"])
                     for lib in libraries}
            metric, fmt = "s/epoch", "{:.3g}"
        elif spec["kind"] == "predict":
            value = {lib: statistics.median(r["samples"] / s for r in runs[lib]
                                            for s in r["predict_seconds"]) for lib in libraries}
            metric, fmt = "images/s", "{:,.0f}"
        else:
            value = {lib: statistics.median(r["import_seconds"] for r in runs[lib])
                     for lib in libraries}
            metric, fmt = "import s", "{:.2f}"
        row = [name, metric] + [fmt.format(value[lib]) for lib in libraries]
        row += [f"{value[a] / value[b]:.2f}" for a, b in pairs]
        if spec["kind"] == "train":
            row.append(" / ".join(f"{statistics.median(r['test_accuracy'] for r in runs[lib]):.3f}"
                                  for lib in libraries))
        elif spec["kind"] == "import":
            row.append("installed MiB: " + " / ".join(f"{sizes[lib]:.1f}" for lib in libraries))
        else:
            row.append("")
        row.append("" if spec["kind"] == "import" else
                   " / ".join(f"{max(r['peak_mib'] for r in runs[lib]):.0f}" for lib in libraries))
        lines.append("| " + " | ".join(row) + " |")
        if spec["kind"] == "train" and "numpynn" in libraries:
            flops = workloads.training_flops(spec["widths"]) * 60000
            if spec["data"] == "fashion":
                gflops = flops / value["numpynn"] / 1e9
                note = (f"{name}: numpynn {gflops:.1f} GFLOP/s of matmul work "
                        f"= {100 * gflops / peak:.0f}% of the peak measured at the start")
                shares = [flops / s / 1e9 / p for r in runs["numpynn"]
                          for s, p in zip(r["epoch_seconds"], r.get("peak_gflops", []))]
                if shares:
                    note += (f"; {100 * statistics.median(shares):.0f}% of the peak measured "
                             "right after each epoch (median over epochs)")
                notes.append(note)
            for lib in libraries:
                epochs = [" ".join(f"{s:.2f}" for s in r["epoch_seconds"][:10])
                          for r in runs[lib]]
                notes.append(f"{name} {lib} per-epoch seconds, by round: " + " | ".join(epochs))
    return lines, notes


def machine_lines(peak, args, env):
    lines = [f"python {platform.python_version()}, numpy {np.__version__}, "
             f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}",
             f"float32 matmul peak (NumPy, 2048x2048): {peak:.1f} GFLOP/s"]
    for name in OPENBLAS_OVERRIDES + ("OMP_NUM_THREADS",):
        lines.append(f"{name}={env.get(name, '(unset)')}")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workloads", default="W1,W2,W3,W4,W5,W6",
                        help="comma-separated: W1, W2 (both batches), W2-b128, W3, W4, W5, W6")
    parser.add_argument("--libraries", default=",".join(LIBRARIES),
                        help="comma-separated; also torch-ftz: PyTorch with subnormal floats "
                             "flushed to zero (torch.set_flush_denormal(True)); numpynn-numpy, "
                             "numpynn-noblas, numpynn-noparallel: numpynn with its compiled "
                             "kernels, numpynn/blas.py or numpynn/parallel.py switched off")
    parser.add_argument("--repeats", type=int, default=3,
                        help="rounds; each round runs every library once per workload")
    parser.add_argument("--epochs", type=int, default=5,
                        help="epochs per Fashion-MNIST training run (W3 always trains 100)")
    parser.add_argument("--quick", action="store_true", help="1 round of 2 epochs")
    parser.add_argument("--data-dir", default=None, help="folder of the Fashion-MNIST .gz files")
    parser.add_argument("--unset-openblas-env", action="store_true",
                        help=f"remove {' and '.join(OPENBLAS_OVERRIDES)} for the workers")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for every library (default: each library's own default)")
    parser.add_argument("--timeout", type=float, default=1800,
                        help="seconds for the peak measurement at the start (the workers "
                             "taking turns have no limit)")
    parser.add_argument("--json", default=None, help="also write raw results to this file")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--stepping-worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(json.loads(args.worker))
    if args.stepping_worker:
        return stepping_worker(json.loads(args.stepping_worker))
    if args.quick:
        args.repeats, args.epochs = 1, 2
    env = worker_env(args.unset_openblas_env, args.threads)
    # measured in a worker, so with the workers' thread count and environment
    peak = run_worker({"library": "numpy", "workload": "peak"}, env, args.timeout)["gflops"]
    names, libraries, results, sizes = measure(args)
    blas = next((r["blas"] for (w, lib), rs in results.items() for r in rs
                 if lib == "numpynn" and "blas" in r), None)
    print("\n".join(machine_lines(peak, args, env)))
    if blas:
        print("BLAS in the numpynn workers:", blas)
    split = next((r["split_threads"] for (w, lib), rs in results.items() for r in rs
                  if lib == "numpynn" and "split_threads" in r), None)
    if split is not None:
        print(f"numpynn.parallel splits the optimizer's update over {split} thread(s)")
    print("command: python benchmarks/run.py " + " ".join(sys.argv[1:] if argv is None else argv))
    lines, notes = summarise(names, libraries, results, sizes, peak)
    print("\n".join(lines))
    print()
    print("\n".join(notes))
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"peak_gflops": peak, "sizes": sizes,
             "results": {f"{w} {lib}": r for (w, lib), r in results.items()}}, indent=1))


if __name__ == "__main__":
    main()
