"""Callbacks: code that ``fit`` runs at the start and end of training, epochs and batches.

Hook names are Keras': ``on_train_begin(logs)``, ``on_epoch_begin(epoch, logs)``,
``on_train_batch_begin(batch, logs)``, ``on_train_batch_end(batch, logs)``,
``on_epoch_end(epoch, logs)``, ``on_train_end(logs)``, and the ``on_test_*`` /
``on_predict_*`` equivalents. A callback can stop training with
``self.model.stop_training = True``.
"""
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
