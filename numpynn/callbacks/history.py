"""``History`` (the per-epoch logs ``fit`` returns) and ``ProgbarLogger`` (the progress bar)."""
import numpy as np

from numpynn.callbacks.base import Callback
from numpynn.utils.progbar import Progbar


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

    def backup_state(self):
        return {"epoch": np.asarray(self.epoch, dtype=np.int64),
                **{f"history.{key}": np.asarray(values, dtype=np.float64)
                   for key, values in self.history.items()}}

    def restore_state(self, state):
        self.epoch = state["epoch"].tolist()
        self.history = {key[len("history."):]: values.tolist()
                        for key, values in state.items() if key.startswith("history.")}


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
        self.bar.update(self.params["steps"] or self.bar.seen, logs, finalize=True)
