"""Utilities: seeding, one-hot labels, gradient checking, progress bars; and, gathered from
``numpynn.data`` where Keras keeps them, image files and folders and ``PyDataset``.

``gradient_check`` builds models, so it lives with them (``numpynn.models.gradient_check``),
and ``plot_model`` draws them (``numpynn.visual.model_graph``); both are found here too, on
first use, as ``keras.utils`` users expect.
"""
from numpynn.data import (PyDataset, array_to_img, image_dataset_from_directory, img_to_array,
                          load_img, save_img)
from numpynn.utils.numerical import normalize, to_categorical
from numpynn.utils.progbar import Progbar
from numpynn.utils.seeding import set_random_seed

Sequence = PyDataset  # Keras 2's name


def __getattr__(name):
    if name in ("gradient_check", "GradientCheckResult"):
        from numpynn.models import gradient_check as module
        return getattr(module, name)
    if name == "plot_model":
        from numpynn.visual.model_graph import plot_model
        return plot_model
    raise AttributeError(f"module 'numpynn.utils' has no attribute {name!r}")
