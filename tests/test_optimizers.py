"""Optimizer API: names, configs, hyperparameter validation, state, subnormal flushing."""
import numpy as np
import pytest

import numpynn as keras
from numpynn import optimizers
from numpynn.optimizers import schedules
from numpynn.optimizers.base import FLUSH_PERIOD

NAMES = ["sgd", "adagrad", "adadelta", "rmsprop", "adam", "adamw", "nadam", "adamax", "lion",
         "lamb", "adafactor", "ftrl", "schedulefreeadamw"]

# Keras 3's defaults (keras/src/optimizers/*.py).
KERAS_DEFAULTS = {
    "SGD": {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False},
    "Adagrad": {"learning_rate": 0.001, "initial_accumulator_value": 0.1, "epsilon": 1e-7},
    "Adadelta": {"learning_rate": 0.001, "rho": 0.95, "epsilon": 1e-7},
    "RMSprop": {"learning_rate": 0.001, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-7,
                "centered": False},
    "Adam": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7,
             "amsgrad": False},
    "AdamW": {"learning_rate": 0.001, "weight_decay": 0.004, "beta_1": 0.9, "beta_2": 0.999,
              "epsilon": 1e-7, "amsgrad": False},
    "Nadam": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
    "Adamax": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
    "Lion": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.99},
    "Lamb": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
    "Adafactor": {"learning_rate": 0.001, "beta_2_decay": -0.8, "epsilon_1": 1e-30,
                  "epsilon_2": 1e-3, "clip_threshold": 1.0, "relative_step": True},
    "Ftrl": {"learning_rate": 0.001, "learning_rate_power": -0.5,
             "initial_accumulator_value": 0.1, "l1_regularization_strength": 0.0,
             "l2_regularization_strength": 0.0, "l2_shrinkage_regularization_strength": 0.0,
             "beta": 0.0},
    "ScheduleFreeAdamW": {"learning_rate": 0.0025, "beta_1": 0.9, "beta_2": 0.999,
                          "epsilon": 1e-8, "warmup_steps": 0},
}
# Keras 3's base optimizer options, on every optimizer.
BASE_DEFAULTS = {"weight_decay": None, "clipnorm": None, "clipvalue": None,
                 "global_clipnorm": None, "use_ema": False, "ema_momentum": 0.99,
                 "ema_overwrite_frequency": None, "gradient_accumulation_steps": None}


@pytest.mark.parametrize("name", NAMES)
def test_names_resolve_to_classes_with_keras_defaults(name):
    optimizer = optimizers.get(name)
    config = optimizer.get_config()
    expected = {**BASE_DEFAULTS, **KERAS_DEFAULTS[type(optimizer).__name__]}
    assert {k: config[k] for k in expected} == expected
    assert type(optimizers.get(type(optimizer).__name__)) is type(optimizer)


def test_unknown_name_suggests_a_close_one():
    with pytest.raises(ValueError, match="adam"):
        optimizers.get("adma")


@pytest.mark.parametrize("name", NAMES)
def test_config_round_trip_with_schedule(name):
    lr = schedules.CosineDecay(0.1, 100, alpha=0.1)
    optimizer = type(optimizers.get(name))(learning_rate=lr, clipnorm=2.0, use_ema=True,
                                           ema_momentum=0.9, ema_overwrite_frequency=5,
                                           gradient_accumulation_steps=3, name="opt")
    rebuilt = optimizers.deserialize(optimizers.serialize(optimizer))
    assert type(rebuilt) is type(optimizer)
    assert rebuilt.get_config() == optimizer.get_config()
    assert isinstance(rebuilt._learning_rate, schedules.CosineDecay)
    assert rebuilt.learning_rate == pytest.approx(0.1)


