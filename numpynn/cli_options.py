"""Argument types of the ``numpynn`` command: each turns a bad value into a usage error
(exit code 2) that says what to give instead."""
import argparse
import difflib

from numpynn import optimizers
from numpynn.cli_data import DATASETS
from numpynn.registry import UnknownObjectError


class UsageError(Exception):
    """Options that do not go together (exit code 2, as argparse's own errors)."""


def make_optimizer(name, learning_rate, defaults):
    """The optimizer `name` with `learning_rate`, else the default for it in `defaults` (a
    data set's learning rates by optimizer name), else the optimizer's own default."""
    optimizer = optimizers.get(name)
    if learning_rate is None:
        learning_rate = defaults.get(optimizer.name)
    if learning_rate is not None:
        optimizer.learning_rate = float(learning_rate)
    return optimizer


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


def checked_name(getter, kind):
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
