"""Record reference optimizer trajectories from Keras 3 and PyTorch into
``tests/data/optimizer_references.npz`` (read by ``tests/test_optimizers_parity.py``).

Every library gets the same problem: weights ``W`` (4, 3) and ``c`` (3,), and at each step the
float64 gradient of the least-squares loss ``0.5 mean_i ||x_i W + c - y_i||^2`` at the current
weights, computed with NumPy. The weights after each of ``STEPS`` steps are stored per case,
with the numpynn optimizer config that must reproduce them; with ``use_ema`` one more row
holds the weights after ``finalize_variable_values`` (their moving average).

Run with an environment that has keras, torch (and numpy)::

    KERAS_BACKEND=torch python tests/reference/record_optimizers.py
"""
import json
import os
import pathlib

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

STEPS = 25
OUT = pathlib.Path(__file__).resolve().parents[1] / "data" / "optimizer_references.npz"


def make_problem():
    rng = np.random.default_rng(1234)
    x = rng.normal(size=(8, 4))
    y = rng.normal(scale=3.0, size=(8, 3))
    return x, y, rng.normal(size=(4, 3)), rng.normal(size=(3,))


def gradients(x, y, kernel, bias):
    residual = (x @ kernel + bias - y) / len(x)
    return x.T @ residual, residual.sum(axis=0)


def schedule(class_name, **config):
    return {"class_name": class_name, "config": config}


def keras_schedule(spec):
    return getattr(keras.optimizers.schedules, spec["class_name"])(**spec["config"])


