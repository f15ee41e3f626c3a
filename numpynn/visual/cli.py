"""``numpynn plot ...``: draw the course's pictures from the command line.

    numpynn plot history training.csv --out history.png
    numpynn plot activations                 # writes activations.png, the default --out
    numpynn plot optimizers --surface two_minima --out race.gif
    numpynn plot gradients --out gradients.png
    numpynn plot predictions --epochs 2 --out predictions.png --confusion confusion.png
    numpynn plot filters fashion-cnn.npnn --out filters.png
    numpynn plot feature-maps fashion-cnn.npnn shoe.png --out maps.png
    numpynn plot model fashion-cnn.npnn --out model.png
    numpynn plot augmentation shoe.png --out shoe-augmented.png

``add_plot_parser(subparsers)`` registers the ``plot`` command in the main ``numpynn`` CLI;
``main(argv)`` runs it on its own (``python -m numpynn.visual activations --out a.png``).
"""
import argparse
import sys

from numpynn import datasets
from numpynn.cli_options import positive
from numpynn.visual import (activations, augmentation, convolution, gradients, history,
                            model_graph, optimizer_race, predictions)


def _history(args):
    log = history.read_history(args.log)
    print(f"wrote {history.plot_history(log, out=args.out, title=args.title)}")


def _activations(args):
    for name, (x, peak) in activations.derivative_peaks().items():
        print(f"{name:>10}: max f'(x) = {peak:.4f} at x = {x:g}")
    print(f"wrote {activations.plot_activations(out=args.out, x_range=args.range)}")


def _optimizers(args):
    names = list(optimizer_race.SURFACES) if args.surface == "all" else [args.surface]
    if args.out.lower().endswith(".gif") and len(names) > 1:
        raise SystemExit("An animated GIF shows one surface: pass --surface NAME.")
    results = []
    for name in names:
        surface = optimizer_race.SURFACES[name]
        if args.lr or args.adaptive_lr:
            surface = optimizer_race.Surface(**{**vars(surface),
                                                "lr": args.lr or surface.lr,
                                                "adaptive_lr": args.adaptive_lr
                                                or surface.adaptive_lr})
        result = optimizer_race.race(surface, steps=args.steps, noise=args.noise,
                                     seed=args.seed)
        print(result.describe())
        results.append(result)
    if args.out.lower().endswith(".gif"):
        optimizer_race.animate_race(results[0], args.out, frames=args.frames)
    else:
        optimizer_race.plot_race(results, out=args.out)
    print(f"wrote {args.out}")


def _gradients(args):
    results = gradients.gradient_flow(activations=args.activations, depth=args.depth,
                                      units=args.units, epochs=args.epochs, seed=args.seed)
    print(f"seed {args.seed}: {args.depth} hidden Dense({args.units}) layers + softmax, "
          f"SGD(0.05), batch 32, {args.epochs} epochs")
    for name, stats in results.items():
        first, last = stats.as_array()[-1][[0, -1]]
        print(f"{name:>8}: last-epoch mean |dL/dkernel| layer 1 = {first:.3g}, "
              f"output layer = {last:.3g}")
    print(f"wrote {gradients.plot_gradient_flow(results, out=args.out)}")


def _load_images(data_dir, fashion):
    """Fashion-MNIST (or MNIST) from ``data_dir`` (whole files or ``.part-NN`` pieces), else
    from the usual places (``numpynn.datasets``: environment variable, cache, download)."""
    module = datasets.fashion_mnist if fashion else datasets.mnist
    return module.load_data(path=data_dir)


def _predictions(args):
    (x_train, y_train), (x_test, y_test) = _load_images(args.data_dir, args.fashion)
    model = predictions.train_quick_classifier(x_train, y_train, epochs=args.epochs,
                                               samples=args.train_samples, seed=args.seed,
                                               verbose=args.verbose)
    probabilities = model.predict(x_test.astype("float32") / 255.0, verbose=0)
    names = list(datasets.fashion_mnist.CLASS_NAMES) if args.fashion else None
    cm = predictions.confusion_matrix(y_test, probabilities.argmax(axis=1),
                                      probabilities.shape[1])
    print(f"seed {args.seed}, {args.epochs} epochs on {args.train_samples} images: "
          f"test accuracy {cm.trace() / cm.sum():.4f}")
    n = args.count
    out = predictions.plot_predictions(x_test[:n], y_test[:n], probabilities[:n], names,
                                       out=args.out)
    print(f"wrote {out}")
    if args.confusion:
        print(f"wrote {predictions.plot_confusion_matrix(cm, names, out=args.confusion)}")


def _saved_model(path):
    from numpynn.models import load_model
    try:
        return load_model(path)
    except (OSError, ValueError) as error:
        raise SystemExit(f"cannot read model file {path!r}: {error}") from None


