"""Keras 3's base optimizer options through the model: the moving average of the weights
(``use_ema``) and gradient accumulation, their two step counts, saving and resuming them,
and the catalogue of optimizer names against ``keras.optimizers``. (Their numbers against
Keras are in ``test_optimizers_parity.py``.)"""
import inspect

import numpy as np
import pytest

import numpynn
from numpynn import optimizers
from numpynn.optimizers import schedules
from saving_helpers import make_data, make_model
from references import keras as keras_reference

# keras.optimizers classes numpynn does not have, and why.
NOT_IN_NUMPYNN = {
    "Muon": "left out on purpose (orthogonalised updates of 2-D weights)",
    "LossScaleOptimizer": "mixed-precision loss scaling; numpynn trains in float32/64 only",
}
# keras.optimizers classes that are no optimizer one can make by name alone
COMPOSITE = {"MultiOptimizer", "OptimizerMap"}


def test_numpynn_has_every_keras_optimizer_but_the_listed_ones():
    keras = keras_reference()
    keras_classes = {name for name, obj in vars(keras.optimizers).items()
                     if inspect.isclass(obj) and name != "Optimizer"}
    assert set(optimizers.ALL) == keras_classes - set(NOT_IN_NUMPYNN) - COMPOSITE
    assert all(hasattr(optimizers, name) for name in COMPOSITE)
    assert set(NOT_IN_NUMPYNN) <= keras_classes  # no stale entry
    for name, cls in optimizers.ALL.items():
        assert optimizers.get(name.lower()).__class__ is cls


def test_fit_ends_with_the_weights_replaced_by_their_moving_average():
    x, y = make_data()
    model = make_model(optimizers.Adam(0.05, use_ema=True, ema_momentum=0.9))
    plain = make_model(optimizers.Adam(0.05))
    plain.set_weights(model.get_weights())
    model.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    plain.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    n = model.n_trainable
    np.testing.assert_array_equal(model.buffer.values[:n], model.optimizer.slots["average"])
    assert not np.allclose(model.buffer.values[:n], plain.buffer.values[:n])


def test_gradient_accumulation_updates_every_n_calls_with_the_mean_gradient():
    """Three calls with gradients g1, g2, g3 make one SGD step with their mean; the schedule
    is read at the call count, bias corrections at the update count."""
    lr = schedules.PiecewiseConstantDecay([1], [0.5, 0.1])
    optimizer = optimizers.SGD(lr, gradient_accumulation_steps=3)
    params = np.zeros(2)
    for grads in ([1.0, 3.0], [2.0, 0.0], [6.0, 0.0]):
        optimizer.apply(params, np.array(grads))
        if optimizer.apply_count < 3:
            np.testing.assert_array_equal(params, 0.0)
    np.testing.assert_allclose(params, [-0.1 * 3.0, -0.1 * 1.0])  # lr at call 2 is 0.1
    assert (optimizer.apply_count, optimizer.iterations) == (3, 1)
    optimizer.iterations = 4
    assert optimizer.apply_count == 12


def test_ema_overwrites_the_weights_every_frequency_steps():
    optimizer = optimizers.SGD(1.0, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=2)
    params = np.zeros(1)
    optimizer.apply(params, np.array([-2.0]))  # w = 2, average = 2 (first step copies)
    assert (params[0], optimizer.slots["average"][0]) == (2.0, 2.0)
    optimizer.apply(params, np.array([-2.0]))  # w = 4, average = 3, and w <- 3
    assert (params[0], optimizer.slots["average"][0]) == (3.0, 3.0)


@pytest.mark.parametrize("optimizer", [
    optimizers.Adam(0.01, use_ema=True, gradient_accumulation_steps=3),
    optimizers.Adafactor(0.05, ema_overwrite_frequency=5, use_ema=True),
    optimizers.Lamb(0.01, gradient_accumulation_steps=2, clipnorm=1.0),
    optimizers.Lion(0.001), optimizers.Ftrl(0.1, gradient_accumulation_steps=3),
    optimizers.ScheduleFreeAdamW(0.01, warmup_steps=3, gradient_accumulation_steps=2)],
    ids=lambda o: type(o).__name__)
def test_resuming_from_a_file_equals_going_on(tmp_path, optimizer):
    """fit, save, load, fit again gives, bit for bit, what fitting twice gives: the average,
    the accumulator (60 samples in batches of 16: accumulations span epochs), the call count
    and Adafactor's factored moments all come back."""
    x, y = make_data()
    numpynn.utils.set_random_seed(3)
    model = make_model(optimizers.deserialize(optimizers.serialize(optimizer)))
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    model.save(tmp_path / "m.npnn")
    loaded = numpynn.models.load_model(tmp_path / "m.npnn")
    for name, slot in model.optimizer.slots.items():
        np.testing.assert_array_equal(loaded.optimizer.slots[name], slot)
    assert loaded.optimizer.apply_count == model.optimizer.apply_count == 8
    generator_state = numpynn.backend.rng().bit_generator.state  # as loading left it
    model.fit(x, y, epochs=4, initial_epoch=2, batch_size=16, verbose=0)
    numpynn.backend.rng().bit_generator.state = generator_state  # same shuffles and dropout
    loaded.fit(x, y, epochs=4, initial_epoch=2, batch_size=16, verbose=0)
    np.testing.assert_array_equal(loaded.buffer.values, model.buffer.values)


def test_adafactor_factors_the_kernel_it_is_told_the_shape_of():
    model = make_model(optimizers.Adafactor())
    model.fit(*make_data(), epochs=1, verbose=0)
    assert model.optimizer.segment_shapes == [(5, 8), (8,), (8, 3), (3,)]
    assert model.optimizer.slots["row_average"].shape == (5 + 8,)
    assert model.optimizer.slots["column_average"].shape == (8 + 3,)
