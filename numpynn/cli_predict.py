"""`numpynn predict MODEL IMAGE...`: classify picture files with a saved model.

A model trained on an image folder (input (height, width, channels), raw 0-255 pixels) reads
each picture as in training and names its saved classes; a model of a data set (2-D inputs:
mnist, fashion-mnist, digits) reads it grey in [0, 1], light on dark, as those images are.
"""
import argparse

import numpy as np

from numpynn.cli_data import DATASETS, named_dataset
from numpynn.cli_files import CommandError, load_model_file
from numpynn.cli_images import read_pictures
from numpynn.cli_options import UsageError, dataset_name


def command_predict(args):
    model = load_model_file(args.model)
    shape = tuple(model.input_shape[1:])
    if len(shape) == 3:  # an image CNN: (height, width, channels), raw 0-255 pixels
        if args.invert is not None:
            raise UsageError("--invert applies to models of MNIST-style data sets; this model "
                             "reads pictures as they are, as it was trained on them.")
        images = read_pictures(model, args.images)
    elif len(shape) == 2:
        images = _mnist_style_pictures(args.images, shape, args.invert)
    else:
        raise CommandError(f"model {model.name!r} takes inputs of shape {shape}, not images; "
                           "predict works with models trained on images.")
    class_names = getattr(model, "class_names", None)
    name = args.dataset or (None if class_names else named_dataset(model))
    if name:
        class_names = DATASETS[name].class_names
    probabilities = model.predict(images, verbose=0)
    for path, p in zip(args.images, probabilities):
        print(f"{path}: {describe(p, class_names)}")
    return 0


def _mnist_style_pictures(paths, shape, invert):
    """Grey [0, 1] pictures of ``shape``, light on dark, as a data set model reads them."""
    from numpynn.utils import images as image_files
    try:
        return np.stack([image_files.load_image(path, shape, invert) for path in paths])
    except ValueError as error:
        raise CommandError(str(error)) from None


def describe(output, class_names=None):
    """One prediction in words: `"Sneaker (97.1%)"`, `"benign (88.0%)"` or a value."""
    output = np.asarray(output, dtype=np.float64).ravel()
    if output.size == 1 and class_names and len(class_names) == 2:  # sigmoid: P(class 1)
        k = int(output[0] >= 0.5)
        probability = output[0] if k else 1.0 - output[0]
    elif output.size > 1:
        k = int(np.argmax(output))
        probability = output[k]
    else:
        return f"{output[0]:.4g}"
    name = class_names[k] if class_names and k < len(class_names) else f"class {k}"
    return f"{name} ({probability:.1%})"


def add_predict_command(commands):
    """The `predict` sub-command, on the `numpynn` parser's `commands`."""
    predict = commands.add_parser(
        "predict", help="classify image files with a saved model",
        description="Classify PNG/JPEG/BMP/GIF images. A model trained on an image folder "
                    "reads each picture as in training: in its colour mode, resized to its "
                    "image size, and names the folder's classes. A model of a data set "
                    "(mnist, fashion-mnist, digits) gets each picture converted to "
                    "grayscale, resized to its input (e.g. 28x28) and scaled to [0, 1]; "
                    "MNIST and Fashion-MNIST show light objects on a black background, so "
                    "pictures with a light background are inverted (see --invert). "
                    "Needs Pillow: pip install numpynn[images].")
    predict.add_argument("model", metavar="MODEL_FILE")
    predict.add_argument("images", metavar="IMAGE", nargs="+")
    predict.add_argument("--invert", action=argparse.BooleanOptionalAction, default=None,
                         help="invert the images (dark object on light background -> light on "
                              "dark); default: invert those whose border is mostly light "
                              "(data set models only)")
    predict.add_argument("--dataset", type=dataset_name,
                         help="whose class names to print (default: the classes saved with "
                              "the model, else its data set's)")
    predict.set_defaults(run=command_predict)
