"""MNIST: 70,000 28x28 grayscale images of handwritten digits 0-9.

LeCun, Cortes and Burges, "The MNIST database of handwritten digits".
"""
from numpynn.datasets.idx_dataset import load_idx_dataset

CLASS_NAMES = tuple(str(digit) for digit in range(10))
ENV_VAR = "NUMPYNN_MNIST_DIR"
# Tried in order; each holds the four .gz files.
MIRRORS = [
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
]
SHA256 = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}


def load_data(path=None):
    """Load MNIST, as `keras.datasets.mnist.load_data()` does.

    The files are looked for in `path`, then in `$NUMPYNN_MNIST_DIR`, then in
    the cache `$NUMPYNN_HOME/datasets/mnist` (default
    `~/.numpynn/datasets/mnist`), and downloaded there if missing.

    Unlike Keras, whose `path` names an `mnist.npz` file in its cache, `path`
    here is a folder with the four official IDX files.

    Args:
        path: folder holding train-images-idx3-ubyte, train-labels-idx1-ubyte,
            t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each gzipped,
            with a `.gz` suffix, or not). Defaults to `None` (search as above).

    Returns:
        `(x_train, y_train), (x_test, y_test)`:
        `x_train` uint8 (60000, 28, 28) and `x_test` uint8 (10000, 28, 28),
        pixels 0 (background) to 255; `y_train` uint8 (60000,) and `y_test`
        uint8 (10000,), the digits 0-9.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = mnist.load_data()
        >>> x_train.shape, y_train[:5]
        ((60000, 28, 28), array([5, 0, 4, 1, 9], dtype=uint8))
    """
    return load_idx_dataset("MNIST", "mnist", ENV_VAR, MIRRORS, SHA256, path)
