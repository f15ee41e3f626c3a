"""The benchmark workloads, written once per library (numpynn, PyTorch, Keras 3).

Every library gets the same data, the same initial weights (Glorot-uniform kernels drawn once
with NumPy, zero biases), the same batch size, optimizer settings and number of epochs.
``TRAINERS[library]`` builds a model that trains one epoch per ``epoch()`` call, and
``PREDICTORS[library]`` one that times one ``predict`` over its input per call, so the runner
can alternate the libraries epoch by epoch, or call by call.

The functions import their library lazily, so this module imports with NumPy alone.
"""
import gzip
import os
import time
from pathlib import Path

import numpy as np

try:  # the module next to this one, run as a script from benchmarks/ ...
    from convnet import FASHION_CNN, ConvNet  # noqa: F401
except ModuleNotFoundError:  # ... or imported from the repository's root (the tests)
    from benchmarks.convnet import FASHION_CNN, ConvNet  # noqa: F401

REPO_ROOT = Path(__file__).resolve().parent.parent
DATASETS = REPO_ROOT.parent / "shared" / "datasets"

#: The course's models: layer widths from input to output.
FASHION_MLP = (784, 512, 256, 128, 10)
CANCER_MLP = (30, 16, 8, 1)


def _is_convnet(widths):
    return isinstance(widths, ConvNet)

#: Adam as Keras defines it (PyTorch's default epsilon is 1e-8: we pass Keras' 1e-7).
ADAM = {"learning_rate": 1e-3, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}


# -- data -----------------------------------------------------------------------------------
def _read_gz(folder, name):
    """The bytes of ``name`` (a .gz file), stored whole or as ``name.part-NN`` pieces."""
    whole = folder / name
    if whole.exists():
        raw = whole.read_bytes()
    else:
        parts = sorted(folder.glob(name + ".part-*"))
        if not parts:
            raise FileNotFoundError(f"{whole} (or its .part-NN pieces) not found")
        raw = b"".join(p.read_bytes() for p in parts)
    return gzip.decompress(raw)


