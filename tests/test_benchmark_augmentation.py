"""The augmentation benchmarks run (on tiny inputs, so the scripts can't rot); their timings
and accuracies are not checked here: the scripts are for measuring."""
import importlib.util
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name):
    spec = importlib.util.spec_from_file_location(f"benchmarks_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


augmentation = _load("augmentation")
evidence = _load("augmentation_fashion_mnist")


def test_throughput_table_without_keras(monkeypatch):
    monkeypatch.setattr(augmentation, "keras_stacks", dict)
    results = augmentation.measure(["28x28x1"], rounds=2, seconds=0.01)
    assert len(results["28x28x1"]["numpynn"]) == 2 and min(results["28x28x1"]["numpynn"]) > 0
    table = augmentation.table(results)
    assert table.splitlines()[0] == "| case | numpynn (images/s) |"
    assert table.splitlines()[2].startswith("| 28x28x1 | ")


def test_ratios_against_each_keras_column():
    table = augmentation.table({"28x28x1": {"numpynn": [200.0], "keras-eager": [100.0],
                                            "keras-graph": [400.0]}})
    assert table.splitlines()[2] == "| 28x28x1 | 200 | 100 | 400 | 2.00 | 0.50 |"


def test_folder_and_array_epochs_run():
    pytest.importorskip("PIL.Image", reason="image folders need Pillow")
    results = {case: augmentation.folder_epochs(20, 1, case)
               for case in augmentation.FOLDER_CASES}
    assert all(len(s["folder"]) == len(s["arrays"]) == 1 for s in results.values())
    table = augmentation.folder_table(results, 20).splitlines()
    assert table[0].endswith("| folder / arrays |") and len(table) == 4
    assert table[3].startswith("| 20 64x64 RGB JPEG |")


def test_stratified_subsets_are_disjoint_and_balanced():
    y = np.repeat(np.arange(10), 30)
    train, validation = evidence.stratified_subsets(y, 10)
    assert not set(train) & set(validation)
    assert (np.bincount(y[train]) == 10).all() and (np.bincount(y[validation]) == 10).all()
    np.testing.assert_array_equal(train, evidence.stratified_subsets(y, 10)[0])


@pytest.mark.parametrize("stack", list(evidence.STACKS))
def test_one_evidence_run(stack):
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 255, (30, 28, 28, 1)).astype(np.float32)
    y = np.arange(30) % 10
    accuracy, best, ran, _ = evidence.run(((x, y), (x, y), (x, y)), stack, seed=0,
                                          max_epochs=2, patience=1)
    assert 0 <= accuracy <= 1 and 1 <= best <= ran <= 2