# (case, numpynn class, kwargs in Keras' spelling; a schedule is a {"class_name", "config"}).
KERAS_CASES = [
    ("sgd_defaults", "SGD", {}),
    ("adagrad_defaults", "Adagrad", {}),
    ("adadelta_defaults", "Adadelta", {}),
    ("rmsprop_defaults", "RMSprop", {}),
    ("adam_defaults", "Adam", {}),
    ("adamw_defaults", "AdamW", {}),
    ("nadam_defaults", "Nadam", {}),
    ("adamax_defaults", "Adamax", {}),
    ("sgd", "SGD", {"learning_rate": 0.1}),
    ("sgd_momentum", "SGD", {"learning_rate": 0.1, "momentum": 0.9}),
    ("sgd_nesterov", "SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    ("adagrad", "Adagrad", {"learning_rate": 0.3, "initial_accumulator_value": 0.5,
                            "epsilon": 1e-3}),
    ("adadelta", "Adadelta", {"learning_rate": 1.0, "rho": 0.9, "epsilon": 1e-4}),
    ("rmsprop", "RMSprop", {"learning_rate": 0.02, "rho": 0.8, "epsilon": 1e-3}),
    ("rmsprop_momentum", "RMSprop", {"learning_rate": 0.02, "momentum": 0.9}),
    ("rmsprop_centered", "RMSprop", {"learning_rate": 0.02, "centered": True}),
    ("rmsprop_centered_momentum", "RMSprop", {"learning_rate": 0.02, "centered": True,
                                              "momentum": 0.5}),
    ("adam", "Adam", {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-3}),
    ("adam_amsgrad", "Adam", {"learning_rate": 0.05, "amsgrad": True}),
    ("adamw", "AdamW", {"learning_rate": 0.05, "weight_decay": 0.1, "amsgrad": True}),
    ("nadam", "Nadam", {"learning_rate": 0.05, "beta_1": 0.8, "epsilon": 1e-3}),
    ("adamax", "Adamax", {"learning_rate": 0.05, "beta_2": 0.9, "epsilon": 1e-3}),
    ("sgd_weight_decay", "SGD", {"learning_rate": 0.1, "momentum": 0.5, "weight_decay": 0.05}),
    ("adam_weight_decay", "Adam", {"learning_rate": 0.05, "weight_decay": 0.1}),
    ("rmsprop_weight_decay", "RMSprop", {"learning_rate": 0.02, "weight_decay": 0.1}),
    ("sgd_clipnorm", "SGD", {"learning_rate": 0.1, "clipnorm": 1.0}),
    ("adam_clipnorm", "Adam", {"learning_rate": 0.05, "clipnorm": 0.5}),
    ("sgd_clipvalue", "SGD", {"learning_rate": 0.1, "clipvalue": 0.3}),
    ("adagrad_clipvalue", "Adagrad", {"learning_rate": 0.3, "clipvalue": 0.3}),
    ("sgd_global_clipnorm", "SGD", {"learning_rate": 0.1, "momentum": 0.5,
                                    "global_clipnorm": 1.0}),
    ("nadam_global_clipnorm", "Nadam", {"learning_rate": 0.05, "global_clipnorm": 1.0}),
    ("sgd_momentum_exponential", "SGD", {
        "learning_rate": schedule("ExponentialDecay", initial_learning_rate=0.1,
                                  decay_steps=5, decay_rate=0.5), "momentum": 0.9}),
    ("adam_piecewise", "Adam", {
        "learning_rate": schedule("PiecewiseConstantDecay", boundaries=[5, 10],
                                  values=[0.1, 0.05, 0.01])}),
    ("rmsprop_inverse_time", "RMSprop", {
        "learning_rate": schedule("InverseTimeDecay", initial_learning_rate=0.02,
                                  decay_steps=5, decay_rate=0.5, staircase=True),
        "momentum": 0.5}),
    ("adam_cosine_warmup", "Adam", {
        "learning_rate": schedule("CosineDecay", initial_learning_rate=0.01, decay_steps=15,
                                  alpha=0.1, warmup_target=0.1, warmup_steps=5),
        "weight_decay": 0.05}),
    ("lion_defaults", "Lion", {}),
    ("lamb_defaults", "Lamb", {}),
    ("adafactor_defaults", "Adafactor", {}),
    ("ftrl_defaults", "Ftrl", {}),
    ("lion", "Lion", {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.9,
                      "weight_decay": 0.1}),
    ("lamb", "Lamb", {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-3}),
    ("adafactor", "Adafactor", {"learning_rate": 0.05, "beta_2_decay": -0.5, "epsilon_2": 0.1,
                                "clip_threshold": 0.5, "weight_decay": 0.1}),
    # Keras' torch backend takes float64 means in float32 (ops.mean), so Keras' Adafactor
    # trajectories agree with numpynn to about 1e-7 only; torch.optim.Adafactor (below) to
    # rounding. A large rate here would amplify that into a spurious mismatch.
    ("adafactor_relative_step_off", "Adafactor", {"learning_rate": 0.2,
                                                  "relative_step": False}),
    ("ftrl", "Ftrl", {"learning_rate": 0.3, "learning_rate_power": -0.3,
                      "initial_accumulator_value": 0.5, "l1_regularization_strength": 0.01,
                      "l2_regularization_strength": 0.1, "beta": 0.2}),
    ("ftrl_shrinkage", "Ftrl", {"learning_rate": 0.3, "learning_rate_power": 0.0,
                                "l2_shrinkage_regularization_strength": 0.05}),
    ("lamb_clipnorm", "Lamb", {"learning_rate": 0.05, "clipnorm": 0.5}),
    ("lion_clipvalue", "Lion", {"learning_rate": 0.05, "clipvalue": 0.3}),
    ("adafactor_global_clipnorm", "Adafactor", {"learning_rate": 0.05,
                                                "global_clipnorm": 1.0}),
    ("ftrl_clipnorm", "Ftrl", {"learning_rate": 0.3, "clipnorm": 0.5}),
    # Moving average of the weights: without overwriting (the last row is the average after
    # finalize_variable_values), and overwriting the weights every 4 steps.
    ("sgd_ema", "SGD", {"learning_rate": 0.1, "momentum": 0.5, "use_ema": True}),
    ("adam_ema_overwrite", "Adam", {"learning_rate": 0.05, "use_ema": True,
                                    "ema_momentum": 0.9, "ema_overwrite_frequency": 4}),
    ("lion_ema", "Lion", {"learning_rate": 0.05, "use_ema": True, "ema_momentum": 0.8}),
    # Gradient accumulation: the mean of every 3 gradients; schedules see every call, bias
    # corrections only the updates.
    ("sgd_accumulation", "SGD", {"learning_rate": 0.1, "momentum": 0.9,
                                 "gradient_accumulation_steps": 3}),
    ("adam_accumulation_schedule", "Adam", {
        "learning_rate": schedule("ExponentialDecay", initial_learning_rate=0.1,
                                  decay_steps=4, decay_rate=0.5),
        "gradient_accumulation_steps": 3, "weight_decay": 0.1, "clipnorm": 0.5}),
    ("lamb_accumulation_ema", "Lamb", {"learning_rate": 0.05, "gradient_accumulation_steps": 2,
                                       "use_ema": True, "ema_overwrite_frequency": 3}),
    ("adafactor_accumulation", "Adafactor", {"learning_rate": 0.05,
                                             "gradient_accumulation_steps": 4,
                                             "global_clipnorm": 0.5}),
    ("ftrl_accumulation_clipvalue", "Ftrl", {"learning_rate": 0.3,
                                             "gradient_accumulation_steps": 2,
                                             "clipvalue": 0.3}),
    ("rmsprop_schedule_polynomial", "RMSprop", {
        "learning_rate": schedule("PolynomialDecay", initial_learning_rate=0.05,
                                  decay_steps=10, end_learning_rate=0.001, power=2.0,
                                  cycle=True)}),
    ("sgd_schedule_restarts", "SGD", {
        "learning_rate": schedule("CosineDecayRestarts", initial_learning_rate=0.1,
                                  first_decay_steps=4, t_mul=1.5, m_mul=0.8, alpha=0.1),
        "momentum": 0.5}),
    ("schedule_free_adamw_defaults", "ScheduleFreeAdamW", {}),
    ("schedule_free_adamw", "ScheduleFreeAdamW", {"learning_rate": 0.05, "beta_1": 0.8,
                                                  "beta_2": 0.99, "epsilon": 1e-3,
                                                  "warmup_steps": 5}),
    ("schedule_free_adamw_options", "ScheduleFreeAdamW", {
        "learning_rate": 0.05, "weight_decay": 0.1, "gradient_accumulation_steps": 2,
        "clipnorm": 0.5, "use_ema": True, "ema_momentum": 0.9}),
]


