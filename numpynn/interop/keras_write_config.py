"""numpynn configs -> Keras 3 configs (``config.json`` of a ``.keras`` archive), through the
table of :mod:`numpynn.interop.keras_objects`."""
from numpynn import losses, optimizers
from numpynn.interop.keras_config import NotExportableError
from numpynn.interop.keras_objects import LAYERS, MODULE_BY_SUFFIX, layer_row, object_row
from numpynn.saving import config as numpynn_config


def _policy(dtype):
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": dtype},
            "registered_name": None}


def _drop_numpynn_only(config, numpynn_only, what):
    """``config`` without numpynn's own arguments, which must hold what Keras implies."""
    config = dict(config)
    for key, implied in numpynn_only.items():
        if key in config:
            value = config.pop(key)
            if value != implied:
                raise NotExportableError(f"{what} sets {key}={value!r}; Keras has no such "
                                         f"setting (it behaves as {key}={implied!r}).")
    return config


def object_to_keras(spec, module, what):
    """numpynn's ``{"class_name", "config"}`` (or a name) as a Keras object config."""
    if spec is None or not isinstance(spec, dict):
        return spec
    row = object_row(module, spec["class_name"])
    if row is None:
        raise NotExportableError(f"{what} is a {spec['class_name']!r}, which Keras does not "
                                 "have.")
    config = _drop_numpynn_only(spec.get("config", {}), row[2], f"{what} ({spec['class_name']})")
    if isinstance(config.get("learning_rate"), dict):
        config["learning_rate"] = object_to_keras(config["learning_rate"],
                                                  "keras.optimizers.schedules",
                                                  f"{what} learning rate")
    return {"module": module, "class_name": spec["class_name"], "config": config,
            "registered_name": None}


def layer_to_keras(spec, index):
    """numpynn's layer config as Keras 3 writes it."""
    class_name, config = spec["class_name"], spec["config"]
    what = f"layer {index} ({class_name} {config.get('name')!r})"
    if class_name not in LAYERS:
        raise NotExportableError(f"{what}: Keras 3 has no {class_name} layer, so a .keras "
                                 "file could not hold it; save the model as .npnn instead.")
    _, _, numpynn_only, _ = layer_row(class_name)
    config = _drop_numpynn_only(config, numpynn_only, what)
    if "dtype" in config:
        config["dtype"] = _policy(config["dtype"])
    for key, value in list(config.items()):
        suffix = next((s for s in MODULE_BY_SUFFIX if key.endswith(s)), None)
        if suffix:
            config[key] = object_to_keras(value, MODULE_BY_SUFFIX[suffix], f"{what} {key}")
        elif key == "activation" and not isinstance(value, str):
            raise NotExportableError(f"{what} uses the activation {value!r:.80}; Keras reads "
                                     "activations by name only.")
    return {"module": "keras.layers", "class_name": class_name, "config": config,
            "registered_name": None}


def model_to_keras(model):
    """The Keras 3 config (with ``compile_config`` when compiled) of a Sequential model."""
    if type(model).__name__ != "Sequential":
        raise NotExportableError(f"model {model.name!r} is a {type(model).__name__}; writing "
                                 ".keras files covers Sequential models.")
    dtype = model.dtype.name
    spec = numpynn_config.model_to_config(model)["config"]
    shape = [None] + list(spec["input_shape"])
    input_layer = {"module": "keras.layers", "class_name": "InputLayer",
                   "config": {"batch_shape": shape, "dtype": dtype, "sparse": False,
                              "ragged": False, "name": "input_layer", "optional": False},
                   "registered_name": None}
    config = {"module": "keras", "class_name": "Sequential",
              "config": {"name": spec["name"], "trainable": True, "dtype": _policy(dtype),
                         "layers": [input_layer] + [layer_to_keras(s, i) for i, s
                                                    in enumerate(spec["layers"])]},
              "registered_name": None, "build_config": {"input_shape": shape}}
    if model.compiled:
        config["compile_config"] = compile_to_keras(model)
    return config


def compile_to_keras(model):
    """Keras' ``compile_config``: the optimizer and loss objects, the metrics' names."""
    metrics = [m for m in model._compile_args["metrics"] or [] if isinstance(m, str)]
    return {"optimizer": object_to_keras(optimizers.serialize(model.optimizer),
                                         "keras.optimizers", "the optimizer"),
            "loss": object_to_keras(losses.serialize(model.loss), "keras.losses", "the loss"),
            "loss_weights": None, "metrics": metrics or None, "weighted_metrics": None,
            "run_eagerly": False, "steps_per_execution": 1, "jit_compile": False}
