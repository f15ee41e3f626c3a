"""Callbacks: code that ``fit`` runs at the start and end of training, epochs and batches.

Hook names are Keras': ``on_train_begin(logs)``, ``on_epoch_begin(epoch, logs)``,
``on_train_batch_begin(batch, logs)``, ``on_train_batch_end(batch, logs)``,
``on_epoch_end(epoch, logs)``, ``on_train_end(logs)``, and the ``on_test_*`` /
``on_predict_*`` equivalents. A callback can stop training with
``self.model.stop_training = True``.
"""
import csv
import math
import os
import warnings

import numpy as np

from numpynn.utils.progbar import Progbar

HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
         "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
         "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
         "on_predict_batch_begin", "on_predict_batch_end")


class Callback:
    """Base class: override the hooks you need. ``self.model`` and ``self.params``
    (``epochs``, ``steps``, ``verbose``) are set before training starts."""

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params


def _noop(self, *args, **kwargs):
    """Does nothing unless overridden."""


for _hook in HOOKS:
    setattr(Callback, _hook, _noop)


class CallbackList:
    """Calls a hook on every callback in order."""

    def __init__(self, callbacks, model, params):
        self.callbacks = list(callbacks)
        for cb in self.callbacks:
            cb.set_model(model)
            cb.set_params(params)

    def __getattr__(self, hook):
        if hook not in HOOKS:
            raise AttributeError(hook)
        # only callbacks that override the hook are called: no per-batch cost otherwise
        active = [getattr(cb, hook) for cb in self.callbacks
                  if getattr(getattr(cb, hook), "__func__", None) is not _noop]

        def call_all(*args):
            for method in active:
                method(*args)
        setattr(self, hook, call_all)
        return call_all


class History(Callback):
    """Records the logs of every epoch: ``history.history["loss"]`` is a list per epoch.

    ``model.fit`` returns it; ``history.epoch`` lists the epoch indices.
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        self.model.history = self


class ProgbarLogger(Callback):
    """Prints ``Epoch i/n`` and a progress bar with the running metrics (``verbose`` 1 or 2)."""

    def __init__(self, verbose=1):
        super().__init__()
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        if self.verbose:
            print(f"Epoch {epoch + 1}/{self.params['epochs']}", flush=True)
        self.bar = Progbar(self.params["steps"], verbose=self.verbose)

    def on_train_batch_end(self, batch, logs=None):
        self.bar.update(batch + 1, logs)

    def on_epoch_end(self, epoch, logs=None):
        self.bar.update(self.params["steps"], logs, finalize=True)


class LambdaCallback(Callback):
    """A callback from plain functions, e.g. ``LambdaCallback(on_epoch_end=lambda e, logs: ...)``."""

    def __init__(self, **hooks):
        super().__init__()
        for name, fn in hooks.items():
            if name not in HOOKS:
                raise ValueError(f"Unknown callback hook {name!r}; known: {', '.join(HOOKS)}.")
            setattr(self, name, fn)


# ==========================================================================================
# Monitoring a metric: checkpoints, early stopping, NaN guard, CSV log (numpynn.saving)
# ==========================================================================================
class MonitorCallback(Callback):
    """Base of callbacks that watch one logged quantity (``"val_loss"``, ``"accuracy"``...)
    and decide whether a new value improves on the best so far.

    Args:
        monitor: key of the ``logs`` dict to watch. Defaults to `"val_loss"`.
        mode: `"min"`, `"max"`, or `"auto"` (min for losses and errors, max for
            accuracies). Defaults to `"auto"`.
        baseline: initial best value; `None` means the first value seen. Defaults to `None`.
        min_delta: smallest change that counts as an improvement. Defaults to `0`.
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__} mode {mode!r} is unknown, falling back to "
                          "'auto'.", stacklevel=3)
            mode = "auto"
        self.monitor, self.mode, self.best = monitor, mode, baseline
        self.min_delta = abs(min_delta)
        self.direction = None

    def _set_direction(self):
        """+1 when larger is better, -1 when smaller is better."""
        if self.mode != "auto":
            self.direction = 1 if self.mode == "max" else -1
            return
        name = self.monitor.removeprefix("val_")
        if "acc" in name:
            self.direction = 1
        elif name.endswith(("loss", "error", "crossentropy")) or name in ("mse", "mae"):
            self.direction = -1
        else:
            raise ValueError(f"{type(self).__name__} cannot tell whether {self.monitor!r} "
                             "should go up or down: pass mode='max' or mode='min'.")

    def _is_improvement(self, value, reference):
        """value beats reference by more than min_delta in the monitored direction."""
        if self.direction is None:
            self._set_direction()
        if reference is None:
            return True
        return self.direction * (value - reference) > self.min_delta

    def get_monitor_value(self, logs):
        value = (logs or {}).get(self.monitor)
        if value is None:
            warnings.warn(f"{type(self).__name__} is conditioned on {self.monitor!r}, which is "
                          f"not available. Available metrics are: {', '.join(logs or {})}.",
                          stacklevel=3)
        return value


