"""``BackupAndRestore``: a training run killed at any moment continues where it stopped."""
import glob
import os

import numpy as np

from numpynn.callbacks.base import Callback


class BackupAndRestore(Callback):
    """Back up the training state during ``fit`` and restore it when ``fit`` starts again.

    A backup holds the weights, the optimizer's slots, step count and learning rate, the
    random generators, the epoch (and with ``save_freq=N`` the batch and the epoch's
    shuffled order) and the state of the other callbacks (``History`` so far,
    ``EarlyStopping``'s wait and best, ``ReduceLROnPlateau``'s counters...). So a run killed
    at any moment, even by SIGKILL, and started again with the same command, ends with the
    same weights as an uninterrupted run, bit for bit. Each backup replaces the previous
    one atomically. It runs after the other callbacks, whatever its place in the list, so
    that it sees their state at the end of each epoch.

    With ``save_freq=N`` the backup also holds the running loss and metric totals of the
    epoch so far, so the epoch a run resumes in logs what an uninterrupted run logs (to
    float rounding). Training on a data set, generator or PyDataset rather than arrays, a
    resumed run reads the source afresh and, in the middle of an epoch, skips the batches
    done: it continues bit for bit when the source yields the same batches in every pass
    (no shuffling, a seeded ``shuffle(..., reshuffle_each_iteration=False)``, or a
    PyDataset whose ``on_epoch_end`` does not reorder); a source that reshuffles each pass
    counts its passes from the restart.

    Args:
        backup_dir: folder for the backup (``backup.npnn``), used by nothing else.
        save_freq: `"epoch"` (at the end of every epoch) or a number of batches between
            backups. Defaults to `"epoch"`.
        double_checkpoint: also keep the previous backup (``backup.npnn.bkp``) and fall
            back to it when the latest cannot be read. Defaults to `False`.
        delete_checkpoint: delete the backup when training ends. Defaults to `True`.
    """

    #: ``fit`` calls this callback after the others (see the class docstring)
    runs_last = True

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False,
                 delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError("BackupAndRestore needs a backup_dir, e.g. 'backup/'.")
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0):
            raise ValueError(f"save_freq must be 'epoch' or a positive integer, got "
                             f"{save_freq!r}.")
        self.backup_dir, self.save_freq = os.fspath(backup_dir), save_freq
        self.double_checkpoint, self.delete_checkpoint = double_checkpoint, delete_checkpoint
        self._path = os.path.join(self.backup_dir, "backup.npnn")
        self._previous_path = self._path + ".bkp"
        self._callbacks = []
        self._epoch, self._batches_since_backup = 0, 0

    def set_callbacks(self, callbacks):
        """Keep the callbacks whose state a backup holds (those that define one)."""
        self._callbacks = [cb for cb in callbacks if cb is not self and
                           type(cb).backup_state is not Callback.backup_state]

    # -- restoring ----------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._batches_since_backup = 0
        if not self.model.built:
            raise ValueError("BackupAndRestore needs a built model: build it (or call it on "
                             "a batch of data) before fit().")
        # saving sits below the models, which import the callbacks: imported here (Model.save too)
        from numpynn.saving.backup import read_backup
        from numpynn.saving.errors import ModelFileError
        paths = [self._path] + ([self._previous_path] if self.double_checkpoint else [])
        paths = [path for path in paths if os.path.exists(path)]
        for i, path in enumerate(paths):
            try:
                fit_state, arrays = read_backup(self.model, path)
            except (ModelFileError, OSError):
                if i + 1 == len(paths):
                    raise
                continue
            self._restore(fit_state, arrays)
            return

    def _restore(self, fit_state, arrays):
        from numpynn.saving.backup import unpack_state
        if fit_state["learning_rate"] is not None:
            lr = arrays["learning_rate"][()]
            self.model.optimizer.learning_rate = lr if fit_state["learning_rate"] else lr.item()
        saved = [name for name, _ in fit_state["callbacks"]]
        if saved != [type(cb).__name__ for cb in self._callbacks]:
            raise ValueError(f"The backup in {self.backup_dir!r} was made with the callbacks "
                             f"{saved}; pass the same callbacks as the interrupted run, or "
                             "delete the backup to start afresh.")
        for i, (callback, (_, layout)) in enumerate(zip(self._callbacks,
                                                         fit_state["callbacks"])):
            callback.restore_state(unpack_state(f"callback{i}", layout, arrays))
        totals = fit_state.get("totals")
        self._epoch = fit_state["epoch"]
        self.model.resume_fit(fit_state["epoch"], fit_state["step"], arrays.get("order"),
                              None if totals is None else unpack_state("totals", totals, arrays))

    # -- backing up ---------------------------------------------------------------------
    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_since_backup += 1
        if self._batches_since_backup >= self.save_freq:
            self._batches_since_backup = 0
            self._back_up(self._epoch, batch + 1, *self.model.fit_position())

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._back_up(epoch + 1, 0)

    def _back_up(self, epoch, step, order=None, totals=None):
        """Back up the state to continue at batch ``step`` of ``epoch`` (in ``order``, with
        the running ``totals`` of its batches before)."""
        from numpynn.saving.backup import pack_state, write_backup
        arrays = {} if order is None else {"order": order}
        lr = self.model.optimizer._learning_rate  # a float, or a schedule (not saved)
        if not callable(lr):
            arrays["learning_rate"] = np.asarray(lr)
        fit_state = {"epoch": epoch, "step": step,
                     # a NumPy scalar stays one: it promotes differently from a Python float
                     "learning_rate": None if callable(lr) else type(lr).__module__ == "numpy",
                     "callbacks": [[type(cb).__name__,
                                    pack_state(f"callback{i}", cb.backup_state(), arrays)]
                                   for i, cb in enumerate(self._callbacks)],
                     "totals": None if totals is None else pack_state("totals", totals, arrays)}
        if self.double_checkpoint and os.path.exists(self._path):
            os.replace(self._path, self._previous_path)
        write_backup(self.model, self._path, fit_state, arrays)

    def on_train_end(self, logs=None):
        if self.delete_checkpoint:  # with the temporaries of writes a kill interrupted
            stray = glob.glob(os.path.join(glob.escape(self.backup_dir), ".backup.npnn.*.tmp"))
            for path in [self._path, self._previous_path] + stray:
                if os.path.exists(path):
                    os.remove(path)
