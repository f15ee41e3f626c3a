"""The data sets of the ``numpynn`` command: how each is loaded, which task it is, and its
labels as the loss wants them."""
import numpy as np

from numpynn import datasets, utils
from numpynn.models.course import BINARY, MULTICLASS, REGRESSION


class DataSet:
    """How the command loads one data set and which task it is.

    Args:
        module: the `numpynn.datasets` module.
        task: `REGRESSION`, `BINARY` or `MULTICLASS`.
        pixel_max: for image data sets, the largest raw pixel value (images are divided
            by it to get [0, 1]); `None` for tabular data (already standardised).
        layers: default hidden widths. The "jar" `(512, 256, 128)` suits the image data
            sets; the tabular ones have a few hundred samples, on which it overfits.
        epochs: default number of epochs.
        learning_rates: default learning rate by optimizer name where it differs from the
            optimizer's own default, e.g. `{"adam": 0.0005}`.
        from_files: whether the data comes from IDX files (`--data-dir` applies).
    """

    def __init__(self, module, task, pixel_max=None, layers=(512, 256, 128), epochs=10,
                 learning_rates=None, from_files=False):
        self.module, self.task, self.pixel_max = module, task, pixel_max
        self.layers, self.epochs, self.from_files = layers, epochs, from_files
        self.learning_rates = dict(learning_rates or {})

    @property
    def class_names(self):
        return getattr(self.module, "CLASS_NAMES", None)

    def load(self, data_dir=None):
        """`(x_train, y_train), (x_test, y_test)`: images scaled to [0, 1], float32.

        The small data sets always use their loader's default split (`seed=0`), so
        `evaluate` sees the same test samples as `train` did.
        """
        if self.from_files:
            (x_train, y_train), (x_test, y_test) = self.module.load_data(path=data_dir)
        else:
            (x_train, y_train), (x_test, y_test) = self.module.load_data()
        if self.pixel_max is not None:
            x_train = x_train.astype(np.float32) / self.pixel_max
            x_test = x_test.astype(np.float32) / self.pixel_max
        return (x_train, y_train), (x_test, y_test)


# With batches of 32, Adam's default 0.001 leaves the last epochs on (Fashion-)MNIST noisy:
# 10 epochs of the 512-256-128 jar end at 0.882 test accuracy on Fashion-MNIST, 0.890 with
# 0.0005 (seed 0; see docs/getting-started.md).
IMAGE_LEARNING_RATES = {"adam": 0.0005}
DATASETS = {
    "digits": DataSet(datasets.digits, MULTICLASS, pixel_max=16.0, epochs=20),
    "fashion-mnist": DataSet(datasets.fashion_mnist, MULTICLASS, pixel_max=255.0,
                             learning_rates=IMAGE_LEARNING_RATES, from_files=True),
    "mnist": DataSet(datasets.mnist, MULTICLASS, pixel_max=255.0,
                     learning_rates=IMAGE_LEARNING_RATES, from_files=True),
    "breast-cancer": DataSet(datasets.breast_cancer, BINARY, layers=(64, 32), epochs=30),
    "diabetes": DataSet(datasets.diabetes, REGRESSION, layers=(16,), epochs=200),
    "iris": DataSet(datasets.iris, MULTICLASS, layers=(64, 32), epochs=100),
}
DEFAULT_DATASET = "digits"


def targets(y, task, n_classes):
    """Labels as the loss wants them: one-hot for multi-class, a column otherwise."""
    if task == MULTICLASS:
        return utils.to_categorical(y, n_classes)
    return np.asarray(y, dtype=np.float32).reshape(-1, 1)


def n_classes_of(data_set, y_train):
    if data_set.task != MULTICLASS:
        return 1
    return len(data_set.class_names or ()) or int(y_train.max()) + 1


def named_dataset(model):
    """The data set a model built by `numpynn train` was trained on (its name), else None."""
    name = model.name.replace("_", "-")
    return name if name in DATASETS else None
