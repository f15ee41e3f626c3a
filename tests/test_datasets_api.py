"""The public surface of numpynn.datasets, as Keras scripts reach it."""
import numpynn as keras
from numpynn import datasets


def test_public_names():
    assert set(datasets.__all__) == {
        "fashion_mnist", "mnist", "breast_cancer", "diabetes", "digits", "iris",
        "DatasetError", "join_parts", "train_test_split", "standardize", "read_idx", "write_idx",
        "export_image_folders",
    }
    for name in datasets.__all__:
        assert getattr(datasets, name) is not None


def test_reached_like_keras_datasets():
    for name in ("mnist", "fashion_mnist", "breast_cancer", "diabetes", "digits", "iris"):
        assert callable(getattr(keras.datasets, name).load_data)
