"""The ``numpynn`` command: train, evaluate and use a model on real data without code.

    numpynn train                                   # digits, offline, prints test accuracy
    numpynn train --dataset fashion-mnist --data-dir data/fashion-mnist --output fm.npnn
    numpynn train --data-dir photos --augment --output photos.npnn   # one subfolder per class
    numpynn predict photos.npnn cat.jpg
    numpynn evaluate fm.npnn
    numpynn predict fm.npnn shoe.png
    numpynn summary fm.npnn
    numpynn convert fm.npnn fm.keras                # for Keras 3; or a Keras file back
    numpynn export fm.npnn --format onnx            # fm.onnx

The output layer and the loss follow the task, as the course teaches:

    regression  -> Dense(1)                        + mean squared error
    binary      -> Dense(1, activation="sigmoid")  + binary cross-entropy
    multi-class -> Dense(classes, "softmax")       + categorical cross-entropy (one-hot labels)

Exit codes: 0 success, 1 runtime error (missing data or model file...), 2 usage error.
"""
import argparse
import sys

import numpy as np

from numpynn import activations, datasets, optimizers, utils
from numpynn.cli_callbacks import add_callback_options, callbacks_of
from numpynn.cli_data import DATASETS, DEFAULT_DATASET, n_classes_of, named_dataset, targets
from numpynn.cli_distribute import processes
from numpynn.cli_files import CommandError, load_model_file, save_model_file
from numpynn.cli_images import (FOLDER_BATCH_SIZE, FOLDER_EPOCHS, FOLDER_HELP,
                                add_image_options, check_folder_options, command_train_folder,
                                folder_kind, no_folder_kind_error)
from numpynn.cli_interop import add_interop_commands
from numpynn.cli_options import (UsageError, checked_name, dataset_name, fraction, layer_widths,
                                 make_optimizer, positive, verbosity)
from numpynn.cli_predict import add_predict_command
from numpynn.models import course
from numpynn.models.course import REGRESSION, output_head

#: what `--model` picks: the Dense "jar", or the CNN day's network (image data sets only)
MODELS = ("mlp", "cnn")
#: `--epochs` and `--batch-size` of `--model cnn` (the CNN's own defaults, any data set)
CNN_EPOCHS, CNN_BATCH_SIZE = 15, 128


def report(model, x, y, task):
    """Evaluate on the test data and print the result in one line."""
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    if task == REGRESSION:
        print(f"Test MSE: {logs['loss']:.2f} (RMSE {np.sqrt(logs['loss']):.2f}) on {len(x)} samples")
    else:
        correct = int(round(logs["accuracy"] * len(x)))
        print(f"Test accuracy: {logs['accuracy']:.4f} ({correct}/{len(x)}) - test loss: "
              f"{logs['loss']:.4f}")


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


def new_model(args, data_set, x_train, y_train, n_classes):
    """The model `--model` names, for this data set's samples."""
    name = args.dataset.replace("-", "_")
    if args.model == "cnn":
        return course.cnn(name, x_train.shape[1:], n_classes)
    widths = data_set.layers if args.layers is None else args.layers
    output_bias = float(np.mean(y_train)) if data_set.task == REGRESSION else 0.0
    return course.mlp(name, x_train.shape[1:], widths, args.activation or "relu",
                      data_set.task, n_classes, output_bias)


def _is_cnn(model):
    return any(type(layer).__name__ == "Conv2D" for layer in model.layers)


def check_model_options(args, data_set):
    """`--model cnn` is for image data sets and has a fixed architecture; a resumed model
    keeps the architecture it has."""
    if args.resume:
        fixed = [option for option, value in (("--model", args.model),
                                              ("--layers", args.layers),
                                              ("--activation", args.activation),
                                              ("--optimizer", args.optimizer)) if value is not None]
        if fixed:
            raise UsageError(f"{', '.join(fixed)} cannot change a model given with --resume.")
    if args.model == "cnn":
        if data_set.pixel_max is None:
            raise UsageError(f"--model cnn needs an image data set (digits, mnist, "
                             f"fashion-mnist); {args.dataset} is tabular: use --model mlp.")
        given = [o for o, v in (("--layers", args.layers), ("--activation", args.activation))
                 if v is not None]
        if given:
            raise UsageError(f"{', '.join(given)} shape the MLP; --model cnn is the documented "
                             "CNN of numpynn.models.course.cnn.")


def command_train(args):
    """Train on a data set, or on the image folder that ``--data-dir`` names; save the model
    to ``--output`` (or back to ``--resume``). Under `mpiexec -n N` the processes train
    data-parallel and rank 0 alone prints and saves."""
    kind = folder_kind(args.data_dir) if args.data_dir else None
    check_folder_options(args, kind)
    if kind != "images" and args.data_dir and args.dataset is None:
        if kind == "idx":
            raise UsageError(f"--data-dir {args.data_dir} holds IDX files: say which data set "
                             "they are with --dataset mnist or --dataset fashion-mnist.")
        raise no_folder_kind_error(args.data_dir)
    with processes() as strategy:  # under mpiexec -n N: data-parallel (else None)
        train = command_train_folder if kind == "images" else train_on_dataset
        model = train(args, strategy)
        output = args.output or args.resume
        if output and (strategy is None or strategy.is_chief):
            save_model_file(model, output)
    return 0


