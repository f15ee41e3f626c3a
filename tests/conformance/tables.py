"""The cases of the conformance checks this folder adds to the family tests: layers,
regularizers, constraints and initializers in float64, and every metric through
``evaluate``. ``catalogue.py`` reads them to say which Keras name each one checks."""

# -- layers: value and gradients in float64 ---------------------------------------------------
# id -> (class name, kwargs, input shape); an input of the "embedding" cases holds indices
LAYERS = {
    "layer_norm": ("LayerNormalization", {}, (4, 6)),
    "layer_norm_axes": ("LayerNormalization", {"axis": [1, 2], "epsilon": 1e-2}, (3, 4, 5)),
    "layer_norm_axis_1": ("LayerNormalization", {"axis": 1}, (3, 4, 5)),
    "layer_norm_rms": ("LayerNormalization", {"rms_scaling": True}, (4, 6)),
    "layer_norm_no_center": ("LayerNormalization", {"center": False}, (4, 6)),
    "layer_norm_no_scale": ("LayerNormalization", {"scale": False}, (4, 6)),
    "normalization_fixed": ("Normalization", {"mean": [1.0, -2.0, 0.5],
                                              "variance": [4.0, 0.25, 1e-20]}, (4, 3)),
    "normalization_inverted": ("Normalization", {"mean": 2.0, "variance": 9.0, "invert": True},
                               (4, 3)),
    "normalization_axis_none": ("Normalization", {"axis": None, "mean": 1.0, "variance": 2.0},
                                (4, 3)),
    "normalization_adapted": ("Normalization", {"axis": 1}, (6, 3, 2)),
    "normalization_adapted_axes": ("Normalization", {"axis": (1, 2)}, (6, 3, 2)),
    "gaussian_noise": ("GaussianNoise", {"stddev": 0.5}, (3, 4)),
    "gaussian_dropout": ("GaussianDropout", {"rate": 0.5}, (3, 4)),
    "alpha_dropout": ("AlphaDropout", {"rate": 0.5}, (3, 4)),
    "activity_regularization": ("ActivityRegularization", {"l1": 0.1, "l2": 0.02}, (3, 4)),
    "embedding": ("Embedding", {"input_dim": 10, "output_dim": 3}, (5, 4)),
    "permute": ("Permute", {"dims": (2, 1)}, (3, 4, 5)),
    "permute_3d": ("Permute", {"dims": (3, 1, 2)}, (2, 3, 4, 5)),
    "repeat_vector": ("RepeatVector", {"n": 3}, (4, 5)),
    "identity": ("Identity", {}, (3, 4)),
    "activation_gelu": ("Activation", {"activation": "gelu"}, (4, 6)),
    "activation_log_softmax": ("Activation", {"activation": "log_softmax"}, (4, 6)),
}
#: the Normalization cases whose statistics come from ``adapt`` on a batch of data
ADAPTED = {"normalization_adapted", "normalization_adapted_axes"}

# -- regularizers: penalty and its gradient in float64 ------------------------------------------
REGULARIZERS = {
    "l1": ("L1", {"l1": 0.03}),
    "l2": ("L2", {"l2": 0.02}),
    "l1_l2": ("L1L2", {"l1": 0.01, "l2": 0.05}),
    "l1_l2_defaults": ("L1L2", {}),
    "orthogonal_rows": ("OrthogonalRegularizer", {"factor": 0.3}),
    "orthogonal_columns": ("OrthogonalRegularizer", {"factor": 0.3, "mode": "columns"}),
}
#: input kinds every regularizer sees; "zero_row": a row of zeros (the orthogonal
#: regularizer's clipped norm) and exact zeros (L1's kink)
REGULARIZER_INPUTS = ("random", "zero_row", "cube")

# -- constraints: the projected weights in float64 ----------------------------------------------
CONSTRAINTS = {
    "max_norm": ("MaxNorm", {"max_value": 1.5}),
    "max_norm_axis_1": ("MaxNorm", {"max_value": 2, "axis": 1}),
    "max_norm_axes": ("MaxNorm", {"max_value": 2, "axis": [0, 1]}),
    "min_max_norm": ("MinMaxNorm", {"min_value": 1.9, "max_value": 2.2, "rate": 0.7}),
    "min_max_norm_defaults": ("MinMaxNorm", {}),
    "non_neg": ("NonNeg", {}),
    "unit_norm": ("UnitNorm", {}),
    "unit_norm_axes": ("UnitNorm", {"axis": [0, 1]}),
}

