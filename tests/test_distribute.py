"""Data-parallel training (numpynn.distribute): with ``mpiexec -n 2`` and a global batch B,
the weights after 3 epochs equal one process's with batch B (relative 1e-4), for an MLP, a
small CNN and every optimizer, a batch that 2 does not divide and a short last batch."""
import os
import subprocess
import sys

import numpy as np
import pytest

import numpynn as keras
from numpynn import backend, distribute
from numpynn.distribute import running_totals
from tests.distribute_helpers import HERE, environment, mpi_run, mpi_start, python_start

RUN = os.path.join(HERE, "distribute_run.py")


def _relative_difference(a, b):
    return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(a))), 1e-12))


# -- without MPI --------------------------------------------------------------------------
def test_numpynn_without_mpiexec_never_imports_mpi4py():
    code = ("import sys, numpy as np, numpynn as keras\n"
            "m = keras.Sequential([keras.layers.Input((3,)), keras.layers.Dense(1)])\n"
            "m.compile('sgd', 'mse')\n"
            "m.fit(np.ones((8, 3)), np.ones((8, 1)), verbose=0)\n"
            "from numpynn import distribute, cli\n"
            "assert distribute.from_environment() is None\n"
            "print('mpi4py' in sys.modules)\n")
    env = {k: v for k, v in environment().items() if k not in distribute.environment.
           SIZE_VARIABLES}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True).stdout
    assert out.strip() == "False"


def test_launched_size_reads_the_launchers_variables():
    assert distribute.launched_size({}) == 1
    assert distribute.launched_size({"PMI_SIZE": "4"}) == 4
    assert distribute.launched_size({"OMPI_COMM_WORLD_SIZE": "3"}) == 3
    assert distribute.from_environment({"PMI_SIZE": "1"}) is None


def test_compile_takes_only_a_strategy():
    model = keras.Sequential([keras.layers.Input((3,)), keras.layers.Dense(1)])
    with pytest.raises(TypeError, match="MPIDataParallel"):
        model.compile("sgd", "mse", distribute="mpi")
    model.compile("sgd", "mse")
    assert model.distribute_strategy is distribute.SINGLE_PROCESS
    assert model.distribute_strategy.is_chief


@pytest.mark.parametrize("layer, shape", [
    (keras.layers.Dropout(0.5), (5, 4)), (keras.layers.GaussianNoise(0.5), (5, 4)),
    (keras.layers.GaussianDropout(0.3), (5, 4)), (keras.layers.AlphaDropout(0.3), (5, 4)),
    (keras.layers.SpatialDropout2D(0.5), (5, 3, 3, 2)),
    (keras.layers.RandomFlip(), (5, 4, 4, 1)), (keras.layers.RandomCrop(3, 3), (5, 4, 4, 1)),
    (keras.layers.RandomRotation(0.2), (5, 4, 4, 1))])
def test_random_layers_draw_the_global_batch_and_keep_their_rows(layer, shape):
    x = np.random.default_rng(0).random(shape, dtype=np.float32)
    backend.seed_rng(1)
    whole = layer.forward(x, training=True)
    try:
        parts = []
        for start, stop in ((0, 2), (2, 5)):  # rank 0 and rank 1 of 2, same generator state
            backend.seed_rng(1)
            backend.set_batch_rows((start, stop, 5))
            parts.append(layer.forward(x[start:stop], training=True))
    finally:
        backend.set_batch_rows(None)
    np.testing.assert_array_equal(np.concatenate(parts), whole)


def test_running_totals_are_the_sums_reset_state_sets():
    assert list(keras.metrics.Mean().state()) == ["count", "total"]
    auc = keras.metrics.AUC(num_thresholds=5)
    assert list(auc.state()) == ["false_negatives", "false_positives", "true_negatives",
                                 "true_positives"]
    values = [3.0, 2, np.arange(4.0).reshape(2, 2)]
    back = running_totals.unpack(running_totals.pack(values) * 2, values)
    assert back[0] == 6.0 and back[1] == 4 and isinstance(back[1], int)
    np.testing.assert_array_equal(back[2], values[2] * 2)


# -- with mpiexec -n 2 --------------------------------------------------------------------
def test_two_ranks_train_the_weights_of_one_process(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    ranks = mpi_start([RUN, two], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    single = python_start([RUN, one], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    ranks_out, _ = ranks.communicate(timeout=300)
    single_out, _ = single.communicate(timeout=300)
    assert ranks.returncode == 0, ranks_out
    assert single.returncode == 0, single_out
    names = sorted(os.listdir(one))
    optimizers = {f"optimizer_{name}.npz" for name in keras.optimizers.ALIASES}
    assert optimizers <= set(names) and {"cnn.npz", "mlp_odd_batch.npz"} <= set(names)
    assert sorted(os.listdir(two)) == names
    for name in names:
        with np.load(one / name) as a, np.load(two / name) as b:
            assert a.files == b.files
            for key in a.files:
                assert _relative_difference(a[key], b[key]) <= 1e-4, (name, key)
            assert "log_val_loss" in a.files or not name.startswith("mlp_penalty")


def test_numpynn_train_under_mpiexec_is_the_one_process_run(tmp_path):
    options = ["train", "--dataset", "digits", "--epochs", "3", "--batch-size", "64",
               "--seed", "0", "--output", "m.npnn"]
    (tmp_path / "two").mkdir()
    (tmp_path / "one").mkdir()
    single = python_start(["-m", "numpynn"] + options, cwd=tmp_path / "one",
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    ranks = mpi_run(["-m", "numpynn"] + options, cwd=tmp_path / "two", timeout=300)
    single_out, _ = single.communicate(timeout=300)
    assert ranks.returncode == 0, ranks.stdout + ranks.stderr
    assert single.returncode == 0, single_out
    assert ranks.stdout.count("Epoch 1/3") == 1 and ranks.stdout.count("Test accuracy") == 1
    assert ranks.stdout.count("Saved model to m.npnn") == 1
    score = [line.split(" - ")[0] for line in single_out.splitlines()
             if line.startswith("Test accuracy")]  # "Test accuracy: 0.9333 (336/360)"
    assert score and score[0] in ranks.stdout  # evaluate: each rank a share, totals summed
    assert os.listdir(tmp_path / "two") == ["m.npnn"]
    a = keras.models.load_model(tmp_path / "one" / "m.npnn")
    b = keras.models.load_model(tmp_path / "two" / "m.npnn")
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        assert _relative_difference(wa, wb) <= 1e-4
