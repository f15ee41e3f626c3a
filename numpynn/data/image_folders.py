"""``image_dataset_from_directory``: a folder of images, one subfolder per class, as a
``Dataset`` of (images, labels) batches, as ``keras.utils.image_dataset_from_directory``.

The files are listed and split exactly as Keras lists and splits them (the same order, the
same training and validation files for the same ``seed``); images are decoded by Pillow and
resized by numpynn's ``tf.image.resize`` (``layers.preprocessing.resize_ops``), so pixel
values agree with Keras' to within JPEG decoders' rounding.
"""
import os
import warnings

import numpy as np

from numpynn.data.dataset import AUTOTUNE, Dataset
from numpynn.data.image_files import check_color_mode, read_image
from numpynn.layers.preprocessing import resize_ops

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
LABEL_MODES = ("int", "categorical", "binary", None)


def _walk(directory, follow_links):
    """(root, file name) of every file below ``directory``, sorted as Keras sorts them."""
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links),
                                 key=lambda entry: entry[0]):
        for name in sorted(files):
            yield root, name


def index_directory(directory, labels, formats=ALLOWLIST_FORMATS, class_names=None,
                    shuffle=True, seed=None, follow_links=False, verbose=True):
    """``(file_paths, labels, class_names)`` of the image files below ``directory``, in
    Keras' order: class folders in ``class_names`` order (default: sorted names, hidden
    folders left out), files sorted within each; with ``shuffle``, permuted by
    ``numpy.random.RandomState(seed)`` as Keras does. Files with other extensions are left
    out with a warning; so are class folders without images (they keep their label)."""
    if not os.path.isdir(directory):
        raise ValueError(f"{directory} is not a folder: pass the folder that holds one "
                         "subfolder of images per class.")
    if labels == "inferred":
        folders = sorted(name for name in os.listdir(directory)
                         if os.path.isdir(os.path.join(directory, name))
                         and not name.startswith("."))
        if class_names is not None:
            if not set(class_names) <= set(folders):
                raise ValueError(f"class_names {list(class_names)} must be subfolders of "
                                 f"{directory}, which holds {folders}.")
            folders = list(class_names)
    else:
        if class_names is not None:
            raise ValueError("class_names can only be given with labels='inferred'; with your "
                             "own labels, the class names are the sorted labels.")
        folders = [""]
    paths, found_labels, skipped, empty = [], [], [], []
    for index, folder in enumerate(folders):
        count = 0
        for root, name in _walk(os.path.join(directory, folder), follow_links):
            path = os.path.join(root, name)
            if not name.lower().endswith(formats):
                if not name.startswith("."):  # hidden files (.DS_Store) go unmentioned
                    skipped.append(os.path.relpath(path, directory))
                continue
            paths.append(path)
            found_labels.append(index)
            count += 1
        if count == 0 and labels == "inferred":
            empty.append(folder)
    if skipped:
        warnings.warn(f"Skipped {len(skipped)} file(s) below {directory} that are not "
                      f"{', '.join(formats)} images, e.g. {skipped[0]}.", stacklevel=3)
    if empty:
        warnings.warn(f"Class folder(s) {', '.join(empty)} of {directory} hold no image "
                      f"({', '.join(formats)}); their classes have no samples.", stacklevel=3)
    if labels == "inferred":
        class_labels = np.array(found_labels, dtype=np.int32)
    elif labels is None:
        class_labels, folders = None, None
    else:
        if len(labels) != len(paths):
            raise ValueError(f"labels has {len(labels)} entries but {directory} holds "
                             f"{len(paths)} image files; give one label per file, in the "
                             f"sorted order of their paths.")
        class_labels = np.asarray(labels)
        folders = [str(label) for label in sorted(set(np.asarray(labels).tolist()))]
    if verbose:
        tail = "." if class_labels is None else f" belonging to {len(folders)} classes."
        print(f"Found {len(paths)} files{tail}")
    if shuffle:
        seed = np.random.randint(1e6) if seed is None else seed
        np.random.RandomState(seed).shuffle(paths)
        if class_labels is not None:
            np.random.RandomState(seed).shuffle(class_labels)
    return paths, class_labels, folders


