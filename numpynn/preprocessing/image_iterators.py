"""The iterators of ``ImageDataGenerator``: ``NumpyArrayIterator`` (``flow``) and
``DirectoryIterator`` (``flow_from_directory``). Both are ``PyDataset``s (``fit`` reads them
batch by batch, reshuffling after each epoch) and, as in tf.keras, endless Python iterators
(``next(iterator)`` or a ``for`` loop that you break)."""
import math
import os
import warnings

import numpy as np

from numpynn import backend
from numpynn.data.image_files import check_color_mode, img_to_array, load_img, save_img
from numpynn.data.py_dataset import PyDataset

WHITE_LIST_FORMATS = ("png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff")


class Iterator(PyDataset):
    """Batches of ``batch_size`` of ``n`` samples, in a new random order each epoch with
    ``shuffle``. The random choices of batch ``i`` of epoch ``e`` come from a generator
    seeded by (``seed``, e, i): the same seed gives the same batches, whichever thread reads
    them. A subclass writes ``_samples(indices, rng)``."""

    def __init__(self, n, batch_size, shuffle, seed):
        super().__init__()
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}.")
        self.n, self.batch_size, self.shuffle, self.seed = n, batch_size, shuffle, seed
        self._base_seed = int(backend.rng().integers(2**63)) if seed is None else int(seed)
        self.epoch, self.batch_index = 0, 0
        self._set_index_array()

    def _set_index_array(self):
        self.index_array = (np.random.default_rng([self._base_seed, self.epoch]).permutation(
            self.n) if self.shuffle else np.arange(self.n))

    def __len__(self):
        return math.ceil(self.n / self.batch_size)

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError(f"Asked for batch {index}; this iterator has {len(self)} batches "
                             f"per epoch.")
        rows = self.index_array[index * self.batch_size:(index + 1) * self.batch_size]
        return self._samples(rows, np.random.default_rng([self._base_seed, self.epoch,
                                                          index + 1]))

    def on_epoch_end(self):
        self.epoch += 1
        self._set_index_array()

    def __iter__(self):
        return self

    def __next__(self):
        """The next batch, forever: after the last batch of an epoch comes a new epoch."""
        if self.batch_index == len(self):
            self.batch_index = 0
            self.on_epoch_end()
        self.batch_index += 1
        return self[self.batch_index - 1]

    def _augmented(self, images, rng, indices):
        """``images`` augmented and standardized by the generator, saved when asked."""
        generator = self.image_data_generator
        params = generator.random_parameters(rng, len(images), *images.shape[1:3])
        images = generator.standardize_batch(generator.transform_batch(images, params))
        if self.save_to_dir:
            for image, index in zip(images, indices):
                name = f"{self.save_prefix}_{index}_{rng.integers(10**7)}.{self.save_format}"
                save_img(os.path.join(self.save_to_dir, name), image, scale=True)
        return images


class NumpyArrayIterator(Iterator):
    """Augmented batches of images ``x`` (n, height, width, channels), with labels ``y`` and
    ``sample_weight`` when given. ``subset="validation"`` takes the first
    ``validation_split`` of the samples, ``"training"`` the rest (checked to hold the same
    classes unless ``ignore_class_split``)."""

    def __init__(self, x, y, image_data_generator, batch_size=32, shuffle=False,
                 sample_weight=None, seed=None, save_to_dir=None, save_prefix="",
                 save_format="png", subset=None, ignore_class_split=False, dtype=None):
        x = np.asarray(x, dtype=dtype or backend.floatx())
        if x.ndim != 4:
            raise ValueError(f"flow() takes images of shape (n, height, width, channels), got "
                             f"an array of shape {x.shape}; add a channel axis with "
                             f"x[..., None] for grayscale images.")
        if x.shape[3] not in (1, 3, 4):
            warnings.warn(f"flow() expects 1, 3 or 4 channels on the last axis; got images of "
                          f"shape {x.shape}.")
        for name, other in (("y", y), ("sample_weight", sample_weight)):
            if other is not None and len(other) != len(x):
                raise ValueError(f"x and {name} must have the same length, got {len(x)} and "
                                 f"{len(other)}.")
        y = None if y is None else np.asarray(y)
        sample_weight = None if sample_weight is None else np.asarray(sample_weight)
        if subset is not None:
            if subset not in ("training", "validation"):
                raise ValueError(f"subset must be 'training' or 'validation', got {subset!r}.")
            cut = int(len(x) * image_data_generator._validation_split)
            if y is not None and not ignore_class_split and not np.array_equal(
                    np.unique(y[:cut]), np.unique(y[cut:])):
                raise ValueError("The training and validation subsets hold different classes "
                                 "after the split; shuffle x and y first if they are sorted "
                                 "by label, or pass ignore_class_split=True.")
            part = slice(None, cut) if subset == "validation" else slice(cut, None)
            x = x[part]
            y = None if y is None else y[part]
            sample_weight = None if sample_weight is None else sample_weight[part]
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.image_data_generator = image_data_generator
        self.save_to_dir, self.save_prefix, self.save_format = save_to_dir, save_prefix, save_format
        super().__init__(len(x), batch_size, shuffle, seed)

    def _samples(self, indices, rng):
        images = self._augmented(self.x[indices], rng, indices)
        if self.y is None:
            return images
        if self.sample_weight is None:
            return images, self.y[indices]
        return images, self.y[indices], self.sample_weight[indices]


