"""The models the course builds, as ``numpynn train --model mlp|cnn`` (and ``numpynn train
--data-dir IMAGE_FOLDER``) makes them.

The output layer and the loss follow the task::

    regression  -> Dense(1)                        + mean squared error
    binary      -> Dense(1, activation="sigmoid")  + binary cross-entropy
    multi-class -> Dense(classes, "softmax")       + categorical cross-entropy (one-hot labels)
"""
from numpynn import initializers, layers
from numpynn.models.sequential import Sequential

REGRESSION, BINARY, MULTICLASS = "regression", "binary", "multi-class"


def output_head(task, n_classes):
    """``(units, activation, loss, metrics)`` of the output layer for a task."""
    if task == REGRESSION:
        return 1, "linear", "mean_squared_error", []
    if task == BINARY:
        return 1, "sigmoid", "binary_crossentropy", ["accuracy"]
    return n_classes, "softmax", "categorical_crossentropy", ["accuracy"]


def _output_layer(task, n_classes, output_bias=0.0):
    units, activation, _, _ = output_head(task, n_classes)
    bias = initializers.Constant(output_bias) if output_bias else "zeros"
    return layers.Dense(units, activation=activation, bias_initializer=bias)


def mlp(name, input_shape, widths, activation, task, n_classes, output_bias=0.0):
    """``Input -> [Flatten] -> Dense(w, activation) for w in widths -> output head``: the
    "jar" of the MLP days.

    ``output_bias`` starts the output layer's bias there: for regression the training
    targets' mean, so training begins at the mean predictor. Adam moves a weight by at most
    about one learning rate per step, so from 0 the bias alone would need ~150,000 steps to
    reach diabetes' 151.5.
    """
    model = Sequential(name=name)
    model.add(layers.Input(shape=input_shape))
    if len(input_shape) > 1:
        model.add(layers.Flatten())
    for width in widths:
        model.add(layers.Dense(width, activation=activation))
    model.add(_output_layer(task, n_classes, output_bias))
    return model


def _convolution_blocks():
    """The CNN day's feature extractor and head, without the output layer."""
    return [layers.Conv2D(32, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dropout(0.5)]


def cnn(name, input_shape, n_classes):
    """The CNN day's network, for (height, width) grey images such as Fashion-MNIST's::

        Reshape((h, w, 1))
        Conv2D(32, 3, "same", relu) -> MaxPooling2D(2)       28x28x32 -> 14x14x32
        Conv2D(64, 3, "same", relu) -> MaxPooling2D(2)       14x14x64 -> 7x7x64
        Flatten -> Dense(128, relu) -> Dropout(0.5) -> Dense(classes, softmax)

    Two convolution blocks learn local features (edges, then parts); pooling halves the
    resolution after each; the Dense head classifies. 421,642 weights for 28x28 inputs.
    """
    if len(input_shape) != 2:
        raise ValueError(f"the CNN takes (height, width) grey images, got samples of shape "
                         f"{tuple(input_shape)}; use the MLP for tabular data.")
    return Sequential([layers.Input(shape=input_shape),
                       layers.Reshape(tuple(input_shape) + (1,)),
                       *_convolution_blocks(),
                       _output_layer(MULTICLASS, n_classes)], name=name)


def augmentation_layers(seed=None):
    """The augmentation stack of ``numpynn train --augment``, active in training only::

        RandomFlip("horizontal")                           mirror half of the images
        RandomTranslation(0.1, 0.1, fill_mode="constant")  shift by up to 10% of the
                                                           height and width; black enters

    Chosen by measurement (docs/augmentation.md): on 1,000 Fashion-MNIST images it raised
    test accuracy, where adding RandomRotation and RandomZoom (each a bilinear resampling
    that softens a small picture) lowered it below no augmentation at all. With ``seed``,
    layer i draws from its own generator seeded ``seed + i``.
    """
    seeds = [None] * 2 if seed is None else [seed, seed + 1]
    return [layers.RandomFlip("horizontal", seed=seeds[0]),
            layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=seeds[1])]


def image_cnn(name, image_shape, n_classes, augment=False, seed=None):
    """The CNN day's network for image files: raw 0-255 pixels in, as
    ``image_dataset_from_directory`` reads them::

        Input((h, w, channels))                  channels 1 (grayscale), 3 (rgb), 4 (rgba)
        [augmentation_layers()]                  with augment=True; identity in inference
        Rescaling(1 / 255)                       pixels to [0, 1]
        Conv2D(32, 3, "same", relu) -> MaxPooling2D(2)
        Conv2D(64, 3, "same", relu) -> MaxPooling2D(2)
        Flatten -> Dense(128, relu) -> Dropout(0.5) -> Dense(classes, softmax)

    The saved model keeps what ``numpynn predict`` needs to read a new picture: the image
    size and colour mode are its input shape. 421,642 weights for 28x28x1 and 10 classes;
    the Dense layer grows with the image: (h/4)(w/4) 64 x 128 weights.

    Args:
        name: the model's name.
        image_shape: (height, width, channels).
        n_classes: classes of the softmax output.
        augment: put ``augmentation_layers(seed)`` (with `True`) or these layers (a list)
            before the rescaling. Defaults to `False`.
        seed: seed of the augmentation layers' generators. Defaults to `None`.
    """
    if len(image_shape) != 3 or image_shape[-1] not in (1, 3, 4):
        raise ValueError(f"image_cnn takes (height, width, channels) images with 1, 3 or 4 "
                         f"channels, got samples of shape {tuple(image_shape)}.")
    return Sequential([layers.Input(shape=tuple(image_shape)),
                       *(augmentation_layers(seed) if augment is True else augment or []),
                       layers.Rescaling(1 / 255),
                       *_convolution_blocks(),
                       _output_layer(MULTICLASS, n_classes)], name=name)
