"""Layers: each has ``build``, ``forward``, ``backward``, its weights and their gradients."""
from numpynn import registry
from numpynn.layers.activation import (ELU, Activation, LeakyReLU, ReLU, Softmax,
                                       ThresholdedReLU)
from numpynn.layers.activity_regularization import ActivityRegularization
from numpynn.layers.base import Layer
from numpynn.layers.concatenate import Concatenate, concatenate
from numpynn.layers.conv import Conv1D, Conv2D
from numpynn.layers.conv_transpose import Conv2DTranspose
from numpynn.layers.dense import Dense
from numpynn.layers.depthwise_conv import DepthwiseConv2D
from numpynn.layers.dot import Dot, dot
from numpynn.layers.dropout import Dropout
from numpynn.layers.embedding import Embedding
from numpynn.layers.flatten import Flatten
from numpynn.layers.global_pooling import (GlobalAveragePooling1D, GlobalAveragePooling2D,
                                           GlobalMaxPooling1D, GlobalMaxPooling2D)
from numpynn.layers.identity import Identity
from numpynn.layers.input_layer import Input, InputLayer
from numpynn.layers.layer_normalization import LayerNormalization
from numpynn.layers.maxout import Maxout
from numpynn.layers.merging import (Add, Average, Maximum, Minimum, Multiply, Subtract, add,
                                    average, maximum, minimum, multiply, subtract)
from numpynn.layers.node import KerasTensor
from numpynn.layers.noise import AlphaDropout, GaussianDropout, GaussianNoise
from numpynn.layers.normalization import BatchNormalization
from numpynn.layers.pooling import (AveragePooling1D, AveragePooling2D, MaxPooling1D,
                                    MaxPooling2D)
from numpynn.layers.prelu import PReLU
from numpynn.layers.preprocessing import (CenterCrop, Grayscale, Normalization,
                                          RandomBrightness, RandomContrast, RandomCrop,
                                          RandomFlip, RandomRotation, RandomTranslation,
                                          RandomZoom, Rescaling, Resizing)
from numpynn.layers.reshaping import Permute, RepeatVector, Reshape
from numpynn.layers.separable_conv import SeparableConv2D
from numpynn.layers.spatial_dropout import SpatialDropout2D
from numpynn.layers.zero_padding import ZeroPadding2D

ALL = {cls.__name__: cls for cls in (
    Activation, ActivityRegularization, Add, AlphaDropout, Average, AveragePooling1D,
    AveragePooling2D, BatchNormalization, CenterCrop, Concatenate, Conv1D, Conv2D,
    Conv2DTranspose, Dense, DepthwiseConv2D, Dot, Dropout, ELU, Embedding, Flatten,
    GaussianDropout, GaussianNoise, GlobalAveragePooling1D, GlobalAveragePooling2D,
    GlobalMaxPooling1D, GlobalMaxPooling2D, Grayscale, Identity, InputLayer, LayerNormalization,
    LeakyReLU, Maximum, MaxPooling1D, MaxPooling2D, Maxout, Minimum, Multiply, Normalization,
    Permute, PReLU, RandomBrightness, RandomContrast, RandomCrop, RandomFlip, RandomRotation,
    RandomTranslation, RandomZoom, ReLU, RepeatVector, Rescaling, Reshape, Resizing,
    SeparableConv2D, Softmax, SpatialDropout2D, Subtract, ThresholdedReLU, ZeroPadding2D)}

# Keras' shorter names
MaxPool1D, MaxPool2D = MaxPooling1D, MaxPooling2D
AvgPool1D, AvgPool2D = AveragePooling1D, AveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
Convolution1D, Convolution2D = Conv1D, Conv2D
Convolution2DTranspose, SeparableConvolution2D = Conv2DTranspose, SeparableConv2D


def deserialize(config, custom_objects=None):
    """Rebuild a layer from ``{"class_name": ..., "config": ...}``."""
    return registry.deserialize(config, "layer", ALL, custom_objects)


def serialize(layer):
    return registry.serialize(layer)
