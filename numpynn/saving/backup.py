"""The backup file of ``BackupAndRestore``: a model file plus where ``fit`` stands.

Besides the members of numpynn's model file (weights, optimizer slots and step count,
``epochs_trained``, random generators) it holds:

- ``fit_state.json``: the epoch and batch to continue at, the learning rate, and how each
  callback's state is laid out (see :func:`pack_state`);
- ``fit_arrays.npz``: the arrays of that state (the epoch's shuffled order, History's
  values, EarlyStopping's best weights...): floats survive exactly, NaN included.

The file is written atomically (:mod:`numpynn.saving.atomic`): a kill while writing leaves
the previous backup whole.
"""
import io
import os

import numpy as np

from numpynn.saving import archive
from numpynn.saving.atomic import atomic_write
from numpynn.saving.model_file import model_members, restore_training

FIT_STATE, FIT_ARRAYS = "fit_state.json", "fit_arrays.npz"


def pack_state(prefix, state, arrays):
    """The JSON layout of ``state`` (``{name: None | number | array | list of arrays}``),
    its values added to ``arrays`` under ``prefix/name`` (``prefix/name/i`` for lists)."""
    layout = {}
    for name, value in state.items():
        key = f"{prefix}/{name}"
        if value is None:
            layout[name] = None
        elif isinstance(value, list):
            layout[name] = {"list": len(value)}
            arrays.update({f"{key}/{i}": np.asarray(v) for i, v in enumerate(value)})
        else:
            layout[name] = "array"
            arrays[key] = np.asarray(value)
    return layout


def unpack_state(prefix, layout, arrays):
    """The inverse of :func:`pack_state`; numbers come back as NumPy scalars of their
    dtype (a float32 stays a float32)."""
    state = {}
    for name, kind in layout.items():
        key = f"{prefix}/{name}"
        if kind is None:
            state[name] = None
        elif isinstance(kind, dict):
            state[name] = [arrays[f"{key}/{i}"] for i in range(kind["list"])]
        else:
            value = arrays[key]
            state[name] = value[()] if value.ndim == 0 else value
    return state


def write_backup(model, path, fit_state, arrays):
    """Write ``model``'s training state, ``fit_state`` (JSON) and ``arrays`` to ``path``."""
    members = model_members(model)
    members[FIT_STATE] = archive.json_bytes(fit_state)
    members[FIT_ARRAYS] = archive.npz_bytes(arrays)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with atomic_write(path) as f:
        archive.write_zip(f, members)


def read_backup(model, path):
    """Restore ``model`` from the backup at ``path``; returns ``(fit_state, arrays)``."""
    what = f"backup file {os.fspath(path)!r}"
    with open(path, "rb") as f:
        source = archive.SafeZip(f, what)
        restore_training(model, source, what)
        fit_state = source.read_json(FIT_STATE)
        data = source.read(FIT_ARRAYS, source.unpacked_bound(FIT_ARRAYS))
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    return fit_state, arrays
