"""Saving and loading: one safe model file, weights files, and JSON architectures.

    model.save("fashion.npnn")                       # architecture, weights, optimizer...
    model = numpynn.models.load_model("fashion.npnn")
    model.fit(x, y, epochs=10, initial_epoch=model.epochs_trained)   # resume

No pickle anywhere: configs are JSON, arrays ``.npy`` read with ``allow_pickle=False``.
``load_model`` also reads Keras' ``.keras`` and ``.h5`` files, and ``model.save("m.keras")``
writes a Keras 3 archive (:mod:`numpynn.interop`). A damaged or hostile file raises :class:`ModelFileError`. Writes are atomic.
"""
from numpynn.registry import custom_object_scope
from numpynn.saving.config import model_from_json, model_to_json
from numpynn.saving.errors import ModelFileError, UnknownObjectInFileError
from numpynn.saving.model_file import load_model, load_weights, save_model, save_weights
