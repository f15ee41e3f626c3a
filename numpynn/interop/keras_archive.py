"""Keras 3 ``.keras`` archives: a zip of ``metadata.json``, ``config.json`` (the model and
its ``compile_config``) and ``model.weights.h5`` (each layer's variables under
``layers/<snake_case class name>[_n]/vars/<i>``).

Reading checks the zip as numpynn's own files are checked (:class:`SafeZip`), the config
through the mapping table, the weight budget before the weights file is read, and every
array's shape before its data. The optimizer's configuration is restored, its slots start
fresh. Writing gives a file ``keras.models.load_model`` reads.
"""
import datetime
import io
import os

from numpynn.interop import hdf5
from numpynn.interop.keras_model import KerasModelReader, keras_weight_paths
from numpynn.interop.keras_write_config import model_to_keras
from numpynn.saving import archive
from numpynn.saving.atomic import atomic_write
from numpynn.saving.errors import ModelFileError

CONFIG, METADATA, WEIGHTS = "config.json", "metadata.json", "model.weights.h5"
#: the Keras version whose files numpynn writes (and reads best)
KERAS_VERSION = "3.15.1"
#: HDF5 bookkeeping allowed on top of the array data, and the optimizer's share: its slots
#: can hold up to four times the weights (AMSGrad's Adam), stored in the same file
_H5_OVERHEAD, _H5_ARRAYS_PER_WEIGHT = 16 * 2**20, 5


def is_keras_archive(source):
    """Whether a :class:`SafeZip` is a Keras archive (it has ``model.weights.h5``)."""
    return WEIGHTS in source


def _pairs(h5, model, what):
    """``(target, value)`` for every weight of ``model``, read from ``<path>/vars/<i>`` of
    each layer's Keras path, each array's shape checked before its data is read."""
    pairs = []
    for path, layer in keras_weight_paths(model):
        expected = layer.named_weights()
        if not expected:
            continue
        where = f"{what}: layer {layer.name!r} ({path})"
        group = h5
        for part in path.split("/") + ["vars"]:
            group = hdf5.child(group, part, "group", where)
        if len(group) != len(expected):
            raise ModelFileError(f"{where} holds {len(group)} arrays, numpynn's "
                                 f"{type(layer).__name__} has {len(expected)} "
                                 f"({', '.join(n for n, _ in expected)}).")
        pairs += [(target, hdf5.read_array(hdf5.child(group, str(i), "dataset", where),
                                           target.shape, target.dtype, where))
                  for i, (_, target) in enumerate(expected)]
    return pairs


def load_keras(source, what, compile=True):
    """The numpynn model of a Keras 3 archive (``source``: a :class:`SafeZip`)."""
    config = source.read_json(CONFIG)
    compile_config = config.get("compile_config") if isinstance(config, dict) else None
    reader = KerasModelReader(config, compile_config, what)
    # HDF5 datasets may be compressed too: up to MAX_INFLATION times the member's bytes
    model = reader.model(archive.MAX_INFLATION * source.unpacked_bound(WEIGHTS))
    needed = sum(w.nbytes for w in model.weights)
    data = source.read(WEIGHTS, _H5_ARRAYS_PER_WEIGHT * needed + _H5_OVERHEAD)
    with hdf5.open_file(io.BytesIO(data), f"{what} ({WEIGHTS})") as h5:
        return reader.fill(model, _pairs(h5, model, what), compile)


def _weights_h5(model):
    """The bytes of ``model.weights.h5``: each layer's weights as Keras stores them."""
    h5py = hdf5.h5py()
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        for path, layer in keras_weight_paths(model):
            group = h5.create_group(f"{path}/vars")
            group.attrs["name"] = layer.name
            for i, (_, value) in enumerate(layer.named_weights()):
                group.create_dataset(str(i), data=value)
        h5.create_group("vars").attrs["name"] = model.name
    return buffer.getvalue()


def save_keras(model, filepath, overwrite=True):
    """Write a Sequential or functional ``model`` as a Keras 3 archive, atomically."""
    model.count_params()  # builds it, or says why it cannot be
    config = model_to_keras(model)
    metadata = {"keras_version": KERAS_VERSION,
                "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}
    members = {METADATA: archive.json_bytes(metadata), CONFIG: archive.json_bytes(config),
               WEIGHTS: _weights_h5(model)}
    with atomic_write(os.fspath(filepath), overwrite) as f:
        archive.write_zip(f, members)