class ModelCheckpoint(MonitorCallback):
    """Save the model (or only its weights) during training.

    ``filepath`` may hold ``str.format`` fields filled from the epoch (counted from 1) and
    the logs: ``"ckpt-{epoch:02d}-{val_loss:.2f}.npnn"``. A whole-model checkpoint in
    numpynn's format also records ``epochs_trained``, the optimizer state and the random generators, so
    ``load_model(path)`` then ``fit(..., initial_epoch=model.epochs_trained)`` resumes
    exactly. Writes are atomic: an interrupted save never damages the previous file.

    Args:
        filepath: file name or pattern. ``.npnn`` (whole model) and ``.weights.npz``
            (weights only) are advised; ``.keras`` writes Keras 3 archives (see
            ``Model.save``), which do not resume training exactly.
        monitor: logged quantity for ``save_best_only``. Defaults to `"val_loss"`.
        verbose: 1 prints a line for each save. Defaults to `0`.
        save_best_only: save only when ``monitor`` improves. Defaults to `False`.
        save_weights_only: ``model.save_weights`` instead of ``model.save``.
            Defaults to `False`.
        mode: `"auto"`, `"min"` or `"max"`, see ``MonitorCallback``. Defaults to `"auto"`.
        save_freq: `"epoch"`, or a number of batches between saves. Defaults to `"epoch"`.
        initial_value_threshold: best value to beat at the start. Defaults to `None`.
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch",
                 initial_value_threshold=None):
        super().__init__(monitor, mode, initial_value_threshold)
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0):
            raise ValueError(f"save_freq must be 'epoch' or a positive integer, got "
                             f"{save_freq!r}.")
        self.filepath = os.fspath(filepath)
        self.verbose, self.save_freq = verbose, save_freq
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        self._epoch, self._batches_since_save = 0, 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_since_save += 1
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            self._save(self._epoch, logs, batch=batch)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save(epoch, logs)

    def _path(self, epoch, logs, batch):
        fields = {**(logs or {}), "epoch": epoch + 1}
        if batch is not None:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except KeyError as err:
            raise KeyError(f"Failed to format this callback filepath: {self.filepath!r}. "
                           f"Reason: {err} is not in the logs ({', '.join(fields)}).") from err

    def _should_save(self, epoch, logs, path):
        if not self.save_best_only:
            return True
        current = self.get_monitor_value(logs)
        if current is None:
            return True  # as Keras: save anyway, with the warning above
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to "
                      f"{current:.5f}, saving model to {path}")
            self.best = current
            return True
        if self.verbose:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    def _save(self, epoch, logs, batch=None):
        path = self._path(epoch, logs, batch)
        if not self._should_save(epoch, logs, path):
            return
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if os.path.isdir(path):
            raise IsADirectoryError(f"ModelCheckpoint needs a file path, but {path!r} is a "
                                    "directory.")
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)
        if self.verbose and not self.save_best_only:
            print(f"\nEpoch {epoch + 1}: saving model to {path}")


class EarlyStopping(MonitorCallback):
    """Stop training when ``monitor`` has stopped improving (Keras 3 semantics).

    Each epoch without an improvement larger than ``min_delta`` adds one to a wait count;
    training stops when the count reaches ``patience``. With ``restore_best_weights`` the
    weights of the best epoch are put back when training ends (also when it ran all its
    epochs without stopping early).

    Args:
        monitor: logged quantity to watch. Defaults to `"val_loss"`.
        min_delta: smallest change that counts as an improvement. Defaults to `0`.
        patience: epochs without improvement before stopping. Defaults to `0`.
        verbose: 1 prints when stopping and restoring. Defaults to `0`.
        mode: `"auto"`, `"min"` or `"max"`. Defaults to `"auto"`.
        baseline: value to beat; the wait count only restarts on epochs better than both
            the best so far and ``baseline``. Defaults to `None`.
        restore_best_weights: restore the weights of the best epoch at the end.
            Defaults to `False`.
        start_from_epoch: epochs of warm-up during which nothing is monitored.
            Defaults to `0`.
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience, self.verbose, self.baseline = patience, verbose, baseline
        self.restore_best_weights, self.start_from_epoch = restore_best_weights, start_from_epoch
        self.wait, self.stopped_epoch, self.best_weights, self.best_epoch = 0, 0, None, 0

    def on_train_begin(self, logs=None):
        # reset so that one instance can serve several fit() calls
        self.wait, self.stopped_epoch, self.best = 0, 0, None
        self.best_weights, self.best_epoch = None, 0

    def on_epoch_end(self, epoch, logs=None):
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # until something improves, the first monitored weights are the best
            self.best_weights, self.best_epoch = self.model.get_weights(), epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose:
                print("Restoring model weights from the end of the best epoch: "
                      f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)


