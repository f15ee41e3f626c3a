"""The ``numpynn`` command: train, evaluate and use a model on real data without code.

    numpynn train                                   # digits, offline, prints test accuracy
    numpynn train --dataset fashion-mnist --data-dir data/fashion-mnist --output fm.npnn
    numpynn evaluate fm.npnn
    numpynn predict fm.npnn shoe.png
    numpynn summary fm.npnn

The output layer and the loss follow the task, as the course teaches:

    regression  -> Dense(1)                        + mean squared error
    binary      -> Dense(1, activation="sigmoid")  + binary cross-entropy
    multi-class -> Dense(classes, "softmax")       + categorical cross-entropy (one-hot labels)

Exit codes: 0 success, 1 runtime error (missing data or model file...), 2 usage error.
"""
import argparse
import difflib
import os
import sys

import numpy as np

from numpynn import activations, datasets, initializers, layers, optimizers, utils
from numpynn.models import Sequential, load_model
from numpynn.registry import UnknownObjectError

REGRESSION, BINARY, MULTICLASS = "regression", "binary", "multi-class"


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


class CommandError(Exception):
    """A runtime problem to report in one line (exit code 1), without a traceback."""


class UsageError(Exception):
    """Options that do not go together (exit code 2, as argparse's own errors)."""