# (class, kwargs, argument named in the message, allowed range in the message)
INVALID = [
    ("SGD", {"learning_rate": -0.1}, "learning_rate", "[0, inf)"),
    ("SGD", {"momentum": 1.0}, "momentum", "[0, 1)"),
    ("SGD", {"momentum": -0.5}, "momentum", "[0, 1)"),
    ("SGD", {"momentum": "0.9"}, "momentum", "[0, 1)"),
    ("Adam", {"beta_1": 1.0}, "beta_1", "[0, 1)"),
    ("Adam", {"beta_2": -0.1}, "beta_2", "[0, 1)"),
    ("Adam", {"epsilon": -1e-7}, "epsilon", "[0, inf)"),
    ("Adam", {"learning_rate": float("nan")}, "learning_rate", "[0, inf)"),
    ("AdamW", {"weight_decay": -0.1}, "weight_decay", "[0, inf)"),
    ("AdamW", {"weight_decay": None}, "weight_decay", "[0, inf)"),
    ("Nadam", {"beta_1": 1.5}, "beta_1", "[0, 1)"),
    ("Nadam", {"momentum_decay": -1}, "momentum_decay", "[0, inf)"),
    ("Adamax", {"beta_2": 1.0}, "beta_2", "[0, 1)"),
    ("RMSprop", {"rho": 0.0}, "rho", "(0, 1)"),
    ("RMSprop", {"rho": 1.0}, "rho", "(0, 1)"),
    ("RMSprop", {"momentum": 1.0}, "momentum", "[0, 1)"),
    ("RMSprop", {"epsilon": -1.0}, "epsilon", "[0, inf)"),
    ("Adadelta", {"rho": 1.2}, "rho", "(0, 1)"),
    ("Adadelta", {"epsilon": -1.0}, "epsilon", "[0, inf)"),
    ("Adagrad", {"initial_accumulator_value": -0.1}, "initial_accumulator_value", "[0, inf)"),
    ("Adagrad", {"epsilon": -1.0}, "epsilon", "[0, inf)"),
    ("SGD", {"weight_decay": -1.0}, "weight_decay", "[0, inf)"),
    ("SGD", {"clipnorm": 0.0}, "clipnorm", "(0, inf)"),
    ("SGD", {"clipvalue": -1.0}, "clipvalue", "(0, inf)"),
    ("SGD", {"global_clipnorm": 0.0}, "global_clipnorm", "(0, inf)"),
    ("SGD", {"clipnorm": 1.0, "clipvalue": 1.0}, "clipvalue", "Only one of"),
    ("Adam", {"convention": "jax"}, "convention", "keras"),
    ("Lion", {"beta_1": 0.0}, "beta_1", "(0, 1]"),
    ("Lion", {"beta_2": 1.5}, "beta_2", "[0, 1]"),
    ("Lamb", {"beta_2": 1.0}, "beta_2", "[0, 1)"),
    ("Lamb", {"epsilon": -1.0}, "epsilon", "[0, inf)"),
    ("Adafactor", {"beta_2_decay": 0.5}, "beta_2_decay", "[-inf, 0]"),
    ("Adafactor", {"epsilon_1": -1.0}, "epsilon_1", "[0, inf)"),
    ("Adafactor", {"clip_threshold": 0.0}, "clip_threshold", "(0, inf)"),
    ("Ftrl", {"learning_rate_power": 0.5}, "learning_rate_power", "[-inf, 0]"),
    ("Ftrl", {"initial_accumulator_value": -0.1}, "initial_accumulator_value", "[0, inf)"),
    ("Ftrl", {"l1_regularization_strength": -0.1}, "l1_regularization_strength", "[0, inf)"),
    ("Ftrl", {"l2_shrinkage_regularization_strength": -1}, "l2_shrinkage", "[0, inf)"),
    ("ScheduleFreeAdamW", {"beta_1": 0.0}, "beta_1", "(0, 1]"),
    ("ScheduleFreeAdamW", {"beta_2": 1.0}, "beta_2", "[0, 1)"),
    ("ScheduleFreeAdamW", {"warmup_steps": -1}, "warmup_steps", ">= 0"),
    ("ScheduleFreeAdamW", {"warmup_steps": 2.5}, "warmup_steps", ">= 0"),
    ("SGD", {"ema_momentum": 1.5}, "ema_momentum", "[0, 1]"),
    ("SGD", {"ema_overwrite_frequency": 0}, "ema_overwrite_frequency", ">= 1"),
    ("SGD", {"ema_overwrite_frequency": 2.5}, "ema_overwrite_frequency", ">= 1"),
    ("SGD", {"gradient_accumulation_steps": 1}, "gradient_accumulation_steps", ">= 2"),
    ("Adam", {"gradient_accumulation_steps": True}, "gradient_accumulation_steps", ">= 2"),
]


@pytest.mark.parametrize("class_name, kwargs, argument, allowed", INVALID,
                         ids=[f"{c}-{'-'.join(k)}" for c, k, _, _ in INVALID])
def test_invalid_hyperparameters_name_the_argument_and_range(class_name, kwargs, argument,
                                                             allowed):
    with pytest.raises(ValueError) as info:
        optimizers.ALL[class_name](**kwargs)
    assert argument in str(info.value) and allowed in str(info.value)


def test_schedule_arguments_are_validated():
    with pytest.raises(ValueError, match="decay_steps"):
        schedules.ExponentialDecay(0.1, 0, 0.5)
    with pytest.raises(ValueError, match="boundaries"):
        schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.2])
    with pytest.raises(ValueError, match="decay_steps"):
        schedules.PolynomialDecay(0.1, 0)
    with pytest.raises(ValueError, match="first_decay_steps"):
        schedules.CosineDecayRestarts(0.1, -3)


