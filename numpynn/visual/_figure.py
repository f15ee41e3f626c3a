"""Lazy access to matplotlib (the optional ``plot`` extra) and saving figures.

Only the drawing functions call ``pyplot()``: the numbers behind every picture are computed
with NumPy alone, so ``import numpynn.visual`` works without matplotlib.
"""
import os


def pyplot():
    """``matplotlib.pyplot`` on the non-interactive Agg backend (no display needed)."""
    try:
        import matplotlib
    except ImportError as error:
        raise ImportError("numpynn.visual needs matplotlib and pillow to draw: "
                          "pip install numpynn[plot]") from error
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def finish(fig, out=None, dpi=100):
    """Save ``fig`` to ``out`` (format from the extension) and close it; else return it."""
    if out is None:
        return fig
    make_folder(out)
    fig.savefig(out, dpi=dpi, bbox_inches="tight")
    pyplot().close(fig)
    return out


def make_folder(out):
    """Create the folder that will hold the file ``out``."""
    folder = os.path.dirname(os.fspath(out))
    if folder:
        os.makedirs(folder, exist_ok=True)
