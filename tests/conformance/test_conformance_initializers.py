"""Every initializer of keras.initializers against Keras 3: the same config keys and
defaults, the same values where they are fixed (Zeros, Constant, Identity, STFT...), and
otherwise the same distribution: a two-sample Kolmogorov-Smirnov test on tens of thousands
of draws, plus their bounds (``tables.INITIALIZERS``)."""
import numpy as np
import pytest

from numpynn import initializers
from tests import references
from tests.conformance.tables import CONFIG_DIFFERENCES, DETERMINISTIC, INITIALIZERS

# The KS statistic of two samples of n draws of one distribution exceeds
# c sqrt(2 / n) with probability 2 exp(-2 c^2): 1e-7 for c = 2.9.
KS_C = 2.9


def ks_statistic(a, b):
    """Largest distance between the empirical distribution functions of a and b."""
    a, b = np.sort(a.ravel()), np.sort(b.ravel())
    points = np.concatenate([a, b])
    return np.max(np.abs(np.searchsorted(a, points, side="right") / a.size
                         - np.searchsorted(b, points, side="right") / b.size))


def bounded(case):
    """Whether the case draws from a bounded distribution (uniform or truncated normal)."""
    name, kwargs, _ = INITIALIZERS[case]
    return name not in ("RandomNormal", "Orthogonal") and \
        kwargs.get("distribution") != "untruncated_normal"


def draws(case):
    keras = references.keras()
    name, kwargs, shape = INITIALIZERS[case]
    theirs = np.asarray(getattr(keras.initializers, name)(**kwargs)(shape, dtype="float64"))
    ours = getattr(initializers, name)(**kwargs)(shape, dtype="float64")
    assert ours.shape == theirs.shape == shape and ours.dtype == np.float64
    return ours, theirs


@pytest.mark.parametrize("case", sorted(c for c in INITIALIZERS
                                        if INITIALIZERS[c][0] in DETERMINISTIC))
def test_fixed_values_equal_keras(case):
    ours, theirs = draws(case)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("case", sorted(c for c in INITIALIZERS
                                        if INITIALIZERS[c][0] not in DETERMINISTIC))
def test_distribution_equals_keras(case):
    ours, theirs = draws(case)
    statistic, limit = ks_statistic(ours, theirs), KS_C * np.sqrt(2.0 / ours.size)
    assert statistic < limit, f"Kolmogorov-Smirnov distance {statistic:.4f} > {limit:.4f}"
    if bounded(case):  # the same support: ends within 1% of the range of each other
        spread = theirs.max() - theirs.min()
        np.testing.assert_allclose([ours.min(), ours.max()], [theirs.min(), theirs.max()],
                                   rtol=0, atol=0.01 * spread)
    if INITIALIZERS[case][0] == "Orthogonal":  # orthonormal rows or columns, times gain
        gain = INITIALIZERS[case][1].get("gain", 1.0)
        flat = ours.reshape(-1, ours.shape[-1])
        small = flat.T @ flat if flat.shape[0] >= flat.shape[1] else flat @ flat.T
        np.testing.assert_allclose(small, gain ** 2 * np.eye(len(small)), atol=1e-10)


def test_the_distribution_check_tells_distributions_apart():
    """The check above fails for a variance off by 10%, and for a normal against a uniform
    of the same variance."""
    rng = np.random.default_rng(0)
    normal = rng.normal(size=60_000)
    limit = KS_C * np.sqrt(2.0 / normal.size)
    assert ks_statistic(normal, 1.1 * rng.normal(size=60_000)) > limit
    assert ks_statistic(normal, rng.uniform(-np.sqrt(3), np.sqrt(3), 60_000)) > limit
    assert ks_statistic(normal, rng.normal(size=60_000)) < limit


@pytest.mark.parametrize("name", sorted({case[0] for case in INITIALIZERS.values()}))
def test_config_keys_and_defaults_equal_keras(name):
    keras = references.keras()
    expected = getattr(keras.initializers, name)().get_config()
    ours = getattr(initializers, name)()
    config = ours.get_config()
    clone = initializers.deserialize(initializers.serialize(ours))
    assert type(clone) is type(ours) and clone.get_config() == config
    if name in CONFIG_DIFFERENCES:
        config = {k: v for k, v in config.items() if k in expected}
    assert config == expected


def test_variance_scaling_arguments_are_checked_as_in_keras():
    with pytest.raises(ValueError, match="positive"):
        initializers.VarianceScaling(scale=0.0)
    with pytest.raises(ValueError, match="distribution"):
        initializers.VarianceScaling(distribution="cauchy")
    assert initializers.VarianceScaling(distribution="Normal").distribution == "truncated_normal"
    with pytest.raises(ValueError, match="window"):
        initializers.STFT(window="kaiser")
    with pytest.raises(ValueError, match="frame_length"):
        initializers.STFT(window=[1.0, 2.0])((4, 1, 3))
