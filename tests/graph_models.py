"""Graph models built the same way with numpynn or Keras (``lib`` is either module), their
data, and what training them takes: shared by the functional, nested-model, saving and
parity tests."""
import numpy as np

N = 8


def multi_io(lib):
    a, b = lib.Input(shape=(4,), name="a"), lib.Input(shape=(3,), name="b")
    shared = lib.layers.Dense(5, activation="tanh", name="shared")
    h = lib.layers.concatenate([shared(a), lib.layers.Dense(5, name="db")(b)], name="joined")
    out1 = lib.layers.Dense(1, activation="sigmoid", name="out1")(h)
    out2 = lib.layers.Dense(3, activation="softmax", name="out2")(lib.layers.add([h, h]))
    return lib.Model([a, b], [out1, out2])


def shared_and_fan_out(lib):
    """One Dense called three times; a tensor feeding three layers."""
    x = lib.Input(shape=(4,), name="x")
    shared = lib.layers.Dense(4, activation="tanh", name="shared")
    h = shared(shared(x))
    branches = [lib.layers.Dense(3, name=f"branch{i}")(h) for i in range(2)] + [shared(h)]
    merged = lib.layers.concatenate(branches, name="merged")
    return lib.Model(x, lib.layers.Dense(2, name="out")(merged))


def merges(lib):
    """Every merge layer in one graph."""
    a, b = lib.Input(shape=(3,), name="a"), lib.Input(shape=(3,), name="b")
    p = lib.layers.Dense(3, activation="tanh", name="p")(a)
    q = lib.layers.Dense(3, activation="tanh", name="q")(b)
    parts = [lib.layers.Add(name="sum")([p, q]), lib.layers.Subtract(name="diff")([p, q]),
             lib.layers.Multiply(name="prod")([p, q]), lib.layers.Average(name="mean")([p, q]),
             lib.layers.Maximum(name="most")([p, q]), lib.layers.Minimum(name="least")([p, q]),
             lib.layers.Dot(axes=1, name="dot")([p, q]),
             lib.layers.Dot(axes=1, normalize=True, name="cosine")([p, q])]
    joined = lib.layers.Concatenate(name="joined")(parts)
    return lib.Model([a, b], lib.layers.Dense(2, name="out")(joined))


def sequential_in_sequential(lib):
    inner = lib.Sequential([lib.Input(shape=(4,)), lib.layers.Dense(5, activation="relu"),
                            lib.layers.Dense(3)], name="inner")
    return lib.Sequential([inner, lib.layers.Dense(3, activation="softmax")], name="outer")


def encoder(lib, name="encoder"):
    x = lib.Input(shape=(4,))
    h = lib.layers.Dense(5, activation="tanh")(x)
    return lib.Model(x, lib.layers.BatchNormalization()(lib.layers.Dense(3)(h)), name=name)


def functional_used_twice(lib, frozen=False):
    enc = encoder(lib)
    enc.trainable = not frozen
    a, b = lib.Input(shape=(4,), name="a"), lib.Input(shape=(4,), name="b")
    distance = lib.layers.subtract([enc(a), enc(b)], name="distance")
    return lib.Model([a, b], lib.layers.Dense(1, activation="sigmoid", name="head")(distance))


def frozen_sub_model(lib):
    return functional_used_twice(lib, frozen=True)


def data(model_inputs, outputs, rng):
    """Random inputs of the given shapes and targets of each kind, ``N`` samples."""
    xs = [rng.standard_normal((N,) + tuple(shape[1:])).astype("float32")
          for shape in model_inputs]
    ys = []
    for shape, kind in outputs:
        if kind == "sparse":
            ys.append(rng.integers(0, shape[-1], N))
        elif kind == "binary":
            ys.append(rng.integers(0, 2, (N, shape[-1])).astype("float32"))
        elif kind == "one_hot":
            ys.append(np.eye(shape[-1], dtype="float32")[rng.integers(0, shape[-1], N)])
        else:
            ys.append(rng.standard_normal((N,) + tuple(shape[1:])).astype("float32"))
    return xs, ys


def _shapes(shape_or_shapes):
    if isinstance(shape_or_shapes, tuple):
        return [shape_or_shapes]
    return [tuple(s) for s in shape_or_shapes]


def case_data(model, kinds, rng):
    """Inputs and targets for a built ``model``: one array each, or lists for several."""
    xs, ys = data(_shapes(model.input_shape), list(zip(_shapes(model.output_shape), kinds)),
                  rng)
    return (xs[0] if len(xs) == 1 else xs), (ys[0] if len(ys) == 1 else ys)


# builder, losses, loss weights, target kinds
CASES = {
    "multi_io": (multi_io, ["binary_crossentropy", "sparse_categorical_crossentropy"],
                 [0.5, 2.0], ["binary", "sparse"]),
    "shared_and_fan_out": (shared_and_fan_out, "mse", None, ["regression"]),
    "merges": (merges, "mse", None, ["regression"]),
    "sequential_in_sequential": (sequential_in_sequential, "categorical_crossentropy", None,
                                 ["one_hot"]),
    "functional_used_twice": (functional_used_twice, "binary_crossentropy", None, ["binary"]),
    "frozen_sub_model": (frozen_sub_model, "binary_crossentropy", None, ["binary"]),
}
