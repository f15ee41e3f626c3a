"""``Penalties``: a model's regularization losses and weight constraints, gathered once.

As Keras 3 trains (``Trainer.compute_loss`` and ``Optimizer.apply``):

    loss      = data loss + sum(weight penalties) + sum(activity penalties)
    gradient  = backpropagated gradient + d(weight penalty)/dw, for each regularized weight
    after the optimizer step: w = constraint(w), for each constrained weight

A weight penalty is ``regularizer(w)`` of a trainable weight; an activity penalty is
``activity_regularizer(y) / batch`` of a layer's output y, its gradient added to dL/dy
before that layer's backward pass. A model gathers these when it builds its parameter buffer
and keeps none at all when no layer has any, so its plain training step pays nothing.
"""


class Penalties:
    """The regularized and constrained weights of ``layers`` (bound to the model's buffer)
    and the layers with an activity regularizer."""

    def __init__(self, layers):
        self.weight_terms = [(regularizer, layer.params[name], layer.grads[name])
                             for layer in layers
                             for name, regularizer in layer.regularizers.items()
                             if layer.is_trainable_weight(name)]
        self.constraint_terms = [(constraint, layer.params[name]) for layer in layers
                                 for name, constraint in layer.constraints.items()
                                 if layer.is_trainable_weight(name)]
        self.activity_layers = {id(layer) for layer in layers
                                if layer.activity_regularizer is not None}
        self._activity = {}  # id(layer) -> (penalty, copy of the output) of the last forward

    @classmethod
    def gather(cls, layers):
        """A ``Penalties`` for ``layers``, or ``None`` when there is nothing to apply."""
        penalties = cls(layers)
        if penalties.weight_terms or penalties.constraint_terms or penalties.activity_layers:
            return penalties
        return None

    # -- the forward and backward passes with activity regularizers ----------------------
    def forward(self, layers, x, training):
        """Run ``layers`` on ``x``, recording each activity penalty of this pass."""
        self._activity = {}
        for layer in layers:
            x = layer.forward(x, training=training)
            if id(layer) in self.activity_layers:
                batch = len(x) if x.ndim else 1
                self._activity[id(layer)] = (layer.activity_regularizer(x) / batch,
                                             x.copy(), batch)
        return x

    def backward(self, layers, grad):
        """Backward through ``layers`` (last first), adding to dL/dy the gradient of the
        layer's activity penalty, d(regularizer(y) / batch)/dy."""
        for layer in reversed(layers):
            recorded = self._activity.get(id(layer))
            if recorded is not None:
                _, output, batch = recorded
                grad = grad + layer.activity_regularizer.gradient(output) / batch
            grad = layer.backward(grad)
        return grad

    # -- values, gradients, constraints -------------------------------------------------
    def losses(self):
        """Activity penalties of the last forward pass, then the weight penalties (Keras'
        order in ``model.losses``)."""
        return ([penalty for penalty, _, _ in self._activity.values()]
                + [regularizer(value) for regularizer, value, _ in self.weight_terms])

    def total(self):
        return float(sum(self.losses()))

    def add_weight_gradients(self):
        """grad += d penalty / dw for every regularized trainable weight."""
        for regularizer, value, grad in self.weight_terms:
            grad += regularizer.gradient(value)

    def apply_constraints(self):
        """w = constraint(w), in place, for every constrained trainable weight."""
        for constraint, value in self.constraint_terms:
            value[...] = constraint(value)