def split(paths, labels, validation_split, subset, verbose=True):
    """The training (all but the last ``validation_split``) or validation (the last) part of
    the files, as Keras splits them."""
    if not validation_split:
        return paths, labels
    n_validation = int(validation_split * len(paths))
    keep = slice(None, len(paths) - n_validation) if subset == "training" else slice(
        len(paths) - n_validation, None)
    if verbose:
        print(f"Using {len(paths[keep])} files for {subset}.")
    return paths[keep], None if labels is None else labels[keep]


def _check_arguments(labels, label_mode, color_mode, image_size, interpolation,
                     validation_split, subset, shuffle, seed):
    if not (labels is None or isinstance(labels, (list, tuple)) or (
            isinstance(labels, str) and labels == "inferred")):
        raise ValueError(f"labels must be 'inferred', None or a list of integer labels (one "
                         f"per file, in sorted path order), got {labels!r}.")
    if label_mode not in LABEL_MODES:
        raise ValueError(f"label_mode must be 'int', 'categorical', 'binary' or None, got "
                         f"{label_mode!r}.")
    check_color_mode(color_mode)
    if not (isinstance(image_size, (list, tuple)) and len(image_size) == 2
            and all(isinstance(v, int) and v > 0 for v in image_size)):
        raise ValueError(f"image_size must be (height, width), two positive integers, got "
                         f"{image_size!r}.")
    resize_ops.check_interpolation(interpolation, "image_dataset_from_directory")
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(f"validation_split must be between 0 and 1, got {validation_split}.")
    if bool(validation_split) != bool(subset):
        raise ValueError("Pass validation_split and subset together (or neither).")
    if subset not in ("training", "validation", "both", None):
        raise ValueError(f"subset must be 'training', 'validation' or 'both', got {subset!r}.")
    if validation_split and shuffle and seed is None:
        raise ValueError("With validation_split and shuffle, pass a seed, so that the "
                         "training and validation subsets do not overlap.")


def _encode_labels(labels, label_mode, num_classes):
    if label_mode == "binary":
        return labels.astype(np.float32)[:, None]
    if label_mode == "categorical":
        return np.eye(num_classes, dtype=np.float32)[labels]
    return labels.astype(np.int32)


