"""Data pipelines: ``Dataset`` (tf.data's chain on NumPy), ``PyDataset``, image folders and
files, and the adapters that turn arrays, datasets, generators and PyDatasets into batches.

    train_ds = numpynn.utils.image_dataset_from_directory(
        "photos", validation_split=0.2, subset="training", seed=1, image_size=(64, 64))
    train_ds = train_ds.map(lambda x, y: (augment(x, training=True), y)).prefetch(4)
"""
from numpynn.data import adapters
from numpynn.data.adapters import EpochIterator, get_data_adapter
from numpynn.data.dataset import (AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY,
                                  Dataset)
from numpynn.data.image_files import array_to_img, img_to_array, load_img, save_img
from numpynn.data.image_folders import image_dataset_from_directory
from numpynn.data.py_dataset import PyDataset

__all__ = ["AUTOTUNE", "Dataset", "EpochIterator", "INFINITE_CARDINALITY", "PyDataset",
           "UNKNOWN_CARDINALITY", "adapters", "array_to_img", "get_data_adapter",
           "image_dataset_from_directory", "img_to_array", "load_img", "save_img"]