def optimizer(class_name, **config):
    return {"class_name": class_name, "config": config}


def multi_optimizer(default, optimizer_map):
    """A MultiOptimizer config: an OptimizerMap of ``default`` and ``{path or pattern:
    optimizer}``; the problem's weights have the paths "kernel" and "bias"."""
    return {"optimizer_map": {"class_name": "OptimizerMap", "config": {
        "default_optimizer": default, "optimizer_map": optimizer_map}}}


# (case, config of a MultiOptimizer): each weight trained by the optimizer of its path.
MULTI_CASES = [
    ("multi_optimizer_paths", multi_optimizer(
        optimizer("SGD", learning_rate=0.1, momentum=0.9),
        {"bias": optimizer("Adam", learning_rate=0.05)})),
    # the kernel's optimizer clips and accumulates over the kernel alone; the default
    # (the bias') keeps a moving average, put in place by finalize_variable_values
    ("multi_optimizer_patterns_ema", multi_optimizer(
        optimizer("Adam", learning_rate=0.05, use_ema=True, ema_momentum=0.9),
        {"k.*": optimizer("Nadam", learning_rate=0.05, global_clipnorm=0.5,
                          gradient_accumulation_steps=2)})),
    # no key matches: the default trains both weights; the mapped optimizer never steps
    ("multi_optimizer_default_only", multi_optimizer(
        optimizer("RMSprop", learning_rate=0.02, momentum=0.5, global_clipnorm=1.0),
        {"other/.*": optimizer("SGD", learning_rate=0.1)})),
    # an exact key and a pattern; the default is left without weights
    ("multi_optimizer_exact_and_pattern", multi_optimizer(
        optimizer("Adagrad", learning_rate=0.3),
        {"kernel": optimizer("Lion", learning_rate=0.05, weight_decay=0.1),
         "b.*": optimizer("SGD", momentum=0.5, learning_rate=schedule(
             "ExponentialDecay", initial_learning_rate=0.1, decay_steps=5, decay_rate=0.5))})),
]

