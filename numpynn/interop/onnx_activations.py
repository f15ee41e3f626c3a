"""numpynn's activation functions as ONNX operators (opset 17): one entry per class.

Most have an ONNX operator of their own; the others are written with a few elementwise
ones (GELU with Erf, Mish as x tanh(softplus x), ...). An activation without an entry is
refused with its name.
"""
import math

from numpynn import activations as act


def _relu(g, f):
    """Keras' relu: main = x if x > threshold else 0, capped to [0, max_value];
    y = main - negative_slope max(threshold - x, 0)."""
    x = g.x
    if f.threshold == 0:
        main = g.op("Relu", [x])
    else:
        main = g.op("Where", [g.op("Greater", [x, g.constant(f.threshold)]), x,
                              g.constant(0.0)])
    if f.max_value is not None:
        main = g.op("Clip", [main, g.constant(0.0), g.constant(f.max_value)])
    if f.negative_slope != 0:
        below = g.op("Relu", [g.op("Sub", [g.constant(f.threshold), x])])
        main = g.op("Sub", [main, g.op("Mul", [below, g.constant(f.negative_slope)])])
    g.x = main


def _times_input(op_type, **attributes):
    """x * op(x): swish (Sigmoid), ..."""
    def convert(g, f):
        g.x = g.op("Mul", [g.x, g.op(op_type, [g.x], **attributes)])
    return convert


def _gelu(g, f):
    x = g.x
    if f.approximate:  # 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
        cube = g.op("Mul", [g.op("Mul", [x, x]), x])
        inner = g.op("Add", [x, g.op("Mul", [cube, g.constant(0.044715)])])
        core = g.op("Tanh", [g.op("Mul", [inner, g.constant(math.sqrt(2 / math.pi))])])
    else:  # 0.5 x (1 + erf(x / sqrt(2)))
        core = g.op("Erf", [g.op("Mul", [x, g.constant(1 / math.sqrt(2))])])
    half_x = g.op("Mul", [x, g.constant(0.5)])
    g.x = g.op("Mul", [half_x, g.op("Add", [core, g.constant(1.0)])])


def _mish(g, f):
    g.x = g.op("Mul", [g.x, g.op("Tanh", [g.op("Softplus", [g.x])])])


def _log_sigmoid(g, f):
    """log sigmoid(x) = -softplus(-x)."""
    g.x = g.op("Neg", [g.op("Softplus", [g.op("Neg", [g.x])])])


def _tanh_shrink(g, f):
    g.x = g.op("Sub", [g.x, g.op("Tanh", [g.x])])


def _squareplus(g, f):
    """(x + sqrt(x^2 + b)) / 2."""
    root = g.op("Sqrt", [g.op("Add", [g.op("Mul", [g.x, g.x]), g.constant(f.b)])])
    g.x = g.op("Mul", [g.op("Add", [g.x, root]), g.constant(0.5)])


def _threshold(g, f):
    """x where x > threshold, else default_value."""
    above = g.op("Greater", [g.x, g.constant(f.threshold)])
    g.x = g.op("Where", [above, g.x, g.constant(f.default_value)])


def _clip(low, high):
    def convert(g, f):
        g.apply("Clip", g.constant(low), g.constant(high))
    return convert


def _along_axis(op_type):
    """Softmax and LogSoftmax over numpynn's ``axis``, in the current layout."""
    def convert(g, f):
        g.apply(op_type, axis=g.axis(f.axis))
    return convert


def _simple(op_type, **attributes):
    def convert(g, f):
        g.apply(op_type, **attributes)
    return convert


ACTIVATIONS = {
    act.Linear: lambda g, f: None,
    act.ReLU: _relu,
    act.ReLU6: _clip(0.0, 6.0),
    act.HardTanh: _clip(-1.0, 1.0),
    act.LeakyReLU: lambda g, f: g.apply("LeakyRelu", alpha=float(f.negative_slope)),
    act.ELU: lambda g, f: g.apply("Elu", alpha=float(f.alpha)),
    act.CELU: lambda g, f: g.apply("Celu", alpha=float(f.alpha)),
    act.SELU: _simple("Selu", alpha=act.SELU.alpha, gamma=act.SELU.scale),
    act.Sigmoid: _simple("Sigmoid"),
    act.HardSigmoid: _simple("HardSigmoid", alpha=1 / 6, beta=0.5),
    act.HardSilu: _simple("HardSwish"),
    act.Tanh: _simple("Tanh"),
    act.Softplus: _simple("Softplus"),
    act.Softsign: _simple("Softsign"),
    act.Exponential: _simple("Exp"),
    act.Swish: _times_input("Sigmoid"),
    act.GELU: _gelu,
    act.Mish: _mish,
    act.LogSigmoid: _log_sigmoid,
    act.TanhShrink: _tanh_shrink,
    act.Squareplus: _squareplus,
    act.Threshold: _threshold,
    act.SoftShrink: lambda g, f: g.apply("Shrink", lambd=float(f.threshold),
                                         bias=float(f.threshold)),
    act.HardShrink: lambda g, f: g.apply("Shrink", lambd=float(f.threshold)),
    act.Softmax: _along_axis("Softmax"),
    act.LogSoftmax: _along_axis("LogSoftmax"),
}


def convert_activation(g, function, where):
    """Apply ``function`` (an activation object) to the current tensor."""
    convert = ACTIVATIONS.get(type(function))
    if convert is None:
        raise ValueError(f"{where}: the activation {function.name!r} has no ONNX form in "
                         f"numpynn; exportable ones: "
                         f"{', '.join(sorted(c.name for c in ACTIVATIONS))}.")
    convert(g, function)
