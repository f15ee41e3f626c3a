"""The weights of a model: those of its leaf layers (the layers inside models used as layers
too), each layer once, in Keras' order (``model.layers``, depth first), and whether each is
trained: a weight trains if its layer and every model around it are trainable."""


class ModelWeights:
    """The weight half of ``Model``: reading, writing and counting the leaf layers' weights.
    A model's ``layers`` may hold models; those are walked into."""

    def weight_paths(self):
        """``[(path, leaf layer, trainable)]`` in ``get_weights`` order, each layer once.
        ``path`` is the layer's position in ``layers`` at each depth (``(2, 0)``: layer 0 of
        the model at position 2; for saving); a layer trains if it and every model around
        it do."""
        result, seen = [], set()

        def walk(model, prefix, trainable):
            for i, layer in enumerate(model.layers):
                if id(layer) not in seen:
                    seen.add(id(layer))
                    if isinstance(layer, ModelWeights):
                        walk(layer, prefix + (i,), trainable and layer.trainable)
                    else:
                        result.append((prefix + (i,), layer, trainable and layer.trainable))
        walk(self, (), self.trainable)
        return result

    def variable_paths(self):
        """Keras' ``variable.path`` of each weight, in ``get_weights`` order: the layer's name
        and the weight's, behind the names of the Sequential models around the layer up to
        the nearest functional model (Keras builds a Sequential's layers inside its name
        scope, a functional model's where they are called): ``"sequential/dense/kernel"`` in
        a Sequential, ``"dense/kernel"`` in a functional model, ``"encoder/dense/kernel"``
        for a Sequential ``encoder`` called in a functional model. (A Sequential that Keras
        built before putting it in another Sequential lacks the outer name there.)"""
        self._build_if_possible()
        paths = []
        for position, layer, _ in self.weight_paths():
            models = [self]
            for i in position[:-1]:
                models.append(models[-1].layers[i])
            scope = [layer.name]
            for model in reversed(models):
                if not model.is_chain:
                    break
                scope.insert(0, model.name)
            paths += ["/".join(map(str, scope + [name])) for name in layer.params]
        return paths

    def _leaf_layers(self):
        """The layers that hold weights (no models), each once, in ``get_weights`` order."""
        return [layer for _, layer, _ in self.weight_paths()]

    def _weight_entries(self):
        """``[(layer, weight name, trainable)]`` in ``get_weights`` order."""
        return [(layer, name, trainable and name not in layer.non_trainable_names)
                for _, layer, trainable in self.weight_paths() for name in layer.params]

    def _owns_weights(self):
        """Whether the layers' weights are still views of this model's buffer (an outer
        model using this one as a layer moves them into its own)."""
        values = self.buffer.values
        return all(w.base is values for layer in self._leaf_layers()
                   for w in layer.params.values())

    def get_weights(self):
        """Copies of all weights, layer by layer (kernel before bias), as Keras orders them."""
        self._build_if_possible()
        return [w for layer in self._leaf_layers() for w in layer.get_weights()]

    def set_weights(self, weights):
        """Overwrite all weights from a list shaped like ``get_weights()``."""
        self._build_if_possible()
        weights = list(weights)
        leaves = self._leaf_layers()
        expected = sum(len(layer.params) for layer in leaves)
        if len(weights) != expected:
            raise ValueError(f"Model {self.name!r} has {expected} weight arrays, got "
                             f"{len(weights)}.")
        for layer in leaves:
            count = len(layer.params)
            layer.set_weights(weights[:count])
            weights = weights[count:]

    @property
    def weights(self):
        return [w for layer in self._leaf_layers() for w in layer.weights]

    @property
    def trainable_weights(self):
        return [layer.params[n] for layer, n, t in self._weight_entries() if t]

    @property
    def non_trainable_weights(self):
        return [layer.params[n] for layer, n, t in self._weight_entries() if not t]

    def count_params(self, trainable=None):
        """Number of weight entries (``trainable=True``/``False``: only those the optimizer
        does/does not update, as the flags stand now)."""
        self._build_if_possible()
        if not self.built:
            raise ValueError(f"Model {self.name!r} is not built yet: give it an input shape "
                             "(Input(shape=...)) or call it on data first.")
        return int(sum(layer.params[n].size for layer, n, t in self._weight_entries()
                       if trainable is None or t == trainable))
