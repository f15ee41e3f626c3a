"""``OptimizerMap``: which optimizer trains which weight, by the weight's path.

A weight's path is Keras' ``variable.path``: the layer's name and the weight's, behind the
names of the models that built the layer, e.g. ``"sequential/dense/kernel"`` (see
``Model.variable_paths``). A key matches a path exactly, or else as a regular expression
matching the whole path (``re.fullmatch``); a path no key matches goes to the default::

    optimizer_map = OptimizerMap(default_optimizer=SGD(0.1))
    optimizer_map["sequential/out/.*"] = Adam(0.01)     # the layer "out"'s kernel and bias
"""
import re
from collections.abc import MutableMapping

from numpynn import registry
from numpynn.optimizers.base import Optimizer


class OptimizerMap(MutableMapping):
    """A mapping of weight paths (or regular expressions) to optimizers, for
    ``MultiOptimizer``.

    Args:
        default_optimizer: the optimizer of the weights no key matches.
        optimizer_map: an optional dict ``{path or pattern: optimizer}`` to start with.
    """

    def __init__(self, default_optimizer, optimizer_map=None):
        if not isinstance(default_optimizer, Optimizer):
            raise TypeError("default_optimizer must be a numpynn Optimizer instance, e.g. "
                            f"optimizers.SGD(); got {default_optimizer!r}.")
        if optimizer_map is not None and not isinstance(optimizer_map, dict):
            raise TypeError("optimizer_map must be a dict {path or pattern: optimizer}; got "
                            f"{type(optimizer_map).__name__}.")
        self._default_optimizer = default_optimizer
        self._optimizer_map = dict(optimizer_map or {})

    @property
    def default_optimizer(self):
        return self._default_optimizer

    def __getitem__(self, path):
        """The optimizer of the exact key ``path``, else of the one pattern that matches all
        of it, else the default; a ``ValueError`` if several patterns match."""
        if path in self._optimizer_map:
            return self._optimizer_map[path]
        matches = [key for key in self._optimizer_map if re.fullmatch(key, path)]
        if len(matches) > 1:
            raise ValueError(f"Multiple optimizers assigned to variable {path}: the patterns "
                             f"{matches} all match it. Make the keys exclusive.")
        return self._optimizer_map[matches[0]] if matches else self._default_optimizer

    def __setitem__(self, key, optimizer):
        if key in self._optimizer_map:
            raise ValueError(f"{key!r} already exists in the OptimizerMap with value "
                             f"{self._optimizer_map[key]!r}; use each key once.")
        if not isinstance(key, str):
            raise ValueError(f"key must be a string (a path or a pattern); got {key!r}.")
        check_inner_optimizer(optimizer)
        self._optimizer_map[key] = optimizer

    def __delitem__(self, key):
        del self._optimizer_map[key]

    def __len__(self):
        return len(self._optimizer_map)

    def __iter__(self):
        return iter(self._optimizer_map)

    def __call__(self, weight):
        """The optimizer of ``weight`` (anything with a ``path``, or the path itself)."""
        return self[getattr(weight, "path", weight)]

    def get_config(self):
        return {"default_optimizer": registry.serialize(self._default_optimizer),
                "optimizer_map": {key: registry.serialize(optimizer)
                                  for key, optimizer in self._optimizer_map.items()}}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from numpynn.optimizers import deserialize
        return cls(deserialize(config["default_optimizer"], custom_objects),
                   {key: deserialize(spec, custom_objects)
                    for key, spec in (config.get("optimizer_map") or {}).items()})


def check_inner_optimizer(optimizer):
    """A ``ValueError`` unless ``optimizer`` can train a part of a ``MultiOptimizer``'s
    weights: an ``Optimizer``, and not a ``MultiOptimizer`` itself."""
    if not isinstance(optimizer, Optimizer):
        raise ValueError("optimizer must be a numpynn Optimizer instance, e.g. "
                         f"optimizers.Adam(); got {optimizer!r}.")
    if hasattr(optimizer, "optimizers"):
        raise ValueError("optimizer cannot be MultiOptimizer: give its optimizers' keys to "
                         "one OptimizerMap.")
