"""Models: ``Sequential`` and the ``Model`` base with ``compile``/``fit``/``evaluate``/``predict``."""
from numpynn.models.model import Model
from numpynn.models.sequential import Sequential
