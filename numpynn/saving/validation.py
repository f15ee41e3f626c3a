"""Checks on the JSON parts of a model file: every field has the type the loader needs."""
from numpynn.saving.errors import ModelFileError
from numpynn.saving.layout import FORMAT, VERSION


def require(value, types, where):
    """Return ``value`` if it is one of ``types`` (bool never counts as int), else raise."""
    if isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
        ok = False
    else:
        ok = isinstance(value, types)
    if not ok:
        raise ModelFileError(f"{where} is {value!r:.80}, expected "
                             f"{getattr(types, '__name__', types)}.")
    return value


def field(mapping, key, types, where):
    """``mapping[key]`` checked with :func:`require`; a missing key is an error."""
    require(mapping, dict, where)
    if key not in mapping:
        raise ModelFileError(f"{where} has no {key!r} entry.")
    return require(mapping[key], types, f"{where}[{key!r}]")


def non_negative_int(mapping, key, where):
    value = field(mapping, key, int, where)
    if value < 0:
        raise ModelFileError(f"{where}[{key!r}] is {value}, expected an integer >= 0.")
    return value


def check_metadata(meta, what):
    """The metadata must name this format and a version this reader knows."""
    where = f"{what}: metadata.json"
    if field(meta, "format", str, where) != FORMAT:
        raise ModelFileError(f"{what} is a {meta['format']!r} file, not a {FORMAT!r} file.")
    version = non_negative_int(meta, "format_version", where)
    if version > VERSION:
        raise ModelFileError(f"{what} uses format version {version}; this numpynn reads "
                             f"up to version {VERSION}. Upgrade numpynn to load it.")
    if "class_names" in meta:
        names = field(meta, "class_names", list, where)
        for i, name in enumerate(names):
            require(name, str, f"{where}['class_names'][{i}]")
    return meta


def check_spec(spec, where):
    """A ``{"class_name": str, "config": dict}`` object."""
    field(spec, "class_name", str, where)
    field(spec, "config", dict, where)
    return spec
