"""Print docs/keras-compatibility.md: every name of Keras' catalogue, and the test that
compares numpynn's with it or why numpynn leaves it out (see ``catalogue.py``). Run from
the repository's root, with Keras installed::

    python -m tests.conformance.make_table > docs/keras-compatibility.md

``test_conformance_sweep.py`` fails when the committed file differs from this output.
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from tests.conformance import catalogue  # noqa: E402

TITLES = {"activations": "keras.activations", "losses": "keras.losses",
          "metrics": "keras.metrics", "optimizers": "keras.optimizers",
          "schedules": "keras.optimizers.schedules", "regularizers": "keras.regularizers",
          "constraints": "keras.constraints", "initializers": "keras.initializers",
          "layers": "keras.layers (the catalogue's layers, and the recurrent ones)"}

HEADER = """# Keras 3 compatibility: the catalogue

Every name of Keras 3's activations, losses, metrics, optimizers, learning-rate schedules,
regularizers, constraints and initializers, and the layers of the catalogue: either checked
against Keras (the tests named, which compare numpynn's numbers with Keras 3 on TensorFlow,
or with optimizer trajectories recorded from Keras 3 and PyTorch), or not supported, and why.

Generated from the conformance suite (`tests/conformance/`) by
`python -m tests.conformance.make_table > docs/keras-compatibility.md`; a test fails when this
file is out of date, and the sweep fails when Keras has a name that is neither checked nor
listed as not supported. "×n": the name has n entries (configurations or inputs) in that
test's table. `alias`: Keras' other name of the same object, which numpynn also gives to the
same object; `utility`: the family's `get`/`serialize`/`deserialize`, checked by a round
trip; `base class`: the class a user subclasses, of which every checked class is a subclass.
"""


def cell(status, detail):
    if status == "checked":
        return "; ".join(f"`{catalogue.test_path(module).split('/')[-1]}::{test}`"
                         + (f" ×{cases}" if cases > 1 else "")
                         for (module, test), cases in sorted(
                             detail.items(), key=lambda item: (item[0][0].__name__, item[0][1])))
    if status == "alias":
        return f"as `{detail}`"
    return detail or ""


def summary(all_rows):
    lines = ["| family | Keras names | checked | alias, utility or base class | "
             "not supported |", "|---|---|---|---|---|"]
    for family, rows in all_rows.items():
        statuses = [status for name, status, _ in rows if name not in catalogue.NOT_IN_KERAS]
        counts = [sum(status in kinds for status in statuses) for kinds in (
            ("checked",), ("alias", "utility", "base class"), ("not supported",))]
        lines.append(f"| {TITLES[family].split(' ')[0]} | {len(statuses)} | {counts[0]} | "
                     f"{counts[1]} | {counts[2]} |")
    return "\n".join(lines)


def not_supported(all_rows):
    return "\n".join(f"- `{TITLES[family].split(' ')[0]}.{name}`: {reason}"
                     for family, rows in all_rows.items()
                     for name, status, reason in rows if status == "not supported")


def family_table(family, rows):
    lines = [f"## {TITLES[family]}", "", "| name | status | checked by, or why not |",
             "|---|---|---|"]
    for name, status, detail in rows:
        if name in catalogue.NOT_IN_KERAS:
            status = f"checked; not in Keras 3 ({catalogue.NOT_IN_KERAS[name]})"
        lines.append(f"| `{name}` | {status} | {cell(status.split(';')[0], detail)} |")
    return "\n".join(lines)


def table():
    all_rows = {family: catalogue.rows(family) for family in catalogue.FAMILIES}
    parts = [HEADER, "## Summary", "", summary(all_rows), "", "## Not supported", "",
             not_supported(all_rows), ""]
    for family, rows in all_rows.items():
        parts += [family_table(family, rows), ""]
    return "\n".join(parts)


if __name__ == "__main__":
    print(table(), end="")
