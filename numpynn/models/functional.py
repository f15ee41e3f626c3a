"""``Functional``: the class of ``Model(inputs, outputs)``, and its config.

A functional model's config lists its layers, each with the calls it made in this model
(``inbound_nodes``), each call given by the tensors it took: ``[layer name, call index,
output index]`` (a list of those for a layer called on a list). ``from_config`` makes the
layers and repeats the calls, each once the tensors it needs exist::

    {"name": "siamese", "trainable": true,
     "layers": [{"class_name": "InputLayer", "config": {...}, "inbound_nodes": []},
                {"class_name": "Sequential", "config": {...},
                 "inbound_nodes": [["a", 0, 0], ["b", 0, 0]]},           # called twice
                {"class_name": "Subtract", "config": {...},
                 "inbound_nodes": [[["encoder", 0, 0], ["encoder", 1, 0]]]}, ...],
     "input_layers": [["a", 0, 0], ["b", 0, 0]],
     "output_layers": ["head", 0, 0]}
"""
from numpynn.layers.input_layer import InputLayer
from numpynn.models.model import Model
from numpynn.models.serialization import MODEL_CLASSES, deserialize_layer, serialize_layer


class Functional(Model):
    """A model made from tensors: ``Model(inputs, outputs)`` (see ``Model``)."""

    def __init__(self, inputs=None, outputs=None, name=None, trainable=None):
        if inputs is None or outputs is None:
            raise ValueError("Model(inputs, outputs) needs both the input tensor(s) and the "
                             "output tensor(s): x = Input(shape=...), y = layers called on x, "
                             "then Model(x, y). (A Model subclass with its own call() is not "
                             "supported: numpynn needs the graph to run backward.)")
        super().__init__(inputs, outputs, name=name, trainable=trainable)

    def get_config(self):
        local = {}  # node id -> index of the call among this model's calls of its layer
        members = {id(node) for node in self.graph_nodes} | {id(t.node) for t in self.inputs}
        for layer in self.layers:
            calls = [node for node in layer.inbound_nodes if id(node) in members]
            local.update({id(node): i for i, node in enumerate(calls)})

        def history(tensor):
            return [tensor.node.layer.name, local[id(tensor.node)], tensor.index]

        layers = []
        for layer in self.layers:
            calls = [node for node in layer.inbound_nodes
                     if id(node) in members and not node.is_input]
            layers.append({**serialize_layer(layer), "inbound_nodes": [
                [history(t) for t in node.inputs] if node.as_list else history(node.inputs[0])
                for node in calls]})
        return {"name": self.name, "trainable": self.trainable, "layers": layers,
                "input_layers": self._input_structure.config(history),
                "output_layers": self._output_structure.config(history)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        made = {}  # (layer name, call index) -> output tensors
        waiting = []  # (layer, call index, inbound spec)
        for spec in config["layers"]:
            layer = deserialize_layer({"class_name": spec["class_name"],
                                       "config": spec["config"]}, custom_objects)
            if isinstance(layer, InputLayer):  # its tensor exists already
                made[(layer.name, 0)] = [layer.output]
            waiting += [(layer, i, inbound) for i, inbound in enumerate(spec["inbound_nodes"])]

        def tensor(history):
            name, call, index = history
            return made[(name, call)][index]

        def ready(layer, call, inbound):
            histories = [inbound] if isinstance(inbound[0], str) else inbound
            return (call == 0 or (layer.name, call - 1) in made) and all(
                (name, i) in made for name, i, _ in histories)

        while waiting:
            still = []
            for layer, call, inbound in waiting:
                if not ready(layer, call, inbound):
                    still.append((layer, call, inbound))
                    continue
                args = tensor(inbound) if isinstance(inbound[0], str) else \
                    [tensor(h) for h in inbound]
                out = layer(args)
                made[(layer.name, call)] = out if isinstance(out, list) else [out]
            if len(still) == len(waiting):
                names = sorted({layer.name for layer, _, _ in still})
                raise ValueError(f"The model config's calls of {names} take tensors no layer "
                                 "of the config makes.")
            waiting = still
        model = cls(_unpack(config["input_layers"], tensor),
                    _unpack(config["output_layers"], tensor), name=config.get("name"))
        if config.get("trainable") is False:
            model.trainable = False
        return model


def _unpack(structure, tensor):
    """The tensors a config's ``input_layers``/``output_layers`` entry names, in its form."""
    if isinstance(structure, dict):
        return {key: tensor(history) for key, history in structure.items()}
    if structure and isinstance(structure[0], str):
        return tensor(structure)
    return [tensor(history) for history in structure]


MODEL_CLASSES["Functional"] = MODEL_CLASSES["Model"] = Functional
