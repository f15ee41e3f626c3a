"""Keras model configs -> numpynn model configs: ``Sequential`` and ``Functional``, models
nested in models at any depth, shared layers.

A Keras functional config lists each layer with the calls it made (``inbound_nodes``); a
call names the tensors it took by their history ``[layer name, call index, output index]``:

- Keras 3: ``{"args": [tensor or [tensors]], "kwargs": {}}``, each tensor a
  ``{"class_name": "__keras_tensor__", "config": {"keras_history": [name, call, index]}}``;
- Keras 2 (legacy ``.h5``): ``[[name, call, index, kwargs], ...]``, one entry per tensor.

numpynn's functional config holds each call as one history, or a list of them for a layer
called on a list (:mod:`numpynn.models.functional`).
"""
from numpynn.interop.keras_config import (KerasFileError, _custom, _dtype_name,
                                          layer_from_keras)

#: Keras' model classes, read as models (and written back under the first two names)
MODEL_CLASS_NAMES = ("Sequential", "Functional", "Model")


def _positive_shape(shape, where):
    if not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in shape[1:]):
        raise KerasFileError(f"{where}'s input shape {shape} is not a list of positive sizes "
                             "after the batch axis.")
    return list(shape[1:])


def _input_shape(model_config, layer_specs):
    """A Sequential's input shape (no batch axis) from an InputLayer, a Keras 2 first
    layer's ``batch_input_shape``, or the model's ``build_input_shape``."""
    first = layer_specs[0].get("config", {}) if layer_specs else {}
    for shape in (first.get("batch_shape"), first.get("batch_input_shape"),
                  model_config.get("build_input_shape")):
        if isinstance(shape, list) and len(shape) >= 2:
            return _positive_shape(shape, "the model")
    raise KerasFileError("the Keras model does not record its input shape (no InputLayer, "
                         "no build_input_shape); numpynn needs it to place the weights.")


def layer_or_model_from_keras(spec, where):
    """A Keras layer config, or a model's, as numpynn's ``{"class_name", "config"}``."""
    if isinstance(spec, dict) and spec.get("class_name") in MODEL_CLASS_NAMES:
        return model_from_keras(spec, where)
    return layer_from_keras(spec, where)


def _sequential(config, where):
    specs = config.get("layers")
    if not isinstance(specs, list) or not all(isinstance(s, dict) for s in specs):
        raise KerasFileError(f"{where}: the Sequential config has no list of layers.")
    shape = _input_shape(config, specs)
    dtype = _dtype_name(config.get("dtype"), where)
    if specs and specs[0].get("class_name") == "InputLayer":
        layer_from_keras(specs[0], f"{where} layer 0")  # checked: no sparse or ragged input
        dtype = _dtype_name(specs[0].get("config", {}).get("dtype"), "the InputLayer") or dtype
        specs = specs[1:]
    layers = [layer_or_model_from_keras(s, f"{where} layer {i}") for i, s in enumerate(specs)]
    if dtype is not None:
        for layer in layers:
            if layer["class_name"] not in MODEL_CLASS_NAMES:
                layer["config"].setdefault("dtype", dtype)
    return {"input_shape": shape, "layers": layers}


def _history(value, where):
    """``[name, call, index]`` from a Keras 3 tensor dict or a Keras 2 list."""
    if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
        value = (value.get("config") or {}).get("keras_history")
    if isinstance(value, list) and len(value) in (3, 4) and isinstance(value[0], str) and all(
            isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in value[1:3]):
        if len(value) == 4 and value[3]:
            raise KerasFileError(f"{where} passes the arguments {value[3]!r:.80} to a layer "
                                 "call; numpynn calls layers on tensors only.")
        return list(value[:3])
    raise KerasFileError(f"{where} names a tensor as {value!r:.80}, not as [layer name, call "
                         "index, output index].")


