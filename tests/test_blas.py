"""``numpynn.blas``: the BLAS's axpy/axpby agree with the NumPy formulas they replace."""
import numpy as np
import pytest

from numpynn import blas, optimizers


@pytest.fixture
def numpy_only(monkeypatch):
    monkeypatch.setattr(blas, "ENABLED", False)


#: how closely one float computation of a x + b y matches another, by dtype
TOLERANCE = {np.float32: {"rtol": 1e-6, "atol": 1e-6}, np.float64: {"rtol": 1e-14, "atol": 1e-14}}


def vectors(dtype, n=100_003, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=n).astype(dtype), rng.normal(size=n).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_axpy_and_axpby_compute_their_formulas(dtype):
    x, y = vectors(dtype)
    tolerance = TOLERANCE[dtype]
    expected = (y.astype(np.float64) - 0.25 * x).astype(dtype)
    np.testing.assert_allclose(blas.axpy(-0.25, x, y.copy()), expected, **tolerance)
    expected = (0.3 * x.astype(np.float64) + 0.9 * y).astype(dtype)
    np.testing.assert_allclose(blas.axpby(0.3, x, 0.9, y.copy()), expected, **tolerance)


@pytest.mark.parametrize("writeable", [True, False])
def test_inputs_are_read_by_address_writable_or_not(writeable):
    """Writable arrays are handed to the BLAS through a ctypes view of their buffer, others
    by ``array.ctypes.data``: both read the same numbers, slices included."""
    x, y = vectors(np.float32, n=1_000)
    x = x[100:900]
    x.flags.writeable = writeable
    expected = (y[:800].astype(np.float64) + 2.0 * x).astype(np.float32)
    np.testing.assert_allclose(blas.axpy(2.0, x, y[:800].copy()), expected,
                               **TOLERANCE[np.float32])
    np.testing.assert_allclose(blas.axpby(2.0, x, 1.0, y[:800].copy()), expected,
                               **TOLERANCE[np.float32])
    assert blas._address(x) == x.ctypes.data


def test_the_blas_is_found_beside_numpys_openblas():
    """NumPy's wheels for Linux ship OpenBLAS with the ``scipy_cblas_*`` symbols."""
    try:
        config = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    except TypeError:  # NumPy before 1.26 cannot return its build configuration
        pytest.skip(f"NumPy {np.__version__} does not say which BLAS it is built on")
    if config.get("name") != "scipy-openblas":
        pytest.skip(f"NumPy is built on {config.get('name')!r}, not scipy-openblas")
    assert blas.available()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_both_ways_give_the_same_numbers(dtype, monkeypatch):
    x, y = vectors(dtype)
    results = {}
    for enabled in (True, False):
        monkeypatch.setattr(blas, "ENABLED", enabled)
        results[enabled] = (blas.axpy(1.5, x, y.copy()), blas.axpby(-2.0, x, 0.5, y.copy()))
    for with_blas, with_numpy in zip(results[True], results[False]):
        np.testing.assert_allclose(with_blas, with_numpy, **TOLERANCE[dtype])


def test_arrays_the_blas_cannot_take_go_through_numpy():
    x, y = vectors(np.float32, n=1000)
    strided = y.copy()[::2]
    expected = strided + 2 * x[::2]
    np.testing.assert_allclose(blas.axpy(2.0, x[::2], strided), expected, rtol=1e-6)
    matrix = y.copy().reshape(10, 100)
    np.testing.assert_allclose(blas.axpby(1.0, x.reshape(10, 100), 0.5, matrix),
                               0.5 * y.reshape(10, 100) + x.reshape(10, 100), rtol=1e-6)
    mixed = y.astype(np.float64)
    np.testing.assert_allclose(blas.axpy(-1.0, x, mixed), y.astype(np.float64) - x, rtol=1e-12)


