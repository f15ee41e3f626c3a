"""``Embedding``: integer indices -> rows of a trainable (input_dim, output_dim) table."""
import numpy as np

from numpynn import constraints, initializers, regularizers
from numpynn.layers.base import Layer


class Embedding(Layer):
    """y[..., :] = embeddings[i] for each index i of the input.

    Shapes: x (batch, ...) of indices in [0, input_dim) -> y (batch, ..., output_dim).
    Inputs that arrive as floats (a model's data path) are cast to integers as Keras does
    (by truncation). Backward: dL/dembeddings[k] = sum of dL/dy over the positions where
    the index is k. The indices get no gradient, so backpropagation stops here.

    Args:
        input_dim: size of the vocabulary (largest index + 1).
        output_dim: length of each embedding vector.
        embeddings_initializer: defaults to `"uniform"` (U(-0.05, 0.05)).
        embeddings_regularizer, embeddings_constraint: default `None`.
        mask_zero: masking is not supported: `True` raises ``NotImplementedError``.
    """

    sends_input_gradient = False

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 **kwargs):
        super().__init__(**kwargs)
        for name, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"Embedding {name} must be a positive integer, got {value!r}.")
        if mask_zero:
            raise NotImplementedError("Embedding(mask_zero=True) needs masking, which numpynn "
                                      "does not support; use mask_zero=False.")
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = False

    def build(self, input_shape):
        self.add_weight("embeddings", (self.input_dim, self.output_dim),
                        self.embeddings_initializer, regularizer=self.embeddings_regularizer,
                        constraint=self.embeddings_constraint)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def forward(self, x, training=False):
        indices = np.asarray(x).astype(np.int64)
        if indices.size and (indices.min() < 0 or indices.max() >= self.input_dim):
            raise ValueError(f"Embedding {self.name!r} got indices outside [0, "
                             f"{self.input_dim}): from {indices.min()} to {indices.max()}. "
                             "Raise input_dim or re-encode the inputs.")
        self._indices = indices
        return self.params["embeddings"][indices]

    def backward(self, grad_out):
        grad = self.grads["embeddings"]
        grad[...] = 0
        np.add.at(grad, self._indices.reshape(-1), grad_out.reshape(-1, self.output_dim))
        return None

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim,
                "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
                "mask_zero": self.mask_zero}
