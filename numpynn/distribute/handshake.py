"""The check every process makes before training together: same numpynn, same model, same
data size, same training options.

A process that differs would otherwise wait forever in an ``Allreduce`` whose buffer has
another size, or train a different model without a word. Each process sends a small
fingerprint to all (``allgather``); all compare them with rank 0's and, if any differs,
all raise the same error naming the ranks and what differs.
"""
import hashlib
import json
import os
import socket
import sys

import numpynn


def fingerprint(model, rows, batch_size, epochs, shuffle):
    """What must be equal on every process, as ``{field: value}``."""
    try:
        config = json.dumps(model.get_config(), sort_keys=True, default=str)
    except NotImplementedError:  # a subclassed model without a config: its class
        config = type(model).__qualname__
    return {"numpynn version": numpynn.__version__,
            "model config (sha1)": hashlib.sha1(config.encode()).hexdigest()[:12],
            "weight count": int(model.buffer.size),
            "trainable weight count": int(model.n_trainable),
            "optimizer": type(model.optimizer).__name__,
            "data length": int(rows), "batch size": int(batch_size), "epochs": int(epochs),
            "shuffle": bool(shuffle)}


def differences(prints):
    """Lines saying where each rank's fingerprint differs from rank 0's ([] if none)."""
    lines = []
    for rank, other in enumerate(prints[1:], start=1):
        for field, value in prints[0].items():
            if other.get(field) != value:
                lines.append(f"rank {rank} has {field} {other.get(field)!r} where rank 0 has "
                             f"{value!r}")
    return lines


def check(comm, model, rows, batch_size, epochs, shuffle, announce=False):
    """Allgather the fingerprints; raise ``ValueError`` on every rank if they differ.
    ``announce``: rank 0 prints (to stderr) which process is which rank, so that a
    process that ``mpiexec`` reports killed (by its PID) is known by its rank."""
    where = {"pid": os.getpid(), "host": socket.gethostname()}
    prints = comm.allgather({**fingerprint(model, rows, batch_size, epochs, shuffle),
                             "where": where})
    places = [p.pop("where") for p in prints]
    if announce and comm.Get_rank() == 0:
        print(f"numpynn.distribute: training on {len(prints)} MPI processes: "
              + ", ".join(f"rank {r} = pid {p['pid']} on {p['host']}"
                          for r, p in enumerate(places)), file=sys.stderr, flush=True)
    lines = differences(prints)
    if lines:
        raise ValueError(f"The {len(prints)} MPI processes cannot train together: "
                         + "; ".join(lines) + ". Run the same script, numpynn version and "
                         "data on every process.")