def load_fashion_mnist(folder=None):
    """``(x_train, y_train), (x_test, y_test)``: x float32 in [0, 1] of shape (n, 784),
    y int64 labels 0..9, from the official IDX files."""
    folder = Path(folder or DATASETS / "fashion-mnist")

    def images(name):
        return (np.frombuffer(_read_gz(folder, name), np.uint8, offset=16)
                .reshape(-1, 784).astype(np.float32) / np.float32(255))

    def labels(name):
        return np.frombuffer(_read_gz(folder, name), np.uint8, offset=8).astype(np.int64)

    return ((images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz")),
            (images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz")))


def load_breast_cancer():
    """scikit-learn's breast cancer data, split 80/20 (fixed seed) and standardised with the
    training split's mean and standard deviation; x float32 (n, 30), y float32 (n,)."""
    from sklearn.datasets import load_breast_cancer as sklearn_load
    from sklearn.model_selection import train_test_split
    x, y = sklearn_load(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=0,
                                                        stratify=y)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    def prepare(x):
        return ((x - mean) / std).astype(np.float32)
    return ((prepare(x_train), y_train.astype(np.float32)),
            (prepare(x_test), y_test.astype(np.float32)))


def synthetic(widths, n_train=256, n_test=64, seed=0):
    """Random data shaped like a workload's (for tests): labels 0..k-1, or 0/1 for one output."""
    rng = np.random.default_rng(seed)
    classes = max(widths[-1], 2)
    def part(n):
        y = rng.integers(0, classes, n)
        return rng.random((n, widths[0]), dtype=np.float32), (
            y.astype(np.float32) if widths[-1] == 1 else y.astype(np.int64))
    return part(n_train), part(n_test)


# -- the model ------------------------------------------------------------------------------
def initial_weights(widths, seed=0):
    """``[kernel_1, bias_1, ...]``: kernels (in, out) ~ U(-l, l), l = sqrt(6 / (in + out))
    (Glorot uniform), biases zero; float32."""
    if _is_convnet(widths):
        return widths.initial_weights(seed)
    rng = np.random.default_rng(seed)
    weights = []
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        limit = np.sqrt(6.0 / (n_in + n_out))
        weights += [rng.uniform(-limit, limit, (n_in, n_out)).astype(np.float32),
                    np.zeros(n_out, np.float32)]
    return weights


def training_flops(widths):
    """Matrix-multiply FLOPs of one training step per sample: 2 in out for the forward
    product, 2 in out for dL/dkernel and 2 in out for dL/dx (not needed by the first layer)."""
    if _is_convnet(widths):
        return widths.training_flops()
    products = [n_in * n_out for n_in, n_out in zip(widths[:-1], widths[1:])]
    return 2 * (2 * sum(products) + sum(products[1:]))


def _output(widths):
    """(output activation, loss) of a classifier with ``widths[-1]`` outputs."""
    if widths[-1] == 1:
        return "sigmoid", "binary_crossentropy"
    return "softmax", "sparse_categorical_crossentropy"


def _accuracy(probabilities, y):
    if probabilities.shape[-1] == 1:
        return float(np.mean((probabilities[:, 0] > 0.5) == (y > 0.5)))
    return float(np.mean(np.argmax(probabilities, axis=-1) == y))


# -- numpynn and Keras share one API --------------------------------------------------------
def _keras_like_model(keras, widths, weights):
    if _is_convnet(widths):
        model = widths.keras_model(keras)
        model.set_weights(weights)
        return model
    activation, _ = _output(widths)
    layers = [keras.Input(shape=(widths[0],))]
    layers += [keras.layers.Dense(n, activation="relu") for n in widths[1:-1]]
    layers.append(keras.layers.Dense(widths[-1], activation=activation))
    model = keras.Sequential(layers)
    if not model.built:  # numpynn builds a Sequential lazily, Keras at Input
        model.build((None, widths[0]))
    model.set_weights(weights)
    return model


class _KerasLikeTrainer:
    """numpynn or Keras: ``epoch()`` runs one ``fit`` epoch and returns its seconds (timed by a
    callback, so ``fit``'s set-up is not counted)."""

    def __init__(self, keras, data, widths, batch_size, weights):
        (self.x, self.y), (self.x_test, self.y_test) = data
        if _is_convnet(widths):
            self.x, self.x_test = widths.keras_inputs(self.x), widths.keras_inputs(self.x_test)
        self.batch_size = batch_size
        self.model = _keras_like_model(keras, widths, weights)
        _, loss = _output(widths)
        self.model.compile(optimizer=keras.optimizers.Adam(**ADAM), loss=loss,
                           metrics=["accuracy"])
        self.starts, self.seconds = [], []
        self.timer = keras.callbacks.LambdaCallback(
            on_epoch_begin=lambda epoch, logs=None: self.starts.append(time.perf_counter()),
            on_epoch_end=lambda epoch, logs=None: self.seconds.append(
                time.perf_counter() - self.starts[-1]))

    def epoch(self):
        self.model.fit(self.x, self.y, batch_size=self.batch_size, epochs=1, verbose=0,
                       callbacks=[self.timer])
        return self.seconds[-1]

    def test_accuracy(self):
        probabilities = np.asarray(self.model.predict(self.x_test, batch_size=1024, verbose=0))
        return _accuracy(probabilities, self.y_test)


class _KerasLikePredictor:
    """numpynn or Keras: each call times one ``predict`` over ``x`` and returns its seconds."""

    def __init__(self, keras, x, widths, batch_size, weights):
        self.model = _keras_like_model(keras, widths, weights)
        self.x, self.batch_size = x, batch_size
        if _is_convnet(widths):
            self.x = widths.keras_inputs(x)
        self()  # warm-up: tracing, buffers

    def __call__(self):
        return _timed(lambda: self.model.predict(self.x, batch_size=self.batch_size, verbose=0))


def _timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def trainer_numpynn(data, widths, batch_size, weights):
    import numpynn
    return _KerasLikeTrainer(numpynn, data, widths, batch_size, weights)


def predictor_numpynn(x, widths, batch_size, weights):
    import numpynn
    return _KerasLikePredictor(numpynn, x, widths, batch_size, weights)


def _keras():
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    return keras


def trainer_keras(data, widths, batch_size, weights):
    return _KerasLikeTrainer(_keras(), data, widths, batch_size, weights)


def predictor_keras(x, widths, batch_size, weights):
    return _KerasLikePredictor(_keras(), x, widths, batch_size, weights)


# -- PyTorch --------------------------------------------------------------------------------
def _torch_model(widths, weights):
    """Linear/ReLU stack returning logits (the softmax or sigmoid is fused into the loss);
    W6's convnet in PyTorch's layout."""
    if _is_convnet(widths):
        return widths.torch_model(weights)
    import torch
    modules = []
    for i, (n_in, n_out) in enumerate(zip(widths[:-1], widths[1:])):
        linear = torch.nn.Linear(n_in, n_out)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(weights[2 * i].T.copy()))  # torch: (out, in)
            linear.bias.copy_(torch.from_numpy(weights[2 * i + 1]))
        modules.append(linear)
        if i < len(widths) - 2:
            modules.append(torch.nn.ReLU())
    return torch.nn.Sequential(*modules)


def _torch_probabilities(model, x):
    import torch
    return torch.sigmoid(x) if model[-1].out_features == 1 else torch.softmax(x, dim=-1)


class TorchTrainer:
    """The usual PyTorch loop; like ``fit`` it tracks the epoch's mean loss and accuracy."""

    def __init__(self, data, widths, batch_size, weights):
        import torch
        self.torch = torch
        (x, y), (self.x_test, self.y_test) = data
        if _is_convnet(widths):
            x, self.x_test = widths.torch_inputs(x), widths.torch_inputs(self.x_test)
        self.x, self.y = torch.from_numpy(x), torch.from_numpy(y)
        self.batch_size = batch_size
        self.model = _torch_model(widths, weights)
        self.binary = widths[-1] == 1
        self.loss_fn = (torch.nn.BCEWithLogitsLoss() if self.binary
                        else torch.nn.CrossEntropyLoss())
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=ADAM["learning_rate"],
                                          betas=(ADAM["beta_1"], ADAM["beta_2"]),
                                          eps=ADAM["epsilon"])

    def epoch(self):
        torch, model, x, y = self.torch, self.model, self.x, self.y
        start = time.perf_counter()
        model.train()
        order = torch.randperm(len(x))
        total_loss, correct = 0.0, 0
        for begin in range(0, len(x), self.batch_size):
            index = order[begin:begin + self.batch_size]
            xb, yb = x[index], y[index]
            logits = model(xb)
            if self.binary:
                logits = logits[:, 0]
            loss = self.loss_fn(logits, yb)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self.optimizer.step()
            total_loss += loss.item() * len(xb)
            predicted = (logits > 0).to(yb.dtype) if self.binary else logits.argmax(dim=-1)
            correct += int((predicted == yb).sum())
        return time.perf_counter() - start

    def test_accuracy(self):
        self.model.eval()
        with self.torch.inference_mode():
            logits = self.model(self.torch.from_numpy(self.x_test))
            probabilities = _torch_probabilities(self.model, logits).numpy()
        return _accuracy(probabilities, self.y_test)


class TorchPredictor:
    """``predict`` the PyTorch way (batches under ``inference_mode``, probabilities
    concatenated into one NumPy array); each call times one pass over ``x``."""

    def __init__(self, x, widths, batch_size, weights):
        import torch
        self.torch, self.model = torch, _torch_model(widths, weights).eval()
        if _is_convnet(widths):
            x = widths.torch_inputs(x)
        self.x, self.batch_size = torch.from_numpy(x), batch_size
        self()  # warm-up

    def _predict(self):
        x, n = self.x, self.batch_size
        with self.torch.inference_mode():
            out = [_torch_probabilities(self.model, self.model(x[i:i + n]))
                   for i in range(0, len(x), n)]
            return self.torch.cat(out).numpy()

    def __call__(self):
        return _timed(self._predict)


def _flushing_subnormals(reference):
    """``reference`` (a PyTorch trainer or predictor class) made after
    ``torch.set_flush_denormal(True)``: the processor then reads and writes subnormal floats
    as zero (x86's FTZ and DAZ modes), as numpynn's optimizers do for their state. PyTorch's
    default leaves them on, and on some processors its Adam then slows down as the state of
    always-zero gradients decays into the subnormal range (see docs/performance.md)."""
    def make(*args):
        import torch
        if not torch.set_flush_denormal(True):
            raise RuntimeError("this processor cannot flush subnormal floats to zero")
        return reference(*args)
    return make


def _numpynn_variant(setting):
    """``make(factory)``: ``factory`` (numpynn's trainer or predictor) run in a process where
    ``setting`` (a name of ``NUMPYNN_VARIANTS``) switched a part of numpynn off."""
    def make(factory):
        def build(*args):
            NUMPYNN_VARIANTS[setting]()
            return factory(*args)
        return build
    return make


def _numpy_kernels():
    os.environ["NUMPYNN_KERNELS"] = "numpy"


def _no_blas():
    from numpynn import blas
    blas.ENABLED = False


def _no_parallel():
    from numpynn import parallel
    parallel.ENABLED = False


#: numpynn with one part switched off, measured beside the default in the same run:
#: the NumPy kernels instead of the compiled ones (``numpynn/kernels``), NumPy's formulas
#: instead of the BLAS calls of ``numpynn/blas.py``, one core for the optimizer's update
#: instead of ``numpynn/parallel.py``'s split
NUMPYNN_VARIANTS = {"numpynn-numpy": _numpy_kernels, "numpynn-noblas": _no_blas,
                    "numpynn-noparallel": _no_parallel}

#: ``TRAINERS[library](data, widths, batch_size, weights)``: an object with ``epoch()`` (runs
#: one epoch, returns its seconds) and ``test_accuracy()``
TRAINERS = {"numpynn": trainer_numpynn, "torch": TorchTrainer, "keras": trainer_keras,
            "torch-ftz": _flushing_subnormals(TorchTrainer)}
TRAINERS.update({name: _numpynn_variant(name)(trainer_numpynn) for name in NUMPYNN_VARIANTS})


def train(library, data, widths, batch_size, epochs, weights):
    """``{"epoch_seconds": [...], "test_accuracy": float}`` of ``epochs`` epochs."""
    trainer = TRAINERS[library](data, widths, batch_size, weights)
    seconds = [trainer.epoch() for _ in range(epochs)]
    return {"epoch_seconds": seconds, "test_accuracy": trainer.test_accuracy()}


#: ``PREDICTORS[library](x, widths, batch_size, weights)``: a callable that times one
#: ``predict`` over ``x`` per call (after a warm-up call) and returns its seconds
PREDICTORS = {"numpynn": predictor_numpynn, "torch": TorchPredictor, "keras": predictor_keras,
              "torch-ftz": _flushing_subnormals(TorchPredictor)}
PREDICTORS.update({name: _numpynn_variant(name)(predictor_numpynn) for name in NUMPYNN_VARIANTS})


def predict(library, x, widths, batch_size, repeats, weights):
    """Seconds of ``repeats`` timed ``predict`` calls over ``x``."""
    predictor = PREDICTORS[library](x, widths, batch_size, weights)
    return [predictor() for _ in range(repeats)]


#: what ``import`` each library needs, and the installed packages counted for its size
#: (Keras runs on TensorFlow here; NumPy, which all of them use, is counted for none).
IMPORTS = {"numpynn": ("numpynn", ["numpynn"]), "torch": ("torch", ["torch"]),
           "keras": ("keras", ["keras", "tensorflow"]), "torch-ftz": ("torch", ["torch"])}
IMPORTS.update({name: ("numpynn", ["numpynn"]) for name in NUMPYNN_VARIANTS})
