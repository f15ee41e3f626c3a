"""Utilities: seeding, one-hot labels, gradient checking, progress bars."""
from numpynn.utils.gradient_check import GradientCheckResult, gradient_check
from numpynn.utils.numerical import normalize, to_categorical
from numpynn.utils.progbar import Progbar
from numpynn.utils.seeding import set_random_seed
