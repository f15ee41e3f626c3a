"""Callbacks: code that ``fit`` runs at the start and end of training, epochs and batches,
one module per family (see ``base`` for the hooks)."""
from numpynn.callbacks.backup import BackupAndRestore
from numpynn.callbacks.base import HOOKS, Callback, CallbackList
from numpynn.callbacks.checkpoint import ModelCheckpoint
from numpynn.callbacks.csv_logger import CSVLogger
from numpynn.callbacks.gradient_stats import GradientStats
from numpynn.callbacks.history import History, ProgbarLogger
from numpynn.callbacks.lambda_callback import LambdaCallback
from numpynn.callbacks.learning_rate import LearningRateScheduler, ReduceLROnPlateau
from numpynn.callbacks.monitor import MonitorCallback
from numpynn.callbacks.stopping import EarlyStopping, TerminateOnNaN
from numpynn.callbacks.tensorboard import TensorBoard
