"""Activation functions, each with its derivative, usable by name or called directly.

Every function of ``keras.activations`` is here under its Keras name, with Keras' arguments:
``activations.relu(x, negative_slope=0.1)``, ``activations.get("mish")``,
``Dense(3, activation="relu6")``. Each is a small object with
- ``forward(x) -> y`` (also ``activation(x)``),
- ``derivative(x)``: the elementwise slope dy/dx (not for the activations over an axis:
  softmax, log_softmax, sparsemax, glu),
- ``backward(grad, x, y) -> dL/dx``: the backpropagation step. It reuses ``y`` where the slope
  is cheaper from the output (sigmoid: y (1 - y); tanh: 1 - y^2) and may write into ``grad``.

The families live in their own modules: ``rectifiers`` (relu ...), ``sigmoids``, ``smooth``,
``piecewise`` (clips and shrinks) and ``softmax`` (activations over an axis).

Example::

    >>> from numpynn import activations
    >>> activations.sigmoid.derivative(np.array([0.0]))   # the sigmoid's slope peaks at 0.25
    array([0.25])
    >>> activations.get("relu")(np.array([-1.0, 2.0]))
    array([0., 2.])
"""
from numpynn import registry
from numpynn.activations.base import ActivationFunction
from numpynn.activations.piecewise import HardShrink, HardTanh, SoftShrink, Threshold
from numpynn.activations.rectifiers import CELU, ELU, SELU, SMALL_RELU, LeakyReLU, ReLU, ReLU6
from numpynn.activations.sigmoids import (HardSigmoid, HardSilu, LogSigmoid, Sigmoid,
                                          SparseSigmoid, Swish)
from numpynn.activations.smooth import (GELU, Exponential, Linear, Mish, Softplus, Softsign,
                                        SparsePlus, Squareplus, Tanh, TanhShrink)
from numpynn.activations.softmax import (FEW_COLUMNS, GLU, AxisActivation, LogSoftmax, Softmax,
                                         Sparsemax, reduce_rows)

celu = CELU()
elu = ELU()
exponential = Exponential()
gelu = GELU()
glu = GLU()
hard_shrink = HardShrink()
hard_sigmoid = HardSigmoid()
hard_silu = hard_swish = HardSilu()
hard_tanh = HardTanh()
leaky_relu = LeakyReLU()
linear = Linear()
log_sigmoid = LogSigmoid()
log_softmax = LogSoftmax()
mish = Mish()
relu = ReLU()
relu6 = ReLU6()
selu = SELU()
sigmoid = Sigmoid()
swish = silu = Swish()
soft_shrink = SoftShrink()
softmax = Softmax()
softplus = Softplus()
softsign = Softsign()
sparse_plus = SparsePlus()
sparse_sigmoid = SparseSigmoid()
sparsemax = Sparsemax()
squareplus = Squareplus()
tanh = Tanh()
tanh_shrink = TanhShrink()


def threshold(x, threshold, default_value):
    """y = x where x > threshold, else default_value (see ``Threshold``)."""
    return Threshold(threshold, default_value)(x)


_CLASSES = (CELU, ELU, Exponential, GELU, GLU, HardShrink, HardSigmoid, HardSilu, HardTanh,
            LeakyReLU, Linear, LogSigmoid, LogSoftmax, Mish, ReLU, ReLU6, SELU, Sigmoid,
            SoftShrink, Softmax, Softplus, Softsign, SparsePlus, SparseSigmoid, Sparsemax,
            Squareplus, Swish, Tanh, TanhShrink, Threshold)
#: name -> class, under each function's name, Keras' aliases and the class names
ALL = {cls.name: cls for cls in _CLASSES}
ALL.update(silu=Swish, hard_swish=HardSilu)
ALL.update({cls.__name__: cls for cls in _CLASSES})
#: activations without defaults for their arguments, as in Keras: no bare name
NEEDS_ARGUMENTS = dict.fromkeys(["threshold", "Threshold"],
                               "Threshold(threshold=..., default_value=...)")


def get(identifier):
    """An activation object from a name (``"relu"``), a config dict, an instance, or ``None``
    (meaning ``linear``)."""
    if identifier is None:
        return Linear()
    if isinstance(identifier, ActivationFunction):
        return identifier
    if isinstance(identifier, str) and identifier in NEEDS_ARGUMENTS:
        raise ValueError(
            f"The {identifier!r} activation has required arguments: pass "
            f"numpynn.activations.{NEEDS_ARGUMENTS[identifier]} instead of its name.")
    if isinstance(identifier, (str, dict)):
        return registry.deserialize(identifier, "activation", ALL)
    raise TypeError(
        f"Cannot use {identifier!r} as an activation: numpynn needs its derivative too. Pass a "
        "name such as 'relu', or subclass numpynn.activations.ActivationFunction with forward() "
        "and derivative() (or backward()).")


def serialize(activation):
    """The name of a built-in activation with default settings, else its config dict."""
    cls = type(activation)
    if ALL.get(cls.__name__) is cls and activation.get_config() == _default_config(cls):
        return activation.name
    return registry.serialize(activation)


def deserialize(config, custom_objects=None):
    """An activation object from ``serialize``'s output: a name or a config dict."""
    if isinstance(config, str) and config in NEEDS_ARGUMENTS:
        return get(config)  # the error that says which class to pass
    return registry.deserialize(config, "activation", ALL, custom_objects)


def _default_config(cls):
    try:
        return cls().get_config()
    except TypeError:  # required arguments: never a bare name
        return None
