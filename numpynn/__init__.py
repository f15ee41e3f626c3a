"""numpynn: readable deep learning on NumPy with a Keras-compatible API.

    import numpynn as keras
    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
"""
from numpynn import (activations, backend, callbacks, constraints, data, datasets,
                     initializers, layers, losses, metrics, models, ops, optimizers,
                     preprocessing, regularizers, saving, utils)
from numpynn.backend import clear_session
from numpynn.layers import Input, KerasTensor
from numpynn.models import Model, Sequential
from numpynn.registry import register

config = backend
__version__ = "0.1.0"
