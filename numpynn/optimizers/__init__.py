"""Optimizers: how the gradients found by backpropagation change the weights."""
from numpynn import registry
from numpynn.optimizers.adam import Adam
from numpynn.optimizers.base import Optimizer
from numpynn.optimizers.rmsprop import RMSprop
from numpynn.optimizers.sgd import SGD

ALL = {cls.__name__: cls for cls in (SGD, Adam, RMSprop)}
ALIASES = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop}


def get(identifier):
    """An optimizer from a name (``"adam"``), a config dict, or an instance."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        return registry.lookup(identifier.lower() if identifier.lower() in ALIASES else identifier,
                               "optimizer", {**ALIASES, **ALL})()
    return registry.deserialize(identifier, "optimizer", ALL)


def serialize(optimizer):
    return registry.serialize(optimizer)