# (case, numpynn class, numpynn kwargs, torch class, torch kwargs, clip, lr schedule).
# numpynn uses convention="torch" and passes PyTorch's defaults explicitly.
TORCH_CASES = [
    ("sgd_torch", "SGD", {"learning_rate": 0.1}, "SGD", {"lr": 0.1}),
    ("sgd_momentum_torch", "SGD", {"learning_rate": 0.1, "momentum": 0.9},
     "SGD", {"lr": 0.1, "momentum": 0.9}),
    ("sgd_nesterov_torch", "SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True},
     "SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("sgd_weight_decay_torch", "SGD", {"learning_rate": 0.1, "momentum": 0.5,
                                       "weight_decay": 0.05},
     "SGD", {"lr": 0.1, "momentum": 0.5, "weight_decay": 0.05}),
    ("adagrad_torch", "Adagrad", {"learning_rate": 0.01, "initial_accumulator_value": 0.0,
                                  "epsilon": 1e-10},
     "Adagrad", {}),
    ("adagrad_options_torch", "Adagrad", {"learning_rate": 0.3, "initial_accumulator_value": 0.5,
                                          "epsilon": 1e-3, "weight_decay": 0.1},
     "Adagrad", {"lr": 0.3, "initial_accumulator_value": 0.5, "eps": 1e-3,
                 "weight_decay": 0.1}),
    ("adadelta_torch", "Adadelta", {"learning_rate": 1.0, "rho": 0.9, "epsilon": 1e-6},
     "Adadelta", {}),
    ("adadelta_weight_decay_torch", "Adadelta", {"learning_rate": 1.0, "rho": 0.8,
                                                 "epsilon": 1e-4, "weight_decay": 0.1},
     "Adadelta", {"lr": 1.0, "rho": 0.8, "eps": 1e-4, "weight_decay": 0.1}),
    ("rmsprop_torch", "RMSprop", {"learning_rate": 0.01, "rho": 0.99, "epsilon": 1e-8},
     "RMSprop", {}),
    ("rmsprop_eps_torch", "RMSprop", {"learning_rate": 0.02, "rho": 0.8, "epsilon": 1e-1},
     "RMSprop", {"lr": 0.02, "alpha": 0.8, "eps": 1e-1}),
    ("rmsprop_momentum_torch", "RMSprop", {"learning_rate": 0.02, "rho": 0.9, "epsilon": 1e-2,
                                           "momentum": 0.9},
     "RMSprop", {"lr": 0.02, "alpha": 0.9, "eps": 1e-2, "momentum": 0.9}),
    ("rmsprop_centered_torch", "RMSprop", {"learning_rate": 0.02, "rho": 0.9, "epsilon": 1e-2,
                                           "centered": True},
     "RMSprop", {"lr": 0.02, "alpha": 0.9, "eps": 1e-2, "centered": True}),
    ("rmsprop_centered_momentum_torch", "RMSprop", {
        "learning_rate": 0.02, "rho": 0.9, "epsilon": 1e-2, "centered": True, "momentum": 0.5,
        "weight_decay": 0.1},
     "RMSprop", {"lr": 0.02, "alpha": 0.9, "eps": 1e-2, "centered": True, "momentum": 0.5,
                 "weight_decay": 0.1}),
    ("adam_torch", "Adam", {"learning_rate": 0.001, "epsilon": 1e-8}, "Adam", {}),
    ("adam_eps_torch", "Adam", {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.99,
                                "epsilon": 1e-1},
     "Adam", {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-1}),
    ("adam_amsgrad_torch", "Adam", {"learning_rate": 0.05, "epsilon": 1e-2, "amsgrad": True},
     "Adam", {"lr": 0.05, "eps": 1e-2, "amsgrad": True}),
    ("adam_weight_decay_torch", "Adam", {"learning_rate": 0.05, "epsilon": 1e-8,
                                         "weight_decay": 0.1},
     "Adam", {"lr": 0.05, "weight_decay": 0.1}),
    ("adamw_torch", "AdamW", {"learning_rate": 0.001, "epsilon": 1e-8, "weight_decay": 0.01},
     "AdamW", {}),
    ("adamw_options_torch", "AdamW", {"learning_rate": 0.05, "epsilon": 1e-2,
                                      "weight_decay": 0.1, "amsgrad": True},
     "AdamW", {"lr": 0.05, "eps": 1e-2, "weight_decay": 0.1, "amsgrad": True}),
    ("nadam_torch", "Nadam", {"learning_rate": 0.002, "epsilon": 1e-8}, "NAdam", {}),
    ("nadam_options_torch", "Nadam", {"learning_rate": 0.05, "beta_1": 0.8, "epsilon": 1e-2,
                                      "momentum_decay": 0.1, "weight_decay": 0.1},
     "NAdam", {"lr": 0.05, "betas": (0.8, 0.999), "eps": 1e-2, "momentum_decay": 0.1,
               "weight_decay": 0.1}),
    ("adamax_torch", "Adamax", {"learning_rate": 0.002, "epsilon": 1e-8}, "Adamax", {}),
    ("adamax_options_torch", "Adamax", {"learning_rate": 0.05, "beta_2": 0.9, "epsilon": 1e-1,
                                        "weight_decay": 0.1},
     "Adamax", {"lr": 0.05, "betas": (0.9, 0.9), "eps": 1e-1, "weight_decay": 0.1}),
    # Clipping is not part of torch.optim: torch.nn.utils.clip_grad_value_ before each step.
    # (clip_grad_norm_ divides by norm + 1e-6, so it is not compared; Keras' cases cover
    # clipnorm and global_clipnorm.)
    ("adam_clipvalue_torch", "Adam", {"learning_rate": 0.05, "epsilon": 1e-8,
                                      "clipvalue": 0.3},
     "Adam", {"lr": 0.05}, "clipvalue"),
    # A learning rate that changes during training shows the momentum-buffer form.
    ("sgd_momentum_exponential_torch", "SGD", {
        "learning_rate": schedule("ExponentialDecay", initial_learning_rate=0.1,
                                  decay_steps=5, decay_rate=0.5), "momentum": 0.9},
     "SGD", {"lr": 0.1, "momentum": 0.9}, None, "schedule"),
    # torch.optim.Adafactor is Keras' algorithm with epsilon_1 clamping the second moment
    # instead of being added to g^2 (no difference at these sizes), and its weight decay is
    # applied after the weight's rms is taken (so none here).
    ("adafactor_torch", "Adafactor", {"learning_rate": 0.01}, "Adafactor", {}),
    ("adafactor_options_torch", "Adafactor", {"learning_rate": 0.05, "beta_2_decay": -0.5,
                                              "epsilon_2": 0.1, "clip_threshold": 1.5},
     "Adafactor", {"lr": 0.05, "beta2_decay": -0.5, "eps": (None, 0.1), "d": 1.5}),
    ("rmsprop_momentum_exponential_torch", "RMSprop", {
        "learning_rate": schedule("ExponentialDecay", initial_learning_rate=0.02,
                                  decay_steps=5, decay_rate=0.5),
        "rho": 0.9, "epsilon": 1e-2, "momentum": 0.9},
     "RMSprop", {"lr": 0.02, "alpha": 0.9, "eps": 1e-2, "momentum": 0.9}, None, "schedule"),
]

