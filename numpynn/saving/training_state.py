"""What resuming training needs beyond weights and optimizer slots.

``fit(epochs=2)``, save, load, ``fit(epochs=4, initial_epoch=2)`` gives the same weights,
bit for bit, as ``fit(epochs=4)`` only if the next epochs shuffle and drop out exactly as
they would have. So the file keeps:

- ``epochs_trained``: epochs completed (``model.epochs_trained``), the ``initial_epoch`` of
  the next ``fit``;
- ``optimizer_iterations``: the optimizer's ``apply_count``, the calls of ``apply`` (its
  ``iterations``, used by bias corrections, follow from it), and
  ``optimizer_slots``: whether ``optimizer.npz`` holds the optimizer's slot arrays;
- ``rng``: the state of numpynn's global generator (``numpynn.backend.rng()``: shuffling,
  dropout, initialisation), and ``layer_rngs``: the generators of layers given their own
  ``seed`` (``Dropout(seed=...)``).

``load_model(..., compile=True)`` restores the global generator too: a deliberate choice,
so that resuming equals never stopping. Pass ``restore_rng=False`` to leave it alone.
"""
import numpy as np

from numpynn import backend
from numpynn.saving.errors import ModelFileError
from numpynn.saving.validation import field, non_negative_int

BIT_GENERATORS = {cls.__name__: cls for cls in (np.random.PCG64, np.random.PCG64DXSM,
                                                 np.random.MT19937, np.random.Philox,
                                                 np.random.SFC64)}


def _jsonable(value):
    """A bit generator state with arrays (MT19937, Philox) turned into lists."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.integer):
        return int(value)
    return value


def _layer_generators(model):
    """``{"2": generator}`` of the seeded layers (``"2/0"``: layer 0 of the model at 2)."""
    return {"/".join(map(str, path)): layer for path, layer, _ in model.weight_paths()
            if isinstance(getattr(layer, "_rng", None), np.random.Generator)}


def training_state(model, optimizer_slots):
    """The JSON-able training state of ``model`` (see the module docstring);
    ``optimizer_slots`` says whether the file also holds ``optimizer.npz``."""
    optimizer = model.optimizer if model.compiled else None
    return {"epochs_trained": int(getattr(model, "epochs_trained", 0)),
            "optimizer_iterations": int(optimizer.apply_count) if optimizer else 0,
            "optimizer_slots": bool(optimizer_slots),
            "rng": _jsonable(backend.rng().bit_generator.state),
            "layer_rngs": {key: _jsonable(layer._rng.bit_generator.state)
                           for key, layer in _layer_generators(model).items()}}


def generator_from_state(state, where):
    """A new ``numpy.random.Generator`` in exactly the saved ``state``."""
    name = field(state, "bit_generator", str, where)
    if name not in BIT_GENERATORS:
        raise ModelFileError(f"{where} names an unknown bit generator {name!r}; known: "
                             f"{', '.join(BIT_GENERATORS)}.")
    bit_generator = BIT_GENERATORS[name]()
    try:
        bit_generator.state = state
    except Exception as err:  # NumPy validates the state and raises on bad values
        raise ModelFileError(f"{where} is not a valid {name} state ({err}).") from err
    return np.random.Generator(bit_generator)


def check_training_state(state, what):
    """Validate ``training.json`` (types and ranges), returning it."""
    where = f"{what}: training.json"
    non_negative_int(state, "epochs_trained", where)
    non_negative_int(state, "optimizer_iterations", where)
    field(state, "optimizer_slots", bool, where)
    field(state, "rng", dict, where)
    field(state, "layer_rngs", dict, where)
    return state


def restore_generators(model, state, what):
    """Put the global generator and the layers' own generators back in their saved states."""
    where = f"{what}: training.json"
    generators = {key: generator_from_state(value, f"{where}['layer_rngs'][{key!r}]")
                  for key, value in state["layer_rngs"].items()}
    own = _layer_generators(model)
    if set(generators) != set(own):
        raise ModelFileError(f"{where} has generator states for layers {sorted(generators)}, "
                             f"but the model's seeded layers are {sorted(own)}.")
    global_generator = generator_from_state(state["rng"], f"{where}['rng']")
    for key, generator in generators.items():
        own[key]._rng = generator
    backend.set_rng(global_generator)
