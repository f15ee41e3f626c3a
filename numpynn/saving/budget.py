"""How much memory a model file's config may make the loader allocate.

A hostile config can ask for ``Dense(10**9)`` in a file of a few bytes. Loaders therefore
build the model inside ``limit(present_bytes, what)``: every weight a layer creates
(``Layer.add_weight``) is counted before it is allocated, against the smaller of
:data:`MAX_WEIGHT_BYTES` and ``present_bytes``, the most the file's own arrays can hold, and
the first one over is refused with a :class:`ModelFileError`, before any memory is taken.
Counting as the weights are created works for any model, however its layers connect.
"""
import contextlib

from numpynn.layers.base import WeightAllowanceError, weight_allowance
from numpynn.saving.errors import ModelFileError

#: The most weight bytes a loaded model may have (4 GiB); raise it to load larger models.
MAX_WEIGHT_BYTES = 4 * 2**30


@contextlib.contextmanager
def limit(present_bytes, what):
    """While inside, building layers may create at most ``min(present_bytes,
    MAX_WEIGHT_BYTES)`` bytes of weights; ``what`` names the file in the message."""
    capped = present_bytes >= MAX_WEIGHT_BYTES
    allowed = MAX_WEIGHT_BYTES if capped else present_bytes
    try:
        with weight_allowance(allowed, f"the {allowed} allowed"):
            yield
    except WeightAllowanceError as err:
        if capped:
            raise ModelFileError(f"{what}: the config asks for more than {MAX_WEIGHT_BYTES} "
                                 "bytes of weights (numpynn.saving.budget.MAX_WEIGHT_BYTES); "
                                 "refused before allocating them.") from err
        raise ModelFileError(f"{what}: the config asks for more weights than the "
                             f"{present_bytes} bytes of arrays the file holds; config or "
                             f"weights are damaged ({err}). Refused before allocating "
                             "them.") from err
