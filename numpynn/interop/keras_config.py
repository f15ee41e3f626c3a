"""Keras configs <-> numpynn configs, as plain JSON, through the table of
:mod:`numpynn.interop.keras_objects`.

Reading never imports or calls anything a file names: a class is looked up in the table, a
Lambda or a custom object (a ``registered_name`` of its own, a module outside ``keras``)
raises :class:`KerasFileError` naming it, as Keras' ``safe_mode`` would.
"""
import warnings

import numpy as np

from numpynn import metrics
from numpynn.interop.keras_objects import (ANY, CODE_LAYERS, LAYERS, MODULE_BY_SUFFIX,
                                           OBJECTS, layer_row, object_row)
from numpynn.saving.errors import ModelFileError

#: the metric names numpynn knows
METRIC_NAMES = {"accuracy", "acc", *metrics.FUNCTIONS}
#: the dtypes numpynn computes in
DTYPES = ("float32", "float64")


class KerasFileError(ModelFileError):
    """A Keras file numpynn cannot read: a layer it lacks, a Lambda, a custom object, an
    argument it cannot honour. The message names the object."""


class NotExportableError(ValueError):
    """A numpynn model that Keras could not load: a layer or setting Keras lacks."""


# -- small pieces -------------------------------------------------------------------------
def _dtype_name(value, where):
    """``"float32"`` from a Keras 3 ``DTypePolicy`` dict or a Keras 2 string."""
    if isinstance(value, dict):
        value = value.get("config", {}).get("name") if isinstance(value.get("config"),
                                                                  dict) else None
    if value is None:
        return None
    if value not in DTYPES:
        raise KerasFileError(f"{where} computes in {value!r}; numpynn computes in float32 or "
                             "float64 only (mixed precision is not supported).")
    return value


def _apply_row(config, keras_only, renamed, what):
    """The Keras ``config`` with Keras 2 names renamed and Keras-only arguments dropped."""
    config = {renamed.get(key, key): value for key, value in config.items()}
    for key, implied in keras_only.items():
        if key in config:
            value = config.pop(key)
            if implied is not ANY and value != implied:
                raise KerasFileError(f"{what} sets {key}={value!r}, which numpynn does not "
                                     f"support (only {implied!r}).")
    return config


def _custom(spec, what):
    """Raise for a custom (user-registered or foreign) object in a Keras file."""
    name = spec.get("registered_name") or spec.get("class_name")
    raise KerasFileError(f"{what} uses the custom object {name!r} (module "
                         f"{spec.get('module')!r}); numpynn reads only Keras' built-in "
                         "classes and never runs code from a file. Rebuild the model with "
                         "numpynn's layers, or replace the custom object in Keras first.")


# -- Keras -> numpynn ---------------------------------------------------------------------
def object_from_keras(spec, module, what):
    """A nested Keras object (initializer, regularizer, optimizer...) as numpynn's
    ``{"class_name", "config"}``; names (``"l2"``) pass as they are."""
    if spec is None or isinstance(spec, (str, int, float)):
        return spec
    if not isinstance(spec, dict) or not isinstance(spec.get("class_name"), str):
        raise KerasFileError(f"{what} is not a Keras object config: {spec!r:.80}.")
    if module == "keras.optimizers" and spec["class_name"].startswith("Custom>"):
        spec = {**spec, "class_name": spec["class_name"][len("Custom>"):]}  # tf.keras 2.11+
        spec.pop("registered_name", None)
    registered = spec.get("registered_name")
    if registered not in (None, spec["class_name"]) or not str(
            spec.get("module") or module).startswith("keras"):
        _custom(spec, what)
    row = object_row(module, spec["class_name"])
    if row is None:
        raise KerasFileError(f"{what} is a {spec['class_name']!r}, which numpynn does not "
                             f"have (known: {', '.join(sorted(OBJECTS[module][0]))}).")
    _, keras_only, _, renamed = row
    config = spec.get("config") or {}
    if not isinstance(config, dict):
        raise KerasFileError(f"{what} has a config that is not a dict: {config!r:.80}.")
    config = _apply_row(config, keras_only, renamed, f"{what} ({spec['class_name']})")
    if "learning_rate" in config:
        config["learning_rate"] = _learning_rate_from_keras(config["learning_rate"], what)
    return {"class_name": spec["class_name"], "config": config}


def _learning_rate_from_keras(value, what):
    """A schedule's config, or the rate Keras stored as a float32 (0.0010000000474974513)
    given back as the number the user typed (0.001)."""
    if isinstance(value, dict):
        return object_from_keras(value, "keras.optimizers.schedules", f"{what} learning rate")
    if isinstance(value, float):
        return float(str(np.float32(value)))
    return value


