"""Keras' ``keras.preprocessing``: ``image`` (``ImageDataGenerator`` and the image file
functions, where tf.keras kept them) and ``image_dataset_from_directory``."""
from numpynn.data.image_folders import image_dataset_from_directory
from numpynn.preprocessing import image
