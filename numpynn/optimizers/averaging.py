"""The exponential moving average (EMA) of the weights, kept by an optimizer with
``use_ema=True`` (Keras 3's base optimizer option; Polyak averaging).

After every ``apply`` (the calls that only accumulate gradients included), with m the
``ema_momentum`` and t the optimizer's ``iterations`` before the call::

    average <- m_t average + (1 - m_t) w,    m_t = 0 if t == 0 else m

so the first call copies the weights. With ``ema_overwrite_frequency=f`` the weights are
replaced by the average whenever (t + 1) is a multiple of f; without it, by
``finalize_variable_values`` (which ``Model.fit`` calls once at the end of training).
"""
import numpy as np


def update_average(average, params, iterations, ema_momentum, ema_overwrite_frequency,
                   scratch):
    """One EMA step in place (module docstring); ``scratch`` is overwritten. Copies the
    average into ``params`` when the overwrite frequency says so."""
    momentum = ema_momentum if iterations != 0 else 0.0
    average *= momentum
    average += np.multiply(params, 1 - momentum, out=scratch)
    if ema_overwrite_frequency and (iterations + 1) % ema_overwrite_frequency == 0:
        params[...] = average

