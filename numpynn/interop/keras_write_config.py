"""numpynn configs -> Keras 3 configs (``config.json`` of a ``.keras`` archive), through the
table of :mod:`numpynn.interop.keras_objects`."""
from numpynn import losses, optimizers
from numpynn.interop.keras_config import NotExportableError
from numpynn.interop.keras_objects import LAYERS, MODULE_BY_SUFFIX, layer_row, object_row
from numpynn.interop.keras_model import keras_class_name
from numpynn.models.weights import ModelWeights
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
        raise NotExportableError(f"{what} is a {spec['class_name']!r}, which numpynn does not "
                                 "write into Keras files (numpynn's format keeps it).")
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


def _input_layer(shape, dtype, name):
    return {"module": "keras.layers", "class_name": "InputLayer",
            "config": {"batch_shape": [None] + list(shape), "dtype": dtype, "sparse": False,
                       "ragged": False, "name": name, "optional": False},
            "registered_name": None}


def _layers_to_keras(model, specs):
    """Each layer of ``model`` (a nested model as its own Keras config) from its numpynn
    config in ``specs``."""
    return [_model_to_keras(layer) if isinstance(layer, ModelWeights) else
            layer_to_keras(spec, i) for i, (layer, spec) in enumerate(zip(model.layers, specs))]


def _sequential(model, spec, dtype):
    layers = [_input_layer(spec["input_shape"], dtype, "input_layer")]
    return {"name": spec["name"], "trainable": spec["trainable"], "dtype": _policy(dtype),
            "layers": layers + _layers_to_keras(model, spec["layers"])}


def _tensor_records(model):
    """``{(layer name, call index in this model, output index): tensor}``: the histories
    of :meth:`Functional.get_config`, and the tensors they name."""
    members = {id(node) for node in model.graph_nodes} | {id(t.node) for t in model.inputs}
    records = {}
    for layer in model.layers:
        calls = [node for node in layer.inbound_nodes if id(node) in members]
        for call, node in enumerate(calls):
            records.update({(layer.name, call, t.index): t for t in node.outputs})
    return records


def _functional(model, spec, dtype):
    records = _tensor_records(model)

    def tensor(history):
        t = records[tuple(history)]
        return {"class_name": "__keras_tensor__", "config": {
            "shape": [None] + list(t.shape[1:]), "dtype": t.dtype, "keras_history": history}}

    def call(inbound):
        args = tensor(inbound) if isinstance(inbound[0], str) else [tensor(h) for h in inbound]
        return {"args": [args], "kwargs": {}}

    layers = []
    for layer, keras_spec, layer_spec in zip(model.layers, _layers_to_keras(model, [
            {k: v for k, v in s.items() if k != "inbound_nodes"} for s in spec["layers"]]),
            spec["layers"]):
        if layer_spec["class_name"] == "InputLayer":
            keras_spec = _input_layer(layer.shape, str(layer.dtype), layer.name)
        layers.append({**keras_spec, "name": layer.name,
                       "inbound_nodes": [call(c) for c in layer_spec["inbound_nodes"]]})
    return {"name": spec["name"], "trainable": spec["trainable"], "layers": layers,
            "input_layers": spec["input_layers"], "output_layers": spec["output_layers"]}


def _model_to_keras(model):
    """The Keras 3 config of a Sequential or functional ``model`` (nested ones too)."""
    class_name = keras_class_name(model)
    if class_name not in ("Sequential", "Functional"):
        raise NotExportableError(f"model {model.name!r} is a {class_name}; Keras files hold "
                                 "Sequential and functional models.")
    spec = numpynn_config.model_to_config(model)["config"]
    make = _sequential if class_name == "Sequential" else _functional
    config = make(model, spec, model.dtype.name)
    if class_name == "Sequential":
        return {"module": "keras", "class_name": class_name, "config": config,
                "registered_name": None,
                "build_config": {"input_shape": [None] + list(spec["input_shape"])}}
    return {"module": "keras.src.models.functional", "class_name": class_name,
            "config": config, "registered_name": class_name,
            "build_config": {"input_shape": None}}


def model_to_keras(model):
    """The Keras 3 config (with ``compile_config`` when compiled) of a Sequential or
    functional model, nested models included."""
    config = _model_to_keras(model)
    if model.compiled:
        config["compile_config"] = compile_to_keras(model)
    return config


def compile_to_keras(model):
    """Keras' ``compile_config``: the optimizer and loss objects, the metrics' names."""
    metrics = [m for m in model._compile_args["metrics"] or [] if isinstance(m, str)]
    return {"optimizer": object_to_keras(optimizers.serialize(model.optimizer),
                                         "keras.optimizers", "the optimizer"),
            "loss": _loss_to_keras(model.loss),
            "loss_weights": model._compile_args.get("loss_weights"), "metrics": metrics or None, "weighted_metrics": None,
            "run_eagerly": False, "steps_per_execution": 1, "jit_compile": False}


def _loss_to_keras(loss):
    """One loss, or a list or dict of them (one per output, ``None`` for none)."""
    def one(l, what):
        return None if l is None else object_to_keras(losses.serialize(l), "keras.losses", what)
    if isinstance(loss, (list, tuple)):
        return [one(l, f"the loss {i}") for i, l in enumerate(loss)]
    if isinstance(loss, dict):
        return {key: one(l, f"the loss {key!r}") for key, l in loss.items()}
    return one(loss, "the loss")