def train_on_dataset(args, strategy=None):
    """Train on the data set ``--dataset`` names (data-parallel with a ``strategy``); print
    the test score; return the model."""
    args.dataset = args.dataset or DEFAULT_DATASET
    data_set = DATASETS[args.dataset]
    check_data_dir(args.data_dir, args.dataset)
    check_model_options(args, data_set)
    utils.set_random_seed(args.seed)
    model = load_model_file(args.resume) if args.resume else None
    (x_train, y_train), (x_test, y_test) = data_set.load(args.data_dir)
    n_classes = n_classes_of(data_set, y_train)
    if model is not None:
        check_fits(model, x_train, args.dataset)
        if args.learning_rate is not None:
            model.optimizer.learning_rate = float(args.learning_rate)
        model.distribute_strategy = strategy or model.distribute_strategy
    else:
        model = new_model(args, data_set, x_train, y_train, n_classes)
        _, _, loss, metrics = output_head(data_set.task, n_classes)
        # The data sets' learning rates suit the MLP at batch 32; the CNN uses the optimizer's.
        defaults = {} if args.model == "cnn" else data_set.learning_rates
        model.compile(optimizer=make_optimizer(args.optimizer or "adam", args.learning_rate,
                                               defaults),
                      loss=loss, metrics=metrics, distribute=strategy)
    model.summary()
    done = model.epochs_trained if args.resume else 0
    cnn = _is_cnn(model)
    epochs = args.epochs or (CNN_EPOCHS if cnn else data_set.epochs)
    batch_size = args.batch_size or (CNN_BATCH_SIZE if cnn else 32)
    model.fit(x_train, targets(y_train, data_set.task, n_classes),
              initial_epoch=done, epochs=done + epochs,
              batch_size=batch_size, validation_split=args.validation_split or 0.0,
              verbose=args.verbose, callbacks=callbacks_of(args))
    report(model, x_test, targets(y_test, data_set.task, n_classes), data_set.task)
    return model


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


def command_summary(args):
    model = load_model_file(args.model)
    model.summary()
    if model.compiled:
        optimizer = model.optimizer  # a MultiOptimizer's rates are its optimizers'
        rates = ", ".join(f"{o.learning_rate:g}"
                          for o in getattr(optimizer, "optimizers", [optimizer]))
        print(f"Optimizer: {optimizer.name} (learning rate {rates},"
              f" {optimizer.iterations} steps taken) - loss: {model.loss.name}")
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
        description="Train a Dense network (or, with --model cnn, a convolutional one) on a "
                    "data set and print its test accuracy (classification) or test MSE "
                    "(regression). Without options: digits. With --data-dir naming a folder "
                    "of pictures, one subfolder per class, train the image CNN on them and "
                    "print its accuracy on a held-out part (see docs/augmentation.md).")
    train.add_argument("--dataset", type=dataset_name,
                       help=f"one of: {', '.join(DATASETS)} (default: {DEFAULT_DATASET}, "
                            "or the image folder of --data-dir)")
    train.add_argument("--data-dir", metavar="DIR", help=FOLDER_HELP)
    train.add_argument("--model", choices=MODELS, default=None,
                       help="mlp: Dense layers (default); cnn: two Conv2D+MaxPooling2D blocks "
                            "and a Dense head, for image data sets (see docs/cnn.md)")
    train.add_argument("--layers", type=layer_widths, metavar="W1,W2,...",
                       help="widths of the hidden Dense layers, input side first (default "
                            "per data set: " + ", ".join(
                                f"{k} {','.join(map(str, v.layers))}" for k, v in DATASETS.items())
                            + ")")
    train.add_argument("--activation", type=checked_name(activations.get, "activation"),
                       help="activation of the hidden layers (default: relu)")
    train.add_argument("--optimizer", type=checked_name(optimizers.get, "optimizer"),
                       help="sgd, adam or rmsprop (default: adam)")
    train.add_argument("--learning-rate", type=positive(float), metavar="LR",
                       help="the optimizer's learning rate (default: the optimizer's own, "
                            "0.001 for adam; for adam on fashion-mnist and mnist 0.0005 with "
                            "--model mlp)")
    train.add_argument("--epochs", type=positive(int),
                       help="passes over the training data (default per data set: " +
                            ", ".join(f"{k} {v.epochs}" for k, v in DATASETS.items()) +
                            f"; {CNN_EPOCHS} for --model cnn; {FOLDER_EPOCHS} for an image "
                            "folder)")
    train.add_argument("--batch-size", type=positive(int), default=None,
                       help=f"samples per gradient step (default: 32; {CNN_BATCH_SIZE} for "
                            f"--model cnn; {FOLDER_BATCH_SIZE} for an image folder)")
    train.add_argument("--validation-split", type=fraction, metavar="FRACTION",
                       help="last fraction of the training data held out to report val_loss "
                            "(default: 0; for an image folder 0.2 of the pictures, drawn by "
                            "--seed)")
    train.add_argument("--seed", type=int, default=0,
                       help="seed of weight initialisation and shuffling (default: %(default)s)")
    train.add_argument("--output", metavar="MODEL_FILE",
                       help="save the trained model there (default with --resume: the "
                            "resumed file)")
    train.add_argument("--resume", metavar="MODEL_FILE",
                       help="continue training this saved model for --epochs more epochs")
    add_callback_options(train)
    add_image_options(train)
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

    add_predict_command(commands)

    summary = commands.add_parser("summary", help="print a saved model's layers",
                                  description="Print the layer table of a saved model.")
    summary.add_argument("model", metavar="MODEL_FILE")
    summary.set_defaults(run=command_summary)

    add_interop_commands(commands)
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
