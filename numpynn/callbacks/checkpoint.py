"""``ModelCheckpoint``: save the model (or its weights) during training."""
import os

from numpynn.callbacks.monitor import MonitorCallback


class ModelCheckpoint(MonitorCallback):
    """Save the model (or only its weights) during training.

    ``filepath`` may hold ``str.format`` fields filled from the epoch (counted from 1) and
    the logs: ``"ckpt-{epoch:02d}-{val_loss:.2f}.npnn"``. A whole-model checkpoint in
    numpynn's format also records ``epochs_trained``, the optimizer state and the random
    generators, so
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

    writes_files = True  # data-parallel: on rank 0 only

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

    def backup_state(self):
        return {"best": self.best, "batches_since_save": self._batches_since_save}

    def restore_state(self, state):
        self.best, self._batches_since_save = state["best"], int(state["batches_since_save"])

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
