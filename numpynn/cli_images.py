"""``numpynn train --data-dir FOLDER`` on a folder of pictures, one subfolder per class, and
how ``numpynn predict`` reads pictures for the model it makes.

    numpynn train --data-dir photos --augment --output photos.npnn
    numpynn predict photos.npnn cat.jpg

``--data-dir`` also names the folder of the four IDX files of mnist and fashion-mnist (with
``--dataset``); what the folder holds decides (``folder_kind``). The model is
``numpynn.models.course.image_cnn``; its input shape is the image size and colour mode
(1, 3 or 4 channels) and ``model.class_names`` the folder's classes, both saved with it.
"""
import argparse
import os
import re
import warnings

import numpy as np

from numpynn import utils
from numpynn.cli_callbacks import callbacks_of
from numpynn.cli_files import CommandError, load_model_file
from numpynn.cli_options import UsageError, make_optimizer
from numpynn.data.image_files import COLOR_MODES, pillow, read_image
from numpynn.data.image_folders import (ALLOWLIST_FORMATS, image_dataset_from_directory,
                                        index_directory)
from numpynn.datasets import DatasetError
from numpynn.layers.preprocessing import resize_ops
from numpynn.models import course

#: the longest side of the default image size: the first picture, shrunk to fit
DEFAULT_SIDE = 64
#: defaults of training on an image folder (the CNN's epochs; Keras' batch for folders)
FOLDER_EPOCHS, FOLDER_BATCH_SIZE, FOLDER_VALIDATION_SPLIT = 15, 32, 0.2
#: Pillow modes read as grayscale by default; any other mode as rgb
GRAY_MODES = ("1", "L", "LA", "I", "I;16", "F")
IDX_PREFIXES = ("train-images-idx3-ubyte", "t10k-images-idx3-ubyte")
FOLDER_HELP = ("folder of the data: either one subfolder of pictures per class (PNG, JPEG, BMP, "
               "GIF; a CNN is trained on them, with a held-out split), or, with --dataset "
               "mnist or fashion-mnist, the folder of their four IDX files (default for those: "
               "the environment variable, then the cache; see docs/datasets.md)")


def image_size(text):
    """``--image-size 28x28`` (height x width) or ``--image-size 32`` (a square)."""
    parts = text.lower().replace("*", "x").split("x")
    if len(parts) in (1, 2) and all(p.strip().isdigit() and int(p) > 0 for p in parts):
        sides = [int(p) for p in parts]
        return (sides[0], sides[-1])
    raise argparse.ArgumentTypeError(f"bad image size {text!r}: give HEIGHTxWIDTH in pixels, "
                                     "e.g. 28x28, or one number for a square.")


def add_image_options(train):
    """The options of training on an image folder, on the ``train`` parser."""
    group = train.add_argument_group(
        "image folders (--data-dir FOLDER with one subfolder of pictures per class)")
    group.add_argument("--image-size", type=image_size, metavar="HxW",
                       help=f"every picture is resized to this (default: the first picture's "
                            f"size, shrunk to fit {DEFAULT_SIDE}x{DEFAULT_SIDE} if larger)")
    group.add_argument("--color-mode", choices=tuple(COLOR_MODES),
                       help="channels the pictures are read with (default: grayscale if the "
                            "first picture is gray, else rgb)")
    group.add_argument("--augment", action="store_true",
                       help="random flips, rotations, zooms and shifts of the training "
                            "pictures (layers inside the model, off in predict; see "
                            "docs/augmentation.md)")


def folder_kind(folder):
    """``"images"`` (class subfolders holding pictures), ``"idx"`` (IDX files, whole, gzipped
    or in parts) or ``None`` (neither); a CommandError if ``folder`` is no folder."""
    if not os.path.isdir(folder):
        raise CommandError(f"--data-dir {folder!r} is not a folder.")
    entries = [name for name in os.listdir(folder) if not name.startswith(".")]
    if any(name.startswith(IDX_PREFIXES) for name in entries):
        return "idx"
    for name in entries:
        path = os.path.join(folder, name)
        if os.path.isdir(path) and _holds_pictures(path):
            return "images"
    return None


