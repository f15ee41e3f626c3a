"""``Penalties``: a model's regularization losses and weight constraints, gathered once.

As Keras 3 trains (``Trainer.compute_loss`` and ``Optimizer.apply``):

    loss      = data loss + sum(weight penalties) + sum(activity penalties)
    gradient  = backpropagated gradient + d(weight penalty)/dw, for each regularized weight
    after the optimizer step: w = constraint(w), for each constrained weight

A weight penalty is ``regularizer(w)`` of a trainable weight; an activity penalty is
``activity_regularizer(y) / batch`` of a layer's output y, its gradient added to dL/dy
before that layer's backward pass (per call, for a layer called more than once). A model
gathers these when it builds its parameter buffer and keeps none at all when no layer has
any, so its plain training step pays nothing.
"""


class Penalties:
    """The regularized and constrained trainable weights of a model (bound to its buffer)
    and the steps (layer calls) with an activity regularizer.

    Args:
        trainable: ``[(layer, weight name)]`` of the weights the optimizer updates.
        steps: the model's ``Plan`` steps.
    """

    def __init__(self, trainable, steps):
        self.weight_terms = [(layer.regularizers[name], layer.params[name], layer.grads[name])
                             for layer, name in trainable if name in layer.regularizers]
        self.constraint_terms = [(layer.constraints[name], layer.params[name])
                                 for layer, name in trainable if name in layer.constraints]
        self.activity_steps = [step for step in steps
                               if step.layer.activity_regularizer is not None]
        self._activity = {}  # step -> (penalty, copy of the output, batch) of the last forward

    @classmethod
    def gather(cls, trainable, steps):
        """A ``Penalties`` for these weights and steps, or ``None`` when there is nothing
        to apply."""
        penalties = cls(trainable, steps)
        if penalties.weight_terms or penalties.constraint_terms or penalties.activity_steps:
            return penalties
        return None

    # -- activity regularizers: wrappers of a step's forward and backward ----------------
    def recording(self, step, forward):
        """``forward``, recording the step's activity penalty regularizer(y) / batch."""
        regularizer = step.layer.activity_regularizer

        def run(x, training=False):
            y = forward(x, training=training)
            batch = len(y) if y.ndim else 1
            self._activity[step] = (regularizer(y) / batch, y.copy(), batch)
            return y
        return run

    def adding_gradient(self, step, backward):
        """``backward``, after adding to dL/dy the gradient of the step's activity
        penalty, d(regularizer(y) / batch)/dy."""
        regularizer = step.layer.activity_regularizer

        def run(grad):
            _, output, batch = self._activity[step]
            return backward(grad + regularizer.gradient(output) / batch)
        return run

    # -- values, gradients, constraints -------------------------------------------------
    def losses(self):
        """Activity penalties of the last forward pass, then the weight penalties (Keras'
        order in ``model.losses``)."""
        return ([self._activity[step][0] for step in self.activity_steps
                 if step in self._activity]
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
