"""Pictures of the course drawn by numpynn's own classes.

One concept per module; each computes its numbers with NumPy and draws them with matplotlib
(imported only when drawing: ``pip install numpynn[plot]``):

- ``history``: loss and metric curves, training vs validation (``plot_history``).
- ``activations``: every activation and its derivative (``plot_activations``).
- ``optimizer_race``: real optimizers on 2-D test functions (``race``, ``plot_race``,
  ``animate_race``).
- ``gradients``: per-layer gradient size while training, sigmoid vs ReLU (``GradientStats``,
  ``gradient_flow``, ``plot_gradient_flow``).
- ``model_graph``: a model's graph of layer calls (``plot_model``, ``model_layout``).
- ``augmentation``: a picture and augmented copies of it (``augmented_copies``,
  ``plot_augmentation``).
- ``predictions``: image predictions and the confusion matrix (``confusion_matrix``,
  ``plot_predictions``, ``plot_confusion_matrix``).

From the command line: ``python -m numpynn.visual --help`` (also ``numpynn plot``).
"""
from numpynn.visual.activations import activation_curves, derivative_peaks, plot_activations
from numpynn.visual.gradients import GradientStats, gradient_flow, plot_gradient_flow
from numpynn.visual.history import history_panels, plot_history, read_history
from numpynn.visual.model_graph import model_layout, plot_model
from numpynn.visual.optimizer_race import (SURFACES, RaceResult, Surface, animate_race,
                                           default_optimizers, plot_race, race)
from numpynn.visual.predictions import (confusion_matrix, plot_confusion_matrix,
                                        plot_predictions)
