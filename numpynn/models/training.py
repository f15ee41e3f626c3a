"""``compile``, ``fit``, ``evaluate``, ``predict``: training a model on arrays, as Keras.

Data for a model with several inputs or outputs is a list (in the order of
``model.inputs`` / ``model.outputs``) or a dict keyed by the input/output layer names.
One epoch is one pass over every batch; with ``batch_size=len(x)`` it is a single
full-batch gradient-descent step.
"""
import numpy as np

from numpynn import backend, losses, optimizers
from numpynn.callbacks import Callback, CallbackList, History, ProgbarLogger
from numpynn.models import batches, data, sample_weights
from numpynn.models.output_losses import OutputLosses, metrics_per_output, per_output
from numpynn.models.evaluation import Evaluator
from numpynn.utils.progbar import resolve_verbose


class Trainer(Evaluator):
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
        #: where the next fit continues (``resume_fit``): (epoch, step, order, totals)
        self._resume_at = None
        self._fit_batches = None  # the running fit's batches

    # -- compile --------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, **unsupported):
        """Choose how to train: ``optimizer`` (name or object; Keras' default
        `"rmsprop"`), ``loss`` (name or object; for several outputs one for all, a list, or
        a dict keyed by output name), ``loss_weights`` (the total loss is the weighted sum
        of the outputs' losses) and ``metrics`` (names such as ``"accuracy"``; for several
        outputs a list of lists or a dict per output); ``weighted_metrics`` as ``metrics``,
        counting the sample weights of ``fit``/``evaluate`` (``metrics`` ignore them).

        Changes of ``trainable`` made before take effect now (or at the next ``fit``)."""
        for key, value in unsupported.items():
            if value is not None:
                raise NotImplementedError(f"compile({key}=...) is not supported by numpynn.")
        if loss is None:
            raise ValueError("compile() needs a loss, e.g. loss='categorical_crossentropy'.")
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
        if self.penalties is None:
            self.optimizer.apply(self.buffer.values[:n], self.buffer.grads[:n])
            return outputs
        compiled.add_penalty(self.penalties.total(), len(outputs[0]))
        self.penalties.add_weight_gradients()
        self.optimizer.apply(self.buffer.values[:n], self.buffer.grads[:n])
        self.penalties.apply_constraints()
        return outputs

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1, **unsupported):
        """Train for ``epochs`` passes over the data in mini-batches.

        ``x`` (with ``y``) is arrays, batched by ``batch_size`` (default 32;
        ``batch_size=len(x)`` gives full-batch gradient descent), or a source of whole
        batches ``(x, y)`` / ``(x, y, sample_weight)``: a ``numpynn.data.Dataset``, a
        generator or other iterable, or a ``PyDataset``. ``steps_per_epoch`` batches make an
        epoch (default: one pass over the data; the next epoch goes on where one stopped).
        ``sample_weight`` (one weight per sample; per output as a list or dict) or
        ``class_weight`` ({class: weight}) weigh each sample's loss. ``validation_data`` is
        ``(x_val, y_val[, val_sample_weight])`` or a source as ``x`` (``validation_steps``
        batches of it); ``validation_split`` holds out the last fraction of array data.

        Returns a ``History`` whose ``history`` dict holds per-epoch ``loss``, metrics and,
        with validation data, ``val_loss`` and ``val_<metric>``.
        """
        for key, value in unsupported.items():
            if value is not None:
                raise NotImplementedError(f"fit({key}=...) is not supported by numpynn.")
        self._check_compiled("fit")
        if not batches.is_arrays(x) and validation_split:
            raise ValueError("validation_split applies to array data only; with a data set, "
                             "generator or PyDataset pass validation_data.")
        training, validation = self._training_batches(
            x, y, batch_size, shuffle, sample_weight, class_weight, steps_per_epoch,
            validation_split, validation_data, validation_batch_size)
        if validation is not None and not isinstance(validation, batches.ArrayBatches):
            validation = self._evaluation_batches(
                *_validation_parts(validation), validation_batch_size or
                getattr(training, "batch_size", None), validation_steps, "validation_data")
        verbose = resolve_verbose(verbose)
        history = History()
        # Keras' order: the user's callbacks first, so that History records what they add to
        # the logs (e.g. ReduceLROnPlateau's learning_rate), then the progress bar.
        cbs = list(callbacks or []) + [history]
        cbs.sort(key=lambda cb: getattr(cb, "runs_last", False))  # BackupAndRestore
        if verbose:
            cbs.append(ProgbarLogger(verbose))
        callback_list = CallbackList(cbs, self, {"epochs": epochs,
                                                 "steps": training.num_batches,
                                                 "verbose": verbose})
        batch_logs = _overrides(cbs, "on_train_batch_end")  # else no per-batch logs dict
        compiled = self._compiled_outputs
        self.stop_training = False
        self._fit_batches = training
        callback_list.on_train_begin()
        initial_epoch, first_step, order, totals = self._resume_at or (initial_epoch, 0, None,
                                                                        None)
        self._resume_at, logs = None, {}
        with self._reusing_buffers():
            for epoch in range(initial_epoch, epochs):
                compiled.reset()
                if totals is not None:  # a resumed epoch: its batches before the backup
                    compiled.set_state(totals)
                callback_list.on_epoch_begin(epoch)
                ran = False
                for step, (xb, yb, wb) in training.epoch(first_step, order):
                    ran = True
                    callback_list.on_train_batch_begin(step)
                    self._train_step(xb, yb, wb)
                    callback_list.on_train_batch_end(step, compiled.results() if batch_logs
                                                     else None)
                    if self.stop_training:
                        break
                if not ran and training.ran_out:  # a used-up generator: Keras stops
                    break
                logs = compiled.results()
                order, first_step, totals = None, 0, None
                if validation is not None and (epoch + 1) % validation_freq == 0:
                    logs.update(self._evaluate_logs(validation, "val_"))
                self.epochs_trained = epoch + 1  # before the callbacks: a checkpoint records it
                callback_list.on_epoch_end(epoch, logs)
                if self.stop_training or training.ran_out:
                    break
        self._fit_batches = None
        if epochs > 0:  # Keras: e.g. the weights take their moving average (use_ema)
            self.optimizer.finalize_variable_values(self.buffer.values[:self.n_trainable])
        callback_list.on_train_end(logs)
        return history

    def _training_batches(self, x, y, batch_size, shuffle, sample_weight, class_weight, steps,
                          validation_split, validation_data, validation_batch_size):
        """``fit``'s batches, and its validation data: as given, or split off the arrays
        (then as ``ArrayBatches``)."""
        if not batches.is_arrays(x):
            source = batches.SourceBatches(
                lambda x, y, w: self._prepare(x, y, True, w), x, y, sample_weight,
                batch_size, steps, shuffle, class_weight)
            source.first()  # builds the model before the callbacks see it
            return source, validation_data
        if steps is not None:
            raise ValueError("steps_per_epoch applies to data sets, generators and PyDatasets; "
                             "with arrays, choose batch_size (an epoch is one pass).")
        xs, ys, ws = self._prepare(x, y, True, sample_weight, class_weight)
        if validation_data is None and validation_split:
            (xs, ys, ws), (x_val, y_val, w_val) = data.split_validation(xs, ys,
                                                                        validation_split, ws)
            if class_weight is not None:  # Keras weighs the training samples only
                w_val = [None] * len(ys)
            validation_data = batches.ArrayBatches(x_val, y_val, w_val, batches.batch_size_for(
                validation_batch_size or batch_size, len(x_val[0])))
        batch_size = batches.batch_size_for(batch_size, len(xs[0]))
        return batches.ArrayBatches(xs, ys, ws, batch_size, shuffle), validation_data

    # -- where fit stands (for BackupAndRestore) -----------------------------------------
    def fit_position(self):
        """Where the running ``fit`` stands within its epoch, for a backup: ``(order,
        totals)``, the epoch's sample order (`None` unless ``fit`` shuffles arrays) and the
        running loss and metric totals so far."""
        return self._fit_batches.order, self._compiled_outputs.state()

    def resume_fit(self, epoch, step=0, order=None, totals=None):
        """Make the next ``fit`` start at batch ``step`` of ``epoch``, in ``order``, with the
        running ``totals`` of that epoch's earlier batches (``fit_position`` of the run
        that stopped). A data source, rather than arrays, is read from the start of the
        epoch and its first ``step`` batches are skipped."""
        self._resume_at = (epoch, step, order, totals)

def _resolved(spec, get):
    """``spec`` with each loss name or object resolved (a list or dict kept as such)."""
    if isinstance(spec, dict):
        return {key: None if value is None else get(value) for key, value in spec.items()}
    if isinstance(spec, (list, tuple)):
        return [None if value is None else get(value) for value in spec]
    return get(spec)


def _overrides(callbacks, hook):
    """Whether any of ``callbacks`` does something in ``hook``."""
    return any(getattr(getattr(cb, hook), "__func__", None) is not getattr(Callback, hook)
               for cb in callbacks)


def _validation_parts(validation_data):
    """``(x, y, sample_weight)`` of ``fit``'s ``validation_data``: a tuple of arrays
    ``(x_val, y_val[, val_sample_weight])``, or a data source (its batches hold them)."""
    if not batches.is_arrays(validation_data):
        return validation_data, None, None
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
        raise ValueError("validation_data must be a tuple (x_val, y_val) or "
                         "(x_val, y_val, val_sample_weight), or a data set, generator or "
                         "PyDataset.")
    return validation_data[0], validation_data[1], (list(validation_data[2:]) or [None])[0]
