"""numpynn: readable deep learning on NumPy with a Keras-compatible API."""
# Minimal placeholder from the `datasets` branch so its tests can import the
# package; the core package's own __init__ replaces it at merge.
from numpynn import datasets
