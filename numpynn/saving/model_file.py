"""``save_model`` / ``load_model`` (the whole model in one file) and ``save_weights`` /
``load_weights`` (the weights only, as ``.npz``). See :mod:`numpynn.saving.layout`."""
import math
import os

from numpynn import backend
from numpynn.registry import UnknownObjectError
from numpynn.saving import archive, budget, config, layout, training_state
from numpynn.saving.atomic import atomic_write
from numpynn.saving.errors import ModelFileError, UnknownObjectInFileError
from numpynn.saving.validation import check_metadata

#: what tells a Keras file (read by numpynn.interop) from numpynn's own, whatever its name:
#: the HDF5 signature of a legacy .h5 file, the weights member of a .keras archive
HDF5_SIGNATURE, KERAS_WEIGHTS = b"\x89HDF\r\n\x1a\n", "model.weights.h5"
#: zip bookkeeping allowed per array on top of its data (headers, names, zip64 fields).
_MEMBER_OVERHEAD = 1024


# -- saving ---------------------------------------------------------------------------------
def _built(model):
    """``model``, built if its input shape is known (else count_params' ValueError)."""
    model.count_params()
    return model


def _optimizer_slots(model):
    """The optimizer's slots if they belong to this model's trainable weights, else None."""
    optimizer = model.optimizer if model.compiled else None
    if optimizer is None or not optimizer.built or optimizer.size != model.n_trainable:
        return None
    return dict(optimizer.slots)


def save_model(model, filepath, overwrite=True):
    """Write ``model`` (architecture, weights, compile settings, optimizer and training
    state) to one zip file, atomically. A name ending in ``.keras`` gets a Keras 3 archive
    instead (:mod:`numpynn.interop`: what Keras can hold); any other name numpynn's own
    format (``.npnn`` advised).

    Args:
        model: a built model.
        filepath: destination file name.
        overwrite: whether to replace an existing file. Defaults to `True`.
    """
    suffix = os.path.splitext(os.fspath(filepath))[1].lower()
    if suffix == ".keras":
        from numpynn.interop.keras_archive import save_keras
        return save_keras(model, filepath, overwrite)
    if suffix in (".h5", ".hdf5"):
        raise ValueError(f"numpynn does not write legacy Keras HDF5 files ({filepath!r}); "
                         "save as .keras (Keras 3 reads it) or .npnn (numpynn's own format).")
    members = model_members(model)
    with atomic_write(filepath, overwrite) as f:
        archive.write_zip(f, members)


def model_members(model):
    """The members of numpynn's model file for ``model``: ``{name: bytes}``."""
    _built(model)
    members = {
        layout.METADATA: archive.json_bytes(layout.metadata(model)),
        layout.CONFIG: archive.json_bytes(config.model_to_config(model)),
        layout.COMPILE: archive.json_bytes(config.compile_to_config(model)),
        layout.WEIGHTS: archive.npz_bytes({key: array for key, _, array
                                           in layout.weight_manifest(model)}),
    }
    slots = _optimizer_slots(model)
    if slots is not None:
        members[layout.OPTIMIZER] = archive.npz_bytes(slots)
    members[layout.TRAINING] = archive.json_bytes(
        training_state.training_state(model, optimizer_slots=slots is not None))
    return members


def save_weights(model, filepath, overwrite=True):
    """Write only the weights, as an ``.npz`` (``numpy.load`` reads it), atomically.
    ``.weights.npz`` is the advised ending."""
    _built(model)
    data = archive.npz_bytes({key: array for key, _, array in layout.weight_manifest(model)})
    with atomic_write(filepath, overwrite) as f:
        f.write(data)


# -- loading --------------------------------------------------------------------------------
def _arrays_limit(arrays):
    """Largest acceptable size of an ``.npz`` member holding ``arrays`` (shape, dtype)."""
    data = sum(math.prod(shape) * dtype.itemsize for shape, dtype in arrays)
    return data + len(arrays) * (archive.NPY_HEADER_LIMIT + _MEMBER_OVERHEAD) + 4096


def _read_arrays(npz, expected, what):
    """``{key: array}`` from an ``.npz`` SafeZip holding exactly ``{key: (shape, dtype)}``."""
    extra = set(npz.names()) - {key + ".npy" for key in expected}
    if extra:
        raise ModelFileError(f"{what} holds arrays the model does not have: "
                             f"{', '.join(sorted(extra))}.")
    return {key: npz.read_array(key, shape, dtype) for key, (shape, dtype) in expected.items()}


def _read_npz_member(container, name, expected, what):
    """``_read_arrays`` on the ``.npz`` stored as member ``name`` of a model file."""
    data = container.read(name, _arrays_limit(expected.values()))
    return _read_arrays(archive.SafeZip(data, f"{what} ({name})"), expected, f"{what} ({name})")


def _read_weights(source, model, what, whole_file):
    """Assign the weights stored in ``source``: a model file, or a plain ``.npz``."""
    manifest = layout.weight_manifest(model)
    expected = {key: (array.shape, array.dtype) for key, _, array in manifest}
    if whole_file:
        arrays = _read_npz_member(source, layout.WEIGHTS, expected, what)
    else:
        arrays = _read_arrays(source, expected, what)
    for key, _, target in manifest:
        target[...] = arrays[key]