def test_numpy_path_computes_in_place(numpy_only):
    x, y = vectors(np.float32, n=10)
    target = y.copy()
    assert blas.axpby(1.0, x, 0.5, target) is target
    np.testing.assert_allclose(target, 0.5 * y + x, rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("enabled", [True, False])
def test_add_row_adds_the_row_to_every_row(dtype, enabled, monkeypatch):
    monkeypatch.setattr(blas, "ENABLED", enabled)
    rng = np.random.default_rng(1)
    for shape in [(300, 200), (3, 5)]:  # above and below ADD_ROW_MIN_SIZE
        a, row = rng.normal(size=shape).astype(dtype), rng.normal(size=shape[1]).astype(dtype)
        expected = a + row
        assert blas.add_row(row, a) is a
        np.testing.assert_array_equal(a, expected)  # one addition per value: exact


def test_add_row_takes_the_blas_path_for_large_contiguous_matrices(monkeypatch):
    if not blas.available():
        pytest.skip("NumPy's OpenBLAS symbols were not found: add_row uses NumPy only")
    calls = []
    real = blas._FUNCTIONS["ger", np.dtype(np.float32)]
    monkeypatch.setitem(blas._FUNCTIONS, ("ger", np.dtype(np.float32)),
                        lambda *args: calls.append(args) or real(*args))
    a = np.zeros((blas.ADD_ROW_MIN_SIZE // 64, 64), np.float32)
    row = np.arange(64, dtype=np.float32)
    blas.add_row(row, a)
    blas.add_row(row[:32], a[:, :32])                # not contiguous: NumPy
    blas.add_row(row.astype(np.float64), a.copy())   # mixed dtypes: NumPy
    blas.add_row(row[:8], np.zeros((4, 8), np.float32))  # small: NumPy
    assert len(calls) == 1
    np.testing.assert_array_equal(a[:, 32:], np.broadcast_to(row[32:], (len(a), 32)))
    np.testing.assert_array_equal(a[:, :32], 2 * np.broadcast_to(row[:32], (len(a), 32)))


STEP_CASES = [
    ("SGD", {}), ("SGD", {"momentum": 0.9}), ("SGD", {"momentum": 0.9, "nesterov": True}),
    ("SGD", {"momentum": 0.9, "convention": "torch"}),
    ("SGD", {"momentum": 0.9, "nesterov": True, "convention": "torch"}),
    ("RMSprop", {}), ("RMSprop", {"momentum": 0.9, "centered": True}),
    ("RMSprop", {"momentum": 0.9, "convention": "torch"}),
    ("Adagrad", {}), ("Adadelta", {"learning_rate": 1.0}), ("Adam", {}),
    ("Adam", {"amsgrad": True, "convention": "torch"}), ("AdamW", {}), ("Nadam", {}),
    ("Adamax", {}),
]


@pytest.mark.parametrize("name, kwargs", STEP_CASES)
def test_float32_steps_agree_with_and_without_the_blas(name, kwargs, monkeypatch):
    """Fifty float32 steps of every optimizer, with the BLAS and with NumPy alone."""
    initial = np.random.default_rng(1).normal(size=70_000).astype(np.float32)
    final = {}
    for enabled in (True, False):
        monkeypatch.setattr(blas, "ENABLED", enabled)
        rng = np.random.default_rng(2)
        params = initial.copy()
        optimizer = optimizers.ALL[name](**kwargs)
        optimizer.build(params)
        for _ in range(50):
            grads = 0.1 * params + rng.normal(size=params.size).astype(np.float32)
            optimizer.apply(params, grads)
        final[enabled] = params
    assert np.abs(final[True] - initial).max() > 1e-3, "the optimizer did not move"
    np.testing.assert_allclose(final[True], final[False], rtol=1e-4, atol=1e-5)


def test_dense_adds_its_bias_through_add_row_on_large_batches():
    from numpynn import layers
    rng = np.random.default_rng(2)
    x = rng.normal(size=(1024, 40)).astype(np.float32)
    layer = layers.Dense(64, bias_initializer="random_normal")
    y = layer(x)
    assert y.size >= blas.ADD_ROW_MIN_SIZE and np.abs(layer.bias).min() > 0
    np.testing.assert_allclose(y, x @ layer.kernel + layer.bias, rtol=1e-5, atol=1e-6)