class TerminateOnNaN(Callback):
    """Stop training as soon as a batch's loss is NaN or infinite.

    Args:
        raise_error: raise a ``RuntimeError`` at once instead of stopping gracefully (which
            still runs ``on_train_end``). Defaults to `False`.
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(loss):
            return
        if self.raise_error:
            raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. Loss value: "
                               f"{loss}. Terminating training immediately.")
        print(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True


class CSVLogger(Callback):
    """Write one CSV row per epoch: ``epoch`` (from 0, as Keras) and every logged value.

    Args:
        filename: the CSV file.
        separator: field separator. Defaults to `","`.
        append: add to an existing file (to continue a run) instead of overwriting it;
            the header is written only if the file is empty. Defaults to `False`.
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename, self.sep, self.append = os.fspath(filename), separator, append
        self.keys, self.writer, self.csv_file = None, None, None

    def on_train_begin(self, logs=None):
        write_header = not (self.append and os.path.exists(self.filename)
                            and os.path.getsize(self.filename) > 0)
        if self.csv_file and not self.csv_file.closed:
            self.csv_file.close()
        self.csv_file = open(self.filename, "a" if self.append else "w", newline="")
        self.keys, self.writer, self._write_header = None, None, write_header

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(k.startswith("val_") for k in self.keys):
                self.keys += [f"val_{k}" for k in self.keys]  # columns stay stable
        if self.writer is None:
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys,
                                         delimiter=self.sep)
            if self._write_header:
                self.writer.writeheader()
        self.writer.writerow({"epoch": epoch, **{k: logs.get(k, "NA") for k in self.keys}})
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None


