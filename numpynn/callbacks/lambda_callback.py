"""``LambdaCallback``: a callback made of plain functions."""
from numpynn.callbacks.base import HOOKS, Callback


class LambdaCallback(Callback):
    """A callback from plain functions, e.g. ``LambdaCallback(on_epoch_end=lambda e, logs: ...)``."""

    def __init__(self, **hooks):
        super().__init__()
        for name, fn in hooks.items():
            if name not in HOOKS:
                raise ValueError(f"Unknown callback hook {name!r}; known: {', '.join(HOOKS)}.")
            setattr(self, name, fn)
