"""Layers and models in configs: a model's config lists its layers, and a layer may itself
be a model, so rebuilding one looks names up among the layers and the model classes."""
from numpynn import layers as layers_module, registry

#: model class name -> class; each model module adds its own (``Sequential``, ``Functional``)
MODEL_CLASSES = {}


def serialize_layer(layer):
    """``{"class_name": ..., "config": ...}`` of a layer or a model."""
    return registry.serialize(layer)


def deserialize_layer(spec, custom_objects=None):
    """A layer or a model from :func:`serialize_layer`'s output (an unknown name gets the
    registry's message, listing the layers)."""
    name = spec.get("class_name") if isinstance(spec, dict) else None
    model_class = MODEL_CLASSES.get(name) if isinstance(name, str) else None
    with registry.custom_object_scope(custom_objects):  # seen by the layers inside a model
        if model_class is not None:
            return model_class.from_config(spec.get("config", {}))
        return layers_module.deserialize(spec)
