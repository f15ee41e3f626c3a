"""The reference libraries of the parity tests: Keras 3 (TensorFlow backend), PyTorch and
ONNX Runtime, and the optional packages of the interop tests (h5py, onnx).

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


def h5py():
    """h5py (the ``[keras]`` extra: numpynn reads and writes Keras files with it), or skip."""
    return pytest.importorskip("h5py", reason="Keras files need h5py: "
                               "pip install -e '.[keras]'")


def onnx():
    """The onnx package (the ``[onnx]`` extra), or skip the calling test."""
    return pytest.importorskip("onnx", reason="ONNX export needs onnx: "
                               "pip install -e '.[onnx]'")


def onnxruntime():
    """ONNX Runtime, the reference that runs exported graphs, or skip the calling test."""
    return pytest.importorskip("onnxruntime", reason="ONNX Runtime is a parity reference: "
                               "pip install -e '.[parity]'")
