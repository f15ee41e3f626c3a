"""The one error a damaged, truncated or hostile model file raises."""
from numpynn.registry import UnknownObjectError


class ModelFileError(ValueError):
    """A model or weights file that cannot be read safely: not a numpynn file, damaged,
    truncated, inconsistent with its own config, or built to attack the reader."""


class UnknownObjectInFileError(ModelFileError, UnknownObjectError):
    """The file names a class (layer, loss, activation...) that is neither built in nor
    registered nor given in ``custom_objects``. The message is the registry's, unchanged:
    it names the class and both ways to fix it."""
