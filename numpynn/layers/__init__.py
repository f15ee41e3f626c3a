"""Layers: each has ``build``, ``forward``, ``backward``, its weights and their gradients."""
from numpynn import registry
from numpynn.layers.activation import ELU, Activation, LeakyReLU, ReLU, Softmax
from numpynn.layers.base import Layer
from numpynn.layers.conv import Conv1D, Conv2D
from numpynn.layers.conv_transpose import Conv2DTranspose
from numpynn.layers.depthwise_conv import DepthwiseConv2D
from numpynn.layers.dense import Dense
from numpynn.layers.dropout import Dropout
from numpynn.layers.flatten import Flatten
from numpynn.layers.input_layer import Input, InputLayer
from numpynn.layers.maxout import Maxout
from numpynn.layers.separable_conv import SeparableConv2D

ALL = {cls.__name__: cls for cls in (Activation, Conv1D, Conv2D, Conv2DTranspose, Dense,
                                     DepthwiseConv2D, Dropout, ELU, Flatten, InputLayer,
                                     LeakyReLU, Maxout, ReLU, SeparableConv2D, Softmax)}


def deserialize(config, custom_objects=None):
    """Rebuild a layer from ``{"class_name": ..., "config": ...}``."""
    return registry.deserialize(config, "layer", ALL, custom_objects)


def serialize(layer):
    return registry.serialize(layer)