SCHEDULES = [
    schedule("ExponentialDecay", initial_learning_rate=0.1, decay_steps=7, decay_rate=0.6),
    schedule("ExponentialDecay", initial_learning_rate=0.1, decay_steps=7, decay_rate=0.6,
             staircase=True),
    schedule("InverseTimeDecay", initial_learning_rate=0.1, decay_steps=3, decay_rate=0.5),
    schedule("InverseTimeDecay", initial_learning_rate=0.1, decay_steps=3, decay_rate=0.5,
             staircase=True),
    schedule("PiecewiseConstantDecay", boundaries=[3, 10, 20], values=[1.0, 0.5, 0.1, 0.01]),
    schedule("CosineDecay", initial_learning_rate=0.1, decay_steps=30),
    schedule("CosineDecay", initial_learning_rate=0.1, decay_steps=30, alpha=0.2),
    schedule("CosineDecay", initial_learning_rate=0.0, decay_steps=20, alpha=0.1,
             warmup_target=0.5, warmup_steps=10),
    schedule("PolynomialDecay", initial_learning_rate=0.1, decay_steps=15),
    schedule("PolynomialDecay", initial_learning_rate=0.1, decay_steps=7,
             end_learning_rate=0.01, power=0.5, cycle=True),
    schedule("PolynomialDecay", initial_learning_rate=0.1, decay_steps=7,
             end_learning_rate=0.2, power=3.0),
    schedule("CosineDecayRestarts", initial_learning_rate=0.1, first_decay_steps=5),
    schedule("CosineDecayRestarts", initial_learning_rate=0.1, first_decay_steps=4,
             t_mul=1.0, m_mul=0.5, alpha=0.2),
    schedule("CosineDecayRestarts", initial_learning_rate=0.1, first_decay_steps=3,
             t_mul=1.5, m_mul=0.9, alpha=0.05),
]


def keras_kwargs(kwargs):
    return {k: keras_schedule(v) if isinstance(v, dict) else v for k, v in kwargs.items()}


def keras_optimizer(class_name, kwargs):
    return getattr(keras.optimizers, class_name)(**keras_kwargs(kwargs))


