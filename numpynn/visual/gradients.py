"""Gradient flow: how large each layer's weight gradients are during training.

Backpropagation multiplies the gradient by each layer's activation slope. The sigmoid's slope
is at most 0.25, so in a deep sigmoid network the first layers' gradients are orders of
magnitude smaller than the last ones' (the vanishing gradient); with ReLU (slope 1 where
active) they stay of similar size.
"""
import numpy as np

import numpynn
from numpynn.callbacks import GradientStats
from numpynn.visual._figure import finish, pyplot


def make_classification(samples=512, features=16, classes=4, seed=0):
    """A small synthetic task: Gaussian inputs, labels from the argmax of a random linear map."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(samples, features))
    y = np.argmax(x @ rng.normal(size=(features, classes)), axis=1)
    return x, y


def gradient_flow(activations=("sigmoid", "relu"), depth=8, units=32, epochs=5, batch_size=32,
                  learning_rate=0.05, seed=0, data=None):
    """Train the same deep network once per hidden activation and record its gradients.

    The network is ``depth`` hidden ``Dense(units, activation)`` layers and a softmax output,
    trained with ``SGD(learning_rate)`` on ``data`` (defaults to ``make_classification(seed)``);
    weights and batch order are seeded with ``seed`` so the runs differ only by activation.

    Returns:
        ``{activation: GradientStats}``.
    """
    x, y = make_classification(seed=seed) if data is None else data
    classes = int(np.max(y)) + 1
    results = {}
    for activation in activations:
        numpynn.utils.set_random_seed(seed)
        model = numpynn.Sequential([numpynn.Input(shape=x.shape[1:])]
                                   + [numpynn.layers.Dense(units, activation=activation)
                                      for _ in range(depth)]
                                   + [numpynn.layers.Dense(classes, activation="softmax")])
        model.compile(optimizer=numpynn.optimizers.SGD(learning_rate),
                      loss="sparse_categorical_crossentropy")
        stats = GradientStats()
        model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0, callbacks=[stats])
        results[activation] = stats
    return results


def plot_gradient_flow(results, out=None):
    """Mean |gradient| per layer: one panel per activation over the epochs (a line per layer,
    dark = near the input), and a last panel comparing the layer profiles at the last epoch.

    Args:
        results: ``{label: GradientStats}``, e.g. from ``gradient_flow()``.
        out: file to write. Defaults to `None` (return the figure).
    """
    plt = pyplot()
    fig, axes = plt.subplots(1, len(results) + 1, figsize=(4.3 * (len(results) + 1), 4.2),
                             sharey=True)
    for ax, (label, stats) in zip(axes, results.items()):
        values = stats.as_array()
        epochs = np.arange(1, len(values) + 1)
        colors = plt.cm.viridis(np.linspace(0, 0.9, values.shape[1]))
        for j in range(values.shape[1]):
            ax.plot(epochs, values[:, j], "-o", markersize=3, color=colors[j],
                    label=_layer_label(j, values.shape[1]))
        ax.set_yscale("log")
        ax.set_title(f"{label} network")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
        ax.grid(alpha=0.3, which="both")
    axes[0].set_ylabel("mean |dL/dkernel|")
    profile = axes[-1]
    for label, stats in results.items():
        last = stats.as_array()[-1]
        profile.plot(np.arange(1, len(last) + 1), last, "-o", label=label)
    profile.set_yscale("log")
    profile.set_xlabel(f"layer (1 = next to the input, {len(last)} = output)")
    profile.set_title("last epoch, per layer")
    profile.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
    profile.grid(alpha=0.3, which="both")
    fig.suptitle("The vanishing gradient: the same deep network with sigmoid vs ReLU")
    fig.tight_layout()
    return finish(fig, out)


def _layer_label(j, count):
    if j == 0:
        return "layer 1 (input side)"
    return f"layer {count} (output)" if j == count - 1 else None