def image_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                 class_names=None, color_mode="rgb", batch_size=32,
                                 image_size=(256, 256), shuffle=True, seed=None,
                                 validation_split=None, subset=None, interpolation="bilinear",
                                 follow_links=False, crop_to_aspect_ratio=False,
                                 pad_to_aspect_ratio=False, data_format=None, verbose=True):
    """A ``Dataset`` of the images below ``directory``, as Keras'.

    With ``labels="inferred"`` each subfolder is a class: ``main/cats/1.jpg``,
    ``main/dogs/7.png`` give labels 0 (cats) and 1 (dogs), the sorted folder names (or
    ``class_names``' order). The dataset yields ``(images, labels)`` batches: images float32
    (batch, height, width, channels) with pixel values 0-255, labels int32 (batch,) for
    ``label_mode="int"``, float32 one-hot (batch, classes) for ``"categorical"``, float32
    (batch, 1) for ``"binary"`` (two classes); only images with ``label_mode=None``. Its
    ``class_names`` and ``file_paths`` attributes list the classes and files.

    Args:
        directory: the folder.
        labels: ``"inferred"`` (from the subfolders), `None` (no labels) or a list of
            integer labels, one per image file in the sorted order of their paths.
        label_mode: ``"int"``, ``"categorical"``, ``"binary"`` or `None`. Defaults to
            `"int"`.
        class_names: the subfolders to use, in label order (``labels="inferred"`` only).
        color_mode: ``"grayscale"``, ``"rgb"`` or ``"rgba"``: 1, 3 or 4 channels. Defaults to
            `"rgb"`.
        batch_size: images per batch; `None` yields single images. Defaults to `32`.
        image_size: ``(height, width)`` every image is resized to. Defaults to `(256, 256)`.
        shuffle: shuffle the files (and, each epoch, the images within a buffer of
            8 batches); `False` keeps the sorted order. Defaults to `True`.
        seed: seed of the shuffles; needed with ``validation_split`` and ``shuffle``.
        validation_split: fraction of the files held out for validation (the last ones
            after shuffling). ``subset`` chooses ``"training"``, ``"validation"`` or
            ``"both"`` (a pair of datasets, the validation one unshuffled).
        interpolation: ``"bilinear"`` (default), ``"nearest"``, ``"bicubic"`` or ``"area"``.
        follow_links: also walk into symbolic links to folders. Defaults to `False`.
        crop_to_aspect_ratio: crop the largest centred window of the target's aspect ratio
            before resizing, so nothing is stretched. Defaults to `False`.
        pad_to_aspect_ratio: instead, resize to fit inside ``image_size`` keeping the
            aspect ratio and pad the rest with 0 (``tf.image.resize_with_pad``, as Keras).
        data_format: `None` or ``"channels_last"``.
        verbose: print how many files and classes were found. Defaults to `True`.

    A damaged or non-image file with an image extension raises a ``DatasetError`` naming it
    when its batch is read; files with other extensions are skipped with a warning.
    """
    if data_format not in (None, "channels_last"):
        raise ValueError(f"data_format must be None or 'channels_last', got {data_format!r}.")
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    _check_arguments(labels, label_mode, color_mode, image_size, interpolation,
                     validation_split, subset, shuffle, seed)
    image_size = tuple(image_size)
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("Pass only one of crop_to_aspect_ratio and pad_to_aspect_ratio.")
    seed = np.random.randint(1e6) if seed is None else seed
    paths, class_labels, class_names = index_directory(
        directory, labels, ALLOWLIST_FORMATS, class_names, shuffle, seed, follow_links, verbose)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(f"label_mode='binary' needs exactly 2 classes, found {len(class_names)}"
                         f": {class_names}.")

    def load(path):
        pixels = read_image(path, color_mode).astype(np.float32)
        if pixels.shape[:2] == image_size:  # nothing to crop, pad or resize
            return pixels
        if pad_to_aspect_ratio:
            return resize_ops.resize_with_pad(pixels, image_size, interpolation)
        return resize_ops.Resize(pixels.shape[:2], image_size, interpolation,
                                 crop_to_aspect_ratio).apply(pixels)

    def load_batch(batch_paths):
        return np.stack([load(str(path)) for path in batch_paths])

    def make(part_paths, part_labels, shuffled):
        if not part_paths:
            raise ValueError(f"No images found in {directory} for this subset. Allowed "
                             f"formats: {', '.join(ALLOWLIST_FORMATS)}.")
        if label_mode is None:
            dataset = Dataset.from_tensor_slices(np.array(part_paths))
        else:
            encoded = _encode_labels(np.asarray(part_labels), label_mode, len(class_names))
            dataset = Dataset.from_tensor_slices((np.array(part_paths), encoded))
        if shuffled:
            dataset = dataset.shuffle(8 * batch_size if batch_size else 1024, seed=seed)
        if batch_size is None:
            dataset = dataset.map(
                load if label_mode is None else lambda path, label: (load(str(path)), label),
                num_parallel_calls=AUTOTUNE)
        else:  # a batch of paths, read by one call on the prefetch thread below
            dataset = dataset.batch(batch_size).map(
                load_batch if label_mode is None else
                lambda batch_paths, batch_labels: (load_batch(batch_paths), batch_labels))
        dataset = dataset.prefetch(AUTOTUNE)
        dataset.class_names, dataset.file_paths = class_names, list(part_paths)
        return dataset

    if subset == "both":
        train = split(paths, class_labels, validation_split, "training", verbose)
        validation = split(paths, class_labels, validation_split, "validation", verbose)
        return make(*train, shuffle), make(*validation, False)
    return make(*split(paths, class_labels, validation_split, subset, verbose), shuffle)
