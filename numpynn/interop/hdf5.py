"""Reading and writing the HDF5 parts of Keras files with h5py (the ``[keras]`` extra),
defensively.

An HDF5 file can point outside itself (external links, external raw storage, virtual
datasets) and declare any shape; the reader follows hard links only, refuses external and
virtual storage, accepts float arrays of the exact shape expected, and turns whatever h5py
raises on damaged bytes into a :class:`~numpynn.saving.ModelFileError`.
"""
import contextlib
import json
import math

import numpy as np

from numpynn.saving.archive import JSON_LIMIT
from numpynn.saving.errors import ModelFileError


def h5py():
    """The h5py module, or an ImportError saying how to install it."""
    try:
        import h5py as module
    except ImportError as err:
        raise ImportError("Reading and writing Keras files (.keras, .h5) needs h5py: "
                          "pip install numpynn[keras]") from err
    return module


@contextlib.contextmanager
def open_file(source, what, mode="r"):
    """``h5py.File`` on a path or binary file object; damaged files raise ModelFileError."""
    module = h5py()
    try:
        handle = module.File(source, mode)
    except Exception as err:  # h5py raises OSError and others on bad bytes
        raise ModelFileError(f"{what} is not a readable HDF5 file ({err}).") from err
    try:
        yield handle
    except ModelFileError:
        raise
    except Exception as err:  # a damaged group or attribute found on the way
        raise ModelFileError(f"{what} is damaged ({type(err).__name__}: {err}).") from err
    finally:
        handle.close()


def child(group, name, kind, what):
    """``group[name]``, a hard link to a group (``kind="group"``) or dataset, else raise."""
    module = h5py()
    link = group.get(name, getlink=True) if isinstance(name, str) else None
    if link is None:
        raise ModelFileError(f"{what} has no {kind} {name!r} in {group.name!r}.")
    if not isinstance(link, module.HardLink):
        raise ModelFileError(f"{what}: {group.name}/{name} is a link outside the file; "
                             "refused.")
    item = group[name]
    expected = module.Group if kind == "group" else module.Dataset
    if not isinstance(item, expected):
        raise ModelFileError(f"{what}: {item.name} is not a {kind}.")
    return item


def dataset_bytes(dataset):
    """Bytes the dataset holds once read (its shape times its item size)."""
    return math.prod(dataset.shape or ()) * dataset.dtype.itemsize


def read_array(dataset, shape, dtype, what):
    """The dataset's values; it must be a float array of exactly ``shape``, stored in the
    file itself."""
    where = f"{what}: {dataset.name}"
    if dataset.external or dataset.is_virtual:
        raise ModelFileError(f"{where} keeps its data outside the file; refused.")
    if dataset.dtype.kind != "f":
        raise ModelFileError(f"{where} has dtype {dataset.dtype}, expected a float array.")
    if tuple(dataset.shape) != tuple(shape):
        raise ModelFileError(f"{where} has shape {tuple(dataset.shape)}, expected "
                             f"{tuple(shape)}.")
    try:
        return np.asarray(dataset[()], dtype=dtype)
    except Exception as err:
        raise ModelFileError(f"{where} cannot be read ({err}).") from err


def read_json_attribute(node, name, what):
    """A JSON string attribute (``model_config``), parsed, or ``None`` if absent."""
    if name not in node.attrs:
        return None
    value = node.attrs[name]
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str) or len(value) > JSON_LIMIT:
        raise ModelFileError(f"{what}: attribute {name!r} is not a JSON text of at most "
                             f"{JSON_LIMIT} characters.")
    try:
        return json.loads(value, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as err:
        raise ModelFileError(f"{what}: attribute {name!r} is not valid JSON ({err}).") from err


def read_names(node, name, what):
    """A list-of-strings attribute (``layer_names``, ``weight_names``) as ``[str]``."""
    values = node.attrs.get(name)
    if values is None:
        raise ModelFileError(f"{what}: {node.name} has no {name!r} attribute.")
    values = np.asarray(values)
    if values.ndim != 1 or values.size > 100_000:
        raise ModelFileError(f"{what}: attribute {name!r} of {node.name} is not a list.")
    return [v.decode("utf-8", errors="replace") if isinstance(v, bytes) else str(v)
            for v in values.tolist()]


def _reject_constant(name):
    raise ValueError(f"non-standard JSON constant {name}")
