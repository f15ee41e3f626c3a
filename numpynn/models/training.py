"""``compile``, ``fit``, ``evaluate``, ``predict``: training a model on arrays, as Keras.

Data for a model with several inputs or outputs is a list (in the order of
``model.inputs`` / ``model.outputs``) or a dict keyed by the input/output layer names.
One epoch is one pass over every batch; with ``batch_size=len(x)`` it is a single
full-batch gradient-descent step.
"""
import contextlib

import numpy as np

from numpynn import backend, losses, optimizers
from numpynn.callbacks import Callback, CallbackList, History, ProgbarLogger
from numpynn.distribute.base import SINGLE_PROCESS, Strategy
from numpynn.layers import fusion
from numpynn.models import data, sample_weights
from numpynn.models.output_losses import OutputLosses, metrics_per_output, per_output
from numpynn.models.plan import apply_flags
from numpynn.utils.progbar import Progbar, is_interactive


class Trainer:
    """The training half of ``Model``: it runs the model's plan (``_plan``, ``buffer``,
    ``penalties``) on batches of data."""

    def __init__(self):
        self.compiled = False
        self.optimizer = None
        self.loss = None
        self.metrics = None  # metric objects, made once the output shapes are known
        self.stop_training = False
        self.history = None
        #: epochs completed by ``fit`` (saved with the model: the next ``initial_epoch``).
        self.epochs_trained = 0
        self._compiled_outputs = None
        #: where a restored backup continues: (epoch, step, that epoch's order or None)
        self._resume_at = None
        self._epoch_order = None  # the current epoch's sample order (for backups)
        #: how fit/evaluate share the work among processes (``compile(distribute=...)``)
        self.distribute_strategy = SINGLE_PROCESS

    # -- compile --------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, distribute=None, **unsupported):
        """Choose how to train: ``optimizer`` (name or object; Keras' default
        `"rmsprop"`), ``loss`` (name or object; for several outputs one for all, a list, or
        a dict keyed by output name), ``loss_weights`` (the total loss is the weighted sum
        of the outputs' losses) and ``metrics`` (names such as ``"accuracy"``; for several
        outputs a list of lists or a dict per output); ``weighted_metrics`` as ``metrics``,
        counting the sample weights of ``fit``/``evaluate`` (``metrics`` ignore them).
        ``distribute`` (e.g. ``numpynn.distribute.MPIDataParallel()``) trains on several
        processes; defaults to one.

        Changes of ``trainable`` made before take effect now (or at the next ``fit``)."""
        for key, value in unsupported.items():
            if value is not None:
                raise NotImplementedError(f"compile({key}=...) is not supported by numpynn.")
        if loss is None:
            raise ValueError("compile() needs a loss, e.g. loss='categorical_crossentropy'.")
        if distribute is not None and not isinstance(distribute, Strategy):
            raise TypeError(f"compile(distribute=...) takes a numpynn.distribute strategy such "
                            f"as MPIDataParallel(), got {distribute!r}.")
        self.distribute_strategy = distribute or SINGLE_PROCESS
        self.optimizer = optimizers.get(optimizer)
        self._compile_args = {"loss": loss, "loss_weights": loss_weights, "metrics": metrics,
                              "weighted_metrics": weighted_metrics}
        self.loss = _resolved(loss, losses.get)
        self.metrics = None
        self._compiled_outputs = None
        self.compiled = True
        self._layout_checked = False
        self._build_if_possible()
        if self.built:
            self._refresh_layout()
            self._compile_outputs()

    def _refresh_layout(self):
        """Rebuild the buffer (trainable weights first) if ``trainable`` flags changed since
        it was made, then bind the weights here."""
        if self.buffer is None or [t for _, _, t in self._weight_entries()] != \
                self._trainable_layout:
            self._make_buffer()

    def _ensure_optimizer(self):
        """(Re)build the optimizer's state when it does not match the trainable parameters
        (as Keras, at the first ``fit`` after ``compile``), and the per-output losses and
        metrics once per compile and build."""
        if not self.optimizer.built or self.optimizer.size != self.n_trainable:
            self.optimizer.build(self._trainable_view())
        if self._compiled_outputs is None:
            self._compile_outputs()

    def _compile_outputs(self):
        names = self.output_names
        args = self._compile_args
        output_losses = per_output(self.loss, names, "loss")
        if all(loss is None for loss in output_losses):
            raise ValueError(f"compile(loss=...) gives no loss for any output of {names}.")
        weights = [float(w) for w in per_output(args["loss_weights"], names, "loss_weights",
                                                1.0)]
        outputs = OutputLosses(self, output_losses, weights,
                               metrics_per_output(args["metrics"], names),
                               metrics_per_output(args["weighted_metrics"], names))
        self._compiled_outputs = outputs
        self.metrics = [m for metrics in outputs.metrics for m in metrics]
        self._train_calls, self._train_flags = self._plan.backward_calls(
            outputs.trained, outputs.fused_positions, penalties=self.penalties)

    def _trainable_view(self):
        offsets = [int(o) for o in self.buffer.offsets if o <= self.n_trainable]

        model = self

        class View:  # what an optimizer needs to know of the parameters it updates
            size, dtype = self.n_trainable, self.dtype

            @property
            def paths(self):  # Keras' paths of the trainable weights (for MultiOptimizer)
                return [path for path, (_, _, trainable) in zip(model.variable_paths(),
                        model._weight_entries()) if trainable]
        View.offsets = offsets  # boundaries of the trainable weights (for clipnorm)
        View.shapes = self.buffer.shapes[:len(offsets) - 1]  # their shapes (for Adafactor)
        return View()

    def _check_compiled(self, what):
        if not self.compiled:
            raise RuntimeError(f"Call model.compile(optimizer=..., loss=...) before {what}().")

    @property
    def metrics_names(self):
        return ["loss"] + [m.name for m in self.metrics or []]

    # -- data -----------------------------------------------------------------------------
    def _inputs(self, x, finite=True):
        """The input arrays, one per model input, checked; builds a Sequential from them."""
        names = ["x"] if self._input_structure is None else \
            (["x"] if len(self.inputs) == 1 else [f"x[{n!r}]" for n in self.input_names])
        xs = [data.as_inputs(a, self.dtype, name, finite)
              for a, name in zip(self._input_list(x), names)]
        self._ensure_built(xs[0])
        for array, tensor in zip(xs, self.inputs):
            data.check_input_shape(array, tensor.shape)
        return xs

    def _prepare(self, x, y, training=True, sample_weight=None, class_weight=None):
        """Inputs, targets and sample weights (``None`` for an output without) as lists of
        checked arrays; the model built, bound to its buffer, and (``training``) ready to
        train."""
        xs = self._inputs(x)
        if training and not self._layout_checked:  # the first fit after compile
            self._refresh_layout()
            self._layout_checked = True
        if training:
            self._ensure_optimizer()
        elif self._compiled_outputs is None:
            self._compile_outputs()
        outputs = self._compiled_outputs
        if y is None:
            raise ValueError("y is None: pass the targets (labels) as a NumPy array.")
        ys = self._output_structure.flatten(y, self.output_names, "targets")
        ys = [data.as_targets(target, loss, tensor.shape, self.dtype)
              for target, loss, tensor in zip(ys, outputs.losses, self.outputs)]
        data.check_lengths(xs, ys)
        ws = sample_weights.per_output(sample_weight, class_weight, ys, self._output_structure,
                                       self.output_names, self.dtype)
        return xs, ys, ws

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

    # -- training -------------------------------------------------------------------------
    def train_step(self, x, y, sample_weight=None):
        """Forward, loss, backward and one optimizer update on a batch; returns the output."""
        xs = self._input_list(x)
        ys = self._output_structure.flatten(y, self.output_names, "targets")
        ws = sample_weights.per_output(sample_weight, None, ys, self._output_structure,
                                       self.output_names, self.dtype)
        return self._output_structure.pack(self._train_step(xs, ys, ws))

    def _train_step(self, xs, ys, ws=None):
        outputs = self._plan.forward(self._forward_calls, xs, True)
        compiled = self._compiled_outputs
        compiled.update(ys, outputs, ws)
        self._plan.backward(self._train_calls, compiled.gradients(ys, outputs, ws))
        n = self.n_trainable
        # data-parallel: the gradient of the global batch (one Allreduce); before the
        # penalties' gradients, which every process adds once
        self.distribute_strategy.reduce_gradients(self.buffer.grads[:n])
        if self.penalties is None:
            self.optimizer.apply(self.buffer.values[:n], self.buffer.grads[:n])
            return outputs
        compiled.add_penalty(self.penalties.total(), len(outputs[0]))
        self.penalties.add_weight_gradients()
        self.optimizer.apply(self.buffer.values[:n], self.buffer.grads[:n])
        self.penalties.apply_constraints()
        return outputs

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, initial_epoch=0,
            validation_batch_size=None, validation_freq=1, sample_weight=None,
            class_weight=None, **unsupported):
        """Train for ``epochs`` passes over (x, y) in mini-batches of ``batch_size``
        (default 32; ``batch_size=len(x)`` gives full-batch gradient descent).
        ``sample_weight`` (one weight per sample; per output as a list or dict) or
        ``class_weight`` ({class: weight}) weigh each sample's loss;
        ``validation_data`` may be ``(x_val, y_val, val_sample_weight)``.

        Returns a ``History`` whose ``history`` dict holds per-epoch ``loss``, metrics and,
        with validation data, ``val_loss`` and ``val_<metric>``.
        """
        for key, value in unsupported.items():
            if value is not None:
                raise NotImplementedError(f"fit({key}=...) is not supported by numpynn.")
        self._check_compiled("fit")
        xs, ys, ws = self._prepare(x, y, True, sample_weight, class_weight)
        if validation_data is None and validation_split:
            (xs, ys, ws), validation_data = data.split_validation(xs, ys, validation_split, ws)
            if class_weight is not None:  # Keras weighs the training samples only
                validation_data = validation_data[:2] + ([None] * len(ys),)
        elif validation_data is not None:
            if len(validation_data) not in (2, 3):
                raise ValueError("validation_data must be a tuple (x_val, y_val) or "
                                 "(x_val, y_val, val_sample_weight).")
            validation_data = self._prepare(*validation_data[:2], training=False,
                                            sample_weight=(validation_data[2:] or [None])[0])
        n = len(xs[0])
        batch_size = _batch_size(batch_size, n)
        verbose = _resolve_verbose(verbose)
        steps = -(-n // batch_size)
        history = History()
        strategy = self.distribute_strategy
        # Keras' order: the user's callbacks first, so that History records what they add to
        # the logs (e.g. ReduceLROnPlateau's learning_rate), then the progress bar.
        cbs = list(callbacks or []) + [history]
        cbs.sort(key=lambda cb: getattr(cb, "runs_last", False))  # BackupAndRestore
        if verbose and strategy.is_chief:  # data-parallel: one process prints
            cbs.append(ProgbarLogger(verbose))
        callback_list = CallbackList(cbs, self, {"epochs": epochs, "steps": steps,
                                                 "verbose": verbose}, chief=strategy.is_chief)
        # Batches are gathered into these arrays (rows picked in shuffled order). The indices
        # come from a permutation, so always in range: mode="clip" checks nothing and lets
        # np.take write straight into ``out`` (with the default mode="raise" it gathers into
        # a temporary array first and then copies that: about 1.5x the time).
        x_batches = [np.empty((batch_size,) + a.shape[1:], dtype=a.dtype) for a in xs]
        y_batches = [np.empty((batch_size,) + a.shape[1:], dtype=a.dtype) for a in ys]
        w_batches = sample_weights.batch_buffers(ws, batch_size)
        # else no per-batch logs dict; the same on every process (data-parallel: the logs
        # are summed over them, and one of them prints)
        batch_logs = _overrides(cbs + [ProgbarLogger(verbose)] * bool(verbose),
                                "on_train_batch_end")
        compiled = self._compiled_outputs
        self.stop_training = False
        callback_list.on_train_begin()
        strategy.begin_fit(self, n, batch_size, epochs, shuffle)  # data-parallel: rank 0's state
        initial_epoch, first_step, order = self._resume_at or (initial_epoch, 0, None)
        self._resume_at, logs = None, {}
        with self._reusing_buffers():
            for epoch in range(initial_epoch, epochs):
                compiled.reset()
                callback_list.on_epoch_begin(epoch)
                if order is None:
                    order = backend.rng().permutation(n) if shuffle else np.arange(n)
                self._epoch_order = order
                for step in range(first_step, steps):
                    # data-parallel: this process's rows of the global batch
                    index = strategy.local_rows(order[step * batch_size:(step + 1) * batch_size])
                    xb = [np.take(a, index, axis=0, out=b[:len(index)], mode="clip")
                          for a, b in zip(xs, x_batches)]
                    yb = [np.take(a, index, axis=0, out=b[:len(index)], mode="clip")
                          for a, b in zip(ys, y_batches)]
                    wb = sample_weights.take(ws, index, w_batches)
                    callback_list.on_train_batch_begin(step)
                    self._train_step(xb, yb, wb)
                    callback_list.on_train_batch_end(step, strategy.results(compiled)
                                                     if batch_logs else None)
                    if self.stop_training:
                        break
                logs = strategy.results(compiled)  # data-parallel: summed over processes
                order, first_step = None, 0
                if validation_data is not None and (epoch + 1) % validation_freq == 0:
                    logs.update(self._evaluate_logs(*validation_data,
                                                    validation_batch_size or batch_size, "val_"))
                self.epochs_trained = epoch + 1  # before the callbacks: a checkpoint records it
                callback_list.on_epoch_end(epoch, logs)
                if self.stop_training:
                    break
        strategy.end_fit()
        if epochs > 0:  # Keras: e.g. the weights take their moving average (use_ema)
            self.optimizer.finalize_variable_values(self.buffer.values[:self.n_trainable])
        callback_list.on_train_end(logs)
        return history

    # -- evaluation and prediction --------------------------------------------------------
    def _evaluate_logs(self, xs, ys, ws, batch_size, prefix="", progbar=None):
        compiled = self._compiled_outputs
        compiled.reset()
        xs, ys, ws = self.distribute_strategy.shard(xs, ys, ws)  # data-parallel: a share each
        n = len(xs[0])
        with self._reusing_buffers():
            for start in range(0, n, batch_size):
                batch = slice(start, start + batch_size)
                outputs = self._plan.forward(self._forward_calls, [a[batch] for a in xs], False)
                compiled.update([a[batch] for a in ys], outputs,
                                sample_weights.rows(ws, batch))
                if self.penalties is not None:
                    compiled.add_penalty(self.penalties.total(), len(outputs[0]))
                if progbar:
                    progbar.update(min(start + batch_size, n) // batch_size)
        return self.distribute_strategy.results(compiled, prefix)

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 return_dict=False):
        """Loss (and metrics) on (x, y), each sample's loss weighed by ``sample_weight``
        (as in ``fit``): a float when that is all, else a list in Keras' order (the loss,
        each output's loss, the metrics), or a dict with ``return_dict=True``."""
        self._check_compiled("evaluate")
        xs, ys, ws = self._prepare(x, y, training=False, sample_weight=sample_weight)
        batch_size = _batch_size(batch_size, len(xs[0]))
        verbose = _resolve_verbose(verbose)
        bar = Progbar(-(-len(xs[0]) // batch_size), verbose) \
            if verbose and self.distribute_strategy.is_chief else None
        logs = self._evaluate_logs(xs, ys, ws, batch_size, progbar=bar)
        if bar:
            bar.update(bar.target, logs, finalize=True)
        if return_dict:
            return logs
        values = self._compiled_outputs.ordered_values(logs)
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size=None, verbose="auto"):
        """Outputs for ``x``, computed in batches of ``batch_size`` (default 32), in the
        form of the model's outputs. Samples with NaN or infinite inputs get NaN (or
        infinite) outputs."""
        xs = self._inputs(x, finite=False)
        n = len(xs[0])
        batch_size = _batch_size(batch_size, n)
        verbose = _resolve_verbose(verbose)
        steps = -(-n // batch_size)
        bar = Progbar(steps, verbose) if verbose else None
        results = [np.empty((n,) + tuple(t.shape[1:]), dtype=self.dtype) for t in self.outputs]
        with self._reusing_buffers():
            for step, start in enumerate(range(0, n, batch_size)):
                batch = slice(start, start + batch_size)
                outputs = self._plan.forward(self._forward_calls, [a[batch] for a in xs], False)
                for result, output in zip(results, outputs):
                    result[batch] = output
                if bar:
                    bar.update(step + 1)
        if bar:
            bar.update(steps, finalize=True)
        return self._output_structure.pack(results)


def _resolved(spec, get):
    """``spec`` with each loss name or object resolved (a list or dict kept as such)."""
    if isinstance(spec, dict):
        return {key: None if value is None else get(value) for key, value in spec.items()}
    if isinstance(spec, (list, tuple)):
        return [None if value is None else get(value) for value in spec]
    return get(spec)


def _batch_size(batch_size, n):
    if batch_size is None:
        return min(32, max(n, 1))
    if int(batch_size) != batch_size or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}.")
    return int(min(batch_size, max(n, 1)))


def _overrides(callbacks, hook):
    """Whether any of ``callbacks`` does something in ``hook``."""
    return any(getattr(getattr(cb, hook), "__func__", None) is not getattr(Callback, hook)
               for cb in callbacks)


def _resolve_verbose(verbose):
    """Keras' ``verbose="auto"`` is 1 (bar); when output is not a terminal or notebook a
    bar would flood logs, so numpynn then prints one line per epoch instead."""
    if verbose == "auto":
        return 1 if is_interactive() else 2
    if verbose not in (0, 1, 2):
        raise ValueError(f"verbose must be 0, 1, 2 or 'auto', got {verbose!r}.")
    return verbose
