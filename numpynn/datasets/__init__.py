"""Data sets, Keras style: `(x_train, y_train), (x_test, y_test) = mnist.load_data()`."""
from numpynn.datasets.errors import DatasetError
from numpynn.datasets.idx import read_idx, write_idx
from numpynn.datasets.parts import join_parts

__all__ = ["DatasetError", "join_parts", "read_idx", "write_idx"]
