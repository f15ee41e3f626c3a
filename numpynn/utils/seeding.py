"""``set_random_seed``: one call makes weights, shuffling, dropout and results repeatable."""
import random

import numpy as np

from numpynn import backend


def set_random_seed(seed):
    """Seed numpynn's global generator, NumPy's legacy global generator and Python's ``random``.

    The same seed gives bit-identical initial weights, batch order, dropout masks and trained
    weights on the same machine and NumPy build.
    """
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}.")
    backend.seed_rng(int(seed))
    np.random.seed(int(seed) % 2**32)
    random.seed(int(seed))