def _build_model(source, custom_objects, what):
    """The model described by ``config.json``, built, without disturbing the global
    generator (building draws initial weights that the stored ones then replace). Its
    weights must fit what ``weights.npz`` can hold (:mod:`numpynn.saving.budget`), checked
    before each one is allocated: the arrays in it may be compressed too, so up to
    ``MAX_INFLATION`` times what the member itself unpacks to."""
    spec = source.read_json(layout.CONFIG)
    present = archive.MAX_INFLATION * source.unpacked_bound(layout.WEIGHTS)
    state = backend.rng().bit_generator.state
    try:
        with budget.limit(present, what):
            model = config.model_from_config(spec, custom_objects)
            model.build()
    except UnknownObjectError as err:
        raise UnknownObjectInFileError(str(err)) from err
    except ModelFileError:
        # config.json or weights.npz is damaged; a damaged weights.npz says so itself here
        archive.SafeZip(source.read(layout.WEIGHTS, source.unpacked_bound(layout.WEIGHTS)),
                        f"{what} ({layout.WEIGHTS})")
        raise
    except Exception as err:  # whatever a bad config makes a constructor or build() raise
        raise ModelFileError(f"{what}: config.json does not describe a model numpynn can "
                             f"build ({type(err).__name__}: {err}).") from err
    finally:
        backend.rng().bit_generator.state = state
    return model


def _compile(model, source, state, custom_objects, what):
    """Compile from ``compile.json`` and restore the optimizer's slots and step count."""
    settings = source.read_json(layout.COMPILE)
    if settings is None:
        return
    try:
        config.compile_from_config(model, settings, custom_objects)
        model._ensure_optimizer()
    except UnknownObjectError as err:
        raise UnknownObjectInFileError(str(err)) from err
    except Exception as err:
        raise ModelFileError(f"{what}: compile.json holds settings numpynn cannot use "
                             f"({type(err).__name__}: {err}).") from err
    _restore_optimizer(model, source, state, what)


def _restore_optimizer(model, source, state, what):
    """Put the optimizer's slots and step count saved in ``source`` into ``model``'s."""
    iterations = state["optimizer_iterations"]
    if state["optimizer_slots"]:
        expected = {name: (slot.shape, slot.dtype) for name, slot in model.optimizer.slots.items()}
        slots = _read_npz_member(source, layout.OPTIMIZER, expected, what)
        model.optimizer.set_state({"iterations": iterations, **slots})
    else:  # saved before the optimizer had state for these weights: fresh slots
        model.optimizer.apply_count = iterations


def load_model(filepath, custom_objects=None, compile=True, restore_rng=None):
    """Load a model saved by ``model.save`` / :func:`save_model`, or a Keras model file.

    The content decides, not the name: numpynn's own zip, a Keras 3 ``.keras`` archive or a
    legacy Keras ``.h5`` file (both read by :mod:`numpynn.interop`, which needs h5py).

    Args:
        filepath: the file.
        custom_objects: ``{name: class or function}`` for custom layers, losses,
            activations... not registered with ``@numpynn.register()``. Defaults to `None`.
        compile: whether to compile the model with the saved optimizer (with its slots and
            step count), loss and metrics, ready to continue training. Defaults to `True`.
        restore_rng: whether to put numpynn's global random generator back in its state at
            saving time, so that further training repeats an uninterrupted run bit for bit.
            Defaults to `None`, meaning the value of ``compile``.

    Returns:
        The model; ``model.epochs_trained`` is the ``initial_epoch`` of the next ``fit``;
        ``model.class_names`` is set when the saved model had it.

    Raises:
        ModelFileError: the file is not a numpynn model file, is damaged or truncated, or
            does not match its own config. Unknown class names raise its subclass
            ``UnknownObjectInFileError`` with the registry's message.
    """
    what = f"model file {os.fspath(filepath)!r}"
    with open(filepath, "rb") as f:
        if f.read(len(HDF5_SIGNATURE)) == HDF5_SIGNATURE:
            from numpynn.interop.keras_h5 import load_keras_h5
            return load_keras_h5(f, what, compile)
        source = archive.SafeZip(f, what)
        if KERAS_WEIGHTS in source:
            from numpynn.interop.keras_archive import load_keras
            return load_keras(source, what, compile)
        meta = check_metadata(source.read_json(layout.METADATA), what)
        state = training_state.check_training_state(source.read_json(layout.TRAINING), what)
        model = _build_model(source, custom_objects, what)
        if "class_names" in meta:
            model.class_names = meta["class_names"]
        _read_weights(source, model, what, whole_file=True)
        if compile:
            _compile(model, source, state, custom_objects, what)
    model.epochs_trained = state["epochs_trained"]
    if compile if restore_rng is None else restore_rng:
        training_state.restore_generators(model, state, what)
    return model


def load_weights(model, filepath):
    """Load weights saved by :func:`save_weights` (or the weights of a whole model file)
    into ``model``; every array must match the model's weight shapes and dtype."""
    _built(model)
    what = f"weights file {os.fspath(filepath)!r}"
    with open(filepath, "rb") as f:
        source = archive.SafeZip(f, what)
        _read_weights(source, model, what, whole_file=layout.METADATA in source)


def restore_training(model, source, what):
    """Put the weights, optimizer state, ``epochs_trained`` and random generators stored in
    the model file ``source`` (a ``SafeZip``) into ``model``, compiled and ready to train,
    with the same architecture (``BackupAndRestore`` resumes this way)."""
    check_metadata(source.read_json(layout.METADATA), what)
    state = training_state.check_training_state(source.read_json(layout.TRAINING), what)
    _read_weights(source, model, what, whole_file=True)
    model._ensure_optimizer()
    _restore_optimizer(model, source, state, what)
    model.epochs_trained = state["epochs_trained"]
    training_state.restore_generators(model, state, what)
