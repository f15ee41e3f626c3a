"""Training curves: loss and metrics per epoch, training next to validation."""
import csv
import json

import numpy as np

from numpynn.visual._figure import finish, pyplot


def history_panels(history):
    """Group a history's series into panels: one per quantity, training and validation together.

    Args:
        history: a ``History`` (what ``fit`` returns) or its ``history`` dict
            ``{"loss": [...], "val_loss": [...], "accuracy": [...], ...}``.

    Returns:
        ``{"loss": {"loss": array, "val_loss": array}, "accuracy": {...}, ...}``; ``loss``
        first, then the metrics in the order they appear.
    """
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict) or not logs:
        raise ValueError("Expected a History or a non-empty dict of per-epoch lists, "
                         f"got {type(logs).__name__}.")
    panels = {}
    for key in sorted(logs, key=lambda k: (k.removeprefix("val_") != "loss", k.startswith("val_"))):
        if key in ("epoch", "lr", "learning_rate"):
            continue
        base = key.removeprefix("val_")
        panels.setdefault(base, {})[key] = np.asarray(logs[key], dtype=np.float64)
    return panels


def read_history(path):
    """A history dict from a CSV log (``epoch,loss,...`` as written by Keras' ``CSVLogger``)
    or a JSON file holding ``history.history``."""
    with open(path, newline="") as file:
        if str(path).lower().endswith(".json"):
            return {key: list(map(float, values)) for key, values in json.load(file).items()}
        rows = list(csv.DictReader(file))
    if not rows:
        raise ValueError(f"{path} has no rows: expected a CSV log with a header such as "
                         "'epoch,loss,val_loss'.")
    return {key: [float(row[key]) for row in rows] for key in rows[0] if key != "epoch"}


def plot_history(history, out=None, title=None):
    """Draw one panel per quantity (loss, then each metric), training solid, validation dashed.

    Args:
        history: a ``History`` or its dict.
        out: file to write (``.png``, ``.svg``...); defaults to `None` (return the figure).
        title: figure title. Defaults to `None`.
    """
    panels = history_panels(history)
    plt = pyplot()
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.4), squeeze=False)
    for ax, (name, series) in zip(axes[0], panels.items()):
        for key, values in series.items():
            epochs = np.arange(1, len(values) + 1)
            validation = key.startswith("val_")
            ax.plot(epochs, values, "--" if validation else "-", marker="o", markersize=3,
                    label="validation" if validation else "training")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
        ax.set_ylabel(name)
        ax.set_title(name)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return finish(fig, out)
