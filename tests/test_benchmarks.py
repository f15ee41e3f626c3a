"""The benchmark runner's numpynn workloads run on tiny synthetic data (so the script can't rot).

The timings themselves are not checked: ``benchmarks/run.py`` is for measuring, not testing.
"""
import collections
import gzip
import json
import importlib.util
import re
import sys
from pathlib import Path

import numpy as np
import pytest

import references

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name):
    spec = importlib.util.spec_from_file_location(f"benchmarks_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCHMARKS))
    return module


run = _load("run")
measurement = _load("measurement")
workloads = run.workloads
WORKLOADS = measurement.WORKLOADS


@pytest.mark.parametrize("name", [w for w, s in WORKLOADS.items() if s["kind"] == "train"])
def test_numpynn_training_workloads_run(name):
    widths = WORKLOADS[name]["widths"]
    result = measurement.run_job({"library": "numpynn", "workload": name, "epochs": 2},
                                 data=workloads.synthetic(widths))
    assert len(result["epoch_seconds"]) == 2 and min(result["epoch_seconds"]) > 0
    assert 0.0 <= result["test_accuracy"] <= 1.0


@pytest.mark.parametrize("name", [w for w, s in WORKLOADS.items() if s["kind"] == "predict"])
def test_numpynn_predict_workloads_run(name):
    widths = WORKLOADS[name]["widths"]
    result = measurement.run_job({"library": "numpynn", "workload": name, "predict_repeats": 2},
                                 data=workloads.synthetic(widths, n_test=100))
    assert len(result["predict_seconds"]) == 2 and result["samples"] == 100


def test_initial_weights_are_glorot_uniform_and_shared():
    weights = workloads.initial_weights((30, 16, 1))
    assert [w.shape for w in weights] == [(30, 16), (16,), (16, 1), (1,)]
    assert np.abs(weights[0]).max() <= np.sqrt(6 / 46) and not weights[1].any()
    np.testing.assert_array_equal(weights[2], workloads.initial_weights((30, 16, 1))[2])


def test_training_flops_counts_three_products_but_no_input_gradient_at_the_first_layer():
    assert workloads.training_flops((4, 3, 2)) == 2 * (2 * (12 + 6) + 6)


def test_gz_files_are_read_whole_or_from_parts(tmp_path):
    payload = np.arange(5000, dtype=np.uint8).tobytes()
    packed = gzip.compress(payload)
    (tmp_path / "whole.gz").write_bytes(packed)
    for i, start in enumerate(range(0, len(packed), 1000)):
        (tmp_path / f"split.gz.part-{i:02d}").write_bytes(packed[start:start + 1000])
    assert workloads._read_gz(tmp_path, "whole.gz") == payload
    assert workloads._read_gz(tmp_path, "split.gz") == payload
    with pytest.raises(FileNotFoundError):
        workloads._read_gz(tmp_path, "missing.gz")


def test_summary_table_reports_medians_and_ratios():
    results = {("W1", "numpynn"): [{"epoch_seconds": [2.0, 3.0, 9.0], "test_accuracy": 0.88,
                                    "peak_mib": 300}],
               ("W1", "torch"): [{"epoch_seconds": [4.0, 4.0, 4.0], "test_accuracy": 0.87,
                                  "peak_mib": 500}]}
    lines, notes = run.summarise(["W1"], ["numpynn", "torch"], results, {}, peak=100.0)
    assert lines[2].split(" | ")[2:5] == ["3", "4", "0.75"]
    assert any("2.00 3.00 9.00" in note for note in notes)


def test_summary_compares_each_epoch_with_the_peak_measured_right_after_it():
    gflop = workloads.training_flops(workloads.FASHION_MLP) * 60000 / 1e9
    # epochs at exactly 50%, 80% and 20% of the peaks measured after them: median 50%
    results = {("W2-b512", "numpynn"): [{"epoch_seconds": [1.0, 1.0, 1.0],
                                         "peak_gflops": [2 * gflop, 1.25 * gflop, 5 * gflop],
                                         "test_accuracy": 0.8, "peak_mib": 300}]}
    _, notes = run.summarise(["W2-b512"], ["numpynn"], results, {}, peak=4 * gflop)
    [note] = [n for n in notes if "GFLOP/s" in n]
    assert "= 25% of the peak measured at the start" in note
    assert "50% of the peak measured right after each epoch" in note


def test_stepping_worker_measures_the_peak_after_each_epoch(monkeypatch):
    import io
    monkeypatch.setattr(measurement, "matmul_peak_gflops", lambda repeats: 123.0)
    replies = io.StringIO()
    job = {"library": "numpynn", "workload": "W3", "peak_after_epochs": True}
    measurement.stepping_worker(job, io.StringIO("run 2\nfinish\n"), replies,
                                data=workloads.synthetic(workloads.CANCER_MLP))
    result = json.loads(replies.getvalue().splitlines()[-1].split(" ", 1)[1])
    assert result["peak_gflops"] == [123.0, 123.0]


def test_workload_names_expand():
    assert run.expand_workloads("W2,W3") == ["W2-b128", "W2-b512", "W3"]
    with pytest.raises(SystemExit):
        run.expand_workloads("W9")


@pytest.fixture
def default_subnormals():
    """Puts PyTorch's handling of subnormal floats back to its default after the test
    (``torch-ftz`` changes it for the whole process)."""
    yield
    if "torch" in sys.modules:
        sys.modules["torch"].set_flush_denormal(False)


@pytest.mark.parametrize("library", ["torch", "keras", "torch-ftz"])
def test_reference_workloads_run_when_installed(library, default_subnormals):
    module = workloads.IMPORTS[library][0]
    pytest.importorskip(module, reason=f"{module} is a benchmark reference, not installed here")
    result = measurement.run_job({"library": library, "workload": "W3", "epochs": 1},
                                 data=workloads.synthetic(workloads.CANCER_MLP))
    assert len(result["epoch_seconds"]) == 1


def test_convnet_is_the_same_function_in_every_library():
    """W6 hands each library the same weights in its own layout (NCHW and a reordered
    Dense for PyTorch): with Dropout off, the three give the same probabilities."""
    torch = references.torch()
    keras = references.keras()
    import numpynn
    net = workloads.FASHION_CNN
    weights = net.initial_weights()
    x = np.random.default_rng(0).random((8, 784), dtype=np.float32)
    expected = workloads._keras_like_model(keras, net, weights).predict(net.keras_inputs(x),
                                                                        verbose=0)
    with torch.no_grad():
        logits = net.torch_model(weights).eval()(torch.from_numpy(net.torch_inputs(x)))
    np.testing.assert_allclose(torch.softmax(logits, -1).numpy(), expected, atol=1e-6)
    ours = workloads._keras_like_model(numpynn, net, weights).predict(net.keras_inputs(x),
                                                                      verbose=0)
    np.testing.assert_allclose(ours, expected, atol=1e-6)


def test_ratio_columns_compare_numpynn_and_its_variants_with_the_references():
    assert run._ratio_pairs(["numpynn", "numpynn-numpy", "torch", "keras"]) == [
        ("numpynn", "numpynn-numpy"), ("numpynn", "torch"), ("numpynn", "keras"),
        ("numpynn-numpy", "torch"), ("numpynn-numpy", "keras")]


@pytest.mark.parametrize("variant, module, flag", [("numpynn-noblas", "blas", "ENABLED"),
                                                   ("numpynn-noparallel", "parallel", "ENABLED")])
def test_numpynn_variants_switch_their_part_off(monkeypatch, variant, module, flag):
    import importlib
    part = importlib.import_module(f"numpynn.{module}")
    monkeypatch.setattr(part, flag, True)
    result = measurement.run_job({"library": variant, "workload": "W3", "epochs": 1},
                                 data=workloads.synthetic(workloads.CANCER_MLP))
    assert len(result["epoch_seconds"]) == 1 and getattr(part, flag) is False


def test_the_numpy_kernels_variant_sets_the_environment(monkeypatch):
    monkeypatch.delenv("NUMPYNN_KERNELS", raising=False)
    workloads.NUMPYNN_VARIANTS["numpynn-numpy"]()
    import os
    assert os.environ.pop("NUMPYNN_KERNELS") == "numpy"


def test_convnet_flops_count_its_products():
    """14.26 MFLOP per image: conv 1 (26x26x32 outputs, 9 inputs each) forward and kernel
    gradient; conv 2 (11x11x64, 288 each) and the Dense layer (1600 -> 10) three products."""
    assert workloads.FASHION_CNN.training_flops() == (2 * 2 * 26 * 26 * 32 * 9
                                                      + 3 * 2 * 11 * 11 * 64 * 288
                                                      + 3 * 2 * 1600 * 10)


def test_torch_ftz_reads_and_writes_subnormals_as_zero(default_subnormals):
    torch = pytest.importorskip("torch", reason="torch is a benchmark reference, not installed here")
    subnormal = torch.tensor([1e-40], dtype=torch.float32)
    assert (subnormal * 1.0).item() != 0  # PyTorch's default keeps subnormals
    workloads.PREDICTORS["torch-ftz"](workloads.synthetic(workloads.CANCER_MLP)[1][0],
                                      workloads.CANCER_MLP, 8,
                                      workloads.initial_weights(workloads.CANCER_MLP))
    assert (subnormal * 1.0).item() == 0


def test_matmul_layout_script_runs(monkeypatch, capsys):
    layout = _load("matmul_layout")
    monkeypatch.setattr(layout, "SHAPES", [(6, 4)])
    monkeypatch.setattr(layout, "BATCHES", [2, 40])
    layout.main(["--repeat", "1"])
    out = capsys.readouterr().out
    assert "batch     2:" in out and "batch    40:" in out


def test_optimizer_step_script_runs(monkeypatch, capsys):
    script = _load("optimizer_step")
    monkeypatch.setattr(script, "CASES", script.CASES[:1] + script.CASES[5:6])
    monkeypatch.setattr(script, "torch_time", lambda *args: 1.0)
    script.main(["--size", "1000", "--repeat", "2"])
    out = capsys.readouterr().out
    assert "NumPy-only ms" in out and "one-core ms" in out
    assert "\nSGD " in out and "\nAdam " in out


def test_stepping_worker_trains_in_turns_on_command():
    import io
    data = workloads.synthetic(workloads.CANCER_MLP)
    replies = io.StringIO()
    measurement.stepping_worker({"library": "numpynn", "workload": "W3"},
                                io.StringIO("run 2\nrun 1\nfinish\n"), replies, data=data)
    lines = replies.getvalue().splitlines()
    assert lines[:3] == ["READY", "DONE", "DONE"]
    result = json.loads(lines[3].split(" ", 1)[1])
    assert len(result["epoch_seconds"]) == 3 and 0 <= result["test_accuracy"] <= 1


def test_stepping_worker_times_predict_calls_on_command():
    import io
    replies = io.StringIO()
    measurement.stepping_worker({"library": "numpynn", "workload": "W4-b32"},
                                io.StringIO("run 1\nrun 2\nfinish\n"), replies,
                                data=workloads.synthetic(workloads.FASHION_MLP, n_test=100))
    lines = replies.getvalue().splitlines()
    assert lines[:3] == ["READY", "DONE", "DONE"]
    result = json.loads(lines[3].split(" ", 1)[1])
    assert len(result["predict_seconds"]) == 3 and result["samples"] == 100


def test_workers_take_turns_in_subprocesses():
    pytest.importorskip("sklearn")
    env = run.worker_env(unset_openblas=False)
    job = {"library": "numpynn", "workload": "W3", "epochs": 3}
    [result] = run.take_turns([job], env, per_turn=2, pause=0)
    assert len(result["epoch_seconds"]) == 3 and result["peak_mib"] > 0
    assert result["split_threads"] >= 1  # reported in the table's header


def test_products_script_runs(capsys):
    _load("products").main(["--batches", "4,16", "--rounds", "1", "--calls", "1",
                            "--samples", "40"])
    out = capsys.readouterr().out
    assert "batch     4 round 1: numpy" in out and "batch    16 round 1: numpy" in out


def test_parallel_update_script_runs(capsys):
    from numpynn import parallel
    script = _load("parallel_update")
    script.main(["--images", "64", "--batch", "16", "--pairs", "1"],
                data=workloads.synthetic(workloads.FASHION_MLP))
    out = capsys.readouterr().out
    assert "all cores:" in out and "one core:" in out and "all cores / one core:" in out
    assert parallel.ENABLED


@pytest.mark.parametrize("task", ["predict", "fit"])
def test_compare_checkouts_script_runs(task, capsys):
    import numpynn
    script = _load("compare_checkouts")
    same = script.main([str(BENCHMARKS.parent), "--task", task, "--batch", "16", "--pairs", "1",
                        "--images", "64"], data=workloads.synthetic(workloads.FASHION_MLP))
    out = capsys.readouterr().out
    assert same and "new / base:" in out
    assert sys.modules["numpynn"] is numpynn  # the test session's copy is back in place


def test_layer_times_covers_every_layer_and_restores_the_methods():
    layer_times = _load("layer_times")
    forward = layer_times.keras.layers.Conv2D.forward
    parts, total = layer_times.measure(steps=2, batch_size=4)
    kinds = collections.Counter(re.sub(r"_\d+ ", " ", key) for key in parts)
    assert kinds["conv2d forward"] == kinds["max_pooling2d backward"] == 2, kinds
    assert kinds["dropout forward"] == kinds["adam update_step"] == 1, kinds
    assert total > 0 and all(value >= 0 for value in parts.values())
    assert layer_times.keras.layers.Conv2D.forward is forward
    assert "forward" not in vars(layer_times.keras.layers.Conv2D)  # inherited again
