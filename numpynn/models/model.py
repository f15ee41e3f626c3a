"""``Model``: a stack of layers trained with backpropagation.

One training step on a batch (x, y), as the course draws it::

    forward:   a_0 = x,  a_i = layer_i.forward(a_{i-1})          # inference
    loss:      L = loss(y, a_n)
    backward:  g_n = dL/da_n,  g_{i-1} = layer_i.backward(g_i)    # error sent back
    update:    optimizer.apply(all parameters, all gradients)

One epoch is one such pass over every batch of the training data. With
``batch_size=len(x)`` each epoch is a single full-batch gradient-descent step.
"""
import contextlib
import warnings

import numpy as np

from numpynn import backend, losses, metrics as metrics_module, optimizers
from numpynn.callbacks import Callback, CallbackList, History, ProgbarLogger
from numpynn.layers import fusion
from numpynn.layers.input_layer import sample_shape
from numpynn.models import data
from numpynn.models.penalties import Penalties
from numpynn.models.running_metrics import RunningMetrics
from numpynn.models.summary import summary_lines
from numpynn.parameters import ParameterBuffer
from numpynn.utils.progbar import Progbar, is_interactive


class Model:
    """Layers applied in order, with Keras' ``compile``/``fit``/``evaluate``/``predict``."""

    def __init__(self, layers=None, name=None):
        self.name = name or backend.unique_name(backend.to_snake_case(type(self).__name__))
        self.layers = []
        self.input_shape = None
        self.built = False
        self.compiled = False
        self.optimizer = None
        self.loss = None
        self.metrics = None  # made from the compile settings once the output shape is known
        self.stop_training = False
        self.history = None
        self.buffer = None
        #: regularization losses and constraints of the layers (None when there are none).
        self.penalties = None
        #: epochs completed by ``fit`` (saved with the model: the next ``initial_epoch``).
        self.epochs_trained = 0
        for layer in layers or []:
            self.add(layer)

    def add(self, layer):
        raise NotImplementedError

    # -- building -------------------------------------------------------------------------
    @property
    def dtype(self):
        return np.dtype(self.layers[0].dtype if self.layers else backend.floatx())

    def build(self, input_shape=None):
        """Build every layer for ``input_shape`` (batch axis first, e.g. ``(None, 784)``) and
        gather all weights into one ParameterBuffer (trainable weights first)."""
        if input_shape is not None:
            self.input_shape = (None,) + tuple(input_shape[1:])
        if self.input_shape is None:
            raise ValueError(f"Model {self.name!r} does not know its input shape yet: give "
                             "the first layer input_shape=..., start with Input(shape=...), or "
                             "call fit/predict with data.")
        self.input_shape = (None,) + sample_shape(self.input_shape[1:])
        if not self.layers:
            raise ValueError(f"Model {self.name!r} has no layers.")
        dtypes = {layer.dtype for layer in self.layers}
        if len(dtypes) > 1:
            raise ValueError(f"All layers of a model must share one dtype, got {sorted(dtypes)}.")
        shape = self.input_shape
        for layer in self.layers:
            shape = layer.build_for(shape)
        self.output_shape = shape
        self._make_buffer()
        self.metrics = None  # "accuracy" and the fused gradient depend on the output layer
        self.built = True

    def _make_buffer(self):
        """Move all weights into one buffer, the trainable ones first (the optimizer sees
        only that leading part); layers keep views into it."""
        entries = [(layer, name) for layer in self.layers for name in layer.params]
        entries.sort(key=lambda entry: not entry[0].is_trainable_weight(entry[1]))  # stable
        self.buffer = ParameterBuffer([(f"{l.name}/{n}", l.params[n]) for l, n in entries],
                                      self.dtype)
        views = {entry: (value, grad) for entry, value, grad
                 in zip(entries, self.buffer.value_views, self.buffer.grad_views)}
        for layer in self.layers:
            pairs = [views[(layer, name)] for name in layer.params]
            layer.bind([v for v, _ in pairs], [g for _, g in pairs])
        self.n_trainable = sum(l.count_params(trainable=True) for l in self.layers)
        self._trainable_flags = self._trainability()
        # Backpropagation stops at the first layer with weights: what lies before it is data.
        # It stops no earlier than the last layer that sends back no input gradient.
        first = next((i for i, l in enumerate(self.layers) if l.params), len(self.layers))
        first = max([first] + [i for i, l in enumerate(self.layers)
                               if not l.sends_input_gradient])
        self._backward_start = first
        for i, layer in enumerate(self.layers):
            layer.input_grad_needed = i > first
        self.penalties = Penalties.gather(self.layers)

    def _ensure_built(self, x=None):
        """Build from the known input shape, else from the data ``x``; rebuild the buffer
        when layers were frozen or unfrozen."""
        if not self.built:
            self.build(self.input_shape or (None,) + x.shape[1:])
        elif self._trainable_flags != self._trainability():
            self._make_buffer()

    def _trainability(self):
        return [l.trainable for l in self.layers]

    def _ensure_optimizer(self):
        """(Re)build the optimizer's state when it does not match the trainable parameters,
        and the metrics once per compile and build."""
        if not self.optimizer.built or self.optimizer.size != self.n_trainable:
            self.optimizer.build(self._trainable_view())
        if self.metrics is None:
            self._prepare_metrics()

    def _trainable_view(self):
        offsets = [int(o) for o in self.buffer.offsets if o <= self.n_trainable]

        class View:  # what an optimizer needs to know of the parameters it updates
            size, dtype = self.n_trainable, self.dtype
        View.offsets = offsets  # boundaries of the trainable weights (for clipnorm)
        View.shapes = self.buffer.shapes[:len(offsets) - 1]  # their shapes (for Adafactor)
        return View

    # -- the two passes -------------------------------------------------------------------
    def forward(self, x, training=False):
        """Forward pass (inference): each layer's output is the next layer's input."""
        if self.penalties is not None and self.penalties.activity_layers:
            return self.penalties.forward(self.layers, x, training)
        for layer in self.layers:
            x = layer.forward(x, training=training)
        return x

    def backward(self, grad, to_input=False):
        """Backward pass: send dL/d(output) from the last layer back towards the input,
        filling every layer's weight gradients. ``to_input=True`` goes on through the
        layers before the first weight to return dL/dx (for gradient checks)."""
        layers = self.layers if to_input else self.layers[self._backward_start:]
        if self.penalties is not None and self.penalties.activity_layers:
            return self.penalties.backward(layers, grad)
        for layer in reversed(layers):
            grad = layer.backward(grad)
        return grad

    @contextlib.contextmanager
    def _reusing_buffers(self):
        """Inside fit/evaluate/predict loops, layers keep their output and gradient arrays
        between batches instead of allocating new ones (see ``Layer.reuse_buffers``), and a
        convolution's ReLU moves after the max pooling that follows it
        (``numpynn.layers.fusion``)."""
        previous = [layer.reuse_buffers for layer in self.layers]
        for layer in self.layers:
            layer.reuse_buffers = True
        activity = self.penalties is not None and self.penalties.activity_layers
        try:
            with fusion.conv_relu_pool([] if activity else self.layers):
                yield
        finally:
            for layer, value in zip(self.layers, previous):
                layer.reuse_buffers = value

    def __call__(self, x, training=False):
        x = np.asarray(x, dtype=self.dtype)
        self._ensure_built(x)
        return self.forward(x, training=training)

    # -- compile --------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, **unsupported):
        """Choose how to train: ``optimizer`` (name or object; Keras' default `"rmsprop"`),
        ``loss`` (name or object) and ``metrics`` (list of names such as ``"accuracy"``,
        ``numpynn.metrics`` objects, classes or functions)."""
        for key, value in unsupported.items():
            if value is not None:
                raise NotImplementedError(f"compile({key}=...) is not supported by numpynn.")
        if loss is None:
            raise ValueError("compile() needs a loss, e.g. loss='categorical_crossentropy'.")
        self.optimizer = optimizers.get(optimizer)
        self.loss = losses.get(loss)
        self._metric_specs = list(metrics or [])
        self.metrics = None
        self.compiled = True
        self._build_if_possible()
        if self.built:
            self._ensure_optimizer()

    def _prepare_metrics(self):
        units = self.output_shape[-1]
        self.metrics = metrics_module.compile_metrics(self._metric_specs, self.loss, units)
        self._running = RunningMetrics(self.loss, self.metrics)
        last = self.layers[-1]
        activation = getattr(last, "activation", None)
        name = getattr(activation, "name", None)
        self._fused = (self.loss.fuses_with is not None and name == self.loss.fuses_with
                       and not self.loss.from_logits and hasattr(last, "backward_from_logits")
                       and not (self.penalties and self.penalties.activity_layers))
        self._warn_suspicious_pairing(name, units)

    def _warn_suspicious_pairing(self, activation, units):
        loss = self.loss
        if activation == "softmax" and units == 1:
            warnings.warn("The output layer is a softmax over a single unit: it always outputs "
                          "1.0, so nothing can be learned. Use Dense(1, activation='sigmoid') "
                          "for binary tasks.", stacklevel=3)
        if isinstance(loss, losses.BinaryCrossentropy) and activation == "softmax" and units > 1:
            warnings.warn(f"binary_crossentropy on a {units}-unit softmax output: for one class "
                          "out of several use categorical_crossentropy (one-hot labels) or "
                          "sparse_categorical_crossentropy (integer labels).", stacklevel=3)
        if (isinstance(loss, (losses.CategoricalCrossentropy,
                              losses.SparseCategoricalCrossentropy))
                and not loss.from_logits and activation not in ("softmax", None)):
            warnings.warn(f"{loss.name} expects probabilities but the output activation is "
                          f"{activation!r}; use activation='softmax' or from_logits=True.",
                          stacklevel=3)

    def _check_compiled(self, what):
        if not self.compiled:
            raise RuntimeError(f"Call model.compile(optimizer=..., loss=...) before {what}().")

    # -- training -------------------------------------------------------------------------
    def train_step(self, x, y):
        """Forward, loss, backward and one optimizer update on a batch; returns the output."""
        output = self.forward(x, training=True)
        self._running.update(y, output)
        if self._fused:
            grad = self.layers[-1].backward_from_logits(self.loss.logits_gradient(y, output))
            for layer in reversed(self.layers[self._backward_start:-1]):
                grad = layer.backward(grad)
        else:
            self.backward(self.loss.gradient(y, output))
        n = self.n_trainable
        if self.penalties is None:
            self.optimizer.apply(self.buffer.values[:n], self.buffer.grads[:n])
            return output
        self._running.add_to_loss(self.penalties.total(), len(output))
        self.penalties.add_weight_gradients()
        self.optimizer.apply(self.buffer.values[:n], self.buffer.grads[:n])
        self.penalties.apply_constraints()
        return output

    def _prepare(self, x, y):
        x = data.as_inputs(x, self.dtype)
        self._ensure_built(x)
        data.check_input_shape(x, self.input_shape)
        self._ensure_optimizer()
        y = data.as_targets(y, self.loss, self.output_shape, self.dtype)
        data.check_lengths(x, y)
        return x, y

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, initial_epoch=0,
            validation_batch_size=None, validation_freq=1, **unsupported):
        """Train for ``epochs`` passes over (x, y) in mini-batches of ``batch_size``
        (default 32; ``batch_size=len(x)`` gives full-batch gradient descent).

        Returns a ``History`` whose ``history`` dict holds per-epoch ``loss``, metrics and,
        with validation data, ``val_loss`` and ``val_<metric>``.
        """
        for key, value in unsupported.items():
            if value is not None:
                raise NotImplementedError(f"fit({key}=...) is not supported by numpynn.")
        self._check_compiled("fit")
        x, y = self._prepare(x, y)
        if validation_data is None and validation_split:
            (x, y), validation_data = data.split_validation(x, y, validation_split)
        if validation_data is not None:
            if len(validation_data) != 2:
                raise ValueError("validation_data must be a tuple (x_val, y_val).")
            validation_data = self._prepare(*validation_data)
        batch_size = self._batch_size(batch_size, len(x))
        verbose = _resolve_verbose(verbose)
        steps = -(-len(x) // batch_size)
        history = History()
        # Keras' order: the user's callbacks first, so that History records what they add to
        # the logs (e.g. ReduceLROnPlateau's learning_rate), then the progress bar.
        cbs = list(callbacks or []) + [history]
        if verbose:
            cbs.append(ProgbarLogger(verbose))
        callback_list = CallbackList(cbs, self, {"epochs": epochs, "steps": steps,
                                                 "verbose": verbose})
        # Batches are gathered into these two arrays (rows picked in shuffled order). The
        # indices come from a permutation, so always in range: mode="clip" checks nothing and
        # lets np.take write straight into ``out`` (with the default mode="raise" it gathers
        # into a temporary array first and then copies that: about 1.5x the time).
        x_batch = np.empty((batch_size,) + x.shape[1:], dtype=x.dtype)
        y_batch = np.empty((batch_size,) + y.shape[1:], dtype=y.dtype)
        batch_logs = _overrides(cbs, "on_train_batch_end")  # else no per-batch logs dict
        self.stop_training = False
        callback_list.on_train_begin()
        with self._reusing_buffers():
            for epoch in range(initial_epoch, epochs):
                self._running.reset()
                callback_list.on_epoch_begin(epoch)
                order = backend.rng().permutation(len(x)) if shuffle else np.arange(len(x))
                for step in range(steps):
                    index = order[step * batch_size:(step + 1) * batch_size]
                    xb = np.take(x, index, axis=0, out=x_batch[:len(index)], mode="clip")
                    yb = np.take(y, index, axis=0, out=y_batch[:len(index)], mode="clip")
                    callback_list.on_train_batch_begin(step)
                    self.train_step(xb, yb)
                    callback_list.on_train_batch_end(step, self._running.results() if batch_logs
                                                     else None)
                    if self.stop_training:
                        break
                logs = self._running.results()
                if validation_data is not None and (epoch + 1) % validation_freq == 0:
                    logs.update(self._evaluate_logs(*validation_data,
                                                    validation_batch_size or batch_size, "val_"))
                self.epochs_trained = epoch + 1  # before the callbacks: a checkpoint records it
                callback_list.on_epoch_end(epoch, logs)
                if self.stop_training:
                    break
        if epochs > 0:  # Keras: e.g. the weights take their moving average (use_ema)
            self.optimizer.finalize_variable_values(self.buffer.values[:self.n_trainable])
        callback_list.on_train_end(logs if epochs > initial_epoch else {})
        return history

    @staticmethod
    def _batch_size(batch_size, n):
        if batch_size is None:
            return min(32, max(n, 1))
        if int(batch_size) != batch_size or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}.")
        return int(min(batch_size, max(n, 1)))

    # -- evaluation and prediction --------------------------------------------------------
    def _evaluate_logs(self, x, y, batch_size, prefix="", progbar=None):
        self._running.reset()
        with self._reusing_buffers():
            for start in range(0, len(x), batch_size):
                output = self.forward(x[start:start + batch_size], training=False)
                self._running.update(y[start:start + batch_size], output)
                if self.penalties is not None:
                    self._running.add_to_loss(self.penalties.total(), len(output))
                if progbar:
                    progbar.update(min(start + batch_size, len(x)) // batch_size)
        return self._running.results(prefix)

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", return_dict=False):
        """Loss (and metrics) on (x, y): a float when there are no metrics, else
        ``[loss, metric_1, ...]`` in compile order, or a dict with ``return_dict=True``."""
        self._check_compiled("evaluate")
        x, y = self._prepare(x, y)
        batch_size = self._batch_size(batch_size, len(x))
        verbose = _resolve_verbose(verbose)
        bar = Progbar(-(-len(x) // batch_size), verbose) if verbose else None
        logs = self._evaluate_logs(x, y, batch_size, progbar=bar)
        if bar:
            bar.update(bar.target, logs, finalize=True)
        if return_dict:
            return logs
        values = [logs["loss"]] + [logs[m.name] for m in self.metrics]
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size=None, verbose="auto"):
        """Outputs for ``x``, computed in batches of ``batch_size`` (default 32). Samples
        with NaN or infinite inputs get NaN (or infinite) outputs."""
        x = data.as_inputs(x, self.dtype, finite=False)
        self._ensure_built(x)
        data.check_input_shape(x, self.input_shape)
        batch_size = self._batch_size(batch_size, len(x))
        verbose = _resolve_verbose(verbose)
        steps = -(-len(x) // batch_size)
        bar = Progbar(steps, verbose) if verbose else None
        out = np.empty((len(x),) + tuple(self.output_shape[1:]), dtype=self.dtype)
        with self._reusing_buffers():
            for step, start in enumerate(range(0, len(x), batch_size)):
                out[start:start + batch_size] = self.forward(x[start:start + batch_size])
                if bar:
                    bar.update(step + 1)
        if bar:
            bar.update(steps, finalize=True)
        return out

    # -- saving (see numpynn.saving) -------------------------------------------------------
    def save(self, filepath, overwrite=True):
        """Save architecture, weights, compile settings, optimizer and training state to one
        file (atomically), in numpynn's format (``.npnn`` advised). A name ending in
        ``.keras`` writes a Keras 3 archive instead, which ``keras.models.load_model`` reads
        (see docs/interop.md)."""
        from numpynn import saving
        saving.save_model(self, filepath, overwrite=overwrite)

    def export(self, filepath, format="onnx", verbose=None, opset=17):
        """Write the model for inference elsewhere: ``format="onnx"`` (the only one) writes
        an ONNX graph (``opset`` >= 17, free batch size; needs ``numpynn[onnx]``). See
        ``numpynn.interop.onnx_export``."""
        if format != "onnx":
            raise ValueError(f"numpynn exports format='onnx' only, got format={format!r}.")
        from numpynn.interop.onnx_export import export_onnx
        export_onnx(self, filepath, opset=opset)
        if verbose:
            print(f"Saved the ONNX graph of {self.name!r} to {filepath}")

    def save_weights(self, filepath, overwrite=True):
        """Save only the weights, as an ``.npz`` file (``.weights.npz`` advised)."""
        from numpynn import saving
        saving.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath):
        """Load weights from ``save_weights``'s ``.npz`` or from a whole model file."""
        from numpynn import saving
        saving.load_weights(self, filepath)

    def to_json(self, **kwargs):
        """The architecture (no weights) as a JSON string; see ``models.model_from_json``."""
        from numpynn import saving
        return saving.model_to_json(self, **kwargs)

    # -- weights and description ----------------------------------------------------------
    def _build_if_possible(self):
        if not self.built and self.input_shape is not None and self.layers:
            self.build()

    def get_weights(self):
        """Copies of all weights, layer by layer (kernel before bias)."""
        self._build_if_possible()
        return [w for layer in self.layers for w in layer.get_weights()]

    def set_weights(self, weights):
        """Overwrite all weights from a list shaped like ``get_weights()``."""
        self._build_if_possible()
        weights = list(weights)
        expected = sum(len(layer.params) for layer in self.layers)
        if len(weights) != expected:
            raise ValueError(f"Model {self.name!r} has {expected} weight arrays, got {len(weights)}.")
        for layer in self.layers:
            count = len(layer.params)
            layer.set_weights(weights[:count])
            weights = weights[count:]

    @property
    def weights(self):
        return [w for layer in self.layers for w in layer.weights]

    @property
    def losses(self):
        """The regularization penalties, as Keras' ``model.losses``: each activity penalty
        of the last forward pass, then each weight penalty at the current weights."""
        return [] if self.penalties is None else self.penalties.losses()

    def count_params(self):
        self._build_if_possible()
        if not self.built:
            raise ValueError(f"Model {self.name!r} is not built yet: give it an input shape "
                             "(Input(shape=...)) or call it on data first.")
        return sum(layer.count_params() for layer in self.layers)

    @property
    def metrics_names(self):
        return ["loss"] + [m.name for m in self.metrics or []]

    def summary(self, print_fn=None):
        """Print the layer table: name (type), output shape, parameter count."""
        self._build_if_possible()
        if not self.built:
            raise ValueError(f"Model {self.name!r} is not built yet, so its shapes are unknown. "
                             "Give the first layer input_shape=..., start with Input(shape=...), "
                             "or call build()/fit() first.")
        for line in summary_lines(self):
            (print_fn or print)(line)

    def get_layer(self, name=None, index=None):
        if index is not None:
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No layer named {name!r}; layers: {[l.name for l in self.layers]}.")


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
