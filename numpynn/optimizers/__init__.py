"""Optimizers: how the gradients found by backpropagation change the weights."""
from numpynn import registry
from numpynn.optimizers import schedules
from numpynn.optimizers.adadelta import Adadelta
from numpynn.optimizers.adafactor import Adafactor
from numpynn.optimizers.adagrad import Adagrad
from numpynn.optimizers.adam import Adam
from numpynn.optimizers.adamax import Adamax
from numpynn.optimizers.adamw import AdamW
from numpynn.optimizers.base import Optimizer
from numpynn.optimizers.ftrl import Ftrl
from numpynn.optimizers.lamb import Lamb
from numpynn.optimizers.lion import Lion
from numpynn.optimizers.multi_optimizer import MultiOptimizer
from numpynn.optimizers.nadam import Nadam
from numpynn.optimizers.optimizer_map import OptimizerMap
from numpynn.optimizers.rmsprop import RMSprop
from numpynn.optimizers.schedule_free_adamw import ScheduleFreeAdamW
from numpynn.optimizers.sgd import SGD

ALL = {cls.__name__: cls for cls in (SGD, Adagrad, Adadelta, RMSprop, Adam, AdamW, Nadam,
                                     Adamax, Lion, Lamb, Adafactor, Ftrl,
                                     ScheduleFreeAdamW)}
ALIASES = {name.lower(): cls for name, cls in ALL.items()}
#: optimizers made of others: found by class name in configs, never by a bare name
COMPOSITES = {"MultiOptimizer": MultiOptimizer}


def get(identifier):
    """An optimizer from a name (``"adam"``), a config dict, or an instance."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        key = identifier.lower() if identifier.lower() in ALIASES else identifier
        return registry.lookup(key, "optimizer", {**ALIASES, **ALL})()
    return deserialize(identifier)


def serialize(optimizer):
    return registry.serialize(optimizer)


def deserialize(config, custom_objects=None):
    """An optimizer from ``serialize``'s output; a learning-rate schedule inside it is
    rebuilt too."""
    if (isinstance(config, dict) and "class_name" in config
            and isinstance(config.get("config", {}), dict)):
        cls = registry.lookup(config["class_name"], "optimizer", {**ALL, **COMPOSITES},
                              custom_objects)
        return cls.from_config(config.get("config", {}), custom_objects)
    return registry.deserialize(config, "optimizer", ALL, custom_objects)
