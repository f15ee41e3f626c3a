"""``Sequential``: a plain stack of layers, each feeding the next: the simplest graph."""
from numpynn.layers.base import Layer
from numpynn.layers.input_layer import InputLayer, sample_shape
from numpynn.layers.node import KerasTensor
from numpynn.models.model import Model
from numpynn.models.serialization import MODEL_CLASSES, deserialize_layer, serialize_layer


class Sequential(Model):
    """A linear stack of layers (models too: a model is a layer).

    Built from its input shape, it calls each layer on the previous one's output tensor,
    so it is a ``Model`` whose graph is a chain.

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

    is_chain = True

    def __init__(self, layers=None, name=None, trainable=True):
        self._layers = []
        self._input_layer = None
        self._input_structure = None
        super().__init__(name=name, trainable=trainable)
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self):
        """The layers in order (without the input layer, as Keras)."""
        return list(self._layers)

    def add(self, layer):
        """Append a layer or a model. An ``Input(shape=...)`` (or ``input_shape=`` on the
        first layer, or a first model that knows its input) fixes the input shape and lets
        the model build at once."""
        if isinstance(layer, KerasTensor) and layer.node.is_input:
            layer = layer.node.layer
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add expects a layer, a model or an Input(...), "
                            f"got {layer!r}.")
        self.built = False  # a new layer means new shapes and a new parameter buffer
        if isinstance(layer, InputLayer):
            if self._layers:
                raise ValueError("Input(...) must come first in a Sequential model.")
            self.input_shape = layer.input_shape
            self._input_layer = layer
            return
        if not self._layers and self.input_shape is None \
                and isinstance(layer.input_shape, tuple):  # a model with one input too
            self.input_shape = layer.input_shape
        if any(l.name == layer.name for l in self._layers):
            raise ValueError(f"Layer names must be unique; {layer.name!r} is already used.")
        self._layers.append(layer)

    def pop(self):
        """Remove and return the last layer."""
        self.built = False
        return self._layers.pop()

    def build(self, input_shape=None):
        """Call every layer, in order, on an input tensor of ``input_shape`` (batch axis
        first, e.g. ``(None, 784)``), then gather all weights into one ParameterBuffer."""
        if input_shape is not None:
            self.input_shape = (None,) + tuple(input_shape[1:])
        if self.input_shape is None:
            raise ValueError(f"Model {self.name!r} does not know its input shape yet: give "
                             "the first layer input_shape=..., start with Input(shape=...), or "
                             "call fit/predict with data.")
        if not self._layers:
            raise ValueError(f"Model {self.name!r} has no layers.")
        given = self._input_layer
        if given is not None and given.input_shape == tuple(self.input_shape):
            source = given
        else:  # named after the model, so that it takes no automatic name from the user's
            source = InputLayer(shape=self.input_shape[1:], name=f"{self.name}_input",
                                dtype=self.dtype)
        x = source.output
        for layer in self._layers:
            x = layer(x)
        self._set_graph(source.output, x)
        self._make_buffer()

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable,
                "input_shape": None if self.input_shape is None else list(self.input_shape[1:]),
                "layers": [serialize_layer(layer) for layer in self._layers]}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        if not isinstance(config.get("layers"), list):
            raise ValueError("A Sequential config holds its layers as a list under 'layers', "
                             f"got {config.get('layers')!r:.80}.")
        model = cls(name=config.get("name"))
        if config.get("input_shape") is not None:
            model.input_shape = (None,) + sample_shape(config["input_shape"])
        for spec in config["layers"]:
            model.add(deserialize_layer(spec, custom_objects))
        if config.get("trainable") is False:
            model.trainable = False
        return model


MODEL_CLASSES["Sequential"] = Sequential
