"""``evaluate`` and ``predict``: a model's loss, metrics and outputs on data, in batches."""
import contextlib

import numpy as np

from numpynn.layers import fusion
from numpynn.models import batches
from numpynn.models.plan import apply_flags
from numpynn.utils.progbar import Progbar, resolve_verbose


class Evaluator:
    """The evaluation half of ``Model`` (``Trainer`` builds on it): it runs the model's plan
    forward on batches of arrays or of any data source."""

    @contextlib.contextmanager
    def _reusing_buffers(self):
        """Inside fit/evaluate/predict loops, layers keep their output and gradient arrays
        between batches instead of allocating new ones (see ``Layer.reuse_buffers``), ask
        for the input gradients the training step needs, and a convolution's ReLU moves
        after the max pooling that takes its output (``numpynn.layers.fusion``)."""
        layers = self._plan.layers
        previous = [layer.reuse_buffers for layer in layers]
        for layer in layers:
            layer.reuse_buffers = True
        if self._compiled_outputs is not None:
            apply_flags(self._train_flags)
        try:
            with fusion.conv_relu_pool(self._plan.chained_pairs()):
                yield
        finally:
            for layer, value in zip(layers, previous):
                layer.reuse_buffers = value

    def _evaluation_batches(self, x, y=None, sample_weight=None, batch_size=None, steps=None,
                            what="x"):
        """The batches ``evaluate`` (or ``fit``'s validation) runs on, in order."""
        if isinstance(x, batches.ArrayBatches):  # split off by validation_split
            return x
        if batches.is_arrays(x):
            if steps is not None:
                raise ValueError(f"steps applies to data sets, generators and PyDatasets; "
                                 f"with arrays as {what}, choose the batch size.")
            xs, ys, ws = self._prepare(x, y, False, sample_weight)
            return batches.ArrayBatches(xs, ys, ws, batches.batch_size_for(batch_size,
                                                                           len(xs[0])))
        source = batches.SourceBatches(lambda x, y, w: self._prepare(x, y, False, w), x,
                                       y, sample_weight, None, steps, from_start=True)
        source.first()  # builds the model
        return source

    def _evaluate_logs(self, batches_, prefix="", progbar=None):
        compiled = self._compiled_outputs
        compiled.reset()
        with self._reusing_buffers():
            for step, (xs, ys, ws) in batches_.epoch():
                outputs = self._plan.forward(self._forward_calls, xs, False)
                compiled.update(ys, outputs, ws)
                if self.penalties is not None:
                    compiled.add_penalty(self.penalties.total(), len(outputs[0]))
                if progbar:
                    progbar.update(step + 1)
        return compiled.results(prefix)

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, return_dict=False):
        """Loss (and metrics) on (x, y), each sample's loss weighed by ``sample_weight``
        (as in ``fit``; ``x`` may also be a data set, generator or PyDataset, read for
        ``steps`` batches or to its end): a float when that is all, else a list in Keras'
        order (the loss, each output's loss, the metrics), or a dict with
        ``return_dict=True``."""
        self._check_compiled("evaluate")
        source = self._evaluation_batches(x, y, sample_weight, batch_size, steps)
        verbose = resolve_verbose(verbose)
        bar = Progbar(source.num_batches, verbose) if verbose else None
        logs = self._evaluate_logs(source, progbar=bar)
        if bar:
            bar.update(bar.seen, logs, finalize=True)
        if return_dict:
            return logs
        values = self._compiled_outputs.ordered_values(logs)
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size=None, verbose="auto", steps=None):
        """Outputs for ``x``, computed in batches of ``batch_size`` (default 32), in the
        form of the model's outputs; ``x`` may also be a data set, generator or PyDataset
        (its ``x`` parts, for ``steps`` batches or to its end). Samples with NaN or infinite
        inputs get NaN (or infinite) outputs."""
        if batches.is_arrays(x):
            xs = self._inputs(x, finite=False)
            source = batches.ArrayBatches(xs, [], [], batches.batch_size_for(batch_size,
                                                                             len(xs[0])))
            # the outputs go straight into arrays of every sample's outputs
            results = [np.empty((source.n,) + tuple(t.shape[1:]), dtype=self.dtype)
                       for t in self.outputs]
        else:
            source = batches.SourceBatches(
                lambda x, *_: (self._inputs(x, finite=False), [], []), x, steps=steps)
            source.first()  # builds the model
            results = None  # each batch's outputs, copied (the layers reuse their arrays)
        verbose = resolve_verbose(verbose)
        bar = Progbar(source.num_batches, verbose) if verbose else None
        parts, done = [[] for _ in self.outputs], 0
        with self._reusing_buffers():
            for step, (xs, _, _) in source.epoch():
                outputs = self._plan.forward(self._forward_calls, xs, False)
                for i, output in enumerate(outputs):
                    if results is None:
                        parts[i].append(output.copy())
                    else:
                        results[i][done:done + len(output)] = output
                done += len(outputs[0])
                if bar:
                    bar.update(step + 1)
        if bar:
            bar.update(bar.seen, finalize=True)
        return self._output_structure.pack(results or [np.concatenate(p) for p in parts])
