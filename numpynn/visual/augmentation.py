"""A picture and augmented copies of it, as the augmentation layers make them in training
(``numpynn plot augmentation IMAGE``).

``augmented_copies`` runs the layers with ``training=True`` on copies of one image;
``plot_augmentation`` draws the original first, then the copies, in a grid.
"""
import math

import numpy as np

from numpynn.data.image_files import read_image
from numpynn.layers.preprocessing import resize_ops
from numpynn.layers.preprocessing.image_layer import RandomImageLayer
from numpynn.models import course
from numpynn.visual._figure import finish, pyplot

#: pictures larger than this on their longest side are shrunk to it before augmenting
LARGEST_SIDE = 256


def read_picture(path, color_mode, size=None):
    """The picture at ``path`` as float32 (height, width, channels), pixels 0-255, resized to
    ``size`` (height, width), or shrunk to fit ``LARGEST_SIDE`` keeping its aspect ratio."""
    pixels = read_image(path, color_mode).astype(np.float32)
    height, width = pixels.shape[:2]
    if size is None:
        scale = min(1.0, LARGEST_SIDE / max(height, width))
        size = (max(1, round(height * scale)), max(1, round(width * scale)))
    if tuple(size) == (height, width):
        return pixels
    return resize_ops.Resize((height, width), tuple(size)).apply(pixels)


def augmentation_layers_of(model):
    """The random image layers of ``model`` (its augmentation stack), in order."""
    return [layer for layer in model.layers if isinstance(layer, RandomImageLayer)]


def augmented_copies(image, layers=None, count=15, seed=None):
    """``count`` augmented copies of ``image`` (height, width, channels), one batch through
    ``layers`` with ``training=True`` (default: ``course.augmentation_layers(seed)``, the
    stack of ``numpynn train --augment``). Returns (count, height, width, channels)."""
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}.")
    layers = course.augmentation_layers(seed) if layers is None else layers
    batch = np.repeat(np.asarray(image, dtype=np.float32)[None], count, axis=0)
    for layer in layers:
        batch = layer(batch, training=True)
    return np.asarray(batch)


def plot_augmentation(image, copies, out=None, title=None):
    """The original ``image`` (top left) and its ``copies`` in a grid, pixels 0-255."""
    plt = pyplot()
    pictures = [np.asarray(image)] + list(copies)
    columns = min(len(pictures), max(4, math.ceil(math.sqrt(len(pictures)))))
    rows = math.ceil(len(pictures) / columns)
    aspect = pictures[0].shape[0] / pictures[0].shape[1]
    fig, axes = plt.subplots(rows, columns, squeeze=False,
                             figsize=(1.8 * columns, (1.8 * aspect + 0.3) * rows))
    for i, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if i >= len(pictures):
            continue
        pixels = np.clip(pictures[i], 0, 255).astype(np.uint8)
        if pixels.shape[-1] == 1:
            ax.imshow(pixels[..., 0], cmap="gray", vmin=0, vmax=255)
        else:
            ax.imshow(pixels)
        ax.set_title("original" if i == 0 else f"copy {i}", fontsize=8)
    if title:
        fig.suptitle(title, fontsize=9)
    return finish(fig, out)
