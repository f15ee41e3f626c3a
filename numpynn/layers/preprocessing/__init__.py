"""Preprocessing layers: ``Normalization`` (fitted to data with ``adapt``), and the image
layers that resize, crop and recolour images and, while training only, augment them with
random flips, rotations, zooms, shifts, contrast and brightness changes."""
from numpynn.layers.preprocessing.color import Grayscale, RandomBrightness, RandomContrast
from numpynn.layers.preprocessing.cropping import CenterCrop, RandomCrop
from numpynn.layers.preprocessing.geometric import (RandomRotation, RandomTranslation,
                                                    RandomZoom)
from numpynn.layers.preprocessing.normalization import Normalization
from numpynn.layers.preprocessing.random_flip import RandomFlip
from numpynn.layers.preprocessing.rescaling import Rescaling
from numpynn.layers.preprocessing.resizing import Resizing
