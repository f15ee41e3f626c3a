"""``CSVLogger``: one CSV row of logs per epoch."""
import csv
import os

from numpynn.callbacks.base import Callback


class CSVLogger(Callback):
    """Write one CSV row per epoch: ``epoch`` (from 0, as Keras) and every logged value.

    Args:
        filename: the CSV file.
        separator: field separator. Defaults to `","`.
        append: add to an existing file (to continue a run) instead of overwriting it;
            the header is written only if the file is empty. Defaults to `False`.
    """

    writes_files = True  # data-parallel: on rank 0 only

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename, self.sep, self.append = os.fspath(filename), separator, append
        self.keys, self.writer, self.csv_file = None, None, None

    def on_train_begin(self, logs=None):
        write_header = not (self.append and os.path.exists(self.filename)
                            and os.path.getsize(self.filename) > 0)
        if self.csv_file and not self.csv_file.closed:
            self.csv_file.close()
        self.csv_file = open(self.filename, "a" if self.append else "w", newline="")
        self.keys, self.writer, self._write_header = None, None, write_header

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(k.startswith("val_") for k in self.keys):
                self.keys += [f"val_{k}" for k in self.keys]  # columns stay stable
        if self.writer is None:
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys,
                                         delimiter=self.sep)
            if self._write_header:
                self.writer.writeheader()
        self.writer.writerow({"epoch": epoch, **{k: logs.get(k, "NA") for k in self.keys}})
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None