# -- initializers: the same distribution (two-sample Kolmogorov-Smirnov) or the same values ----
# id -> (class name, kwargs, shape); seeds make both sides draw the same numbers every run
INITIALIZERS = {
    "zeros": ("Zeros", {}, (4, 5)),
    "ones": ("Ones", {}, (4, 5)),
    "constant": ("Constant", {"value": -1.5}, (4, 5)),
    "identity": ("Identity", {"gain": 2.0}, (4, 6)),
    "stft_real": ("STFT", {}, (16, 1, 9)),
    "stft_imag_hamming_periodic": ("STFT", {"side": "imag", "window": "hamming",
                                            "periodic": True, "scaling": "spectrum"}, (16, 1, 9)),
    "stft_blackman_unscaled": ("STFT", {"window": "blackman", "scaling": None}, (12, 1, 7)),
    "stft_no_window": ("STFT", {"window": None}, (8, 1, 5)),
    "random_normal": ("RandomNormal", {"mean": 1.0, "stddev": 0.5, "seed": 1}, (200, 300)),
    "random_uniform": ("RandomUniform", {"minval": -1.0, "maxval": 2.0, "seed": 2}, (200, 300)),
    "truncated_normal": ("TruncatedNormal", {"mean": 0.5, "stddev": 2.0, "seed": 3},
                         (200, 300)),
    "orthogonal": ("Orthogonal", {"gain": 2.0, "seed": 4}, (300, 200)),
    "orthogonal_wide_conv": ("Orthogonal", {"seed": 5}, (3, 3, 8, 200)),
    "glorot_normal": ("GlorotNormal", {"seed": 6}, (200, 300)),
    "glorot_uniform": ("GlorotUniform", {"seed": 7}, (200, 300)),
    "he_normal": ("HeNormal", {"seed": 8}, (3, 3, 16, 400)),
    "he_uniform": ("HeUniform", {"seed": 9}, (200, 300)),
    "lecun_normal": ("LecunNormal", {"seed": 10}, (200, 300)),
    "lecun_uniform": ("LecunUniform", {"seed": 11}, (3, 3, 16, 400)),
    "variance_scaling": ("VarianceScaling", {"seed": 12}, (200, 300)),
    "variance_scaling_fan_out_uniform": ("VarianceScaling", {
        "scale": 2.0, "mode": "fan_out", "distribution": "uniform", "seed": 13}, (3, 3, 16, 400)),
    "variance_scaling_fan_avg_untruncated": ("VarianceScaling", {
        "scale": 0.5, "mode": "fan_avg", "distribution": "untruncated_normal", "seed": 14},
        (200, 300)),
    "variance_scaling_axes": ("VarianceScaling", {
        "mode": "fan_avg", "input_axes": [0], "output_axes": [1, 2], "seed": 15},
        (50, 30, 40)),
}
#: initializers whose values are fixed (compared value for value)
DETERMINISTIC = {"Zeros", "Ones", "Constant", "Identity", "STFT"}
#: config keys in which numpynn differs from Keras on purpose
CONFIG_DIFFERENCES = {"Identity": "Keras' config leaves out `gain` (so a reloaded Identity "
                                  "loses it); numpynn's keeps it"}

