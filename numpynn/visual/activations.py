"""Every activation and its derivative: why sigmoid networks learn slowly when deep.

The sigmoid's slope is at most 0.25, so backpropagating through n sigmoid layers multiplies the
gradient by at most 0.25^n; tanh's slope peaks at 1, ReLU's is exactly 1 where it is active.
"""
import numpy as np

from numpynn import activations
from numpynn.visual._figure import finish, pyplot

#: Drawn in this order. Softmax is left out: it maps a vector to a vector, so it has no
#: elementwise curve (its derivative is the Jacobian diag(y) - y y^T).
NAMES = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "softplus",
         "swish", "gelu")


def activation_curves(x=None, names=NAMES):
    """``{name: (y, dy/dx)}`` on the grid ``x`` (defaults to 401 points in [-5, 5]), computed by
    the real ``numpynn.activations`` objects' ``forward`` and ``derivative``."""
    x = np.linspace(-5.0, 5.0, 401) if x is None else np.asarray(x, dtype=np.float64)
    curves = {}
    for name in names:
        fn = activations.get(name)
        curves[name] = (fn(x.copy()), fn.derivative(x.copy()))
    return curves


def derivative_peaks(x=None, names=NAMES):
    """``{name: (x_at_peak, peak)}``: the largest slope of each activation on the grid."""
    x = np.linspace(-5.0, 5.0, 401) if x is None else np.asarray(x, dtype=np.float64)
    peaks = {}
    for name, (_, slope) in activation_curves(x, names).items():
        i = int(np.argmax(slope))
        peaks[name] = (float(x[i]), float(slope[i]))
    return peaks


ANNOTATE = ("sigmoid", "tanh")


def plot_activations(out=None, names=NAMES, x_range=5.0):
    """A grid with one panel per activation: the function (solid) and its derivative (dashed).
    The derivative peaks of sigmoid (0.25) and tanh (1.0) are marked and labelled.

    Args:
        out: file to write; defaults to `None` (return the figure).
        names: activations to draw. Defaults to all elementwise ones (not softmax).
        x_range: the x axis spans [-x_range, x_range]. Defaults to `5.0`.
    """
    x = np.linspace(-x_range, x_range, 401)
    curves = activation_curves(x, names)
    plt = pyplot()
    cols = 5 if len(curves) > 4 else len(curves)
    rows = -(-len(curves) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.1 * cols, 2.8 * rows), squeeze=False,
                             sharex=True)
    for ax, (name, (y, slope)) in zip(axes.flat, curves.items()):
        ax.axhline(0, color="0.6", linewidth=0.8)
        ax.axvline(0, color="0.6", linewidth=0.8)
        ax.plot(x, y, color="tab:blue", label="f(x)")
        ax.plot(x, slope, "--", color="tab:red", label="f'(x)")
        ax.set_title(name)
        ax.set_ylim(-1.6, 3.2)
        ax.grid(alpha=0.3)
        if name in ANNOTATE:
            i = int(np.argmax(slope))
            ax.plot(x[i], slope[i], "o", color="tab:red")
            ax.annotate(f"max f' = {slope[i]:.2f}", (x[i], slope[i]), xytext=(0.6, 2.2),
                        arrowprops={"arrowstyle": "->", "color": "tab:red"}, color="tab:red")
    for ax in list(axes.flat)[len(curves):]:
        ax.set_visible(False)
    axes.flat[0].legend(loc="upper left")
    fig.suptitle("numpynn.activations: function (solid) and derivative (dashed); "
                 "softmax is vector-valued and not drawn")
    fig.tight_layout()
    return finish(fig, out)
