"""Write MNIST or Fashion-MNIST as folders of PNG files, one folder per class: the layout
``image_dataset_from_directory`` and ``flow_from_directory`` read.

    python -m numpynn.datasets.export_images fashion_images --per-class 100

writes ``fashion_images/train/0_T-shirt_top/00000.png``, ... and
``fashion_images/test/...``. Folder names start with the label (``0_``, ``1_``, ...) so that
their sorted order, which gives the labels of a folder data set, is the data set's label order.
"""
import argparse
import os
import sys

import numpy as np

from numpynn.datasets import fashion_mnist, mnist

DATASETS = {"fashion_mnist": fashion_mnist, "mnist": mnist}
SUBSETS = ("train", "test", "both")


def class_folder_names(class_names):
    """Folder names in label order: the name itself when it is the label (MNIST's digits),
    else "<label>_<name>" with "/" and spaces made "_" (e.g. ``0_T-shirt_top``)."""
    width = len(str(len(class_names) - 1))
    return [name if name == str(label) else
            f"{label:0{width}d}_{name.replace('/', '_').replace(' ', '_')}"
            for label, name in enumerate(class_names)]


def _write_png(path, pixels):
    try:
        from PIL import Image
    except ImportError as error:
        raise ImportError("Writing PNG files needs Pillow: pip install 'numpynn[images]' (or "
                          "pip install pillow).") from error
    Image.fromarray(pixels, "L").save(path)


def export_image_folders(directory, dataset="fashion_mnist", subset="both", per_class=None,
                         path=None, overwrite=False):
    """Write a data set's images as ``directory/<train|test>/<class folder>/<n>.png``.

    Args:
        directory: the folder to write into (created if missing).
        dataset: ``"fashion_mnist"`` (default) or ``"mnist"``.
        subset: ``"train"``, ``"test"`` or ``"both"`` (default).
        per_class: write only the first this many images of each class (e.g. 100 for a
            1,000-image training set); `None` (default) writes all.
        path: folder of the four IDX files, passed to ``load_data`` (default: the usual
            search, see ``docs/datasets.md``).
        overwrite: write into subset folders that already hold files. Defaults to `False`.

    Returns:
        ``{subset: number of images written}``.
    """
    if dataset not in DATASETS:
        raise ValueError(f"dataset must be one of {', '.join(DATASETS)}, got {dataset!r}.")
    if subset not in SUBSETS:
        raise ValueError(f"subset must be one of {', '.join(SUBSETS)}, got {subset!r}.")
    if per_class is not None and (isinstance(per_class, bool) or not isinstance(
            per_class, int) or per_class < 1):
        raise ValueError(f"per_class must be a positive integer or None, got {per_class!r}.")
    module = DATASETS[dataset]
    train, test = module.load_data(path=path)
    parts = {"train": train, "test": test}
    folders = class_folder_names(module.CLASS_NAMES)
    written = {}
    for name in (("train", "test") if subset == "both" else (subset,)):
        target = os.path.join(directory, name)
        if os.path.isdir(target) and os.listdir(target) and not overwrite:
            raise ValueError(f"{target} already holds files; pass overwrite=True (--overwrite) "
                             "or choose another folder.")
        images, labels = parts[name]
        count = 0
        for label, folder in enumerate(folders):
            os.makedirs(os.path.join(target, folder), exist_ok=True)
            rows = np.flatnonzero(labels == label)[:per_class]
            for row in rows:
                _write_png(os.path.join(target, folder, f"{row:05d}.png"), images[row])
            count += len(rows)
        written[name] = count
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m numpynn.datasets.export_images",
        description="Write MNIST or Fashion-MNIST as folders of PNG images, one per class.")
    parser.add_argument("directory", help="the folder to write into")
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="fashion_mnist")
    parser.add_argument("--subset", choices=SUBSETS, default="both")
    parser.add_argument("--per-class", type=int, default=None,
                        help="write only the first N images of each class")
    parser.add_argument("--path", default=None, help="folder holding the four IDX files")
    parser.add_argument("--overwrite", action="store_true",
                        help="write into subset folders that already hold files")
    args = parser.parse_args(argv)
    try:
        written = export_image_folders(args.directory, args.dataset, args.subset,
                                       args.per_class, args.path, args.overwrite)
    except (ValueError, ImportError) as error:
        parser.exit(2, f"error: {error}\n")
    for name, count in written.items():
        print(f"{count} images in {os.path.join(args.directory, name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
