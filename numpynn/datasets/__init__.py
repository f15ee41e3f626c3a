"""Data sets, Keras style: `(x_train, y_train), (x_test, y_test) = mnist.load_data()`.

Image data sets (IDX files, downloaded once into a cache): `mnist`,
`fashion_mnist`; `export_image_folders` writes them as class folders of PNG files.
Small tabular data sets from scikit-learn's bundled files (`pip install numpynn[data]`):
`breast_cancer`, `diabetes`, `digits`, `iris`.
"""
from numpynn.datasets import breast_cancer, diabetes, digits, fashion_mnist, iris, mnist
from numpynn.datasets.errors import DatasetError
from numpynn.datasets.idx import read_idx, write_idx
from numpynn.datasets.parts import join_parts
from numpynn.datasets.preprocessing import standardize, train_test_split

__all__ = [
    "DatasetError",
    "breast_cancer",
    "diabetes",
    "digits",
    "export_image_folders",
    "fashion_mnist",
    "iris",
    "join_parts",
    "mnist",
    "read_idx",
    "standardize",
    "train_test_split",
    "write_idx",
]


def __getattr__(name):
    """``export_image_folders`` is imported on first use, so that ``python -m
    numpynn.datasets.export_images`` runs the module once, as a script only."""
    if name == "export_image_folders":
        from numpynn.datasets.export_images import export_image_folders
        return export_image_folders
    raise AttributeError(f"module 'numpynn.datasets' has no attribute {name!r}")
