"""numpynn's optimizers against trajectories recorded from Keras 3 and PyTorch.

``tests/reference/record_optimizers.py`` wrote, for each case, the weights after every step of
an optimizer on a fixed least-squares problem; here numpynn runs the same steps in float64 and
must match to 1e-6 relative. Neither Keras nor PyTorch is needed.
"""
import json
import pathlib

import numpy as np
import pytest

from numpynn import blas, optimizers
from numpynn.optimizers import schedules

DATA = np.load(pathlib.Path(__file__).parent / "data" / "optimizer_references.npz")
META = json.loads(str(DATA["cases"]))
CASES = {case["name"]: case for case in META["cases"]}


def gradients(x, y, kernel, bias):
    residual = (x @ kernel + bias - y) / len(x)
    return x.T @ residual, residual.sum(axis=0)


class Weights:
    """The two weights of the problem in one flat float64 buffer, as a model holds them."""

    def __init__(self):
        kernel, bias = DATA["kernel"], DATA["bias"]
        self.offsets = [0, kernel.size, kernel.size + bias.size]
        self.shapes = [kernel.shape, bias.shape]  # Adafactor factors the kernel
        self.paths = ["kernel", "bias"]  # Keras' paths of the recorded variables
        self.values = np.concatenate([kernel.ravel(), bias])
        self.grads = np.zeros_like(self.values)
        self.size, self.dtype = self.values.size, self.values.dtype
        self.kernel = self.values[:kernel.size].reshape(kernel.shape)
        self.bias = self.values[kernel.size:]

    def compute_gradients(self):
        g_kernel, g_bias = gradients(DATA["x"], DATA["y"], self.kernel, self.bias)
        self.grads[:g_kernel.size] = g_kernel.ravel()
        self.grads[g_kernel.size:] = g_bias


def uses_ema(optimizer):
    """Whether the optimizer, or one of a MultiOptimizer's, keeps a moving average."""
    return optimizer.use_ema or any(o.use_ema for o in getattr(optimizer, "optimizers", []))


def run(optimizer, steps):
    weights = Weights()
    optimizer.build(weights)
    trajectory = [weights.values.copy()]
    for _ in range(steps):
        weights.compute_gradients()
        optimizer.apply(weights.values, weights.grads)
        trajectory.append(weights.values.copy())
    if uses_ema(optimizer):  # one more row: the weights replaced by their moving average
        optimizer.finalize_variable_values(weights.values)
        trajectory.append(weights.values.copy())
    return np.array(trajectory)


@pytest.mark.parametrize("use_blas", [True, False], ids=["blas", "numpy"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_trajectory_matches_reference(name, use_blas, monkeypatch):
    """Both ways of computing ``y <- a x + b y`` (see ``numpynn.blas``) follow the reference."""
    monkeypatch.setattr(blas, "ENABLED", use_blas)
    case = CASES[name]
    expected = DATA[f"trajectory/{name}"]
    optimizer = optimizers.deserialize(case["optimizer"])
    actual = run(optimizer, META["steps"])
    assert not np.allclose(expected[-1], expected[0]), "the reference case does not move"
    # atol: weights that cross zero are compared relative to the size of the weights
    np.testing.assert_allclose(actual, expected, rtol=1e-6, atol=1e-7 * np.abs(expected).max(),
                               err_msg=f"{name} vs {case['reference']}")


@pytest.mark.parametrize("index", range(len(META["schedules"])))
def test_schedule_matches_keras(index):
    schedule = schedules.deserialize(META["schedules"][index])
    expected = DATA["schedule_values"][index]
    np.testing.assert_allclose([schedule(step) for step in range(len(expected))], expected,
                               rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("name", ["adam", "nadam", "rmsprop_centered_momentum",
                                  "adagrad", "adadelta", "sgd_nesterov", "adamax", "lion_ema",
                                  "lamb_accumulation_ema", "adafactor", "ftrl",
                                  "adam_accumulation_schedule", "adafactor_accumulation",
                                  "schedule_free_adamw_options",
                                  "multi_optimizer_patterns_ema",
                                  "multi_optimizer_exact_and_pattern"])
def test_state_round_trip_continues_the_same_trajectory(name):
    """Stopping after 10 steps, restoring get_state() into a fresh optimizer and going on
    gives the uninterrupted trajectory."""
    spec = CASES[name]["optimizer"]
    full = run(optimizers.deserialize(spec), 20)
    first = optimizers.deserialize(spec)
    weights = Weights()
    first.build(weights)
    for _ in range(10):
        weights.compute_gradients()
        first.apply(weights.values, weights.grads)
    second = optimizers.deserialize(optimizers.serialize(first))
    second.build(weights)
    second.set_state(first.get_state())
    for _ in range(10):
        weights.compute_gradients()
        second.apply(weights.values, weights.grads)
    np.testing.assert_array_equal(weights.values, full[20])


@pytest.mark.parametrize("name", [n for n in sorted(CASES) if "ema" in n])
def test_moving_average_cases_end_with_the_average(name):
    """The extra last row of a use_ema case (after finalize_variable_values) is not the
    weights of the last step, unless an overwrite just made them equal: the comparison
    above checks the average itself."""
    expected = DATA[f"trajectory/{name}"]
    assert len(expected) == META["steps"] + 2
    if not CASES[name]["optimizer"]["config"].get("ema_overwrite_frequency"):
        assert not np.allclose(expected[-1], expected[-2])


@pytest.mark.parametrize("name", [n for n in sorted(CASES) if "accumulation" in n])
def test_accumulation_cases_hold_still_between_updates(name):
    """Keras' weights change only on every n-th call (EMA overwrites aside)."""
    config = CASES[name]["optimizer"]["config"]
    n = config["gradient_accumulation_steps"]
    moves = np.any(np.diff(DATA[f"trajectory/{name}"][:META["steps"] + 1], axis=0), axis=1)
    overwrites = np.zeros_like(moves)
    if config.get("ema_overwrite_frequency"):
        calls = np.arange(META["steps"])
        overwrites = (calls // n + 1) % config["ema_overwrite_frequency"] == 0
    np.testing.assert_array_equal(moves | overwrites,
                                  (np.arange(1, META["steps"] + 1) % n == 0) | overwrites)
