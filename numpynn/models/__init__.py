"""Models: ``Model`` (a graph of layer calls), ``Sequential`` (a chain), and their training.

``load_model`` and ``model_from_json`` (from ``numpynn.saving``) are gathered here as in
Keras, on first use: saving depends on models, never the other way round.
"""
from numpynn.models.functional import Functional
from numpynn.models.model import Model
from numpynn.models.sequential import Sequential


def __getattr__(name):
    if name in ("load_model", "model_from_json"):
        from numpynn import saving
        return getattr(saving, name)
    raise AttributeError(f"module 'numpynn.models' has no attribute {name!r}")
