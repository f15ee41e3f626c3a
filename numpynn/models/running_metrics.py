"""``RunningMetrics``: the loss and metrics that ``fit`` and ``evaluate`` report, averaged
over the samples seen since the last reset.

A loss value and an accuracy cost about twenty small NumPy calls. Made for every batch of 32
samples, that costs more than some layers' matrix products. So each batch's targets and
outputs are copied into a block of rows, and the loss and metrics are computed once per
full block (about 2**16 output values) or whenever the results are read. Each sample's
values are the same either way; only the order of the summation differs.
"""
import numpy as np

BLOCK_VALUES = 1 << 16  # output values held before the loss and metrics are computed


class RunningMetrics:
    """Running means of ``loss(y, output, sample_weight)`` and of each metric, per sample.

    Args:
        loss: a ``numpynn.losses.Loss``, or ``None`` for metrics only.
        metrics: objects with ``update_state(y, output, sample_weight=None)``, ``result()``,
            ``reset_state()`` and ``name``; they ignore the sample weights.
        weighted_metrics: the same, given the sample weights (Keras' ``weighted_metrics``).
    """

    def __init__(self, loss, metrics, weighted_metrics=()):
        self.loss, self.metrics = loss, list(metrics) + list(weighted_metrics)
        self.weighted = {id(m) for m in weighted_metrics}
        self._y = self._output = self._weights = None
        self.reset()

    def reset(self):
        self.loss_total, self.count, self._pending = 0.0, 0, 0
        for metric in self.metrics:
            metric.reset_state()

    def update(self, y, output, sample_weight=None):
        """Record one batch: ``y`` (batch, ...) targets, ``output`` (batch, ...) outputs,
        ``sample_weight`` (batch,) or ``None`` (each sample weighs 1)."""
        n = len(output)
        if not self._fits(y, output, sample_weight):
            self._compute()
            rows = max(n, BLOCK_VALUES // max(output[0].size, 1))
            self._y = np.empty((rows,) + y.shape[1:], dtype=y.dtype)
            self._output = np.empty((rows,) + output.shape[1:], dtype=output.dtype)
            self._weights = None if sample_weight is None else \
                np.ones((rows,) + np.shape(sample_weight)[1:], dtype=output.dtype)
        elif self._pending + n > len(self._output):
            self._compute()
        self._y[self._pending:self._pending + n] = y
        self._output[self._pending:self._pending + n] = output
        if self._weights is not None:
            self._weights[self._pending:self._pending + n] = \
                1.0 if sample_weight is None else sample_weight
        self._pending += n

    def state(self):
        """The totals so far: ``{"loss_total", "count", "<i>/<name>" for metric i's state}``."""
        self._compute()
        state = {"loss_total": self.loss_total, "count": self.count}
        for i, metric in enumerate(self.metrics):
            state.update({f"{i}/{name}": value for name, value in metric.state().items()})
        return state

    def set_state(self, state):
        self.loss_total, self.count = state["loss_total"], state["count"]
        for i, metric in enumerate(self.metrics):
            metric.set_state({name.split("/", 1)[1]: value for name, value in state.items()
                              if name.startswith(f"{i}/")})

    def add_to_loss(self, value, count):
        """Count ``value`` (a regularization penalty) into the loss of ``count`` samples
        recorded by ``update``."""
        self.loss_total += value * count

    def _fits(self, y, output, sample_weight):
        if sample_weight is not None and (self._weights is None or
                                          self._weights.shape[1:] != sample_weight.shape[1:]):
            return False
        return (self._output is not None and len(output) <= len(self._output)
                and y.shape[1:] == self._y.shape[1:] and y.dtype == self._y.dtype
                and output.shape[1:] == self._output.shape[1:]
                and output.dtype == self._output.dtype)

    def _compute(self):
        """Fold the recorded rows into the totals."""
        n = self._pending
        if n:
            y, output = self._y[:n], self._output[:n]
            weights = () if self._weights is None else (self._weights[:n],)
            if self.loss is not None:  # without weights, as a custom loss may not take them
                self.loss_total += self.loss(y, output, *weights) * n
            self.count += n
            for metric in self.metrics:
                if id(metric) in self.weighted and weights:
                    metric.update_state(y, output, sample_weight=weights[0])
                else:
                    metric.update_state(y, output)
            self._pending = 0

    def results(self, prefix=""):
        """``{prefix + "loss": mean loss, prefix + metric name: value, ...}``, sorted."""
        self._compute()
        logs = {} if self.loss is None else {prefix + "loss": self.loss_total / max(self.count, 1)}
        logs.update({prefix + m.name: m.result() for m in self.metrics})
        return dict(sorted(logs.items()))
