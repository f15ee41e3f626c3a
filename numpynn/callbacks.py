"""Callbacks: code that ``fit`` runs at the start and end of training, epochs and batches.

Hook names are Keras': ``on_train_begin(logs)``, ``on_epoch_begin(epoch, logs)``,
``on_train_batch_begin(batch, logs)``, ``on_train_batch_end(batch, logs)``,
``on_epoch_end(epoch, logs)``, ``on_train_end(logs)``, and the ``on_test_*`` /
``on_predict_*`` equivalents. A callback can stop training with
``self.model.stop_training = True``.
"""
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


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by ``factor`` when ``monitor`` has not improved for
    ``patience`` epochs, as Keras does.

    An epoch improves on the best value so far when ``value < best - min_delta`` (mode
    `"min"`) or ``value > best + min_delta`` (mode `"max"`). After a reduction, ``cooldown``
    epochs pass before counting starts again; the rate never goes below ``min_lr``.

    Args:
        monitor: defaults to `"val_loss"`.
        factor: new_lr = lr * factor, in [0, 1). Defaults to `0.1`.
        patience: epochs without improvement before a reduction. Defaults to `10`.
        verbose: 1 prints each reduction. Defaults to `0`.
        mode: `"min"`, `"max"`, or `"auto"` (max for accuracies, else min).
            Defaults to `"auto"`.
        min_delta: defaults to `1e-4`.
        cooldown: defaults to `0`.
        min_lr: defaults to `0.0`.
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0):
        super().__init__()
        if not 0 <= factor < 1:
            raise ValueError(f"`factor` of ReduceLROnPlateau must be in [0, 1), got {factor}.")
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"`mode` must be 'auto', 'min' or 'max', got {mode!r}.")
        if mode == "auto":
            mode = "max" if "acc" in monitor.removeprefix("val_") else "min"
        self.monitor, self.factor, self.patience = monitor, factor, patience
        self.verbose, self.mode, self.min_delta = verbose, mode, abs(min_delta)
        self.cooldown, self.min_lr = cooldown, min_lr
        self._reset()

    def _reset(self):
        self.best, self.wait, self.cooldown_counter = None, 0, 0

    def on_train_begin(self, logs=None):
        self._reset()

    def _improved(self, value):
        if self.best is None:
            return True
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        optimizer = self.model.optimizer
        logs["learning_rate"] = float(optimizer.learning_rate)
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(f"ReduceLROnPlateau monitors {self.monitor!r}, which is not in the "
                          f"logs; available: {', '.join(logs)}.", stacklevel=2)
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self._improved(value):
            self.best, self.wait = value, 0
        elif self.cooldown_counter <= 0:
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = float(optimizer.learning_rate)
                if old_lr > np.float32(self.min_lr):
                    new_lr = max(old_lr * self.factor, self.min_lr)
                    optimizer.learning_rate = new_lr
                    if self.verbose > 0:
                        print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning "
                              f"rate to {new_lr}.")
                    self.cooldown_counter, self.wait = self.cooldown, 0
