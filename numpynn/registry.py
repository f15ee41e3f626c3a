"""Name registry: every layer, loss, metric, activation, initializer and optimizer can be
looked up by name and rebuilt from its config, so a saved model is JSON plus arrays.

``serialize(obj)`` -> ``{"class_name": ..., "config": {...}}``; ``deserialize`` reverses it,
looking the class up in the built-in registry, then in ``custom_objects``.
"""
import contextlib
import difflib

_REGISTRY = {}
_SCOPES = []  # stack of custom_objects dicts made active by custom_object_scope


class UnknownObjectError(ValueError):
    """A name that is neither built in nor registered nor passed in ``custom_objects``."""


def register(name=None, kind="object"):
    """Class or function decorator that makes ``name`` resolvable by :func:`get`.

    Use it for your own layers, losses and activations so that ``load_model`` finds them::

        @numpynn.register()
        class MyLayer(numpynn.layers.Layer): ...
    """
    def decorate(obj):
        key = name or obj.__name__
        _REGISTRY[key] = obj
        return obj
    return decorate


def registered(key):
    """The object registered under ``key``, or ``None``."""
    return _REGISTRY.get(key)


def lookup(key, kind, candidates, custom_objects=None):
    """Resolve a name among ``candidates`` (a dict), ``custom_objects`` and the registry.

    Raises an :class:`UnknownObjectError` that lists close matches and the ways to fix it.
    """
    for table in (custom_objects or {}, *reversed(_SCOPES), candidates, _REGISTRY):
        if isinstance(key, str) and key in table:
            return table[key]
    known = sorted(set(candidates))
    close = difflib.get_close_matches(str(key), known, n=3, cutoff=0.5)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise UnknownObjectError(
        f"Unknown {kind} {key!r}.{hint} Known names: {', '.join(known)}. For your own class, "
        f"decorate it with @numpynn.register() or pass custom_objects={{{key!r}: YourClass}}.")


@contextlib.contextmanager
def custom_object_scope(custom_objects):
    """Make ``custom_objects`` (name -> class or function) visible to every :func:`lookup`
    inside the ``with`` block, also where no ``custom_objects`` argument reaches (the
    activation of a layer, a loss in a compile config)::

        with custom_object_scope({"MyLayer": MyLayer}):
            model = numpynn.models.model_from_json(text)
    """
    _SCOPES.append(dict(custom_objects or {}))
    try:
        yield
    finally:
        _SCOPES.pop()


def serialize(obj):
    """``{"class_name": "Dense", "config": {...}}`` for an object with ``get_config()``."""
    return {"class_name": type(obj).__name__, "config": obj.get_config()}


def deserialize(spec, kind, candidates, custom_objects=None):
    """Rebuild an object from ``serialize``'s output (or a bare name string)."""
    if isinstance(spec, str):
        return lookup(spec, kind, candidates, custom_objects)()
    if not isinstance(spec, dict) or "class_name" not in spec or not isinstance(
            spec.get("config", {}), dict):
        raise ValueError(f"Cannot build a {kind} from {spec!r:.200}: expected a name or a dict "
                         "with 'class_name' and 'config' (a dict).")
    cls = lookup(spec["class_name"], kind, candidates, custom_objects)
    return cls.from_config(spec.get("config", {}))
