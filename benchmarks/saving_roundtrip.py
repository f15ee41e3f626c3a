"""Train on Fashion-MNIST, save, load in a fresh process, evaluate: same accuracy?

    python benchmarks/saving_roundtrip.py [--epochs 2] [--train-samples 60000]

Data: the official IDX files (``*.gz``, or ``*.gz.part-NN`` pieces) in
``<repo>/../shared/datasets/fashion-mnist`` unless ``--data`` says otherwise.
The child process prints the test accuracy and a SHA-256 of all test predictions.
"""
import argparse
import hashlib
import os
import pathlib
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT_DATA = REPO.parent / "shared" / "datasets" / "fashion-mnist"


def load_fashion_mnist(folder):
    """((x_train, y_train), (x_test, y_test)), pixels scaled to [0, 1]."""
    from numpynn.datasets import fashion_mnist
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data(path=folder)
    return ((x_train.astype("float32") / 255.0, y_train.astype("int64")),
            (x_test.astype("float32") / 255.0, y_test.astype("int64")))


def evaluate(model_path, data):
    """In the fresh process: load, evaluate, fingerprint the predictions."""
    import numpynn as keras
    _, (x_test, y_test) = load_fashion_mnist(data)
    model = keras.models.load_model(model_path)
    loss, accuracy = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)
    digest = hashlib.sha256(model.predict(x_test, batch_size=1000, verbose=0).tobytes())
    print(f"{accuracy!r} {loss!r} {digest.hexdigest()}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--train-samples", type=int, default=60000)
    parser.add_argument("--evaluate", metavar="MODEL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.evaluate:
        return evaluate(args.evaluate, args.data)

    with tempfile.TemporaryDirectory() as folder:
        return run(args, pathlib.Path(folder))


def run(args, folder):
    """Train, save into ``folder``, evaluate here and in a child process; 0 if identical."""
    import numpynn as keras
    from numpynn.datasets import join_parts
    data = folder / "fashion-mnist"
    data.mkdir()
    join_parts(args.data, data)  # the shared copy is split into .part-NN pieces
    keras.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = load_fashion_mnist(data)
    x_train, y_train = x_train[:args.train_samples], y_train[:args.train_samples]
    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(x_train, y_train, epochs=args.epochs, batch_size=128, verbose=0)
    train_s = time.perf_counter() - start
    loss, accuracy = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)
    digest = hashlib.sha256(model.predict(x_test, batch_size=1000, verbose=0).tobytes())

    path = folder / "fashion.npnn"
    start = time.perf_counter()
    model.save(path)
    save_s = time.perf_counter() - start
    size = path.stat().st_size
    start = time.perf_counter()
    keras.models.load_model(path)
    load_s = time.perf_counter() - start
    child = subprocess.run([sys.executable, __file__, "--evaluate", str(path), "--data",
                            str(data)], capture_output=True, text=True, check=True, cwd=REPO,
                           env={**os.environ, "PYTHONPATH": str(REPO)})
    fresh_accuracy, fresh_loss, fresh_digest = child.stdout.split()
    print(f"trained {args.epochs} epochs on {len(x_train)} images in {train_s:.1f} s")
    print(f"model file: {size} bytes, save {save_s * 1000:.0f} ms, load {load_s * 1000:.0f} ms")
    print(f"test accuracy, this process:  {accuracy!r}  (loss {loss!r})")
    print(f"test accuracy, fresh process: {fresh_accuracy}  (loss {fresh_loss})")
    same = (repr(accuracy) == fresh_accuracy and repr(loss) == fresh_loss
            and digest.hexdigest() == fresh_digest)
    print(f"predictions SHA-256 identical: {digest.hexdigest() == fresh_digest}")
    print(f"identical: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
