"""Architecture and compile settings as plain JSON, and back.

``model_to_json`` / ``model_from_json`` mirror Keras: the JSON holds the architecture only
(no weights). Classes are resolved by name through :mod:`numpynn.registry`, so only built-in,
``@numpynn.register()``-ed or ``custom_objects`` classes are ever instantiated.
"""
import json

from numpynn import losses, metrics as metrics_module, optimizers, registry
from numpynn.models import Functional, Sequential

MODELS = {"Sequential": Sequential, "Functional": Functional, "Model": Functional}


def model_to_config(model):
    """``{"class_name": "Sequential", "config": {...}}`` (or ``"Functional"``)."""
    return registry.serialize(model)


def model_from_config(spec, custom_objects=None):
    """Rebuild an (untrained) model from :func:`model_to_config`'s output."""
    with registry.custom_object_scope(custom_objects):
        if not isinstance(spec, dict) or not isinstance(spec.get("config"), dict):
            raise ValueError(f"A model config is a dict with 'class_name' and 'config', got "
                             f"{spec!r:.80}.")
        cls = registry.lookup(spec.get("class_name"), "model", MODELS)
        return cls.from_config(spec["config"])


def model_to_json(model, **json_kwargs):
    """The architecture as a JSON string (``json.dumps`` keyword arguments allowed)."""
    from numpynn import __version__
    return json.dumps({**model_to_config(model), "numpynn_version": __version__}, **json_kwargs)


def model_from_json(json_string, custom_objects=None):
    """A new model with the architecture of ``Model.to_json()``'s output (fresh weights)."""
    return model_from_config(json.loads(json_string), custom_objects)


# -- compile settings -----------------------------------------------------------------------
# A model with several outputs may have a loss and metrics per output: a list (in output
# order) or a dict keyed by output name. These keep that form in JSON.
def _metric_to_config(metric):
    if isinstance(metric, (list, tuple)):
        return [_metric_to_config(m) for m in metric]
    if isinstance(metric, dict):
        return {key: _metric_to_config(m) for key, m in metric.items()}
    if isinstance(metric, str):
        return metric
    if isinstance(metric, type) and issubclass(metric, metrics_module.Metric):
        return metric.__name__
    if isinstance(metric, metrics_module.Metric):
        return metrics_module.serialize(metric)
    return {"name": metric.__name__, "fn": metric.__name__}  # a metric function


def _is_metric_object(spec):
    return isinstance(spec, dict) and set(spec) == {"name", "fn"}


def _metric_from_config(spec):
    if isinstance(spec, list):
        return [_metric_from_config(m) for m in spec]
    if isinstance(spec, dict) and "class_name" in spec:
        return metrics_module.deserialize(spec)
    if _is_metric_object(spec):  # a metric function: {"name", "fn"}
        fn = registry.lookup(spec.get("fn"), "metric", metrics_module.FUNCTIONS)
        return metrics_module.MeanMetricWrapper(fn, name=str(spec.get("name")))
    if isinstance(spec, dict):  # per output, keyed by output name
        return {str(key): _metric_from_config(m) for key, m in spec.items()}
    if not isinstance(spec, str):
        raise ValueError(f"A metric is a name or a {{'class_name', 'config'}} dict, got "
                         f"{spec!r:.80}.")
    return spec


def _loss_to_config(loss):
    if isinstance(loss, (list, tuple)):
        return [None if l is None else losses.serialize(l) for l in loss]
    if isinstance(loss, dict):
        return {key: None if l is None else losses.serialize(l) for key, l in loss.items()}
    return losses.serialize(loss)


def _loss_from_config(spec):
    if isinstance(spec, list):
        return [None if l is None else losses.get(l) for l in spec]
    if isinstance(spec, dict) and "class_name" not in spec:
        return {str(key): None if l is None else losses.get(l) for key, l in spec.items()}
    return losses.get(spec)


def compile_to_config(model):
    """``{"optimizer": ..., "loss": ..., "loss_weights": ..., "metrics": ...}`` (and
    ``"weighted_metrics"`` when given), or ``None`` if not compiled."""
    if not model.compiled:
        return None
    args = model._compile_args
    config = {"optimizer": optimizers.serialize(model.optimizer),
              "loss": _loss_to_config(model.loss),
              "loss_weights": args["loss_weights"],
              "metrics": _metric_to_config(args["metrics"] or [])}
    if args.get("weighted_metrics"):
        config["weighted_metrics"] = _metric_to_config(args["weighted_metrics"])
    return config


def compile_from_config(model, config, custom_objects=None):
    """``model.compile(...)`` with the settings of :func:`compile_to_config`."""
    with registry.custom_object_scope(custom_objects):
        if not isinstance(config, dict) or not isinstance(config.get("metrics", []),
                                                          (list, dict)):
            raise ValueError(f"compile settings must be a dict, got {config!r:.80}.")
        model.compile(optimizer=optimizers.get(config.get("optimizer")),
                      loss=_loss_from_config(config.get("loss")),
                      loss_weights=config.get("loss_weights"),
                      metrics=_metric_from_config(config.get("metrics", [])),
                      weighted_metrics=_metric_from_config(config.get("weighted_metrics", [])))
