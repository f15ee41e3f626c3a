"""Conv -> ReLU -> MaxPooling, run as Conv -> MaxPooling -> ReLU inside a model's loops.

ReLU never decreases, so it commutes with the maximum of a window:

    max(relu(z) over a window) = relu(max(z over the window))

so the pooling layer can apply the ReLU to its output instead, which holds a quarter of the
convolution's values for 2x2 pooling: one pass over the large pre-activation array less
forward, and one less backward. The gradients are the same as well. Where a window's
maximum is positive, the first maximum of relu(z) is the first maximum of z, and the
gradient reaching it is dL/dy * 1. Where the maximum is <= 0, ReLU's slope there is 0, so
no gradient flows into that window either way.

In inference the pooling adds the convolution's bias too, for the same reason: adding a
constant per channel never changes which value of a window is largest, and rounding keeps
the order, so max(z + b) = max(z) + b exactly, with a quarter of the additions.

A model switches this on for the length of its fit/evaluate/predict loops
(``conv_relu_pool``), for each convolution whose output goes to a max pooling and nowhere
else. Outside them
every layer runs as written, so a layer called on its own computes exactly its documented
formula.
"""
import contextlib

from numpynn.layers.conv_base import BaseConv
from numpynn.layers.pooling import MaxPooling2D


def fusable(conv, pool):
    """Whether ``pool`` may apply ``conv``'s activation: a plain ReLU (no slope, cap or
    threshold) on a convolution without an activity regularizer, followed by a max pooling
    over as many spatial axes."""
    activation = getattr(conv, "activation", None)
    return (isinstance(conv, BaseConv) and isinstance(pool, MaxPooling2D)
            and conv.rank == pool.rank and getattr(activation, "name", None) == "relu"
            and getattr(activation, "plain", False) and conv.activity_regularizer is None)


@contextlib.contextmanager
def conv_relu_pool(pairs):
    """While inside, each fusable pair (convolution, max pooling) of ``pairs`` (a layer and
    the only layer that takes its output) runs fused: the convolution returns its
    pre-activation, and the pooling applies the ReLU to its output (and its slope first in
    backward). Yields the fused pairs. Re-entrant: a pair fused already (fit's validation
    runs inside fit's loop) is left to the outer call to undo."""
    pairs = [(a, b) for a, b in pairs if fusable(a, b) and a.fused_pool is None]
    for conv, pool in pairs:
        conv.activation_deferred = True
        pool.post_activation = conv.activation
        pool.post_bias_from = conv if conv.use_bias else None
        conv.fused_pool = pool
    try:
        yield pairs
    finally:
        for conv, pool in pairs:
            conv.activation_deferred = False
            conv.fused_pool = pool.passed_on = None
            pool.post_activation = pool.post_bias_from = None
