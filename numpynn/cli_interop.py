"""`numpynn convert` and `numpynn export`: a model file into another format.

    numpynn convert model.npnn model.keras      # for Keras 3 (keras.models.load_model)
    numpynn convert keras_model.h5 model.npnn   # a Keras file into numpynn's format
    numpynn export model.npnn --format onnx     # model.onnx, for ONNX runtimes
"""
import os

from numpynn.cli_files import CommandError, load_model_file, save_model_file

#: what `--format` of `numpynn export` accepts
EXPORT_FORMATS = ("onnx",)


def command_convert(args):
    """Read IN (numpynn's format, .keras or .h5, told apart by content) and write OUT in the
    format its name gives (.keras: Keras 3; any other name: numpynn's)."""
    model = load_model_file(args.input)
    save_model_file(model, args.output)
    return 0


def command_export(args):
    model = load_model_file(args.model)
    output = args.out or os.path.splitext(args.model)[0] + "." + args.format
    try:
        model.export(output, format=args.format)
    except (ValueError, OSError) as error:
        raise CommandError(f"cannot export {args.model!r} to {args.format}: {error}") from None
    print(f"Exported {args.model} to {output} ({args.format})")
    return 0


def add_interop_commands(commands):
    """The `convert` and `export` sub-commands, on the `numpynn` parser's `commands`."""
    convert = commands.add_parser(
        "convert", help="convert a model file between numpynn's format and Keras' .keras",
        description="Read a model file (numpynn's format, a Keras .keras archive or a legacy "
                    "Keras .h5 file, recognised by content) and write it again: OUT ending "
                    "in .keras gives a Keras 3 archive, any other name numpynn's format "
                    "(.npnn advised). Keras files need h5py: pip install numpynn[keras].")
    convert.add_argument("input", metavar="IN")
    convert.add_argument("output", metavar="OUT")
    convert.set_defaults(run=command_convert)

    export = commands.add_parser(
        "export", help="export a model file for other runtimes (ONNX)",
        description="Write a saved model as an ONNX graph (opset 17, free batch size) for "
                    "ONNX runtimes. Needs the onnx package: pip install numpynn[onnx].")
    export.add_argument("model", metavar="MODEL_FILE")
    export.add_argument("--format", choices=EXPORT_FORMATS, default="onnx",
                        help="the target format (default: %(default)s)")
    export.add_argument("--out", metavar="FILE",
                        help="where to write it (default: MODEL_FILE with the format's "
                             "extension, e.g. model.onnx)")
    export.set_defaults(run=command_export)
