"""What maps to what between Keras 3 (and Keras 2's HDF5 files) and numpynn: one table.

Every Keras class numpynn can read or write has one row in :data:`LAYERS` or
:data:`OBJECTS`. A row says

- ``keras_only``: arguments that Keras stores and numpynn lacks, with the one value numpynn
  implies (``Dense(quantization_config=None)``). Reading drops them when they hold that
  value and refuses the file otherwise; ``ANY`` marks settings without effect on the
  numbers (``jit_compile``).
- ``numpynn_only``: numpynn's arguments that Keras lacks, with the value Keras implies
  (``Nadam(momentum_decay=1.0)``). Writing drops them when they hold it and refuses the
  model otherwise.
- ``renamed``: Keras 2 argument names and their Keras 3 names (``LeakyReLU(alpha)``).

A class absent from the table is refused with a message naming it: numpynn never builds an
object a file names unless it knows what the object computes.
"""
from numpynn import constraints, initializers, layers, losses, optimizers, regularizers
from numpynn.optimizers import schedules

ANY = object()  # in keras_only: any value is accepted and dropped

#: a Keras class -> (numpynn class, keras_only, numpynn_only, renamed)
_NO_DATA_FORMAT = {"data_format": "channels_last"}
LAYERS = {
    "InputLayer": ({"sparse": False, "ragged": False, "optional": False}, {}, {}),
    "Dense": ({"quantization_config": None, "lora_rank": None, "lora_alpha": None}, {}, {}),
    "Activation": ({}, {}, {}),
    "ReLU": ({}, {}, {}),
    "LeakyReLU": ({}, {}, {"alpha": "negative_slope"}),
    "ELU": ({}, {}, {}),
    "Softmax": ({}, {}, {}),
    "PReLU": ({}, {}, {}),
    "Dropout": ({}, {}, {}),
    "SpatialDropout2D": ({}, {}, {}),
    "GaussianNoise": ({}, {}, {}),
    "GaussianDropout": ({}, {}, {}),
    "AlphaDropout": ({}, {}, {}),
    "ActivityRegularization": ({}, {}, {}),
    "Identity": ({}, {}, {}),
    **{name: ({}, {}, {}) for name in ("Add", "Subtract", "Multiply", "Average", "Maximum",
                                       "Minimum", "Concatenate", "Dot")},
    "Flatten": (_NO_DATA_FORMAT, {}, {}),
    "Reshape": ({}, {}, {}),
    "Permute": ({}, {}, {}),
    "RepeatVector": ({}, {}, {}),
    "Conv1D": ({}, {}, {}),
    "Conv2D": ({}, {}, {}),
    "Conv2DTranspose": ({}, {}, {}),
    "DepthwiseConv2D": ({}, {}, {}),
    "SeparableConv2D": ({}, {}, {}),
    "MaxPooling1D": ({}, {}, {}),
    "MaxPooling2D": ({}, {}, {}),
    "AveragePooling1D": ({}, {}, {}),
    "AveragePooling2D": ({}, {}, {}),
    "GlobalMaxPooling1D": ({}, {}, {}),
    "GlobalMaxPooling2D": ({}, {}, {}),
    "GlobalAveragePooling1D": ({}, {}, {}),
    "GlobalAveragePooling2D": ({}, {}, {}),
    "ZeroPadding2D": ({}, {}, {}),
    "BatchNormalization": ({"synchronized": False, "renorm": False, "renorm_clipping": None,
                            "renorm_momentum": ANY, "fused": ANY,
                            "virtual_batch_size": None, "adjustment": None}, {}, {}),
    "LayerNormalization": ({}, {}, {}),
    "Embedding": ({"quantization_config": None, "lora_rank": None, "lora_alpha": None,
                   "input_length": ANY}, {}, {}),
    # preprocessing and augmentation (numpynn's Grayscale has no Keras 3 twin)
    **{name: ({}, {}, {}) for name in ("Rescaling", "Resizing", "CenterCrop", "RandomCrop",
                                       "RandomFlip", "RandomRotation", "RandomZoom",
                                       "RandomTranslation", "RandomContrast",
                                       "RandomBrightness")},
}
#: Keras classes that must never be read: they carry Python code.
CODE_LAYERS = ("Lambda", "TFOpLambda", "SlicingOpLambda")

_VARIANCE_SCALING = ({"input_axes": None, "output_axes": None}, {}, {})
_OPTIMIZER = ({"loss_scale_factor": None, "jit_compile": ANY, "is_legacy_optimizer": False,
               "decay": 0.0}, {"convention": "keras"}, {"lr": "learning_rate"})
_PLAIN = ({}, {}, {})
#: other objects: Keras module -> (numpynn lookup table, {class: (keras_only, numpynn_only,
#: renamed)}; a class of the lookup table without a row maps plainly)
OBJECTS = {
    "keras.initializers": (initializers.ALL, {
        name: _VARIANCE_SCALING for name in ("GlorotNormal", "GlorotUniform", "HeNormal",
                                             "HeUniform", "LecunNormal", "LecunUniform",
                                             "VarianceScaling")}),
    "keras.regularizers": (regularizers.ALL, {}),
    "keras.constraints": (constraints.ALL, {}),
    "keras.optimizers": (optimizers.ALL, {
        **{name: _OPTIMIZER for name in optimizers.ALL},
        "Nadam": (_OPTIMIZER[0], {**_OPTIMIZER[1], "momentum_decay": 1.0}, _OPTIMIZER[2])}),
    "keras.optimizers.schedules": ({cls.__name__: cls for cls in vars(schedules).values()
                                    if isinstance(cls, type)
                                    and issubclass(cls, schedules.LearningRateSchedule)}, {}),
    "keras.losses": (losses.ALL, {}),
}
#: where the argument names ending so keep their objects
MODULE_BY_SUFFIX = {"_initializer": "keras.initializers", "_regularizer": "keras.regularizers",
                    "_constraint": "keras.constraints"}


def layer_row(class_name):
    """``(numpynn class, keras_only, numpynn_only, renamed)`` for a Keras layer class."""
    keras_only, numpynn_only, renamed = LAYERS[class_name]
    return layers.ALL[class_name], keras_only, numpynn_only, renamed


def object_row(module, class_name):
    """``(numpynn class, keras_only, numpynn_only, renamed)``, or ``None`` if unknown."""
    table, rows = OBJECTS[module]
    if class_name not in table:
        return None
    return (table[class_name],) + rows.get(class_name, _PLAIN)