def _holds_pictures(folder):
    return any(name.lower().endswith(ALLOWLIST_FORMATS)
               for _, _, names in os.walk(folder) for name in names)


def check_folder_options(args, kind):
    """Which options go with which kind of ``--data-dir`` (both ways)."""
    image_options = [option for option, value in (("--image-size", args.image_size),
                                                  ("--color-mode", args.color_mode),
                                                  ("--augment", args.augment)) if value]
    if kind != "images":
        if image_options:
            raise UsageError(f"{', '.join(image_options)} apply to an image folder (--data-dir "
                             "with one subfolder of pictures per class).")
        return
    if args.dataset:
        raise UsageError(f"--data-dir {args.data_dir} is an image folder, whose subfolders are "
                         f"the classes; --dataset {args.dataset} names a built-in data set. "
                         "Drop one of them.")
    if args.model == "mlp" or args.layers is not None or args.activation is not None:
        raise UsageError("an image folder trains the CNN of numpynn.models.course.image_cnn; "
                         "--model mlp, --layers and --activation do not apply.")
    if args.resume and (args.image_size or args.color_mode or args.augment):
        raise UsageError(f"{', '.join(image_options)} cannot change a model given with "
                         "--resume; it keeps its image size, colour mode and augmentation.")
    if args.validation_split == 0:
        raise UsageError("training on an image folder holds out a validation split to report "
                         f"its accuracy; give --validation-split > 0 (default "
                         f"{FOLDER_VALIDATION_SPLIT}).")


def no_folder_kind_error(folder):
    return CommandError(
        f"--data-dir {folder!r} holds neither class subfolders of pictures "
        f"({', '.join(ALLOWLIST_FORMATS)}) nor the IDX files of mnist or fashion-mnist "
        f"({IDX_PREFIXES[0]}.gz ...). Give the folder with one subfolder per class, e.g. "
        "photos/ holding photos/cats/ and photos/dogs/.")


# -- training -------------------------------------------------------------------------------------
def first_picture(folder):
    """The first picture of the folder (in sorted order) as a Pillow image, not yet decoded."""
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if root != folder or not d.startswith("."))
        for name in sorted(names):
            if name.lower().endswith(ALLOWLIST_FORMATS):
                path = os.path.join(root, name)
                try:
                    return pillow().open(path)
                except (OSError, SyntaxError, ValueError) as error:
                    raise CommandError(f"{path}: cannot read this picture ({error}); replace "
                                       "or remove it, or give --image-size and --color-mode."
                                       ) from None
    raise no_folder_kind_error(folder)


def default_image_settings(folder):
    """``((height, width), color_mode)`` from the folder's first picture: its size, shrunk
    to fit ``DEFAULT_SIDE`` x ``DEFAULT_SIDE`` keeping its aspect ratio, and grayscale for
    a gray picture, else rgb."""
    image = first_picture(folder)
    try:
        width, height = image.size
        mode = image.mode
    finally:
        image.close()
    scale = min(1.0, DEFAULT_SIDE / max(height, width))
    size = (max(1, round(height * scale)), max(1, round(width * scale)))
    return size, "grayscale" if mode in GRAY_MODES else "rgb"


def _model_name(folder):
    name = re.sub(r"\W+", "_", os.path.basename(os.path.normpath(folder))).strip("_").lower()
    return f"{name or 'images'}_cnn"


def image_settings_of(model):
    """``((height, width), color_mode)`` a model of ``image_cnn``'s kind reads pictures with,
    from its input shape (height, width, channels); a CommandError for other models."""
    shape = tuple(model.input_shape[1:])
    modes = {channels: mode for mode, channels in COLOR_MODES.items()}
    if len(shape) != 3 or shape[-1] not in modes or None in shape:
        raise CommandError(f"model {model.name!r} takes inputs of shape {shape}, not "
                           "(height, width, channels) pictures with 1, 3 or 4 channels.")
    return shape[:2], modes[shape[-1]]


