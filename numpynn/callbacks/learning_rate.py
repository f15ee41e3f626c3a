"""Learning-rate callbacks: ``LearningRateScheduler`` (a rate per epoch from a function) and
``ReduceLROnPlateau`` (a smaller rate when a monitored value stops improving)."""
import numpy as np

from numpynn.callbacks.base import Callback
from numpynn.callbacks.monitor import MonitorCallback


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
        self._scheduled = None  # the last epoch whose rate was set

    def on_train_begin(self, logs=None):
        self._scheduled = None

    def backup_state(self):
        return {"scheduled": self._scheduled}

    def restore_state(self, state):
        # a run resumed in the middle of an epoch keeps the rate that epoch already has
        self._scheduled = None if state["scheduled"] is None else int(state["scheduled"])

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self._scheduled:
            return
        self._scheduled = epoch
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

    def backup_state(self):
        return {"best": self.best, "wait": self.wait, "cooldown_counter": self.cooldown_counter}

    def restore_state(self, state):
        self.best, self.wait = state["best"], int(state["wait"])
        self.cooldown_counter = int(state["cooldown_counter"])

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
