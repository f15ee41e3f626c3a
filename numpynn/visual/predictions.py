"""What a classifier predicts: a grid of images with their predictions, and a confusion matrix."""
import numpy as np

from numpynn.visual._figure import finish, pyplot



def confusion_matrix(y_true, y_pred, num_classes=None):
    """Counts ``cm[i, j]`` of samples of true class i predicted as class j.

    Args:
        y_true: integer labels, shape (n,).
        y_pred: integer predictions, shape (n,) (take ``argmax`` of probabilities first).
        num_classes: defaults to `None` (1 + the largest label seen).

    Returns:
        int64 array (num_classes, num_classes); the diagonal holds the correct predictions.
    """
    y_true = np.asarray(y_true).ravel()
    y_pred = np.asarray(y_pred).ravel()
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same length, got {y_true.shape[0]} "
                         f"and {y_pred.shape[0]}.")
    for name, labels in (("y_true", y_true), ("y_pred", y_pred)):
        if labels.size and (labels.dtype.kind not in "iu" or labels.min() < 0):
            raise ValueError(f"{name} must hold non-negative integer class indices.")
    if num_classes is None:
        num_classes = int(max(y_true.max(initial=-1), y_pred.max(initial=-1))) + 1
    if y_true.size and max(y_true.max(), y_pred.max()) >= num_classes:
        raise ValueError(f"A label is >= num_classes ({num_classes}).")
    counts = np.bincount(y_true * num_classes + y_pred, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes).astype(np.int64)


# -- a quick model --------------------------------------------------------------------------
def train_quick_classifier(x_train, y_train, epochs=2, samples=10000, seed=0, verbose=0):
    """A small MLP (Flatten, Dense 128 relu, Dense softmax) trained with Adam on the first
    ``samples`` images scaled to [0, 1]; returns the model."""
    import numpynn
    numpynn.utils.set_random_seed(seed)
    x = x_train[:samples].astype("float32") / 255.0
    model = numpynn.Sequential([numpynn.Input(shape=x.shape[1:]), numpynn.layers.Flatten(),
                                numpynn.layers.Dense(128, activation="relu"),
                                numpynn.layers.Dense(int(y_train.max()) + 1,
                                                     activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y_train[:samples], epochs=epochs, batch_size=64, verbose=verbose)
    return model


# -- drawing ----------------------------------------------------------------------------------
def plot_predictions(images, y_true, probabilities, class_names=None, out=None, cols=6):
    """A grid of images titled "predicted (probability)" and "true: class"; wrong ones in red.

    Args:
        images: (n, height, width) grayscale images.
        y_true: (n,) integer labels.
        probabilities: (n, classes) predicted probabilities.
        class_names: names of the classes. Defaults to `None` (the class indices).
        out: file to write. Defaults to `None` (return the figure).
        cols: images per row. Defaults to `6`.
    """
    probabilities = np.asarray(probabilities)
    predicted = probabilities.argmax(axis=1)
    names = class_names or [str(i) for i in range(probabilities.shape[1])]
    n = len(images)
    rows = -(-n // cols)
    plt = pyplot()
    fig, axes = plt.subplots(rows, cols, figsize=(1.9 * cols, 2.25 * rows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        ax.imshow(images[i], cmap="gray_r")
        wrong = predicted[i] != y_true[i]
        ax.set_title(f"{names[predicted[i]]} ({probabilities[i, predicted[i]]:.0%})\n"
                     f"true: {names[y_true[i]]}", fontsize=8,
                     color="red" if wrong else "black")
    correct = int(np.sum(predicted[:n] == np.asarray(y_true)[:n]))
    fig.suptitle(f"predicted (probability) / true class; wrong in red; {correct} of {n} "
                 "shown are correct", fontsize=10)
    fig.tight_layout()
    return finish(fig, out)


def plot_confusion_matrix(cm, class_names=None, out=None):
    """The confusion matrix as a heat map with the counts written in the cells."""
    cm = np.asarray(cm)
    names = class_names or [str(i) for i in range(len(cm))]
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(1.0 + 0.62 * len(cm), 0.6 + 0.55 * len(cm)))
    image = ax.imshow(cm, cmap="Blues")
    threshold = cm.max() / 2
    for i in range(len(cm)):
        for j in range(len(cm)):
            ax.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=8,
                    color="white" if cm[i, j] > threshold else "black")
    ax.set_xticks(range(len(cm)), names, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(cm)), names, fontsize=8)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(f"confusion matrix ({np.trace(cm) / max(cm.sum(), 1):.1%} correct)")
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    fig.tight_layout()
    return finish(fig, out)
