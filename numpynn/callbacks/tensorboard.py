"""``TensorBoard``: write training curves and weight histograms for the ``tensorboard`` app.

The event files are written by ``tensorboardX`` (``pip install numpynn[tensorboard]``), in
Keras' layout::

    log_dir/train/events...        epoch_loss, epoch_accuracy, ..., epoch_learning_rate,
                                   <layer>/<weight>/histogram, batch_* (update_freq), keras
    log_dir/validation/events...   epoch_loss, epoch_accuracy, ... (the val_* logs)

Epoch scalars use the epoch (from 0) as step; batch scalars the batch count since
``fit`` started (from 1). TensorBoard stores scalars as float32, as Keras' do.
"""
import os

from numpynn.callbacks.base import Callback


def _summary_writer(folder):
    try:
        from tensorboardX import SummaryWriter
    except ImportError as err:
        raise ImportError("The TensorBoard callback writes event files with tensorboardX: "
                          "pip install 'numpynn[tensorboard]' (or tensorboardX).") from err
    return SummaryWriter(folder, flush_secs=5)


def _write_model_config(writer, model):
    """The model's Keras JSON as the ``keras`` summary that TensorBoard's graph tab draws
    (its ``graph_keras_model`` plugin, as ``tf.summary`` writes it for Keras)."""
    from tensorboardX.proto import summary_pb2, tensor_pb2, tensor_shape_pb2
    metadata = summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(
        plugin_name="graph_keras_model", content=b"1"))
    tensor = tensor_pb2.TensorProto(dtype="DT_STRING", string_val=[model.to_json().encode()],
                                    tensor_shape=tensor_shape_pb2.TensorShapeProto())
    value = summary_pb2.Summary.Value(tag="keras", metadata=metadata, tensor=tensor)
    writer._get_file_writer().add_summary(summary_pb2.Summary(value=[value]), 0)


class TensorBoard(Callback):
    """Log the losses, metrics, learning rate and (optionally) weight histograms of ``fit``
    for TensorBoard (``tensorboard --logdir log_dir``), as Keras does.

    Args:
        log_dir: folder of the logs (``train/`` and ``validation/`` inside).
            Defaults to `"logs"`.
        histogram_freq: every how many epochs to write the weights' histograms; `0` for
            never. Defaults to `0`.
        write_graph: write the model's architecture for the graph tab. Defaults to `True`.
        update_freq: `"epoch"`, `"batch"` or an integer N: also write the batch logs
            (``batch_loss``...) every N batches. Defaults to `"epoch"`.
    """

    writes_files = True  # data-parallel: on rank 0 only

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True,
                 update_freq="epoch", **unsupported):
        super().__init__()
        for key, value in unsupported.items():
            if value not in (None, False, 0):
                raise NotImplementedError(f"TensorBoard({key}=...) is not supported by "
                                          "numpynn.")
        if not isinstance(histogram_freq, int) or histogram_freq < 0:
            raise ValueError(f"histogram_freq must be an integer >= 0, got {histogram_freq!r}.")
        update_freq = 1 if update_freq == "batch" else update_freq
        if update_freq != "epoch" and not (isinstance(update_freq, int) and update_freq > 0):
            raise ValueError(f"update_freq must be 'epoch', 'batch' or a positive integer, "
                             f"got {update_freq!r}.")
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq, self.write_graph = histogram_freq, write_graph
        self.update_freq = update_freq
        self._writers = {}
        self._global_train_batch = 0

    def _writer(self, run):
        """The writer of ``log_dir/run`` (``train`` or ``validation``), made when needed."""
        if run not in self._writers:
            self._writers[run] = _summary_writer(os.path.join(self.log_dir, run))
        return self._writers[run]

    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        if self.write_graph:
            _write_model_config(self._writer("train"), self.model)

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1

    def on_train_batch_end(self, batch, logs=None):
        step = self._global_train_batch
        if self.update_freq == "epoch" or step % self.update_freq or not logs:
            return
        writer = self._writer("train")
        for name, value in logs.items():
            writer.add_scalar(f"batch_{name}", float(value), step)

    def on_epoch_end(self, epoch, logs=None):
        logs = dict(logs or {})
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        learning_rate = getattr(self.model.optimizer, "learning_rate", None)
        if learning_rate is not None:
            train.setdefault("learning_rate", float(learning_rate))
        for name, value in train.items():
            self._writer("train").add_scalar(f"epoch_{name}", float(value), epoch)
        for name, value in logs.items():
            if name.startswith("val_"):
                self._writer("validation").add_scalar(f"epoch_{name[4:]}", float(value), epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._write_histograms(epoch)
        for writer in self._writers.values():
            writer.flush()

    def _write_histograms(self, epoch):
        writer = self._writer("train")
        for _, layer, _ in self.model.weight_paths():
            for name, weight in layer.named_weights():
                writer.add_histogram(f"{layer.name}/{name}/histogram", weight, epoch)

    def on_train_end(self, logs=None):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def backup_state(self):
        return {"global_train_batch": self._global_train_batch}

    def restore_state(self, state):
        self._global_train_batch = int(state["global_train_batch"])
