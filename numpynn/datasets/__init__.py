"""Data sets, Keras style: `(x_train, y_train), (x_test, y_test) = mnist.load_data()`."""
from numpynn.datasets.errors import DatasetError
from numpynn.datasets.idx import read_idx, write_idx

__all__ = ["DatasetError", "read_idx", "write_idx"]