class LearningRateScheduler(Callback):
    """Set the optimizer's learning rate at the start of every epoch from
    ``schedule(epoch, lr)`` (or ``schedule(epoch)``), as Keras does.

    Args:
        schedule: function of the epoch index (from 0) and the current learning rate,
            returning the new learning rate as a float.
        verbose: 1 prints each change. Defaults to `0`.
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        try:
            lr = self.schedule(epoch, float(optimizer.learning_rate))
        except TypeError:  # a schedule of the epoch alone
            lr = self.schedule(epoch)
        if isinstance(lr, bool) or not isinstance(lr, (float, int)):
            raise ValueError(f"The schedule of LearningRateScheduler must return a float, "
                             f"got {lr!r}.")
        optimizer.learning_rate = float(lr)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                  f"{float(lr)}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by ``factor`` when ``monitor`` has not improved for
    ``patience`` epochs, as Keras does.

    An epoch improves on the best value so far when ``value < best - min_delta`` (mode
    `"min"`) or ``value > best + min_delta`` (mode `"max"`). After a reduction, ``cooldown``
    epochs pass before counting starts again; the rate never goes below ``min_lr``. The
    current rate is written to ``logs["learning_rate"]`` every epoch.

    Args:
        monitor: defaults to `"val_loss"`.
        factor: new_lr = lr * factor, in [0, 1). Defaults to `0.1`.
        patience: epochs without improvement before a reduction. Defaults to `10`.
        verbose: 1 prints each reduction. Defaults to `0`.
        mode: `"min"`, `"max"`, or `"auto"` (max for accuracies, min for losses).
            Defaults to `"auto"`.
        min_delta: defaults to `1e-4`.
        cooldown: defaults to `0`.
        min_lr: defaults to `0.0`.
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0):
        super().__init__(monitor, mode, min_delta=min_delta)
        if not 0 <= factor < 1:
            raise ValueError(f"`factor` of ReduceLROnPlateau must be in [0, 1), got {factor}.")
        self.factor, self.patience, self.verbose = factor, patience, verbose
        self.cooldown, self.min_lr = cooldown, min_lr
        self.wait, self.cooldown_counter = 0, 0

    def on_train_begin(self, logs=None):
        self.best, self.wait, self.cooldown_counter = None, 0, 0

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        optimizer = self.model.optimizer
        logs["learning_rate"] = float(optimizer.learning_rate)
        value = self.get_monitor_value(logs)
        if value is None:
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(value, self.best):
            self.best, self.wait = value, 0
        elif self.cooldown_counter <= 0:
            self.wait += 1
            old_lr = float(optimizer.learning_rate)
            if self.wait >= self.patience and old_lr > np.float32(self.min_lr):
                new_lr = max(old_lr * self.factor, self.min_lr)
                optimizer.learning_rate = new_lr
                if self.verbose > 0:
                    print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate "
                          f"to {new_lr}.")
                self.cooldown_counter, self.wait = self.cooldown, 0


# -- watching the gradients (the vanishing-gradient picture in numpynn.visual) ------------
class GradientStats(Callback):
    """Records mean |dL/dkernel| of every layer with a kernel, after each training batch.

    ``on_train_batch_end`` runs after the optimizer step; the layers' ``grads`` arrays still
    hold the gradients of that batch.

    Attributes:
        layer_names: the layers recorded, input side first.
        batch_means: ``{layer name: [mean |grad| of each batch]}``.
        epoch_means: ``{layer name: [average of the batch values of each epoch]}``.

    Example::

        >>> stats = GradientStats()
        >>> model.fit(x, y, epochs=3, callbacks=[stats])
        >>> stats.as_array().shape       # (epochs, layers)
        (3, 9)
    """

    def __init__(self):
        super().__init__()
        self.layer_names, self.batch_means, self.epoch_means = [], {}, {}

    def on_train_begin(self, logs=None):
        self._layers = [layer for layer in self.model.layers if "kernel" in layer.grads]
        self.layer_names = [layer.name for layer in self._layers]
        self.batch_means = {name: [] for name in self.layer_names}
        self.epoch_means = {name: [] for name in self.layer_names}
        self._epoch_start = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = len(self.batch_means[self.layer_names[0]]) if self.layer_names else 0

    def on_train_batch_end(self, batch, logs=None):
        for layer in self._layers:
            self.batch_means[layer.name].append(float(np.abs(layer.grads["kernel"]).mean()))

    def on_epoch_end(self, epoch, logs=None):
        for name in self.layer_names:
            self.epoch_means[name].append(float(np.mean(self.batch_means[name][self._epoch_start:])))

    def as_array(self, per="epoch"):
        """The records as an array (epochs or batches, layers)."""
        records = self.epoch_means if per == "epoch" else self.batch_means
        return np.array([records[name] for name in self.layer_names]).T
