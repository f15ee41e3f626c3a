"""The model file layout: one zip archive (``.npnn`` recommended; any name but
``.keras``, which ``model.save`` keeps for Keras 3 archives).

=================  =============================================================
``metadata.json``  format name and version, numpynn/NumPy/Python versions, date; and
                   ``class_names`` (the labels of the outputs) if the model has them
``config.json``    the architecture: ``{"class_name": "Sequential", "config": ...}``
``compile.json``   optimizer config, loss config and metric names (``null`` if the
                   model was not compiled)
``weights.npz``    every weight as ``layers/<layer index>/<weight index>.npy`` (a layer
                   of a model inside the model: ``layers/<i>/layers/<j>/<weight index>``)
``optimizer.npz``  the optimizer's slot arrays (momentum, ``m``, ``v``...), if built
``training.json``  ``epochs_trained``, the optimizer's ``apply_count`` and the
                   random generator states needed to resume training bit for bit
=================  =============================================================

``save_weights`` writes only the ``weights.npz`` part, as a plain ``.npz`` file.
"""
import datetime
import platform

import numpy as np

FORMAT = "numpynn.model"
VERSION = 1
METADATA = "metadata.json"
CONFIG = "config.json"
COMPILE = "compile.json"
WEIGHTS = "weights.npz"
OPTIMIZER = "optimizer.npz"
TRAINING = "training.json"


def metadata(model=None):
    """What wrote the file, and when; the ``class_names`` attribute of ``model`` (a list of
    strings, the name of output unit i at i, as ``image_dataset_from_directory`` gives them)
    when it has one."""
    from numpynn import __version__
    class_names = getattr(model, "class_names", None)
    extra = {} if class_names is None else {"class_names": [str(name) for name in class_names]}
    return {**extra, "format": FORMAT, "format_version": VERSION, "numpynn_version": __version__,
            "numpy_version": np.__version__, "python_version": platform.python_version(),
            "date_saved": datetime.datetime.now(datetime.timezone.utc).isoformat(
                timespec="seconds")}


def weight_manifest(model):
    """``[(key, "layer/weight", array)]`` for every weight, in ``model.get_weights()`` order.

    Keys are positional (``layers/2/0``; ``layers/2/layers/0/0`` inside a nested model) so
    that weights load into a rebuilt model whose automatic layer names differ (``dense_4``
    instead of ``dense``), as in Keras. A layer used in several places is saved once.
    """
    return [(f"{layer_key(path)}/{j}", f"{layer.name}/{name}", array)
            for path, layer, _ in model.weight_paths()
            for j, (name, array) in enumerate(layer.named_weights())]


def layer_key(path):
    """``(2, 0)`` -> ``"layers/2/layers/0"``: where a leaf layer sits in nested models."""
    return "/".join(f"layers/{i}" for i in path)
