"""What ``compile`` sets for each output of a model: its loss, loss weight and metrics; the
gradients that start the backward pass; and the running values ``fit`` reports.

The total loss is the weighted sum over the outputs that have a loss (plus the
regularization penalties)::

    L = sum_i loss_weight_i * loss_i(y_i, output_i)

Logs use Keras' names: ``loss`` (the total); with several outputs ``<output>_loss`` for
each output's own (unweighted) loss when more than one has a loss, and
``<output>_<metric>`` for the metrics. A single output keeps ``loss`` and the metric names.
"""
import warnings

from numpynn import losses as losses_module, metrics as metrics_module
from numpynn.models.running_metrics import RunningMetrics


def per_output(spec, names, what, default=None):
    """One entry per output from one value for all, a list (one per output) or a dict
    keyed by output name (missing names get ``default``)."""
    if isinstance(spec, dict):
        unknown = sorted(set(spec) - set(names))
        if unknown:
            raise ValueError(f"compile({what}=...) names {unknown}, which are not outputs of "
                             f"the model; its outputs are {names}.")
        return [spec.get(name, default) for name in names]
    if isinstance(spec, (list, tuple)) and len(names) > 1:
        if len(spec) != len(names):
            raise ValueError(f"compile({what}=...) got {len(spec)} entries for a model with "
                             f"{len(names)} outputs ({', '.join(names)}); give one per output "
                             "or a dict keyed by output name.")
        return list(spec)
    if isinstance(spec, (list, tuple)) and len(spec) == 1 and what == "loss":
        return list(spec)
    return [default if spec is None else spec] * len(names)


def metrics_per_output(spec, names):
    """Metric lists per output: a flat list for a single output, else a list of lists
    (or of single metrics) or a dict keyed by output name, as Keras requires."""
    if spec is None or (isinstance(spec, (list, tuple)) and not spec):
        return [[] for _ in names]
    if isinstance(spec, dict):
        return [_as_list(m) for m in per_output(spec, names, "metrics", [])]
    if not isinstance(spec, (list, tuple)):
        raise TypeError(f"compile(metrics=...) takes a list of metrics (or a dict per output), "
                        f"got {spec!r}.")
    if len(names) == 1:
        return [list(spec)]
    if len(spec) != len(names) or not any(isinstance(m, (list, tuple)) for m in spec):
        raise ValueError(f"For a model with several outputs ({', '.join(names)}), give "
                         "metrics as a list with one list per output, e.g. "
                         "[['accuracy'], []], or as a dict keyed by output name; got "
                         f"metrics={spec!r}.")
    return [_as_list(m) for m in spec]


def _as_list(metrics):
    if metrics is None:
        return []
    return list(metrics) if isinstance(metrics, (list, tuple)) else [metrics]


