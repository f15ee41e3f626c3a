"""Loss functions: a number to minimise, and its gradient to start backpropagation.

Every loss of Keras 3 but CTC and the segmentation and similarity losses (Dice, Tversky,
Circle), each as a class (``Huber(delta=2.0)``, with a reduction and ``sample_weight``, see
``numpynn.losses.base``) and as a function of per-sample losses (``huber(y_true, y_pred, 2.0)``).
Families: ``regression``, ``hinge``, ``probabilistic`` (independent outputs) and
``categorical`` (classes).
"""
from numpynn import registry
from numpynn.losses.base import ElementwiseLoss, Loss, _as_2d  # noqa: F401 (public)
from numpynn.losses.categorical import (CategoricalCrossentropy, CategoricalFocalCrossentropy,
                                        CategoricalGeneralizedCrossEntropy,
                                        SparseCategoricalCrossentropy)
from numpynn.losses.hinge import CategoricalHinge, Hinge, SquaredHinge
from numpynn.losses.probabilistic import (BinaryCrossentropy, BinaryFocalCrossentropy,
                                          KLDivergence, Poisson)
from numpynn.losses.regression import (CosineSimilarity, Huber, LogCosh, MeanAbsoluteError,
                                       MeanAbsolutePercentageError, MeanSquaredError,
                                       MeanSquaredLogarithmicError)


def _function(name, cls, *argument_names):
    """``name(y_true, y_pred, *arguments)``: the per-sample losses of ``cls(*arguments)``."""
    def loss(y_true, y_pred, *args, **kwargs):
        if len(args) > len(argument_names):
            raise TypeError(f"{name}() takes at most {2 + len(argument_names)} positional "
                            f"arguments (y_true, y_pred, {', '.join(argument_names)}).")
        kwargs.update(zip(argument_names, args))
        return cls(**kwargs).values(y_true, y_pred)
    loss.__name__ = loss.__qualname__ = name
    arguments = "".join(f", {a}" for a in argument_names)
    loss.__doc__ = (f"{name}(y_true, y_pred{arguments}): per-sample losses, not reduced. "
                    f"See ``{cls.__name__}``.")
    return loss


mean_squared_error = _function("mean_squared_error", MeanSquaredError)
mean_absolute_error = _function("mean_absolute_error", MeanAbsoluteError)
mean_absolute_percentage_error = _function("mean_absolute_percentage_error",
                                           MeanAbsolutePercentageError)
mean_squared_logarithmic_error = _function("mean_squared_logarithmic_error",
                                           MeanSquaredLogarithmicError)
cosine_similarity = _function("cosine_similarity", CosineSimilarity, "axis")
huber = _function("huber", Huber, "delta")
log_cosh = _function("log_cosh", LogCosh)
hinge = _function("hinge", Hinge)
squared_hinge = _function("squared_hinge", SquaredHinge)
categorical_hinge = _function("categorical_hinge", CategoricalHinge)
kl_divergence = _function("kl_divergence", KLDivergence)
poisson = _function("poisson", Poisson)
binary_crossentropy = _function("binary_crossentropy", BinaryCrossentropy,
                                "from_logits", "label_smoothing", "axis")
binary_focal_crossentropy = _function(
    "binary_focal_crossentropy", BinaryFocalCrossentropy, "apply_class_balancing", "alpha",
    "gamma", "from_logits", "label_smoothing", "axis")
categorical_crossentropy = _function("categorical_crossentropy", CategoricalCrossentropy,
                                     "from_logits", "label_smoothing", "axis")
categorical_focal_crossentropy = _function(
    "categorical_focal_crossentropy", CategoricalFocalCrossentropy, "alpha", "gamma",
    "from_logits", "label_smoothing", "axis")
sparse_categorical_crossentropy = _function(
    "sparse_categorical_crossentropy", SparseCategoricalCrossentropy, "from_logits",
    "ignore_class", "axis")
categorical_generalized_cross_entropy = _function(
    "categorical_generalized_cross_entropy", CategoricalGeneralizedCrossEntropy, "q")

#: function name -> class, for every loss
FUNCTIONS = {fn.__name__: cls for fn, cls in (
    (mean_squared_error, MeanSquaredError), (mean_absolute_error, MeanAbsoluteError),
    (mean_absolute_percentage_error, MeanAbsolutePercentageError),
    (mean_squared_logarithmic_error, MeanSquaredLogarithmicError),
    (cosine_similarity, CosineSimilarity), (huber, Huber), (log_cosh, LogCosh),
    (hinge, Hinge), (squared_hinge, SquaredHinge), (categorical_hinge, CategoricalHinge),
    (kl_divergence, KLDivergence), (poisson, Poisson),
    (binary_crossentropy, BinaryCrossentropy),
    (binary_focal_crossentropy, BinaryFocalCrossentropy),
    (categorical_crossentropy, CategoricalCrossentropy),
    (categorical_focal_crossentropy, CategoricalFocalCrossentropy),
    (sparse_categorical_crossentropy, SparseCategoricalCrossentropy),
    (categorical_generalized_cross_entropy, CategoricalGeneralizedCrossEntropy))}
ALL = {cls.__name__: cls for cls in FUNCTIONS.values()}
#: every name ``get`` resolves besides the class names: the functions' and Keras' short ones
ALIASES = {**FUNCTIONS, **{cls.name: cls for cls in ALL.values()}}
for _short, _cls in {"mse": MeanSquaredError, "mae": MeanAbsoluteError,
                     "mape": MeanAbsolutePercentageError, "msle": MeanSquaredLogarithmicError,
                     "kld": KLDivergence, "bce": BinaryCrossentropy}.items():
    ALIASES[_short] = ALIASES[_short.upper()] = _cls
ALIASES.update({"logcosh": LogCosh, "kullback_leibler_divergence": KLDivergence})


def get(identifier):
    """A loss object from a name (``"mse"``, ``"huber"``, ``"CategoricalCrossentropy"``), a
    config dict, a loss function of this module, or a ``Loss`` instance."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str):
        return registry.lookup(identifier, "loss", {**ALIASES, **ALL})()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier) and getattr(identifier, "__name__", None) in FUNCTIONS:
        return FUNCTIONS[identifier.__name__]()
    raise TypeError(f"Cannot use {identifier!r} as a loss: pass a name such as 'mse' or a "
                    "numpynn.losses.Loss subclass instance with call() and gradient().")


def serialize(loss):
    """``{"class_name": ..., "config": {...}}`` of a ``Loss``."""
    return registry.serialize(loss)


def deserialize(config, custom_objects=None):
    """A ``Loss`` from ``serialize``'s output or a name."""
    return registry.deserialize(config, "loss", {**ALIASES, **ALL}, custom_objects)
