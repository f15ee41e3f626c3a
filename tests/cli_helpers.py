"""Shared by the tests of the `numpynn` command."""
import re

import numpy as np

from numpynn import cli
from numpynn.datasets import write_idx

FAST = ["--layers", "16", "--epochs", "1", "--verbose", "0"]


def run(capsys, *argv):
    """`(exit code, stdout, stderr)` of `numpynn argv...`."""
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def accuracy(out):
    match = re.search(r"^Test accuracy: ([0-9.]+) \((\d+)/(\d+)\)", out, re.M)
    assert match, out
    return float(match.group(1)), int(match.group(2)), int(match.group(3))


def fake_mnist_folder(folder, n_train=96, n_test=24, seed=0):
    """Four IDX files shaped like Fashion-MNIST: class k is a bright band at row 2k+4."""
    rng = np.random.default_rng(seed)
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        labels = (np.arange(n) % 10).astype(np.uint8)
        images = rng.integers(0, 40, size=(n, 28, 28)).astype(np.uint8)
        for image, label in zip(images, labels):
            image[2 * label + 4] = 255
        write_idx(folder / f"{prefix}-images-idx3-ubyte.gz", images)
        write_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", labels)
    return folder
