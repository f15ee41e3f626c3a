"""Train on real Fashion-MNIST, save, load in a fresh process: same test accuracy."""
import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "datasets" / "fashion-mnist"


@pytest.mark.skipif(not (DATA / "t10k-labels-idx1-ubyte.gz").exists(),
                    reason=f"Fashion-MNIST not found in {DATA}")
def test_fresh_process_gives_identical_accuracy_and_predictions():
    result = subprocess.run([sys.executable, "benchmarks/saving_roundtrip.py", "--epochs", "1",
                             "--train-samples", "3000"], cwd=REPO, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = dict(line.split(":", 1) for line in result.stdout.splitlines() if ":" in line)
    here = lines["test accuracy, this process"].split()[0]
    fresh = lines["test accuracy, fresh process"].split()[0]
    assert here == fresh and 0.5 < float(here) < 1.0
    assert lines["predictions SHA-256 identical"].strip() == "True"
