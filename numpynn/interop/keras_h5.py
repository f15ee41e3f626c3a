"""Legacy Keras HDF5 files (``model.save("m.h5")`` in Keras 2, tf.keras and Keras 3).

The file's root holds the ``model_config`` and ``training_config`` attributes (JSON); the
group ``model_weights`` holds one group per layer, named as the layer, whose
``weight_names`` attribute lists the paths of its arrays in Keras' order
(``dense/kernel:0`` in Keras 2, ``sequential/dense/kernel`` in Keras 3). Read with the same
checks as ``.keras`` archives; the optimizer's configuration is restored, its slots start
fresh.
"""
from numpynn.interop import hdf5
from numpynn.interop.keras_model import KerasModelReader, weight_targets
from numpynn.saving.errors import ModelFileError

MODEL_WEIGHTS = "model_weights"


def _weight_datasets(root, layer_name, what):
    """The datasets of one layer, in the order of its ``weight_names``."""
    group = hdf5.child(root, layer_name, "group", what)
    datasets = []
    for path in hdf5.read_names(group, "weight_names", what):
        node = group
        parts = path.split("/")
        for part in parts[:-1]:
            node = hdf5.child(node, part, "group", what)
        datasets.append(hdf5.child(node, parts[-1], "dataset", what))
    return datasets


def _pairs(root, model, what):
    """``(target, value)`` for every weight of ``model``, read from the group of each of
    its layers (a nested model's group lists all its layers' arrays)."""
    pairs = []
    for layer in model.layers:
        expected = weight_targets(layer)
        if not expected:
            continue
        where = f"{what}: layer {layer.name!r}"
        datasets = _weight_datasets(root, layer.name, where)
        if len(datasets) != len(expected):
            raise ModelFileError(f"{where} holds {len(datasets)} arrays, numpynn's "
                                 f"{type(layer).__name__} has {len(expected)} "
                                 f"({', '.join(n for n, _ in expected)}).")
        pairs += [(target, hdf5.read_array(d, target.shape, target.dtype, where))
                  for d, (_, target) in zip(datasets, expected)]
    return pairs


def _stored_bytes(root, what):
    """Bytes of all arrays the layers' ``weight_names`` list (from metadata, nothing read)."""
    return sum(hdf5.dataset_bytes(d) for name in hdf5.read_names(root, "layer_names", what)
               for d in _weight_datasets(root, name, what))


def load_keras_h5(path, what, compile=True):
    """The numpynn model of a legacy Keras HDF5 file."""
    with hdf5.open_file(path, what) as h5:
        config = hdf5.read_json_attribute(h5, "model_config", what)
        if config is None:
            raise ModelFileError(f"{what} is an HDF5 file without a 'model_config' attribute: "
                                 "a weights-only file, not a whole Keras model.")
        reader = KerasModelReader(config, hdf5.read_json_attribute(h5, "training_config", what),
                                  what)
        root = hdf5.child(h5, MODEL_WEIGHTS, "group", what) if MODEL_WEIGHTS in h5 else h5
        model = reader.model(_stored_bytes(root, what))
        return reader.fill(model, _pairs(root, model, what), compile)
