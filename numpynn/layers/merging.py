"""Element-wise merge layers: ``Add``, ``Subtract``, ``Multiply``, ``Average``, ``Maximum``,
``Minimum``, and their function forms (``add([x, y])``...).

Each takes a list of tensors and combines them entry by entry. Shapes broadcast as in Keras:
a size-1 axis stretches to the other inputs' size, and a lower-rank input gets size-1 axes
inserted after the batch axis until the ranks agree. Backward sends each input the gradient
of its entries, summed over the axes it was stretched along.
"""
import numpy as np

from numpynn.layers.base import Layer


class Merge(Layer):
    """Base of the element-wise merge layers: a subclass defines ``merge(xs)`` and
    ``merge_gradients(grad, xs)`` on inputs already broadcast-aligned to the same rank."""

    #: exact number of inputs, or ``None`` for any number >= 1
    arity = None

    def build(self, input_shape):
        self.compute_output_shape(input_shape)

    def compute_output_shape(self, input_shape):
        shapes = _input_shapes(self, input_shape)
        rank = max(len(s) for s in shapes)
        aligned = [_aligned_shape(s, rank) for s in shapes]
        out = []
        for sizes in zip(*aligned):
            known = {d for d in sizes if d is not None and d != 1}
            if len(known) > 1:
                raise ValueError(f"{type(self).__name__} layer {self.name!r}: inputs of shapes "
                                 f"{shapes} do not broadcast (sizes {sorted(known)} on one "
                                 "axis); give them equal sizes, or 1 where one should stretch.")
            if None in sizes:
                out.append(None)
            else:
                out.append(known.pop() if known else 1)
        return tuple(out)

    def forward(self, inputs, training=False):
        _input_shapes(self, [np.shape(x) for x in inputs])
        rank = max(x.ndim for x in inputs)
        self._shapes = [x.shape for x in inputs]
        self._xs = [x.reshape(_aligned_shape(x.shape, rank)) for x in inputs]
        return self.merge(self._xs)

    def backward(self, grad_out):
        grads = self.merge_gradients(grad_out, self._xs)
        return [_sum_to(g, x.shape).reshape(shape)
                for g, x, shape in zip(grads, self._xs, self._shapes)]

    def merge(self, xs):
        raise NotImplementedError

    def merge_gradients(self, grad, xs):
        """One gradient per input, shaped like the output, each an array of its own."""
        raise NotImplementedError


def _input_shapes(layer, input_shape):
    """The list of input shapes, checked: a list, of ``arity`` entries if fixed."""
    if not isinstance(input_shape, list) or not input_shape:
        raise ValueError(f"A {type(layer).__name__} layer is called on a list of tensors, e.g. "
                         f"{type(layer).__name__}()([x, y]); got input shape {input_shape}.")
    if layer.arity is not None and len(input_shape) != layer.arity:
        raise ValueError(f"A {type(layer).__name__} layer takes exactly {layer.arity} inputs, "
                         f"got {len(input_shape)}.")
    return [tuple(s) for s in input_shape]


def _aligned_shape(shape, rank):
    """``shape`` with size-1 axes inserted after the batch axis up to ``rank`` (Keras)."""
    shape = tuple(shape)
    return shape[:1] + (1,) * (rank - len(shape)) + shape[1:]


def _sum_to(grad, shape):
    """``grad`` summed over the axes along which an input of ``shape`` was broadcast."""
    if grad.shape == shape:
        return grad
    axes = tuple(i for i, (g, s) in enumerate(zip(grad.shape, shape)) if s == 1 and g != 1)
    return grad.sum(axis=axes, keepdims=True)


def _sum(xs):
    out = xs[0] + xs[1] if len(xs) > 1 else xs[0].copy()
    for x in xs[2:]:
        out = out + x  # not in place: a later input may broadcast to a larger shape
    return out


class Add(Merge):
    """y = x_1 + x_2 + ... ;  dL/dx_i = dL/dy."""

    def merge(self, xs):
        return _sum(xs)

    def merge_gradients(self, grad, xs):
        return [grad] + [grad.copy() for _ in xs[1:]]


class Subtract(Merge):
    """y = x_1 - x_2 (exactly two inputs);  dL/dx_1 = dL/dy,  dL/dx_2 = -dL/dy."""

    arity = 2

    def merge(self, xs):
        return xs[0] - xs[1]

    def merge_gradients(self, grad, xs):
        return [grad, -grad]


class Multiply(Merge):
    """y = x_1 * x_2 * ... ;  dL/dx_i = dL/dy * prod_{j != i} x_j."""

    def merge(self, xs):
        out = xs[0].copy() if len(xs) == 1 else xs[0] * xs[1]
        for x in xs[2:]:
            out = out * x
        return out

    def merge_gradients(self, grad, xs):
        grads = []
        for i in range(len(xs)):
            g = grad.copy()
            for j, x in enumerate(xs):
                if j != i:
                    g = g * x
            grads.append(g)
        return grads


class Average(Merge):
    """y = (x_1 + ... + x_n) / n;  dL/dx_i = dL/dy / n."""

    def merge(self, xs):
        return _sum(xs) / len(xs)

    def merge_gradients(self, grad, xs):
        return [grad / len(xs) for _ in xs]


class Maximum(Merge):
    """y = max(x_1, x_2, ...) entry by entry; the gradient goes to the input holding the
    maximum (on ties, the first such input, as TensorFlow's gradient of ``maximum``)."""

    pick, combine = staticmethod(np.argmax), staticmethod(np.maximum)

    def merge(self, xs):
        self._winner = self.pick(np.stack(np.broadcast_arrays(*xs)), axis=0)
        out = xs[0]
        for x in xs[1:]:
            out = self.combine(out, x)
        return out if len(xs) > 1 else out.copy()

    def merge_gradients(self, grad, xs):
        return [np.where(self._winner == i, grad, 0).astype(grad.dtype, copy=False)
                for i in range(len(xs))]


class Minimum(Maximum):
    """y = min(x_1, x_2, ...) entry by entry; the gradient goes to the input holding the
    minimum (on ties, the first such input)."""

    pick, combine = staticmethod(np.argmin), staticmethod(np.minimum)


# -- the function forms Keras examples use: ``add([x, y])`` is ``Add()([x, y])`` ------------
def add(inputs, **kwargs):
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    return Minimum(**kwargs)(inputs)
