"""``gradient_check``: compare backpropagation with central finite differences in float64.

For every checked entry w of a weight (or of an input x)::

    numerical = (L(w + h) - L(w - h)) / (2 h)        analytical = backward pass

and the error is |analytical - numerical| / max(|analytical| + |numerical|, tiny). A layer is
checked with L = sum(layer(x) * r) for a fixed random r, so backward starts from dL/dy = r; a
model is checked with its compiled loss (the weighted sum over its outputs; mean squared error
if not compiled). Both add the regularization penalties (``model.losses``), as training does.
Weights a layer updates itself (``add_weight(trainable=False)``: BatchNormalization's moving
statistics) get no gradient and are not checked (a frozen layer's other weights are), nor the
input of a layer that sends back no input gradient (Embedding's indices).

The check runs on a float64 copy made from the configs (graph models, shared layers and
nested models included), so the original is left untouched.
"""
import numpy as np

from numpynn import backend, losses as losses_module
from numpynn.layers.base import Layer
from numpynn.layers.input_layer import Input
from numpynn.models.model import Model
from numpynn.models.output_losses import per_output
from numpynn.models.serialization import deserialize_layer, serialize_layer


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


def _with_float64(spec):
    """A layer or model config with every layer's dtype set to float64."""
    config = dict(spec["config"])
    if "dtype" in config:
        config["dtype"] = "float64"
    if "layers" in config:
        config["layers"] = [_with_float64(layer) for layer in config["layers"]]
    return {**spec, "config": config}


def _classes(model):
    """``{class name: class}`` of every layer inside ``model``, nested models included: the
    copy is rebuilt from these, so unregistered classes of your own work too."""
    found = {type(model).__name__: type(model)}
    for layer in model.layers:
        found.update(_classes(layer) if isinstance(layer, Model) else
                     {type(layer).__name__: type(layer)})
    return found


def _float64_model(model):
    """A float64 copy of a built model with the same weights."""
    copy = deserialize_layer(_with_float64(serialize_layer(model)), _classes(model))
    copy._ensure_built()
    copy.set_weights(model.get_weights())
    return copy


def _layer_model(layer, x):
    """A model that calls a float64 copy of ``layer`` on input(s) shaped like ``x``."""
    copy = _float64_layer(layer)
    if isinstance(x, list):
        inputs = [Input(shape=a.shape[1:], dtype="float64") for a in x]
    else:
        inputs = Input(shape=x.shape[1:], dtype="float64")
    model = Model(inputs, copy(inputs))
    model._ensure_built()
    if layer.built:
        copy.set_weights(layer.get_weights())
    return model


def _fix_randomness(layers, seed):
    """Make dropout masks identical in every forward pass of the check."""
    backend.seed_rng(seed)
    for layer in layers:
        if hasattr(layer, "reset_rng"):
            layer.reset_rng()


def _penalty(net):
    return 0.0 if net.penalties is None else net.penalties.total()


def _as_list(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


def gradient_check(model_or_layer, x, y=None, epsilon=1e-6, tolerance=1e-6, max_entries=50,
                   training=True, seed=0):
    """Check the backward pass of a layer or a model against finite differences, in float64.

    Args:
        model_or_layer: a ``Layer`` (including your own subclasses) or a ``Model``. Checked on a
            float64 copy, so the original is left untouched.
        x: a small input batch (a list of batches for a layer or model with several inputs).
        y: targets, for a model (a list for several outputs).
        epsilon: finite-difference step h.
        tolerance: largest relative error that passes.
        max_entries: at most this many randomly chosen entries of each array are checked.
        training: run the forward pass in training mode (dropout active, with a fixed mask).

    Returns:
        A ``GradientCheckResult``; ``result.passed`` says whether every error is within
        ``tolerance``, and printing it shows the error per array (``"input"``, or
        ``"input_0"``... for several inputs, and ``"layer/weight"``).

    Example::

        >>> result = gradient_check(Dense(3, activation="tanh"), np.random.randn(4, 5))
        >>> result.passed
        True
    """
    xs = [np.asarray(a, dtype=np.float64) for a in _as_list(x)]
    picker = np.random.default_rng(seed)
    if isinstance(model_or_layer, Model):
        original = model_or_layer
        original._ensure_built(xs[0])
        net = _float64_model(original)
        names = net.output_names
        compiled = original.compiled and original.loss is not None
        loss_list = per_output(original.loss if compiled else losses_module.MeanSquaredError(),
                               names, "loss")
        weights = per_output(original._compile_args["loss_weights"] if compiled else None,
                             names, "loss_weights", 1.0)
        ys = [None if loss is None else
              np.asarray(t) if isinstance(loss, losses_module.SparseCategoricalCrossentropy)
              else np.asarray(t, dtype=np.float64)
              for t, loss in zip(_as_list(y) if len(names) > 1 else [y], loss_list)]

        def loss_and_grad(compute_grad):
            outs = _as_list(net.forward(xs if len(xs) > 1 else xs[0], training=training))
            value = sum(w * loss(t, o) for loss, w, t, o in zip(loss_list, weights, ys, outs)
                        if loss is not None) + _penalty(net)
            grads = [None if loss is None else w * loss.gradient(t, o)
                     for loss, w, t, o in zip(loss_list, weights, ys, outs)]
            return value, (grads if compute_grad else None)
    elif isinstance(model_or_layer, Layer):
        net = _layer_model(model_or_layer, xs if isinstance(x, list) else xs[0])
        probe = picker.standard_normal((len(xs[0]),) + net.outputs[0].shape[1:])

        def loss_and_grad(compute_grad):
            out = net.forward(xs if isinstance(x, list) else xs[0], training=training)
            value = float(np.sum(out * probe)) + _penalty(net)
            return value, ([probe.copy()] if compute_grad else None)
    else:
        raise TypeError(f"gradient_check expects a Layer or a Model, got {model_or_layer!r}.")

    layers = net._plan.layers

    def evaluate(compute_grad=False):
        _fix_randomness(layers, seed)
        return loss_and_grad(compute_grad)

    _, grads = evaluate(compute_grad=True)
    input_grads = _as_list(net.backward(grads if len(grads) > 1 else grads[0], to_input=True))
    if net.penalties is not None:
        net.penalties.add_weight_gradients()
    analytical, targets = {}, {}
    for i, (grad, array) in enumerate(zip(input_grads, xs)):
        if grad is not None:
            key = "input" if len(xs) == 1 else f"input_{i}"
            analytical[key], targets[key] = grad, array
    for layer in net._leaf_layers():
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