# -- metrics through evaluate ---------------------------------------------------------------------
# task -> (output units, output activation, loss, kind of targets, metric specs); a spec is a
# name, ("object", class name, kwargs), ("class", class name) or ("function", function name)
# as in test_metrics_training. Objects get names: Keras' default names depend on the objects
# made before (auc, auc_1, ...).
EVALUATED = {
    "binary": (1, "sigmoid", "binary_crossentropy", "binary", [
        ("object", "BinaryAccuracy", {"name": "binary_acc"}),
        ("object", "AUC", {"name": "roc"}),
        ("object", "AUC", {"curve": "PR", "summation_method": "minoring", "name": "pr"}),
        ("object", "Precision", {"thresholds": [0.3, 0.6], "name": "precision"}),
        ("object", "Recall", {"name": "recall"}),
        ("object", "TruePositives", {"name": "tp"}),
        ("object", "FalsePositives", {"thresholds": 0.3, "name": "fp"}),
        ("object", "TrueNegatives", {"name": "tn"}),
        ("object", "FalseNegatives", {"name": "fn"}),
        ("object", "PrecisionAtRecall", {"recall": 0.5, "name": "p_at_r"}),
        ("object", "RecallAtPrecision", {"precision": 0.5, "name": "r_at_p"}),
        ("object", "SensitivityAtSpecificity", {"specificity": 0.5, "name": "s_at_s"}),
        ("object", "SpecificityAtSensitivity", {"sensitivity": 0.5, "name": "sp_at_s"}),
        ("object", "F1Score", {"threshold": 0.5, "name": "f1"}),
        ("object", "FBetaScore", {"beta": 2.0, "threshold": 0.5, "average": "micro",
                                  "name": "f2"}),
        ("object", "BinaryCrossentropy", {"label_smoothing": 0.1, "name": "bce"}),
        ("object", "Hinge", {"name": "hinge_metric"}),
        ("object", "SquaredHinge", {"name": "squared_hinge_metric"}),
        ("object", "MeanMetricWrapper", {"fn": "binary_accuracy", "threshold": 0.3,
                                         "name": "wrapped"}),
        ("function", "binary_accuracy"), ("function", "binary_crossentropy"),
        ("function", "binary_focal_crossentropy"), ("function", "hinge"),
        ("function", "squared_hinge")]),
    "multilabel": (3, "sigmoid", "binary_crossentropy", "multilabel", [
        ("object", "AUC", {"multi_label": True, "name": "ml_auc"}),
        ("object", "Recall", {"class_id": 1, "name": "recall_of_1"}),
        ("object", "F1Score", {"average": "macro", "threshold": 0.5, "name": "macro_f1"})]),
    "categorical": (4, "softmax", "categorical_crossentropy", "categorical", [
        ("object", "CategoricalAccuracy", {"name": "cat_acc"}),
        ("object", "TopKCategoricalAccuracy", {"k": 2, "name": "top2"}),
        ("object", "CategoricalCrossentropy", {"label_smoothing": 0.1, "name": "cce"}),
        ("object", "CategoricalHinge", {"name": "cat_hinge"}),
        ("object", "KLDivergence", {"name": "kld"}),
        ("object", "Precision", {"top_k": 2, "name": "precision_top2"}),
        ("function", "categorical_accuracy"), ("function", "top_k_categorical_accuracy"),
        ("function", "categorical_crossentropy"), ("function", "categorical_focal_crossentropy"),
        ("function", "categorical_hinge"), ("function", "kl_divergence")]),
    "sparse": (4, "softmax", "sparse_categorical_crossentropy", "sparse", [
        ("object", "SparseCategoricalAccuracy", {"name": "sparse_acc"}),
        ("object", "SparseTopKCategoricalAccuracy", {"k": 2, "name": "sparse_top2"}),
        ("object", "SparseCategoricalCrossentropy", {"name": "scce"}),
        ("function", "sparse_categorical_accuracy"),
        ("function", "sparse_top_k_categorical_accuracy"),
        ("function", "sparse_categorical_crossentropy")]),
    "regression": (2, "linear", "mse", "regression", [
        ("object", "MeanSquaredError", {"name": "mse_metric"}),
        ("object", "RootMeanSquaredError", {"name": "rmse"}),
        ("object", "MeanAbsoluteError", {"name": "mae_metric"}),
        ("object", "LogCoshError", {"name": "logcosh"}),
        ("object", "CosineSimilarity", {"name": "cosine"}),
        ("object", "R2Score", {"name": "r2"}),
        ("object", "R2Score", {"class_aggregation": "variance_weighted_average",
                               "name": "weighted_r2"}),
        ("object", "PearsonCorrelation", {"name": "pearson"}),
        ("object", "ConcordanceCorrelation", {"name": "ccc"}),
        ("function", "mean_squared_error"), ("function", "mean_absolute_error"),
        ("function", "log_cosh"), ("function", "huber"), ("function", "pearson_correlation"),
        ("function", "concordance_correlation")]),
    "positive": (2, "softplus", "poisson", "positive", [
        ("object", "Poisson", {"name": "poisson_metric"}),
        ("object", "MeanAbsolutePercentageError", {"name": "mape_metric"}),
        ("object", "MeanSquaredLogarithmicError", {"name": "msle_metric"}),
        ("function", "poisson"), ("function", "mean_absolute_percentage_error"),
        ("function", "mean_squared_logarithmic_error")]),
    # the last Dense's kernel is zeroed, so the outputs are exactly its bias and Accuracy
    # (y_true == y_pred) sees equal numbers on about half of the rows
    "exact": (3, "linear", "mse", "exact", [("object", "Accuracy", {"name": "exact_acc"})]),
}