class DirectoryIterator(Iterator):
    """Augmented batches of the images in ``directory``'s class subfolders (sorted names, or
    ``classes``), read with ``load_img`` at ``target_size``. ``class_mode``:
    ``"categorical"`` (one-hot, default), ``"binary"`` / ``"sparse"`` (class indices as
    floats), ``"input"`` (the images themselves) or `None` (images only). With ``subset``,
    each class's first ``validation_split`` of files is the validation part."""

    allowed_class_modes = ("categorical", "binary", "sparse", "input", None)

    def __init__(self, directory, image_data_generator, target_size=(256, 256),
                 color_mode="rgb", classes=None, class_mode="categorical", batch_size=32,
                 shuffle=True, seed=None, save_to_dir=None, save_prefix="", save_format="png",
                 follow_links=False, subset=None, interpolation="nearest",
                 keep_aspect_ratio=False, dtype=None):
        channels = check_color_mode(color_mode)
        if class_mode not in self.allowed_class_modes:
            raise ValueError(f"class_mode must be one of {self.allowed_class_modes}, got "
                             f"{class_mode!r}.")
        if subset not in ("training", "validation", None):
            raise ValueError(f"subset must be 'training' or 'validation', got {subset!r}.")
        if not os.path.isdir(directory):
            raise ValueError(f"{directory} is not a folder of class subfolders.")
        self.directory, self.image_data_generator = directory, image_data_generator
        self.target_size, self.color_mode = tuple(target_size), color_mode
        self.image_shape = self.target_size + (channels,)
        self.class_mode, self.dtype = class_mode, dtype or backend.floatx()
        self.interpolation, self.keep_aspect_ratio = interpolation, keep_aspect_ratio
        self.save_to_dir, self.save_prefix, self.save_format = save_to_dir, save_prefix, save_format
        if not classes:
            classes = sorted(name for name in os.listdir(directory)
                             if os.path.isdir(os.path.join(directory, name)))
        self.num_classes = len(classes)
        self.class_indices = {name: i for i, name in enumerate(classes)}
        split = image_data_generator._validation_split if subset else 0
        self.filenames, labels = [], []
        for name in classes:
            files = [os.path.relpath(os.path.join(root, file), directory)
                     for root, _, names in sorted(os.walk(os.path.join(directory, name),
                                                          followlinks=follow_links))
                     for file in sorted(names) if file.lower().endswith(WHITE_LIST_FORMATS)]
            cut = int(split * len(files))
            files = files[:cut] if subset == "validation" else files[cut:]
            self.filenames += files
            labels += [self.class_indices[name]] * len(files)
        self.classes = np.array(labels, dtype=np.int32)
        self.samples = len(self.filenames)
        self.filepaths = [os.path.join(directory, name) for name in self.filenames]
        print(f"Found {self.samples} images belonging to {self.num_classes} classes.")
        super().__init__(self.samples, batch_size, shuffle, seed)

    @property
    def labels(self):
        return self.classes

    def _samples(self, indices, rng):
        images = np.stack([img_to_array(load_img(
            self.filepaths[i], self.color_mode, self.target_size, self.interpolation,
            self.keep_aspect_ratio), dtype=self.dtype) for i in indices])
        images = self._augmented(images, rng, indices)
        labels = self.classes[indices]
        if self.class_mode == "input":
            return images, images.copy()
        if self.class_mode in ("binary", "sparse"):
            return images, labels.astype(self.dtype)
        if self.class_mode == "categorical":
            return images, np.eye(self.num_classes, dtype=self.dtype)[labels]
        return images
