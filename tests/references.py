"""The reference libraries of the parity tests: Keras 3 (TensorFlow backend) and PyTorch.

They come with the ``[parity]`` extra, which CI installs; where one is missing, the tests
that need it are skipped with the reason.
"""
import os

import pytest


def keras():
    """Keras 3 on the TensorFlow backend, or skip the calling test."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return pytest.importorskip("keras", reason="Keras is a parity reference: "
                               "pip install -e '.[parity]'")


def torch():
    """PyTorch, or skip the calling test."""
    return pytest.importorskip("torch", reason="PyTorch is a parity reference: "
                               "pip install -e '.[parity]'")