def _filters(args):
    model = _saved_model(args.model)
    layer = convolution.first_convolution(model)
    print(f"{layer.name}: kernel {layer.get_weights()[0].shape} (height, width, in, filters)")
    print(f"wrote {convolution.plot_filters(model, out=args.out)}")


def _feature_maps(args):
    from numpynn.utils import images

    model = _saved_model(args.model)
    shape = tuple(model.input_shape[1:])
    if len(shape) not in (2, 3) or (len(shape) == 3 and shape[-1] != 1):
        raise SystemExit(f"model {model.name!r} takes inputs of shape {shape}; feature-maps "
                         "draws models of grey images, (height, width) or (height, width, 1).")
    try:
        image = images.load_image(args.image, shape[:2], args.invert).reshape(shape)
    except (OSError, ValueError) as error:
        raise SystemExit(str(error)) from None
    for name, maps in convolution.feature_maps(model, image):
        print(f"{name}: {maps.shape[0]}x{maps.shape[1]}, {maps.shape[2]} maps")
    print(f"wrote {convolution.plot_feature_maps(model, image, out=args.out)}")


def _model(args):
    model = _saved_model(args.model)
    out = model_graph.plot_model(model, args.out, show_shapes=not args.no_shapes,
                                 show_layer_names=True, expand_nested=args.expand_nested,
                                 show_layer_activations=True)
    print(f"wrote {out}")


def _augmentation(args):
    from numpynn import utils
    from numpynn.cli_files import CommandError
    from numpynn.cli_images import image_settings_of
    from numpynn.models import course

    utils.set_random_seed(args.seed)
    size, color_mode = None, args.color_mode or "rgb"
    layers, source = course.augmentation_layers(args.seed), "numpynn train --augment"
    if args.model:
        if args.color_mode:
            raise SystemExit("--color-mode and --model do not go together: the model reads "
                             "pictures in its own colour mode.")
        model = _saved_model(args.model)
        layers, source = augmentation.augmentation_layers_of(model), args.model
        if not layers:
            raise SystemExit(f"model {args.model!r} has no augmentation layers (RandomFlip, "
                             "RandomRotation...); train it with --augment.")
        try:
            size, color_mode = image_settings_of(model)
        except CommandError as error:
            raise SystemExit(str(error)) from None
    try:
        image = augmentation.read_picture(args.image, color_mode, size)
    except (OSError, ValueError) as error:
        raise SystemExit(str(error)) from None
    copies = augmentation.augmented_copies(image, layers, count=args.count)
    names = ", ".join(type(layer).__name__ for layer in layers)
    print(f"{args.image}: {image.shape[0]}x{image.shape[1]}x{image.shape[2]}, {args.count} "
          f"copies through {names} ({source})")
    print(f"wrote {augmentation.plot_augmentation(image, copies, out=args.out)}")


