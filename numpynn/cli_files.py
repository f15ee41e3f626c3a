"""Model files for the ``numpynn`` commands: read and written with one-line errors."""
import os

from numpynn.models import load_model


class CommandError(Exception):
    """A runtime problem to report in one line (exit code 1), without a traceback."""


def load_model_file(path):
    """`numpynn.models.load_model(path)`, with one-line errors for missing or bad files."""
    if not os.path.isfile(path):
        raise CommandError(f"model file {path!r} does not exist.")
    try:
        return load_model(path)
    except (ValueError, OSError) as error:
        raise CommandError(f"cannot read model file {path!r}: {error}") from None


def save_model_file(model, path):
    """`model.save(path)` (the name picks the format), reporting what went wrong in one line."""
    try:
        model.save(path)
    except (ValueError, OSError) as error:
        raise CommandError(f"cannot write model file {path!r}: {error}") from None
    print(f"Saved model to {path}")