# -- argument types: each turns a bad value into a usage error (exit code 2) -----------------
def dataset_name(text):
    """`--dataset`: a known name; `_` may stand for `-` (`fashion_mnist`)."""
    name = text.strip().lower().replace("_", "-")
    if name not in DATASETS:
        close = difflib.get_close_matches(name, DATASETS, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise argparse.ArgumentTypeError(
            f"unknown data set {text!r}.{hint} Choose from: {', '.join(DATASETS)}.")
    return name


def layer_widths(text):
    """`--layers 512,256,128`: the hidden layers' widths, input to output."""
    parts = [part.strip() for part in text.split(",")] if text.strip() else []
    widths = []
    for part in parts:
        if not part.isdigit() or int(part) < 1:
            raise argparse.ArgumentTypeError(
                f"bad layer width {part!r} in {text!r}: give positive whole numbers separated "
                "by commas, e.g. --layers 512,256,128 (or --layers '' for no hidden layer).")
        widths.append(int(part))
    return tuple(widths)


def _checked_name(getter, kind):
    def parse(text):
        try:
            getter(text)
        except (UnknownObjectError, ValueError) as error:
            raise argparse.ArgumentTypeError(str(error)) from None
        return text
    parse.__name__ = kind  # argparse names the option's type in its messages
    return parse


def fraction(text):
    value = float(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be in [0, 1), got {text}")
    return value


def positive(cast):
    def parse(text):
        value = cast(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
        return value
    parse.__name__ = cast.__name__
    return parse


def verbosity(text):
    if text not in ("0", "1", "2", "auto"):
        raise argparse.ArgumentTypeError(f"must be 0, 1, 2 or auto, got {text!r}")
    return text if text == "auto" else int(text)


# -- the model the course builds for each task ------------------------------------------------
def output_head(task, n_classes):
    """`(units, activation, loss, metrics)` of the output layer for a task."""
    if task == REGRESSION:
        return 1, "linear", "mean_squared_error", []
    if task == BINARY:
        return 1, "sigmoid", "binary_crossentropy", ["accuracy"]
    return n_classes, "softmax", "categorical_crossentropy", ["accuracy"]


def build_model(name, input_shape, widths, activation, task, n_classes, output_bias=0.0):
    """`Input -> [Flatten] -> Dense(w, activation) for w in widths -> output head`.

    The model is named after its data set, so a saved model remembers what it was
    trained on (`evaluate` and `predict` use this). `output_bias` starts the output
    layer's bias there: for regression the training targets' mean, so training begins
    at the mean predictor. Adam moves a weight by at most about one learning rate per
    step, so from 0 the bias alone would need ~150,000 steps to reach diabetes' 151.5.
    """
    units, head_activation, _, _ = output_head(task, n_classes)
    model = Sequential(name=name.replace("-", "_"))
    model.add(layers.Input(shape=input_shape))
    if len(input_shape) > 1:
        model.add(layers.Flatten())
    for width in widths:
        model.add(layers.Dense(width, activation=activation))
    model.add(layers.Dense(units, activation=head_activation,
                           bias_initializer=initializers.Constant(output_bias) if output_bias
                           else "zeros"))
    return model


def targets(y, task, n_classes):
    """Labels as the loss wants them: one-hot for multi-class, a column otherwise."""
    if task == MULTICLASS:
        return utils.to_categorical(y, n_classes)
    return np.asarray(y, dtype=np.float32).reshape(-1, 1)


def n_classes_of(data_set, y_train):
    if data_set.task != MULTICLASS:
        return 1
    return len(data_set.class_names or ()) or int(y_train.max()) + 1


def make_optimizer(name, learning_rate, data_set):
    """The optimizer `name` with `learning_rate`, else the data set's default for it, else
    the optimizer's own default."""
    optimizer = optimizers.get(name)
    if learning_rate is None:
        learning_rate = data_set.learning_rates.get(optimizer.name)
    if learning_rate is not None:
        optimizer.learning_rate = float(learning_rate)
    return optimizer


def report(model, x, y, task):
    """Evaluate on the test data and print the result in one line."""
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    if task == REGRESSION:
        print(f"Test MSE: {logs['loss']:.2f} (RMSE {np.sqrt(logs['loss']):.2f}) on {len(x)} samples")
    else:
        correct = int(round(logs["accuracy"] * len(x)))
        print(f"Test accuracy: {logs['accuracy']:.4f} ({correct}/{len(x)}) - test loss: "
              f"{logs['loss']:.4f}")


# -- model files --------------------------------------------------------------------------------
def load_model_file(path):
    """`numpynn.models.load_model(path)`, with one-line errors for missing or bad files."""
    if not os.path.isfile(path):
        raise CommandError(f"model file {path!r} does not exist.")
    try:
        return load_model(path)
    except (ValueError, OSError) as error:
        raise CommandError(f"cannot read model file {path!r}: {error}") from None


def save_model_file(model, path):
    try:
        model.save(path)
    except OSError as error:
        raise CommandError(f"cannot write model file {path!r}: {error}") from None
    print(f"Saved model to {path}")


def named_dataset(model):
    """The data set a model built by `numpynn train` was trained on (its name), else None."""
    name = model.name.replace("_", "-")
    return name if name in DATASETS else None


def dataset_of(model, requested):
    """The data set a command uses: `--dataset`, else the one the model is named after."""
    name = requested or named_dataset(model)
    if name:
        return name
    raise CommandError(f"cannot tell which data set model {model.name!r} was trained on; "
                       f"pass --dataset (one of {', '.join(DATASETS)}).")


def check_fits(model, x, data_set_name):
    expected = tuple(model.input_shape[1:])
    if tuple(x.shape[1:]) != expected:
        raise CommandError(f"the model takes inputs of shape {expected} but {data_set_name} "
                           f"samples have shape {tuple(x.shape[1:])}; pick the data set it was "
                           "trained on with --dataset.")


# -- commands -------------------------------------------------------------------------------------
def check_data_dir(data_dir, name):
    if data_dir and not DATASETS[name].from_files:
        raise CommandError(f"--data-dir applies to mnist and fashion-mnist only; {name} is read "
                           "from scikit-learn's bundled files.")


def command_train(args):
    data_set = DATASETS[args.dataset]
    check_data_dir(args.data_dir, args.dataset)
    if args.resume:
        fixed = [option for option, value in (("--layers", args.layers),
                                              ("--activation", args.activation),
                                              ("--optimizer", args.optimizer)) if value is not None]
        if fixed:
            raise UsageError(f"{', '.join(fixed)} cannot change a model given with --resume.")
    utils.set_random_seed(args.seed)
    model = load_model_file(args.resume) if args.resume else None
    (x_train, y_train), (x_test, y_test) = data_set.load(args.data_dir)
    n_classes = n_classes_of(data_set, y_train)
    if model is not None:
        check_fits(model, x_train, args.dataset)
        if args.learning_rate is not None:
            model.optimizer.learning_rate = float(args.learning_rate)
    else:
        widths = data_set.layers if args.layers is None else args.layers
        output_bias = float(np.mean(y_train)) if data_set.task == REGRESSION else 0.0
        model = build_model(args.dataset, x_train.shape[1:], widths, args.activation or "relu",
                            data_set.task, n_classes, output_bias)
        _, _, loss, metrics = output_head(data_set.task, n_classes)
        model.compile(optimizer=make_optimizer(args.optimizer or "adam", args.learning_rate,
                                               data_set),
                      loss=loss, metrics=metrics)
    model.summary()
    done = model.epochs_trained if args.resume else 0
    epochs = args.epochs or data_set.epochs
    model.fit(x_train, targets(y_train, data_set.task, n_classes),
              initial_epoch=done, epochs=done + epochs,
              batch_size=args.batch_size, validation_split=args.validation_split,
              verbose=args.verbose)
    report(model, x_test, targets(y_test, data_set.task, n_classes), data_set.task)
    output = args.output or args.resume
    if output:
        save_model_file(model, output)
    return 0


def command_evaluate(args):
    model = load_model_file(args.model)
    name = dataset_of(model, args.dataset)
    check_data_dir(args.data_dir, name)
    data_set = DATASETS[name]
    _, (x_test, y_test) = data_set.load(args.data_dir)
    check_fits(model, x_test, name)
    if not model.compiled:
        raise CommandError(f"model file {args.model!r} has no loss saved with it, so it cannot be "
                           "evaluated; train it with `numpynn train` to get a complete file.")
    print(f"Evaluating {args.model} on the {name} test set ({len(x_test)} samples)")
    report(model, x_test, targets(y_test, data_set.task, model.output_shape[-1]), data_set.task)
    return 0


def command_predict(args):
    from numpynn.utils import images as image_files

    model = load_model_file(args.model)
    shape = tuple(model.input_shape[1:])
    if len(shape) != 2:
        raise CommandError(f"model {model.name!r} takes inputs of shape {shape}, not images; "
                           "predict works with models trained on image data sets.")
    name = args.dataset or named_dataset(model)
    class_names = DATASETS[name].class_names if name else None
    try:
        images = np.stack([image_files.load_image(path, shape, args.invert)
                           for path in args.images])
    except ValueError as error:
        raise CommandError(str(error)) from None
    probabilities = model.predict(images, verbose=0)
    for path, p in zip(args.images, probabilities):
        print(f"{path}: {describe(p, class_names)}")
    return 0


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


def command_summary(args):
    model = load_model_file(args.model)
    model.summary()
    if model.compiled:
        print(f"Optimizer: {model.optimizer.name} (learning rate {model.optimizer.learning_rate:g},"
              f" {model.optimizer.iterations} steps taken) - loss: {model.loss.name}")
    return 0


# -- the parser ----------------------------------------------------------------------------------
def build_parser():
    parser = argparse.ArgumentParser(
        prog="numpynn", description="Train, evaluate and use numpynn models on real data.",
        epilog="Run `numpynn COMMAND --help` for a command's options.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    train = commands.add_parser(
        "train", help="train a model on a data set and print its test score",
        description="Train a Dense network on a data set and print its test accuracy "
                    "(classification) or test MSE (regression). Without options: digits.")
    train.add_argument("--dataset", type=dataset_name, default=DEFAULT_DATASET,
                       help=f"one of: {', '.join(DATASETS)} (default: %(default)s)")
    train.add_argument("--data-dir", metavar="DIR",
                       help="folder holding the four IDX files of mnist or fashion-mnist "
                            "(default: the environment variable, then the cache; see "
                            "docs/datasets.md)")
    train.add_argument("--layers", type=layer_widths, metavar="W1,W2,...",
                       help="widths of the hidden Dense layers, input side first (default "
                            "per data set: " + ", ".join(
                                f"{k} {','.join(map(str, v.layers))}" for k, v in DATASETS.items())
                            + ")")
    train.add_argument("--activation", type=_checked_name(activations.get, "activation"),
                       help="activation of the hidden layers (default: relu)")
    train.add_argument("--optimizer", type=_checked_name(optimizers.get, "optimizer"),
                       help="sgd, adam or rmsprop (default: adam)")
    train.add_argument("--learning-rate", type=positive(float), metavar="LR",
                       help="the optimizer's learning rate (default: the optimizer's own, "
                            "0.001 for adam; for adam on fashion-mnist and mnist 0.0005)")
    train.add_argument("--epochs", type=positive(int),
                       help="passes over the training data (default per data set: " +
                            ", ".join(f"{k} {v.epochs}" for k, v in DATASETS.items()) + ")")
    train.add_argument("--batch-size", type=positive(int), default=32,
                       help="samples per gradient step (default: %(default)s)")
    train.add_argument("--validation-split", type=fraction, default=0.0, metavar="FRACTION",
                       help="last fraction of the training data held out to report val_loss "
                            "(default: %(default)s)")
    train.add_argument("--seed", type=int, default=0,
                       help="seed of weight initialisation and shuffling (default: %(default)s)")
    train.add_argument("--output", metavar="MODEL_FILE",
                       help="save the trained model there (default with --resume: the "
                            "resumed file)")
    train.add_argument("--resume", metavar="MODEL_FILE",
                       help="continue training this saved model for --epochs more epochs")
    _add_verbose(train)
    train.set_defaults(run=command_train)

    evaluate = commands.add_parser(
        "evaluate", help="print a saved model's test score",
        description="Evaluate a saved model on the test part of a data set.")
    evaluate.add_argument("model", metavar="MODEL_FILE")
    evaluate.add_argument("--dataset", type=dataset_name,
                          help="default: the data set the model was trained on")
    evaluate.add_argument("--data-dir", metavar="DIR", help="as for train")
    evaluate.set_defaults(run=command_evaluate)

    predict = commands.add_parser(
        "predict", help="classify image files with a saved model",
        description="Classify PNG/JPEG images: each is converted to grayscale, resized to "
                    "the model's input (e.g. 28x28) and scaled to [0, 1] as in training. "
                    "MNIST and Fashion-MNIST show light objects on a black background, so "
                    "images with a light background are inverted (see --invert). "
                    "Needs Pillow: pip install numpynn[images].")
    predict.add_argument("model", metavar="MODEL_FILE")
    predict.add_argument("images", metavar="IMAGE", nargs="+")
    predict.add_argument("--invert", action=argparse.BooleanOptionalAction, default=None,
                         help="invert the images (dark object on light background -> light on "
                              "dark); default: invert those whose border is mostly light")
    predict.add_argument("--dataset", type=dataset_name,
                         help="whose class names to print (default: the model's data set)")
    predict.set_defaults(run=command_predict)

    summary = commands.add_parser("summary", help="print a saved model's layers",
                                  description="Print the layer table of a saved model.")
    summary.add_argument("model", metavar="MODEL_FILE")
    summary.set_defaults(run=command_summary)

    _add_plugin_commands(commands)
    return parser


def _add_verbose(parser):
    parser.add_argument("--verbose", type=verbosity, default="auto", metavar="{0,1,2,auto}",
                        help="0 silent, 1 progress bar, 2 one line per epoch; auto: a bar on "
                             "a terminal, else one line per epoch")


def _add_plugin_commands(commands):
    """Commands that live with their own package: `numpynn plot` from `numpynn.visual.cli`,
    whose `add_plot_parser(subparsers)` returns its parser and sets `args.func`."""
    try:
        from numpynn.visual.cli import add_plot_parser
    except ImportError:  # a trimmed install without numpynn.visual: no plot command
        return
    add_plot_parser(commands).set_defaults(run=_run_plot)


def _run_plot(args):
    try:
        args.func(args)
    except SystemExit as exit_:  # plot reports bad option combinations this way
        if isinstance(exit_.code, str):
            raise CommandError(exit_.code) from None
        return exit_.code or 0
    return 0


def main(argv=None):
    """Run the `numpynn` command with `argv` (default `sys.argv[1:]`); returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help (0) or a usage error (2), already printed
        return exit_.code
    try:
        return args.run(args) or 0
    except UsageError as error:
        print(f"numpynn {args.command}: error: {error}", file=sys.stderr)
        return 2
    except (CommandError, datasets.DatasetError, ImportError, FileNotFoundError) as error:
        print(f"numpynn {args.command}: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("numpynn: interrupted", file=sys.stderr)
        return 130