class OutputLosses:
    """The losses, loss weights and metrics of each output of a built ``model``.

    Args:
        model: the built model (its plan tells which outputs can fuse their gradient).
        losses: one ``Loss`` (or ``None``) per output.
        loss_weights: one float per output.
        metric_specs: one list of metric names or objects per output.
        weighted_metric_specs: the same for the metrics that count the sample weights
            (named ``weighted_<name>`` where a plain metric has the name).
    """

    def __init__(self, model, losses, loss_weights, metric_specs, weighted_metric_specs=None):
        self.names, self.losses, self.weights = model.output_names, losses, loss_weights
        shapes = [t.shape for t in model.outputs]
        weighted_metric_specs = weighted_metric_specs or [[] for _ in losses]
        plain = [metrics_module.compile_metrics(specs, loss, shape[-1])
                 for specs, loss, shape in zip(metric_specs, losses, shapes)]
        weighted = [_weighted(metrics_module.compile_metrics(specs, loss, shape[-1]), taken)
                    for specs, loss, shape, taken in zip(weighted_metric_specs, losses, shapes,
                                                         plain)]
        #: each output's metrics (the weighted ones last), in the order Keras reports them.
        self.metrics = [p + w for p, w in zip(plain, weighted)]
        self.running = [RunningMetrics(loss, p, w) if loss is not None or p or w else None
                        for loss, p, w in zip(losses, plain, weighted)]
        self.trained = [i for i, loss in enumerate(losses) if loss is not None]
        self.slots = model._plan.output_slots
        producers = {step.target: step for step in model._plan.steps}
        self.fused = [self._fuses(producers.get(slot), loss, self.slots)
                      for slot, loss in zip(self.slots, losses)]
        for step, loss, shape in zip([producers.get(s) for s in self.slots], losses, shapes):
            _warn_suspicious_pairing(loss, getattr(getattr(step, "layer", None),
                                                   "activation", None), shape[-1])
        self.one_output = len(self.names) == 1 and loss_weights[0] == 1.0
        self._penalty_total = 0.0

    @staticmethod
    def _fuses(step, loss, slots):
        """Whether the output's gradient can start at the logits: a softmax/sigmoid output
        layer with the matching cross-entropy, whose output feeds nothing else."""
        if step is None or loss is None or loss.fuses_with is None or loss.from_logits:
            return False
        name = getattr(getattr(step.layer, "activation", None), "name", None)
        return (name == loss.fuses_with and hasattr(step.layer, "backward_from_logits")
                and not step.consumers and slots.count(step.target) == 1
                and step.layer.activity_regularizer is None)

    @property
    def fused_positions(self):
        return [i for i in self.trained if self.fused[i]]

    def gradients(self, ys, outputs, sample_weights=None):
        """``[(output slot, gradient)]`` that start the backward pass: weight *
        dL_i/d(output) for each output with a loss (dL_i/dz at the logits where it fuses).
        Per-sample weights of the loss (one array or ``None`` per output) enter here."""
        seeds = []
        sample_weights = sample_weights or [None] * len(ys)
        for i in self.trained:
            loss = self.losses[i]
            # passed only when given: a custom loss's gradient may not take sample weights
            weights = () if sample_weights[i] is None else (sample_weights[i],)
            if self.fused[i]:
                grad = loss.logits_gradient(ys[i], outputs[i], *weights)
            else:
                grad = loss.gradient(ys[i], outputs[i], *weights)
            if self.weights[i] != 1.0:
                grad = grad * grad.dtype.type(self.weights[i])
            seeds.append((self.slots[i], grad))
        return seeds

    # -- running values -------------------------------------------------------------------
    def reset(self):
        self._penalty_total = 0.0
        for running in self.running:
            if running is not None:
                running.reset()

    def state(self):
        """The running totals so far, ``{name: number or array}`` (for a backup taken in the
        middle of an epoch; ``set_state`` takes them back)."""
        state = {"penalty_total": self._penalty_total}
        for i, running in enumerate(self.running):
            if running is not None:
                state.update({f"{i}/{name}": value for name, value in running.state().items()})
        return state

    def set_state(self, state):
        self._penalty_total = state["penalty_total"]
        for i, running in enumerate(self.running):
            if running is not None:
                prefix = f"{i}/"
                running.set_state({name[len(prefix):]: value for name, value in state.items()
                                   if name.startswith(prefix)})

    def update(self, ys, outputs, sample_weights=None):
        sample_weights = sample_weights or [None] * len(ys)
        for running, y, output, weights in zip(self.running, ys, outputs, sample_weights):
            if running is not None:
                running.update(y, output, weights)

    def add_penalty(self, value, count):
        """Count ``value`` (a regularization penalty) into the loss of ``count`` samples."""
        if self.one_output:
            self.running[0].add_to_loss(value, count)
        else:
            self._penalty_total += value * count

    def results(self, prefix=""):
        """The logs: ``{prefix + "loss": ..., ...}`` sorted by name (see the module)."""
        if self.one_output:
            return self.running[0].results(prefix)
        logs, total, count = {}, 0.0, 0
        several_losses = len(self.trained) > 1
        for name, weight, running in zip(self.names, self.weights, self.running):
            if running is None:
                continue
            values = running.results()
            count = max(count, running.count)
            if "loss" in values:
                total += weight * values["loss"]
                if several_losses:
                    logs[f"{prefix}{name}_loss"] = values["loss"]
            key = f"{prefix}{name}_" if len(self.names) > 1 else prefix
            logs.update({key + m.name: values[m.name] for m in running.metrics})
        logs[prefix + "loss"] = total + self._penalty_total / max(count, 1)
        return dict(sorted(logs.items()))

    def ordered_values(self, logs):
        """Keras' ``evaluate`` list: the loss, then each output's loss, then the metrics
        (in compile order for one output, else sorted by name)."""
        if len(self.names) == 1:
            return [logs["loss"]] + [logs[m.name] for m in self.metrics[0]]
        first = ["loss"] + [f"{self.names[i]}_loss" for i in self.trained
                            if f"{self.names[i]}_loss" in logs]
        return [logs[k] for k in first] + [logs[k] for k in sorted(logs) if k not in first]


def _weighted(metrics, plain):
    """Keras' names for weighted metrics: ``weighted_<name>`` where a plain metric of the
    output already has the name."""
    taken = {m.name for m in plain}
    for metric in metrics:
        if metric.name in taken:
            metric.name = f"weighted_{metric.name}"
    return metrics


def _warn_suspicious_pairing(loss, activation, units):
    activation = getattr(activation, "name", None)
    if activation == "softmax" and units == 1:
        warnings.warn("The output layer is a softmax over a single unit: it always outputs "
                      "1.0, so nothing can be learned. Use Dense(1, activation='sigmoid') "
                      "for binary tasks.", stacklevel=5)
    if isinstance(loss, losses_module.BinaryCrossentropy) and activation == "softmax" \
            and units > 1:
        warnings.warn(f"binary_crossentropy on a {units}-unit softmax output: for one class "
                      "out of several use categorical_crossentropy (one-hot labels) or "
                      "sparse_categorical_crossentropy (integer labels).", stacklevel=5)
    if (isinstance(loss, (losses_module.CategoricalCrossentropy,
                          losses_module.SparseCategoricalCrossentropy))
            and not loss.from_logits and activation not in ("softmax", None)):
        warnings.warn(f"{loss.name} expects probabilities but the output activation is "
                      f"{activation!r}; use activation='softmax' or from_logits=True.",
                      stacklevel=5)
