"""Fashion-MNIST: 70,000 28x28 grayscale images of clothing in 10 classes.

Xiao, Rasul and Vollgraf, "Fashion-MNIST: a Novel Image Dataset for
Benchmarking Machine Learning Algorithms", 2017. MIT License, Zalando SE.
"""
from numpynn.datasets.idx_dataset import load_idx_dataset

CLASS_NAMES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
ENV_VAR = "NUMPYNN_FASHION_MNIST_DIR"
# Tried in order; each holds the four .gz files. The S3 website endpoint serves
# plain HTTP only, which is safe here because every download is SHA-256 checked.
MIRRORS = [
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
    "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
]
SHA256 = {
    "train-images-idx3-ubyte.gz": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    "train-labels-idx1-ubyte.gz": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
    "t10k-images-idx3-ubyte.gz": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
    "t10k-labels-idx1-ubyte.gz": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
}


def load_data(path=None):
    """Load Fashion-MNIST, as `keras.datasets.fashion_mnist.load_data()` does.

    The files are looked for in `path`, then in `$NUMPYNN_FASHION_MNIST_DIR`,
    then in the cache `$NUMPYNN_HOME/datasets/fashion-mnist` (default
    `~/.numpynn/datasets/fashion-mnist`), and downloaded there if missing.

    Args:
        path: folder holding train-images-idx3-ubyte, train-labels-idx1-ubyte,
            t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each gzipped,
            with a `.gz` suffix, or not). Defaults to `None` (search as above).

    Returns:
        `(x_train, y_train), (x_test, y_test)`:
        `x_train` uint8 (60000, 28, 28) and `x_test` uint8 (10000, 28, 28),
        pixels 0 (background) to 255; `y_train` uint8 (60000,) and `y_test`
        uint8 (10000,), class indices 0-9 naming `CLASS_NAMES`. 6,000 training
        and 1,000 test images per class.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
        >>> CLASS_NAMES[y_train[0]]
        'Ankle boot'
    """
    return load_idx_dataset("Fashion-MNIST", "fashion-mnist", ENV_VAR, MIRRORS, SHA256, path)
