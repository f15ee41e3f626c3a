"""The numpynn model a Keras file describes: config translated, budget checked, layers
built, weights placed, optimizer and loss compiled. Shared by the ``.keras`` and the
legacy ``.h5`` readers, which differ only in where each layer's arrays lie."""
from numpynn import backend
from numpynn.interop.keras_config import KerasFileError, compile_from_keras
from numpynn.interop.keras_model_config import model_from_keras
from numpynn.layers.base import WeightAllowanceError
from numpynn.models.weights import ModelWeights
from numpynn.registry import UnknownObjectError
from numpynn.saving import budget, config
from numpynn.saving.errors import ModelFileError


def keras_class_name(layer):
    """The Keras class a numpynn layer or model is saved as."""
    name = type(layer).__name__
    return "Functional" if name == "Model" else name


def keras_weight_paths(model, prefix="layers"):
    """``[(path, leaf layer)]``: where Keras 3 keeps each layer's variables in
    ``model.weights.h5``, ``<prefix>/`` and the snake-cased class name, numbered from the
    second of a class on (``dense_1``) within each model; a nested model's layers lie under
    its own path (``layers/sequential/layers/dense``). Layers without weights are listed
    too (Keras writes an empty group for each)."""
    used, paths = {}, []
    for layer in model.layers:
        name = backend.to_snake_case(keras_class_name(layer))
        if name in used:
            used[name] += 1
            name = f"{name}_{used[name]}"
        else:
            used[name] = 0
        if isinstance(layer, ModelWeights):
            paths += keras_weight_paths(layer, f"{prefix}/{name}/layers")
        else:
            paths.append((f"{prefix}/{name}", layer))
    return paths


def weight_targets(layer):
    """``[(name, array)]`` the file's arrays for ``layer`` go into: its own weights, or for
    a model all its layers' weights in ``get_weights`` order (as Keras lists them)."""
    if isinstance(layer, ModelWeights):
        return [(f"{leaf.name}/{name}", value) for leaf in layer._leaf_layers()
                for name, value in leaf.named_weights()]
    return layer.named_weights()


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
            self.spec = model_from_keras(model_config)
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

    def fill(self, model, pairs, compile=True):
        """Put the file's weights into ``model``: ``pairs`` of (target array, value read
        from the file and checked against the target's shape by the caller); then compile
        it where the file has compile settings."""
        for target, value in pairs:
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
