"""A data-parallel run in which rank 1 goes wrong, for the fault tests, run as:

    mpiexec -n 2 python tests/distribute_faults.py raise|kill|model|data|version

``raise``: rank 1 raises in its third batch; ``kill``: rank 1 SIGKILLs itself there;
``model``, ``data``, ``version``: rank 1 has another model, one sample fewer, or reports
another numpynn version. Every rank must stop within seconds, none may finish.
"""
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

import numpynn as keras  # noqa: E402
from numpynn import distribute  # noqa: E402


class FailOnRankOne(keras.callbacks.Callback):
    def __init__(self, how):
        super().__init__()
        self.how = how

    def on_train_batch_begin(self, batch, logs=None):
        if batch == 2 and self.model.distribute_strategy.rank == 1:
            if self.how == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            raise RuntimeError("rank one broke on purpose")


def main(fault):
    strategy = distribute.MPIDataParallel()
    rank_one = strategy.rank == 1
    keras.utils.set_random_seed(0)
    units = 9 if fault == "model" and rank_one else 8
    if fault == "version" and rank_one:
        keras.__version__ = "0.0.1"
    model = keras.Sequential([keras.layers.Input((4,)), keras.layers.Dense(units),
                              keras.layers.Dense(1)])
    model.compile("sgd", "mse", distribute=strategy)
    rows = 63 if fault == "data" and rank_one else 64
    x = np.random.default_rng(0).normal(size=(rows, 4))
    model.fit(x, x[:, :1], batch_size=8, epochs=2, verbose=0,
              callbacks=[FailOnRankOne(fault)] if fault in ("raise", "kill") else [])
    print(f"rank {strategy.rank} finished", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
