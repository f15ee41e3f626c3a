"""Layers: each has ``build``, ``forward``, ``backward``, its weights and their gradients."""
from numpynn import registry
from numpynn.layers.activation import (ELU, Activation, LeakyReLU, ReLU, Softmax,
                                      ThresholdedReLU)
from numpynn.layers.base import Layer
from numpynn.layers.dense import Dense
from numpynn.layers.dropout import Dropout
from numpynn.layers.flatten import Flatten
from numpynn.layers.input_layer import Input, InputLayer
from numpynn.layers.maxout import Maxout
from numpynn.layers.prelu import PReLU

ALL = {cls.__name__: cls for cls in (Activation, Dense, Dropout, ELU, Flatten, InputLayer,
                                     LeakyReLU, Maxout, PReLU, ReLU, Softmax, ThresholdedReLU)}


def deserialize(config, custom_objects=None):
    """Rebuild a layer from ``{"class_name": ..., "config": ...}``."""
    return registry.deserialize(config, "layer", ALL, custom_objects)


def serialize(layer):
    return registry.serialize(layer)
