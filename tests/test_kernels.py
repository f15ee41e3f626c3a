"""The compiled kernels (``NUMPYNN_KERNELS=numba``, the ``[fast]`` extra) compute what the
NumPy reference computes: the same arrays from the kernels, the same training from models."""
import subprocess
import sys

import numpy as np
import pytest

import numpynn as keras
from numpynn import kernels, layers
from numpynn.layers import conv_utils, pooling_windows
from numpynn.layers.preprocessing import affine_sampler

pytest.importorskip("numba", reason="the compiled kernels need Numba: pip install numpynn[fast]")
from numpynn.kernels import compiled  # noqa: E402


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kernel, strides, dilation", [((3, 3), (1, 1), (1, 1)),
                                                       ((2, 3), (2, 1), (1, 1)),
                                                       ((3, 1), (1, 1), (2, 1))])
def test_col2im_equals_the_reference(dtype, kernel, strides, dilation):
    rng = np.random.default_rng(0)
    xp = rng.normal(size=(3, 9, 8, 5)).astype(dtype)
    out = tuple((n - (k - 1) * d - 1) // s + 1 for n, k, s, d in zip((9, 8), kernel, strides,
                                                                       dilation))
    shape = (3,) + out + kernel + (5,)
    cols = rng.normal(size=shape).astype(dtype)
    expected = conv_utils.col2im(cols, kernel, strides, dilation, np.empty_like(xp))
    got = compiled.col2im(cols, kernel, strides, dilation, np.full_like(xp, np.nan))
    np.testing.assert_array_equal(got, expected)  # same terms, added in the same order


@pytest.mark.parametrize("pool, strides, padding", [((2, 2), (2, 2), "valid"),
                                                    ((3, 3), (1, 1), "same"),
                                                    ((2, 3), (2, 1), "valid")])
def test_max_pooling_equals_the_reference_with_ties(pool, strides, padding):
    rng = np.random.default_rng(1)
    x = rng.integers(-2, 3, size=(4, 7, 9, 3)).astype(np.float32)  # many ties
    windows = pooling_windows.Windows((7, 9), pool, strides, padding)
    xp = windows.pad(x, -np.inf, np.empty(windows.padded_shape(x), np.float32))
    y_ref = pooling_windows.max_pool(xp, windows, np.empty(windows.output_shape(xp), np.float32))
    y = compiled.max_pool(xp, windows, np.empty_like(y_ref))
    np.testing.assert_array_equal(y, y_ref)
    grad = rng.normal(size=y.shape).astype(np.float32)
    expected = pooling_windows.max_pool_backward(grad, xp, y, windows, np.empty_like(xp))
    got = compiled.max_pool_backward(grad, xp, y, windows, np.full_like(xp, np.nan))
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)  # overlaps: sum order
    # the same, from the positions noted while pooling instead of comparing x with y
    where = np.full(y.shape, 77, np.uint8)
    np.testing.assert_array_equal(compiled.max_pool_where(xp, windows, np.empty_like(y), where),
                                  y_ref)
    got = compiled.max_pool_backward_where(grad, where, windows, np.full_like(xp, np.nan))
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)
    # with a fused ReLU's slope: as ReLU's backward and then the reference
    y_relu = np.maximum(y, 0)
    expected = pooling_windows.max_pool_backward(grad * (y_relu > 0), xp, y, windows,
                                                 np.empty_like(xp))
    got = compiled.max_pool_backward_where(grad, where, windows, np.full_like(xp, np.nan),
                                           relu_of=y_relu)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)
    for backward in (pooling_windows.max_pool_backward, compiled.max_pool_backward):
        got = backward(grad, xp, y_relu, windows, np.full_like(xp, np.nan), relu_of=y_relu)
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)


def test_max_pooling_keeps_nan_as_numpy_does():
    x = np.zeros((1, 2, 2, 1), np.float32)
    x[0, 1, 0, 0] = np.nan
    windows = pooling_windows.Windows((2, 2), (2, 2), (2, 2), "valid")
    assert np.isnan(compiled.max_pool(x, windows, np.empty((1, 1, 1, 1), np.float32))).all()
    where = np.zeros((1, 1, 1, 1), np.uint8)
    y = compiled.max_pool_where(x, windows, np.empty((1, 1, 1, 1), np.float32), where)
    assert np.isnan(y).all() and where[0, 0, 0, 0] == compiled.NO_WINNER
    grad = np.ones_like(y)
    np.testing.assert_array_equal(  # no pixel equals NaN: no gradient, as the reference
        compiled.max_pool_backward_where(grad, where, windows, np.full_like(x, 5)),
        pooling_windows.max_pool_backward(grad, x, y, windows, np.full_like(x, 5)))


def test_a_training_max_pooling_notes_its_maxima_only_on_the_compiled_kernels():
    layer = layers.MaxPooling2D(2)
    x = np.random.default_rng(2).normal(size=(2, 4, 4, 3)).astype(np.float32)
    with kernels.use("numba"):
        layer(x, training=True)
        assert layer._where is not None
        layer(x)  # inference: nothing noted
        assert layer._where is None
    with kernels.use("numpy"):
        layer(x, training=True)
        assert layer._where is None


