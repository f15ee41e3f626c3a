"""``gradient_check``: compare backpropagation with central finite differences in float64.

For every checked entry w of a weight (or of the input x)::

    numerical = (L(w + h) - L(w - h)) / (2 h)        analytical = backward pass

and the error is |analytical - numerical| / max(|analytical| + |numerical|, tiny). A layer is
checked with L = sum(layer(x) * r) for a fixed random r, so backward starts from dL/dy = r; a
model is checked with its compiled loss (mean squared error if not compiled). Both add the
regularization penalties (``model.losses``), as training does. Weights a layer updates itself
(``add_weight(trainable=False)``: BatchNormalization's moving statistics) get no gradient and
are not checked (a frozen layer's other weights are), nor the input of a layer that sends back no
input gradient (Embedding's indices).
"""
import numpy as np

from numpynn import backend, losses as losses_module
from numpynn.layers.base import Layer


class GradientCheckResult:
    """Largest relative error per checked array (``"input"`` and ``"layer/weight"``)."""

    def __init__(self, errors, tolerance):
        self.errors, self.tolerance = errors, tolerance

    @property
    def max_error(self):
        return max(self.errors.values()) if self.errors else 0.0

    @property
    def passed(self):
        return self.max_error <= self.tolerance

    def __bool__(self):
        return self.passed

    def __repr__(self):
        rows = "\n".join(f"  {name:<30} {err:.2e}" for name, err in self.errors.items())
        verdict = "passed" if self.passed else "FAILED"
        return f"gradient check {verdict} (tolerance {self.tolerance:.0e}):\n{rows}"


def _float64_layer(layer):
    """A copy of ``layer`` (same config, not yet built) with float64 weights."""
    return type(layer).from_config({**layer.get_config(), "dtype": "float64"})


def _fix_randomness(layers, seed):
    """Make dropout masks identical in every forward pass of the check."""
    backend.seed_rng(seed)
    for layer in layers:
        if hasattr(layer, "reset_rng"):
            layer.reset_rng()


def _penalty(net):
    return 0.0 if net.penalties is None else net.penalties.total()


def gradient_check(model_or_layer, x, y=None, epsilon=1e-6, tolerance=1e-6, max_entries=50,
                   training=True, seed=0):
    """Check the backward pass of a layer or a model against finite differences, in float64.

    Args:
        model_or_layer: a ``Layer`` (including your own subclasses) or a ``Model``. Checked on a
            float64 copy, so the original is left untouched.
        x: a small input batch.
        y: targets, for a model.
        epsilon: finite-difference step h.
        tolerance: largest relative error that passes.
        max_entries: at most this many randomly chosen entries of each array are checked.
        training: run the forward pass in training mode (dropout active, with a fixed mask).

    Returns:
        A ``GradientCheckResult``; ``result.passed`` says whether every error is within
        ``tolerance``, and printing it shows the error per array.

    Example::

        >>> result = gradient_check(Dense(3, activation="tanh"), np.random.randn(4, 5))
        >>> result.passed
        True
    """
    from numpynn.models.model import Model
    from numpynn.models.sequential import Sequential

    x = np.asarray(x, dtype=np.float64)
    picker = np.random.default_rng(seed)
    if isinstance(model_or_layer, Layer):
        net = Sequential([_float64_layer(model_or_layer)])
        net.build((None,) + x.shape[1:])
        if model_or_layer.built:
            net.layers[0].set_weights(model_or_layer.get_weights())
        probe = picker.standard_normal((len(x),) + net.output_shape[1:])

        def loss_and_grad(compute_grad):
            out = net.forward(x, training=training)
            value = float(np.sum(out * probe)) + _penalty(net)
            return value, (probe.copy() if compute_grad else None)
    elif isinstance(model_or_layer, Model):
        original = model_or_layer
        if not original.built:
            original.build(original.input_shape or (None,) + x.shape[1:])
        net = Sequential([_float64_layer(l) for l in original.layers])
        net.build(original.input_shape if original.input_shape else (None,) + x.shape[1:])
        net.set_weights(original.get_weights())
        loss = original.loss if original.loss is not None else losses_module.MeanSquaredError()
        y = np.asarray(y) if isinstance(loss, losses_module.SparseCategoricalCrossentropy) \
            else np.asarray(y, dtype=np.float64)

        def loss_and_grad(compute_grad):
            out = net.forward(x, training=training)
            value = loss(y, out) + _penalty(net)
            return value, (loss.gradient(y, out) if compute_grad else None)
    else:
        raise TypeError(f"gradient_check expects a Layer or a Model, got {model_or_layer!r}.")

    for layer in net.layers:
        layer.input_grad_needed = True
    layers = net.layers

    def evaluate(compute_grad=False):
        _fix_randomness(layers, seed)
        return loss_and_grad(compute_grad)

    _, grad = evaluate(compute_grad=True)
    grad = net.backward(grad, to_input=True)
    if net.penalties is not None:
        net.penalties.add_weight_gradients()
    analytical, targets = {}, {}
    if grad is not None:
        analytical["input"], targets["input"] = grad, x
    for layer in layers:
        for name, value in layer.params.items():
            if name not in layer.non_trainable_names:  # moving statistics get no gradient
                analytical[f"{layer.name}/{name}"] = layer.grads[name].copy()
                targets[f"{layer.name}/{name}"] = value

    errors = {}
    for key, array in targets.items():
        flat = array.reshape(-1)
        count = min(max_entries, flat.size)
        entries = picker.choice(flat.size, size=count, replace=False) if count else []
        worst = 0.0
        for i in entries:
            saved = flat[i]
            flat[i] = saved + epsilon
            plus, _ = evaluate()
            flat[i] = saved - epsilon
            minus, _ = evaluate()
            flat[i] = saved
            numerical = (plus - minus) / (2 * epsilon)
            exact = analytical[key].reshape(-1)[i]
            worst = max(worst, abs(exact - numerical) / max(abs(exact) + abs(numerical), 1e-8))
        errors[key] = worst
    return GradientCheckResult(errors, tolerance)