def keras_multi_optimizer(config):
    spec = config["optimizer_map"]["config"]
    default = spec["default_optimizer"]
    return keras.optimizers.MultiOptimizer(keras.optimizers.OptimizerMap(
        keras_optimizer(default["class_name"], default["config"]),
        {key: keras_optimizer(s["class_name"], s["config"])
         for key, s in spec["optimizer_map"].items()}))


def uses_ema(optimizer):
    """Whether the optimizer, or one of a MultiOptimizer's, keeps a moving average."""
    return optimizer.use_ema or any(o.use_ema for o in getattr(optimizer, "optimizers", []))


def record_keras(optimizer, problem):
    x, y, kernel, bias = problem
    variables = [keras.Variable(kernel, dtype="float64", name="kernel"),
                 keras.Variable(bias, dtype="float64", name="bias")]
    trajectory = [np.concatenate([kernel.ravel(), bias])]
    for _ in range(STEPS):
        values = [keras.ops.convert_to_numpy(v) for v in variables]
        grads = [keras.ops.convert_to_tensor(g) for g in gradients(x, y, *values)]
        optimizer.apply(grads, variables)
        trajectory.append(np.concatenate([keras.ops.convert_to_numpy(v).ravel()
                                          for v in variables]))
    if uses_ema(optimizer):
        optimizer.finalize_variable_values(variables)
        trajectory.append(np.concatenate([keras.ops.convert_to_numpy(v).ravel()
                                          for v in variables]))
    return np.array(trajectory)


def record_torch(class_name, kwargs, problem, clip=None, lr_schedule=None):
    x, y, kernel, bias = problem
    params = [torch.tensor(kernel, requires_grad=True), torch.tensor(bias, requires_grad=True)]
    optimizer = getattr(torch.optim, class_name)(params, **kwargs)
    trajectory = [np.concatenate([kernel.ravel(), bias])]
    for step in range(STEPS):
        grads = gradients(x, y, *(p.detach().numpy() for p in params))
        for p, g in zip(params, grads):
            p.grad = torch.tensor(g)
        if clip == "clipvalue":
            torch.nn.utils.clip_grad_value_(params, 0.3)
        if lr_schedule is not None:
            optimizer.param_groups[0]["lr"] = float(lr_schedule(step))
        optimizer.step()
        trajectory.append(np.concatenate([p.detach().numpy().ravel() for p in params]))
    return np.array(trajectory)


def main():
    keras.config.set_floatx("float64")
    torch.set_default_dtype(torch.float64)
    problem = make_problem()
    arrays = dict(zip(("x", "y", "kernel", "bias"), problem))
    cases = []
    for name, class_name, kwargs in KERAS_CASES:
        arrays[f"trajectory/{name}"] = record_keras(keras_optimizer(class_name, kwargs),
                                                    problem)
        cases.append({"name": name, "reference": f"keras {keras.__version__}",
                      "optimizer": {"class_name": class_name, "config": kwargs}})
    for name, config in MULTI_CASES:
        arrays[f"trajectory/{name}"] = record_keras(keras_multi_optimizer(config), problem)
        cases.append({"name": name, "reference": f"keras {keras.__version__}",
                      "optimizer": {"class_name": "MultiOptimizer", "config": config}})
    for name, class_name, kwargs, torch_class, torch_kwargs, *extra in TORCH_CASES:
        clip, uses_schedule = (extra + [None, None])[:2]
        lr_schedule = keras_schedule(kwargs["learning_rate"]) if uses_schedule else None
        arrays[f"trajectory/{name}"] = record_torch(
            torch_class, torch_kwargs, problem, clip,
            (lambda s, f=lr_schedule: keras.ops.convert_to_numpy(f(s))) if lr_schedule else None)
        cases.append({"name": name, "reference": f"torch {torch.__version__}",
                      "optimizer": {"class_name": class_name,
                                    "config": {**kwargs, "convention": "torch"}}})
    schedule_values = np.array([[float(keras.ops.convert_to_numpy(keras_schedule(s)(step)))
                                 for step in range(40)] for s in SCHEDULES])
    arrays["schedule_values"] = schedule_values
    arrays["cases"] = np.array(json.dumps({"steps": STEPS, "cases": cases,
                                           "schedules": SCHEDULES}))
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {len(cases)} trajectories and {len(SCHEDULES)} schedules to {OUT.name} "
          f"({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