def _activation_from_keras(value, what):
    """Keras stores a built-in activation as its name (or as a ``function`` object)."""
    if isinstance(value, dict):
        if value.get("class_name") == "function" and isinstance(value.get("config"), str) \
                and value.get("registered_name") in (None, "function"):
            return value["config"]
        _custom(value, what)
    return value


def layer_from_keras(spec, where):
    """A Keras layer config as numpynn's ``{"class_name", "config"}``."""
    if not isinstance(spec, dict) or not isinstance(spec.get("class_name"), str):
        raise KerasFileError(f"{where} is not a Keras layer config: {spec!r:.80}.")
    class_name = spec["class_name"]
    config = spec.get("config")
    name = config.get("name") if isinstance(config, dict) else None
    what = f"{where} ({class_name} {name!r})"
    if class_name in CODE_LAYERS:
        raise KerasFileError(f"{what} is a {class_name}: it holds Python code, which numpynn "
                             "never runs from a file. Replace it with built-in layers.")
    if spec.get("registered_name") not in (None, class_name) or not str(
            spec.get("module") or "keras").startswith("keras"):
        _custom(spec, what)
    if class_name not in LAYERS:
        raise KerasFileError(f"{what}: numpynn has no {class_name} layer. Layers it reads: "
                             f"{', '.join(sorted(LAYERS))}.")
    if not isinstance(config, dict):
        raise KerasFileError(f"{what} has no config dict.")
    _, keras_only, _, renamed = layer_row(class_name)
    config = _apply_row(config, keras_only, renamed, what)
    for key in ("batch_input_shape", "batch_shape", "input_shape"):
        config.pop(key, None)
    if "dtype" in config:
        config["dtype"] = _dtype_name(config["dtype"], what)
    for key, value in list(config.items()):
        suffix = next((s for s in MODULE_BY_SUFFIX if key.endswith(s)), None)
        if suffix:
            config[key] = object_from_keras(value, MODULE_BY_SUFFIX[suffix], f"{what} {key}")
        elif key == "activation":
            config[key] = _activation_from_keras(value, f"{what} activation")
    if class_name == "BatchNormalization" and isinstance(config.get("axis"), list) \
            and len(config["axis"]) == 1:  # Keras 2 stored the axis as a list
        config["axis"] = config["axis"][0]
    return {"class_name": class_name, "config": config}


def compile_from_keras(config):
    """numpynn's compile settings from a Keras ``compile_config`` (Keras 3) or
    ``training_config`` (Keras 2 HDF5), or ``None`` when there are none."""
    if not isinstance(config, dict):
        return None
    optimizer = config.get("optimizer", config.get("optimizer_config"))
    loss = config.get("loss")
    if optimizer is None or loss is None:
        return None
    return {"optimizer": object_from_keras(optimizer, "keras.optimizers", "the optimizer"),
            "loss": _per_output(loss, lambda l, what: object_from_keras(l, "keras.losses", what),
                                "the loss"),
            "loss_weights": _per_output(config.get("loss_weights"), _loss_weight,
                                        "the loss weights"),
            "metrics": _metric_names(config.get("metrics"))}


def _per_output(value, convert, what):
    """``value`` converted entry by entry when it is a list or a dict of entries (one per
    output), as a whole otherwise; ``None`` entries stay."""
    if isinstance(value, list):
        return [None if v is None else convert(v, f"{what} {i}") for i, v in enumerate(value)]
    if isinstance(value, dict) and "class_name" not in value:
        return {str(k): None if v is None else convert(v, f"{what} {k!r}")
                for k, v in value.items()}
    return None if value is None else convert(value, what)


def _loss_weight(value, what):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise KerasFileError(f"{what} is {value!r:.80}, not a number.")
    return value


def _metric_names(specs):
    """The metrics numpynn has, by name, from Keras' list (Keras 2 nests it per output and
    stores ``MeanMetricWrapper`` objects); the others are dropped with a warning, as they
    change no prediction."""
    names, dropped = [], []
    pending = list(specs) if isinstance(specs, list) else []
    while pending:
        spec = pending.pop(0)
        if isinstance(spec, list):
            pending[:0] = spec
            continue
        name = spec.get("config", {}).get("name") if isinstance(spec, dict) and isinstance(
            spec.get("config"), dict) else spec
        (names if name in METRIC_NAMES else dropped).append(name)
    if dropped:
        warnings.warn(f"numpynn has no metric {', '.join(map(repr, dropped))}; the model is "
                      "compiled without it.", stacklevel=4)
    return names
