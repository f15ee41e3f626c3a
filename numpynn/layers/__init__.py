"""Layers: each has ``build``, ``forward``, ``backward``, its weights and their gradients."""
from numpynn import registry
from numpynn.layers.activation import ELU, Activation, LeakyReLU, ReLU, Softmax
from numpynn.layers.activity_regularization import ActivityRegularization
from numpynn.layers.base import Layer
from numpynn.layers.dense import Dense
from numpynn.layers.dropout import Dropout
from numpynn.layers.embedding import Embedding
from numpynn.layers.flatten import Flatten
from numpynn.layers.identity import Identity
from numpynn.layers.input_layer import Input, InputLayer
from numpynn.layers.layer_normalization import LayerNormalization
from numpynn.layers.maxout import Maxout
from numpynn.layers.normalization import BatchNormalization
from numpynn.layers.noise import AlphaDropout, GaussianDropout, GaussianNoise
from numpynn.layers.preprocessing import Normalization
from numpynn.layers.reshaping import Permute, RepeatVector

ALL = {cls.__name__: cls for cls in (
    Activation, ActivityRegularization, AlphaDropout, BatchNormalization, Dense, Dropout, ELU,
    Embedding, Flatten, GaussianDropout, GaussianNoise, Identity, InputLayer, LayerNormalization,
    LeakyReLU, Maxout, Normalization, Permute, ReLU, RepeatVector, Softmax)}


def deserialize(config, custom_objects=None):
    """Rebuild a layer from ``{"class_name": ..., "config": ...}``."""
    return registry.deserialize(config, "layer", ALL, custom_objects)


def serialize(layer):
    return registry.serialize(layer)