def _call(node, where):
    """One entry of ``inbound_nodes`` as numpynn's call: a history or a list of them."""
    if isinstance(node, dict):  # Keras 3
        args, kwargs = node.get("args"), node.get("kwargs") or {}
        if not isinstance(args, list) or len(args) != 1 or not isinstance(kwargs, dict):
            raise KerasFileError(f"{where} calls the layer on {args!r:.80}; numpynn calls a "
                                 "layer on one tensor or one list of tensors.")
        extra = {k: v for k, v in kwargs.items() if v is not None}
        if extra:
            raise KerasFileError(f"{where} passes {sorted(extra)} to the call; numpynn calls "
                                 "layers on tensors only.")
        if isinstance(args[0], list):
            return [_history(t, where) for t in args[0]]
        return _history(args[0], where)
    if isinstance(node, list) and node:  # Keras 2: one entry per tensor
        histories = [_history(t, where) for t in node]
        return histories[0] if len(histories) == 1 else histories
    raise KerasFileError(f"{where} is not a layer call: {node!r:.80}.")


def _structure(value, where):
    """``input_layers``/``output_layers``: one history, a list of them, or a dict."""
    if isinstance(value, dict):
        return {key: _history(v, where) for key, v in value.items()}
    if isinstance(value, list) and value and isinstance(value[0], str):
        return _history(value, where)
    if isinstance(value, list) and value:
        return [_history(v, where) for v in value]
    raise KerasFileError(f"{where} is not a list of tensors: {value!r:.80}.")


def _input_layer(spec, where):
    layer_from_keras(spec, where)  # checked: no sparse or ragged input
    config = spec["config"]
    shape = config.get("batch_shape", config.get("batch_input_shape"))
    if not isinstance(shape, list) or len(shape) < 2:
        raise KerasFileError(f"{where}: the InputLayer has no batch_shape.")
    return {"class_name": "InputLayer",
            "config": {"name": config.get("name"), "shape": _positive_shape(shape, where),
                       "dtype": _dtype_name(config.get("dtype"), where) or "float32"}}


def _functional(config, where):
    specs = config.get("layers")
    if not isinstance(specs, list) or not all(isinstance(s, dict) for s in specs):
        raise KerasFileError(f"{where}: the functional config has no list of layers.")
    layers = []
    for i, spec in enumerate(specs):
        what = f"{where} layer {i}"
        if spec.get("class_name") == "InputLayer":
            layer = _input_layer(spec, what)
        else:
            layer = layer_or_model_from_keras(spec, what)
        nodes = spec.get("inbound_nodes", [])
        if not isinstance(nodes, list):
            raise KerasFileError(f"{what}: inbound_nodes is not a list.")
        layers.append({**layer, "inbound_nodes": [_call(n, f"{what} call {j}")
                                                  for j, n in enumerate(nodes)]})
    return {"layers": layers,
            "input_layers": _structure(config.get("input_layers"), f"{where} input_layers"),
            "output_layers": _structure(config.get("output_layers"),
                                        f"{where} output_layers")}


def model_from_keras(spec, where="the model"):
    """numpynn's config of a Keras ``Sequential`` or ``Functional`` model config."""
    if not isinstance(spec, dict) or not isinstance(spec.get("config"), dict):
        raise KerasFileError(f"{where}'s config is not a Keras model config: {spec!r:.80}.")
    class_name = spec.get("class_name")
    if class_name not in MODEL_CLASS_NAMES:
        raise KerasFileError(f"{where} is a {class_name!r} model; numpynn reads Keras "
                             "Sequential and functional models (a subclassed Model holds "
                             "Python code, which numpynn never runs from a file).")
    if spec.get("registered_name") not in (None, class_name) or not str(
            spec.get("module") or "keras").startswith("keras"):
        _custom(spec, where)
    config = spec["config"]
    if class_name == "Sequential":
        translated = _sequential(config, where)
    else:
        if "layers" not in config:
            raise KerasFileError(f"{where} is a subclassed {class_name!r} (its config has no "
                                 "layers): it holds Python code, which numpynn never runs.")
        translated = _functional(config, where)
        class_name = "Functional"
    name = config.get("name") if isinstance(config.get("name"), str) else None
    trainable = config.get("trainable", True) is not False
    return {"class_name": class_name,
            "config": {"name": name, "trainable": trainable, **translated}}
