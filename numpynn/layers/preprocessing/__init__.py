"""Preprocessing layers: transformations fitted to data with ``adapt`` before training."""
from numpynn.layers.preprocessing.normalization import Normalization
