"""Loss and metrics computed in blocks equal those computed batch by batch."""
import numpy as np
import pytest

from numpynn import losses, metrics
from numpynn.models import running_metrics
from numpynn.models.running_metrics import RunningMetrics


def per_batch(loss, metric, batches):
    total = sum(loss(y, p) * len(p) for y, p in batches)
    for y, p in batches:
        metric.update_state(y, p)
    return total / sum(len(p) for _, p in batches), metric.result()


@pytest.mark.parametrize("block_values", [10, 64, 1 << 16])
def test_blocks_give_the_per_batch_means(monkeypatch, block_values):
    monkeypatch.setattr(running_metrics, "BLOCK_VALUES", block_values)
    rng = np.random.default_rng(0)
    batches = [(rng.integers(0, 10, n), rng.dirichlet(np.ones(10), n).astype(np.float32))
               for n in (32, 32, 7, 32, 1)]
    loss = losses.get("sparse_categorical_crossentropy")
    tracker = RunningMetrics(loss, [metrics.compile_metric("accuracy", loss, 10)])
    for y, p in batches:
        reused = p.copy()
        tracker.update(y, reused)
        reused[...] = np.nan  # the tracker must copy the batch: outputs are reused buffers
    expected_loss, expected_accuracy = per_batch(loss, metrics.compile_metric("accuracy", loss, 10), batches)
    logs = tracker.results("val_")
    assert list(logs) == ["val_accuracy", "val_loss"]
    assert logs["val_loss"] == pytest.approx(expected_loss, rel=1e-6)
    assert logs["val_accuracy"] == pytest.approx(expected_accuracy, rel=1e-12)


def test_reset_and_a_change_of_output_shape():
    loss = losses.get("mse")
    tracker = RunningMetrics(loss, [metrics.compile_metric("mae", loss, 1)])
    tracker.update(np.zeros((4, 1)), np.ones((4, 1)))
    assert tracker.results() == {"loss": 1.0, "mae": 1.0}
    tracker.reset()
    assert tracker.results() == {"loss": 0.0, "mae": 0.0}
    tracker.update(np.zeros((2, 3)), np.full((2, 3), 2.0))
    tracker.update(np.zeros((2, 1)), np.full((2, 1), 4.0))
    assert tracker.results() == {"loss": 10.0, "mae": 3.0}
