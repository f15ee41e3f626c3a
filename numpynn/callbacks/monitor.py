"""``MonitorCallback``: the base of callbacks that watch one logged value and keep the best."""
import warnings

from numpynn.callbacks.base import Callback


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
