"""``GradientStats``: the mean size of each layer's kernel gradient, batch by batch (the
vanishing-gradient picture in ``numpynn.visual``)."""
import numpy as np

from numpynn.callbacks.base import Callback


class GradientStats(Callback):
    """Records mean |dL/dkernel| of every layer with a kernel, after each training batch.

    ``on_train_batch_end`` runs after the optimizer step; the layers' ``grads`` arrays still
    hold the gradients of that batch.

    Attributes:
        layer_names: the layers recorded, input side first.
        batch_means: ``{layer name: [mean |grad| of each batch]}``.
        epoch_means: ``{layer name: [average of the batch values of each epoch]}``.

    Example::

        >>> stats = GradientStats()
        >>> model.fit(x, y, epochs=3, callbacks=[stats])
        >>> stats.as_array().shape       # (epochs, layers)
        (3, 9)
    """

    def __init__(self):
        super().__init__()
        self.layer_names, self.batch_means, self.epoch_means = [], {}, {}

    def on_train_begin(self, logs=None):
        self._layers = [layer for layer in self.model.layers if "kernel" in layer.grads]
        self.layer_names = [layer.name for layer in self._layers]
        self.batch_means = {name: [] for name in self.layer_names}
        self.epoch_means = {name: [] for name in self.layer_names}
        self._epoch_start = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = len(self.batch_means[self.layer_names[0]]) if self.layer_names else 0

    def on_train_batch_end(self, batch, logs=None):
        for layer in self._layers:
            self.batch_means[layer.name].append(float(np.abs(layer.grads["kernel"]).mean()))

    def on_epoch_end(self, epoch, logs=None):
        for name in self.layer_names:
            self.epoch_means[name].append(float(np.mean(self.batch_means[name][self._epoch_start:])))

    def as_array(self, per="epoch"):
        """The records as an array (epochs or batches, layers)."""
        records = self.epoch_means if per == "epoch" else self.batch_means
        return np.array([records[name] for name in self.layer_names]).T