def _resumed_model(args):
    """The ``--resume`` model, with the ``--learning-rate`` given."""
    model = load_model_file(args.resume)
    if args.learning_rate is not None:
        model.optimizer.learning_rate = float(args.learning_rate)
    return model


def _new_model(args, size, color_mode, class_names, strategy):
    model = course.image_cnn(_model_name(args.data_dir), size + (COLOR_MODES[color_mode],),
                             len(class_names), augment=args.augment, seed=args.seed)
    model.class_names = list(class_names)
    model.compile(optimizer=make_optimizer(args.optimizer or "adam", args.learning_rate, {}),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  distribute=strategy)
    return model


def _check_counts(folder, split):
    """Two classes or more, and pictures on both sides of the split."""
    with warnings.catch_warnings():  # image_dataset_from_directory warns about them next
        warnings.simplefilter("ignore")
        paths, _, class_names = index_directory(folder, "inferred", shuffle=False,
                                                verbose=False)
    if len(class_names) < 2:
        raise CommandError(f"{folder} has {len(class_names)} class subfolder(s) "
                           f"({', '.join(class_names)}); a classifier needs two or more.")
    held_out = int(split * len(paths))
    if not 0 < held_out < len(paths):
        raise CommandError(f"--validation-split {split} of the {len(paths)} pictures in {folder} "
                           f"holds out {held_out}; give more pictures or another "
                           "--validation-split.")


def _datasets(args, size, color_mode, batch_size):
    """The training and held-out datasets of the folder."""
    split = args.validation_split or FOLDER_VALIDATION_SPLIT
    _check_counts(args.data_dir, split)
    return image_dataset_from_directory(
        args.data_dir, color_mode=color_mode, image_size=size, batch_size=batch_size,
        seed=args.seed, validation_split=split, subset="both")


def command_train_folder(args, strategy=None):
    """Train (or, with ``--resume``, continue) the image CNN on ``args.data_dir``
    (data-parallel with a ``strategy``); print the held-out accuracy; return the model."""
    utils.set_random_seed(args.seed)
    model = _resumed_model(args) if args.resume else None
    if model is not None:
        size, color_mode = image_settings_of(model)
    else:
        defaults = default_image_settings(args.data_dir)
        size = args.image_size or defaults[0]
        color_mode = args.color_mode or defaults[1]
    train, held_out = _datasets(args, size, color_mode, args.batch_size or FOLDER_BATCH_SIZE)
    if model is None:
        model = _new_model(args, size, color_mode, train.class_names, strategy)
    elif getattr(model, "class_names", None) != train.class_names:
        raise CommandError(f"the model in {args.resume} was trained on classes "
                           f"{getattr(model, 'class_names', None)}; {args.data_dir} holds "
                           f"{train.class_names}.")
    model.distribute_strategy = strategy or model.distribute_strategy
    model.summary()
    print(f"Pictures: {size[0]}x{size[1]} {color_mode}, classes: {', '.join(train.class_names)}")
    done = model.epochs_trained if args.resume else 0
    model.fit(train, validation_data=held_out, initial_epoch=done,
              epochs=done + (args.epochs or FOLDER_EPOCHS), verbose=args.verbose,
              callbacks=callbacks_of(args))
    logs = model.evaluate(held_out, verbose=0, return_dict=True)
    n = len(held_out.file_paths)
    print(f"Validation accuracy: {logs['accuracy']:.4f} ({int(round(logs['accuracy'] * n))}/"
          f"{n} held-out pictures) - validation loss: {logs['loss']:.4f}")
    return model


# -- prediction -----------------------------------------------------------------------------------
def read_pictures(model, paths):
    """The pictures at ``paths`` as one batch for ``model``: read in its colour mode and
    resized to its image size as ``image_dataset_from_directory`` does, pixels 0-255."""
    size, color_mode = image_settings_of(model)
    batch = []
    for path in paths:
        try:
            pixels = read_image(path, color_mode).astype(np.float32)
        except (DatasetError, FileNotFoundError, IsADirectoryError) as error:
            raise CommandError(str(error)) from None
        batch.append(resize_ops.Resize(pixels.shape[:2], size).apply(pixels))
    return np.stack(batch)
