"""Where a training step of W6's convnet goes: milliseconds per step in each layer's forward
and backward pass and the optimizer's update, numpynn alone.

    python benchmarks/layer_times.py                 # 60 steps of batch 128
    NUMPYNN_KERNELS=numpy python benchmarks/layer_times.py

Random images of Fashion-MNIST's shape stand in for the data (the time of a step does not
depend on the pixels). The layers' methods are wrapped with a timer before the model is
built, one warm-up epoch of 10 steps runs first, then ``--steps`` steps are timed; "other"
is the rest of ``fit``'s time (batching, loss, metrics).
"""
import argparse
import collections
import contextlib
import time

import numpy as np

import numpynn as keras
from convnet import ConvNet

TIMED = {keras.layers.Conv2D: ("forward", "backward"),
         keras.layers.MaxPooling2D: ("forward", "backward"),
         keras.layers.Flatten: ("forward", "backward"),
         keras.layers.Dropout: ("forward", "backward"),
         keras.layers.Dense: ("forward", "backward"),
         keras.optimizers.Adam: ("update_step",)}


@contextlib.contextmanager
def timers(seconds):
    """While inside, each method of ``TIMED`` adds the time of its calls to
    ``seconds["<object's name> <method>"]``."""
    originals = [(cls, name, cls.__dict__.get(name)) for cls, names in TIMED.items()
                 for name in names]  # None: inherited

    def timed(method, name):
        def wrapper(self, *args, **kwargs):
            start = time.perf_counter()
            result = method(self, *args, **kwargs)
            seconds[f"{self.name} {name}"] += time.perf_counter() - start
            return result
        return wrapper
    for cls, name, _ in originals:
        setattr(cls, name, timed(getattr(cls, name), name))
    try:
        yield seconds
    finally:
        for cls, name, method in originals:
            if method is None:
                delattr(cls, name)
            else:
                setattr(cls, name, method)


def measure(steps, batch_size=128):
    """``({"<layer> <method>": ms per step}, total ms per step)``."""
    net = ConvNet()
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (batch_size * steps,) + net.image).astype(np.float32)
    y = rng.integers(0, net.classes, len(x))
    with timers(collections.defaultdict(float)) as seconds:
        model = net.keras_model(keras)
        model.set_weights(net.initial_weights())
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        model.fit(x[:10 * batch_size], y[:10 * batch_size], batch_size=batch_size, verbose=0)
        seconds.clear()
        start = time.perf_counter()
        model.fit(x, y, batch_size=batch_size, verbose=0)
        total = (time.perf_counter() - start) / steps * 1e3
    return {key: value / steps * 1e3 for key, value in seconds.items()}, total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60)
    args = parser.parse_args()
    parts, total = measure(args.steps)
    print(f"kernels: {keras.kernels.backend()}; {total:.1f} ms per step of 128 images\n")
    print("| part | ms per step |\n|---|---|")
    for key, value in sorted(parts.items(), key=lambda item: -item[1]):
        print(f"| {key} | {value:.2f} |")
    print(f"| other | {total - sum(parts.values()):.2f} |")


if __name__ == "__main__":
    main()
