"""The numpynn model a Keras file describes: config translated, budget checked, layers
built, weights placed, optimizer and loss compiled. Shared by the ``.keras`` and the
legacy ``.h5`` readers, which differ only in where each layer's arrays lie."""
from numpynn import backend
from numpynn.interop.keras_config import KerasFileError, compile_from_keras, model_from_keras
from numpynn.layers.base import WeightAllowanceError
from numpynn.registry import UnknownObjectError
from numpynn.saving import budget, config
from numpynn.saving.errors import ModelFileError


def keras_layer_paths(class_names):
    """Where Keras 3 keeps each layer's variables in ``model.weights.h5``: ``layers/`` and
    the snake-cased class name, numbered from the second of a class on (``dense_1``)."""
    used, paths = {}, []
    for class_name in class_names:
        name = backend.to_snake_case(class_name)
        if name in used:
            used[name] += 1
            name = f"{name}_{used[name]}"
        else:
            used[name] = 0
        paths.append(f"layers/{name}")
    return paths


def _model(spec, what):
    try:
        return config.model_from_config(spec)
    except UnknownObjectError as err:
        raise KerasFileError(f"{what}: {err}") from err
    except Exception as err:  # a bad argument value: the layer's own message
        raise KerasFileError(f"{what} describes a layer numpynn cannot build "
                             f"({type(err).__name__}: {err}).") from err


class KerasModelReader:
    """Reads the parts of a Keras model file in a safe order.

    Args:
        model_config: the Keras model config (``config.json`` or ``model_config``).
        compile_config: Keras' ``compile_config`` / ``training_config``, or ``None``.
        what: how messages name the file.
    """

    def __init__(self, model_config, compile_config, what):
        self.what = what
        try:
            self.spec, self.class_names = model_from_keras(model_config)
            self.compile_spec = compile_from_keras(compile_config)
        except KerasFileError as err:
            raise KerasFileError(f"{what}: {err}") from err

    def model(self, present_bytes):
        """The model, built, its weights not yet filled: each weight is checked against the
        ``present_bytes`` of arrays the file holds (and the absolute cap) before it is
        allocated (:mod:`numpynn.saving.budget`)."""
        state = backend.rng().bit_generator.state
        try:
            with budget.limit(present_bytes, self.what):
                model = _model(self.spec, self.what)
                try:
                    model.build()
                except (ModelFileError, WeightAllowanceError):
                    raise  # the budget's refusal, reworded by ``budget.limit``
                except Exception as err:
                    raise KerasFileError(f"{self.what}: numpynn cannot build the model "
                                         f"({type(err).__name__}: {err}).") from err
        finally:
            backend.rng().bit_generator.state = state
        return model

    def fill(self, model, arrays_of_layer, compile=True):
        """Put the file's weights into ``model``, taken from ``arrays_of_layer(index,
        layer)``: the list of arrays (validated against the layer's shapes by the caller) for
        each layer; then compile it where the file has compile settings."""
        for index, layer in enumerate(model.layers):
            arrays = arrays_of_layer(index, layer)
            for (_, target), value in zip(layer.named_weights(), arrays):
                target[...] = value
        if compile and self.compile_spec is not None:
            self._compile(model)
        return model

    def _compile(self, model):
        try:
            config.compile_from_config(model, self.compile_spec)
        except (ModelFileError, UnknownObjectError, ValueError, TypeError) as err:
            raise KerasFileError(f"{self.what}: numpynn cannot use the compile settings "
                                 f"({type(err).__name__}: {err}).") from err
