"""``Sequential``: a plain stack of layers, each feeding the next."""
from numpynn import layers as layers_module
from numpynn.layers.base import Layer
from numpynn.layers.input_layer import InputLayer, sample_shape
from numpynn.models.model import Model


class Sequential(Model):
    """A linear stack of layers.

    Example::

        model = Sequential([
            Input(shape=(28, 28)),
            Flatten(),
            Dense(128, activation="relu"),
            Dense(10, activation="softmax"),
        ])
        model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
        model.fit(x_train, y_train, epochs=5)
    """

    def add(self, layer):
        """Append a layer. An ``Input(shape=...)`` (or ``input_shape=`` on the first layer)
        fixes the input shape and lets the model build at once."""
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add expects a layer, got {layer!r}.")
        self.built = False  # a new layer means new shapes and a new parameter buffer
        if isinstance(layer, InputLayer):
            if self.layers:
                raise ValueError("Input(...) must come first in a Sequential model.")
            self.input_shape = layer.input_shape
            self._input_layer = layer
        else:
            if not self.layers and self.input_shape is None and layer.input_shape is not None:
                self.input_shape = layer.input_shape
            if any(l.name == layer.name for l in self.layers):
                raise ValueError(f"Layer names must be unique; {layer.name!r} is already used.")
            self.layers.append(layer)

    def pop(self):
        """Remove and return the last layer."""
        self.built = False
        return self.layers.pop()

    def get_config(self):
        return {"name": self.name,
                "input_shape": None if self.input_shape is None else list(self.input_shape[1:]),
                "layers": [layers_module.serialize(layer) for layer in self.layers]}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        model = cls(name=config.get("name"))
        if config.get("input_shape") is not None:
            model.input_shape = (None,) + sample_shape(config["input_shape"])
        if not isinstance(config.get("layers"), list):
            raise ValueError("A Sequential config holds its layers as a list under 'layers', "
                             f"got {config.get('layers')!r:.80}.")
        for spec in config["layers"]:
            model.add(layers_module.deserialize(spec, custom_objects))
        return model
