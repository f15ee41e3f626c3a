"""Find, fetch and load an MNIST-style data set: four IDX files of 28x28 images.

Shared by `mnist` and `fashion_mnist`. The four files are looked for, in order:

1. the folder passed as `load_data(path=...)`;
2. the folder named by the data set's environment variable;
3. the cache folder `$NUMPYNN_HOME/datasets/<name>` (default `~/.numpynn/...`);
   files missing there are downloaded from the mirrors, SHA-256 checked.

Each file may be gzipped (`NAME.gz`) or plain (`NAME`), and in a folder given
explicitly (1 or 2) also stored as numbered pieces `NAME.part-00`, `NAME.part-01`, ...
(joined in a temporary folder while loading). A folder given explicitly must hold all
four files: nothing is downloaded into it.
"""
import os
import tempfile
from pathlib import Path

import numpy as np

from numpynn.datasets.download import cache_dir, download
from numpynn.datasets.errors import DatasetError
from numpynn.datasets.idx import read_idx
from numpynn.datasets.parts import join_parts

FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)
MIRROR_ENV_VAR = "NUMPYNN_DATASETS_MIRROR"
IMAGE_SHAPE = (28, 28)
NUM_CLASSES = 10


def load_idx_dataset(title, name, env_var, mirrors, sha256, path=None):
    """Load the four files as `(x_train, y_train), (x_test, y_test)`.

    Args:
        title: the data set's name in messages, e.g. "Fashion-MNIST".
        name: its cache folder name, e.g. "fashion-mnist".
        env_var: environment variable that may name a folder with the files.
        mirrors: base URLs, each holding the four `.gz` files; tried in order
            after `$NUMPYNN_DATASETS_MIRROR/<name>/` if that variable is set.
        sha256: dict of file name in `FILES` -> expected SHA-256.
        path: folder holding the four files, or `None` to search.

    Returns:
        `x_train` uint8 (n_train, 28, 28), `y_train` uint8 (n_train,),
        `x_test` uint8 (n_test, 28, 28), `y_test` uint8 (n_test,).
    """
    help_text = _offline_help(title, name, env_var)
    if path is not None:
        return _load_folder(Path(path).expanduser(), f"the folder passed as path={str(path)!r}",
                            help_text)
    if os.environ.get(env_var):
        return _load_folder(Path(os.environ[env_var]).expanduser(), f"the folder in ${env_var}",
                            help_text)
    return _load_files(_cached_or_downloaded(title, name, mirrors, sha256, help_text))


def _load_files(files):
    train_images, train_labels, test_images, test_labels = files
    return _load_pair(train_images, train_labels), _load_pair(test_images, test_labels)


def _load_folder(folder, origin, help_text):
    """Load from a folder of whole files, or of `.part-NN` pieces joined in a temporary folder."""
    if folder.is_dir() and any(folder.glob("*.part-*")):
        with tempfile.TemporaryDirectory() as joined:
            join_parts(folder, joined)
            return _load_files(_files_in(Path(joined), origin, help_text))
    return _load_files(_files_in(folder, origin, help_text))


def _find(folder, filename):
    """`folder/filename` (gzipped) or `folder/<filename without .gz>`, else None."""
    for candidate in (folder / filename, folder / filename.removesuffix(".gz")):
        if candidate.is_file():
            return candidate
    return None


def _files_in(folder, origin, help_text):
    found = [_find(folder, filename) for filename in FILES]
    missing = [filename for filename, path in zip(FILES, found) if path is None]
    if missing:
        raise DatasetError(
            f"{folder} ({origin}) lacks {', '.join(missing)} (gzipped or not).\n\n{help_text}"
        )
    return found


def _cached_or_downloaded(title, name, mirrors, sha256, help_text):
    folder = cache_dir(name)
    mirrors = list(mirrors)
    if os.environ.get(MIRROR_ENV_VAR):
        mirrors.insert(0, f"{os.environ[MIRROR_ENV_VAR].rstrip('/')}/{name}/")
    files = []
    for filename in FILES:
        path = _find(folder, filename)
        if path is None:
            urls = [mirror.rstrip("/") + "/" + filename for mirror in mirrors]
            try:
                path = download(urls, folder / filename, sha256[filename])
            except DatasetError as exc:
                raise DatasetError(f"{title} is not on this machine, and {exc}\n\n{help_text}") from None
        files.append(path)
    return files


def _load_pair(images_path, labels_path):
    images = read_idx(images_path, dtype=np.uint8, ndim=3)
    labels = read_idx(labels_path, dtype=np.uint8, ndim=1)
    if images.shape[1:] != IMAGE_SHAPE:
        raise DatasetError(f"{images_path}: images are {images.shape[1]}x{images.shape[2]}, expected 28x28")
    if len(images) != len(labels):
        raise DatasetError(
            f"{images_path} holds {len(images)} images but {labels_path} holds {len(labels)} labels"
        )
    if labels.size and labels.max() >= NUM_CLASSES:
        raise DatasetError(f"{labels_path}: label {labels.max()} is out of range 0..{NUM_CLASSES - 1}")
    return images, labels


def _offline_help(title, name, env_var):
    files = "\n".join(f"    {filename}" for filename in FILES)
    return (
        f"To use {title} offline, put these four files (gzipped or not) in one folder:\n{files}\n"
        f"then either pass load_data(path=<folder>), set {env_var}=<folder>, "
        f"or use the cache folder {cache_dir(name)} (moved by setting NUMPYNN_HOME).\n"
        f"Files stored as NAME.part-00, NAME.part-01, ... can be joined first with "
        f"numpynn.datasets.join_parts(src_dir, dst_dir)."
    )
