"""What a CNN learned: its first layer's kernels, and one image's feature maps.

- ``first_convolution(model)``: the first ``Conv2D`` of a model.
- ``filter_images(layer)``: its kernels as small pictures, (filters, kh, kw) for grey input
  or (filters, kh, kw, 3) for RGB input.
- ``feature_maps(model, image)``: the image sent through the model layer by layer, keeping
  the output of every convolution and pooling layer, ``[(layer name, (H, W, C) array)]``.
- ``plot_filters`` and ``plot_feature_maps`` draw them (matplotlib, ``numpynn[plot]``).

Example::

    model = numpynn.models.load_model("fashion-cnn.npnn")
    plot_filters(model, out="filters.png")
    plot_feature_maps(model, x_test[0], out="maps.png")
"""
import numpy as np

from numpynn.visual._figure import finish, pyplot


def first_convolution(model):
    """The first ``Conv2D`` layer of ``model``; ``ValueError`` if it has none."""
    for layer in model.layers:
        if type(layer).__name__ == "Conv2D":
            return layer
    raise ValueError(f"model {model.name!r} has no Conv2D layer; its layers are "
                     f"{[type(layer).__name__ for layer in model.layers]}.")


def filter_images(layer):
    """The kernels of a Conv2D layer, each scaled on its own to [0, 1] for display.

    kernel (kh, kw, in, filters) -> (filters, kh, kw) for one input channel, (filters, kh,
    kw, 3) for three (RGB); for other channel counts each filter's mean over its input
    channels.
    """
    kernel = np.moveaxis(np.asarray(layer.get_weights()[0], dtype=np.float64), -1, 0)
    if kernel.shape[-1] != 3:
        kernel = kernel.mean(axis=-1)
    axes = tuple(range(1, kernel.ndim))
    low, high = kernel.min(axis=axes, keepdims=True), kernel.max(axis=axes, keepdims=True)
    return (kernel - low) / np.where(high > low, high - low, 1.0)


def feature_maps(model, image):
    """``[(layer name, maps (H, W, C))]`` of every convolution and pooling layer, for one
    sample ``image`` shaped as the model's input (inference mode: no dropout)."""
    x = np.asarray(image, dtype=model.dtype)[None]
    model(x[:1])  # builds the model if it is not built yet
    maps = []
    for layer in model.layers:
        x = layer.forward(x, training=False)
        name = type(layer).__name__
        if x.ndim == 4 and ("Conv" in name or "Pooling" in name):
            maps.append((layer.name, np.array(x[0])))
    if not maps:
        raise ValueError(f"model {model.name!r} has no convolution or pooling layer with "
                         "image-shaped outputs to show.")
    return maps


def _grid(count, columns):
    columns = min(columns, count)
    return -(-count // columns), columns


def plot_filters(model, out=None, columns=8):
    """Every kernel of the first Conv2D layer as a small picture (light = large weight)."""
    layer = first_convolution(model)
    images = filter_images(layer)
    rows, columns = _grid(len(images), columns)
    plt = pyplot()
    fig, axes = plt.subplots(rows, columns, figsize=(1.2 * columns, 1.2 * rows + 0.4),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(images):
            ax.imshow(images[i], cmap="gray", vmin=0, vmax=1, interpolation="nearest")
            ax.set_title(str(i), fontsize=7)
    kh, kw = images.shape[1:3]
    fig.suptitle(f"{layer.name}: {len(images)} kernels of {kh}x{kw}")
    return finish(fig, out)


def plot_feature_maps(model, image, out=None, maps_per_layer=8):
    """The input image, then a row per convolution/pooling layer with its first
    ``maps_per_layer`` feature maps (each map scaled on its own)."""
    maps = feature_maps(model, image)
    plt = pyplot()
    columns = maps_per_layer
    fig, axes = plt.subplots(len(maps) + 1, columns,
                             figsize=(1.3 * columns, 1.4 * (len(maps) + 1)), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    picture = np.asarray(image, dtype=np.float64)
    axes[0, 0].imshow(picture.squeeze(), cmap="gray", interpolation="nearest")
    axes[0, 0].set_title("input", fontsize=8)
    for row, (name, array) in zip(axes[1:], maps):
        for c, ax in enumerate(row[:array.shape[-1]]):
            ax.imshow(array[..., c], cmap="viridis", interpolation="nearest")
            if c == 0:
                ax.set_title(f"{name} {array.shape[0]}x{array.shape[1]}x{array.shape[2]}",
                             fontsize=8, loc="left")
    fig.suptitle("One image through the network: each row a layer, each tile a feature map")
    return finish(fig, out)
