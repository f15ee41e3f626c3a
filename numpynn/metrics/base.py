"""The metric base class and the reduction metrics: ``Mean``, ``Sum``, ``MeanMetricWrapper``.

A metric keeps running state (plain NumPy numbers and arrays) over batches:
``update_state(y_true, y_pred, sample_weight=None)`` adds a batch, ``result()`` reads the
value, ``reset_state()`` starts again. ``fit`` and ``evaluate`` reset their metrics at the
start of each epoch, so a stateful metric such as ``AUC`` is computed over the whole epoch.
"""
import numpy as np

from numpynn import backend, registry

#: metric functions by name (``binary_accuracy``, ``hinge``, ...), filled by ``metric_function``
FUNCTIONS = {}


def metric_function(fn):
    """Record a per-sample metric function so that configs can name it."""
    FUNCTIONS[fn.__name__] = fn
    return fn


def same_rank(x1, x2, expand_rank_1=True):
    """Keras' rule for arrays whose ranks differ by one: squeeze the trailing axis of size 1
    of the larger one, or (when the smaller is 1-D and ``expand_rank_1``) expand the smaller."""
    if x1.ndim == x2.ndim + 1 and x1.shape[-1] == 1:
        if x2.ndim == 1 and expand_rank_1:
            x2 = x2[:, None]
        else:
            x1 = x1[..., 0]
    if x2.ndim == x1.ndim + 1 and x2.shape[-1] == 1:
        if x1.ndim == 1 and expand_rank_1:
            x1 = x1[:, None]
        else:
            x2 = x2[..., 0]
    return x1, x2


def divide_no_nan(a, b):
    """a / b, and 0 where b is 0."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    safe = np.where(b == 0, 1.0, b)
    return np.where(b == 0, 0.0, a / safe)


def as_result(value):
    """A Python float for a single number, else a float array."""
    value = np.asarray(value, dtype=np.float64)
    return float(value) if value.ndim == 0 else value


class Metric:
    """Base class. Subclasses set their arguments, call ``super().__init__(name, dtype)``
    (which calls ``reset_state``), and define ``update_state``, ``result``, ``reset_state``.

    Args:
        name: the key under which ``fit`` reports it. Defaults to the snake-case class
            name, made unique (``auc``, ``auc_1``, ...).
        dtype: float type of the computations. Defaults to `backend.floatx()`.
    """

    def __init__(self, name=None, dtype=None):
        self.name = name or backend.unique_name(backend.to_snake_case(type(self).__name__))
        self.dtype = np.dtype(dtype or backend.floatx()).name
        self.reset_state()

    def update_state(self, *args, **kwargs):
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def reset_state(self):
        raise NotImplementedError

    def state(self):
        """The numbers and arrays this metric holds (its running state, and the numeric
        arguments it was made with, which a restore leaves as they are), for a backup
        taken in the middle of an epoch."""
        return {name: value for name, value in vars(self).items()
                if isinstance(value, (int, float, np.ndarray, np.generic))
                and not isinstance(value, bool)}

    def set_state(self, state):
        """Take back what ``state`` returned."""
        for name, value in state.items():
            setattr(self, name, value)

    def __call__(self, *args, **kwargs):
        """Update with one batch and return the result."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def _samplewise(values, sample_weight, reduce):
    """Keras' reduction to one value per sample: ``(values * weight, weight)`` with values
    reduced (``reduce``: np.mean or np.sum) over the axes the weights do not have."""
    if sample_weight is None:
        if values.ndim > 1:
            values = reduce(values.reshape(len(values), -1), axis=1)
        return values, None
    weight = np.asarray(sample_weight, dtype=values.dtype)
    values, weight = same_rank(values, weight)
    if values.ndim > weight.ndim:
        values = reduce(values, axis=tuple(range(weight.ndim, values.ndim)))
    values = values * np.broadcast_to(weight, values.shape)
    if weight.ndim > 1:
        weight = reduce(np.broadcast_to(weight, values.shape), axis=tuple(range(1, weight.ndim)))
    if values.ndim > 1:
        values = reduce(values, axis=tuple(range(1, values.ndim)))
    return values, weight


class Sum(Metric):
    """Weighted sum of the values: total += sum(values * sample_weight).

    Args:
        name: defaults to `"sum"`.
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name, dtype)

    def reset_state(self):
        self.total = 0.0

    def update_state(self, values, sample_weight=None):
        values, _ = _samplewise(np.asarray(values, dtype=self.dtype), sample_weight, np.sum)
        self.total += float(np.sum(values, dtype=np.float64))

    def result(self):
        return self.total


class Mean(Metric):
    """Weighted mean of the values: sum(values * w) / sum(w) over every batch so far
    (w = 1 per sample without ``sample_weight``); 0 before any sample.

    Args:
        name: defaults to `"mean"`.
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name, dtype)

    def reset_state(self):
        self.total, self.count = 0.0, 0.0

    def update_state(self, values, sample_weight=None):
        values, weight = _samplewise(np.asarray(values, dtype=self.dtype), sample_weight, np.mean)
        self.total += float(np.sum(values, dtype=np.float64))
        if weight is not None:
            self.count += float(np.sum(weight, dtype=np.float64))
        else:
            self.count += len(values) if values.ndim else 1

    def result(self):
        return self.total / self.count if self.count else 0.0


class MeanMetricWrapper(Mean):
    """Running weighted mean of a per-sample function ``fn(y_true, y_pred, **kwargs)``.

    Args:
        fn: a metric function, such as ``numpynn.metrics.binary_accuracy``.
        name: defaults to `"mean_metric_wrapper"` (made unique).
        **kwargs: passed to ``fn`` (e.g. ``threshold=0.7``).
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        if not callable(fn):
            raise TypeError(f"MeanMetricWrapper needs a function fn(y_true, y_pred), got {fn!r}.")
        self._fn, self._fn_kwargs = fn, kwargs
        super().__init__(name or backend.unique_name("mean_metric_wrapper"), dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        Mean.update_state(self, self._fn(np.asarray(y_true), np.asarray(y_pred), **self._fn_kwargs),
                          sample_weight)

    def get_config(self):
        return {**super().get_config(), "fn": self._fn.__name__, **self._fn_kwargs}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("fn"), str):
            config["fn"] = registry.lookup(config["fn"], "metric function", FUNCTIONS)
        return cls(**config)


class MeanWrapperWithConfig(MeanMetricWrapper):
    """A ``MeanMetricWrapper`` of a fixed function whose config holds only its own
    arguments (``names``), as Keras' named metric classes do."""

    config_keys = ()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype,
                **{key: getattr(self, key) for key in self.config_keys}}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
