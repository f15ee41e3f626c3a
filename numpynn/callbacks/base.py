"""The callback base class and ``CallbackList``, which calls one hook on every callback.

Hook names are Keras': ``on_train_begin(logs)``, ``on_epoch_begin(epoch, logs)``,
``on_train_batch_begin(batch, logs)``, ``on_train_batch_end(batch, logs)``,
``on_epoch_end(epoch, logs)``, ``on_train_end(logs)``, and the ``on_test_*`` /
``on_predict_*`` equivalents. A callback can stop training with
``self.model.stop_training = True``.
"""

HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
         "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
         "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
         "on_predict_batch_begin", "on_predict_batch_end")


class Callback:
    """Base class: override the hooks you need. ``self.model`` and ``self.params``
    (``epochs``, ``steps``, ``verbose``) are set before training starts."""

    #: whether the callback writes files (checkpoints, logs): under data-parallel
    #: training only the chief process (rank 0) runs its hooks
    writes_files = False

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def set_callbacks(self, callbacks):
        """Called with all the callbacks of a ``fit`` (``BackupAndRestore`` backs up theirs)."""

    def backup_state(self):
        """What ``BackupAndRestore`` must keep of this callback to resume training exactly:
        ``{name: None | number | array | list of arrays}``. Override with
        ``restore_state``; the default keeps nothing."""
        return {}

    def restore_state(self, state):
        """Take back the state returned by ``backup_state``."""


def _noop(self, *args, **kwargs):
    """Does nothing unless overridden."""


for _hook in HOOKS:
    setattr(Callback, _hook, _noop)


class CallbackList:
    """Calls a hook on every callback in order; when not ``chief`` (a process of a
    data-parallel run other than rank 0), not on those that write files."""

    def __init__(self, callbacks, model, params, chief=True):
        self.callbacks = list(callbacks)
        self.chief = chief
        for cb in self.callbacks:
            cb.set_model(model)
            cb.set_params(params)
            cb.set_callbacks(self.callbacks)

    def __getattr__(self, hook):
        if hook not in HOOKS:
            raise AttributeError(hook)
        # only callbacks that override the hook are called: no per-batch cost otherwise
        active = [getattr(cb, hook) for cb in self.callbacks
                  if getattr(getattr(cb, hook), "__func__", None) is not _noop
                  and (self.chief or not cb.writes_files)]

        def call_all(*args):
            for method in active:
                method(*args)
        setattr(self, hook, call_all)
        return call_all
