"""TensorFlow's "classify clothing" tutorial runs to its last line with only its import line
changed to ``import numpynn as keras``, on the real Fashion-MNIST. Its 10 epochs become
``$NUMPYNN_TUTORIAL_EPOCHS`` (1 by default) to keep the suite fast."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from numpynn.datasets import join_parts

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "datasets" / "fashion-mnist"
EPOCHS = int(os.environ.get("NUMPYNN_TUTORIAL_EPOCHS", "1"))


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"real Fashion-MNIST not found at {SHARED}")
def test_clothing_tutorial_runs_unchanged(tmp_path):
    pytest.importorskip("matplotlib")
    source = (ROOT / "examples" / "classify_clothing.py").read_text()
    for original in ("from tensorflow import keras\n", "model.fit(train_images, train_labels, "
                                                       "epochs=10)"):
        assert source.count(original) == 1, original
    source = source.replace("from tensorflow import keras\n", "import numpynn as keras\n")
    source = source.replace("epochs=10)", f"epochs={EPOCHS})")
    script = tmp_path / "tutorial.py"
    script.write_text(source)
    join_parts(SHARED, tmp_path / "fashion-mnist")
    env = {**os.environ, "NUMPYNN_FASHION_MNIST_DIR": str(tmp_path / "fashion-mnist"),
           "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         env=env, timeout=600, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert f"Epoch {EPOCHS}/{EPOCHS}" in run.stdout
    accuracy = float(next(line for line in lines
                          if line.startswith("Test accuracy:")).split()[-1])
    assert accuracy >= 0.8, run.stdout  # the tutorial reaches about 0.88 in 10 epochs
    expanded = len(lines) - 1 - lines[::-1].index("(1, 28, 28)")  # np.expand_dims(img, 0)
    printed = [line for line in lines[expanded + 1:-1] if "/" not in line]  # not progress
    single = np.array(" ".join(printed).replace("[", " ").replace("]", " ").split(),
                      dtype=float)
    assert single.shape == (10,) and single.sum() == pytest.approx(1.0, abs=1e-4)
    assert lines[-1] == str(int(np.argmax(single)))
