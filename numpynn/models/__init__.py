"""Models: ``Sequential`` and the ``Model`` base with ``compile``/``fit``/``evaluate``/``predict``."""
from numpynn.models.model import Model
from numpynn.models.sequential import Sequential
from numpynn.saving import load_model, model_from_json  # noqa: E402  (needs Sequential)