def test_learning_rate_of_a_schedule_follows_iterations_and_cannot_be_set():
    optimizer = optimizers.SGD(schedules.PiecewiseConstantDecay([1], [0.5, 0.1]))
    params, grads = np.ones(3), np.ones(3)
    assert optimizer.learning_rate == 0.5
    optimizer.apply(params, grads)
    optimizer.apply(params, grads)
    assert optimizer.learning_rate == 0.1
    np.testing.assert_allclose(params, 0.0)  # steps 0 and 1 are <= the boundary 1: 0.5 each
    with pytest.raises(TypeError):
        optimizer.learning_rate = 0.3


def test_clipnorm_is_per_weight_through_the_model():
    """The model tells the optimizer where each weight starts, so clipnorm bounds the norm
    of each weight's gradient separately."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4),
                              keras.layers.Dense(1)])
    model.compile(optimizer=optimizers.SGD(1.0, clipnorm=0.01), loss="mse")
    x, y = np.ones((4, 3)), np.full((4, 1), 100.0)
    before = model.get_weights()
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    assert model.optimizer.segments == [(0, 12), (12, 16), (16, 20), (20, 21)]
    for old, new in zip(before, model.get_weights()):
        assert np.linalg.norm(new - old) == pytest.approx(0.01, rel=1e-4)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("convention", ["keras", "torch"])
def test_state_never_stays_subnormal_with_zero_gradients(name, convention):
    """Weights whose gradient becomes zero for good (border pixels of images) must not leave
    the optimizer's state stuck in the slow subnormal range: a state value may be subnormal
    for at most FLUSH_PERIOD steps, and none is after many steps."""
    cls = type(optimizers.get(name))
    kwargs = {"momentum": 0.9} if cls in (optimizers.SGD, optimizers.RMSprop) else {}
    optimizer = cls(learning_rate=0.01, convention=convention, **kwargs)
    params = np.ones(64, dtype=np.float32)
    grads = np.full(64, 1e-15, dtype=np.float32)  # small, so the decay is short
    optimizer.build(params)
    optimizer.apply(params, grads)
    grads[:32] = 0.0
    tiny = np.finfo(np.float32).tiny
    run = {name: np.zeros(slot.size, dtype=int) for name, slot in optimizer.slots.items()}
    longest = 0
    for step in range(800):
        optimizer.apply(params, grads)
        grads[32:] = 1e-3 * np.cos(step)
        for slot_name, slot in optimizer.slots.items():
            subnormal = (slot != 0) & (np.abs(slot) < tiny)
            run[slot_name] = np.where(subnormal, run[slot_name] + 1, 0)
            longest = max(longest, run[slot_name].max(initial=0))
    assert longest <= FLUSH_PERIOD
    for slot_name, slot in optimizer.slots.items():
        assert slot.dtype == np.float32
        assert not np.any((slot != 0) & (np.abs(slot) < tiny)), f"{slot_name} is subnormal"
    assert np.all(np.isfinite(params))


def test_subnormal_flush_is_needed_without_it():
    """Without the flush, the same decay does reach subnormals (so the test above can fail)."""
    m = np.full(4, 1e-3, dtype=np.float32)
    for _ in range(3000):
        m *= np.float32(0.9)
    assert np.all((m > 0) & (m < np.finfo(np.float32).tiny))


def test_grads_are_not_modified():
    for kwargs in ({"clipnorm": 0.1}, {"clipvalue": 0.1}, {"global_clipnorm": 0.1},
                   {"weight_decay": 0.1, "convention": "torch"}, {"weight_decay": 0.1}):
        optimizer = optimizers.Adam(**kwargs)
        params, grads = np.ones(5), np.arange(5.0)
        optimizer.apply(params, grads)
        np.testing.assert_array_equal(grads, np.arange(5.0))


def test_set_state_rejects_wrong_shapes_and_missing_keys():
    optimizer = optimizers.Nadam()
    optimizer.build(np.zeros(4))
    state = optimizer.get_state()
    assert set(state) == {"iterations", "m", "v"}
    with pytest.raises(ValueError, match="shape"):
        optimizer.set_state({**state, "m": np.zeros(5)})
    with pytest.raises(ValueError, match="'v'"):
        optimizer.set_state({k: v for k, v in state.items() if k != "v"})


@pytest.mark.parametrize("name", NAMES)
def test_each_optimizer_fits_a_small_regression(name):
    keras.utils.set_random_seed(1)
    x = np.random.default_rng(0).normal(size=(64, 3))
    y = x @ np.array([1.0, -2.0, 0.5]) + 0.3
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    kwargs = {"sgd": {"learning_rate": 0.1}, "adagrad": {"learning_rate": 0.5},
              "adadelta": {"learning_rate": 1.0, "epsilon": 1e-2},
              "lion": {"learning_rate": 0.1}, "ftrl": {"learning_rate": 1.0}}.get(name, {"learning_rate": 0.2})
    model.compile(optimizer=type(optimizers.get(name))(**kwargs), loss="mse")
    history = model.fit(x, y, epochs=20, verbose=0)
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]
