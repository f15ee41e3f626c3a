"""Custom layers, activations and losses: ``@numpynn.register()`` or ``custom_objects=``."""
import numpy as np
import pytest

import numpynn as keras
from numpynn import activations, layers, losses, registry
from numpynn.registry import UnknownObjectError
from numpynn.saving import ModelFileError


class Scale(layers.Layer):
    """y = x * w (one weight per feature)."""

    def __init__(self, init=1.0, **kwargs):
        super().__init__(**kwargs)
        self.init = float(init)

    def build(self, input_shape):
        self.add_weight("w", (input_shape[-1],), initializer="ones")
        self.params["w"] *= self.init

    def forward(self, x, training=False):
        self._x = x
        return x * self.params["w"]

    def backward(self, grad_out):
        np.sum(grad_out * self._x, axis=0, out=self.grads["w"])
        return grad_out * self.params["w"]

    def get_config(self):
        return {**super().get_config(), "init": self.init}


class Cube(activations.ActivationFunction):
    """y = x^3;  dy/dx = 3 x^2."""
    name = "cube"
    needs_input = True

    def forward(self, x):
        return x * x * x

    def _slope(self, x, y):
        return 3 * x * x


class HalfMSE(losses.Loss):
    """L = mean((p - y)^2) / 2;  dL/dp = (p - y) / (batch * outputs)."""
    name = "half_mse"

    def call(self, y_true, y_pred):
        return 0.5 * np.mean((y_pred - y_true) ** 2, axis=-1)

    def gradient(self, y_true, y_pred):
        y_true = losses._as_2d(y_true, y_pred)
        return (y_pred - y_true) / y_pred.size


def _custom_model():
    model = keras.Sequential([keras.Input(shape=(3,)), Scale(2.0),
                              keras.layers.Dense(2, activation=Cube())])
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss=HalfMSE())
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    model.fit(x, np.zeros((16, 2), "float32"), epochs=1, verbose=0)
    return model, x


def test_unknown_class_error_surfaces_registry_message_unchanged(tmp_path):
    model, _ = _custom_model()
    model.save(tmp_path / "m.npnn")
    with pytest.raises(registry.UnknownObjectError) as caught:
        registry.lookup("Scale", "layer", layers.ALL)
    expected = str(caught.value)
    with pytest.raises(ModelFileError) as error:
        keras.models.load_model(tmp_path / "m.npnn")
    assert isinstance(error.value, UnknownObjectError)
    assert str(error.value) == expected
    assert "@numpynn.register()" in expected and "custom_objects={'Scale'" in expected


def test_custom_objects_load_layer_activation_and_loss(tmp_path):
    model, x = _custom_model()
    model.save(tmp_path / "m.npnn")
    loaded = keras.models.load_model(
        tmp_path / "m.npnn", custom_objects={"Scale": Scale, "Cube": Cube, "HalfMSE": HalfMSE})
    assert isinstance(loaded.layers[0], Scale) and loaded.layers[0].init == 2.0
    assert isinstance(loaded.layers[1].activation, Cube)
    assert isinstance(loaded.loss, HalfMSE)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_missing_custom_loss_is_named(tmp_path):
    model, _ = _custom_model()
    model.save(tmp_path / "m.npnn")
    with pytest.raises(UnknownObjectError, match="Unknown loss 'HalfMSE'"):
        keras.models.load_model(tmp_path / "m.npnn",
                                custom_objects={"Scale": Scale, "Cube": Cube})
    # without compiling, the loss is not needed
    keras.models.load_model(tmp_path / "m.npnn", compile=False,
                            custom_objects={"Scale": Scale, "Cube": Cube})


def test_registered_classes_need_no_custom_objects(tmp_path):
    @keras.register()
    class RegisteredScale(Scale):
        pass

    model = keras.Sequential([keras.Input(shape=(3,)), RegisteredScale(3.0)])
    model.save(tmp_path / "m.npnn")
    loaded = keras.models.load_model(tmp_path / "m.npnn")
    assert type(loaded.layers[0]) is RegisteredScale
    np.testing.assert_array_equal(loaded.layers[0].params["w"], [3.0, 3.0, 3.0])


def test_model_from_json_takes_custom_objects():
    model, _ = _custom_model()
    rebuilt = keras.models.model_from_json(model.to_json(),
                                           custom_objects={"Scale": Scale, "Cube": Cube})
    assert isinstance(rebuilt.layers[1].activation, Cube)
    with pytest.raises(UnknownObjectError, match="'Scale'"):
        keras.models.model_from_json(model.to_json())