def _add_commands(parser):
    commands = parser.add_subparsers(dest="picture", required=True, metavar="PICTURE")

    p = commands.add_parser("history", help="loss/metric curves from a CSV log or JSON history")
    p.add_argument("log", help="CSV (epoch,loss,... as CSVLogger writes) or JSON of history")
    p.add_argument("--title", default=None, help="title above the curves (default: none)")
    p.set_defaults(func=_history)

    p = commands.add_parser("activations", help="every activation and its derivative")
    p.add_argument("--range", type=float, default=5.0, help="x from -RANGE to RANGE")
    p.set_defaults(func=_activations)

    p = commands.add_parser("optimizers", help="optimizer race on 2-D test functions "
                                               "(.png paths, .gif animation)")
    p.add_argument("--surface", default="two_minima",
                   choices=list(optimizer_race.SURFACES) + ["all"],
                   help="test function to race on, or all of them (default: %(default)s)")
    p.add_argument("--steps", type=int, default=None, help="defaults to the surface's")
    p.add_argument("--seed", type=int, default=0, help="seed of the gradient noise")
    p.add_argument("--noise", type=float, default=0.0,
                   help="add an SGD racer with Gaussian gradient noise of this std")
    p.add_argument("--lr", type=float, default=None, help="learning rate of the SGD family")
    p.add_argument("--adaptive-lr", type=float, default=None,
                   help="learning rate of RMSprop, Adam and other adaptive optimizers")
    p.add_argument("--frames", type=int, default=60, help="GIF frames (default: %(default)s)")
    p.set_defaults(func=_optimizers)

    p = commands.add_parser("gradients", help="per-layer gradient size, sigmoid vs ReLU")
    p.add_argument("--activations", nargs="+", default=["sigmoid", "relu"],
                   help="hidden activations to compare (default: sigmoid relu)")
    p.add_argument("--depth", type=int, default=8, help="hidden layers (default: %(default)s)")
    p.add_argument("--units", type=int, default=32,
                   help="units per hidden layer (default: %(default)s)")
    p.add_argument("--epochs", type=int, default=5, help="training epochs (default: %(default)s)")
    p.add_argument("--seed", type=int, default=0,
                   help="seed of the weights and data (default: %(default)s)")
    p.set_defaults(func=_gradients)

    p = commands.add_parser("predictions", help="train a small classifier on (Fashion-)MNIST "
                                                "and draw its test predictions")
    p.add_argument("--data-dir", default=None,
                   help="folder with the four IDX .gz files (or their .part-NN pieces); "
                        "defaults to numpynn.datasets' lookup (env var, cache, download)")
    p.add_argument("--epochs", type=int, default=2, help="training epochs (default: %(default)s)")
    p.add_argument("--train-samples", type=int, default=10000,
                   help="training images used (default: %(default)s)")
    p.add_argument("--count", type=int, default=24,
                   help="test images to draw (default: %(default)s)")
    p.add_argument("--seed", type=int, default=0,
                   help="seed of the weights and shuffling (default: %(default)s)")
    p.add_argument("--digits", dest="fashion", action="store_false",
                   help="label classes 0-9 (MNIST) instead of Fashion-MNIST names")
    p.add_argument("--confusion", default=None, help="also write the confusion matrix here")
    p.add_argument("--verbose", type=int, default=0,
                   help="training output: 0 silent, 1 bar, 2 a line per epoch (default: 0)")
    p.set_defaults(func=_predictions)

    p = commands.add_parser("filters", help="a saved CNN's first-layer kernels as images")
    p.add_argument("model", metavar="MODEL_FILE", help="a saved CNN (.npnn, .keras...)")
    p.set_defaults(func=_filters)

    p = commands.add_parser("feature-maps", help="one image through each convolution and "
                                                 "pooling layer of a saved CNN")
    p.add_argument("model", metavar="MODEL_FILE", help="a saved CNN (.npnn, .keras...)")
    p.add_argument("image", metavar="IMAGE", help="a picture file (PNG, JPEG...), made grey "
                                                  "and resized to the model's input")
    p.add_argument("--invert", action=argparse.BooleanOptionalAction, default=None,
                   help="dark-on-light pictures are inverted to light-on-dark as in "
                        "(Fashion-)MNIST; default: decided from the border")
    p.set_defaults(func=_feature_maps)

    p = commands.add_parser("model", help="a saved model's graph of layers, with shapes")
    p.add_argument("model", metavar="MODEL_FILE", help="a saved model (.npnn, .keras...)")
    p.add_argument("--no-shapes", action="store_true", help="leave the shapes out")
    p.add_argument("--expand-nested", action="store_true",
                   help="draw the layers of nested models inside a frame")
    p.set_defaults(func=_model)

    p = commands.add_parser("augmentation", help="a picture and augmented copies of it, as "
                                                 "training with --augment shows them")
    p.add_argument("image", metavar="IMAGE", help="a picture file (PNG, JPEG, BMP, GIF)")
    p.add_argument("--model", metavar="MODEL_FILE", default=None,
                   help="use this saved model's augmentation layers, image size and colour "
                        "mode (default: the stack of numpynn train --augment on the picture "
                        f"as it is, shrunk to fit {augmentation.LARGEST_SIDE} pixels)")
    p.add_argument("--count", type=positive(int), default=15,
                   help="augmented copies to draw (default: %(default)s)")
    p.add_argument("--color-mode", choices=("grayscale", "rgb", "rgba"), default=None,
                   help="read the picture with 1, 3 or 4 channels (default: rgb, or the "
                        "model's)")
    p.add_argument("--seed", type=int, default=0,
                   help="seed of the random augmentations (default: %(default)s)")
    p.set_defaults(func=_augmentation)

    for name, sub in commands.choices.items():
        sub.add_argument("--out", default=f"{name}.png",
                         help="file to write (.png, .svg, .gif...; default: %(default)s)")
    return commands


def add_plot_parser(subparsers):
    """Register ``plot`` on the main CLI's ``subparsers``; its handler is ``args.func(args)``."""
    parser = subparsers.add_parser("plot", help="draw the course's pictures",
                                   description=__doc__.split("\n\n")[0])
    _add_commands(parser)
    return parser


def main(argv=None):
    """``numpynn plot`` on its own; a leading ``plot`` is accepted too."""
    parser = argparse.ArgumentParser(prog="python -m numpynn.visual",
                                     description="Draw the course's pictures with numpynn.")
    _add_commands(parser)
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["plot"]:
        argv = argv[1:]
    args = parser.parse_args(argv)
    args.func(args)
    return 0
