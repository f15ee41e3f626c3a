import numpy as np

import numpynn as keras


def test_tiny_regression_learns():
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(64, 3))
    y = x @ np.array([1.0, -2.0, 0.5]) + 0.3
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    history = model.fit(x, y, epochs=30, verbose=0)
    assert history.history["loss"][-1] < 1e-3 < history.history["loss"][0]