def random_transforms(rng, batch, height, width, projective=False):
    """Rotations by up to a half turn, zooms 0.5-2 and shifts of up to twice the size."""
    matrices = affine_sampler.about_center(
        affine_sampler.rotation(rng.uniform(-np.pi, np.pi, batch))
        @ affine_sampler.scaling(rng.uniform(0.5, 2, batch), rng.uniform(0.5, 2, batch))
        @ affine_sampler.shift(rng.uniform(-2, 2, batch) * width,
                               rng.uniform(-2, 2, batch) * height), height, width)
    transforms = affine_sampler.to_transforms(matrices)
    if projective:
        transforms[:, 6:] = rng.uniform(-0.01, 0.01, (batch, 2))
    return transforms


@pytest.mark.parametrize("fill_mode", affine_sampler.FILL_MODES)
@pytest.mark.parametrize("interpolation", affine_sampler.INTERPOLATIONS)
@pytest.mark.parametrize("projective", [False, True])
def test_warp_taps_and_gather_are_the_references(fill_mode, interpolation, projective):
    rng = np.random.default_rng(3)
    shape = (5, 9, 13, 3)
    transforms = random_transforms(rng, 5, 9, 13, projective)
    expected = affine_sampler.warp_taps(shape, transforms, interpolation, fill_mode)
    got = compiled.warp_taps(shape, transforms, interpolation, fill_mode)
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1])
    flat = rng.uniform(0, 255, (5 * 9 * 13 + 1, 3)).astype(np.float32)
    np.testing.assert_array_equal(compiled.warp_gather(flat, *expected),
                                  affine_sampler.gather(flat, *expected))


def test_augmentation_layers_give_the_same_images_with_either_kernels():
    images = np.random.default_rng(4).uniform(0, 255, (6, 16, 12, 2)).astype(np.float32)
    outputs = []
    for name in ("numpy", "numba"):
        stack = [layers.RandomRotation(0.2, seed=1), layers.RandomZoom(0.3, seed=2,
                                                                       fill_mode="constant",
                                                                       fill_value=7.0),
                 layers.RandomTranslation(0.3, 0.3, seed=3, fill_mode="wrap")]
        with kernels.use(name):
            x = images
            for layer in stack:
                x = layer(x, training=True)
        outputs.append(x)
    np.testing.assert_array_equal(outputs[0], outputs[1])


def convnet():
    return keras.Sequential([
        keras.Input(shape=(12, 10, 2)),
        layers.Conv2D(6, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(5, 3, padding="same", strides=2, activation="relu"),
        layers.MaxPooling2D(3, strides=1, padding="same"),
        layers.Flatten(),
        layers.Dense(4, activation="softmax"),
    ])


def trained(name):
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(40, 12, 10, 2)).astype(np.float32), rng.integers(0, 4, 40)
    with kernels.use(name):
        model = convnet()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        history = model.fit(x, y, batch_size=16, epochs=3, verbose=0)
        return model.get_weights(), history.history["loss"], model.predict(x, verbose=0)


def test_training_with_either_kernels_gives_the_same_model():
    numba_run, numpy_run = trained("numba"), trained("numpy")
    for a, b in zip(numba_run[0], numpy_run[0]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(numba_run[1], numpy_run[1], rtol=1e-6)
    np.testing.assert_allclose(numba_run[2], numpy_run[2], rtol=1e-5, atol=1e-6)


def test_the_backend_follows_the_environment_and_rejects_unknown_names(monkeypatch):
    monkeypatch.setenv("NUMPYNN_KERNELS", "numpy")
    assert kernels.backend() == "numpy"
    assert kernels.select(conv_utils.col2im, "col2im") is conv_utils.col2im
    monkeypatch.setenv("NUMPYNN_KERNELS", "numba")
    assert kernels.select(conv_utils.col2im, "col2im") is compiled.col2im
    with kernels.use("numpy"):
        assert kernels.backend() == "numpy"
    monkeypatch.setenv("NUMPYNN_KERNELS", "cuda")
    with pytest.raises(ValueError, match="numpy, numba"):
        kernels.backend()


def test_importing_numpynn_does_not_import_numba():
    code = "import sys, numpynn; print('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("name", kernels.BACKENDS)
@pytest.mark.parametrize("make", [
    lambda: layers.Conv2D(3, (3, 2), strides=2, padding="same", activation="tanh"),
    lambda: layers.Conv2D(2, 3, dilation_rate=2),
    lambda: layers.Conv2D(3, 1),
    lambda: layers.Conv1D(2, 3, strides=2, padding="causal"),
    lambda: layers.MaxPooling2D(3, strides=2, padding="same"),
    lambda: layers.MaxPooling2D(2),
])
def test_gradients_are_right_with_either_kernels(name, make):
    layer = make()
    x = np.random.default_rng(3).normal(size=(2, 7, 9, 2)[-layer.rank - 2:])
    with kernels.use(name):
        result = keras.utils.gradient_check(layer, x)
    assert result.passed, repr(result)
