"""numpynn's losses, their gradients and activations against values recorded from Keras 3
(tests/reference/record_losses.py, float64 on the TensorFlow backend).

Keras keeps a few constants in float32 even in float64 mode (leaky_relu's slope 0.2, the
epsilon of sparse categorical cross-entropy, gelu's coefficients), so agreement is checked to
1e-7 relative for losses and 1e-6 for activations rather than to the last bit."""
import json
from pathlib import Path

import numpy as np
import pytest

from numpynn import activations, losses

RECORD = json.loads((Path(__file__).parent / "data" / "keras_losses.json").read_text())
INPUTS = {k: np.array(v) for k, v in RECORD["inputs"].items()}


@pytest.mark.parametrize("case", sorted(RECORD["losses"]))
def test_loss_value_and_gradient_match_keras(case):
    spec = RECORD["losses"][case]
    loss = getattr(losses, spec["class"])(**spec["kwargs"])
    y_true, y_pred = INPUTS[spec["y_true"]], INPUTS[spec["y_pred"]]
    assert loss(y_true, y_pred) == pytest.approx(spec["value"], rel=1e-7)
    np.testing.assert_allclose(loss.gradient(y_true, y_pred), spec["gradient"],
                               rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("name", sorted(RECORD["activations"]))
def test_activation_matches_keras(name):
    x = np.array(RECORD["activation_input"])
    np.testing.assert_allclose(activations.get(name)(x), RECORD["activations"][name],
                               rtol=1e-6, atol=1e-12)
