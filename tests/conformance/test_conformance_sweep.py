"""The sweep of Keras 3's catalogue (``catalogue.py``): every Keras name is checked against
Keras or listed as not supported with the reason; aliases, lookups and base classes work as
in Keras; docs/keras-compatibility.md is what ``make_table.py`` prints."""
import numpy as np
import pytest

import numpynn
from numpynn import layers
from tests.conformance import catalogue, make_table

FAMILIES = catalogue.FAMILIES
TABLE = catalogue.ROOT / "docs" / "keras-compatibility.md"


@pytest.mark.parametrize("family", FAMILIES)
def test_every_keras_name_is_checked_or_listed_as_not_supported(family):
    missing = catalogue.unaccounted(family)
    assert not missing, (
        f"keras.{family} has {missing}, which the conformance suite neither checks nor lists "
        "as not supported. Add each to numpynn with a case in its family's test table (see "
        "tests/conformance/catalogue.py for the tables), or to NOT_SUPPORTED in that file "
        "with the reason; then regenerate docs/keras-compatibility.md "
        "(python -m tests.conformance.make_table > docs/keras-compatibility.md).")


def test_a_name_keras_adds_is_caught(monkeypatch):
    monkeypatch.setattr(catalogue.keras_module("losses"), "NewLoss", type("NewLoss", (), {}),
                        raising=False)
    monkeypatch.setattr(catalogue.keras_module("layers"), "NewRNN", type("NewRNN", (), {}),
                        raising=False)
    assert catalogue.unaccounted("losses") == ["NewLoss"]
    assert "NewRNN" in catalogue.not_supported("layers")  # the recurrent ones are excused


@pytest.mark.parametrize("family", FAMILIES)
def test_names_listed_as_not_supported_are_in_keras_and_not_in_numpynn(family):
    excused = catalogue.not_supported(family)
    stale = sorted(set(excused) - set(catalogue.keras_names(family)))
    assert not stale, f"NOT_SUPPORTED lists {stale}, which keras.{family} no longer has."
    module = layers if family == "layers" else catalogue.numpynn_module(family)
    present = sorted(name for name in excused if hasattr(module, name))
    assert not present, (f"numpynn now has {present}: add their cases to the tables and take "
                         "them out of NOT_SUPPORTED.")


@pytest.mark.parametrize("family", FAMILIES)
def test_checked_names_exist_in_numpynn(family):
    module = layers if family == "layers" else catalogue.numpynn_module(family)
    absent = [name for name, status, _ in catalogue.rows(family)
              if status == "checked" and not callable(getattr(module, name, None))]
    assert not absent, f"numpynn.{family} lacks {absent}, whose cases are in the tables."


def test_the_catalogue_layers_are_keras_layers():
    keras_layers = set(dir(catalogue.keras_module("layers")))
    renamed = [n for n in catalogue.LAYERS if n not in keras_layers
               and n not in catalogue.NOT_IN_KERAS]
    assert not renamed, f"keras.layers has no {renamed} any more."


@pytest.mark.parametrize("family", FAMILIES)
def test_aliases_name_the_same_object_in_numpynn(family):
    module = catalogue.numpynn_module(family)
    for name, status, target in catalogue.rows(family):
        if status == "alias":
            assert getattr(module, name) is getattr(module, target), (name, target)


# one object per family with arguments, and a name that ``get`` resolves
SAMPLES = {
    "activations": (lambda: numpynn.activations.ReLU(0.1, 2.0, 0.5), "hard_silu"),
    "losses": (lambda: numpynn.losses.Huber(delta=2.0, reduction="sum"), "huber"),
    "metrics": (lambda: numpynn.metrics.AUC(curve="PR", name="pr"), "auc"),
    "optimizers": (lambda: numpynn.optimizers.ScheduleFreeAdamW(warmup_steps=3),
                   "schedulefreeadamw"),
    "schedules": (lambda: numpynn.optimizers.schedules.CosineDecay(0.1, 10, alpha=0.2), None),
    "regularizers": (lambda: numpynn.regularizers.L1L2(0.1, 0.2), "l2"),
    "constraints": (lambda: numpynn.constraints.MaxNorm(3.0, axis=1), "max_norm"),
    "initializers": (lambda: numpynn.initializers.VarianceScaling(2.0, "fan_out", "uniform"),
                     "glorot_uniform"),
}


@pytest.mark.parametrize("family", sorted(SAMPLES))
def test_utilities_round_trip_as_keras_does(family):
    module = catalogue.numpynn_module(family)
    utilities = [n for n, status, _ in catalogue.rows(family) if status == "utility"]
    assert utilities and all(callable(getattr(module, n)) for n in utilities)
    make, name = SAMPLES[family]
    obj = make()
    clone = module.deserialize(module.serialize(obj))
    assert type(clone) is type(obj) and clone.get_config() == obj.get_config()
    if name is not None:
        # Keras' get gives an object, or the function of an activation or a loss
        theirs = catalogue.keras_module(family).get(name)
        expected = getattr(theirs, "__name__", type(theirs).__name__)
        assert type(module.get(name)).__name__.lower() == expected.replace("_", "").lower()


@pytest.mark.parametrize("family", sorted(catalogue.BASES))
def test_checked_classes_derive_from_the_base_class(family):
    """Where Keras' class derives from its family's base class (OptimizerMap, a mapping,
    does not), numpynn's does too."""
    module, theirs = catalogue.numpynn_module(family), catalogue.keras_module(family)
    base, their_base = (getattr(m, catalogue.BASES[family]) for m in (module, theirs))
    names = [name for name, status, _ in catalogue.rows(family)
             if status == "checked" and isinstance(getattr(module, name), type)
             and issubclass(getattr(theirs, name, base), their_base)]
    assert names and all(issubclass(getattr(module, name), base) for name in names)


def test_schedule_free_adamw_ignores_beta_1_in_keras():
    """numpynn's ScheduleFreeAdamW follows Keras' numbers, in which beta_1 cancels (see its
    docstring); this fails once a Keras release makes beta_1 count."""
    keras = catalogue.references.keras()
    results = []
    for beta_1 in (0.9, 0.5):
        variable = keras.Variable(np.array([1.0, -2.0, 0.5]), dtype="float64")
        optimizer = keras.optimizers.ScheduleFreeAdamW(0.1, beta_1=beta_1)
        for g in ([0.3, -0.1, 0.2], [0.1, 0.4, -0.3], [-0.2, 0.2, 0.1]):
            optimizer.apply([keras.ops.convert_to_tensor(np.array(g))], [variable])
        results.append(np.asarray(variable.numpy()))
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)  # equal but for rounding


def test_compatibility_table_is_up_to_date():
    expected = make_table.table()
    assert TABLE.exists() and TABLE.read_text() == expected, (
        "docs/keras-compatibility.md is out of date: regenerate it with "
        "python -m tests.conformance.make_table > docs/keras-compatibility.md")
