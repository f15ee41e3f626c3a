"""Utilities: seeding, one-hot labels, gradient checking, progress bars; and, gathered from
``numpynn.data`` where Keras keeps them, image files and folders and ``PyDataset``."""
from numpynn.data import (PyDataset, array_to_img, image_dataset_from_directory, img_to_array,
                          load_img, save_img)
from numpynn.utils.gradient_check import GradientCheckResult, gradient_check
from numpynn.utils.numerical import normalize, to_categorical
from numpynn.utils.progbar import Progbar
from numpynn.utils.seeding import set_random_seed

Sequence = PyDataset  # Keras 2's name
